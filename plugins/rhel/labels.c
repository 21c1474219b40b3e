/* labels.json; see labels.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int rhcc_parse_time(const char *s, int64_t *out, int *zero)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, sec, off = 0;
	const char *p;

	*zero = 0;
	if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 ||
	    sec > 59)
		return -1;
	p = s + 19;
	if (*p == '.') {
		if (!(p[1] >= '0' && p[1] <= '9'))
			return -1;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;

		if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	*zero = *out == days_from_civil(1, 1, 1) * 86400;
	return 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

static void put_utf8(char **w, unsigned long cp)
{
	char *o = *w;

	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	*w = o;
}

/* Go's strconv.Unquote of a double-quoted or back-quoted string, in place;
 * the value stays as it is when it is not one. */
static void unquote(char *v)
{
	size_t n = strlen(v);
	char *out, *w;
	const char *p, *end;

	if (n < 2 || v[0] != v[n - 1])
		return;
	if (v[0] == '`') {
		if (memchr(v + 1, '`', n - 2) || memchr(v + 1, '\r', n - 2))
			return;
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
		return;
	}
	if (v[0] != '"' || !(out = malloc(n)))
		return;
	w = out;
	end = v + n - 1;
	for (p = v + 1; p < end; p++) {
		unsigned long cp = 0;
		int k;

		if (*p == '"' || *p == '\n')
			goto keep;
		if (*p != '\\') {
			*w++ = *p;
			continue;
		}
		if (++p >= end)
			goto keep;
		switch (*p) {
		case 'a': *w++ = '\a'; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'v': *w++ = '\v'; break;
		case '\\': *w++ = '\\'; break;
		case '"': *w++ = '"'; break;
		case 'x':
		case 'u':
		case 'U':
			k = *p == 'x' ? 2 : *p == 'u' ? 4 : 8;
			if (end - p <= k)
				goto keep;
			for (int i = 1; i <= k; i++) {
				int h = hexval(p[i]);

				if (h < 0)
					goto keep;
				cp = cp * 16 + (unsigned long)h;
			}
			if (k == 2) {
				*w++ = (char)cp;
			} else {
				if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
					goto keep;
				put_utf8(&w, cp);
			}
			p += k;
			break;
		default:
			if (*p >= '0' && *p <= '7' && end - p > 2 && p[1] >= '0' && p[1] <= '7' &&
			    p[2] >= '0' && p[2] <= '7' && (*p - '0') <= 3) {
				*w++ = (char)((*p - '0') * 64 + (p[1] - '0') * 8 + (p[2] - '0'));
				p += 2;
				break;
			}
			goto keep;
		}
	}
	*w = '\0';
	memcpy(v, out, (size_t)(w - out) + 1);
keep:
	free(out);
}

static int equal_fold(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;

		if (x != y)
			return 0;
	}
	return *a == *b;
}

static json_t *field(json_t *obj, const char *key)
{
	const char *k;
	json_t *v, *exact = json_object_get(obj, key);

	if (exact)
		return exact;
	json_object_foreach(obj, k, v) if (equal_fold(k, key)) return v;
	return NULL;
}

/* A string field (absent and null: ""), or CLARO_ERR_INVALID. */
static enum claro_status string_field(json_t *obj, const char *key, char **out, char *reason, size_t size)
{
	json_t *v = field(obj, key);
	const char *s = "";

	if (v && !json_is_null(v)) {
		if (!json_is_string(v)) {
			snprintf(reason, size, "\"%s\" is not a string", key);
			return CLARO_ERR_INVALID;
		}
		s = json_string_value(v);
	}
	if (!(*out = malloc(strlen(s) + 1)))
		return CLARO_ERR_NOMEM;
	memcpy(*out, s, strlen(s) + 1);
	unquote(*out);
	return CLARO_OK;
}

enum claro_status rhcc_labels_parse(const char *data, size_t len, struct rhcc_labels *out, char *reason,
				    size_t size)
{
	json_error_t jerr;
	json_t *root, *created;
	enum claro_status st;

	memset(out, 0, sizeof(*out));
	if (!(root = json_loadb(data, len, 0, &jerr))) {
		snprintf(reason, size, "not JSON (line %d: %s)", jerr.line, jerr.text);
		return CLARO_ERR_INVALID;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(reason, size, "not a JSON object");
		return CLARO_ERR_INVALID;
	}
	st = string_field(root, "name", &out->name, reason, size);
	if (st == CLARO_OK)
		st = string_field(root, "architecture", &out->architecture, reason, size);
	if (st == CLARO_OK)
		st = string_field(root, "cpe", &out->cpe, reason, size);
	created = field(root, "org.opencontainers.image.created");
	if (st == CLARO_OK && created && !json_is_null(created)) {
		int zero = 0;

		if (!json_is_string(created) ||
		    rhcc_parse_time(json_string_value(created), &out->created, &zero) != 0) {
			snprintf(reason, size,
				 "\"org.opencontainers.image.created\" is not an RFC 3339 time");
			st = CLARO_ERR_INVALID;
		} else {
			out->has_created = !zero;
		}
	}
	json_decref(root);
	if (st != CLARO_OK)
		rhcc_labels_free(out);
	return st;
}

void rhcc_labels_free(struct rhcc_labels *l)
{
	free(l->name);
	free(l->architecture);
	free(l->cpe);
	memset(l, 0, sizeof(*l));
}
