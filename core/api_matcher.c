/* Clair's matcher API (reference §1.3) on clarod's API listener, in combo
 * and matcher mode:
 *
 *   GET    /matcher/api/v1/vulnerability_report/{digest}
 *   GET    /matcher/api/v1/internal/update_operation?kind=…&latest=…
 *   DELETE /matcher/api/v1/internal/update_operation/{ref}
 *   GET    /matcher/api/v1/internal/update_diff?prev=…&cur=…
 *
 * The report is computed on every request from the stored IndexReport (the
 * indexer and the matcher share the store; a remote indexer is not
 * supported yet). Differences from Clair, on purpose: the report carries
 * "advisory_database" (freshness, see vulnreport.h) and its Content-Type is
 * the vulnerability report's type (Clair sends the index report's by
 * mistake); the 202 for an empty database has a body saying so.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "api_common.h"
#include "api_matcher.h"
#include "log.h"
#include "store_advisory.h"
#include "strutil.h"
#include "vulnjson.h"
#include "vulnreport.h"

#define VULN_REPORT_PATH "/matcher/api/v1/vulnerability_report"
#define UPDATE_OP_PATH   "/matcher/api/v1/internal/update_operation"
#define UPDATE_DIFF_PATH "/matcher/api/v1/internal/update_diff"

/* Clair's default matcher.cache_age: the updater period, 6 h. */
#define REPORT_CACHE_AGE 21600

static const char *const report_types[] = {"application/vnd.clair.vulnerability_report.v1+json",
					   "application/json", NULL};
static const char *const op_types[] = {"application/vnd.clair.update_operations.v1+json", "application/json",
				       NULL};
static const char *const diff_types[] = {"application/vnd.clair.update_diff.v1+json", "application/json",
					 NULL};

static void reply_store_error(struct http_exchange *x, const char *what, enum claro_status st,
			      const struct error *err)
{
	char *text = api_error_text(err);

	log_error(CLARO_LOG_WARNING, err);
	http_reply_error(x, 500, "%s: %s", what, text ? text : "out of memory");
	free(text);
	api_store_failed(x, st);
}

static void handle_report(struct http_exchange *x, void *arg)
{
	struct daemon *d = arg;
	struct error err = ERROR_INIT;
	const char *type, *digest;
	struct store *s;
	json_t *report = NULL;
	int empty = 0;
	enum claro_status st;
	char cache[64];
	const struct vulnreport_options opts = {.thread_cache = 1};

	if (!api_negotiate(x, report_types, &type) || !(digest = api_path_digest(x)) ||
	    !(s = api_thread_store(x)))
		return;
	st = vulnreport_build(&d->reg, s, digest, &opts, &report, &empty, &err);
	if (st == CLARO_ERR_NOT_FOUND) {
		char *text = api_error_text(&err);

		http_reply_error(x, 404, "%s", text ? text : "not found");
		free(text);
	} else if (st != CLARO_OK) {
		reply_store_error(x, "could not compute the vulnerability report", st, &err);
	} else if (empty) {
		/* Clair answers 202 with no body; claro says why. */
		http_reply_json(x, 202, "application/json", report);
	} else {
		snprintf(cache, sizeof(cache), "max-age=%d", REPORT_CACHE_AGE);
		http_set_header(x, "Cache-Control", cache);
		http_reply_json(x, 200, type, report);
	}
	json_decref(report);
	error_clear(&err);
}

/* ---- update operations ---- */

static json_t *op_json(const struct store_update_op *op)
{
	char date[32];

	vulnjson_format_time(op->date, date);
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "ref", op->ref, "updater", op->updater, "fingerprint",
			 op->fingerprint ? op->fingerprint : "", "date", date, "kind",
			 store_update_kind_name(op->kind));
}

/* {updater: [op, ...]} newest first, of one kind; latest: one per updater. */
static json_t *ops_by_updater(const struct store_update_ops *ops, enum store_update_kind kind, int latest,
			      const char **newest_ref)
{
	json_t *out = json_object();
	int64_t newest_id = -1;

	for (size_t i = 0; out && i < ops->n; i++) {
		const struct store_update_op *op = &ops->v[i];
		json_t *list;

		if (op->kind != kind)
			continue;
		if (op->id > newest_id) {
			newest_id = op->id;
			*newest_ref = op->ref;
		}
		list = json_object_get(out, op->updater);
		if (list && latest)
			continue;
		if (!list && (!(list = json_array()) || json_object_set_new(out, op->updater, list)))
			goto fail;
		if (json_array_append_new(list, op_json(op)))
			goto fail;
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

static int parse_kind(struct http_exchange *x, enum store_update_kind *kind)
{
	const char *k = http_query(x, "kind");

	if (!k || !*k || strcmp(k, "vulnerability") == 0) {
		*kind = STORE_KIND_VULNERABILITY;
		return 1;
	}
	if (strcmp(k, "enrichment") == 0) {
		*kind = STORE_KIND_ENRICHMENT;
		return 1;
	}
	http_reply_error(x, 400, "get update operations: unknown kind \"%s\"", k);
	return 0;
}

static void handle_update_ops(struct http_exchange *x, void *arg)
{
	struct store_update_ops ops = {0};
	struct error err = ERROR_INIT;
	enum store_update_kind kind;
	const char *type, *latest = http_query(x, "latest"), *newest = NULL,
			  *inm = http_header(x, "If-None-Match");
	struct store *s;
	json_t *body;
	enum claro_status st;

	(void)arg;
	if (!api_negotiate(x, op_types, &type) || !parse_kind(x, &kind) || !(s = api_thread_store(x)))
		return;
	if ((st = store_update_ops_list(s, NULL, &ops, &err)) != CLARO_OK) {
		reply_store_error(x, "could not list update operations", st, &err);
		error_clear(&err);
		return;
	}
	body = ops_by_updater(&ops, kind, latest && strcmp(latest, "true") == 0, &newest);
	if (!body) {
		http_reply_error(x, 500, "out of memory");
	} else {
		char *etag = newest ? str_printf("\"%s\"", newest) : NULL;

		if (etag)
			http_set_header(x, "ETag", etag);
		if (etag && inm && strcmp(inm, etag) == 0)
			http_reply_empty(x, 304);
		else
			http_reply_json(x, 200, type, body);
		free(etag);
	}
	json_decref(body);
	store_update_ops_free(&ops);
}

/* A uuid in its canonical text form. */
static int ref_valid(const char *ref)
{
	if (!ref || strlen(ref) != STORE_REF_LEN)
		return 0;
	for (int i = 0; i < STORE_REF_LEN; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? ref[i] != '-' : !strchr("0123456789abcdefABCDEF", ref[i]))
			return 0;
	}
	return 1;
}

/* The operation with ref among all, or NULL. */
static const struct store_update_op *find_op(const struct store_update_ops *ops, const char *ref)
{
	for (size_t i = 0; i < ops->n; i++) {
		if (strcasecmp(ops->v[i].ref, ref) == 0)
			return &ops->v[i];
	}
	return NULL;
}

/* Clair answers 200 with an empty body whether or not the ref existed; the
 * updater's previous snapshot becomes the latest again. */
static void handle_delete_op(struct http_exchange *x, void *arg)
{
	const char *ref = http_param(x, "ref");
	struct error err = ERROR_INIT;
	struct store *s;
	int deleted = 0;
	enum claro_status st;

	(void)arg;
	if (!ref_valid(ref)) {
		http_reply_error(x, 400, "delete update operation: invalid ref \"%s\"", ref ? ref : "");
		return;
	}
	if (!(s = api_thread_store(x)))
		return;
	st = store_update_op_delete(s, ref, &deleted, &err);
	if (st != CLARO_OK) {
		reply_store_error(x, "could not delete the update operation", st, &err);
	} else {
		if (deleted)
			log_info("deleted update operation %s: its updater's previous snapshot is the latest "
				 "again",
				 ref);
		http_reply_empty(x, 200);
	}
	error_clear(&err);
}

/* ---- update diff ---- */

struct id_set {
	json_t *ids; /* id → Vulnerability JSON */
};

static int collect_vuln(void *arg, const struct claro_vulnerability *v)
{
	struct id_set *set = arg;
	json_t *j = vulnjson_encode(v);

	return !j || json_object_set_new(set->ids, v->id ? v->id : "", j);
}

static enum claro_status op_vulns(struct store *s, const struct store_update_op *op, json_t **out,
				  struct error *err)
{
	struct id_set set = {json_object()};
	enum claro_status st;

	*out = NULL;
	if (!set.ids)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	if (op && (st = store_update_op_vulnerabilities(s, op->id, collect_vuln, &set, err)) != CLARO_OK) {
		json_decref(set.ids);
		return st;
	}
	*out = set.ids;
	return CLARO_OK;
}

/* The values of a that b lacks, as an array. */
static json_t *minus(json_t *a, json_t *b)
{
	json_t *out = json_array(), *v;
	const char *id;

	json_object_foreach(a, id, v)
	{
		if (!json_object_get(b, id) && out && json_array_append(out, v)) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static void reply_diff(struct http_exchange *x, const char *type, const struct store_update_op *prev,
		       const struct store_update_op *cur, json_t *pv, json_t *cv)
{
	json_t *body = json_pack("{s:o, s:o, s:o, s:o}", "prev", prev ? op_json(prev) : json_null(), "cur",
				 op_json(cur), "added", minus(cv, pv), "removed", minus(pv, cv));

	if (!body)
		http_reply_error(x, 500, "out of memory");
	else
		http_reply_json(x, 200, type, body);
	json_decref(body);
}

static void handle_update_diff(struct http_exchange *x, void *arg)
{
	struct store_update_ops ops = {0};
	struct error err = ERROR_INIT;
	const char *type, *prev_ref = http_query(x, "prev"), *cur_ref = http_query(x, "cur");
	const struct store_update_op *prev = NULL, *cur;
	json_t *pv = NULL, *cv = NULL;
	struct store *s;
	enum claro_status st;

	(void)arg;
	if (!api_negotiate(x, diff_types, &type))
		return;
	/* As Clair's code: cur is required, prev optional (the beginning of time). */
	if (!ref_valid(cur_ref) || (prev_ref && *prev_ref && !ref_valid(prev_ref))) {
		http_reply_error(x, 400,
				 "get update diff: cur must be an update operation ref, prev empty or one");
		return;
	}
	if (!(s = api_thread_store(x)))
		return;
	if ((st = store_update_ops_list(s, NULL, &ops, &err)) != CLARO_OK) {
		reply_store_error(x, "could not list update operations", st, &err);
		goto out;
	}
	cur = find_op(&ops, cur_ref);
	if (prev_ref && *prev_ref)
		prev = find_op(&ops, prev_ref);
	if (!cur || (prev_ref && *prev_ref && !prev)) {
		http_reply_error(x, 404, "get update diff: unknown update operation %s",
				 !cur ? cur_ref : prev_ref);
		goto out;
	}
	if ((st = op_vulns(s, prev, &pv, &err)) != CLARO_OK ||
	    (st = op_vulns(s, cur, &cv, &err)) != CLARO_OK) {
		reply_store_error(x, "could not read update operations", st, &err);
		goto out;
	}
	reply_diff(x, type, prev, cur, pv, cv);
out:
	json_decref(pv);
	json_decref(cv);
	store_update_ops_free(&ops);
	error_clear(&err);
}

enum claro_status api_matcher_routes(struct daemon *d, struct router *r, struct error *err)
{
	enum claro_status st = router_add(r, ROUTE_GET, VULN_REPORT_PATH "/{digest}", handle_report, d, 0);

	if (st == CLARO_OK)
		st = router_add(r, ROUTE_GET, UPDATE_OP_PATH, handle_update_ops, d, ROUTE_UNLIMITED);
	if (st == CLARO_OK)
		st = router_add(r, ROUTE_DELETE, UPDATE_OP_PATH "/{ref}", handle_delete_op, d,
				ROUTE_UNLIMITED);
	if (st == CLARO_OK)
		st = router_add(r, ROUTE_GET, UPDATE_DIFF_PATH, handle_update_diff, d, ROUTE_UNLIMITED);
	if (st != CLARO_OK)
		return error_set(err, st, "could not add the matcher routes: %s", status_text(st));
	return CLARO_OK;
}
