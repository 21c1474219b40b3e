/* claro plugin SDK: enrichers.
 *
 * At report time an enricher looks up what its updater stored (by tags, with
 * host->enrichment_get()) and attaches JSON to vulnerabilities of the report
 * (Clair's Enricher, reference §5.4), e.g. CVSS, EPSS, CISA KEV.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_KINDS_ENRICHER_H
#define CLARO_KINDS_ENRICHER_H

#include <claro/status.h>
#include <claro/records.h>

struct claro_ctx;
struct claro_enrichment_out; /* host-owned sink */

/* CLARO_KIND_ENRICHER. Since: ABI 1.0 */
struct claro_enricher_ops {
	uint32_t struct_size;
	/* The enrichment type key in reports, e.g.
	 * "message/vnd.clair.map.vulnerability; enricher=clair.cvss schema=…". */
	const char *type;
	/* The updater whose stored enrichments this enricher reads. */
	const char *updater;
	enum claro_status (*enrich)(struct claro_ctx *ctx, const struct claro_vulnerability *const *vulns,
				    size_t n_vulns, struct claro_enrichment_out *out);
};

#endif /* CLARO_KINDS_ENRICHER_H */
