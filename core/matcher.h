/* The matcher: IndexReport in, VulnerabilityReport out (reference §6).
 *
 * The IndexReport is turned into index records (one per package,
 * environment and repository, Clair's IndexRecords); every matcher plugin
 * component filters them, the source answers each record's query (the
 * constraints the matcher asks for, plus the normalised-range filter when
 * the matcher declares one) and the matcher's vulnerable() decides each
 * candidate unless its range filter is authoritative. A matcher error fails
 * the whole report, as in Clair.
 *
 * The source is the advisory store in production (matcher_store_source)
 * and an in-memory table in the fixture tests.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_MATCHER_H
#define CLARO_CORE_MATCHER_H

#include <jansson.h>

#include "error.h"
#include "registry.h"
#include "store_advisory.h"

struct matcher_source {
	/* Call fn for every stored vulnerability that satisfies q. */
	enum claro_status (*match)(void *arg, const struct store_match_query *q, store_vuln_fn fn,
				   void *fn_arg, struct error *err);
	/* Optional: many records that agree on the constrained fields in one
	 * query (store_vulnerabilities_match_batch's contract); NULL: match()
	 * per record. */
	enum claro_status (*match_batch)(void *arg, const struct store_match_batch *b, store_batch_vuln_fn fn,
					 void *fn_arg, struct error *err);
	void *arg;
};

/* A source reading the advisory store s. */
void matcher_store_source(struct matcher_source *src, struct store *s);

/* Statistics of one run, for logs and metrics. */
struct matcher_stats {
	size_t records;    /* index records built from the report */
	size_t queries;    /* source queries issued (a batch counts one) */
	size_t candidates; /* vulnerabilities the source returned */
	size_t matches;    /* (package, vulnerability) pairs in the report */
};

/* The distinct vulnerabilities a report lists, as records (for enrichers). */
struct matched_vulns {
	struct claro_vulnerability **v;
	size_t n, cap;
};
void matched_vulns_free(struct matched_vulns *mv);

/* Build the VulnerabilityReport of index_report (a parsed IndexReport whose
 * state the caller has checked). *out is a new reference: the report's
 * manifest_hash, packages, distributions, repository and environments, plus
 * vulnerabilities, package_vulnerabilities and enrichments ({}; enrichers
 * add theirs afterwards). stats and matched may be NULL; matched receives
 * a copy of every distinct vulnerability listed (free it with
 * matched_vulns_free whatever the outcome). */
enum claro_status matcher_report(const struct registry *reg, const struct matcher_source *src,
				 json_t *index_report, json_t **out, struct matcher_stats *stats,
				 struct matched_vulns *matched, struct error *err);

#endif /* CLARO_CORE_MATCHER_H */
