/* Private to the HTTP server: httpd.c (loop, listeners, dispatch, drain)
 * and http_exchange.c (what handlers see: the request copy, the reply,
 * Clair's errors, content negotiation). Nothing else includes this.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_HTTPD_IMPL_H
#define CLARO_CORE_HTTPD_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "httpd.h"
#include "router.h"
#include "workers.h"

struct httpd_listener {
	struct httpd *httpd;
	struct httpd_listener *next;
	char *name;
	char *url;
	char *labels; /* listener="<name>" */
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	int port;
	const struct router *router;
	struct workers *workers;
	uint64_t max_body;
	int max_concurrent;
	int limited_in_flight; /* loop thread only */
};

struct httpd {
	struct event_base *base;
	struct event *done_ev; /* activated by workers: replies are waiting */
	struct event *drain_timer;
	pthread_mutex_t done_lock;
	struct http_exchange *done_head, *done_tail;
	struct httpd_listener *listeners;
	struct metrics *metrics;
	size_t in_flight; /* loop thread only: received, reply not yet handed over */
	size_t writing;   /* loop thread only: replies handed over, not yet written */
	int draining;
	int timed_out;
	atomic_int shutting_down; /* read by handlers on workers */
};

struct reply_header {
	char *name;
	char *value;
};

struct http_exchange {
	struct work_item work;
	struct httpd_listener *listener;
	struct evhttp_request *req; /* loop thread only */
	const struct route *route;
	unsigned method;
	const char *method_name;
	struct timespec started;
	int counted_limited;
	int close_connection;

	/* the request, copied off evhttp */
	char *path;
	char *query;
	struct evkeyvalq query_kv;
	int query_state; /* 0 unparsed, 1 parsed, -1 malformed */
	char **headers;  /* name, value, name, value ... in one block */
	size_t n_headers;
	char *param_names[ROUTER_MAX_PARAMS];
	char *param_values[ROUTER_MAX_PARAMS];
	size_t n_params;
	struct evbuffer *body;
	void *thread_data;

	/* the reply */
	int status; /* 0 = none yet */
	struct evbuffer *reply_body;
	struct reply_header *reply_headers;
	size_t n_reply_headers;
	size_t cap_reply_headers;

	struct http_exchange *done_next;
};

/* Free x and all it owns; never touches x->req (evhttp owns it). */
void exchange_free(struct http_exchange *x);
/* Copy what a handler may read off x->req: path, query, headers, decoded
 * captures; the body is moved. Loop thread. CLARO_ERR_NOMEM. */
enum claro_status exchange_copy_request(struct http_exchange *x, const struct route_match *m,
					const char *path, const char *query);
/* Clair's error body with message as is (NULL: code only). */
void exchange_reply_error(struct http_exchange *x, int status, const char *message);

#endif /* CLARO_CORE_HTTPD_IMPL_H */
