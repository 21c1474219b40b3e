/* dpkg: Debian package versions, [epoch:]upstream[-revision], compared as
 * dpkg itself does (lib/dpkg/version.c verrevcmp: '~' before everything,
 * even the end; then the end; then letters; then other characters; digit
 * runs as numbers). Parsing follows parseversion(): what dpkg refuses with
 * an error (empty, embedded blanks, a bad epoch, nothing after the colon, an
 * empty revision) is invalid; what it only warns about (no leading digit,
 * unusual characters) compares, as `dpkg --compare-versions` does.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <limits.h>
#include <string.h>

#include "versions.h"

struct dpkg_version {
	const char *epoch; /* digits, or NULL (0) */
	size_t epoch_len;
	const char *upstream, *upstream_end;
	const char *revision, *revision_end; /* empty when absent */
};

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* isspace() in the C locale: what strtol() skips before the epoch. */
static int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int dpkg_parse(const char *s, struct dpkg_version *v)
{
	const char *end, *p, *colon, *hyphen = NULL;

	memset(v, 0, sizeof(*v));
	while (is_blank((unsigned char)*s))
		s++;
	if (!*s)
		return -1; /* version string is empty */
	for (end = s; *end && !is_blank((unsigned char)*end); end++)
		;
	for (p = end; is_blank((unsigned char)*p); p++)
		;
	if (*p)
		return -1; /* embedded spaces */
	colon = memchr(s, ':', (size_t)(end - s));
	if (colon) {
		/* strtol(): leading white space, a sign, then digits */
		const char *d = s;
		int negative = 0;

		while (is_space((unsigned char)*d))
			d++;
		if (*d == '+' || *d == '-')
			negative = *d++ == '-';
		p = d;
		while (vers_is_digit((unsigned char)*p))
			p++;
		if (p == d || p != colon)
			return -1; /* epoch empty or not a number */
		while (d < p - 1 && *d == '0')
			d++;
		if (negative && !(p - d == 1 && *d == '0'))
			return -1; /* negative */
		if (vers_digits_cmp(d, (size_t)(p - d), "2147483647", 10) > 0)
			return -1; /* too big (INT_MAX) */
		v->epoch = d;
		v->epoch_len = (size_t)(p - d);
		s = colon + 1;
		if (s == end)
			return -1; /* nothing after colon */
	}
	for (p = s; p < end; p++)
		if (*p == '-')
			hyphen = p;
	v->upstream = s;
	v->upstream_end = hyphen ? hyphen : end;
	v->revision = hyphen ? hyphen + 1 : end;
	v->revision_end = end;
	if (hyphen && hyphen + 1 == end)
		return -1; /* revision number is empty */
	if (v->upstream == v->upstream_end)
		return -1; /* version number is empty */
	return 0;
}

/* dpkg's order(): digits 0 (never reached), letters themselves, '~' -1,
 * the end 0, anything else after the letters. */
static int order(const char *p, const char *end)
{
	unsigned char c;

	if (p >= end)
		return 0;
	c = (unsigned char)*p;
	if (vers_is_digit(c))
		return 0;
	if (vers_is_alpha(c))
		return c;
	if (c == '~')
		return -1;
	return c + 256;
}

static int verrevcmp(const char *a, const char *ae, const char *b, const char *be)
{
	while (a < ae || b < be) {
		const char *da, *db;
		int c;

		while ((a < ae && !vers_is_digit((unsigned char)*a)) ||
		       (b < be && !vers_is_digit((unsigned char)*b))) {
			int ac = order(a, ae), bc = order(b, be);

			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		for (da = a; da < ae && vers_is_digit((unsigned char)*da); da++)
			;
		for (db = b; db < be && vers_is_digit((unsigned char)*db); db++)
			;
		if ((c = vers_digits_cmp(a, (size_t)(da - a), b, (size_t)(db - b))) != 0)
			return c;
		a = da;
		b = db;
	}
	return 0;
}

enum claro_status versions_dpkg_compare(const char *a, const char *b, int *cmp)
{
	struct dpkg_version va, vb;
	int c;

	if (!a || !b || !cmp || dpkg_parse(a, &va) != 0 || dpkg_parse(b, &vb) != 0)
		return CLARO_ERR_INVALID;
	c = vers_digits_cmp(va.epoch, va.epoch_len, vb.epoch, vb.epoch_len);
	if (c == 0)
		c = verrevcmp(va.upstream, va.upstream_end, vb.upstream, vb.upstream_end);
	if (c == 0)
		c = verrevcmp(va.revision, va.revision_end, vb.revision, vb.revision_end);
	*cmp = vers_sign(c);
	return CLARO_OK;
}

/* Normalised form (kind "dpkg", not in Clair): epoch, then the upstream
 * version's leading numbers while they are separated by single dots. Where
 * that stops, what follows sorts either below every further ".N" (a letter,
 * '~', '+', '-', ".~", a trailing '.') -- the rest stays 0 -- or above all
 * of them (".<letter>", ':', other characters) -- the rest is INT32_MAX.
 * The revision is left out. */
enum claro_status versions_dpkg_normalize(const char *s, struct claro_normalized_version *out)
{
	struct dpkg_version v;
	struct vers_norm n;
	const char *p, *d, *end;
	int slot = 1;

	if (!s || !out || dpkg_parse(s, &v) != 0)
		return CLARO_ERR_INVALID;
	vers_norm_begin(&n, out, "dpkg");
	vers_norm_digits(&n, 0, v.epoch, v.epoch_len);
	p = v.upstream;
	end = v.upstream_end;
	if (!vers_is_digit((unsigned char)*p)) {
		/* compared with the empty non-digit prefix of every clean version */
		if (order(p, end) > 0)
			vers_norm_fill(&n, 1, INT32_MAX);
		return CLARO_OK;
	}
	for (;;) {
		for (d = p; d < end && vers_is_digit((unsigned char)*d); d++)
			;
		vers_norm_digits(&n, slot++, p, (size_t)(d - p));
		p = d;
		if (p >= end || slot >= CLARO_NORM_VERSION_LEN)
			return CLARO_OK;
		if (*p == '.' && p + 1 < end && vers_is_digit((unsigned char)p[1])) {
			p++;
			continue;
		}
		/* the rest against ".N": the first non-digit character decides,
		 * and after a common '.', the next one against N's order 0 */
		if (*p == '.' ? order(p + 1, end) > 0 : order(p, end) > '.' + 256)
			vers_norm_fill(&n, slot, INT32_MAX);
		return CLARO_OK;
	}
}
