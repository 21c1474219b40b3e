/* Route table: matching, captures, 404 vs 405 with Allow, pattern checks.
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <string.h>

#include "router.h"
#include "../tap.h"

static int tag_a, tag_b, tag_c, tag_d;

static void h_a(struct http_exchange *x, void *arg)
{
	(void)x;
	(void)arg;
}

static void h_b(struct http_exchange *x, void *arg)
{
	(void)x;
	(void)arg;
}

/* A captured parameter as a string (or NULL). */
static const char *param(const struct route_match *m, const char *name, char *out, size_t n)
{
	for (size_t i = 0; i < m->n_params; i++) {
		if (m->params[i].name_len == strlen(name) &&
		    memcmp(m->params[i].name, name, m->params[i].name_len) == 0) {
			size_t len = m->params[i].value_len < n - 1 ? m->params[i].value_len : n - 1;

			memcpy(out, m->params[i].value, len);
			out[len] = '\0';
			return out;
		}
	}
	return NULL;
}

static void test_matching(void)
{
	struct router r = ROUTER_INIT;
	struct route_match m;
	char v[128];

	is_int(router_add(&r, ROUTE_POST, "/indexer/api/v1/index_report", h_a, &tag_a, 0), CLARO_OK,
	       "add POST");
	is_int(router_add(&r, ROUTE_DELETE, "/indexer/api/v1/index_report", h_a, &tag_b, 0), CLARO_OK,
	       "same path, another method");
	is_int(
	    router_add(&r, ROUTE_GET | ROUTE_DELETE, "/indexer/api/v1/index_report/{digest}", h_b, &tag_c, 0),
	    CLARO_OK, "add a capture route");
	is_int(router_add(&r, ROUTE_POST, "/indexer/api/v1/internal/affected_manifest/", h_a, &tag_d,
			  ROUTE_INLINE),
	       CLARO_OK, "add a route with a trailing slash");

	is_int(router_match(&r, ROUTE_POST, "/indexer/api/v1/index_report", &m), ROUTER_FOUND,
	       "POST matches");
	ok(m.route && m.route->arg == &tag_a, "the POST route is chosen");
	is_int(router_match(&r, ROUTE_DELETE, "/indexer/api/v1/index_report", &m), ROUTER_FOUND,
	       "DELETE matches");
	ok(m.route && m.route->arg == &tag_b, "the DELETE route is chosen");
	is_int((int)m.allowed, (int)(ROUTE_POST | ROUTE_DELETE), "allowed lists both methods of the path");

	is_int(router_match(&r, ROUTE_GET, "/indexer/api/v1/index_report/sha256:abc", &m), ROUTER_FOUND,
	       "capture route matches");
	is_int((int)m.n_params, 1, "one parameter captured");
	is_str(param(&m, "digest", v, sizeof(v)), "sha256:abc", "the digest segment is captured");
	ok(m.route && m.route->handler == h_b && m.route->arg == &tag_c,
	   "handler and arg come with the match");

	is_int(router_match(&r, ROUTE_GET, "/indexer/api/v1/index_report/", &m), ROUTER_NOT_FOUND,
	       "an empty segment is no capture");
	is_int(router_match(&r, ROUTE_GET, "/indexer/api/v1/index_report/a/b", &m), ROUTER_NOT_FOUND,
	       "a capture takes one segment only");
	is_int(router_match(&r, ROUTE_GET, "/indexer/api/v1/index_repor", &m), ROUTER_NOT_FOUND,
	       "a prefix of a segment does not match");
	is_int(router_match(&r, ROUTE_GET, "/nope", &m), ROUTER_NOT_FOUND, "unknown path");
	ok(m.route == NULL && m.allowed == 0, "nothing allowed for an unknown path");
	is_int(router_match(&r, ROUTE_GET, "", &m), ROUTER_NOT_FOUND, "empty path");
	is_int(router_match(&r, ROUTE_GET, "indexer/api/v1/index_report", &m), ROUTER_NOT_FOUND,
	       "relative path");

	is_int(router_match(&r, ROUTE_PUT, "/indexer/api/v1/index_report", &m), ROUTER_METHOD_NOT_ALLOWED,
	       "known path, wrong method");
	is_int((int)m.allowed, (int)(ROUTE_POST | ROUTE_DELETE), "405 reports the methods the path takes");
	ok(m.route == NULL, "no route on 405");

	is_int(router_match(&r, ROUTE_POST, "/indexer/api/v1/internal/affected_manifest/", &m), ROUTER_FOUND,
	       "trailing slash route matches with the slash");
	ok(m.route && (m.route->flags & ROUTE_INLINE), "route flags are kept");
	is_int(router_match(&r, ROUTE_POST, "/indexer/api/v1/internal/affected_manifest", &m),
	       ROUTER_NOT_FOUND, "and not without it");
	router_free(&r);
	is_int((int)r.n_routes, 0, "router_free empties the table");
}

static void test_first_wins_and_conflicts(void)
{
	struct router r = ROUTER_INIT;
	struct route_match m;
	char v[16];

	is_int(router_add(&r, ROUTE_GET, "/a/{x}", h_a, &tag_a, 0), CLARO_OK, "capture first");
	is_int(router_add(&r, ROUTE_GET, "/a/fixed", h_b, &tag_b, 0), CLARO_OK, "literal second");
	is_int(router_match(&r, ROUTE_GET, "/a/fixed", &m), ROUTER_FOUND, "both match /a/fixed");
	ok(m.route && m.route->arg == &tag_a, "the route added first wins");
	is_str(param(&m, "x", v, sizeof(v)), "fixed", "and its capture is reported");
	is_int(router_add(&r, ROUTE_GET | ROUTE_POST, "/a/{x}", h_a, NULL, 0), CLARO_ERR_CONFLICT,
	       "same pattern with an overlapping method is a conflict");
	is_int(router_add(&r, ROUTE_POST, "/a/{x}", h_a, NULL, 0), CLARO_OK, "a disjoint method is fine");
	router_free(&r);
}

static void test_bad_patterns(void)
{
	struct router r = ROUTER_INIT;

	is_int(router_add(&r, ROUTE_GET, "relative", h_a, NULL, 0), CLARO_ERR_INVALID, "relative pattern");
	is_int(router_add(&r, ROUTE_GET, "/a/{}", h_a, NULL, 0), CLARO_ERR_INVALID, "empty capture name");
	is_int(router_add(&r, ROUTE_GET, "/a/{x", h_a, NULL, 0), CLARO_ERR_INVALID, "unterminated capture");
	is_int(router_add(&r, ROUTE_GET, "/a/x}y", h_a, NULL, 0), CLARO_ERR_INVALID, "stray brace");
	is_int(router_add(&r, ROUTE_GET, "/{a}/{b}/{c}/{d}/{e}", h_a, NULL, 0), CLARO_ERR_INVALID,
	       "more captures than ROUTER_MAX_PARAMS");
	is_int(router_add(&r, ROUTE_GET, "/{a}/{b}/{c}/{d}", h_a, NULL, 0), CLARO_OK,
	       "ROUTER_MAX_PARAMS captures");
	is_int(router_add(&r, 0, "/x", h_a, NULL, 0), CLARO_ERR_INVALID, "no method");
	is_int(router_add(&r, ROUTE_OTHER, "/x", h_a, NULL, 0), CLARO_ERR_INVALID, "OTHER is not routable");
	is_int(router_add(&r, ROUTE_GET, "/x", NULL, NULL, 0), CLARO_ERR_INVALID, "no handler");
	is_int((int)r.n_routes, 1, "only the valid route was added");
	router_free(&r);
}

static void test_methods(void)
{
	char allow[64], small[8];

	is_int((int)router_method_bit("GET"), (int)ROUTE_GET, "GET");
	is_int((int)router_method_bit("DELETE"), (int)ROUTE_DELETE, "DELETE");
	is_int((int)router_method_bit("get"), (int)ROUTE_OTHER, "methods are case-sensitive");
	is_int((int)router_method_bit("BREW"), (int)ROUTE_OTHER, "unknown method");
	is_str(router_method_name(ROUTE_PATCH), "PATCH", "name of PATCH");
	is_str(router_method_name(ROUTE_GET | ROUTE_POST), "OTHER", "a set of bits has no single name");

	router_allow_header(ROUTE_DELETE | ROUTE_GET | ROUTE_HEAD, allow, sizeof(allow));
	is_str(allow, "GET, HEAD, DELETE", "Allow lists methods in a fixed order");
	router_allow_header(0, allow, sizeof(allow));
	is_str(allow, "", "no methods, empty Allow");
	router_allow_header(ROUTE_GET | ROUTE_POST | ROUTE_DELETE, small, sizeof(small));
	is_str(small, "GET", "a short buffer keeps whole method names only");
	router_allow_header(ROUTE_GET | ROUTE_HEAD | ROUTE_POST | ROUTE_PUT | ROUTE_DELETE | ROUTE_PATCH |
				ROUTE_OPTIONS,
			    allow, sizeof(allow));
	is_str(allow, "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS", "64 bytes hold every method");
}

int main(void)
{
	plan_no_plan();
	test_matching();
	test_first_wins_and_conflicts();
	test_bad_patterns();
	test_methods();
	return done_testing();
}
