/* The route table: method + path pattern -> handler. Matching answers one of
 * "found", "no such path" (404) or "path exists, method does not" (405, with
 * the methods that would have matched for the Allow header).
 *
 * Patterns are absolute paths split on '/'. A segment "{name}" matches any one
 * non-empty segment and captures it; every other segment matches itself
 * exactly. A trailing slash is significant, as in Clair's mux
 * ("/indexer/api/v1/internal/affected_manifest/").
 *
 * The router knows nothing about libevent: the HTTP server (httpd.c) maps the
 * request method to a ROUTE_* bit and the handler type is opaque here, which
 * keeps the table unit-testable.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_ROUTER_H
#define CLARO_CORE_ROUTER_H

#include <stddef.h>

#include <claro/status.h>

/* Methods, as bits so a route can take several. */
#define ROUTE_GET     (1u << 0)
#define ROUTE_HEAD    (1u << 1)
#define ROUTE_POST    (1u << 2)
#define ROUTE_PUT     (1u << 3)
#define ROUTE_DELETE  (1u << 4)
#define ROUTE_PATCH   (1u << 5)
#define ROUTE_OPTIONS (1u << 6)
#define ROUTE_OTHER   (1u << 7) /* TRACE, CONNECT, unknown: never routable */

/* Route flags. */
#define ROUTE_INLINE    (1u << 0) /* cheap, never blocks: runs on the loop thread, not a worker */
#define ROUTE_UNLIMITED (1u << 1) /* exempt from the listener's max_concurrent_requests */

#define ROUTER_MAX_PARAMS 4

struct http_exchange;
typedef void (*http_handler_fn)(struct http_exchange *x, void *arg);

struct route {
	unsigned methods; /* ROUTE_GET | ... */
	char *pattern;    /* owned; also the route's metrics label */
	http_handler_fn handler;
	void *arg;
	unsigned flags; /* ROUTE_INLINE, ROUTE_UNLIMITED */
};

struct router {
	struct route *routes;
	size_t n_routes;
	size_t cap;
};

/* A captured "{name}" segment: name points into the route's pattern, value
 * into the matched path (neither NUL-terminated). */
struct route_param {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

struct route_match {
	const struct route *route; /* set when ROUTER_FOUND */
	unsigned allowed;          /* methods the path accepts (for 405's Allow) */
	struct route_param params[ROUTER_MAX_PARAMS];
	size_t n_params;
};

enum router_result { ROUTER_FOUND = 0, ROUTER_NOT_FOUND, ROUTER_METHOD_NOT_ALLOWED };

#define ROUTER_INIT        \
	{                  \
		NULL, 0, 0 \
	}

/* Add a route. CLARO_ERR_INVALID for a pattern that is not absolute, has an
 * empty or unterminated "{}" or more than ROUTER_MAX_PARAMS captures;
 * CLARO_ERR_CONFLICT if the same pattern already takes one of the methods. */
enum claro_status router_add(struct router *r, unsigned methods, const char *pattern, http_handler_fn handler,
			     void *arg, unsigned flags);
/* Match a request path (without query string). The first route, in the order
 * added, whose pattern matches and takes the method wins. */
enum router_result router_match(const struct router *r, unsigned method, const char *path,
				struct route_match *m);
void router_free(struct router *r);

/* "GET" -> ROUTE_GET; anything unknown -> ROUTE_OTHER. */
unsigned router_method_bit(const char *name);
/* ROUTE_GET -> "GET"; a single bit only; "OTHER" otherwise. */
const char *router_method_name(unsigned bit);
/* The Allow header value for a set of methods, e.g. "GET, HEAD", written to
 * out (always NUL-terminated). 64 bytes hold every method. */
void router_allow_header(unsigned methods, char *out, size_t n);

#endif /* CLARO_CORE_ROUTER_H */
