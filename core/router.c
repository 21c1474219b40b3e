/* The route table (see router.h). SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "router.h"
#include "strutil.h"

static const struct {
	unsigned bit;
	const char *name;
} method_table[] = {
    {ROUTE_GET, "GET"},       {ROUTE_HEAD, "HEAD"},   {ROUTE_POST, "POST"},       {ROUTE_PUT, "PUT"},
    {ROUTE_DELETE, "DELETE"}, {ROUTE_PATCH, "PATCH"}, {ROUTE_OPTIONS, "OPTIONS"},
};

#define N_METHODS (sizeof(method_table) / sizeof(method_table[0]))

unsigned router_method_bit(const char *name)
{
	for (size_t i = 0; name && i < N_METHODS; i++)
		if (strcmp(name, method_table[i].name) == 0)
			return method_table[i].bit;
	return ROUTE_OTHER;
}

const char *router_method_name(unsigned bit)
{
	for (size_t i = 0; i < N_METHODS; i++)
		if (method_table[i].bit == bit)
			return method_table[i].name;
	return "OTHER";
}

void router_allow_header(unsigned methods, char *out, size_t n)
{
	size_t used = 0;

	if (n == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < N_METHODS; i++) {
		const char *name = method_table[i].name;
		size_t need = strlen(name) + (used ? 2 : 0);

		if (!(methods & method_table[i].bit))
			continue;
		if (used + need + 1 > n)
			break;
		if (used) {
			memcpy(out + used, ", ", 2);
			used += 2;
		}
		memcpy(out + used, name, strlen(name) + 1);
		used += strlen(name);
	}
}

/* One segment of s starting at *p (just past a '/'): its start and length;
 * *p moves to the next '/' or the end. */
static void next_segment(const char **p, const char **seg, size_t *len)
{
	const char *end = strchr(*p, '/');

	if (!end)
		end = *p + strlen(*p);
	*seg = *p;
	*len = (size_t)(end - *p);
	*p = end;
}

static int is_capture(const char *seg, size_t len)
{
	return len >= 2 && seg[0] == '{' && seg[len - 1] == '}';
}

static enum claro_status check_pattern(const char *pattern)
{
	const char *p = pattern;
	size_t captures = 0;

	if (pattern[0] != '/')
		return CLARO_ERR_INVALID;
	while (*p == '/') {
		const char *seg;
		size_t len;

		p++;
		next_segment(&p, &seg, &len);
		if (memchr(seg, '{', len) || memchr(seg, '}', len)) {
			if (!is_capture(seg, len) || len == 2)
				return CLARO_ERR_INVALID;
			if (++captures > ROUTER_MAX_PARAMS)
				return CLARO_ERR_INVALID;
		}
	}
	return CLARO_OK;
}

enum claro_status router_add(struct router *r, unsigned methods, const char *pattern, http_handler_fn handler,
			     void *arg, unsigned flags)
{
	struct route *slot;

	if (!pattern || !handler || methods == 0 || (methods & ROUTE_OTHER))
		return CLARO_ERR_INVALID;
	if (check_pattern(pattern) != CLARO_OK)
		return CLARO_ERR_INVALID;
	for (size_t i = 0; i < r->n_routes; i++)
		if (strcmp(r->routes[i].pattern, pattern) == 0 && (r->routes[i].methods & methods))
			return CLARO_ERR_CONFLICT;
	if (r->n_routes == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct route *grown = realloc(r->routes, cap * sizeof(*grown));

		if (!grown)
			return CLARO_ERR_NOMEM;
		r->routes = grown;
		r->cap = cap;
	}
	slot = &r->routes[r->n_routes];
	slot->pattern = str_dup(pattern);
	if (!slot->pattern)
		return CLARO_ERR_NOMEM;
	slot->methods = methods;
	slot->handler = handler;
	slot->arg = arg;
	slot->flags = flags;
	r->n_routes++;
	return CLARO_OK;
}

/* Does path match pattern? Fills m->params on success. */
static int pattern_matches(const char *pattern, const char *path, struct route_match *m)
{
	const char *pp = pattern, *sp = path;

	m->n_params = 0;
	while (*pp == '/' && *sp == '/') {
		const char *pseg, *sseg;
		size_t plen, slen;

		pp++;
		sp++;
		next_segment(&pp, &pseg, &plen);
		next_segment(&sp, &sseg, &slen);
		if (is_capture(pseg, plen)) {
			struct route_param *param;

			if (slen == 0)
				return 0;
			param = &m->params[m->n_params++];
			param->name = pseg + 1;
			param->name_len = plen - 2;
			param->value = sseg;
			param->value_len = slen;
		} else if (plen != slen || memcmp(pseg, sseg, plen) != 0) {
			return 0;
		}
	}
	return *pp == '\0' && *sp == '\0';
}

enum router_result router_match(const struct router *r, unsigned method, const char *path,
				struct route_match *m)
{
	struct route_match probe;

	memset(m, 0, sizeof(*m));
	if (!path || path[0] != '/')
		return ROUTER_NOT_FOUND;
	for (size_t i = 0; i < r->n_routes; i++) {
		const struct route *route = &r->routes[i];

		if (!pattern_matches(route->pattern, path, &probe))
			continue;
		m->allowed |= route->methods;
		if ((route->methods & method) && !m->route) {
			unsigned allowed = m->allowed;

			*m = probe;
			m->route = route;
			m->allowed = allowed;
		}
	}
	if (m->route)
		return ROUTER_FOUND;
	return m->allowed ? ROUTER_METHOD_NOT_ALLOWED : ROUTER_NOT_FOUND;
}

void router_free(struct router *r)
{
	for (size_t i = 0; i < r->n_routes; i++)
		free(r->routes[i].pattern);
	free(r->routes);
	r->routes = NULL;
	r->n_routes = r->cap = 0;
}
