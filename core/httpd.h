/* The HTTP server: libevent's evhttp listeners on one event-loop thread, a
 * router per listener, handlers on a worker pool.
 *
 * Threads. The loop thread (the one calling httpd_run()) accepts, parses and
 * routes requests and sends replies; it never runs handler code except for
 * routes flagged ROUTE_INLINE (cheap, non-blocking: /healthz, /metrics).
 * Everything a handler needs is copied off the evhttp request before it is
 * queued (method, path, query, headers; the body is moved, not copied), and
 * the reply comes back through a locked queue and an event_active() wake-up,
 * so evhttp objects are only ever touched on the loop thread.
 *
 * Errors are Clair's: a JSON body {"code": ..., "message": ...} with
 * Content-Type: application/json and X-Content-Type-Options: nosniff; the
 * code is bad-request (400), not-found (404), method-not-allowed (405),
 * too-many-requests (429) and internal-error for any other status (413, 415,
 * 500, 503; reference §1.1).
 *
 * Limits per listener: a request body over max_body is answered 413. evhttp
 * refuses a body more than HTTPD_BODY_SLACK bytes past the limit as soon as
 * its length is known, before reading it (libevent 2.1 then sends its own
 * HTML 413 page: it has no hook to replace it); a body within the slack is
 * read and answered with Clair's JSON error. At most max_concurrent requests
 * run at once (routes flagged ROUTE_UNLIMITED aside); past it, and when the
 * worker queue is full, the reply is 429 too-many-requests.
 *
 * Shutdown: httpd_shutdown() closes the listening sockets, answers requests
 * that still arrive on open connections with 503 and "Connection: close",
 * waits for the requests in flight, then makes httpd_run() return; after
 * timeout seconds it returns anyway with CLARO_ERR_TIMEOUT.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_HTTPD_H
#define CLARO_CORE_HTTPD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <claro/plugin.h> /* CLARO_PRINTF */
#include <claro/status.h>

#include "error.h"
#include "metrics.h"
#include "router.h"
#include "workers.h"

#define HTTPD_BODY_SLACK (64 * 1024)

struct event_base;
struct httpd;
struct httpd_listener;

struct httpd_listener_params {
	const char *name;            /* "api", "introspection": logs and the metrics label */
	const char *addr;            /* "host:port", "[v6]:port" or ":port" (all interfaces); port 0 = any */
	const struct router *router; /* borrowed; must outlive the server */
	struct workers *workers;     /* borrowed; runs the routes not flagged ROUTE_INLINE */
	uint64_t max_body;           /* 0 = no limit */
	int max_concurrent;          /* < 0 = no limit */
};

/* Enables libevent's pthreads locking (process-wide) and creates the loop.
 * metrics may be NULL; otherwise the http families are registered in it. */
enum claro_status httpd_new(struct httpd **out, struct metrics *metrics, struct error *err);
/* Bind and listen. The listener belongs to h. */
enum claro_status httpd_listen(struct httpd *h, const struct httpd_listener_params *p,
			       struct httpd_listener **out, struct error *err);
/* The port actually bound (useful with port 0) and its "http://host:port". */
int httpd_listener_port(const struct httpd_listener *l);
const char *httpd_listener_url(const struct httpd_listener *l);
/* The loop, for signal events and timers of the caller. */
struct event_base *httpd_base(struct httpd *h);
/* Run the loop on this thread until a shutdown finishes. CLARO_OK when every
 * request in flight was answered, CLARO_ERR_TIMEOUT when the drain timed out
 * (handlers may still be running on workers: do not free what they use). */
enum claro_status httpd_run(struct httpd *h);
/* Begin a graceful shutdown (loop thread only, e.g. from a signal event). A
 * second call stops at once. */
void httpd_shutdown(struct httpd *h, int64_t timeout_seconds);
/* Requests received and not yet answered (loop thread). */
size_t httpd_in_flight(const struct httpd *h);
/* Free the loop, listeners and open connections; call after httpd_run()
 * returned and the worker pools were stopped. NULL is a no-op. */
void httpd_free(struct httpd *h);

/* ---- For handlers: one request and its reply -----------------------------
 * A handler runs once per request on a worker (or on the loop thread for
 * ROUTE_INLINE) and must set a reply before returning; if it sets none the
 * client gets 500. Strings returned are valid until the handler returns. */
struct http_exchange;

const char *http_method_name(const struct http_exchange *x);
unsigned http_method(const struct http_exchange *x);  /* ROUTE_GET, ... */
const char *http_path(const struct http_exchange *x); /* as sent, percent-encoded */
/* The value of a "{name}" path segment, percent-decoded; NULL if none. */
const char *http_param(const struct http_exchange *x, const char *name);
/* A request header (case-insensitive name; the first if repeated), or NULL. */
const char *http_header(const struct http_exchange *x, const char *name);
/* A query parameter, decoded; NULL if absent or the query is malformed. */
const char *http_query(struct http_exchange *x, const char *name);
/* The request body as one contiguous block (not NUL-terminated; NULL with
 * *len 0 when there is none). Moved off the connection, never copied more
 * than once (only if it arrived in pieces). */
const void *http_body(struct http_exchange *x, size_t *len);
/* What the worker thread's init hook returned (NULL for inline routes). */
void *http_thread_data(const struct http_exchange *x);
/* The listener's name ("api"). */
const char *http_listener_name(const struct http_exchange *x);
/* 1 once the server is shutting down: long handlers may finish early. */
int http_shutting_down(const struct http_exchange *x);

/* Reply headers: set replaces every header of that name, add appends (for
 * repeated headers such as Link). CR and LF in either are refused
 * (CLARO_ERR_INVALID). Content-Type is set by the http_reply_* calls. */
enum claro_status http_set_header(struct http_exchange *x, const char *name, const char *value);
enum claro_status http_add_header(struct http_exchange *x, const char *name, const char *value);

/* Reply. Each replaces any reply set before (headers set stay). */
/* Copies data. */
enum claro_status http_reply_bytes(struct http_exchange *x, int status, const char *content_type,
				   const void *data, size_t len);
/* Does not copy: data must stay valid until the reply is sent (static or
 * process-lifetime data). */
enum claro_status http_reply_static(struct http_exchange *x, int status, const char *content_type,
				    const void *data, size_t len);
/* Takes data (malloc'd): freed once sent, or at once on failure. */
enum claro_status http_reply_take(struct http_exchange *x, int status, const char *content_type, void *data,
				  size_t len);
/* value is dumped compact straight into the reply; content_type NULL means
 * application/json. */
enum claro_status http_reply_json(struct http_exchange *x, int status, const char *content_type,
				  const json_t *value);
/* An empty body. */
void http_reply_empty(struct http_exchange *x, int status);
/* Clair's error body (see above) with a formatted message. */
void http_reply_error(struct http_exchange *x, int status, const char *fmt, ...) CLARO_PRINTF(3, 4);

/* Content negotiation as Clair does it: the Accept header's media ranges,
 * highest q first (ties keep header order; q=0 ranges are dropped), each
 * tried against allowed (a NULL-terminated list) in order; wildcards match
 * (subtype "*" for any subtype, "*" twice for anything). Returns the chosen entry of
 * allowed, allowed[0] when there is no Accept header, or NULL when nothing
 * fits (answer 415). http_accept_pick() is the same on a header value. */
const char *http_negotiate(const struct http_exchange *x, const char *const *allowed);
const char *http_accept_pick(const char *accept, const char *const *allowed);

/* Clair's code string for a status: "not-found", ..., "internal-error". */
const char *http_error_code(int status);

#endif /* CLARO_CORE_HTTPD_H */
