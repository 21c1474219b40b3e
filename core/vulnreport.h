/* The vulnerability report of one indexed manifest, as the matcher API and
 * `claroctl report --local` serve it (reference §1.3, §6): the stored
 * IndexReport, matched against the advisory store, enriched, plus what claro
 * adds beyond Clair: "advisory_database", the freshness of every updater, so
 * an empty or stale database is never read as "no vulnerabilities".
 *
 *   "advisory_database": {
 *     "state": "fresh" | "stale" | "empty",
 *     "checked_at": "<RFC 3339>",
 *     "stale_after_seconds": N,
 *     "updaters": [{"name", "state": "fresh"|"stale"|"failing"|"never",
 *                   "last_success", "last_attempt", "error"}]}
 *
 * "stale": some updater has not succeeded within stale_after seconds (or
 * its last run failed); "empty": no vulnerability is stored at all.
 * Clients that do not know the field ignore it (Clair decodes leniently).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_VULNREPORT_H
#define CLARO_CORE_VULNREPORT_H

#include <stdint.h>

#include <jansson.h>

#include "error.h"
#include "registry.h"
#include "store.h"

struct vulnreport_options {
	int64_t stale_after; /* seconds; 0: the default (VULNREPORT_STALE_AFTER) */
	int64_t now;         /* Unix seconds; 0: time(NULL) */
	int thread_cache;    /* long-running servers: reuse this thread's last parsed
				IndexReport and freshness object (report_cache.h) */
};

#define VULNREPORT_STALE_AFTER (24 * 3600)

/* *out: the report. When the advisory database is empty *db_empty is set
 * and *out is instead {"message": …, "advisory_database": …}, the body of
 * the API's 202. CLARO_ERR_NOT_FOUND: no index report, or its state is not
 * IndexFinished (the message says which; the API answers 404). */
enum claro_status vulnreport_build(const struct registry *reg, struct store *s, const char *digest,
				   const struct vulnreport_options *opts, json_t **out, int *db_empty,
				   struct error *err);

/* The "advisory_database" object alone (also for `claroctl updaters status`
 * and the 202 body). */
enum claro_status vulnreport_freshness(struct store *s, const struct vulnreport_options *opts, json_t **out,
				       struct error *err);

#endif /* CLARO_CORE_VULNREPORT_H */
