/* URL query strings as Go's net/url reads and writes them: the "repoid=..."
 * in rpm repository hints and in RHEL repository URIs (reference §2).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "rhel.h"

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

/* Go's QueryUnescape of [s, e): '+' is a space, %XX a byte; NULL (and
 * *bad = 1) for a malformed escape, which makes Go skip the pair. */
static char *unescape(const char *s, const char *e, int *bad)
{
	char *out = malloc((size_t)(e - s) + 1), *w = out;

	*bad = 0;
	if (!out)
		return NULL;
	for (const char *p = s; p < e; p++) {
		if (*p == '+') {
			*w++ = ' ';
		} else if (*p == '%') {
			int hi = e - p >= 3 ? hexval(p[1]) : -1, lo = e - p >= 3 ? hexval(p[2]) : -1;

			if (hi < 0 || lo < 0) {
				free(out);
				*bad = 1;
				return NULL;
			}
			*w++ = (char)(hi * 16 + lo);
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return out;
}

char *rhel_query_get(const char *query, const char *key)
{
	const char *p = query;

	while (p && *p) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		const char *kend = eq ? eq : end;
		int bad = 0;
		char *k;

		/* Go (1.17+) refuses pairs with ';' and goes on with the rest */
		if (end > p && !memchr(p, ';', (size_t)(end - p)) && (k = unescape(p, kend, &bad))) {
			int match = strcmp(k, key) == 0;

			free(k);
			if (match) {
				char *v = eq ? unescape(eq + 1, end, &bad) : calloc(1, 1);

				if (v || !bad)
					return v;
			}
		}
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

char *rhel_query_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out, *w;

	if (n > ((size_t)-1) / 3 - 1 || !(out = malloc(3 * n + 1)))
		return NULL;
	w = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			*w++ = (char)*p;
		} else if (*p == ' ') {
			*w++ = '+';
		} else {
			*w++ = '%';
			*w++ = hex[*p >> 4];
			*w++ = hex[*p & 15];
		}
	}
	*w = '\0';
	return out;
}
