/* The host HTTP client against a loopback server: status, validators,
 * conditional requests and 304, size limit, redirects, timeouts, airgap,
 * refused schemes and headers, user agent.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "http_fixture.h"
#include "httpclient.h"
#include "strutil.h"

static struct http_fixture *srv;

static struct claro_http_request request(const char *url)
{
	struct claro_http_request req;

	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.url = url;
	return req;
}

static enum claro_status get(const char *path, struct claro_http_request *req,
			     struct claro_http_response **resp, struct error *err)
{
	char *url = str_printf("%s%s", http_fixture_url(srv), path);
	struct claro_http_request r = req ? *req : request(NULL);
	enum claro_status st;

	r.url = url;
	st = httpclient_fetch(&r, resp, err);
	free(url);
	return st;
}

static void test_plain_and_conditional(void)
{
	struct claro_http_response *resp = NULL;
	struct claro_http_request req = request(NULL);
	struct error err = ERROR_INIT;

	http_fixture_route(srv, "/feed", 200, "\"v1\"", "Mon, 23 Nov 2026 10:00:00 GMT",
			   "CVE-1 beta-x 5 high\n");
	is_int(get("/feed", NULL, &resp, &err), CLARO_OK, "GET /feed");
	if (!resp)
		return;
	is_int(resp->status, 200, "  200");
	is_int(resp->body_len, 20, "  body length");
	ok(memcmp(resp->body, "CVE-1 beta-x 5 high\n", 20) == 0, "  body");
	is_str(resp->etag, "\"v1\"", "  ETag kept with its quotes");
	is_str(resp->last_modified, "Mon, 23 Nov 2026 10:00:00 GMT", "  Last-Modified");
	is_str(resp->content_type, "text/plain", "  Content-Type");
	like(resp->effective_url, "/feed", "  effective URL");
	ok(resp->struct_size == sizeof(*resp), "  struct_size");

	req.if_none_match = "\"v1\"";
	httpclient_response_free(resp);
	resp = NULL;
	is_int(get("/feed", &req, &resp, &err), CLARO_OK, "a conditional GET that matches is not an error");
	is_int(resp ? resp->status : 0, 304, "  it is a 304 response");
	is_int(resp ? resp->body_len : 99, 0, "  without a body");
	httpclient_response_free(resp);
	resp = NULL;

	req.if_none_match = "\"v0\"";
	is_int(get("/feed", &req, &resp, &err), CLARO_OK, "a conditional GET that does not match");
	is_int(resp ? resp->status : 0, 200, "  is a 200");
	httpclient_response_free(resp);
	resp = NULL;

	req = request(NULL);
	req.method = "HEAD";
	is_int(get("/feed", &req, &resp, &err), CLARO_OK, "HEAD");
	is_int(resp ? resp->body_len : 99, 0, "  has no body");
	is_str(resp ? resp->etag : NULL, "\"v1\"", "  but the validators");
	httpclient_response_free(resp);
	is_int(http_fixture_hits(srv, "/feed"), 4, "the server saw all four requests");
}

static void test_headers(void)
{
	struct claro_http_response *resp = NULL;
	struct claro_http_request req = request(NULL);
	struct error err = ERROR_INIT;
	const char *headers[] = {"X-Test: forty-two", NULL};
	const char *bad[] = {"X-Test: a\r\nX-Injected: 1", NULL};

	is_int(get("/echo/user-agent", NULL, &resp, &err), CLARO_OK, "GET the user agent back");
	if (resp) {
		char *ua = str_ndup((const char *)resp->body, resp->body_len);
		is_str(ua, "claro/" PACKAGE_VERSION, "  User-Agent is claro/<version>");
		free(ua);
	}
	httpclient_response_free(resp);
	resp = NULL;

	req.headers = headers;
	is_int(get("/echo/x-test", &req, &resp, &err), CLARO_OK, "send a header");
	if (resp) {
		char *v = str_ndup((const char *)resp->body, resp->body_len);
		is_str(v, "forty-two", "  the server got it");
		free(v);
	}
	httpclient_response_free(resp);
	resp = NULL;

	req.headers = bad;
	is_int(get("/echo/x-test", &req, &resp, &err), CLARO_ERR_INVALID,
	       "a header with a line break is refused");
	ok(resp == NULL, "  no response");
	like(err.detail, "single \"Name: value\" line", "  detail says why");
	error_clear(&err);

	req = request(NULL);
	req.method = "POST";
	is_int(get("/feed", &req, &resp, &err), CLARO_ERR_UNSUPPORTED, "POST is not offered");
	error_clear(&err);

	req = request(NULL);
	req.struct_size = 8;
	is_int(get("/feed", &req, &resp, &err), CLARO_ERR_INVALID,
	       "a request with a small struct_size is refused");
	like(err.detail, "struct_size is 8", "  detail names the size");
	error_clear(&err);
}

static void test_failures(void)
{
	struct claro_http_response *resp = NULL;
	struct claro_http_request req = request(NULL);
	struct error err = ERROR_INIT;
	struct claro_http_request ftp = request("ftp://127.0.0.1/x");

	is_int(get("/missing", NULL, &resp, &err), CLARO_ERR_NETWORK, "a 404 is CLARO_ERR_NETWORK");
	ok(resp == NULL, "  with no response");
	like(err.message, "could not fetch http://127.0.0.1:", "  message names the URL");
	is_str(err.detail, "The server answered with HTTP status 404.", "  detail names the status");
	ok(err.hint != NULL, "  hint");
	error_clear(&err);

	req.max_body = 1 << 20;
	is_int(get("/big", &req, &resp, &err), CLARO_ERR_TOO_LARGE,
	       "a body past max_body is CLARO_ERR_TOO_LARGE");
	is_str(err.detail, "The response body is larger than the limit of 1048576 bytes.",
	       "  detail names the limit");
	error_clear(&err);
	req.max_body = 4 << 20;
	is_int(get("/big", &req, &resp, &err), CLARO_OK, "the same body under a larger limit");
	is_int(resp ? resp->body_len : 0, 2u << 20, "  arrives whole");
	httpclient_response_free(resp);
	resp = NULL;

	is_int(get("/redirect", NULL, &resp, &err), CLARO_OK, "a redirect is followed");
	is_int(resp ? resp->status : 0, 200, "  to a 200");
	like(resp ? resp->effective_url : NULL, "/feed", "  effective URL is the target");
	is_str(resp ? resp->etag : NULL, "\"v1\"", "  headers are the target's");
	httpclient_response_free(resp);
	resp = NULL;

	is_int(httpclient_fetch(&ftp, &resp, &err), CLARO_ERR_UNSUPPORTED, "ftp:// is refused");
	error_clear(&err);

	{
		struct httpclient_options airgap = {0};
		struct claro_http_request far =
		    request("http://192.0.2.1:9/feed"); /* TEST-NET-1: not private */

		airgap.airgap = 1;
		airgap.connect_timeout = 2;
		httpclient_configure(&airgap, &err);
		is_int(get("/feed", NULL, &resp, &err), CLARO_OK, "airgap allows loopback");
		httpclient_response_free(resp);
		resp = NULL;
		is_int(httpclient_fetch(&far, &resp, &err), CLARO_ERR_DENIED,
		       "airgap refuses a public address");
		like(err.detail, "Airgap mode is on", "  detail says airgap");
		error_clear(&err);
		memset(&airgap, 0, sizeof(airgap));
		httpclient_configure(&airgap, &err);
	}

	req = request(NULL);
	req.timeout_seconds = 1;
	is_int(get("/slow", &req, &resp, &err), CLARO_ERR_TIMEOUT, "a slow server is CLARO_ERR_TIMEOUT");
	like(err.detail, "within 1 seconds", "  detail names the timeout");
	error_clear(&err);
}

int main(void)
{
	struct error err = ERROR_INIT;

	if (httpclient_init(&err) != CLARO_OK)
		skip_all("libcurl does not initialise");
	srv = http_fixture_start();
	if (!srv)
		skip_all("cannot start a loopback HTTP server");
	test_plain_and_conditional();
	test_headers();
	test_failures();
	http_fixture_stop(srv);
	httpclient_cleanup();
	return exit_status();
}
