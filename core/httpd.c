/* The HTTP server (see httpd.h): the event loop, listeners, routing and
 * limits, handing work to the pool and replies back, the drain on shutdown.
 * What handlers call lives in http_exchange.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <event2/util.h>

#include "config.h"
#include "httpd_impl.h"
#include "log.h"
#include "strutil.h"

#define HTTPD_IDLE_TIMEOUT 60          /* seconds a connection may sit idle or stall */
#define HTTPD_MAX_HEADERS  (64 * 1024) /* request line + headers */

#define FAMILY_REQUESTS  "claro_http_requests_total"
#define FAMILY_DURATION  "claro_http_request_duration_seconds"
#define FAMILY_IN_FLIGHT "claro_http_in_flight_requests"
#define FAMILY_LIMITED   "claro_http_concurrency_limited_total"

/* ---- helpers ------------------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static unsigned method_bit(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET: return ROUTE_GET;
	case EVHTTP_REQ_HEAD: return ROUTE_HEAD;
	case EVHTTP_REQ_POST: return ROUTE_POST;
	case EVHTTP_REQ_PUT: return ROUTE_PUT;
	case EVHTTP_REQ_DELETE: return ROUTE_DELETE;
	case EVHTTP_REQ_PATCH: return ROUTE_PATCH;
	case EVHTTP_REQ_OPTIONS: return ROUTE_OPTIONS;
	default: return ROUTE_OTHER;
	}
}

static const char *cmd_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_TRACE: return "TRACE";
	case EVHTTP_REQ_CONNECT: return "CONNECT";
	default: return router_method_name(method_bit(cmd));
	}
}

/* ---- metrics ------------------------------------------------------------- */

static enum claro_status register_families(struct metrics *m)
{
	static const double buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
					 1,     2.5,  5,     10,   30,  60,   300};
	enum claro_status st;

	st = metrics_register(m, FAMILY_REQUESTS, METRIC_COUNTER,
			      "HTTP requests answered, by listener, route, method and status code.", NULL, 0);
	if (st == CLARO_OK)
		st = metrics_register(m, FAMILY_DURATION, METRIC_HISTOGRAM,
				      "Time from receiving a request to handing over its reply, in seconds.",
				      buckets, sizeof(buckets) / sizeof(buckets[0]));
	if (st == CLARO_OK)
		st = metrics_register(m, FAMILY_IN_FLIGHT, METRIC_GAUGE,
				      "HTTP requests received and not yet answered, by listener.", NULL, 0);
	if (st == CLARO_OK)
		st = metrics_register(
		    m, FAMILY_LIMITED, METRIC_COUNTER,
		    "Requests refused with 429 because the concurrency limit or the worker queue "
		    "was full.",
		    NULL, 0);
	return st;
}

static void record_request(struct http_exchange *x, int status, double seconds)
{
	struct metrics *m = x->listener->httpd->metrics;
	char code[16];
	char *labels;

	if (!m)
		return;
	snprintf(code, sizeof(code), "%d", status);
	labels =
	    metrics_labels("listener", x->listener->name, "route", x->route ? x->route->pattern : "unmatched",
			   "method", x->method_name, "code", code, NULL);
	if (!labels)
		return; /* metrics are best effort; the reply matters more */
	metrics_counter_add(m, FAMILY_REQUESTS, labels, 1);
	metrics_observe(m, FAMILY_DURATION, labels, seconds);
	free(labels);
}

static void record_limited(struct http_exchange *x)
{
	struct metrics *m = x->listener->httpd->metrics;
	char *labels;

	if (!m)
		return;
	labels = metrics_labels("listener", x->listener->name, "route",
				x->route ? x->route->pattern : "unmatched", NULL);
	if (labels)
		metrics_counter_add(m, FAMILY_LIMITED, labels, 1);
	free(labels);
}

static void count_in_flight(struct httpd_listener *l, double delta)
{
	if (l->httpd->metrics)
		metrics_gauge_add(l->httpd->metrics, FAMILY_IN_FLIGHT, l->labels, delta);
}

/* A reply being written. Exactly one of two callbacks ends it: evhttp's
 * on-complete (the reply went out) or the connection's close callback (the
 * connection died first). The drain waits for both counts to reach zero,
 * otherwise the last replies would die with the loop. */
struct reply_tracker {
	struct httpd *httpd;
};

static void check_drained(struct httpd *h)
{
	if (h->draining && h->in_flight == 0 && h->writing == 0)
		event_base_loopexit(h->base, NULL);
}

static void tracker_release(struct reply_tracker *t)
{
	struct httpd *h = t->httpd;

	free(t);
	h->writing--;
	check_drained(h);
}

static void on_connection_closed(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	tracker_release(arg);
}

static void on_reply_written(struct evhttp_request *req, void *arg)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);

	if (evcon)
		evhttp_connection_set_closecb(evcon, NULL,
					      NULL); /* a kept-alive connection outlives this reply */
	tracker_release(arg);
}

static void send_tracked(struct httpd *h, struct evhttp_request *req, int status, struct evbuffer *body)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct reply_tracker *t = evcon ? malloc(sizeof(*t)) : NULL;

	/* No connection: the client left and evhttp frees req at once. No
	 * tracker memory: the reply goes out untracked (only the drain may
	 * then cut it short). */
	if (t) {
		t->httpd = h;
		h->writing++;
		evhttp_request_set_on_complete_cb(req, on_reply_written, t);
		evhttp_connection_set_closecb(evcon, on_connection_closed, t);
	}
	evhttp_send_reply(req, status, NULL, body);
}

/* Send x's reply and forget it (loop thread). */
static void finish(struct http_exchange *x)
{
	struct httpd_listener *l = x->listener;
	struct httpd *h = l->httpd;
	struct evkeyvalq *out = evhttp_request_get_output_headers(x->req);
	double seconds;

	if (x->status == 0)
		exchange_reply_error(x, 500, "the handler produced no reply");
	for (size_t i = 0; i < x->n_reply_headers; i++)
		evhttp_add_header(out, x->reply_headers[i].name, x->reply_headers[i].value);
	if (x->close_connection || h->draining)
		evhttp_add_header(out, "Connection", "close");
	if (x->method == ROUTE_HEAD && x->reply_body) {
		char length[32];

		snprintf(length, sizeof(length), "%zu", evbuffer_get_length(x->reply_body));
		evhttp_add_header(out, "Content-Length", length);
		evbuffer_drain(x->reply_body, evbuffer_get_length(x->reply_body));
	}
	send_tracked(h, x->req, x->status, x->reply_body);
	x->req = NULL;

	seconds = seconds_since(&x->started);
	record_request(x, x->status, seconds);
	log_debug("%s: %s %s -> %d (%.1f ms)", l->name, x->method_name, x->path ? x->path : "?", x->status,
		  seconds * 1000.0);
	if (x->counted_limited)
		l->limited_in_flight--;
	count_in_flight(l, -1);
	h->in_flight--;
	exchange_free(x);
	check_drained(h);
}

static void run_handler(struct http_exchange *x, void *thread_data)
{
	x->thread_data = thread_data;
	x->route->handler(x, x->route->arg);
	if (x->status == 0)
		exchange_reply_error(x, 500, "the handler produced no reply");
}

/* Worker thread: run, then hand the reply back to the loop thread. */
static void work_run(struct work_item *item, void *thread_data)
{
	struct http_exchange *x =
	    (struct http_exchange *)((char *)item - offsetof(struct http_exchange, work));
	struct httpd *h = x->listener->httpd;

	run_handler(x, thread_data);
	pthread_mutex_lock(&h->done_lock);
	x->done_next = NULL;
	if (h->done_tail)
		h->done_tail->done_next = x;
	else
		h->done_head = x;
	h->done_tail = x;
	pthread_mutex_unlock(&h->done_lock);
	event_active(h->done_ev, EV_READ, 0);
}

/* Loop thread: replies are waiting. */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
	struct httpd *h = arg;
	struct http_exchange *x;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&h->done_lock);
	x = h->done_head;
	h->done_head = h->done_tail = NULL;
	pthread_mutex_unlock(&h->done_lock);
	while (x) {
		struct http_exchange *next = x->done_next;

		finish(x);
		x = next;
	}
}

/* Answer at once from the loop thread (no handler involved). */
static void reply_now(struct http_exchange *x, int status, const char *message)
{
	exchange_reply_error(x, status, message);
	finish(x);
}

static void refuse_limited(struct http_exchange *x, const char *why)
{
	record_limited(x);
	reply_now(x, 429, why);
}

/* 404 or 405 unless the router knows path for this method. */
static int route(struct http_exchange *x, const char *path, struct route_match *m)
{
	char allow[64];

	switch (router_match(x->listener->router, x->method, path, m)) {
	case ROUTER_FOUND: x->route = m->route; return 1;
	case ROUTER_NOT_FOUND: http_reply_error(x, 404, "no such endpoint: %s", path); break;
	case ROUTER_METHOD_NOT_ALLOWED:
		router_allow_header(m->allowed, allow, sizeof(allow));
		http_set_header(x, "Allow", allow);
		http_reply_error(x, 405, "endpoint only allows %s", allow);
		break;
	}
	finish(x);
	return 0;
}

/* 413 for a body within the slack evhttp lets through (see httpd.h). */
static int body_fits(struct http_exchange *x)
{
	struct httpd_listener *l = x->listener;
	size_t len = evbuffer_get_length(evhttp_request_get_input_buffer(x->req));

	if (!l->max_body || len <= l->max_body)
		return 1;
	x->close_connection = 1;
	http_reply_error(x, 413, "request body of %zu bytes is larger than the limit of %llu bytes", len,
			 (unsigned long long)l->max_body);
	finish(x);
	return 0;
}

/* Take a concurrency slot, or answer 429. */
static int admit(struct http_exchange *x)
{
	struct httpd_listener *l = x->listener;

	if ((x->route->flags & ROUTE_UNLIMITED) || l->max_concurrent < 0)
		return 1;
	if (l->limited_in_flight >= l->max_concurrent) {
		refuse_limited(x, "too many concurrent requests");
		return 0;
	}
	x->counted_limited = 1;
	l->limited_in_flight++;
	return 1;
}

static void queue_for_worker(struct http_exchange *x)
{
	x->work.fn = work_run;
	switch (workers_submit(x->listener->workers, &x->work)) {
	case CLARO_OK: break;
	case CLARO_ERR_BUSY: refuse_limited(x, "too many requests waiting for a worker"); break;
	default:
		x->close_connection = 1;
		reply_now(x, 503, "the server is shutting down");
		break;
	}
}

/* Route, check limits, copy, then run inline or queue. Every path ends in
 * finish(), now or when the worker hands the reply back. */
static void dispatch(struct http_exchange *x, const char *path, const char *query)
{
	struct route_match m;

	if (x->listener->httpd->draining) {
		x->close_connection = 1;
		reply_now(x, 503, "the server is shutting down");
		return;
	}
	if (!route(x, path, &m) || !body_fits(x) || !admit(x))
		return;
	if (exchange_copy_request(x, &m, path, query) != CLARO_OK) {
		reply_now(x, 500, "out of memory");
		return;
	}
	if (x->route->flags & ROUTE_INLINE) {
		run_handler(x, NULL);
		finish(x);
		return;
	}
	queue_for_worker(x);
}

/* evhttp's callback for every request on a listener (loop thread). */
static void on_request(struct evhttp_request *req, void *arg)
{
	struct httpd_listener *l = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct http_exchange *x = calloc(1, sizeof(*x));

	if (!x) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &x->started);
	x->listener = l;
	x->req = req;
	x->method = method_bit(cmd);
	x->method_name = cmd_name(cmd);
	l->httpd->in_flight++;
	count_in_flight(l, 1);
	dispatch(x, path && *path ? path : "/", uri ? evhttp_uri_get_query(uri) : NULL);
}

/* ---- listeners ----------------------------------------------------------- */

/* The bound address as port and "http://host:port". */
static enum claro_status learn_bound_address(struct httpd_listener *l)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN];
	evutil_socket_t fd = evhttp_bound_socket_get_fd(l->bound);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return CLARO_ERR_IO;
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		l->port = ntohs(sin6->sin6_port);
		l->url = str_printf("http://[%s]:%d", host, l->port);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		l->port = ntohs(sin->sin_port);
		l->url = str_printf("http://%s:%d", host, l->port);
	}
	return l->url ? CLARO_OK : CLARO_ERR_NOMEM;
}

static void configure_evhttp(struct httpd_listener *l)
{
	evhttp_set_gencb(l->http, on_request, l);
	/* Every method reaches the router, which answers 405 in Clair's format
	 * (evhttp would send its own 501 page for the ones it was not told of). */
	evhttp_set_allowed_methods(l->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
						EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS |
						EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(l->http, NULL);
	evhttp_set_max_headers_size(l->http, HTTPD_MAX_HEADERS);
	if (l->max_body && l->max_body < (uint64_t)INT64_MAX - HTTPD_BODY_SLACK)
		evhttp_set_max_body_size(l->http, (ev_ssize_t)(l->max_body + HTTPD_BODY_SLACK));
	evhttp_set_timeout(l->http, HTTPD_IDLE_TIMEOUT);
}

static void listener_free(struct httpd_listener *l)
{
	if (l->http)
		evhttp_free(l->http);
	free(l->name);
	free(l->url);
	free(l->labels);
	free(l);
}

static enum claro_status bind_listener(struct httpd_listener *l, const char *addr, struct error *err)
{
	char *host;
	unsigned port;
	enum claro_status st = config_split_addr(addr, &host, &port);

	if (st == CLARO_ERR_NOMEM)
		return error_set(err, st, "out of memory");
	if (st != CLARO_OK) {
		error_set(err, CLARO_ERR_CONFIG, "invalid listen address \"%s\" for the %s listener", addr,
			  l->name);
		error_detail(err,
			     "An address is host:port, [IPv6]:port or :port, with a port from 0 to 65535.");
		error_hint(err, "Use for example 127.0.0.1:6060, or port 0 for any free port.");
		return CLARO_ERR_CONFIG;
	}
	/* An empty host means every interface (Clair's ":8089"). */
	errno = 0;
	l->bound = evhttp_bind_socket_with_handle(l->http, *host ? host : "0.0.0.0", (ev_uint16_t)port);
	if (!l->bound) {
		int e = EVUTIL_SOCKET_ERROR();

		error_set(err, CLARO_ERR_IO, "could not listen on %s for the %s listener", addr, l->name);
		error_detail(err, "%s.",
			     e ? evutil_socket_error_to_string(e) : "The address could not be resolved");
		error_hint(
		    err, "Choose a free port and an address of this machine, or stop the process using it.");
		free(host);
		return CLARO_ERR_IO;
	}
	free(host);
	{
		/* Replies go out in 16 KiB writes; with Nagle on, a keep-alive
		 * client's delayed ACK holds the second one back 40 ms.
		 * Accepted sockets inherit the option from the listener. */
		int one = 1;

		(void)setsockopt(evhttp_bound_socket_get_fd(l->bound), IPPROTO_TCP, TCP_NODELAY, &one,
				 sizeof(one));
	}
	if (learn_bound_address(l) != CLARO_OK)
		return error_set(err, CLARO_ERR_IO, "could not read the address bound for the %s listener",
				 l->name);
	return CLARO_OK;
}

enum claro_status httpd_listen(struct httpd *h, const struct httpd_listener_params *p,
			       struct httpd_listener **out, struct error *err)
{
	struct httpd_listener *l = calloc(1, sizeof(*l));
	enum claro_status st;

	if (out)
		*out = NULL;
	if (!l)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	l->httpd = h;
	l->router = p->router;
	l->workers = p->workers;
	l->max_body = p->max_body;
	l->max_concurrent = p->max_concurrent;
	l->name = str_dup(p->name ? p->name : "http");
	l->labels = l->name ? metrics_labels("listener", l->name, NULL) : NULL;
	l->http = evhttp_new(h->base);
	if (!l->name || !l->labels || !l->http) {
		listener_free(l);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	configure_evhttp(l);
	st = bind_listener(l, p->addr ? p->addr : "", err);
	if (st != CLARO_OK) {
		listener_free(l);
		return st;
	}
	if (h->metrics)
		metrics_gauge_add(h->metrics, FAMILY_IN_FLIGHT, l->labels,
				  0); /* the series exists from the start */
	l->next = h->listeners;
	h->listeners = l;
	log_info("listening on %s (%s)", l->url, l->name);
	if (out)
		*out = l;
	return CLARO_OK;
}

int httpd_listener_port(const struct httpd_listener *l)
{
	return l->port;
}

const char *httpd_listener_url(const struct httpd_listener *l)
{
	return l->url;
}

/* ---- the loop ------------------------------------------------------------ */

enum claro_status httpd_new(struct httpd **out, struct metrics *metrics, struct error *err)
{
	struct httpd *h;

	*out = NULL;
	if (evthread_use_pthreads() != 0)
		return error_set(err, CLARO_ERR_INTERNAL, "could not enable libevent's thread support");
	if (metrics && register_families(metrics) != CLARO_OK)
		return error_set(err, CLARO_ERR_NOMEM, "could not register the HTTP metrics");
	h = calloc(1, sizeof(*h));
	if (!h)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	if (pthread_mutex_init(&h->done_lock, NULL) != 0) {
		free(h);
		return error_set(err, CLARO_ERR_INTERNAL, "could not initialise a lock");
	}
	h->metrics = metrics;
	atomic_init(&h->shutting_down, 0);
	h->base = event_base_new();
	h->done_ev = h->base ? event_new(h->base, -1, 0, on_done, h) : NULL;
	if (!h->base || !h->done_ev) {
		httpd_free(h);
		return error_set(err, CLARO_ERR_NOMEM, "could not create the HTTP event loop");
	}
	*out = h;
	return CLARO_OK;
}

struct event_base *httpd_base(struct httpd *h)
{
	return h->base;
}

size_t httpd_in_flight(const struct httpd *h)
{
	return h->in_flight;
}

enum claro_status httpd_run(struct httpd *h)
{
	event_base_loop(h->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return h->timed_out ? CLARO_ERR_TIMEOUT : CLARO_OK;
}

static void on_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct httpd *h = arg;

	(void)fd;
	(void)what;
	log_warn("%zu request%s still in flight after the shutdown timeout; stopping anyway", h->in_flight,
		 h->in_flight == 1 ? "" : "s");
	h->timed_out = 1;
	event_base_loopexit(h->base, NULL);
}

void httpd_shutdown(struct httpd *h, int64_t timeout_seconds)
{
	struct timeval tv;

	if (h->draining) {
		h->timed_out = h->in_flight > 0;
		event_base_loopexit(h->base, NULL);
		return;
	}
	h->draining = 1;
	atomic_store(&h->shutting_down, 1);
	for (struct httpd_listener *l = h->listeners; l; l = l->next) {
		if (l->bound) {
			evhttp_del_accept_socket(l->http, l->bound);
			l->bound = NULL;
		}
	}
	if (h->in_flight == 0 && h->writing == 0) {
		event_base_loopexit(h->base, NULL);
		return;
	}
	log_info("waiting for %zu request%s in flight (at most %lld s)", h->in_flight,
		 h->in_flight == 1 ? "" : "s", (long long)timeout_seconds);
	h->drain_timer = evtimer_new(h->base, on_drain_timeout, h);
	tv.tv_sec = timeout_seconds > 0 ? (time_t)timeout_seconds : 0;
	tv.tv_usec = 0;
	if (!h->drain_timer || evtimer_add(h->drain_timer, &tv) != 0)
		on_drain_timeout(-1, 0, h);
}

void httpd_free(struct httpd *h)
{
	struct http_exchange *x;

	if (!h)
		return;
	while (h->listeners) {
		struct httpd_listener *next = h->listeners->next;

		listener_free(h->listeners);
		h->listeners = next;
	}
	/* Replies that came back after the loop stopped: their connections are
	 * gone with the listeners above. */
	x = h->done_head;
	while (x) {
		struct http_exchange *next = x->done_next;

		exchange_free(x);
		x = next;
	}
	if (h->drain_timer)
		event_free(h->drain_timer);
	if (h->done_ev)
		event_free(h->done_ev);
	if (h->base)
		event_base_free(h->base);
	pthread_mutex_destroy(&h->done_lock);
	free(h);
}
