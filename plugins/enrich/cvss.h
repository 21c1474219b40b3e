/* enrich: NVD CVE API 2.0 yearly feeds -> clair.cvss records (reference
 * §5.2, claircore enricher/cvss).
 *
 *   - cvss_meta_sha256: the sha256 line of a feed's .meta file, upper-cased
 *     (Clair keeps a JSON map year -> that hash as the fingerprint and
 *     refetches every year when any one changed);
 *   - cvss_parse: walk one year's JSON (decompressed stream) and hand out one
 *     record per CVE that is not "Rejected" (case-insensitively) and has a
 *     CVSS 3.x metric of type "Primary": tag = cve.id, data = that metric's
 *     cvssData object, compacted but otherwise as NVD wrote it. The first
 *     Primary metric of cvssMetricV31, then of cvssMetricV30, is the one; if
 *     it has no cvssData the CVE is skipped (as Clair does). Types are
 *     checked as Go's decoder would (a member of the wrong type fails the
 *     whole feed) and the id must be a CVE id.
 *
 * Pure library code.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_ENRICH_CVSS_H
#define CLARO_ENRICH_CVSS_H

#include <stddef.h>
#include <stdint.h>

#include "enrerr.h"
#include "jsonscan.h"

/* sha256 of a .meta file's text, as 64 upper-case hex digits. */
enum claro_status cvss_meta_sha256(const char *text, size_t n, const char *label, char out[65],
				   struct enrich_error *err);

/* One record: tag and JSON text, NUL-terminated, valid during the call. */
typedef enum claro_status (*cvss_emit_fn)(void *arg, const char *tag, const char *json,
					  struct enrich_error *err);

struct cvss_stats {
	uint64_t items;        /* elements of "vulnerabilities" */
	uint64_t emitted;      /* records handed out */
	uint64_t rejected;     /* skipped: vulnStatus Rejected */
	uint64_t no_cvss3;     /* skipped: no Primary CVSS 3.x cvssData */
	int64_t total_results; /* the feed's totalResults, or -1 */
};

enum claro_status cvss_parse(jfeed_read_fn rd, void *src, size_t max_record, const char *label,
			     cvss_emit_fn emit, void *arg, struct cvss_stats *stats,
			     struct enrich_error *err);

#endif /* CLARO_ENRICH_CVSS_H */
