/* The updater runner (reference §3.7, §5.1): asks every loaded updater set
 * which updaters it has (afresh each round), runs them a few at a time, and
 * stores what they emit as update operations; then collects old operations.
 *
 * Per updater, in a worker thread with its own store connection:
 *   - skipped when [updaters] skip or [updater.<name>] enabled = false says
 *     so, or when its [updater.<name>] period has not passed since its last
 *     attempt (unless forced);
 *   - under the advisory lock named after the updater (PostgreSQL:
 *     pg_try_advisory_lock; SQLite: the store's file-lock equivalent), so
 *     however many daemons share the database, one runs it; the others
 *     report it busy and move on;
 *   - the fingerprint of its latest operation goes back to the plugin
 *     (update_prev_fingerprint), which answers CLARO_ERR_UNCHANGED to skip;
 *   - CLARO_UPDATER_DELTA updaters store deltas (carried forward by the
 *     store), CLARO_UPDATER_ENRICHMENT ones enrichment operations;
 *   - what the plugin emits goes into the store's staging table as it
 *     emits it (store_update_stream), so memory stays flat in the size of
 *     the feed; only a run that succeeds is committed as the operation
 *     (SQLite: in-process writers take turns for that commit only);
 *   - the outcome is recorded in updater_status (attempt, success, error);
 *     a failure stores nothing, so the previous snapshot stays, and is
 *     logged once with its cause: the same error again the next round is
 *     logged at debug level only.
 * A set whose list() fails is recorded in updater_status as "set:<name>".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_UPDATER_RUNNER_H
#define CLARO_CORE_UPDATER_RUNNER_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "registry.h"
#include "store.h"
#include "store_advisory.h"

enum updater_outcome {
	UPDATER_UPDATED,   /* a new operation was stored */
	UPDATER_UNCHANGED, /* the plugin said CLARO_ERR_UNCHANGED */
	UPDATER_FAILED,    /* recorded in updater_status; nothing stored */
	UPDATER_BUSY,      /* another connection holds its lock */
	UPDATER_SKIPPED    /* disabled, or its own period has not passed */
};
const char *updater_outcome_name(enum updater_outcome o); /* "updated", ... */

struct updater_result {
	char *set;  /* the updater-set component */
	char *name; /* the updater, or "set:<name>" for a failed list() */
	enum updater_outcome outcome;
	struct store_update_result stored; /* UPDATER_UPDATED */
	double seconds;
	struct error err; /* UPDATER_FAILED */
};

struct updater_round {
	struct updater_result *v;
	size_t n;
	size_t failed;
	int gc_ran;
	struct store_gc_result gc;
};
void updater_round_free(struct updater_round *r);

struct updater_run_options {
	const struct config_updaters *cfg; /* sets, skip, overrides, concurrency, retention */
	/* NULL-terminated updater names, set names or fnmatch patterns: run
	 * only those (claroctl updaters run NAME...). NULL: all. */
	const char *const *only;
	int force; /* ignore [updater.<name>] period */
	int no_gc; /* do not collect after the round */
};

/* One round, synchronously. CLARO_OK even when updaters failed (see
 * out->failed); an error only when the round could not run at all (no
 * database). */
enum claro_status updater_run_round(const struct registry *reg, const struct store_params *sp,
				    const struct updater_run_options *o, struct updater_round *out,
				    struct error *err);

/* The background runner of clarod: a round at start, then one every
 * period plus up to jitter. reg, sp and cfg must outlive it. */
struct updater_runner;
enum claro_status updater_runner_start(struct updater_runner **out, const struct registry *reg,
				       const struct store_params *sp, const struct config_updaters *cfg,
				       struct error *err);
/* Stop (cancelling fetches in flight) and wait for the thread. NULL ok. */
void updater_runner_stop(struct updater_runner *r);
/* Rounds completed so far (tests). */
unsigned updater_runner_rounds(struct updater_runner *r);

/* The outbound HTTP policy of cfg ([clarod] airgap, [updaters] rate_limit
 * and mirror_dir) for host->http_fetch; clarod and claroctl --local call it
 * before plugins load. */
enum claro_status updaters_configure_http(const struct config *cfg, struct error *err);

#endif /* CLARO_CORE_UPDATER_RUNNER_H */
