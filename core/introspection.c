/* The introspection listener (reference §1.6; clair:introspection/server.go):
 *
 *   GET /healthz   200 "ok": the process is up and its loop answers
 *   GET /readyz    200 with an empty body once the API listener accepts and
 *                  the store answers a ping; 503 otherwise (and while
 *                  shutting down); Cache-Control: no-store
 *   GET /metrics   Prometheus text exposition
 *
 * /healthz and /metrics are cheap and never block, so they run on the loop
 * thread and answer even when every worker is busy. /readyz talks to the
 * database and runs on the introspection pool's own worker, whose store
 * connection it reuses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdlib.h>

#include "daemon.h"
#include "log.h"

static const char ok_text[] = "ok";

static void handle_healthz(struct http_exchange *x, void *arg)
{
	(void)arg;
	http_reply_static(x, 200, "text/plain; charset=utf-8", ok_text, sizeof(ok_text) - 1);
}

/* Log readiness only when it changes, not on every probe. */
static void note_readiness(struct daemon_thread *t, int ready, const struct error *why)
{
	static int last = -1; /* only the single introspection worker runs this */

	(void)t;
	if (ready == last)
		return;
	last = ready;
	if (ready)
		log_info("ready: the API listener accepts and the store answers");
	else if (why && why->message)
		log_error(CLARO_LOG_WARNING, why);
}

static void handle_readyz(struct http_exchange *x, void *arg)
{
	struct daemon *d = arg;
	struct daemon_thread *t = http_thread_data(x);
	struct error err = ERROR_INIT;
	struct store *store;
	int ready = 0;

	http_set_header(x, "Cache-Control", "no-store");
	if (!atomic_load(&d->api_ready) || http_shutting_down(x)) {
		http_reply_empty(x, 503);
		return;
	}
	store = t ? daemon_thread_store(t, &err) : NULL;
	if (store && store_ping(store, &err) == CLARO_OK)
		ready = 1;
	else if (store)
		daemon_thread_store_failed(t);
	note_readiness(t, ready, &err);
	error_clear(&err);
	http_reply_empty(x, ready ? 200 : 503);
}

static void handle_metrics(struct http_exchange *x, void *arg)
{
	struct daemon *d = arg;
	struct buf out = BUF_INIT(0);
	size_t len;

	if (metrics_render(d->metrics, &out) != CLARO_OK) {
		buf_free(&out);
		http_reply_error(x, 500, "could not render the metrics: out of memory");
		return;
	}
	len = out.len;
	http_reply_take(x, 200, METRICS_CONTENT_TYPE, buf_steal(&out), len);
}

enum claro_status introspection_routes(struct daemon *d, struct router *r)
{
	enum claro_status st;

	st = router_add(r, ROUTE_GET, "/healthz", handle_healthz, d, ROUTE_INLINE | ROUTE_UNLIMITED);
	if (st == CLARO_OK)
		st = router_add(r, ROUTE_GET, "/readyz", handle_readyz, d, ROUTE_UNLIMITED);
	if (st == CLARO_OK)
		st = router_add(r, ROUTE_GET, "/metrics", handle_metrics, d, ROUTE_INLINE | ROUTE_UNLIMITED);
	return st;
}
