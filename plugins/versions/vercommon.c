/* vercommon: digit-run comparison and the normalised-form builder shared by
 * the version schemes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "versions.h"

int vers_digits_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;

	while (alen > 0 && *a == '0') {
		a++;
		alen--;
	}
	while (blen > 0 && *b == '0') {
		b++;
		blen--;
	}
	if (alen != blen)
		return alen < blen ? -1 : 1;
	if (alen == 0)
		return 0;
	c = memcmp(a, b, alen);
	return vers_sign(c);
}

size_t vers_prefix_ci(const char *s, const char *w)
{
	size_t i;

	for (i = 0; w[i]; i++)
		if (vers_lower((unsigned char)s[i]) != (unsigned char)w[i])
			return 0;
	return i;
}

int32_t vers_digits_i32(const char *s, size_t len, int *clamped)
{
	int64_t v = 0;

	*clamped = 0;
	for (size_t i = 0; i < len; i++) {
		v = v * 10 + (s[i] - '0');
		if (v > INT32_MAX) {
			*clamped = 1;
			return INT32_MAX;
		}
	}
	return (int32_t)v;
}

void vers_norm_begin(struct vers_norm *n, struct claro_normalized_version *out, const char *kind)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	n->out = out;
	n->saturated = 0;
}

void vers_norm_set(struct vers_norm *n, int i, int32_t value)
{
	if (n->saturated || i < 0 || i >= CLARO_NORM_VERSION_LEN)
		return;
	n->out->v[i] = value;
}

void vers_norm_fill(struct vers_norm *n, int from, int32_t value)
{
	if (n->saturated)
		return;
	for (int i = from < 0 ? 0 : from; i < CLARO_NORM_VERSION_LEN; i++)
		n->out->v[i] = value;
}

void vers_norm_digits(struct vers_norm *n, int i, const char *s, size_t len)
{
	int clamped;
	int32_t v;

	if (n->saturated || i < 0 || i >= CLARO_NORM_VERSION_LEN)
		return;
	v = vers_digits_i32(s, len, &clamped);
	n->out->v[i] = v;
	if (clamped) {
		vers_norm_fill(n, i + 1, INT32_MAX);
		n->saturated = 1;
	}
}
