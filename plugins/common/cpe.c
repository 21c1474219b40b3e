/* CPE unbinding and binding; see cpe.h for the rules.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "cpe.h"

#include <stdlib.h>
#include <string.h>

#define URI_PREFIX "cpe:/"
#define FS_PREFIX  "cpe:2.3:"
#define URI_NATTR  7 /* part .. language */

/* Characters a WFN value must escape: all but [A-Za-z0-9_]. */
static int reserved(unsigned char c)
{
	return !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_');
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* claircore's validate() (NIST IR 7695 §5.3.2). NULL when valid. */
static const char *validate(const char *s)
{
	size_t n = strlen(s);
	int esc = 0, q_run = 0, at_start = 1;

	if (strcmp(s, "*") == 0)
		return "a single asterisk cannot be a value";
	if (strcmp(s, "\\-") == 0)
		return "a quoted hyphen cannot be a value";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x7f || c < 0x20)
			return c < 0x20 && is_space(c) ? "a value contains a blank"
						       : "a value contains a non-ASCII or control character";
		if (is_space(c))
			return "a value contains a blank";
		if (c == '\\') {
			esc = 1; /* as claircore: an escaped backslash leaves the state escaped */
			continue;
		}
		if (c == '*' && !esc) {
			if (i != 0 && i != n - 1)
				return "'*' may only start or end a value";
		} else if (c == '?' && !esc) {
			q_run = 1;
		} else if (c != '*' && c != '?' && reserved(c) && !esc) {
			return "a value has an unescaped special character";
		}
		if (c != '?') {
			if (q_run && !at_start)
				return "'?' may only start or end a value";
			q_run = 0;
			at_start = 0;
		}
		esc = 0;
	}
	return NULL;
}

static int pct_decode(char a, char b, char *out)
{
	static const char *const codes =
	    "21!22\"23#24$25%26&27'28(29)2a*2b+2c,2f/3a:3b;3c<3d=3e>3f?40@5b[5c\\5d]5e^"
	    "60`7b{7c|7d}7e~";

	for (const char *p = codes; *p; p += 3) {
		if (p[0] == a && p[1] == b) {
			*out = p[2];
			return 1;
		}
	}
	return 0;
}

/* One URI component [s, e) into v (claircore's unbindURI). */
static enum claro_status unbind_uri_value(const char *s, const char *e, struct cpe_value *v, const char **why)
{
	size_t n = (size_t)(e - s);
	char *out, *w;

	free(v->v);
	v->v = NULL;
	if (n == 0) {
		v->kind = CPE_ANY;
		return CLARO_OK;
	}
	if (n == 1 && *s == '-') {
		v->kind = CPE_NA;
		return CLARO_OK;
	}
	if (n > ((size_t)-1) / 2 - 1 || !(out = malloc(2 * n + 1)))
		return CLARO_ERR_NOMEM;
	w = out;
	for (const char *p = s; p < e; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		char d;

		if (c == '*' || c == '?') {
			free(out);
			*why = "a URI may carry '*' and '?' only as %02 and %01";
			return CLARO_ERR_INVALID;
		}
		if (c == '.' || c == '-' || c == '~') {
			*w++ = '\\';
			*w++ = c;
		} else if (c == '%' && e - p >= 3) {
			char a = p[1], b = p[2] >= 'A' && p[2] <= 'Z' ? (char)(p[2] - 'A' + 'a') : p[2];

			if (a == '0' && (b == '1' || b == '2')) {
				*w++ = b == '1' ? '?' : '*';
				p += 2;
			} else if (pct_decode(a, b, &d)) {
				*w++ = '\\';
				*w++ = d;
				p += 2;
			} else {
				*w++ = c; /* left as is: validation refuses it */
			}
		} else {
			*w++ = c;
		}
	}
	*w = '\0';
	v->kind = CPE_SET;
	v->v = out;
	return CLARO_OK;
}

static enum claro_status unbind_uri(const char *s, struct cpe *out, const char **why)
{
	static const enum cpe_attr packed[] = {CPE_EDITION, CPE_SW_EDITION, CPE_TARGET_SW, CPE_TARGET_HW,
					       CPE_OTHER};
	const char *p = s + strlen(URI_PREFIX);
	enum claro_status st;
	size_t i = 0;

	for (int a = 0; a < URI_NATTR; a++)
		out->attr[a].kind = CPE_ANY;
	for (;; i++) {
		const char *e = strchr(p, ':');

		if (!e)
			e = p + strlen(p);
		if (i >= URI_NATTR) {
			*why = "a CPE URI has at most 7 components";
			return CLARO_ERR_INVALID;
		}
		if (i == CPE_EDITION && *p == '~') {
			const char *q = p + 1;

			/* Go's strings.SplitN(c, "~", 6)[1:]: at most 5 pieces, the
			 * last one keeping any further '~' */
			for (size_t k = 0; k < 5; k++) {
				const char *t = k < 4 ? memchr(q, '~', (size_t)(e - q)) : NULL;

				if (!t)
					t = e;
				if ((st = unbind_uri_value(q, t, &out->attr[packed[k]], why)) != CLARO_OK)
					return st;
				if (t == e)
					break;
				q = t + 1;
			}
		} else if ((st = unbind_uri_value(p, e, &out->attr[i], why)) != CLARO_OK) {
			return st;
		}
		if (*e == '\0')
			break;
		p = e + 1;
	}
	return CLARO_OK;
}

/* claircore's unbindFSValue: keep escapes, escape bare reserved characters
 * other than the wildcards. */
static enum claro_status unbind_fs_value(const char *s, const char *e, struct cpe_value *v)
{
	size_t n = (size_t)(e - s);
	char *out, *w;
	int esc = 0;

	if (n == 0) {
		v->kind = CPE_UNSET;
		return CLARO_OK;
	}
	if (n == 1 && (*s == '-' || *s == '*')) {
		v->kind = *s == '-' ? CPE_NA : CPE_ANY;
		return CLARO_OK;
	}
	if (n > ((size_t)-1) / 2 - 1 || !(out = malloc(2 * n + 1)))
		return CLARO_ERR_NOMEM;
	w = out;
	for (const char *p = s; p < e; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\\') {
			esc = 1;
			*w++ = '\\';
			continue;
		}
		if (!(c == '*' || c == '?' || esc || !reserved(c)))
			*w++ = '\\';
		*w++ = (char)c;
		esc = 0;
	}
	*w = '\0';
	v->kind = CPE_SET;
	v->v = out;
	return CLARO_OK;
}

static enum claro_status unbind_fs(const char *s, struct cpe *out, const char **why)
{
	const char *p = s + strlen(FS_PREFIX);
	size_t i = 0;
	int esc = 0;
	enum claro_status st;

	for (const char *q = p;; q++) {
		if (*q == '\\') {
			esc = 1;
			continue;
		}
		if ((*q == ':' && !esc) || *q == '\0') {
			if (i >= CPE_NATTR) {
				*why = "a CPE formatted string has at most 11 attributes";
				return CLARO_ERR_INVALID;
			}
			if ((st = unbind_fs_value(p, q, &out->attr[i])) != CLARO_OK)
				return st;
			i++;
			if (*q == '\0')
				break;
			p = q + 1;
		}
		esc = 0;
	}
	return CLARO_OK;
}

enum claro_status cpe_unbind(const char *s, struct cpe *out, const char **why)
{
	enum claro_status st;
	const char *reason = NULL;
	size_t unset = 0;

	memset(out, 0, sizeof(*out));
	if (!s) {
		*why = "there is no CPE";
		return CLARO_ERR_INVALID;
	}
	if (strncmp(s, URI_PREFIX, strlen(URI_PREFIX)) == 0)
		st = unbind_uri(s, out, &reason);
	else if (strncmp(s, FS_PREFIX, strlen(FS_PREFIX)) == 0)
		st = unbind_fs(s, out, &reason);
	else {
		st = CLARO_ERR_INVALID;
		reason = "the string does not start with \"cpe:/\" or \"cpe:2.3:\"";
	}
	for (int a = 0; st == CLARO_OK && a < CPE_NATTR; a++) {
		if (out->attr[a].kind == CPE_UNSET)
			unset++;
		else if (out->attr[a].kind == CPE_SET && (reason = validate(out->attr[a].v)) != NULL)
			st = CLARO_ERR_INVALID;
	}
	if (st == CLARO_OK && unset == CPE_NATTR) {
		st = CLARO_ERR_INVALID;
		reason = "the CPE is empty";
	}
	if (st == CLARO_OK && out->attr[CPE_PART].kind == CPE_SET) {
		const char *part = out->attr[CPE_PART].v;

		if (strcmp(part, "a") != 0 && strcmp(part, "o") != 0 && strcmp(part, "h") != 0) {
			st = CLARO_ERR_INVALID;
			reason = "the part is not \"a\", \"o\" or \"h\"";
		}
	}
	if (st != CLARO_OK) {
		cpe_free(out);
		if (why)
			*why = reason ? reason : "out of memory";
	}
	return st;
}

char *cpe_bind_fs(const struct cpe *c)
{
	size_t n = strlen("cpe:2.3") + 1;
	char *out, *w;

	for (int a = 0; a < CPE_NATTR; a++)
		n += 2 + (c->attr[a].kind == CPE_SET ? strlen(c->attr[a].v) : 0);
	if (!(out = malloc(n)))
		return NULL;
	memcpy(out, "cpe:2.3", strlen("cpe:2.3"));
	w = out + strlen("cpe:2.3");
	for (int a = 0; a < CPE_NATTR; a++) {
		const struct cpe_value *v = &c->attr[a];
		int esc = 0;

		*w++ = ':';
		if (v->kind != CPE_SET) {
			*w++ = v->kind == CPE_NA ? '-' : '*';
			continue;
		}
		for (const char *p = v->v; *p; p++) {
			if (!esc && *p == '\\') {
				esc = 1;
				continue;
			}
			if (esc && *p != '.' && *p != '-' && *p != '_')
				*w++ = '\\';
			esc = 0;
			*w++ = *p;
		}
	}
	*w = '\0';
	return out;
}

char *cpe_value_text(const struct cpe *c, enum cpe_attr a)
{
	const char *p;
	char *out, *w;

	if (a < 0 || a >= CPE_NATTR || c->attr[a].kind != CPE_SET)
		return NULL;
	p = c->attr[a].v;
	if (!(out = malloc(strlen(p) + 1)))
		return NULL;
	for (w = out; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		*w++ = *p;
	}
	*w = '\0';
	return out;
}

void cpe_free(struct cpe *c)
{
	for (int a = 0; a < CPE_NATTR; a++)
		free(c->attr[a].v);
	memset(c, 0, sizeof(*c));
}

enum claro_status cpe_to_fs(const char *s, char **out, const char **why)
{
	struct cpe c;
	enum claro_status st = cpe_unbind(s, &c, why);

	*out = NULL;
	if (st != CLARO_OK)
		return st;
	*out = cpe_bind_fs(&c);
	cpe_free(&c);
	if (!*out) {
		*why = "out of memory";
		return CLARO_ERR_NOMEM;
	}
	return CLARO_OK;
}
