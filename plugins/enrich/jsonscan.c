/* enrich: JSON checking, spans and the streaming walk (jsonscan.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"

#define FAIL     ((size_t)-1)
#define MAX_NUM  64 /* longest number accepted, in characters */
#define JF_CHUNK 65536

static int is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static size_t ws(const char *s, size_t n, size_t i)
{
	while (i < n && is_ws((unsigned char)s[i]))
		i++;
	return i;
}

static size_t bad(size_t *at, const char **why, size_t i, const char *text)
{
	*at = i;
	*why = text;
	return FAIL;
}

static int hex4(const char *s, size_t n, size_t i, unsigned *out)
{
	unsigned v = 0;

	if (i + 4 > n)
		return -1;
	for (size_t k = 0; k < 4; k++) {
		char c = s[i + k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* One UTF-8 sequence at s[i] (s[i] >= 0x80): its length, or 0 if invalid. */
static size_t utf8_seq(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	unsigned cp;
	size_t len;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1fu;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0fu;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07u;
	} else {
		return 0;
	}
	if (i + len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		unsigned char b = (unsigned char)s[i + k];
		if ((b & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (b & 0x3fu);
	}
	if (len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
		return 0;
	if (len == 4 && (cp < 0x10000 || cp > 0x10ffff))
		return 0;
	return len;
}

/* The string starting at s[i] == '"': the index after its closing quote. */
static size_t check_string(const char *s, size_t n, size_t i, size_t *at, const char **why)
{
	for (i++; i < n;) {
		unsigned char c = (unsigned char)s[i];
		unsigned u, lo;
		size_t len;

		if (c == '"')
			return i + 1;
		if (c < 0x20)
			return bad(at, why, i, "a control character inside a string");
		if (c == '\\') {
			char e = i + 1 < n ? s[i + 1] : '\0';
			if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
			    e == 'r' || e == 't') {
				i += 2;
				continue;
			}
			if (e != 'u' || hex4(s, n, i + 2, &u) != 0)
				return bad(at, why, i, "an invalid escape inside a string");
			if (u == 0)
				return bad(at, why, i, "a \\u0000 escape inside a string");
			if (u >= 0xdc00 && u <= 0xdfff)
				return bad(at, why, i, "an unpaired UTF-16 surrogate escape");
			i += 6;
			if (u >= 0xd800 && u <= 0xdbff) {
				if (i + 1 >= n || s[i] != '\\' || s[i + 1] != 'u' ||
				    hex4(s, n, i + 2, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
					return bad(at, why, i, "an unpaired UTF-16 surrogate escape");
				i += 6;
			}
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((len = utf8_seq(s, n, i)) == 0)
			return bad(at, why, i, "invalid UTF-8 inside a string");
		i += len;
	}
	return bad(at, why, n, "a string that does not end");
}

static size_t check_number(const char *s, size_t n, size_t i, size_t *at, const char **why)
{
	size_t start = i, int_start, int_end, frac_start = 0, frac_end = 0;
	int neg = 0, real = 0;
	long exp = 0;

	if (s[i] == '-') {
		neg = 1;
		i++;
	}
	if (i >= n || !is_digit((unsigned char)s[i]))
		return bad(at, why, start, "an invalid number");
	int_start = i;
	if (s[i] == '0')
		i++;
	else
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
	int_end = i;
	if (i < n && s[i] == '.') {
		real = 1;
		frac_start = ++i;
		if (i >= n || !is_digit((unsigned char)s[i]))
			return bad(at, why, start, "an invalid number");
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
		frac_end = i;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;
		real = 1;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		if (i >= n || !is_digit((unsigned char)s[i]))
			return bad(at, why, start, "an invalid number");
		while (i < n && is_digit((unsigned char)s[i])) {
			if (exp < 1000000)
				exp = exp * 10 + (s[i] - '0');
			i++;
		}
		if (eneg)
			exp = -exp;
	}
	if (i - start > MAX_NUM)
		return bad(at, why, start, "a number longer than 64 characters");
	if (!real) {
		size_t nd = int_end - int_start;
		if (nd > 19 ||
		    (nd == 19 &&
		     memcmp(s + int_start, neg ? "9223372036854775808" : "9223372036854775807", 19) > 0))
			return bad(at, why, start, "an integer that does not fit in 64 bits");
	} else {
		size_t k = int_start;
		long e10 = 0;
		int zero = 1;

		while (k < int_end && s[k] == '0')
			k++;
		if (k < int_end) {
			e10 = (long)(int_end - k) - 1;
			zero = 0;
		} else {
			for (k = frac_start; k < frac_end && s[k] == '0'; k++)
				;
			if (k < frac_end) {
				e10 = -(long)(k - frac_start) - 1;
				zero = 0;
			}
		}
		if (!zero && e10 + exp > 307)
			return bad(at, why, start, "a number too large for a double");
	}
	return i;
}

static size_t check_literal(const char *s, size_t n, size_t i, size_t *at, const char **why)
{
	static const char *const lits[] = {"true", "false", "null"};

	for (size_t k = 0; k < 3; k++) {
		size_t l = strlen(lits[k]);
		if (i + l <= n && memcmp(s + i, lits[k], l) == 0)
			return i + l;
	}
	return bad(at, why, i, "an unexpected character");
}

/* A member name and its colon at s[i]: the index of the value. */
static size_t check_key(const char *s, size_t n, size_t i, size_t *at, const char **why)
{
	if (i >= n || s[i] != '"')
		return bad(at, why, i, "a member name was expected");
	if ((i = check_string(s, n, i, at, why)) == FAIL)
		return FAIL;
	i = ws(s, n, i);
	if (i >= n || s[i] != ':')
		return bad(at, why, i, "':' was expected after a member name");
	return ws(s, n, i + 1);
}

enum claro_status json_check(const char *s, size_t n, int max_depth, size_t *at, const char **why)
{
	char stack[JSONSCAN_MAX_DEPTH];
	int depth = 0;
	size_t i = ws(s, n, 0);

	if (max_depth > JSONSCAN_MAX_DEPTH)
		max_depth = JSONSCAN_MAX_DEPTH;
	for (;;) {
		char c;

		if (i >= n) {
			bad(at, why, i, "the JSON text ends where a value was expected");
			return CLARO_ERR_INVALID;
		}
		c = s[i];
		if (c == '{' || c == '[') {
			if (depth >= max_depth) {
				bad(at, why, i, "JSON nested too deeply");
				return CLARO_ERR_INVALID;
			}
			stack[depth++] = c;
			i = ws(s, n, i + 1);
			if (i < n && s[i] == (c == '{' ? '}' : ']')) {
				depth--;
				i++;
			} else {
				if (c == '{' && (i = check_key(s, n, i, at, why)) == FAIL)
					return CLARO_ERR_INVALID;
				continue;
			}
		} else if (c == '"') {
			i = check_string(s, n, i, at, why);
		} else if (c == '-' || is_digit((unsigned char)c)) {
			i = check_number(s, n, i, at, why);
		} else {
			i = check_literal(s, n, i, at, why);
		}
		if (i == FAIL)
			return CLARO_ERR_INVALID;
		/* After a value: close what ends here, or go on after a comma. */
		for (;;) {
			char close;

			i = ws(s, n, i);
			if (depth == 0) {
				if (i != n) {
					bad(at, why, i, "data after the end of the JSON value");
					return CLARO_ERR_INVALID;
				}
				return CLARO_OK;
			}
			if (i >= n) {
				bad(at, why, i, "the JSON text ends inside an object or array");
				return CLARO_ERR_INVALID;
			}
			close = stack[depth - 1] == '{' ? '}' : ']';
			if (s[i] == close) {
				depth--;
				i++;
				continue;
			}
			if (s[i] != ',') {
				bad(at, why, i, "',' or a closing bracket was expected");
				return CLARO_ERR_INVALID;
			}
			i = ws(s, n, i + 1);
			if (stack[depth - 1] == '{' && (i = check_key(s, n, i, at, why)) == FAIL)
				return CLARO_ERR_INVALID;
			break;
		}
	}
}

/* ---- spans inside a checked text ---- */

static size_t skip_string(const char *s, size_t n, size_t i)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i < n ? i + 1 : n;
}

static size_t skip_value(const char *s, size_t n, size_t i)
{
	int depth = 0;

	if (i >= n)
		return n;
	if (s[i] == '"')
		return skip_string(s, n, i);
	if (s[i] != '{' && s[i] != '[') {
		while (i < n && s[i] != ',' && s[i] != ']' && s[i] != '}' && !is_ws((unsigned char)s[i]))
			i++;
		return i;
	}
	while (i < n) {
		char c = s[i];
		if (c == '"') {
			i = skip_string(s, n, i);
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return i + 1;
		i++;
	}
	return n;
}

enum jv_kind jv_kind(struct jspan v)
{
	size_t i = ws(v.p, v.n, 0);

	if (i >= v.n)
		return JV_NONE;
	switch (v.p[i]) {
	case '{': return JV_OBJECT;
	case '[': return JV_ARRAY;
	case '"': return JV_STRING;
	case 't': return JV_TRUE;
	case 'f': return JV_FALSE;
	case 'n': return JV_NULL;
	default: return JV_NUMBER;
	}
}

int jv_member(struct jspan obj, const char *key, struct jspan *val)
{
	const char *s = obj.p;
	size_t n = obj.n, i = ws(s, n, 0), klen = strlen(key);
	int found = 0;

	if (i >= n || s[i] != '{')
		return 0;
	i = ws(s, n, i + 1);
	while (i < n && s[i] == '"') {
		size_t kstart = i + 1, kend = skip_string(s, n, i) - 1, vstart, vend;

		i = ws(s, n, kend + 1);
		if (i >= n || s[i] != ':')
			return found;
		vstart = ws(s, n, i + 1);
		vend = skip_value(s, n, vstart);
		if (kend - kstart == klen && memcmp(s + kstart, key, klen) == 0) {
			val->p = s + vstart;
			val->n = vend - vstart;
			found = 1;
		}
		i = ws(s, n, vend);
		if (i >= n || s[i] != ',')
			break;
		i = ws(s, n, i + 1);
	}
	return found;
}

int jv_next(struct jspan arr, size_t *it, struct jspan *elem)
{
	const char *s = arr.p;
	size_t n = arr.n, i, end;

	if (*it == 0) {
		i = ws(s, n, 0);
		if (i >= n || s[i] != '[')
			return 0;
		i = ws(s, n, i + 1);
		if (i >= n || s[i] == ']')
			return 0;
	} else {
		i = ws(s, n, *it);
		if (i >= n || s[i] != ',')
			return 0;
		i = ws(s, n, i + 1);
	}
	end = skip_value(s, n, i);
	elem->p = s + i;
	elem->n = end - i;
	*it = end;
	return 1;
}

int jv_string_raw(struct jspan v, struct jspan *inner)
{
	size_t i = ws(v.p, v.n, 0), end;

	if (i >= v.n || v.p[i] != '"')
		return 0;
	end = skip_string(v.p, v.n, i);
	inner->p = v.p + i + 1;
	inner->n = end - i - 2;
	return 1;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int jv_string_is(struct jspan v, const char *lit, int nocase)
{
	struct jspan in;
	size_t l = strlen(lit);

	if (!jv_string_raw(v, &in) || in.n != l)
		return 0;
	for (size_t i = 0; i < l; i++)
		if (nocase ? lower(in.p[i]) != lower(lit[i]) : in.p[i] != lit[i])
			return 0;
	return 1;
}

size_t json_compact(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		if (s[i] == '"') {
			size_t end = skip_string(s, n, i);
			memcpy(out + o, s + i, end - i);
			o += end - i;
			i = end;
		} else if (is_ws((unsigned char)s[i])) {
			i++;
		} else {
			out[o++] = s[i++];
		}
	}
	out[o] = '\0';
	return o;
}

/* ---- the streaming walk ---- */

struct jf {
	jfeed_read_fn rd;
	void *src;
	const struct jfeed_ops *ops;
	struct enrich_error *err;
	char *buf;
	size_t cap, len, pos;
	size_t mark; /* start of the value being captured */
	int marking;
	int eof;
	uint64_t base; /* stream offset of buf[0] */
};

static const char hint_json[] = "The feed is not the JSON this updater expects: check the URL (and the "
				"mirror directory, if one is configured), or retry if the download was cut.";

static enum claro_status syntax(struct jf *f, uint64_t off, const char *what)
{
	return enrich_fail(f->err, CLARO_ERR_INVALID, "malformed JSON feed", hint_json,
			   "%s at byte %llu of %s.", what, (unsigned long long)off,
			   f->ops->label ? f->ops->label : "the feed");
}

static enum claro_status too_large(struct jf *f, uint64_t off)
{
	return enrich_fail(
	    f->err, CLARO_ERR_TOO_LARGE, "feed record too large",
	    "Raise max_record_bytes in [plugin.enrich] if the feed really has records this large.",
	    "A value starting at byte %llu of %s is larger than %zu bytes (max_record_bytes).",
	    (unsigned long long)off, f->ops->label ? f->ops->label : "the feed", f->ops->max_value);
}

/* The next byte (-1 at the end) without consuming it, reading more as needed. */
static enum claro_status peek(struct jf *f, int *c)
{
	while (f->pos >= f->len && !f->eof) {
		size_t keep = f->marking ? f->mark : f->pos, got = 0;
		enum claro_status st;

		if (keep > 0) {
			memmove(f->buf, f->buf + keep, f->len - keep);
			f->base += keep;
			f->len -= keep;
			f->pos -= keep;
			if (f->marking)
				f->mark = 0;
		}
		if (f->marking && f->len - f->mark > f->ops->max_value)
			return too_large(f, f->base);
		if (f->len == f->cap) {
			size_t ncap = f->cap ? f->cap * 2 : JF_CHUNK;
			char *nb;

			if (ncap > f->ops->max_value + JF_CHUNK)
				ncap = f->ops->max_value + JF_CHUNK;
			if (ncap <= f->cap || !(nb = realloc(f->buf, ncap)))
				return enrich_fail(f->err, CLARO_ERR_NOMEM, "out of memory",
						   "Give the process more memory.",
						   "Could not grow the JSON buffer to %zu bytes.", ncap);
			f->buf = nb;
			f->cap = ncap;
		}
		if ((st = f->rd(f->src, f->buf + f->len, f->cap - f->len, &got, f->err)) != CLARO_OK)
			return st;
		if (got == 0)
			f->eof = 1;
		f->len += got;
	}
	*c = f->pos < f->len ? (unsigned char)f->buf[f->pos] : -1;
	return CLARO_OK;
}

static enum claro_status skip_ws(struct jf *f, int *c)
{
	enum claro_status st;

	while ((st = peek(f, c)) == CLARO_OK && *c >= 0 && is_ws(*c))
		f->pos++;
	return st;
}

/* Capture the value starting at the next byte into *out (valid until the
 * next peek) and check it. */
static enum claro_status capture(struct jf *f, int max_depth, struct jspan *out)
{
	enum claro_status st;
	int c, depth = 0, in_str = 0, esc = 0;
	size_t at = 0;
	const char *why = NULL;

	if ((st = peek(f, &c)) != CLARO_OK)
		return st;
	if (c < 0)
		return syntax(f, f->base + f->pos, "The feed ends where a value was expected");
	if (c == ',' || c == ']' || c == '}' || c == ':')
		return syntax(f, f->base + f->pos, "A value was expected");
	f->mark = f->pos;
	f->marking = 1;
	if (c == '{' || c == '[' || c == '"') {
		for (;;) {
			if ((st = peek(f, &c)) != CLARO_OK)
				return st;
			if (c < 0)
				return syntax(f, f->base + f->pos, "The feed ends in the middle of a value");
			f->pos++;
			if (in_str) {
				if (esc)
					esc = 0;
				else if (c == '\\')
					esc = 1;
				else if (c == '"') {
					in_str = 0;
					if (depth == 0)
						break;
				}
				continue;
			}
			if (c == '"') {
				in_str = 1;
			} else if (c == '{' || c == '[') {
				if (++depth > max_depth)
					return syntax(f, f->base + f->pos - 1, "JSON nested too deeply");
			} else if ((c == '}' || c == ']') && --depth <= 0) {
				break;
			}
		}
	} else {
		while ((st = peek(f, &c)) == CLARO_OK && c >= 0 && c != ',' && c != ']' && c != '}' &&
		       !is_ws(c))
			f->pos++;
		if (st != CLARO_OK)
			return st;
	}
	out->p = f->buf + f->mark;
	out->n = f->pos - f->mark;
	f->marking = 0;
	if (out->n > f->ops->max_value)
		return too_large(f, f->base + f->mark);
	if (json_check(out->p, out->n, max_depth, &at, &why) != CLARO_OK) {
		char what[128];
		size_t l = strlen(why);
		/* "a control character" -> "A control character" */
		memcpy(what, why, l + 1 < sizeof(what) ? l + 1 : sizeof(what));
		what[sizeof(what) - 1] = '\0';
		if (what[0] >= 'a' && what[0] <= 'z')
			what[0] = (char)(what[0] - 'a' + 'A');
		return syntax(f, f->base + (uint64_t)(out->p - f->buf) + at, what);
	}
	return CLARO_OK;
}

static enum claro_status expect(struct jf *f, int want, const char *what)
{
	int c;
	enum claro_status st = skip_ws(f, &c);

	if (st != CLARO_OK)
		return st;
	if (c != want)
		return syntax(f, f->base + f->pos, c < 0 ? "The feed ends too early" : what);
	f->pos++;
	return CLARO_OK;
}

static enum claro_status walk_array(struct jf *f, uint64_t *elements)
{
	enum claro_status st;
	struct jspan v;
	int c;

	if ((st = expect(f, '[', "The array member is not an array")) != CLARO_OK ||
	    (st = skip_ws(f, &c)) != CLARO_OK)
		return st;
	if (c == ']') {
		f->pos++;
		return CLARO_OK;
	}
	for (;;) {
		if ((st = capture(f, f->ops->max_depth, &v)) != CLARO_OK ||
		    (st = f->ops->element(f->ops->arg, v, *elements, f->err)) != CLARO_OK)
			return st;
		(*elements)++;
		if ((st = skip_ws(f, &c)) != CLARO_OK)
			return st;
		f->pos++;
		if (c == ']')
			return CLARO_OK;
		if (c != ',')
			return syntax(f, f->base + f->pos - 1,
				      c < 0 ? "The feed ends inside the array" : "',' or ']' was expected");
		if ((st = skip_ws(f, &c)) != CLARO_OK)
			return st;
	}
}

static enum claro_status walk(struct jf *f, uint64_t *elements)
{
	const struct jfeed_ops *ops = f->ops;
	size_t alen = strlen(ops->array_key);
	enum claro_status st;
	int c, seen = 0;

	if ((st = skip_ws(f, &c)) != CLARO_OK)
		return st;
	if (c != '{')
		return syntax(f, f->base + f->pos,
			      c < 0 ? "The feed is empty" : "The feed is not a JSON object");
	f->pos++;
	if ((st = skip_ws(f, &c)) != CLARO_OK)
		return st;
	if (c == '}') {
		f->pos++;
	} else {
		for (;;) {
			struct jspan k, v;
			char key[128];
			size_t klen;

			if (c != '"')
				return syntax(f, f->base + f->pos, "A member name was expected");
			if ((st = capture(f, 1, &k)) != CLARO_OK)
				return st;
			klen = k.n - 2;
			if (klen >= sizeof(key))
				klen = sizeof(key) - 1; /* cannot be the array key */
			memcpy(key, k.p + 1, klen);
			key[klen] = '\0';
			if ((st = expect(f, ':', "':' was expected after a member name")) != CLARO_OK ||
			    (st = skip_ws(f, &c)) != CLARO_OK)
				return st;
			if (k.n - 2 == alen && memcmp(key, ops->array_key, alen) == 0) {
				if (seen)
					return syntax(f, f->base + f->pos, "The array member appears twice");
				seen = 1;
				if ((st = walk_array(f, elements)) != CLARO_OK)
					return st;
			} else {
				struct jspan ks = {key, klen};
				if ((st = capture(f, ops->max_depth, &v)) != CLARO_OK)
					return st;
				if (ops->member && (st = ops->member(ops->arg, ks, v, f->err)) != CLARO_OK)
					return st;
			}
			if ((st = skip_ws(f, &c)) != CLARO_OK)
				return st;
			f->pos++;
			if (c == '}')
				break;
			if (c != ',')
				return syntax(f, f->base + f->pos - 1,
					      c < 0 ? "The feed ends inside the top-level object"
						    : "',' or '}' was expected");
			if ((st = skip_ws(f, &c)) != CLARO_OK)
				return st;
		}
	}
	if ((st = skip_ws(f, &c)) != CLARO_OK)
		return st;
	if (c >= 0)
		return syntax(f, f->base + f->pos, "Data follows the top-level object");
	if (!seen)
		return enrich_fail(f->err, CLARO_ERR_INVALID, "malformed JSON feed", hint_json,
				   "%s has no \"%s\" array.", ops->label ? ops->label : "The feed",
				   ops->array_key);
	return CLARO_OK;
}

enum claro_status jfeed_run(jfeed_read_fn rd, void *src, const struct jfeed_ops *ops, uint64_t *elements,
			    struct enrich_error *err)
{
	struct jf f;
	enum claro_status st;

	memset(&f, 0, sizeof(f));
	f.rd = rd;
	f.src = src;
	f.ops = ops;
	f.err = err;
	*elements = 0;
	st = walk(&f, elements);
	free(f.buf);
	if (st != CLARO_OK && err->status == CLARO_OK)
		enrich_fail(err, st, "could not read the feed", hint_json, "%s failed with status %d.",
			    ops->label ? ops->label : "The feed", (int)st);
	return st;
}
