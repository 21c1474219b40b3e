/* Enrichment at report time (reference §5.4): every enricher plugin sees the
 * report's vulnerabilities, reads what its updater stored (CVSS, EPSS, KEV)
 * and maps vulnerability ids to JSON; the report gets
 *   "enrichments": {"<enricher type>": [{"<vuln id>": [<json>, ...]}]}
 * Clair's shape. An enricher that fails is logged and left out: the
 * vulnerabilities are still reported.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_ENRICH_H
#define CLARO_CORE_ENRICH_H

#include <jansson.h>

#include "error.h"
#include "registry.h"
#include "sinks.h"

/* Add every enricher's output to report["enrichments"]. Only running out
 * of memory is an error. */
enum claro_status enrich_report(const struct registry *reg, const struct enrichment_source *src,
				struct claro_vulnerability *const *vulns, size_t n, json_t *report,
				struct error *err);

#endif /* CLARO_CORE_ENRICH_H */
