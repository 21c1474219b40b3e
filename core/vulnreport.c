/* One manifest's vulnerability report with the database's freshness
 * (vulnreport.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include "vulnreport.h"

#include <string.h>
#include <time.h>

#include "enrich.h"
#include "indexreport.h"
#include "report_cache.h"
#include "matcher.h"
#include "store_advisory.h"
#include "strutil.h"
#include "vulnjson.h"

static int64_t now_of(const struct vulnreport_options *o)
{
	return o && o->now ? o->now : (int64_t)time(NULL);
}

static int64_t stale_after_of(const struct vulnreport_options *o)
{
	return o && o->stale_after > 0 ? o->stale_after : VULNREPORT_STALE_AFTER;
}

/* RFC 3339 UTC, or JSON null for 0 ("never"). */
static json_t *timestamp(int64_t t)
{
	char buf[32];

	if (t <= 0)
		return json_null();
	vulnjson_format_time(t, buf);
	return json_string(buf);
}

/* The last success, or the latest operation's date: imported snapshots
 * carry no status row. 0: never. */
static int64_t last_success_of(const struct store_updater_summary *u)
{
	int64_t last_success = u->has_status ? u->status.last_success : 0;

	return !last_success && u->has_op ? u->op.date : last_success;
}

static const char *updater_state(const struct store_updater_summary *u, int64_t now, int64_t stale_after)
{
	int64_t last_success = last_success_of(u);

	if (u->has_status && !u->status.last_run_succeeded && u->status.last_attempt)
		return "failing";
	if (!last_success)
		return "never";
	return now - last_success > stale_after ? "stale" : "fresh";
}

static json_t *updater_json(const struct store_updater_summary *u, int64_t now, int64_t stale_after)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:s?}", "name", u->updater, "state",
			 updater_state(u, now, stale_after), "last_success", timestamp(last_success_of(u)),
			 "last_attempt", timestamp(u->has_status ? u->status.last_attempt : 0), "error",
			 u->has_status ? u->status.last_error : NULL);
}

/* The freshness object; *valid_until: when its first fresh updater turns
 * stale (INT64_MAX: none will without a write). */
static enum claro_status freshness_build(struct store *s, int64_t now, int64_t stale_after, json_t **out,
					 int64_t *valid_until, struct error *err)
{
	struct store_updater_summaries list = {0};
	json_t *updaters, *obj;
	int empty = 0, stale = 0;
	enum claro_status st;

	*out = NULL;
	*valid_until = INT64_MAX;
	if ((st = store_vulnerabilities_empty(s, &empty, err)) != CLARO_OK ||
	    (st = store_updater_summaries(s, 0, &list, err)) != CLARO_OK)
		return st;
	if (!(updaters = json_array()))
		goto nomem;
	for (size_t i = 0; i < list.n; i++) {
		const char *state = updater_state(&list.v[i], now, stale_after);

		if (strcmp(state, "fresh") != 0) {
			stale = 1;
		} else {
			int64_t success = last_success_of(&list.v[i]);

			if (success + stale_after + 1 < *valid_until)
				*valid_until = success + stale_after + 1;
		}
		if (json_array_append_new(updaters, updater_json(&list.v[i], now, stale_after)))
			goto nomem;
	}
	obj = json_pack("{s:s, s:o, s:I, s:o}", "state",
			empty   ? "empty"
			: stale ? "stale"
				: "fresh",
			"checked_at", timestamp(now), "stale_after_seconds", (json_int_t)stale_after,
			"updaters", updaters);
	updaters = NULL;
	if (!obj)
		goto nomem;
	store_updater_summaries_free(&list);
	*out = obj;
	return CLARO_OK;
nomem:
	json_decref(updaters);
	store_updater_summaries_free(&list);
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

enum claro_status vulnreport_freshness(struct store *s, const struct vulnreport_options *opts, json_t **out,
				       struct error *err)
{
	int64_t now = now_of(opts), stale_after = stale_after_of(opts), valid_until;
	char *generation = NULL;
	json_t *checked_at;
	enum claro_status st = CLARO_OK;

	if (!opts || !opts->thread_cache)
		return freshness_build(s, now, stale_after, out, &valid_until, err);
	if ((st = store_updater_generation(s, &generation, err)) != CLARO_OK)
		return st;
	checked_at = timestamp(now);
	*out = report_cache_freshness(generation ? generation : "", stale_after, now, checked_at);
	json_decref(checked_at);
	if (!*out && (st = freshness_build(s, now, stale_after, out, &valid_until, err)) == CLARO_OK)
		report_cache_freshness_keep(generation ? generation : "", stale_after, valid_until, *out);
	free(generation);
	return *out ? CLARO_OK : st;
}

static enum claro_status load_finished_report(struct store *s, const char *digest, int cache, json_t **out,
					      struct error *err)
{
	char *text = NULL;
	json_error_t je;
	const char *state;
	enum claro_status st = store_index_report_get(s, digest, &text, err);

	*out = NULL;
	if (st == CLARO_ERR_NOT_FOUND) {
		error_set(err, st, "index report for %s not found", digest);
		error_hint(err, "Index the manifest first (POST /indexer/api/v1/index_report).");
		return st;
	}
	if (st != CLARO_OK)
		return st;
	*out = cache ? report_cache_index(digest, text, strlen(text), &je) : json_loads(text, 0, &je);
	free(text);
	if (!*out) {
		error_set(err, CLARO_ERR_INVALID, "stored index report for %s is not valid JSON", digest);
		error_detail(err, "%s at line %d.", je.text, je.line);
		return CLARO_ERR_INVALID;
	}
	state = json_string_value(json_object_get(*out, "state"));
	if (!state || strcmp(state, INDEX_STATE_INDEX_FINISHED) != 0) {
		error_set(err, CLARO_ERR_NOT_FOUND, "index report for %s is not finished", digest);
		error_detail(err, "Its state is %s.", state ? state : "missing");
		error_hint(err, "Wait for indexing to finish, or index the manifest again if it failed.");
		json_decref(*out);
		*out = NULL;
		return CLARO_ERR_NOT_FOUND;
	}
	return CLARO_OK;
}

static enum claro_status store_enrichment_get(void *impl, const char *updater, const char *tag,
					      enrichment_fn fn, void *arg, struct error *err)
{
	return store_enrichments_get(impl, updater, tag, fn, arg, err);
}

static enum claro_status empty_body(json_t *freshness, json_t **out, struct error *err)
{
	*out = json_pack(
	    "{s:s, s:o}", "message",
	    "the advisory database is empty: no updater has stored vulnerabilities yet, so no report "
	    "can be computed; retry once the first update has finished",
	    "advisory_database", freshness);
	return *out ? CLARO_OK : error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

enum claro_status vulnreport_build(const struct registry *reg, struct store *s, const char *digest,
				   const struct vulnreport_options *opts, json_t **out, int *db_empty,
				   struct error *err)
{
	struct matcher_source src;
	struct matched_vulns matched = {0};
	struct enrichment_source esrc = {store_enrichment_get, s};
	json_t *index = NULL, *report = NULL, *freshness = NULL;
	enum claro_status st;

	*out = NULL;
	*db_empty = 0;
	if ((st = load_finished_report(s, digest, opts && opts->thread_cache, &index, err)) != CLARO_OK)
		return st;
	if ((st = vulnreport_freshness(s, opts, &freshness, err)) != CLARO_OK)
		goto out;
	if (strcmp(json_string_value(json_object_get(freshness, "state")), "empty") == 0) {
		*db_empty = 1;
		st = empty_body(freshness, out, err);
		freshness = NULL;
		goto out;
	}
	matcher_store_source(&src, s);
	if ((st = matcher_report(reg, &src, index, &report, NULL, &matched, err)) != CLARO_OK)
		goto out;
	if ((st = enrich_report(reg, &esrc, matched.v, matched.n, report, err)) != CLARO_OK)
		goto out;
	if (json_object_set_new(report, "advisory_database", freshness)) {
		freshness = NULL;
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
		goto out;
	}
	freshness = NULL;
	*out = report;
	report = NULL;
out:
	matched_vulns_free(&matched);
	json_decref(report);
	json_decref(freshness);
	json_decref(index);
	return st;
}
