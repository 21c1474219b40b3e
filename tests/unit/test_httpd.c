/* The HTTP server in process: a real listener on 127.0.0.1:0, a loop
 * thread, a worker pool, and a plain socket client. Checks Clair's error
 * format, routing answers, limits (413, 429), what handlers see, the drain
 * on shutdown and its timeout, and content negotiation.
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <jansson.h>

#include "httpd.h"
#include "../tap.h"

/* ---- a tiny blocking HTTP client ---------------------------------------- */

struct response {
	int status; /* 0: no response (connection failed or closed) */
	char *head; /* status line + headers */
	char *body;
	size_t body_len;
};

static int connect_port(int port)
{
	struct sockaddr_in sin;
	struct timeval tv = {10, 0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send raw (head, then body of body_len bytes) and read until the server
 * closes. Requests carry "Connection: close". */
static struct response request_raw(int port, const char *head, const char *body, size_t body_len)
{
	struct response r = {0, NULL, NULL, 0};
	size_t cap = 4096, len = 0;
	char *data = malloc(cap);
	int fd = connect_port(port);
	char *split;

	if (fd < 0 || !data) {
		if (fd >= 0)
			close(fd);
		free(data);
		return r;
	}
	if (write(fd, head, strlen(head)) < 0 || (body_len && write(fd, body, body_len) < 0))
		goto out;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *grown = realloc(data, cap * 2);

			if (!grown)
				goto out;
			data = grown;
			cap *= 2;
		}
		n = read(fd, data + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	data[len] = '\0';
	split = strstr(data, "\r\n\r\n");
	if (!split || sscanf(data, "HTTP/1.%*d %d", &r.status) != 1)
		goto out;
	*split = '\0';
	r.head = strdup(data);
	r.body_len = len - (size_t)(split + 4 - data);
	r.body = malloc(r.body_len + 1);
	if (r.body) {
		memcpy(r.body, split + 4, r.body_len);
		r.body[r.body_len] = '\0';
	}
out:
	close(fd);
	free(data);
	return r;
}

static struct response request(int port, const char *method, const char *target, const char *extra_headers,
			       const char *body)
{
	char head[1024];
	size_t body_len = body ? strlen(body) : 0;

	snprintf(head, sizeof(head),
		 "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%sContent-Length: %zu\r\n\r\n",
		 method, target, extra_headers ? extra_headers : "", body_len);
	return request_raw(port, head, body, body_len);
}

static void response_free(struct response *r)
{
	free(r->head);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* A response header's value (static copy), or NULL. */
static const char *header(const struct response *r, const char *name)
{
	static char value[256];
	size_t n = strlen(name);

	for (const char *p = r->head; p && *p;) {
		const char *eol = strstr(p, "\r\n");
		size_t line = eol ? (size_t)(eol - p) : strlen(p);

		if (line > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			size_t vlen;

			while (*v == ' ')
				v++;
			vlen = line - (size_t)(v - p);
			if (vlen >= sizeof(value))
				vlen = sizeof(value) - 1;
			memcpy(value, v, vlen);
			value[vlen] = '\0';
			return value;
		}
		p = eol ? eol + 2 : NULL;
	}
	return NULL;
}

/* The "code" member of a Clair error body, or NULL. */
static char *error_code(const struct response *r)
{
	static char code[64];
	json_t *doc = r->body ? json_loads(r->body, 0, NULL) : NULL;
	const char *c = doc ? json_string_value(json_object_get(doc, "code")) : NULL;
	int has_message = doc && json_is_string(json_object_get(doc, "message"));

	code[0] = '\0';
	if (c && has_message)
		snprintf(code, sizeof(code), "%s", c);
	json_decref(doc);
	return c && has_message ? code : NULL;
}

/* ---- the server under test ------------------------------------------------ */

struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int open;
	int entered;
};

static struct gate gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

static void gate_reset(void)
{
	pthread_mutex_lock(&gate.lock);
	gate.open = 0;
	gate.entered = 0;
	pthread_mutex_unlock(&gate.lock);
}

static void gate_open(void)
{
	pthread_mutex_lock(&gate.lock);
	gate.open = 1;
	pthread_cond_broadcast(&gate.cond);
	pthread_mutex_unlock(&gate.lock);
}

static int gate_wait_entered(int n)
{
	struct timespec deadline;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	pthread_mutex_lock(&gate.lock);
	while (gate.entered < n && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&gate.cond, &gate.lock, &deadline);
	rc = gate.entered >= n;
	pthread_mutex_unlock(&gate.lock);
	return rc;
}

static void h_echo(struct http_exchange *x, void *arg)
{
	size_t len;
	const void *body = http_body(x, &len);
	const char *q = http_query(x, "q");
	const char *hdr = http_header(x, "x-test");
	json_t *doc = json_pack("{s:s, s:s?, s:s?, s:s%, s:s, s:b}", "name", http_param(x, "name"), "q", q,
				"hdr", hdr, "body", body ? (const char *)body : "", len, "method",
				http_method_name(x), "on_worker", http_thread_data(x) == arg);

	http_reply_json(x, 200, NULL, doc);
	json_decref(doc);
}

static void h_inline(struct http_exchange *x, void *arg)
{
	(void)arg;
	http_set_header(x, "X-Inline", http_thread_data(x) == NULL ? "yes" : "no");
	http_reply_static(x, 200, "text/plain", "inline", 6);
}

static void h_slow(struct http_exchange *x, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate.lock);
	gate.entered++;
	pthread_cond_broadcast(&gate.cond);
	while (!gate.open)
		pthread_cond_wait(&gate.cond, &gate.lock);
	pthread_mutex_unlock(&gate.lock);
	http_reply_static(x, 200, "text/plain", "done", 4);
}

static void h_noreply(struct http_exchange *x, void *arg)
{
	(void)x;
	(void)arg;
}

static void h_teapot_error(struct http_exchange *x, void *arg)
{
	(void)arg;
	http_add_header(x, "Link", "<a>; rel=\"x\"");
	http_set_header(x, "ETag", "\"kept\"");
	http_reply_error(x, 400, "bad %s", "input");
}

static int thread_marker;

static void *worker_init(void *arg, int index)
{
	(void)index;
	return arg;
}

struct server {
	struct httpd *h;
	struct workers *w;
	struct router r;
	struct metrics *m;
	struct httpd_listener *l;
	pthread_t loop;
	enum claro_status run_status;
	int port;
};

static void *loop_main(void *arg)
{
	struct server *s = arg;

	s->run_status = httpd_run(s->h);
	return NULL;
}

static int server_start(struct server *s, uint64_t max_body, int max_concurrent)
{
	struct workers_params wp = {"test", 2, 4, worker_init, NULL, &thread_marker};
	struct httpd_listener_params lp = {"api", "127.0.0.1:0", &s->r, NULL, max_body, max_concurrent};
	struct error err = ERROR_INIT;

	memset(s, 0, sizeof(*s));
	s->m = metrics_new();
	if (!s->m || router_add(&s->r, ROUTE_GET | ROUTE_POST, "/echo/{name}", h_echo, &thread_marker, 0) ||
	    router_add(&s->r, ROUTE_GET | ROUTE_HEAD, "/inline", h_inline, NULL, ROUTE_INLINE) ||
	    router_add(&s->r, ROUTE_POST, "/slow", h_slow, NULL, 0) ||
	    router_add(&s->r, ROUTE_GET, "/free", h_inline, NULL, ROUTE_UNLIMITED) ||
	    router_add(&s->r, ROUTE_GET, "/noreply", h_noreply, NULL, 0) ||
	    router_add(&s->r, ROUTE_GET, "/bad", h_teapot_error, NULL, 0))
		return 0;
	if (workers_start(&s->w, &wp, &err) != CLARO_OK || httpd_new(&s->h, s->m, &err) != CLARO_OK) {
		error_print(&err, stdout, "# test_httpd");
		error_clear(&err);
		return 0;
	}
	lp.workers = s->w;
	if (httpd_listen(s->h, &lp, &s->l, &err) != CLARO_OK) {
		error_print(&err, stdout, "# test_httpd");
		error_clear(&err);
		return 0;
	}
	s->port = httpd_listener_port(s->l);
	return pthread_create(&s->loop, NULL, loop_main, s) == 0;
}

static int64_t shutdown_timeout;

static void do_shutdown(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	httpd_shutdown(arg, shutdown_timeout);
}

/* Ask the loop thread to shut down (httpd_shutdown is loop-thread only). */
static void server_shutdown(struct server *s, int64_t timeout)
{
	struct timeval now = {0, 0};

	shutdown_timeout = timeout;
	event_base_once(httpd_base(s->h), -1, EV_TIMEOUT, do_shutdown, s->h, &now);
}

static void server_stop(struct server *s)
{
	pthread_join(s->loop, NULL);
	workers_stop(s->w);
	httpd_free(s->h);
	router_free(&s->r);
	metrics_free(s->m);
}

/* ---- the tests ----------------------------------------------------------- */

static void test_routing_answers(struct server *s)
{
	struct response r;

	r = request(s->port, "GET", "/nowhere", NULL, NULL);
	is_int(r.status, 404, "unknown path: 404");
	is_str(error_code(&r), "not-found", "404 body is Clair's error with code not-found");
	is_str(header(&r, "Content-Type"), "application/json", "error Content-Type is application/json");
	is_str(header(&r, "X-Content-Type-Options"), "nosniff", "error has X-Content-Type-Options: nosniff");
	response_free(&r);

	r = request(s->port, "GET", "/caf\xe9", NULL, NULL);
	is_int(r.status, 404, "a path with a byte that is not UTF-8: 404");
	is_str(error_code(&r), "not-found", "still a valid Clair error body");
	response_free(&r);

	r = request(s->port, "DELETE", "/echo/x", NULL, NULL);
	is_int(r.status, 405, "wrong method: 405");
	is_str(error_code(&r), "method-not-allowed", "405 code method-not-allowed");
	is_str(header(&r, "Allow"), "GET, POST", "405 names the allowed methods");
	response_free(&r);

	r = request(s->port, "PATCH", "/inline", NULL, NULL);
	is_int(r.status, 405, "a method evhttp would refuse itself still gets our 405");
	is_str(error_code(&r), "method-not-allowed", "in Clair's format");
	response_free(&r);

	r = request(s->port, "GET", "/noreply", NULL, NULL);
	is_int(r.status, 500, "a handler that sets no reply gives 500");
	is_str(error_code(&r), "internal-error", "code internal-error");
	response_free(&r);

	r = request(s->port, "GET", "/bad", NULL, NULL);
	is_int(r.status, 400, "handler error 400");
	is_str(error_code(&r), "bad-request", "code bad-request");
	ok(header(&r, "Link") == NULL, "an error reply drops Link headers (as Clair)");
	is_str(header(&r, "ETag"), "\"kept\"", "other headers set by the handler stay");
	response_free(&r);
}

static void test_handler_view(struct server *s)
{
	struct response r;
	json_t *doc;

	r = request(s->port, "POST", "/echo/sha256%3Aabc?q=a%20b&z=1", "X-Test: hello\r\n", "{\"k\":1}");
	is_int(r.status, 200, "worker route: 200");
	is_str(header(&r, "Content-Type"), "application/json", "JSON reply");
	doc = r.body ? json_loads(r.body, 0, NULL) : NULL;
	is_str(json_string_value(json_object_get(doc, "name")), "sha256:abc",
	       "path capture is percent-decoded");
	is_str(json_string_value(json_object_get(doc, "q")), "a b", "query parameter is decoded");
	is_str(json_string_value(json_object_get(doc, "hdr")), "hello",
	       "request header, name case-insensitive");
	is_str(json_string_value(json_object_get(doc, "body")), "{\"k\":1}", "body arrives whole");
	is_str(json_string_value(json_object_get(doc, "method")), "POST", "method name");
	ok(json_is_true(json_object_get(doc, "on_worker")), "ran on a worker with its thread data");
	json_decref(doc);
	response_free(&r);

	r = request(s->port, "GET", "/inline", NULL, NULL);
	is_int(r.status, 200, "inline route: 200");
	is_str(header(&r, "X-Inline"), "yes", "inline handler has no thread data (loop thread)");
	is_str(r.body, "inline", "inline body");
	response_free(&r);

	r = request(s->port, "HEAD", "/inline", NULL, NULL);
	is_int(r.status, 200, "HEAD: 200");
	is_str(header(&r, "Content-Length"), "6", "HEAD reports the GET body's length");
	is_int((int)r.body_len, 0, "HEAD sends no body");
	response_free(&r);
}

static void test_body_limit(struct server *s)
{
	char *big = malloc(3000);
	struct response r;
	char head[256];

	memset(big, 'a', 2999);
	big[2999] = '\0';
	r = request(s->port, "POST", "/echo/x", NULL, big);
	is_int(r.status, 413, "a body over max_body: 413");
	is_str(error_code(&r), "internal-error", "413 maps to Clair's internal-error");
	response_free(&r);

	memset(big, 'b', 1024);
	big[1024] = '\0';
	r = request(s->port, "POST", "/echo/x", NULL, big);
	is_int(r.status, 200, "a body of exactly max_body is accepted");
	response_free(&r);
	free(big);

	/* Far past the limit: refused from the Content-Length alone, before
	 * any body is sent. */
	snprintf(
	    head, sizeof(head),
	    "POST /echo/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100000000\r\n\r\n");
	r = request_raw(s->port, head, NULL, 0);
	is_int(r.status, 413, "a declared length far over the limit is refused before the body is read");
	response_free(&r);
}

struct bg_request {
	pthread_t t;
	int port;
	const char *target;
	struct response r;
};

static void *bg_main(void *arg)
{
	struct bg_request *b = arg;

	b->r = request(b->port, "POST", b->target, NULL, NULL);
	return NULL;
}

static void test_concurrency_limit(struct server *s)
{
	struct bg_request slow = {0, s->port, "/slow", {0, NULL, NULL, 0}};
	struct response r;
	double limited = 0;
	char *labels = metrics_labels("listener", "api", "route", "/echo/{name}", NULL);

	gate_reset();
	pthread_create(&slow.t, NULL, bg_main, &slow);
	ok(gate_wait_entered(1), "a slow request holds the only concurrency slot");
	r = request(s->port, "GET", "/echo/x", NULL, NULL);
	is_int(r.status, 429, "a second request past max_concurrent: 429");
	is_str(error_code(&r), "too-many-requests", "code too-many-requests");
	response_free(&r);
	metrics_value(s->m, "claro_http_concurrency_limited_total", labels, &limited);
	ok(limited == 1, "the refusal is counted");
	r = request(s->port, "GET", "/free", NULL, NULL);
	is_int(r.status, 200, "a ROUTE_UNLIMITED route still answers");
	response_free(&r);
	gate_open();
	pthread_join(slow.t, NULL);
	is_int(slow.r.status, 200, "the slow request completes");
	response_free(&slow.r);
	r = request(s->port, "GET", "/echo/x", NULL, NULL);
	is_int(r.status, 200, "the slot is free again");
	response_free(&r);
	free(labels);
}

static void test_metrics_recorded(struct server *s)
{
	char *labels =
	    metrics_labels("listener", "api", "route", "unmatched", "method", "GET", "code", "404", NULL);
	double n = 0, in_flight = -1;

	metrics_value(s->m, "claro_http_requests_total", labels, &n);
	ok(n >= 1, "404s are counted under route \"unmatched\"");
	free(labels);
	labels = metrics_labels("listener", "api", NULL);
	metrics_value(s->m, "claro_http_in_flight_requests", labels, &in_flight);
	ok(in_flight == 0, "nothing in flight between requests");
	free(labels);
}

static void test_drain(struct server *s)
{
	struct bg_request slow = {0, s->port, "/slow", {0, NULL, NULL, 0}};
	int fd;

	gate_reset();
	pthread_create(&slow.t, NULL, bg_main, &slow);
	ok(gate_wait_entered(1), "a request is in flight");
	server_shutdown(s, 10);
	for (int i = 0; i < 100 && (fd = connect_port(s->port)) >= 0; i++) {
		close(fd);
		usleep(10000);
	}
	fd = connect_port(s->port);
	ok(fd < 0, "the listener stops accepting once shutdown begins");
	if (fd >= 0)
		close(fd);
	gate_open();
	pthread_join(slow.t, NULL);
	is_int(slow.r.status, 200, "the request in flight still completes");
	is_str(header(&slow.r, "Connection"), "close", "and its connection is closed");
	response_free(&slow.r);
	server_stop(s);
	is_int(s->run_status, CLARO_OK, "httpd_run returns OK after a full drain");
}

static void test_drain_timeout(void)
{
	struct server s;
	struct bg_request slow;

	ok(server_start(&s, 0, -1), "second server started");
	slow = (struct bg_request){0, s.port, "/slow", {0, NULL, NULL, 0}};
	gate_reset();
	pthread_create(&slow.t, NULL, bg_main, &slow);
	ok(gate_wait_entered(1), "a stuck request is in flight");
	server_shutdown(&s, 1);
	pthread_join(s.loop, NULL);
	is_int(s.run_status, CLARO_ERR_TIMEOUT, "httpd_run gives up after the timeout");
	gate_open();
	workers_stop(s.w);
	httpd_free(s.h); /* closes the connection; the late reply is dropped */
	pthread_join(slow.t, NULL);
	is_int(slow.r.status, 0, "the client of the dropped request sees the connection close");
	response_free(&slow.r);
	router_free(&s.r);
	metrics_free(s.m);
}

static void test_negotiation(void)
{
	static const char *const types[] = {"application/json", "application/vnd.oai.openapi+json",
					    "application/yaml", NULL};

	is_str(http_accept_pick(NULL, types), "application/json", "no Accept: the first type");
	is_str(http_accept_pick("  ", types), "application/json", "blank Accept: the first type");
	is_str(http_accept_pick("*/*", types), "application/json", "*/*: the first type");
	is_str(http_accept_pick("application/yaml", types), "application/yaml", "exact match");
	is_str(http_accept_pick("APPLICATION/YAML", types), "application/yaml",
	       "media types are case-insensitive");
	is_str(http_accept_pick("text/html, application/yaml;q=0.5, application/vnd.oai.openapi+json;q=0.9",
				types),
	       "application/vnd.oai.openapi+json", "highest q wins");
	is_str(http_accept_pick("application/yaml;q=0.5, application/json;q=0.5", types), "application/yaml",
	       "equal q keeps header order");
	is_str(http_accept_pick("application/*;q=0.2, application/yaml", types), "application/yaml",
	       "a specific type beats a lower-q wildcard");
	is_str(http_accept_pick("application/*", types), "application/json", "type wildcard");
	ok(http_accept_pick("text/html", types) == NULL, "nothing acceptable: NULL (415)");
	ok(http_accept_pick("application/json;q=0", types) == NULL, "q=0 means not acceptable");
	is_str(http_accept_pick("application/json;q=1.5, application/yaml", types), "application/yaml",
	       "a malformed q drops that range");
	is_str(http_accept_pick("application/json ; charset=utf-8 ; q=0.3 , application/yaml;q=0.2", types),
	       "application/json", "parameters and blanks around them");
	is_str(http_error_code(400), "bad-request", "400 code");
	is_str(http_error_code(404), "not-found", "404 code");
	is_str(http_error_code(405), "method-not-allowed", "405 code");
	is_str(http_error_code(429), "too-many-requests", "429 code");
	is_str(http_error_code(413), "internal-error", "413 code");
	is_str(http_error_code(415), "internal-error", "415 code");
	is_str(http_error_code(503), "internal-error", "503 code");
}

int main(void)
{
	struct server s;

	plan_no_plan();
	test_negotiation();
	if (!server_start(&s, 1024, 1)) {
		ok(0, "server started");
		return done_testing();
	}
	test_routing_answers(&s);
	test_handler_view(&s);
	test_body_limit(&s);
	test_concurrency_limit(&s);
	test_metrics_recorded(&s);
	test_drain(&s);
	test_drain_timeout();
	libevent_global_shutdown();
	return done_testing();
}
