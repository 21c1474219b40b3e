/* Package URL parsing; see purl.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "purl.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* [s, e) percent-decoded into a new string; plus: '+' is a space. NULL
 * with *bad set on a bad escape, NULL alone when out of memory. */
static char *unescape(const char *s, const char *e, int plus, int *bad)
{
	char *out = malloc((size_t)(e - s) + 1), *o = out;

	*bad = 0;
	if (!out)
		return NULL;
	while (s < e) {
		if (*s == '%') {
			int hi = -1, lo = -1;

			if (e - s >= 3) {
				hi = hexval(s[1]);
				lo = hexval(s[2]);
			}
			if (hi < 0 || lo < 0) {
				free(out);
				*bad = 1;
				return NULL;
			}
			*o++ = (char)(hi * 16 + lo);
			s += 3;
		} else if (plus && *s == '+') {
			*o++ = ' ';
			s++;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

static char *dup_range(const char *s, const char *e)
{
	char *out = malloc((size_t)(e - s) + 1);

	if (out) {
		memcpy(out, s, (size_t)(e - s));
		out[e - s] = '\0';
	}
	return out;
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static const char *last_of(const char *s, const char *e, char c)
{
	for (const char *p = e; p > s; p--)
		if (p[-1] == c)
			return p - 1;
	return NULL;
}

static int valid_key(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++) {
		char c = *k;

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

void purl_free(struct purl *p)
{
	if (!p)
		return;
	free(p->type);
	free(p->namespace_);
	free(p->name);
	free(p->version);
	free(p->subpath);
	for (size_t i = 0; i < p->nq; i++) {
		free(p->q[i].key);
		free(p->q[i].value);
	}
	free(p->q);
	memset(p, 0, sizeof(*p));
}

const char *purl_qualifier(const struct purl *p, const char *key)
{
	for (size_t i = 0; i < p->nq; i++)
		if (strcmp(p->q[i].key, key) == 0)
			return p->q[i].value;
	return NULL;
}

#define FAIL(reason)                    \
	do {                            \
		*why = (reason);        \
		st = CLARO_ERR_INVALID; \
		goto fail;              \
	} while (0)
#define NOMEM()                       \
	do {                          \
		st = CLARO_ERR_NOMEM; \
		goto fail;            \
	} while (0)

static enum claro_status parse_qualifiers(const char *s, const char *e, struct purl *out, const char **why)
{
	enum claro_status st = CLARO_OK;
	char *key = NULL, *value = NULL;
	int bad;

	while (s < e) {
		const char *amp = memchr(s, '&', (size_t)(e - s)), *end = amp ? amp : e, *eq;

		if (memchr(s, ';', (size_t)(end - s)))
			FAIL("a qualifier holds a ';'");
		if (end == s) {
			s = end + 1;
			continue;
		}
		eq = memchr(s, '=', (size_t)(end - s));
		if (!(key = unescape(s, eq ? eq : end, 1, &bad))) {
			if (bad)
				FAIL("a qualifier key has a bad percent escape");
			NOMEM();
		}
		if (!(value = unescape(eq ? eq + 1 : end, end, 1, &bad))) {
			if (bad)
				FAIL("a qualifier value has a bad percent escape");
			NOMEM();
		}
		lower_ascii(key);
		if (!valid_key(key))
			FAIL("a qualifier key is empty or holds characters outside [a-z0-9._-]");
		if (*value) {
			struct purl_qualifier *nq = realloc(out->q, (out->nq + 1) * sizeof(*nq));

			if (!nq)
				NOMEM();
			out->q = nq;
			out->q[out->nq].key = key;
			out->q[out->nq].value = value;
			out->nq++;
		} else {
			free(key);
			free(value);
		}
		key = value = NULL;
		s = end + (amp ? 1 : 0);
	}
	return CLARO_OK;
fail:
	free(key);
	free(value);
	return st;
}

enum claro_status purl_parse(const char *s, struct purl *out, const char **why)
{
	const char *e, *hash, *query, *p, *slash, *at, *name_start;
	enum claro_status st = CLARO_OK;
	int bad;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			FAIL("it holds a control character");
	if (!((s[0] | 0x20) == 'p' && (s[1] | 0x20) == 'k' && (s[2] | 0x20) == 'g' && s[3] == ':'))
		FAIL("its scheme is not \"pkg\"");
	e = s + strlen(s);
	hash = memchr(s, '#', (size_t)(e - s));
	if (hash) {
		const char *fs = hash + 1, *fe = e;

		while (fs < fe && *fs == '/')
			fs++;
		while (fe > fs && fe[-1] == '/')
			fe--;
		if (!(out->subpath = unescape(fs, fe, 0, &bad))) {
			if (bad)
				FAIL("the subpath has a bad percent escape");
			NOMEM();
		}
		e = hash;
	} else if (!(out->subpath = dup_range(e, e))) {
		NOMEM();
	}
	query = memchr(s, '?', (size_t)(e - s));
	if (query) {
		if ((st = parse_qualifiers(query + 1, e, out, why)) != CLARO_OK)
			goto fail;
		e = query;
	}
	p = s + 4;
	while (p < e && *p == '/')
		p++;
	slash = memchr(p, '/', (size_t)(e - p));
	if (!slash || slash == p)
		FAIL("it has no type or no name");
	if (!(out->type = dup_range(p, slash)))
		NOMEM();
	lower_ascii(out->type);
	p = slash + 1;
	/* namespace up to the last '/', then name@version */
	name_start = last_of(p, e, '/');
	if (name_start) {
		if (!(out->namespace_ = unescape(p, name_start, 0, &bad))) {
			if (bad)
				FAIL("the namespace has a bad percent escape");
			NOMEM();
		}
		name_start++;
	} else {
		if (!(out->namespace_ = dup_range(p, p)))
			NOMEM();
		name_start = p;
	}
	at = last_of(name_start, e, '@');
	if (at) {
		if (!(out->version = unescape(at + 1, e, 0, &bad))) {
			if (bad)
				FAIL("the version has a bad percent escape");
			NOMEM();
		}
		e = at;
	} else if (!(out->version = dup_range(e, e))) {
		NOMEM();
	}
	if (!(out->name = unescape(name_start, e, 0, &bad))) {
		if (bad)
			FAIL("the name has a bad percent escape");
		NOMEM();
	}
	if (!*out->name)
		FAIL("it has no name");
	if (strcmp(out->type, "rpm") == 0)
		lower_ascii(out->namespace_);
	return CLARO_OK;
fail:
	purl_free(out);
	return st;
}
