/* enrich: what the plugin's host-facing files share: the settings read from
 * [plugin.enrich] at init, the three updaters (updaters.c) and the enricher
 * (enricher.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_ENRICH_ENRICH_H
#define CLARO_ENRICH_ENRICH_H

#include <stddef.h>
#include <stdint.h>

#include <claro/plugin.h>

#include "enrerr.h"

/* Names: each is an updater set, the one updater it lists, and the enricher
 * reading what that updater stored. */
#define ENRICH_CVSS "clair.cvss"
#define ENRICH_EPSS "claro.epss"
#define ENRICH_KEV  "claro.kev"

/* Enrichment types (the keys of a report's "enrichments"). clair.cvss is
 * Clair's own (claircore enricher/cvss, NVD API 2.0 feeds); the other two
 * follow its pattern with claro's names. */
#define ENRICH_CVSS_TYPE                                            \
	"message/vnd.clair.map.vulnerability; enricher=clair.cvss " \
	"schema=https://csrc.nist.gov/schema/nvd/api/2.0/cve_api_json_2.0.schema"
#define ENRICH_EPSS_TYPE                                            \
	"message/vnd.clair.map.vulnerability; enricher=claro.epss " \
	"schema=https://www.first.org/epss/data_stats"
#define ENRICH_KEV_TYPE                                            \
	"message/vnd.clair.map.vulnerability; enricher=claro.kev " \
	"schema=https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities_schema.json"

struct enrich_settings {
	const char *cvss_feed_root; /* borrowed from the host until fini */
	int64_t cvss_first_year;
	int64_t cvss_last_year; /* 0: the current year */
	const char *epss_url;
	const char *kev_url;
	uint64_t max_download_bytes;
	uint64_t max_uncompressed_bytes;
	size_t max_record_bytes;
};

enum claro_status enrich_update_cvss(struct claro_ctx *ctx, const struct enrich_settings *s,
				     struct claro_update *up);
enum claro_status enrich_update_epss(struct claro_ctx *ctx, const struct enrich_settings *s,
				     struct claro_update *up);
enum claro_status enrich_update_kev(struct claro_ctx *ctx, const struct enrich_settings *s,
				    struct claro_update *up);

/* Attach to every vulnerability the records stored under the CVE ids found
 * in its description, name and links (Clair's rule, cveid.h): with
 * first_only, only the first record of the first id (in byte order) that
 * has one -- Clair's enrichment query returns at most one record per
 * vulnerability -- otherwise every record of every id. */
enum claro_status enrich_vulnerabilities(struct claro_ctx *ctx,
					 const struct claro_vulnerability *const *vulns, size_t n,
					 struct claro_enrichment_out *out, int first_only);

/* Hand a parser's error to the host (three parts) and return its status. */
enum claro_status enrich_raise(struct claro_ctx *ctx, const struct enrich_error *e);

#endif /* CLARO_ENRICH_ENRICH_H */
