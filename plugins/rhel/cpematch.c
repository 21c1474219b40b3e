/* CPE name comparison for the rhel matcher; see cpematch.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "cpematch.h"

static int has_wildcard(const char *v)
{
	return strpbrk(v, "*?") != NULL;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int equal_fold(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* The first position of needle (n bytes) in hay, case-insensitively. */
static const char *find_fold(const char *hay, const char *needle, size_t n)
{
	for (const char *p = hay; strlen(p) >= n; p++) {
		size_t i = 0;

		while (i < n && lower((unsigned char)p[i]) == lower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return p;
	}
	return NULL;
}

int cpematch_glob(const char *pattern, const char *value)
{
	const char *s = pattern, *e = pattern + strlen(pattern), *at;
	long pre = 0, suf = 0; /* -1: any number ('*'), else exactly that many ('?') */
	size_t n;

	if (*s == '*') {
		pre = -1;
		s++;
	} else {
		while (*s == '?') {
			pre++;
			s++;
		}
	}
	if (e > s && e[-1] == '*') {
		suf = -1;
		e--;
	} else {
		while (e > s && e[-1] == '?') {
			suf++;
			e--;
		}
	}
	n = (size_t)(e - s);
	if (!(at = find_fold(value, s, n)))
		return 0;
	if (pre != -1 && (at - value) != pre)
		return 0;
	/* NIST IR 7696 §6.3: exactly suf characters after the match.
	 * (claircore computes len(t)-idx+len(s) here, which only ever agrees
	 * when there is no '?' suffix; Red Hat's data has none.) */
	if (suf != -1 && strlen(at + n) != (size_t)suf)
		return 0;
	return 1;
}

static enum cpematch_relation compare_attr(const struct cpe_value *sv, const struct cpe_value *tv)
{
	int s_any = sv->kind == CPE_ANY || sv->kind == CPE_UNSET;
	int t_any = tv->kind == CPE_ANY || tv->kind == CPE_UNSET;

	if (tv->kind == CPE_SET && has_wildcard(tv->v))
		return CPEMATCH_UNDEFINED;
	if (s_any)
		return t_any ? CPEMATCH_EQUAL : CPEMATCH_SUPERSET;
	if (sv->kind == CPE_NA) {
		if (t_any)
			return CPEMATCH_SUBSET;
		return tv->kind == CPE_NA ? CPEMATCH_EQUAL : CPEMATCH_DISJOINT;
	}
	/* a set value */
	if (t_any)
		return CPEMATCH_SUBSET;
	if (tv->kind == CPE_NA)
		return CPEMATCH_DISJOINT;
	if (has_wildcard(sv->v))
		return cpematch_glob(sv->v, tv->v) ? CPEMATCH_SUPERSET : CPEMATCH_DISJOINT;
	return equal_fold(sv->v, tv->v) ? CPEMATCH_EQUAL : CPEMATCH_DISJOINT;
}

void cpematch_relations(const struct cpe *source, const struct cpe *target,
			enum cpematch_relation out[CPE_NATTR])
{
	for (int i = 0; i < CPE_NATTR; i++)
		out[i] = compare_attr(&source->attr[i], &target->attr[i]);
}

int cpematch_is_superset(const struct cpe *source, const struct cpe *target)
{
	for (int i = 0; i < CPE_NATTR; i++) {
		enum cpematch_relation r = compare_attr(&source->attr[i], &target->attr[i]);

		if (r != CPEMATCH_EQUAL && r != CPEMATCH_SUPERSET)
			return 0;
	}
	return 1;
}

int cpematch_is_prefix(const struct cpe *target, const struct cpe *source)
{
	char *t = cpe_bind_fs(target), *s = cpe_bind_fs(source);
	size_t n;
	int r = -1;

	if (t && s) {
		n = strlen(s);
		while (n > 0 && (s[n - 1] == ':' || s[n - 1] == '*'))
			n--;
		r = strncmp(t, s, n) == 0;
	}
	free(t);
	free(s);
	return r;
}
