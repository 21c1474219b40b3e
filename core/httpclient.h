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
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_HTTPCLIENT_H
#define CLARO_CORE_HTTPCLIENT_H

#include <stdint.h>

#include <claro/plugin.h>

#include "error.h"

#define HTTPCLIENT_DEFAULT_CONNECT_TIMEOUT 10  /* seconds */
#define HTTPCLIENT_DEFAULT_TIMEOUT         300 /* seconds per request */
#define HTTPCLIENT_DEFAULT_MAX_BODY        (256ull * 1024 * 1024)
#define HTTPCLIENT_DEFAULT_MAX_REDIRECTS   10

struct httpclient_options {
	long connect_timeout; /* seconds; 0 = default */
	long timeout;         /* seconds; 0 = default; a request's timeout_seconds overrides */
	uint64_t max_body;    /* bytes; 0 = default; a request's max_body overrides */
	long max_redirects;   /* 0 = default; < 0 = do not follow redirects */
	const char *proxy;    /* NULL = libcurl's environment (http_proxy, ...) */
	const char *ca_file;  /* NULL = the system's CA bundle */
	int airgap;           /* connect only to loopback, private and link-local addresses */
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

#endif /* CLARO_CORE_HTTPCLIENT_H */
