/* Fuzz target: the fixed_in_version query strings of Python advisories
 * (plugins/python/rangequery.c, Go's url.ParseQuery rules), on the whole
 * input and on each of its lines, and on the value of every
 * "fixed_in_version": "..." the input holds (the seeds are Clair's matcher
 * fixtures, which carry real ones).
 *
 * Beyond "no crash, no overread", every parse must keep these properties:
 * a result is either an error with a reason or values that lie inside the
 * caller's buffer, NUL-terminated, no longer than the input; and a string
 * that parses keeps parsing after "&junk=1" is appended, with the same
 * values (an unknown key changes nothing).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/python/rangequery.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_QUERY 65536

static void check_value(const struct rangequery_value *v, const char *buf, size_t cap, size_t n)
{
	if (v->ptr == NULL)
		return;
	if (v->ptr < buf || v->ptr >= buf + cap || v->len > n || v->len >= (size_t)(buf + cap - v->ptr) ||
	    v->ptr[v->len] != '\0')
		abort();
}

static int same_value(const struct rangequery_value *a, const struct rangequery_value *b)
{
	if ((a->ptr == NULL) != (b->ptr == NULL))
		return 0;
	return a->ptr == NULL || (a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0);
}

static void parse(const char *q, size_t n)
{
	size_t cap = RANGEQUERY_BUF_SIZE(n + 7), cap2;
	char *buf, *buf2, *longer;
	struct rangequery r, r2;
	const char *why = NULL;

	if (n > MAX_QUERY || (buf = malloc(cap)) == NULL)
		return;
	if (rangequery_parse(q, n, buf, cap, &r, &why) != 0) {
		if (why == NULL || r.introduced.ptr || r.fixed.ptr || r.last_affected.ptr)
			abort();
		free(buf);
		return;
	}
	check_value(&r.introduced, buf, cap, n);
	check_value(&r.fixed, buf, cap, n);
	check_value(&r.last_affected, buf, cap, n);
	cap2 = RANGEQUERY_BUF_SIZE(n + 7);
	if ((longer = malloc(n + 7)) != NULL && (buf2 = malloc(cap2)) != NULL) {
		if (n > 0)
			memcpy(longer, q, n);
		memcpy(longer + n, "&junk=1", 7);
		if (rangequery_parse(longer, n + 7, buf2, cap2, &r2, &why) != 0 ||
		    !same_value(&r.introduced, &r2.introduced) || !same_value(&r.fixed, &r2.fixed) ||
		    !same_value(&r.last_affected, &r2.last_affected))
			abort();
		free(buf2);
	}
	free(longer);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char key[] = "\"fixed_in_version\": \"";
	const char *text = (const char *)data, *end = text + size, *p = text;

	parse(text, size);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		size_t len = (size_t)(line_end - p);

		parse(p, len);
		for (const char *k = p; k + sizeof(key) - 1 <= line_end; k++) {
			if (memcmp(k, key, sizeof(key) - 1) == 0) {
				const char *v = k + sizeof(key) - 1;
				const char *q = memchr(v, '"', (size_t)(line_end - v));

				parse(v, (size_t)((q ? q : line_end) - v));
				break;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}
