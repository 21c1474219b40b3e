/* Fuzz target: the version schemes of plugins/versions. The input is read
 * as lines; each line's first and last fields (split on blanks and tabs, so
 * "a < b" and "a<TAB>b" both work) go through every scheme, and so does the
 * whole input as one version, and every pair among the first 24 of those
 * fields. For any strings:
 *   - compare answers CLARO_OK or CLARO_ERR_INVALID, the same both ways
 *     round, with opposite signs; a valid version equals itself;
 *   - normalize succeeds exactly when compare accepts the version, and
 *     keeps the order: a < b gives norm(a) <= norm(b), a = b equal forms.
 * Seeds: every vector file of $CLARO_TESTDATA/vercmp.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "versions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct scheme {
	enum claro_status (*compare)(const char *, const char *, int *);
	enum claro_status (*normalize)(const char *, struct claro_normalized_version *);
};

static const struct scheme schemes[] = {
    {versions_dpkg_compare, versions_dpkg_normalize},
    {versions_rpm_compare, versions_rpm_normalize},
    {versions_apk_compare, versions_apk_normalize},
    {versions_pep440_compare, versions_pep440_normalize},
    {versions_semver_compare, versions_semver_normalize},
    {versions_maven_compare, versions_maven_normalize},
    {versions_gem_compare, versions_gem_normalize},
};

static int norm_cmp(const struct claro_normalized_version *a, const struct claro_normalized_version *b)
{
	int c = strcmp(a->kind, b->kind);

	for (int i = 0; c == 0 && i < CLARO_NORM_VERSION_LEN; i++)
		c = (a->v[i] > b->v[i]) - (a->v[i] < b->v[i]);
	return c;
}

static void check(const struct scheme *s, const char *a, const char *b)
{
	struct claro_normalized_version na, nb;
	enum claro_status ab, ba, aa, bb, sna, snb;
	int c1 = 0, c2 = 0, c3 = 0, c4 = 0;

	ab = s->compare(a, b, &c1);
	ba = s->compare(b, a, &c2);
	aa = s->compare(a, a, &c3);
	bb = s->compare(b, b, &c4);
	if ((ab != CLARO_OK && ab != CLARO_ERR_INVALID) || ab != ba)
		abort();
	if (ab == CLARO_OK && (vers_sign(c1) != -vers_sign(c2) || aa != CLARO_OK || bb != CLARO_OK))
		abort();
	if ((aa == CLARO_OK && c3 != 0) || (bb == CLARO_OK && c4 != 0))
		abort();
	sna = s->normalize(a, &na);
	snb = s->normalize(b, &nb);
	if ((sna == CLARO_OK) != (aa == CLARO_OK) || (snb == CLARO_OK) != (bb == CLARO_OK))
		abort();
	if (ab != CLARO_OK)
		return;
	if (!na.kind || !nb.kind || strcmp(na.kind, nb.kind) != 0)
		abort();
	if ((c1 < 0 && norm_cmp(&na, &nb) > 0) || (c1 > 0 && norm_cmp(&na, &nb) < 0) ||
	    (c1 == 0 && norm_cmp(&na, &nb) != 0))
		abort(); /* the normalised form does not keep the order */
}

static void check_all(const char *a, const char *b)
{
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		check(&schemes[i], a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum { MAX_SEEN = 24 };
	char *buf = malloc(size + 1), *line, *next, *seen[MAX_SEEN];
	size_t nseen = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	check_all(buf, buf);
	for (line = buf; line; line = next) {
		char *first, *last, *p;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (first = line; *first == ' ' || *first == '\t'; first++)
			;
		for (p = first; *p && *p != ' ' && *p != '\t'; p++)
			;
		last = p;
		if (*p) {
			*p++ = '\0';
			/* the last field of the rest */
			last = p;
			for (char *q = p; *q; q++)
				if ((q[0] == ' ' || q[0] == '\t') && q[1] && q[1] != ' ' && q[1] != '\t')
					last = q + 1;
			for (p = last; *p && *p != ' ' && *p != '\t'; p++)
				;
			*p = '\0';
		}
		check_all(first, *last ? last : first);
		if (nseen < MAX_SEEN)
			seen[nseen++] = first;
		if (*last && nseen < MAX_SEEN)
			seen[nseen++] = last;
	}
	/* and every pair among the first versions of the input, lines apart */
	for (size_t i = 0; i < nseen; i++)
		for (size_t j = i + 1; j < nseen; j++)
			check_all(seen[i], seen[j]);
	free(buf);
	return 0;
}
