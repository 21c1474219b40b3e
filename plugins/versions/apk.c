/* apk: Alpine package versions compared as apk-tools 2.x does (`apk
 * version -t`, src/version.c of the 2.14 branch), the apk of every released
 * Alpine and the rules Clair's go-apk-version follows:
 *   digit{.digit}...{letter}{_suffix{#}}...{-r#}
 * with "alpha" < "beta" < "pre" < "rc" < (none) < "cvs" < "svn" < "git" <
 * "hg" < "p", and the 2.x rule for a component with leading zeros (after the
 * first, "0..." counts minus its zeros, so 1.0 > 1.00 and 1.01 < 1.1).
 * apk compares any string: where a version stops following the grammar the
 * comparison stops there too, as apk's does. Only "" is refused.
 *
 * apk-tools 3 changed leading zeros and added '~' (tests say which vectors);
 * numbers longer than apk's integers compare exactly here.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "versions.h"

enum token {
	TOKEN_INVALID = -1,
	TOKEN_DIGIT_OR_ZERO,
	TOKEN_DIGIT,
	TOKEN_LETTER,
	TOKEN_SUFFIX,
	TOKEN_SUFFIX_NO,
	TOKEN_REVISION_NO,
	TOKEN_END
};

/* A token's value: a digit run (compared as a number), or a small integer
 * (minus the count of leading zeros, a letter, a suffix rank, -1). */
struct value {
	int is_digits;
	const char *d;
	size_t len;
	long long small;
};

struct blob {
	const char *p;
	size_t len;
};

static int value_cmp(const struct value *a, const struct value *b)
{
	long long bn = 0;
	const char *d;
	size_t len;

	if (a->is_digits && b->is_digits)
		return vers_digits_cmp(a->d, a->len, b->d, b->len);
	if (!a->is_digits && !b->is_digits)
		return (a->small > b->small) - (a->small < b->small);
	if (a->is_digits)
		return -value_cmp(b, a);
	/* a small integer against a digit run (>= 0) */
	for (d = b->d, len = b->len; len > 0 && *d == '0'; d++, len--)
		;
	if (len > 18)
		return -1;
	for (size_t i = 0; i < len; i++)
		bn = bn * 10 + (d[i] - '0');
	return (a->small > bn) - (a->small < bn);
}

static int is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

/* next_token(): the type of what follows, consuming the separator. */
static void next_token(enum token *type, struct blob *b)
{
	enum token n = TOKEN_INVALID;

	if (b->len == 0 || b->p[0] == '\0') {
		n = TOKEN_END;
	} else if ((*type == TOKEN_DIGIT || *type == TOKEN_DIGIT_OR_ZERO) &&
		   is_lower((unsigned char)b->p[0])) {
		n = TOKEN_LETTER;
	} else if (*type == TOKEN_LETTER && vers_is_digit((unsigned char)b->p[0])) {
		n = TOKEN_DIGIT;
	} else if (*type == TOKEN_SUFFIX && vers_is_digit((unsigned char)b->p[0])) {
		n = TOKEN_SUFFIX_NO;
	} else {
		switch (b->p[0]) {
		case '.': n = TOKEN_DIGIT_OR_ZERO; break;
		case '_': n = TOKEN_SUFFIX; break;
		case '-':
			if (b->len > 1 && b->p[1] == 'r') {
				n = TOKEN_REVISION_NO;
				b->p++;
				b->len--;
			} else {
				n = TOKEN_INVALID;
			}
			break;
		default: break;
		}
		b->p++;
		b->len--;
	}
	if (n < *type) {
		if (!((n == TOKEN_DIGIT_OR_ZERO && *type == TOKEN_DIGIT) ||
		      (n == TOKEN_SUFFIX && *type == TOKEN_SUFFIX_NO) ||
		      (n == TOKEN_DIGIT && *type == TOKEN_LETTER)))
			n = TOKEN_INVALID;
	}
	*type = n;
}

/* A suffix after '_': pre-release ones count -4..-1, the others 0..4.
 * Returns 0 for an unknown suffix. */
static int suffix_value(const struct blob *b, size_t *len, long long *value)
{
	static const char *const pre_suffixes[] = {"alpha", "beta", "pre", "rc"};
	static const char *const post_suffixes[] = {"cvs", "svn", "git", "hg", "p"};

	for (size_t k = 0; k < 4; k++) {
		*len = strlen(pre_suffixes[k]);
		if (*len <= b->len && strncmp(pre_suffixes[k], b->p, *len) == 0) {
			*value = (long long)k - 4;
			return 1;
		}
	}
	for (size_t k = 0; k < 5; k++) {
		*len = strlen(post_suffixes[k]);
		if (*len <= b->len && strncmp(post_suffixes[k], b->p, *len) == 0) {
			*value = (long long)k;
			return 1;
		}
	}
	return 0;
}

/* get_token(): the value of the token of type *type, then the next type. */
static void get_token(enum token *type, struct blob *b, struct value *v)
{
	enum token nt = TOKEN_INVALID;
	size_t i = 0;

	memset(v, 0, sizeof(*v));
	if (b->len == 0) {
		*type = TOKEN_END;
		return;
	}
	switch (*type) {
	case TOKEN_DIGIT_OR_ZERO:
		if (b->p[0] == '0') {
			/* Leading zeros: a token of minus their count less one,
			 * then the rest from the last zero on as a number. */
			while (i + 1 < b->len && b->p[i + 1] == '0')
				i++;
			nt = TOKEN_DIGIT;
			v->small = -(long long)i;
			break;
		}
		/* fall through */
	case TOKEN_DIGIT:
	case TOKEN_SUFFIX_NO:
	case TOKEN_REVISION_NO:
		while (i < b->len && vers_is_digit((unsigned char)b->p[i]))
			i++;
		v->is_digits = 1;
		v->d = b->p;
		v->len = i;
		break;
	case TOKEN_LETTER: v->small = (unsigned char)b->p[i++]; break;
	case TOKEN_SUFFIX:
		if (suffix_value(b, &i, &v->small))
			break;
		/* fall through - an unknown suffix is invalid */
	default:
		*type = TOKEN_INVALID;
		v->small = -1;
		return;
	}
	b->p += i;
	b->len -= i;
	if (b->len == 0)
		*type = TOKEN_END;
	else if (nt != TOKEN_INVALID)
		*type = nt;
	else
		next_token(type, b);
}

/* apk_version_compare_blob_fuzzy() without fuzzy matching. */
static int apk_cmp(const char *sa, const char *sb)
{
	struct blob a = {sa, strlen(sa)}, b = {sb, strlen(sb)};
	enum token at = TOKEN_DIGIT, bt = TOKEN_DIGIT, tt;
	struct value av = {0, NULL, 0, 0}, bv = {0, NULL, 0, 0}, tv;
	int c = 0;

	while (at == bt && at != TOKEN_END && at != TOKEN_INVALID && c == 0) {
		get_token(&at, &a, &av);
		get_token(&bt, &b, &bv);
		c = value_cmp(&av, &bv);
	}
	if (c != 0)
		return c < 0 ? -1 : 1;
	if (at == bt)
		return 0;
	/* The leading components are equal; the longer one is greater unless
	 * it goes on with a pre-release suffix. */
	tt = at;
	if (at == TOKEN_SUFFIX) {
		struct blob t = a;

		get_token(&tt, &t, &tv);
		if (!tv.is_digits && tv.small < 0)
			return -1;
	}
	tt = bt;
	if (bt == TOKEN_SUFFIX) {
		struct blob t = b;

		get_token(&tt, &t, &tv);
		if (!tv.is_digits && tv.small < 0)
			return 1;
	}
	if (at > bt)
		return -1;
	if (bt > at)
		return 1;
	return 0;
}

enum claro_status versions_apk_compare(const char *a, const char *b, int *cmp)
{
	if (!a || !b || !cmp || !*a || !*b)
		return CLARO_ERR_INVALID;
	*cmp = apk_cmp(a, b);
	return CLARO_OK;
}

/* The token type apk's next_token() gives what follows a '.' that no digit
 * follows: the end, a letter, a suffix and a revision rank below a digit
 * token, another '.' and anything invalid above it. */
static int dot_rest_above_digits(const char *x)
{
	return !(*x == '\0' || is_lower((unsigned char)*x) || *x == '_' || (x[0] == '-' && x[1] == 'r'));
}

/* Normalised form (kind "apk", not in Clair): the first number, then each
 * further ".N" while N is a plain number or a lone "0". Where that stops,
 * what follows is placed among the continuations ".N" of the same prefix:
 *   - ".00...": below ".0" (its first token is minus the extra zeros): 0s;
 *   - ".0N...": above every ".0...", below ".1": 0, then INT32_MAX;
 *   - "." and no digit: a token of value 0 whose type then decides: below
 *     ".0" for the end, a letter, a suffix or a revision (0s), above
 *     ".0N" for '.' or an invalid character (0, then INT32_MAX);
 *   - a letter, a suffix, a revision, the end: below any '.' (0s);
 *   - any other character: an invalid token, above all (INT32_MAX). */
enum claro_status versions_apk_normalize(const char *s, struct claro_normalized_version *out)
{
	struct vers_norm n;
	const char *p = s, *d;

	if (!s || !out || !*s)
		return CLARO_ERR_INVALID;
	vers_norm_begin(&n, out, "apk");
	for (int slot = 0;; slot++) {
		for (d = p; vers_is_digit((unsigned char)*d); d++)
			;
		vers_norm_digits(&n, slot, p, (size_t)(d - p));
		p = d;
		if (slot + 1 >= CLARO_NORM_VERSION_LEN || !*p)
			return CLARO_OK;
		if (*p == '.') {
			if (vers_is_digit((unsigned char)p[1]) &&
			    (p[1] != '0' || !vers_is_digit((unsigned char)p[2]))) {
				p++; /* N, or a lone 0 */
				continue;
			}
			if ((p[1] == '0' && p[2] != '0') ||
			    (!vers_is_digit((unsigned char)p[1]) && dot_rest_above_digits(p + 1)))
				vers_norm_fill(&n, slot + 2, INT32_MAX);
			return CLARO_OK;
		}
		if (!(is_lower((unsigned char)*p) || *p == '_' || (p[0] == '-' && p[1] == 'r')))
			vers_norm_fill(&n, slot + 1, INT32_MAX);
		return CLARO_OK;
	}
}
