/* feedfetch: what the updater plugins share for fetching feeds through the
 * host's HTTP client (host->http_fetch, which applies proxy, airgap, mirror
 * and size policy):
 *
 *   - feed_url: base URL + relative path;
 *   - feed_fetch: a GET or HEAD, made conditional on the update's previous
 *     fingerprint, answering CLARO_ERR_UNCHANGED (no error set) on 304 or on
 *     a 200 whose validator equals that fingerprint (Clair does the same);
 *   - feed_set_fingerprint: the response's validator as the new fingerprint;
 *   - feed_links: the href targets of a directory index page (how Clair finds
 *     Alpine releases and Debian suites).
 *
 * Fingerprints are what Clair stores, so exported snapshots stay comparable:
 * the raw ETag or the raw Last-Modified value. Reading one back, a value
 * ending in " GMT" (an HTTP-date) is sent as If-Modified-Since, anything
 * else as If-None-Match.
 *
 * Compiled into each plugin that uses it; it calls only host services.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_FEEDFETCH_H
#define CLARO_PLUGINS_FEEDFETCH_H

#include <stddef.h>
#include <stdint.h>

#include <claro/plugin.h>

/* Which validator becomes the fingerprint when a response has both. */
enum feed_validator { FEED_PREFER_ETAG = 0, FEED_PREFER_LAST_MODIFIED = 1 };

/* base joined with path by exactly one '/'. NULL when out of memory (no
 * error set). Caller frees with host->free. */
char *feed_url(const struct claro_host *h, const char *base, const char *path);

struct feed_request {
	const char *url;
	const char *method;          /* NULL = GET; "HEAD" for probes */
	const char *const *headers;  /* NULL-terminated "Name: value", or NULL */
	uint64_t max_body;           /* 0 = the host's limit */
	struct claro_update *update; /* non-NULL: conditional on its previous fingerprint */
};

/* Fetch; on CLARO_OK *out is the response (free with host->http_response_free).
 * CLARO_ERR_UNCHANGED (no error set) when the feed did not change since the
 * previous fingerprint; any other status comes with the host's three-part
 * error. */
enum claro_status feed_fetch(struct claro_ctx *ctx, const struct feed_request *req,
			     struct claro_http_response **out);

/* Store the response's ETag or Last-Modified (prefer says which when both
 * are there) as the update's fingerprint; none stored when it has neither. */
enum claro_status feed_set_fingerprint(struct claro_ctx *ctx, struct claro_update *up,
				       const struct claro_http_response *resp, enum feed_validator prefer);

/* Call fn for the target of every href="..." (or href='...') attribute of an
 * HTML page, in page order; the target is not NUL-terminated and not
 * unescaped. A non-OK return from fn stops the scan and is returned. */
typedef enum claro_status (*feed_link_fn)(void *arg, const char *href, size_t len);
enum claro_status feed_links(const unsigned char *page, size_t len, feed_link_fn fn, void *arg);

#endif /* CLARO_PLUGINS_FEEDFETCH_H */
