/* rpm: RPM [epoch:]version[-release] strings compared as rpm 4.18 does
 * (rpmverParse + rpmverCmp over rpmvercmp): alphanumeric segments, any other
 * character a separator; numeric segments beat alphabetic ones and compare
 * as numbers; '~' sorts before everything, the end included; '^' after the
 * end but before anything else. A missing epoch is 0; a missing release
 * sorts before any release (rpm's compare_values). Like rpm, every
 * non-empty string is a version; only "" is invalid.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "versions.h"

struct rpm_evr {
	const char *e, *ee; /* epoch digits ("0" when missing or empty) */
	const char *v, *ve;
	const char *r, *re; /* r == NULL: no release */
};

/* parseEVR(): leading digits then ':' make the epoch; the last '-' after
 * those digits starts the release. */
static int rpm_parse(const char *s, struct rpm_evr *evr)
{
	static const char zero[] = "0";
	const char *p = s, *end = s + strlen(s), *hyphen = NULL;

	if (!*s)
		return -1;
	while (vers_is_digit((unsigned char)*p))
		p++;
	for (const char *q = p; q < end; q++)
		if (*q == '-')
			hyphen = q;
	if (*p == ':') {
		evr->e = s;
		evr->ee = p;
		evr->v = p + 1;
	} else {
		evr->e = evr->ee = s;
		evr->v = s;
	}
	if (evr->e == evr->ee) { /* missing or empty: "0" */
		evr->e = zero;
		evr->ee = zero + 1;
	}
	evr->ve = hyphen ? hyphen : end;
	evr->r = hyphen ? hyphen + 1 : NULL;
	evr->re = end;
	return 0;
}

static int is_sep(const char *p, const char *end)
{
	return p < end && !vers_is_alnum((unsigned char)*p) && *p != '~' && *p != '^';
}

/* rpmvercmp() over [a, ae) and [b, be). */
static int rpmvercmp(const char *a, const char *ae, const char *b, const char *be)
{
	if (ae - a == be - b && memcmp(a, b, (size_t)(ae - a)) == 0)
		return 0;
	while (a < ae || b < be) {
		const char *sa, *sb;
		int isnum, c;

		while (is_sep(a, ae))
			a++;
		while (is_sep(b, be))
			b++;
		if ((a < ae && *a == '~') || (b < be && *b == '~')) {
			if (!(a < ae && *a == '~'))
				return 1;
			if (!(b < be && *b == '~'))
				return -1;
			a++;
			b++;
			continue;
		}
		if ((a < ae && *a == '^') || (b < be && *b == '^')) {
			if (a >= ae)
				return -1;
			if (b >= be)
				return 1;
			if (*a != '^')
				return 1;
			if (*b != '^')
				return -1;
			a++;
			b++;
			continue;
		}
		if (a >= ae || b >= be)
			break;
		sa = a;
		sb = b;
		isnum = vers_is_digit((unsigned char)*a);
		if (isnum) {
			while (sa < ae && vers_is_digit((unsigned char)*sa))
				sa++;
			while (sb < be && vers_is_digit((unsigned char)*sb))
				sb++;
		} else {
			while (sa < ae && vers_is_alpha((unsigned char)*sa))
				sa++;
			while (sb < be && vers_is_alpha((unsigned char)*sb))
				sb++;
		}
		if (sb == b) /* different kinds: numeric beats alphabetic */
			return isnum ? 1 : -1;
		if (isnum) {
			c = vers_digits_cmp(a, (size_t)(sa - a), b, (size_t)(sb - b));
		} else {
			size_t la = (size_t)(sa - a), lb = (size_t)(sb - b);

			c = memcmp(a, b, la < lb ? la : lb);
			if (c == 0)
				c = (la > lb) - (la < lb);
		}
		if (c != 0)
			return vers_sign(c);
		a = sa;
		b = sb;
	}
	if (a >= ae && b >= be)
		return 0;
	return a >= ae ? -1 : 1;
}

enum claro_status versions_rpm_compare(const char *a, const char *b, int *cmp)
{
	struct rpm_evr x, y;
	int c;

	if (!a || !b || !cmp || rpm_parse(a, &x) != 0 || rpm_parse(b, &y) != 0)
		return CLARO_ERR_INVALID;
	c = rpmvercmp(x.e, x.ee, y.e, y.ee);
	if (c == 0)
		c = rpmvercmp(x.v, x.ve, y.v, y.ve);
	if (c == 0 && (x.r || y.r))
		c = !x.r ? -1 : !y.r ? 1 : rpmvercmp(x.r, x.re, y.r, y.re);
	*cmp = c;
	return CLARO_OK;
}

/* Normalised form (kind "rpm", not in Clair): the epoch, then the
 * version's numeric segments up to the first one that is not numeric. What
 * stops the run (a letter segment, '~', '^' or the end) sorts below any
 * further numeric segment, so the rest stays 0. The release is left out. */
enum claro_status versions_rpm_normalize(const char *s, struct claro_normalized_version *out)
{
	struct rpm_evr evr;
	struct vers_norm n;
	const char *p, *d;

	if (!s || !out || rpm_parse(s, &evr) != 0)
		return CLARO_ERR_INVALID;
	vers_norm_begin(&n, out, "rpm");
	vers_norm_digits(&n, 0, evr.e, (size_t)(evr.ee - evr.e));
	p = evr.v;
	for (int slot = 1; slot < CLARO_NORM_VERSION_LEN; slot++) {
		while (is_sep(p, evr.ve))
			p++;
		if (p >= evr.ve || !vers_is_digit((unsigned char)*p))
			break;
		for (d = p; d < evr.ve && vers_is_digit((unsigned char)*d); d++)
			;
		vers_norm_digits(&n, slot, p, (size_t)(d - p));
		p = d;
	}
	return CLARO_OK;
}
