/* The updater runner (see updater_runner.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "httpclient.h"
#include "log.h"
#include "sinks.h"
#include "strutil.h"
#include "updater_runner.h"

/* SQLite has one writer at a time; threads of this process take turns here
 * instead of waiting out each other's busy timeout. */
static pthread_mutex_t sqlite_writer = PTHREAD_MUTEX_INITIALIZER;

const char *updater_outcome_name(enum updater_outcome o)
{
	switch (o) {
	case UPDATER_UPDATED: return "updated";
	case UPDATER_UNCHANGED: return "unchanged";
	case UPDATER_FAILED: return "failed";
	case UPDATER_BUSY: return "busy";
	case UPDATER_SKIPPED: return "skipped";
	}
	return "?";
}

void updater_round_free(struct updater_round *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].set);
		free(r->v[i].name);
		error_clear(&r->v[i].err);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* ---- Choosing updaters ---------------------------------------------------------- */

static int in_list(char *const *list, const char *name)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

static int matches_any(const char *const *patterns, const char *name)
{
	for (size_t i = 0; patterns && patterns[i]; i++)
		if (fnmatch(patterns[i], name, 0) == 0)
			return 1;
	return 0;
}

struct job {
	const struct component_ref *ref;
	char *name;
	uint32_t flags;
	int skip; /* disabled or not due: reported, not run */
	struct updater_result *res;
};

static const struct config_updater *own_section(const struct config_updaters *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_overrides; i++)
		if (strcmp(cfg->overrides[i].name, name) == 0)
			return &cfg->overrides[i];
	return NULL;
}

struct round {
	const struct registry *reg;
	const struct store_params *sp;
	const struct updater_run_options *o;
	struct job *jobs;
	size_t n_jobs;
	size_t next; /* under lock */
	pthread_mutex_t lock;
	struct updater_round *out;
};

static enum claro_status add_result(struct updater_round *out, const char *set, const char *name,
				    enum updater_outcome outcome, struct updater_result **res)
{
	struct updater_result *grown = realloc(out->v, (out->n + 1) * sizeof(*grown));

	if (!grown)
		return CLARO_ERR_NOMEM;
	out->v = grown;
	memset(&grown[out->n], 0, sizeof(grown[out->n]));
	grown[out->n].set = str_dup(set);
	grown[out->n].name = str_dup(name);
	grown[out->n].outcome = outcome;
	if (!grown[out->n].set || !grown[out->n].name) {
		free(grown[out->n].set);
		free(grown[out->n].name);
		return CLARO_ERR_NOMEM;
	}
	*res = &grown[out->n++];
	return CLARO_OK;
}

/* "message: detail" for updater_status.last_error. */
static char *error_text(const struct error *e)
{
	const char *msg = e->message ? e->message : status_text(e->status);

	return e->detail ? str_printf("%s: %s", msg, e->detail) : str_dup(msg);
}

/* Record a failure and log it, once: the same error as last time is only
 * debug chatter. */
static void record_failure(struct store *s, const char *updater, const char *fingerprint,
			   const struct error *e)
{
	struct store_updater_status prev = STORE_UPDATER_STATUS_INIT;
	struct error ignored = ERROR_INIT;
	char *text = error_text(e);
	int repeated = 0;

	if (s && store_updater_status_get(s, updater, &prev, &ignored) == CLARO_OK)
		repeated =
		    !prev.last_run_succeeded && prev.last_error && text && strcmp(prev.last_error, text) == 0;
	error_clear(&ignored);
	if (repeated) {
		log_debug("updater %s: still failing: %s", updater, text);
	} else {
		struct error shown = ERROR_INIT;

		error_set(&shown, e->status, "updater %s failed: %s", updater,
			  e->message ? e->message : status_text(e->status));
		if (e->detail)
			error_detail(&shown, "%s", e->detail);
		if (e->hint)
			error_hint(&shown, "%s", e->hint);
		log_error(CLARO_LOG_WARNING, &shown);
		error_clear(&shown);
	}
	if (s && store_updater_status_record(s, updater, (int64_t)time(NULL), fingerprint,
					     text ? text : "out of memory", &ignored) != CLARO_OK)
		log_error(CLARO_LOG_WARNING, &ignored);
	error_clear(&ignored);
	store_updater_status_free(&prev);
	free(text);
}

/* Ask one set for its updaters and queue the chosen ones. */
static enum claro_status list_set(struct round *r, struct store *s, const struct component_ref *ref)
{
	const struct claro_updater_set_ops *ops = ref->component->ops;
	const struct config_updaters *cfg = r->o->cfg;
	const char *set = ref->component->name;
	struct claro_updater_list *list = updater_list_new();
	struct plugin_call call;
	struct error err = ERROR_INIT;
	enum claro_status st;

	if (!list)
		return CLARO_ERR_NOMEM;
	plugin_call_begin(&call, ref);
	st = plugin_call_end(&call, ops->list(&call.ctx, list), &err);
	if (st != CLARO_OK) {
		char *name = str_printf("set:%s", set);
		struct updater_result *res = NULL;

		if (!name || add_result(r->out, set, name, UPDATER_FAILED, &res) != CLARO_OK) {
			free(name);
			updater_list_free(list);
			error_clear(&err);
			return CLARO_ERR_NOMEM;
		}
		record_failure(s, name, NULL, &err);
		error_move(&res->err, &err);
		r->out->failed++;
		free(name);
		updater_list_free(list);
		return CLARO_OK;
	}
	for (size_t i = 0; i < updater_list_count(list); i++) {
		const char *name = updater_list_name(list, i);
		struct job *grown;
		int duplicate = 0;

		if (matches_any((const char *const *)cfg->skip, name))
			continue;
		if (r->o->only && !matches_any(r->o->only, name) && !matches_any(r->o->only, set))
			continue;
		for (size_t j = 0; j < r->n_jobs; j++)
			duplicate |= strcmp(r->jobs[j].name, name) == 0;
		if (duplicate) {
			log_warn("updater %s is offered by two sets; set %s's is ignored", name, set);
			continue;
		}
		grown = realloc(r->jobs, (r->n_jobs + 1) * sizeof(*grown));
		if (!grown) {
			updater_list_free(list);
			return CLARO_ERR_NOMEM;
		}
		r->jobs = grown;
		memset(&grown[r->n_jobs], 0, sizeof(grown[r->n_jobs]));
		grown[r->n_jobs].ref = ref;
		grown[r->n_jobs].flags = updater_list_flags(list, i);
		if (!(grown[r->n_jobs].name = str_dup(name))) {
			updater_list_free(list);
			return CLARO_ERR_NOMEM;
		}
		r->n_jobs++;
	}
	updater_list_free(list);
	return CLARO_OK;
}

/* ---- Running one updater ------------------------------------------------------------ */

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The kinds of records must be the ones the updater was listed with. */
static enum claro_status check_kinds(const char *name, uint32_t flags, const struct claro_update *up,
				     struct error *err)
{
	int enrichment = (flags & CLARO_UPDATER_ENRICHMENT) != 0;
	size_t wrong = enrichment ? update_n_vulnerabilities(up) : update_n_enrichments(up);

	if (wrong == 0)
		return CLARO_OK;
	error_set(err, CLARO_ERR_INVALID, "updater %s emitted %zu %s", name, wrong,
		  enrichment ? "vulnerabilities" : "enrichments");
	error_detail(err, "It is listed as %s updater, so its run was not stored.",
		     enrichment ? "an enrichment" : "a vulnerability");
	error_hint(err,
		   "This is a bug in the plugin: list it with CLARO_UPDATER_ENRICHMENT exactly when it emits "
		   "enrichments.");
	return CLARO_ERR_INVALID;
}

/* Whether its own period says the updater may run now. */
static int period_due(struct store *s, const struct config_updater *own, const char *name)
{
	struct store_updater_status st = STORE_UPDATER_STATUS_INIT;
	struct error ignored = ERROR_INIT;
	int due = 1;

	if (!own || own->period <= 0)
		return 1;
	if (store_updater_status_get(s, name, &st, &ignored) == CLARO_OK)
		due = (int64_t)time(NULL) - st.last_attempt >= own->period;
	store_updater_status_free(&st);
	error_clear(&ignored);
	return due;
}

static void run_job(struct round *r, struct store *s, struct job *j)
{
	const struct claro_updater_set_ops *ops = j->ref->component->ops;
	enum store_update_kind kind =
	    (j->flags & CLARO_UPDATER_ENRICHMENT) ? STORE_KIND_ENRICHMENT : STORE_KIND_VULNERABILITY;
	struct updater_result *res = j->res;
	struct store_update_op prev;
	struct store_update_params params;
	struct store_update_writer *w = NULL;
	struct claro_update *up = NULL;
	struct plugin_call call;
	struct error err = ERROR_INIT;
	const char *prev_fp = NULL;
	double t0 = now_seconds();
	int acquired = 0, found = 0;
	enum claro_status st;

	memset(&prev, 0, sizeof(prev));
	st = store_try_lock(s, j->name, &acquired, &err);
	if (st == CLARO_OK && !acquired) {
		res->outcome = UPDATER_BUSY;
		log_debug("updater %s: another process is running it", j->name);
		goto out;
	}
	if (st == CLARO_OK)
		st = store_latest_update_op(s, j->name, kind, &prev, &found, &err);
	if (st == CLARO_OK && found && prev.fingerprint && *prev.fingerprint)
		prev_fp = prev.fingerprint;
	if (st == CLARO_OK && !(up = update_new(j->name, prev_fp)))
		st = error_set(&err, CLARO_ERR_NOMEM, "out of memory");
	/* The operation is open while the plugin runs: what it emits goes to
	 * the store's staging table as it comes, so memory does not grow with
	 * the feed. Only the commit below makes it the updater's snapshot. */
	memset(&params, 0, sizeof(params));
	params.updater = j->name;
	params.kind = kind;
	params.delta = kind == STORE_KIND_VULNERABILITY && (j->flags & CLARO_UPDATER_DELTA);
	if (st == CLARO_OK)
		st = store_update_begin(s, &params, &w, &err);
	if (st == CLARO_OK) {
		struct update_stream stream = store_update_stream(w);

		update_stream_to(up, &stream);
		plugin_call_begin(&call, j->ref);
		st = plugin_call_end(&call, ops->update(&call.ctx, j->name, up), &err);
	}
	if (st != CLARO_OK || (st = update_stream_failure(up, &err)) != CLARO_OK) {
		store_update_abort(w); /* the staged rows go; the previous snapshot stays */
		w = NULL;
	}
	if (st == CLARO_ERR_UNCHANGED) {
		error_clear(&err);
		res->outcome = UPDATER_UNCHANGED;
		log_info("updater %s: unchanged", j->name);
		if (store_updater_status_record(s, j->name, (int64_t)time(NULL), prev_fp, NULL, &err) !=
		    CLARO_OK) {
			log_error(CLARO_LOG_WARNING, &err);
			error_clear(&err);
		}
		goto out;
	}
	if (st == CLARO_OK)
		st = check_kinds(j->name, j->flags, up, &err);
	params.fingerprint = up ? update_fingerprint(up) : NULL;
	if (st == CLARO_OK)
		st = store_update_set_fingerprint(w, params.fingerprint, &err);
	if (st == CLARO_OK && !params.delta && update_n_deletes(up) > 0)
		log_warn("updater %s sent %zu deletes but is not a delta updater; ignored", j->name,
			 update_n_deletes(up));
	for (size_t i = 0; st == CLARO_OK && params.delta && i < update_n_deletes(up); i++)
		st = store_update_add_delete(w, update_delete_name(up, i), &err);
	if (st == CLARO_OK) {
		int sqlite = r->sp->backend == STORE_SQLITE;

		if (sqlite)
			pthread_mutex_lock(&sqlite_writer);
		st = store_update_commit(w, &res->stored, &err); /* frees w */
		w = NULL;
		if (sqlite)
			pthread_mutex_unlock(&sqlite_writer);
	} else {
		store_update_abort(w);
		w = NULL;
	}
	if (st == CLARO_OK) {
		res->outcome = UPDATER_UPDATED;
		if (res->stored.records == 0 && !params.delta)
			log_warn("updater %s produced no records: its snapshot is now empty", j->name);
		log_info(
		    "updater %s: stored %zu %s (%zu new%s%zu carried, %zu skipped) in %.1fs", j->name,
		    res->stored.records, kind == STORE_KIND_ENRICHMENT ? "enrichments" : "vulnerabilities",
		    res->stored.new_rows, ", ", res->stored.carried, res->stored.skipped, now_seconds() - t0);
		if (store_updater_status_record(s, j->name, (int64_t)time(NULL), params.fingerprint, NULL,
						&err) != CLARO_OK) {
			log_error(CLARO_LOG_WARNING, &err);
			error_clear(&err);
		}
		goto out;
	}
	res->outcome = UPDATER_FAILED;
	if (st == CLARO_ERR_CANCELLED) {
		log_info("updater %s: cancelled", j->name); /* shutting down: not a feed failure */
	} else {
		record_failure(s, j->name, prev_fp, &err);
	}
	error_move(&res->err, &err);
out:
	if (acquired) {
		struct error ignored = ERROR_INIT;

		store_unlock(s, j->name, &ignored);
		error_clear(&ignored);
	}
	res->seconds = now_seconds() - t0;
	store_update_abort(w);
	update_free(up);
	store_update_op_free(&prev);
	error_clear(&err);
}

/* A worker: its own connection, jobs until none is left. */
static void *worker(void *arg)
{
	struct round *r = arg;
	struct store *s = NULL;
	struct error err = ERROR_INIT;
	enum claro_status st = store_open(&s, r->sp, &err);

	for (;;) {
		struct job *j = NULL;

		pthread_mutex_lock(&r->lock);
		if (r->next < r->n_jobs)
			j = &r->jobs[r->next++];
		pthread_mutex_unlock(&r->lock);
		if (!j)
			break;
		if (j->skip)
			continue;
		if (st != CLARO_OK) {
			j->res->outcome = UPDATER_FAILED;
			error_set(&j->res->err, err.status, "%s",
				  err.message ? err.message : "could not open store");
			if (err.detail)
				error_detail(&j->res->err, "%s", err.detail);
			continue;
		}
		run_job(r, s, j);
	}
	if (st != CLARO_OK)
		log_error(CLARO_LOG_ERROR, &err);
	error_clear(&err);
	store_close(s);
	return NULL;
}

static void collect_garbage(struct store *s, int retention, struct updater_round *out)
{
	struct error err = ERROR_INIT;
	int acquired = 0;

	if (store_try_lock(s, STORE_GC_LOCK, &acquired, &err) != CLARO_OK || !acquired) {
		if (err.message)
			log_error(CLARO_LOG_WARNING, &err);
		error_clear(&err);
		return;
	}
	if (store_advisory_gc(s, retention, STORE_GC_THROTTLE, &out->gc, &err) != CLARO_OK) {
		log_error(CLARO_LOG_WARNING, &err);
		error_clear(&err);
	} else {
		out->gc_ran = 1;
		if (out->gc.deleted_ops)
			log_info(
			    "gc: deleted %zu update operations, %zu vulnerabilities and %zu enrichments; %zu "
			    "operations still due",
			    out->gc.deleted_ops, out->gc.deleted_vulns, out->gc.deleted_enrichments,
			    out->gc.remaining);
	}
	store_unlock(s, STORE_GC_LOCK, &err);
	error_clear(&err);
}

enum claro_status updater_run_round(const struct registry *reg, const struct store_params *sp,
				    const struct updater_run_options *o, struct updater_round *out,
				    struct error *err)
{
	const struct config_updaters *cfg = o->cfg;
	struct round r;
	struct store *s = NULL;
	pthread_t threads[256];
	size_t n_threads = 0, wanted, base;
	enum claro_status st;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.reg = reg;
	r.sp = sp;
	r.o = o;
	r.out = out;
	st = store_open(&s, sp, err);
	if (st != CLARO_OK)
		return st;
	for (size_t i = 0; st == CLARO_OK && i < registry_count(reg, CLARO_KIND_UPDATER_SET); i++) {
		const struct component_ref *ref = registry_at(reg, CLARO_KIND_UPDATER_SET, i);

		if (cfg->sets && !in_list(cfg->sets, ref->component->name))
			continue;
		st = list_set(&r, s, ref);
	}
	if (st == CLARO_ERR_NOMEM)
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory listing updaters");
	/* Every job gets its result slot before any worker starts, so workers
	 * write results without the array moving under them. Disabled ones and
	 * those whose own period has not come are reported as skipped. */
	base = out->n;
	for (size_t i = 0; st == CLARO_OK && i < r.n_jobs; i++) {
		const struct config_updater *own = own_section(cfg, r.jobs[i].name);
		struct updater_result *ignored;

		r.jobs[i].skip = (own && !own->enabled) || (!o->force && !period_due(s, own, r.jobs[i].name));
		if (add_result(out, r.jobs[i].ref->component->name, r.jobs[i].name,
			       r.jobs[i].skip ? UPDATER_SKIPPED : UPDATER_FAILED, &ignored) != CLARO_OK)
			st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; st == CLARO_OK && i < r.n_jobs; i++)
		r.jobs[i].res = &out->v[base + i];
	if (st == CLARO_OK && r.n_jobs > 0) {
		pthread_mutex_init(&r.lock, NULL);
		wanted = cfg->concurrency > 0 ? (size_t)cfg->concurrency : 1;
		if (wanted > r.n_jobs)
			wanted = r.n_jobs;
		if (wanted > sizeof(threads) / sizeof(threads[0]))
			wanted = sizeof(threads) / sizeof(threads[0]);
		for (; n_threads < wanted; n_threads++)
			if (pthread_create(&threads[n_threads], NULL, worker, &r) != 0)
				break;
		if (n_threads == 0)
			worker(&r); /* no thread could start: do it here */
		for (size_t i = 0; i < n_threads; i++)
			pthread_join(threads[i], NULL);
		pthread_mutex_destroy(&r.lock);
	}
	for (size_t i = 0; i < r.n_jobs; i++)
		free(r.jobs[i].name);
	free(r.jobs);
	out->failed = 0;
	for (size_t i = 0; i < out->n; i++)
		out->failed += out->v[i].outcome == UPDATER_FAILED;
	if (st == CLARO_OK && !o->no_gc && cfg->retention > 0)
		collect_garbage(s, cfg->retention, out);
	store_close(s);
	if (st != CLARO_OK)
		updater_round_free(out);
	return st;
}

/* ---- The background runner ------------------------------------------------------------ */

struct updater_runner {
	const struct registry *reg;
	const struct store_params *sp;
	const struct config_updaters *cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;
	atomic_uint rounds;
	uint64_t rng;
};

static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state; /* xorshift64: jitter needs no more */

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

static void log_round(const struct updater_round *round, double seconds)
{
	size_t counts[5] = {0};

	for (size_t i = 0; i < round->n; i++)
		counts[round->v[i].outcome]++;
	log_notice(
	    "updaters: round done in %.1fs: %zu updated, %zu unchanged, %zu failed, %zu busy elsewhere, "
	    "%zu skipped",
	    seconds, counts[UPDATER_UPDATED], counts[UPDATER_UNCHANGED], counts[UPDATER_FAILED],
	    counts[UPDATER_BUSY], counts[UPDATER_SKIPPED]);
}

static void *runner_main(void *arg)
{
	struct updater_runner *r = arg;
	struct updater_run_options o = {r->cfg, NULL, 0, 0};

	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		struct updater_round round;
		struct error err = ERROR_INIT;
		struct timespec until;
		double t0 = now_seconds();
		int64_t wait;

		pthread_mutex_unlock(&r->lock);
		if (updater_run_round(r->reg, r->sp, &o, &round, &err) == CLARO_OK) {
			log_round(&round, now_seconds() - t0);
			updater_round_free(&round);
		} else {
			log_error(CLARO_LOG_ERROR, &err);
			error_clear(&err);
		}
		atomic_fetch_add(&r->rounds, 1);
		wait = r->cfg->period;
		if (r->cfg->jitter > 0)
			wait += (int64_t)(next_random(&r->rng) % (uint64_t)(r->cfg->jitter + 1));
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)wait;
		pthread_mutex_lock(&r->lock);
		while (!r->stop && pthread_cond_timedwait(&r->wake, &r->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

enum claro_status updater_runner_start(struct updater_runner **out, const struct registry *reg,
				       const struct store_params *sp, const struct config_updaters *cfg,
				       struct error *err)
{
	struct updater_runner *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	r->reg = reg;
	r->sp = sp;
	r->cfg = cfg;
	r->rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)r;
	if (!r->rng)
		r->rng = 1;
	atomic_init(&r->rounds, 0);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	if (pthread_create(&r->thread, NULL, runner_main, r) != 0) {
		pthread_cond_destroy(&r->wake);
		pthread_mutex_destroy(&r->lock);
		free(r);
		error_set(err, CLARO_ERR_INTERNAL, "could not start the updater runner");
		error_detail(err, "pthread_create failed.");
		return CLARO_ERR_INTERNAL;
	}
	log_info("updaters: running every %lld s (+ up to %lld s), %d at once, keeping %d operations each",
		 (long long)cfg->period, (long long)cfg->jitter, cfg->concurrency, cfg->retention);
	*out = r;
	return CLARO_OK;
}

void updater_runner_stop(struct updater_runner *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	httpclient_cancel(1); /* fetches in flight end now, not when the feed is done */
	pthread_join(r->thread, NULL);
	httpclient_cancel(0);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

unsigned updater_runner_rounds(struct updater_runner *r)
{
	return r ? atomic_load(&r->rounds) : 0;
}

enum claro_status updaters_configure_http(const struct config *cfg, struct error *err)
{
	struct httpclient_options o;

	memset(&o, 0, sizeof(o));
	o.airgap = cfg->airgap;
	o.mirror_dir = cfg->updaters.mirror_dir;
	o.rate_limit = cfg->updaters.rate_limit;
	if (o.mirror_dir) {
		if (access(o.mirror_dir, R_OK | X_OK) != 0) {
			int e = errno;
			error_set(err, CLARO_ERR_CONFIG, "could not use the mirror directory \"%s\"",
				  o.mirror_dir);
			error_detail(err, "%s.", strerror(e));
			error_hint(err,
				   "Create it and fill it with the upstream feed files (host/path), or unset "
				   "[updaters] mirror_dir.");
			return CLARO_ERR_CONFIG;
		}
		log_info("updaters: reading every feed from the mirror %s, never from the network",
			 o.mirror_dir);
	}
	return httpclient_configure(&o, err);
}
