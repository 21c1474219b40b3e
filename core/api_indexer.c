/* Clair's indexer API handlers (see api_indexer.h; reference §1.1, §1.2).
 * Every handler runs on an API worker with that worker's store connection;
 * POST blocks until the manifest is indexed.
 *
 * The concurrency limit follows Clair's quirk (reference §1.1): Clair
 * exempts requests whose method is not POST and whose path is not the
 * index_report path, so GET index_report/{digest}, DELETE
 * index_report/{digest} and GET index_state are unlimited, while POST and
 * the bulk DELETE count against the listener's limit.
 *
 * POST answers 201 for every manifest indexed, also one indexed before
 * (then the stored report is returned without fetching anything). An
 * indexing failure is Clair's 500 "failed to start scan: ..." while the
 * report, state IndexError, stays readable with GET. Layers of claircore's
 * local filesystem media type are refused with 400: the API never reads
 * the server's own files.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_common.h"
#include "api_indexer.h"
#include "indexer.h"
#include "log.h"
#include "manifest.h"
#include "strutil.h"

#define INDEX_REPORT_PATH "/indexer/api/v1/index_report"
#define INDEX_STATE_PATH  "/indexer/api/v1/index_state"
#define VULN_REPORT_PATH  "/matcher/api/v1/vulnerability_report"

struct api_indexer {
	struct indexer indexer;
};

static const char *const report_types[] = {"application/vnd.clair.index_report.v1+json", "application/json",
					   NULL};
static const char *const state_types[] = {"application/vnd.clair.index_state.v1+json", "application/json",
					  NULL};
static const char *const delete_types[] = {"application/vnd.clair.bulk_delete.v1+json", "application/json",
					   NULL};

static char *quoted_state(const struct api_indexer *api)
{
	char state[33];

	indexer_state(&api->indexer, state);
	return str_printf("\"%s\"", state);
}

static void reply_report_headers(struct http_exchange *x, const char *digest, const char *etag)
{
	char *loc = str_printf(INDEX_REPORT_PATH "/%s", digest);
	char *l1 = str_printf(
	    "<" INDEX_REPORT_PATH "/%s>; rel=\"https://projectquay.io/clair/v1/index_report\"", digest);
	char *l2 = str_printf("<" VULN_REPORT_PATH
			      "/%s>; rel=\"https://projectquay.io/clair/v1/vulnerability_report\"",
			      digest);

	if (loc)
		http_set_header(x, "Location", loc);
	if (etag)
		http_set_header(x, "ETag", etag);
	if (l1)
		http_add_header(x, "Link", l1);
	if (l2)
		http_add_header(x, "Link", l2);
	free(loc);
	free(l1);
	free(l2);
}

/* Local directories are for claroctl --local only (reference §3.4). */
static int refuse_local_layers(struct http_exchange *x, const struct manifest *m)
{
	for (size_t i = 0; i < m->n_layers; i++) {
		if (manifest_layer_is_local(&m->layers[i])) {
			http_reply_error(x, 400, "layer %s: media type %s is not accepted over the API",
					 m->layers[i].hash, MANIFEST_MEDIA_FILESYSTEM);
			return 1;
		}
	}
	return 0;
}

static void index_and_reply(struct http_exchange *x, struct api_indexer *api, const struct manifest *m,
			    const char *etag)
{
	struct error err = ERROR_INIT;
	struct store *s = api_thread_store(x);
	char *report = NULL;
	enum claro_status st;

	if (!s)
		return;
	st = indexer_index(&api->indexer, s, m, &report, &err);
	if (st != CLARO_OK) {
		char *text = api_error_text(&err);
		log_error(CLARO_LOG_WARNING, &err);
		http_reply_error(x, 500, "failed to start scan: %s", text ? text : "out of memory");
		free(text);
		api_store_failed(x, st);
	} else {
		reply_report_headers(x, m->hash, etag);
		http_reply_take(x, 201, "application/json", report, strlen(report));
		report = NULL;
	}
	free(report);
	error_clear(&err);
}

static void handle_index(struct http_exchange *x, void *arg)
{
	struct api_indexer *api = arg;
	struct manifest m;
	struct error err = ERROR_INIT;
	size_t len = 0;
	const char *body = http_body(x, &len), *inm = http_header(x, "If-None-Match");
	char *etag = quoted_state(api);

	if (!etag) {
		http_reply_error(x, 500, "out of memory");
		return;
	}
	if (manifest_parse(body, len, &m, &err) != CLARO_OK) {
		char *text = api_error_text(&err);
		http_reply_error(x, 400, "failed to deserialize manifest: %s", text ? text : "out of memory");
		free(text);
	} else if (inm && strcmp(inm, etag) == 0) {
		http_reply_empty(x, 412);
	} else if (!refuse_local_layers(x, &m)) {
		index_and_reply(x, api, &m, etag);
	}
	manifest_free(&m);
	error_clear(&err);
	free(etag);
}

static void handle_get_report(struct http_exchange *x, void *arg)
{
	struct api_indexer *api = arg;
	struct error err = ERROR_INIT;
	const char *type, *digest, *inm;
	struct store *s;
	char *etag, *report = NULL;
	enum claro_status st;

	if (!api_negotiate(x, report_types, &type) || !(digest = api_path_digest(x)))
		return;
	if (!(etag = quoted_state(api))) {
		http_reply_error(x, 500, "out of memory");
		return;
	}
	http_set_header(x, "ETag", etag);
	inm = http_header(x, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		http_reply_empty(x, 304);
	} else if ((s = api_thread_store(x)) != NULL) {
		st = store_index_report_get(s, digest, &report, &err);
		if (st == CLARO_OK) {
			http_reply_take(x, 200, type, report, strlen(report));
		} else if (st == CLARO_ERR_NOT_FOUND) {
			http_reply_error(x, 404, "index report for %s not found", digest);
		} else {
			char *text = api_error_text(&err);
			http_reply_error(x, 500, "could not retrieve index report: %s",
					 text ? text : "out of memory");
			free(text);
			api_store_failed(x, st);
		}
	}
	free(etag);
	error_clear(&err);
}

static enum claro_status delete_digests(struct http_exchange *x, const char *const *digests, size_t n,
					struct store_strings *deleted, struct error *err)
{
	struct store *s = api_thread_store(x);
	enum claro_status st;

	if (!s)
		return CLARO_ERR_STORE; /* already answered */
	st = store_manifests_delete(s, digests, n, deleted, NULL, err);
	api_store_failed(x, st);
	return st;
}

static void handle_delete_one(struct http_exchange *x, void *arg)
{
	struct error err = ERROR_INIT;
	struct store_strings deleted = STORE_STRINGS_INIT;
	const char *digest = api_path_digest(x);
	enum claro_status st;

	(void)arg;
	if (!digest)
		return;
	st = delete_digests(x, &digest, 1, &deleted, &err);
	if (st == CLARO_OK) {
		http_reply_empty(x, 204);
	} else if (err.message) {
		char *text = api_error_text(&err);
		http_reply_error(x, 500, "could not delete manifest: %s", text ? text : "out of memory");
		free(text);
	}
	store_strings_free(&deleted);
	error_clear(&err);
}

/* The bulk body: a JSON array of digests, each checked. */
static json_t *parse_bulk(struct http_exchange *x)
{
	size_t len = 0, i;
	const char *body = http_body(x, &len);
	json_error_t jerr;
	json_t *arr = json_loadb(body ? body : "", body ? len : 0, 0, &jerr), *v;

	if (!json_is_array(arr)) {
		http_reply_error(x, 400, "failed to deserialize bulk delete: %s",
				 arr ? "the body is not a JSON array of digests" : jerr.text);
		json_decref(arr);
		return NULL;
	}
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v) || !manifest_digest_valid(json_string_value(v))) {
			http_reply_error(x, 400,
					 "failed to deserialize bulk delete: element %zu is not a digest", i);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static void reply_deleted(struct http_exchange *x, const char *type, const struct store_strings *deleted)
{
	json_t *out = json_array();
	int bad = !out;

	for (size_t i = 0; !bad && i < deleted->n; i++)
		bad = json_array_append_new(out, json_string(deleted->v[i])) != 0;
	if (bad)
		http_reply_error(x, 500, "out of memory");
	else
		http_reply_json(x, 200, type, out);
	json_decref(out);
}

static void handle_delete_bulk(struct http_exchange *x, void *arg)
{
	struct error err = ERROR_INIT;
	struct store_strings deleted = STORE_STRINGS_INIT;
	const char **digests = NULL, *type;
	json_t *arr;
	size_t n;
	enum claro_status st;

	(void)arg;
	if (!api_negotiate(x, delete_types, &type) || !(arr = parse_bulk(x)))
		return;
	n = json_array_size(arr);
	digests = calloc(n + 1, sizeof(*digests));
	if (!digests) {
		http_reply_error(x, 500, "out of memory");
		json_decref(arr);
		return;
	}
	for (size_t i = 0; i < n; i++)
		digests[i] = json_string_value(json_array_get(arr, i));
	st = delete_digests(x, digests, n, &deleted, &err);
	if (st == CLARO_OK) {
		reply_deleted(x, type, &deleted);
	} else if (err.message) {
		char *text = api_error_text(&err);
		http_reply_error(x, 500, "could not delete manifests: %s", text ? text : "out of memory");
		free(text);
	}
	store_strings_free(&deleted);
	free(digests);
	json_decref(arr);
	error_clear(&err);
}

static void handle_state(struct http_exchange *x, void *arg)
{
	struct api_indexer *api = arg;
	const char *type, *inm;
	char state[33];
	char *etag;
	json_t *body;

	if (!api_negotiate(x, state_types, &type))
		return;
	indexer_state(&api->indexer, state);
	etag = str_printf("\"%s\"", state);
	body = json_pack("{s:s}", "state", state);
	if (!etag || !body) {
		http_reply_error(x, 500, "out of memory");
	} else {
		http_set_header(x, "ETag", etag);
		inm = http_header(x, "If-None-Match");
		if (inm && strcmp(inm, etag) == 0)
			http_reply_empty(x, 304);
		else
			http_reply_json(x, 200, type, body);
	}
	json_decref(body);
	free(etag);
}

enum claro_status api_indexer_routes(struct daemon *d, struct router *r, struct api_indexer **out,
				     struct error *err)
{
	struct api_indexer *api = calloc(1, sizeof(*api));
	struct indexer_options opt = {0, 0, -1};
	enum claro_status st;

	*out = NULL;
	if (!api)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	indexer_init(&api->indexer, &d->reg, &opt);
	st = indexer_use_http(&api->indexer, err);
	if (st != CLARO_OK) {
		free(api);
		return st;
	}
	st = router_add(r, ROUTE_POST, INDEX_REPORT_PATH, handle_index, api, 0);
	if (st == CLARO_OK)
		st = router_add(r, ROUTE_DELETE, INDEX_REPORT_PATH, handle_delete_bulk, api, 0);
	if (st == CLARO_OK)
		st = router_add(r, ROUTE_GET, INDEX_REPORT_PATH "/{digest}", handle_get_report, api,
				ROUTE_UNLIMITED);
	if (st == CLARO_OK)
		st = router_add(r, ROUTE_DELETE, INDEX_REPORT_PATH "/{digest}", handle_delete_one, api,
				ROUTE_UNLIMITED);
	if (st == CLARO_OK)
		st = router_add(r, ROUTE_GET, INDEX_STATE_PATH, handle_state, api, ROUTE_UNLIMITED);
	if (st != CLARO_OK) {
		api_indexer_free(api);
		return error_set(err, st, "could not add the indexer routes: %s", status_text(st));
	}
	*out = api;
	return CLARO_OK;
}

void api_indexer_free(struct api_indexer *api)
{
	if (!api)
		return;
	indexer_free(&api->indexer);
	free(api);
}
