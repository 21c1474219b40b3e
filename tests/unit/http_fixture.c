/* A tiny HTTP server for tests (see http_fixture.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>

#include "http_fixture.h"
#include "strutil.h"

#define MAX_ROUTES 32

struct route {
	char *path;
	int status;
	char *etag;
	char *last_modified;
	char *body;
	int hits;
};

struct http_fixture {
	struct event_base *base;
	struct evhttp *http;
	pthread_t thread;
	pthread_mutex_t lock;
	char url[64];
	struct route routes[MAX_ROUTES];
	size_t n_routes;
};

static void reply(struct evhttp_request *req, int status, const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	if (!b) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	evbuffer_add(b, body, len);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain");
	evhttp_send_reply(req, status, status == 200 ? "OK" : status == 304 ? "Not Modified" : "Status", b);
	evbuffer_free(b);
}

static void echo_header(struct evhttp_request *req, const char *name)
{
	const char *v = evhttp_find_header(evhttp_request_get_input_headers(req), name);

	reply(req, 200, v ? v : "", v ? strlen(v) : 0);
}

static void handle(struct evhttp_request *req, void *arg)
{
	struct http_fixture *f = arg;
	const char *uri = evhttp_request_get_uri(req);
	const char *inm = evhttp_find_header(evhttp_request_get_input_headers(req), "If-None-Match");

	if (strcmp(uri, "/slow") == 0) {
		/* Blocking the loop is the point: the client must give up first. */
		sleep(2);
		reply(req, 200, "slow", 4);
		return;
	}
	if (strcmp(uri, "/big") == 0) {
		size_t n = 2u << 20;
		char *big = malloc(n);
		if (!big) {
			evhttp_send_error(req, 500, "out of memory");
			return;
		}
		memset(big, 'x', n);
		reply(req, 200, big, n);
		free(big);
		return;
	}
	if (strcmp(uri, "/redirect") == 0) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Location", "/feed");
		reply(req, 302, "", 0);
		return;
	}
	if (strcmp(uri, "/echo/user-agent") == 0) {
		echo_header(req, "User-Agent");
		return;
	}
	if (strcmp(uri, "/echo/x-test") == 0) {
		echo_header(req, "X-Test");
		return;
	}
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n_routes; i++) {
		struct route *r = &f->routes[i];
		struct evkeyvalq *out = evhttp_request_get_output_headers(req);

		if (strcmp(r->path, uri) != 0)
			continue;
		r->hits++;
		if (r->etag)
			evhttp_add_header(out, "ETag", r->etag);
		if (r->last_modified)
			evhttp_add_header(out, "Last-Modified", r->last_modified);
		if (r->etag && inm && strcmp(inm, r->etag) == 0)
			reply(req, 304, "", 0);
		else
			reply(req, r->status, r->body, strlen(r->body));
		pthread_mutex_unlock(&f->lock);
		return;
	}
	pthread_mutex_unlock(&f->lock);
	evhttp_send_error(req, 404, "Not Found");
}

static void *run(void *arg)
{
	struct http_fixture *f = arg;

	event_base_dispatch(f->base);
	return NULL;
}

struct http_fixture *http_fixture_start(void)
{
	struct http_fixture *f = calloc(1, sizeof(*f));
	struct evhttp_bound_socket *sock;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (!f || evthread_use_pthreads() != 0)
		goto fail;
	pthread_mutex_init(&f->lock, NULL);
	f->base = event_base_new();
	f->http = f->base ? evhttp_new(f->base) : NULL;
	if (!f->http)
		goto fail;
	evhttp_set_gencb(f->http, handle, f);
	sock = evhttp_bind_socket_with_handle(f->http, "127.0.0.1", 0);
	if (!sock || getsockname(evhttp_bound_socket_get_fd(sock), (struct sockaddr *)&sin, &len) != 0)
		goto fail;
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%u", (unsigned)ntohs(sin.sin_port));
	if (pthread_create(&f->thread, NULL, run, f) != 0)
		goto fail;
	return f;
fail:
	if (f) {
		if (f->http)
			evhttp_free(f->http);
		if (f->base)
			event_base_free(f->base);
		free(f);
	}
	return NULL;
}

void http_fixture_stop(struct http_fixture *f)
{
	if (!f)
		return;
	event_base_loopbreak(f->base);
	pthread_join(f->thread, NULL);
	evhttp_free(f->http);
	event_base_free(f->base);
	for (size_t i = 0; i < f->n_routes; i++) {
		free(f->routes[i].path);
		free(f->routes[i].etag);
		free(f->routes[i].last_modified);
		free(f->routes[i].body);
	}
	pthread_mutex_destroy(&f->lock);
	free(f);
}

const char *http_fixture_url(const struct http_fixture *f)
{
	return f->url;
}

void http_fixture_route(struct http_fixture *f, const char *path, int status, const char *etag,
			const char *last_modified, const char *body)
{
	struct route *r = NULL;

	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n_routes && !r; i++)
		if (strcmp(f->routes[i].path, path) == 0)
			r = &f->routes[i];
	if (!r && f->n_routes < MAX_ROUTES) {
		r = &f->routes[f->n_routes++];
		r->path = str_dup(path);
	}
	if (r) {
		free(r->etag);
		free(r->last_modified);
		free(r->body);
		r->status = status;
		r->etag = str_dup(etag);
		r->last_modified = str_dup(last_modified);
		r->body = str_dup(body ? body : "");
	}
	pthread_mutex_unlock(&f->lock);
}

int http_fixture_hits(struct http_fixture *f, const char *path)
{
	int n = 0;

	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n_routes; i++)
		if (strcmp(f->routes[i].path, path) == 0)
			n = f->routes[i].hits;
	pthread_mutex_unlock(&f->lock);
	return n;
}
