/* The API listener's own endpoints, beside Clair's services:
 *
 *   GET /openapi/v1       Clair's OpenAPI document (JSON or YAML by Accept,
 *                         a fixed ETag), as clair:httptransport/discoveryhandler.go
 *   GET /robots.txt       disallow everything (clair:httptransport/robotshandler.go)
 *   GET /api/v1/plugins   claro's extension: the loaded plugins and their
 *                         components with versions
 *   POST /debug/sleep?ms=N  TEST ONLY, registered only with
 *                         [clarod] debug_routes = true: holds a worker for N
 *                         milliseconds so tests can exercise the concurrency
 *                         limit and the shutdown drain. Never enable it in
 *                         production: it lets any client tie up workers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "daemon.h"
#include "log.h"
#include "openapi_data.h"
#include "strutil.h"

#define DEBUG_SLEEP_MAX_MS 60000

/* JSON first: with no Accept header (or * / *) the first one is chosen. */
static const char *const openapi_types[] = {
    "application/openapi+json",
    "application/json",
    "application/vnd.oai.openapi+json",
    "application/openapi+yaml",
    "application/yaml",
    "application/vnd.oai.openapi+yaml",
    NULL,
};

static const char robots_txt[] = "User-agent: *\nDisallow: /\n";

static int is_yaml(const char *type)
{
	return str_has_suffix(type, "yaml");
}

static void handle_openapi(struct http_exchange *x, void *arg)
{
	const struct daemon *d = arg;
	const char *type = http_negotiate(x, openapi_types);
	const char *etag, *inm;

	if (!type) {
		http_reply_error(
		    x, 415, "unable to negotiate common media type for %s",
		    "application/openapi+json, application/json, application/vnd.oai.openapi+json, "
		    "application/openapi+yaml, application/yaml, application/vnd.oai.openapi+yaml");
		return;
	}
	etag = is_yaml(type) ? d->openapi_yaml_etag : d->openapi_json_etag;
	http_set_header(x, "ETag", etag);
	inm = http_header(x, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		http_reply_empty(x, 304);
		return;
	}
	if (is_yaml(type))
		http_reply_static(x, 200, type, openapi_yaml, openapi_yaml_len);
	else
		http_reply_static(x, 200, type, d->openapi_json, d->openapi_json_len);
}

static void handle_robots(struct http_exchange *x, void *arg)
{
	(void)arg;
	http_set_header(x, "X-Content-Type-Options", "nosniff");
	http_set_header(x, "Cache-Control", "no-store");
	http_reply_static(x, 200, "text/plain; charset=utf-8", robots_txt, sizeof(robots_txt) - 1);
}

static void handle_plugins(struct http_exchange *x, void *arg)
{
	const struct daemon *d = arg;
	json_t *doc = registry_to_json(&d->reg);

	if (!doc) {
		http_reply_error(x, 500, "could not list the plugins: out of memory");
		return;
	}
	http_reply_json(x, 200, NULL, doc);
	json_decref(doc);
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void handle_debug_sleep(struct http_exchange *x, void *arg)
{
	const char *text = http_query(x, "ms");
	int64_t ms;
	json_t *doc;

	(void)arg;
	if (!text || parse_int64(text, &ms) != CLARO_OK || ms < 0 || ms > DEBUG_SLEEP_MAX_MS) {
		http_reply_error(x, 400, "ms must be a number of milliseconds from 0 to %d",
				 DEBUG_SLEEP_MAX_MS);
		return;
	}
	sleep_ms(ms);
	doc = json_pack("{s:I}", "slept_ms", (json_int_t)ms);
	if (!doc) {
		http_reply_error(x, 500, "out of memory");
		return;
	}
	http_reply_json(x, 200, NULL, doc);
	json_decref(doc);
}

enum claro_status api_meta_routes(struct daemon *d, struct router *r, int debug_routes)
{
	enum claro_status st;

	st = router_add(r, ROUTE_GET | ROUTE_HEAD, "/openapi/v1", handle_openapi, d, ROUTE_UNLIMITED);
	if (st == CLARO_OK)
		st = router_add(r, ROUTE_GET | ROUTE_HEAD, "/robots.txt", handle_robots, d, ROUTE_UNLIMITED);
	if (st == CLARO_OK)
		st = router_add(r, ROUTE_GET | ROUTE_HEAD, "/api/v1/plugins", handle_plugins, d,
				ROUTE_UNLIMITED);
	if (st == CLARO_OK && debug_routes) {
		log_warn("debug routes are enabled (POST /debug/sleep): for tests only");
		st = router_add(r, ROUTE_POST, "/debug/sleep", handle_debug_sleep, d, 0);
	}
	return st;
}

/* "\"<hex sha256 of data>\"" */
static char *sha256_etag(const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	static const char hex[] = "0123456789abcdef";
	char *out;

	if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1)
		return NULL;
	out = malloc(2 * md_len + 3);
	if (!out)
		return NULL;
	out[0] = '"';
	for (unsigned int i = 0; i < md_len; i++) {
		out[1 + 2 * i] = hex[md[i] >> 4];
		out[2 + 2 * i] = hex[md[i] & 15];
	}
	out[1 + 2 * md_len] = '"';
	out[2 + 2 * md_len] = '\0';
	return out;
}

/* The embedded etag file without surrounding blanks or newline. */
static char *trimmed_etag(void)
{
	const char *p = (const char *)openapi_etag;
	size_t n = openapi_etag_len;

	while (n > 0 && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == '\t'))
		n--;
	return str_ndup(p, n);
}

enum claro_status api_meta_prepare(struct daemon *d, struct error *err)
{
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)openapi_json, openapi_json_len, 0, &jerr);

	if (!doc) {
		error_set(err, CLARO_ERR_INTERNAL, "could not parse the embedded OpenAPI document");
		error_detail(err, "Line %d: %s.", jerr.line, jerr.text);
		error_hint(err, "Rebuild claro from an unmodified source tree (core/openapi/).");
		return CLARO_ERR_INTERNAL;
	}
	/* Clair sends the document compacted. */
	d->openapi_json = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	d->openapi_json_etag = trimmed_etag();
	d->openapi_yaml_etag = sha256_etag(openapi_yaml, openapi_yaml_len);
	if (!d->openapi_json || !d->openapi_json_etag || !d->openapi_yaml_etag)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory preparing the OpenAPI document");
	d->openapi_json_len = strlen(d->openapi_json);
	return CLARO_OK;
}
