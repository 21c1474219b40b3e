/* semver: Semantic Versioning 2.0.0 precedence (semver.org §11), parsed as
 * leniently as Masterminds/semver's NewVersion, which Clair uses for OSV and
 * npm: an optional "v", minor and patch optional (0), then "-prerelease"
 * and "+build" identifiers of [0-9A-Za-z-]. Numbers of any length compare
 * exactly (Masterminds stops at 64 bits); leading zeros are accepted and
 * compare by value. Build metadata never counts.
 *
 * The normalised form is Clair's: kind "semver", major, minor and patch in
 * V[1..3]; the pre-release is dropped (it only ever makes a version
 * smaller, so the form stays ordered).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "versions.h"

struct semver {
	const char *num[3]; /* major, minor, patch digits (len 0: absent = 0) */
	size_t num_len[3];
	const char *pre; /* identifiers after '-', or NULL */
	size_t pre_len;
};

static int is_ident_char(unsigned char c)
{
	return vers_is_alnum(c) || c == '-';
}

/* Dot-separated non-empty identifiers of [0-9A-Za-z-]; returns the end. */
static const char *identifiers(const char *p)
{
	for (;;) {
		const char *q = p;

		while (is_ident_char((unsigned char)*q))
			q++;
		if (q == p)
			return NULL;
		if (*q != '.')
			return q;
		p = q + 1;
	}
}

static int semver_parse(const char *s, struct semver *v)
{
	const char *p = s, *q;

	memset(v, 0, sizeof(*v));
	if (*p == 'v' || *p == 'V')
		p++;
	for (int i = 0; i < 3; i++) {
		if (i > 0) {
			if (*p != '.')
				break;
			p++;
		}
		for (q = p; vers_is_digit((unsigned char)*q); q++)
			;
		if (q == p)
			return -1;
		v->num[i] = p;
		v->num_len[i] = (size_t)(q - p);
		p = q;
	}
	if (*p == '-') {
		v->pre = p + 1;
		if (!(q = identifiers(v->pre)))
			return -1;
		v->pre_len = (size_t)(q - v->pre);
		p = q;
	}
	if (*p == '+') {
		if (!(q = identifiers(p + 1)))
			return -1;
		p = q;
	}
	return *p == '\0' ? 0 : -1;
}

static int all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!vers_is_digit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Pre-release precedence: none > any; identifier by identifier, numbers as
 * numbers, below alphanumerics, which compare in ASCII order; a prefix is
 * less. */
static int cmp_pre(const struct semver *a, const struct semver *b)
{
	const char *pa = a->pre, *pb = b->pre, *ea, *eb;

	if (!pa || !pb)
		return (pa == NULL) - (pb == NULL);
	ea = pa + a->pre_len;
	eb = pb + b->pre_len;
	while (pa < ea && pb < eb) {
		const char *qa = memchr(pa, '.', (size_t)(ea - pa)), *qb = memchr(pb, '.', (size_t)(eb - pb));
		size_t la, lb;
		int na, nb, c;

		qa = qa ? qa : ea;
		qb = qb ? qb : eb;
		la = (size_t)(qa - pa);
		lb = (size_t)(qb - pb);
		na = all_digits(pa, la);
		nb = all_digits(pb, lb);
		if (na != nb)
			return na ? -1 : 1;
		if (na) {
			c = vers_digits_cmp(pa, la, pb, lb);
		} else {
			c = memcmp(pa, pb, la < lb ? la : lb);
			if (c == 0)
				c = (la > lb) - (la < lb);
		}
		if (c != 0)
			return vers_sign(c);
		pa = qa < ea ? qa + 1 : ea;
		pb = qb < eb ? qb + 1 : eb;
	}
	return (pa < ea) - (pb < eb);
}

enum claro_status versions_semver_compare(const char *a, const char *b, int *cmp)
{
	struct semver va, vb;
	int c = 0;

	if (!a || !b || !cmp || semver_parse(a, &va) != 0 || semver_parse(b, &vb) != 0)
		return CLARO_ERR_INVALID;
	for (int i = 0; i < 3 && c == 0; i++)
		c = vers_digits_cmp(va.num[i], va.num_len[i], vb.num[i], vb.num_len[i]);
	if (c == 0)
		c = cmp_pre(&va, &vb);
	*cmp = c;
	return CLARO_OK;
}

enum claro_status versions_semver_normalize(const char *s, struct claro_normalized_version *out)
{
	struct semver v;
	struct vers_norm n;

	if (!s || !out || semver_parse(s, &v) != 0)
		return CLARO_ERR_INVALID;
	vers_norm_begin(&n, out, "semver");
	for (int i = 0; i < 3; i++)
		vers_norm_digits(&n, 1 + i, v.num[i], v.num_len[i]);
	return CLARO_OK;
}
