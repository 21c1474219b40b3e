/* Small string helpers. SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strutil.h"

char *str_vprintf(const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *s;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *str_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = str_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

char *str_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *str_ndup(const char *s, size_t n)
{
	return s ? strndup(s, n) : NULL;
}

int str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

enum claro_status str_copy(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);

	if (n == 0)
		return CLARO_ERR_TOO_LARGE;
	if (len >= n) {
		memcpy(dst, src, n - 1);
		dst[n - 1] = '\0';
		return CLARO_ERR_TOO_LARGE;
	}
	memcpy(dst, src, len + 1);
	return CLARO_OK;
}

static int is_blank_start(const char *s)
{
	return *s == '\0' || isspace((unsigned char)*s);
}

enum claro_status parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || is_blank_start(s))
		return CLARO_ERR_INVALID;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return CLARO_ERR_TOO_LARGE;
	if (end == s || *end != '\0')
		return CLARO_ERR_INVALID;
	*out = (int64_t)v;
	return CLARO_OK;
}

enum claro_status parse_uint64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || is_blank_start(s) || *s == '-' || *s == '+')
		return CLARO_ERR_INVALID;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return CLARO_ERR_TOO_LARGE;
	if (end == s || *end != '\0')
		return CLARO_ERR_INVALID;
	*out = (uint64_t)v;
	return CLARO_OK;
}

enum claro_status parse_bool(const char *s, int *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};

	if (!s)
		return CLARO_ERR_INVALID;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return CLARO_OK;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return CLARO_OK;
		}
	}
	return CLARO_ERR_INVALID;
}

/* Parse a run of digits at *p; advances *p. */
static enum claro_status take_number(const char **p, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = *p;

	if (!isdigit((unsigned char)*s))
		return CLARO_ERR_INVALID;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return CLARO_ERR_TOO_LARGE;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return CLARO_OK;
}

static enum claro_status mul_add(uint64_t acc, uint64_t v, uint64_t unit, uint64_t *out)
{
	if (unit && v > (UINT64_MAX - acc) / unit)
		return CLARO_ERR_TOO_LARGE;
	*out = acc + v * unit;
	return CLARO_OK;
}

enum claro_status parse_duration(const char *s, int64_t *seconds)
{
	uint64_t total = 0, v, unit;
	enum claro_status st;

	if (!s || *s == '\0')
		return CLARO_ERR_INVALID;
	while (*s) {
		if ((st = take_number(&s, &v)) != CLARO_OK)
			return st;
		switch (*s) {
		case '\0': unit = 1; break;
		case 's':
			unit = 1;
			s++;
			break;
		case 'm':
			unit = 60;
			s++;
			break;
		case 'h':
			unit = 3600;
			s++;
			break;
		case 'd':
			unit = 86400;
			s++;
			break;
		default: return CLARO_ERR_INVALID;
		}
		if ((st = mul_add(total, v, unit, &total)) != CLARO_OK)
			return st;
	}
	if (total > INT64_MAX)
		return CLARO_ERR_TOO_LARGE;
	*seconds = (int64_t)total;
	return CLARO_OK;
}

enum claro_status parse_size(const char *s, uint64_t *bytes)
{
	uint64_t v, unit = 1;
	enum claro_status st;

	if (!s)
		return CLARO_ERR_INVALID;
	if ((st = take_number(&s, &v)) != CLARO_OK)
		return st;
	switch (*s) {
	case '\0':
	case 'B':
	case 'b': break;
	case 'k':
	case 'K':
		unit = 1ull << 10;
		s++;
		break;
	case 'm':
	case 'M':
		unit = 1ull << 20;
		s++;
		break;
	case 'g':
	case 'G':
		unit = 1ull << 30;
		s++;
		break;
	default: return CLARO_ERR_INVALID;
	}
	if (*s == 'B' || *s == 'b')
		s++;
	if (*s != '\0')
		return CLARO_ERR_INVALID;
	return mul_add(0, v, unit, bytes);
}

static enum claro_status buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return CLARO_ERR_TOO_LARGE;
	need = b->len + extra + 1;
	if (b->max && need > b->max + 1)
		return CLARO_ERR_TOO_LARGE;
	if (need <= b->cap)
		return CLARO_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return CLARO_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return CLARO_OK;
}

enum claro_status buf_append(struct buf *b, const void *data, size_t n)
{
	enum claro_status st = buf_reserve(b, n);

	if (st != CLARO_OK)
		return st;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return CLARO_OK;
}

enum claro_status buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum claro_status buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	enum claro_status st;

	va_start(ap, fmt);
	s = str_vprintf(fmt, ap);
	va_end(ap);
	if (!s)
		return CLARO_ERR_NOMEM;
	st = buf_puts(b, s);
	free(s);
	return st;
}

char *buf_steal(struct buf *b)
{
	char *p;

	if (!b->data && buf_reserve(b, 0) != CLARO_OK)
		return NULL;
	if (b->len == 0)
		b->data[0] = '\0';
	p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
