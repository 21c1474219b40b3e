/* A tiny HTTP server for tests: libevent's evhttp on 127.0.0.1, a random
 * port, its own thread. Routes are set by the test; a few paths are built in:
 *   /slow              answers 200 "slow" after 2 seconds (blocking the server)
 *   /big               answers 2 MiB of 'x'
 *   /redirect          302 to /feed
 *   /echo/user-agent   the request's User-Agent as the body
 *   /echo/x-test       the request's X-Test header as the body
 * A route with an ETag answers 304 to a matching If-None-Match.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLARO_TESTS_HTTP_FIXTURE_H
#define CLARO_TESTS_HTTP_FIXTURE_H

struct http_fixture;

struct http_fixture *http_fixture_start(void);
void http_fixture_stop(struct http_fixture *f);
/* "http://127.0.0.1:<port>" */
const char *http_fixture_url(const struct http_fixture *f);
/* Add or replace a route. etag/last_modified may be NULL. */
void http_fixture_route(struct http_fixture *f, const char *path, int status, const char *etag,
			const char *last_modified, const char *body);
/* Requests served for path so far (any status). */
int http_fixture_hits(struct http_fixture *f, const char *path);

#endif /* CLARO_TESTS_HTTP_FIXTURE_H */
