/* enrich: CISA's Known Exploited Vulnerabilities catalog (JSON) -> claro.kev
 * records.
 *
 * Every entry of "vulnerabilities" becomes a record tagged with its cveID
 * whose data is claircore's kev.Entry shape (enricher/kev/types.go), so a
 * consumer of Clair's clair.kev reads it unchanged:
 *   {"cve","vulnerability_name","catalog_version","date_added",
 *    "short_description","required_action","due_date",
 *    "known_ransomware_campaign_use"}
 * all strings ("" when the catalog omits one); catalog_version is the
 * catalog's top-level catalogVersion. Strings are passed on as the catalog
 * escaped them.
 *
 * The members claircore decodes must have its types (strings; cwes an array
 * of strings) or the catalog fails as a whole, as Go's decoder would; the
 * cveID must be a CVE id; a catalog without entries is an error.
 *
 * kev_parse reads the catalog once; call it with emit = NULL to check
 * everything first (the updater does: catalogVersion may come after the
 * entries, and nothing is emitted from a catalog that fails half-way).
 *
 * Pure library code.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_ENRICH_KEV_H
#define CLARO_ENRICH_KEV_H

#include <stddef.h>
#include <stdint.h>

#include "enrerr.h"
#include "jsonscan.h"

#define KEV_MAX_VERSION 256 /* longest catalogVersion token accepted, quotes included */

typedef enum claro_status (*kev_emit_fn)(void *arg, const char *cve, const char *json,
					 struct enrich_error *err);

struct kev_stats {
	uint64_t entries;
	int64_t count; /* the catalog's own "count", or -1 */
	/* catalogVersion as a JSON string token ("\"2025.02.24\""), or "" */
	char catalog_version[KEV_MAX_VERSION + 1];
};

/* One pass over the catalog. With emit == NULL only checks and fills stats;
 * with emit, catalog_version must be the token the checking pass found
 * (stats->catalog_version of that pass). */
enum claro_status kev_parse(jfeed_read_fn rd, void *src, size_t max_record, const char *label,
			    const char *catalog_version, kev_emit_fn emit, void *arg, struct kev_stats *stats,
			    struct enrich_error *err);

#endif /* CLARO_ENRICH_KEV_H */
