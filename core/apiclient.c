/* claroctl's HTTP API client. SPDX-License-Identifier: Apache-2.0 */
#include <config.h> /* autoconf's */

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "apiclient.h"
#include "strutil.h"

enum claro_status api_client_init(struct api_client *c, const char *base_url, struct error *err)
{
	size_t n = strlen(base_url);

	memset(c, 0, sizeof(*c));
	if (!str_has_prefix(base_url, "http://") && !str_has_prefix(base_url, "https://")) {
		error_set(err, CLARO_ERR_INVALID, "invalid clarod address \"%s\"", base_url);
		error_detail(err, "The address is not an http:// or https:// URL.");
		error_hint(err, "Give --host (or CLARO_HOST) as a URL, e.g. http://127.0.0.1:6060.");
		return CLARO_ERR_INVALID;
	}
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	c->base = str_ndup(base_url, n);
	if (!c->base)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	return CLARO_OK;
}

void api_client_free(struct api_client *c)
{
	free(c->base);
	c->base = NULL;
}

struct response {
	struct buf body;
	int too_large;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct response *r = arg;
	size_t n = size * nmemb;
	enum claro_status st = buf_append(&r->body, data, n);

	if (st == CLARO_ERR_TOO_LARGE)
		r->too_large = 1;
	return st == CLARO_OK ? n : 0; /* 0 makes curl stop with CURLE_WRITE_ERROR */
}

static enum claro_status transfer_error(CURLcode rc, const char *errbuf, const char *url, int too_large,
					struct error *err)
{
	enum claro_status st = rc == CURLE_OPERATION_TIMEDOUT ? CLARO_ERR_TIMEOUT : CLARO_ERR_NETWORK;

	if (too_large) {
		error_set(err, CLARO_ERR_TOO_LARGE, "response from \"%s\" is too large", url);
		error_detail(err, "The body is longer than %u bytes.", APICLIENT_MAX_RESPONSE);
		error_hint(err, "Check that --host points at clarod and not at another server.");
		return CLARO_ERR_TOO_LARGE;
	}
	error_set(err, st, "could not reach clarod at \"%s\"", url);
	error_detail(err, "%s.", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	error_hint(err, "Check that clarod is running and that --host (or CLARO_HOST) names its API address; "
			"--local runs without a daemon.");
	return st;
}

/* Clair's error body is {"code": "...", "message": "..."}. */
static enum claro_status status_error(const char *method, long status, const struct buf *body,
				      const char *url, struct error *err)
{
	json_t *doc = body->data ? json_loadb(body->data, body->len, 0, NULL) : NULL;
	const char *code = json_string_value(json_object_get(doc, "code"));
	const char *message = json_string_value(json_object_get(doc, "message"));
	enum claro_status st = status == 404 ? CLARO_ERR_NOT_FOUND : CLARO_ERR_NETWORK;

	error_set(err, st, "clarod refused %s %s", method, url);
	if (code && message)
		error_detail(err, "It answered %ld %s: %s.", status, code, message);
	else
		error_detail(err, "It answered HTTP status %ld.", status);
	if (status == 404)
		error_hint(err, "This clarod may be older than claroctl, or --host names another server.");
	else if (status >= 500)
		error_hint(err, "See clarod's log for the cause.");
	else
		error_hint(err, "Check the request; claroctl --help describes each command.");
	json_decref(doc);
	return st;
}

/* GET, or POST when body is not NULL (a JSON document). */
static enum claro_status api_request(const struct api_client *c, const char *path, const char *body,
				     json_t **out, long *status_out, struct error *err)
{
	const char *method = body ? "POST" : "GET";
	char errbuf[CURL_ERROR_SIZE] = "";
	struct response r = {BUF_INIT(APICLIENT_MAX_RESPONSE), 0};
	struct curl_slist *headers = NULL, *h;
	char *url = str_printf("%s%s", c->base, path);
	CURL *curl = curl_easy_init();
	enum claro_status st = CLARO_OK;
	json_error_t jerr;
	CURLcode rc;
	long status = 0;

	*out = NULL;
	h = curl_slist_append(NULL, "Accept: application/json");
	if (!url || !curl || !h) {
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
		goto done;
	}
	headers = h;
	if (body) {
		if (!(h = curl_slist_append(headers, "Content-Type: application/json"))) {
			st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
			goto done;
		}
		headers = h;
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "claroctl/" PACKAGE_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, APICLIENT_CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, APICLIENT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		st = transfer_error(rc, errbuf, url, r.too_large, err);
		goto done;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 400 || status < 200) {
		st = status_error(method, status, &r.body, url, err);
		goto done;
	}
	if (status_out)
		*status_out = status;
	if (status_out && status == 202 && r.body.len == 0)
		goto done; /* Clair's empty 202: *out stays NULL */
	*out = json_loadb(r.body.data ? r.body.data : "", r.body.len, 0, &jerr);
	if (!*out) {
		st = error_set(err, CLARO_ERR_INVALID, "clarod's answer to %s %s is not JSON", method, url);
		error_detail(err, "Line %d, column %d: %s.", jerr.line, jerr.column, jerr.text);
		error_hint(err, "Check that --host points at clarod and not at another server.");
	}
done:
	curl_slist_free_all(headers);
	if (curl)
		curl_easy_cleanup(curl);
	buf_free(&r.body);
	free(url);
	return st;
}

enum claro_status api_get_json(const struct api_client *c, const char *path, json_t **out, struct error *err)
{
	return api_request(c, path, NULL, out, NULL, err);
}

enum claro_status api_get_json_status(const struct api_client *c, const char *path, long *status,
				      json_t **out, struct error *err)
{
	*status = 0;
	return api_request(c, path, NULL, out, status, err);
}

enum claro_status api_post_json(const struct api_client *c, const char *path, json_t *body, json_t **out,
				struct error *err)
{
	char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	enum claro_status st;

	*out = NULL;
	if (!text)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	st = api_request(c, path, text, out, NULL, err);
	free(text);
	return st;
}
