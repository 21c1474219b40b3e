/* Clair's fixed_in_version query strings; see rangequery.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "rangequery.h"

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Go's url.QueryUnescape of s[0..n) into out (room for n + 1 bytes).
 * Returns the decoded length, or -1 on a bad escape. */
static long unescape(const char *s, size_t n, char *out)
{
	size_t i = 0, j = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n || (hi = hex_value((unsigned char)s[i + 1])) < 0 ||
			    (lo = hex_value((unsigned char)s[i + 2])) < 0)
				return -1;
			out[j++] = (char)(hi << 4 | lo);
			i += 3;
		} else {
			out[j++] = c == '+' ? ' ' : (char)c;
			i++;
		}
	}
	out[j] = '\0';
	return (long)j;
}

static int key_is(const char *key, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(key, want, len) == 0;
}

int rangequery_parse(const char *q, size_t n, char *buf, size_t cap, struct rangequery *out, const char **why)
{
	const char *end = q + n, *part = q;
	const char *err = NULL;
	size_t used = 0;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (cap < RANGEQUERY_BUF_SIZE(n)) {
		*why = "buffer too small";
		return -1;
	}
	while (part < end) {
		const char *start = part, *amp = memchr(part, '&', (size_t)(end - part));
		const char *part_end = amp ? amp : end;
		size_t part_len = (size_t)(part_end - start);
		const char *eq = memchr(start, '=', part_len);
		size_t key_len = eq ? (size_t)(eq - start) : part_len;
		const char *value = eq ? eq + 1 : part_end;
		size_t value_len = (size_t)(part_end - value);
		struct rangequery_value *slot = NULL;
		char *v = buf + used, *k;
		long klen, vlen;

		part = amp ? amp + 1 : end;
		if (memchr(start, ';', part_len) != NULL) {
			if (!err)
				err = "invalid semicolon separator in query";
			continue;
		}
		if (part_len == 0)
			continue;
		/* The value goes to the free part of buf and the key right after
		 * it; the value stays there only for the first occurrence of one
		 * of the three keys. Both decode to at most their encoded length,
		 * and at most three values are kept: used + part_len + 2 never
		 * passes n + 5. */
		if ((vlen = unescape(value, value_len, v)) < 0 ||
		    (klen = unescape(start, key_len, k = v + vlen + 1)) < 0) {
			if (!err)
				err = "invalid URL escape";
			continue;
		}
		if (key_is(k, (size_t)klen, "introduced"))
			slot = &out->introduced;
		else if (key_is(k, (size_t)klen, "fixed"))
			slot = &out->fixed;
		else if (key_is(k, (size_t)klen, "lastAffected"))
			slot = &out->last_affected;
		if (slot != NULL && slot->ptr == NULL) {
			slot->ptr = v;
			slot->len = (size_t)vlen;
			used += (size_t)vlen + 1;
		}
	}
	if (err) {
		memset(out, 0, sizeof(*out));
		*why = err;
		return -1;
	}
	return 0;
}
