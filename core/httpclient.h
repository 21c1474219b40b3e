/* The outbound HTTP client behind host->http_fetch(): libcurl with one policy
 * for the whole process (timeouts, body limit, redirects, proxy, CA bundle,
 * airgap), configured once at start-up.
 *
 * Behaviour of httpclient_fetch:
 *   - GET (default) and HEAD only; http and https only, also for redirects,
 *     which are followed (at most max_redirects).
 *   - If-None-Match / If-Modified-Since from the request; a 304 is returned
 *     as a response with status 304, never as an error.
 *   - Any other status >= 400 is CLARO_ERR_NETWORK; a body longer than the
 *     limit (the request's max_body, else the process default; measured after
 *     content decoding) is CLARO_ERR_TOO_LARGE; a timeout CLARO_ERR_TIMEOUT;
 *     an airgap refusal CLARO_ERR_DENIED. Each with message, detail and hint.
 *   - User-Agent: claro/<version>.
 *   - Per-host rate limit (rate_limit requests per second, a token bucket of
 *     that many; Clair's updater limiter): a 429 answer halves the host's
 *     rate, each success raises it again by a tenth up to the limit.
 *   - Mirror directory (mirror_dir): no request leaves the machine; the URL
 *     scheme://host[:port]/path?query is read from the file
 *     <mirror_dir>/<host>/<path>[?query] (host lower-cased, port dropped,
 *     path percent-decoded; a path ending in "/" reads its "index.html").
 *     The response carries an ETag and Last-Modified made from the file's
 *     size and mtime, answers If-None-Match / If-Modified-Since with 304,
 *     HEAD with an empty body. A file that is missing is CLARO_ERR_NETWORK
 *     (what an upstream 404 is), ".." in the path CLARO_ERR_INVALID.
 *   - httpclient_cancel(1) aborts transfers in flight and refuses new ones
 *     with CLARO_ERR_CANCELLED (shutdown).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_HTTPCLIENT_H
#define CLARO_CORE_HTTPCLIENT_H

#include <stdint.h>
#include <stdio.h>

#include <claro/plugin.h>

#include "error.h"

#define HTTPCLIENT_DEFAULT_CONNECT_TIMEOUT 10  /* seconds */
#define HTTPCLIENT_DEFAULT_TIMEOUT         300 /* seconds per request */
#define HTTPCLIENT_DEFAULT_MAX_BODY        (256ull * 1024 * 1024)
#define HTTPCLIENT_DEFAULT_MAX_REDIRECTS   10

struct httpclient_options {
	long connect_timeout;   /* seconds; 0 = default */
	long timeout;           /* seconds; 0 = default; a request's timeout_seconds overrides */
	uint64_t max_body;      /* bytes; 0 = default; a request's max_body overrides */
	long max_redirects;     /* 0 = default; < 0 = do not follow redirects */
	const char *proxy;      /* NULL = libcurl's environment (http_proxy, ...) */
	const char *ca_file;    /* NULL = the system's CA bundle */
	int airgap;             /* connect only to loopback, private and link-local addresses */
	const char *mirror_dir; /* NULL/"": fetch from the network; else read every URL from here */
	double rate_limit;      /* requests per second per host; 0 = unlimited */
};

/* Process-wide set-up and tear-down (curl_global_init/cleanup). Call init once
 * from the main thread before any other thread starts, cleanup at exit. */
enum claro_status httpclient_init(struct error *err);
void httpclient_cleanup(void);
/* Replace the policy (strings are copied). Not while fetches are running. */
enum claro_status httpclient_configure(const struct httpclient_options *opts, struct error *err);

/* Fetch req. On CLARO_OK, *out is the response (free with
 * httpclient_response_free); otherwise *out is NULL and err says why. */
enum claro_status httpclient_fetch(const struct claro_http_request *req, struct claro_http_response **out,
				   struct error *err);
void httpclient_response_free(struct claro_http_response *resp);

/* on = 1: abort every fetch in flight (CLARO_ERR_CANCELLED) and refuse new
 * ones until httpclient_cancel(0). Safe from any thread. */
void httpclient_cancel(int on);

/* For the mirror (httpclient_mirror.c): a response owning the given
 * malloc'd strings and body (any may be NULL but body), or NULL when out of
 * memory (they are freed then). */
struct claro_http_response *httpclient_response_make(long status, char *etag, char *last_modified,
						     char *content_type, char *effective_url, char *body,
						     size_t body_len);
/* GET url into sink (a file), streaming, at most max bytes (the request
 * timeout is a day): for downloads too large to hold in memory, such as
 * `claroctl updaters import URL`. The same policy as httpclient_fetch
 * (airgap, proxy, mirror, cancel). */
enum claro_status httpclient_download(const char *url, FILE *sink, uint64_t max, struct error *err);

/* The file of url in the mirror directory dir (caller frees). */
enum claro_status httpclient_mirror_path(const char *dir, const char *url, char **out, struct error *err);
/* Read req from the mirror directory dir (see above). */
enum claro_status httpclient_mirror_fetch(const char *dir, const struct claro_http_request *req,
					  uint64_t max_body, struct claro_http_response **out,
					  struct error *err);

#endif /* CLARO_CORE_HTTPCLIENT_H */
