/* test_versions: the normalised forms of the version schemes against their
 * own compare, over every version in the real vector files of
 * $CLARO_TESTDATA/vercmp (the compares themselves are checked against the
 * native tools' verdicts by test-vercmp.sh).
 *
 * For each scheme: every distinct version of its files that the scheme
 * accepts is sorted with compare; the sort must be consistent (each
 * neighbour <= the next) and the normalised forms must never go down along
 * it, and be equal where compare says equal -- so a < b implies
 * norm(a) <= norm(b) for every pair, which is what a range filter on the
 * normalised form needs. The vector lines themselves are checked pair by
 * pair too. A version normalises exactly when it compares; the kind is the
 * scheme's (Clair's "pep440" and "semver"). Plus the API's edges: NULL
 * arguments and invalid versions give CLARO_ERR_INVALID.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "versions.h"
#include "../../tests/tap.h"

typedef enum claro_status (*compare_fn)(const char *, const char *, int *);
typedef enum claro_status (*normalize_fn)(const char *, struct claro_normalized_version *);

struct scheme {
	const char *name, *kind;
	compare_fn compare;
	normalize_fn normalize;
	const char *files[6]; /* under vercmp/ */
	/* hard cases for the normalised form, beyond the files */
	const char *extra[40];
};

static const struct scheme schemes[] = {
    {"dpkg",
     "dpkg",
     versions_dpkg_compare,
     versions_dpkg_normalize,
     {"osv-scalibr/debian-versions-generated.txt", "osv-scalibr/debian-versions.txt"},
     {"1.0",
      "1.0.0",
      "1.",
      "1.0~",
      "1.0.~",
      "1.0.a",
      "1.0a",
      "1.0+b",
      "1.0:1",
      "1:1.0",
      "1.0-1",
      "1.0.0-1",
      "a1",
      "~a1",
      "1.99999999999999999999",
      "1.99999999999999999999.1",
      "1.2.3.4.5.6.7.8.9.10.11",
      "1.2.3.4.5.6.7.8.9.10.12",
      "0:1..2",
      "1.0~~",
      "2147483647:1",
      "1.0.z",
      "1.0.Z",
      "1.0.-1"}},
    {"rpm",
     "rpm",
     versions_rpm_compare,
     versions_rpm_normalize,
     {"rpm/rpmvercmp.txt", "rpm/rpmvercmp-oddities.txt", "claircore/rpmver/rpmvercmp",
      "osv-scalibr/redhat-versions.txt"},
     {"1.0", "1.0^", "1.0~", "1.0a", "1.0.a", "1.0.0", "1.0-1", "1.0-", "1:1.0", "01:1.0", ":1.0",
      "1.0^git1~1", "1.99999999999999999999", "1.99999999999999999999.2", "a", "~", "^", "1..0",
      "1.2.3.4.5.6.7.8.9.10"}},
    {"apk",
     "apk",
     versions_apk_compare,
     versions_apk_normalize,
     {"apk/version-2.14-stable.data", "osv-scalibr/alpine-versions-generated.txt",
      "osv-scalibr/alpine-versions.txt"},
     {"1.0",
      "1.00",
      "1.01",
      "1.001",
      "1.0.1",
      "1.0.0",
      "1.1",
      "1.",
      "1.0a",
      "1.0_alpha",
      "1.0_p1",
      "1.0-r1",
      "1.0X",
      "1.0-x",
      "1.0~1",
      "1.0.X",
      "0",
      "00",
      "a",
      "A",
      "1.99999999999999999999",
      "1.99999999999999999999.5",
      "1.2.3.4.5.6.7.8.9.10.11",
      "1_rc",
      "1_foo"}},
    {"pep440",
     "pep440",
     versions_pep440_compare,
     versions_pep440_normalize,
     {"pep440/pep440-ordered.txt", "osv-scalibr/pypi-versions-generated.txt",
      "osv-scalibr/pypi-versions.txt"},
     {"1.0.dev0",
      "1.0.dev1",
      "1.0.dev2",
      "1.0a1.dev0",
      "1.0a1.dev1",
      "1.0a1.dev2",
      "1.0a1",
      "1.0.post0.dev0",
      "1.0.post0.dev3",
      "1.0.post0",
      "1.0.post1.dev0",
      "1.0.post1.dev5",
      "1.0.post1",
      "1.0",
      "1.0+local",
      "1.0.0.0.0.0a1",
      "1.0.0.0.0.1",
      "1.0.0.0.0.1a1",
      "1.0.0.0.0.2",
      "1.0.0.0.1",
      "1.99999999999",
      "1.99999999999.1",
      "1.0a99999999999",
      "1.0.post99999999999",
      "1.0.post99999999999.dev1",
      "1.0.dev99999999999",
      "99999999999!1.0",
      "1.0.dev2147483644",
      "1.0.dev2147483645",
      "1.0a0",
      "1.0rc0.dev0",
      "1!0.dev0"}},
    {"semver",
     "semver",
     versions_semver_compare,
     versions_semver_normalize,
     {"osv-scalibr/semver-versions.txt"},
     {"1.0.0", "1.0.0-rc.1", "v1.0.0", "1", "1.2", "1.2.3+build", "0.0.0-0", "99999999999.0.0",
      "1.99999999999.5", "1.99999999999.6"}},
    {"maven",
     "maven",
     versions_maven_compare,
     versions_maven_normalize,
     {"osv-scalibr/maven-versions-generated.txt", "osv-scalibr/maven-versions.txt",
      "claircore/maven/compare.list"},
     {"1",
      "1.0",
      "1-1",
      "1.0.1",
      "1-sp",
      "1.sp",
      "1-alpha",
      "1.alpha",
      "1a1",
      "1.0-SNAPSHOT",
      "1.0.0.RC1",
      "1.0.0-RC1",
      "1.99999999999",
      "1.99999999999.1",
      "",
      "-1",
      "1--1",
      "1.0.a",
      "a",
      "1.2.3.4.5.6.7.8.9.10.11"}},
    {"gem",
     "gem",
     versions_gem_compare,
     versions_gem_normalize,
     {"osv-scalibr/rubygems-versions-generated.txt", "osv-scalibr/rubygems-versions.txt"},
     {"1", "1.0", "1.0.0", "1.a", "1.0.a", "1-a", "1.0.0.1", "1.0.a.0", "1.0.a.1", "", " 1 ", "0",
      "1.99999999999", "1.99999999999.1", "1.2.3.4.5.6.7.8.9.10.11"}},
};

struct strv {
	char **v;
	size_t n, cap;
};

static int strv_add(struct strv *s, const char *str, size_t len)
{
	char *d;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	if (!(d = malloc(len + 1)))
		return -1;
	memcpy(d, str, len);
	d[len] = '\0';
	s->v[s->n++] = d;
	return 0;
}

static void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Fields of a vector line: "a op b", or one version a line (the ordered
 * PEP 440 list). Comments (#, //) and blank lines give 0 fields. */
static size_t split_line(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line, *hash;

	if (p[0] == '#' || (p[0] == '/' && p[1] == '/'))
		return 0;
	if ((hash = strstr(p, " #")) || (hash = strstr(p, "\t#")))
		*hash = '\0';
	while (*p && n < max) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			*p++ = '\0';
		if (!*p)
			break;
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
	}
	return n;
}

static int is_op(const char *s)
{
	return !strcmp(s, "<") || !strcmp(s, ">") || !strcmp(s, "=") || !strcmp(s, "==");
}

/* Reads path: its versions into all, its "a op b" pairs into pairs (a, b
 * consecutive). -1 if it cannot be read. */
static int read_vectors(const char *path, struct strv *all, struct strv *pairs)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *f[4];
	size_t cap = 0, n;
	int rc = 0;

	if (!fp) {
		diag("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, fp) > 0) {
		n = split_line(line, f, 4);
		if (n == 1) {
			rc = strv_add(all, f[0], strlen(f[0]));
		} else if (n == 3 && is_op(f[1])) {
			rc = strv_add(all, f[0], strlen(f[0])) || strv_add(all, f[2], strlen(f[2])) ||
			     strv_add(pairs, f[0], strlen(f[0])) || strv_add(pairs, f[2], strlen(f[2]));
		}
	}
	free(line);
	fclose(fp);
	return rc;
}

static int norm_cmp(const struct claro_normalized_version *a, const struct claro_normalized_version *b)
{
	int c = strcmp(a->kind ? a->kind : "", b->kind ? b->kind : "");

	for (int i = 0; c == 0 && i < CLARO_NORM_VERSION_LEN; i++)
		c = (a->v[i] > b->v[i]) - (a->v[i] < b->v[i]);
	return c;
}

static const char *norm_str(const struct claro_normalized_version *n, char *buf, size_t len)
{
	size_t off = (size_t)snprintf(buf, len, "%s:", n->kind ? n->kind : "");

	for (int i = 0; i < CLARO_NORM_VERSION_LEN && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, i ? ".%ld" : "%ld", (long)n->v[i]);
	return buf;
}

/* Merge sort with the scheme's compare (qsort needs no particular
 * algorithm; this one never compares an element with itself). */
static const struct scheme *sort_scheme;

static int cmp_versions(const void *a, const void *b)
{
	int c = 0;

	sort_scheme->compare(*(char *const *)a, *(char *const *)b, &c);
	return c;
}

static void merge_sort(char **v, char **tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	merge_sort(v, tmp, mid);
	merge_sort(v + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[k++] = cmp_versions(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

static int by_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_scheme(const struct scheme *s, const char *td)
{
	struct strv all = {0}, pairs = {0}, valid = {0};
	size_t bad_kind = 0, bad_defined = 0, bad_order = 0, bad_norm = 0, bad_pairs = 0, npairs = 0;
	char **tmp, a_buf[160], b_buf[160];
	int read_ok = 1;

	for (size_t i = 0; i < sizeof(s->files) / sizeof(s->files[0]) && s->files[i]; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/vercmp/%s", td, s->files[i]);
		if (read_vectors(path, &all, &pairs) != 0)
			read_ok = 0;
	}
	for (size_t i = 0; i < sizeof(s->extra) / sizeof(s->extra[0]) && s->extra[i]; i++)
		strv_add(&all, s->extra[i], strlen(s->extra[i]));
	ok(read_ok && all.n > 0, "%s: read %zu versions from the vector files", s->name, all.n);

	/* distinct versions; each normalises exactly when it compares */
	qsort(all.v, all.n, sizeof(*all.v), by_strcmp);
	for (size_t i = 0; i < all.n; i++) {
		struct claro_normalized_version nv;
		int c, cmp_ok, norm_ok;

		if (i > 0 && strcmp(all.v[i], all.v[i - 1]) == 0)
			continue;
		cmp_ok = s->compare(all.v[i], all.v[i], &c) == CLARO_OK;
		norm_ok = s->normalize(all.v[i], &nv) == CLARO_OK;
		if (cmp_ok != norm_ok || (cmp_ok && c != 0)) {
			if (bad_defined++ < 5)
				diag("%s: \"%s\": compare with itself %d (%d), normalize %d", s->name,
				     all.v[i], cmp_ok, c, norm_ok);
			continue;
		}
		if (!cmp_ok)
			continue;
		if (!nv.kind || strcmp(nv.kind, s->kind) != 0)
			bad_kind++;
		strv_add(&valid, all.v[i], strlen(all.v[i]));
	}
	ok(bad_defined == 0, "%s: a version normalises exactly when it compares (and equals itself)",
	   s->name);
	ok(bad_kind == 0, "%s: every normalised form has kind \"%s\"", s->name, s->kind);

	/* sorted by compare: consistent, and the normalised forms never go down */
	tmp = malloc((valid.n ? valid.n : 1) * sizeof(*tmp));
	sort_scheme = s;
	if (tmp)
		merge_sort(valid.v, tmp, valid.n);
	free(tmp);
	for (size_t i = 1; i < valid.n; i++) {
		struct claro_normalized_version na, nb;
		int c = 0, nc;

		s->compare(valid.v[i - 1], valid.v[i], &c);
		if (c > 0) {
			if (bad_order++ < 5)
				diag("%s: sorted \"%s\" before \"%s\" but compare says >", s->name,
				     valid.v[i - 1], valid.v[i]);
			continue;
		}
		s->normalize(valid.v[i - 1], &na);
		s->normalize(valid.v[i], &nb);
		nc = norm_cmp(&na, &nb);
		if (nc > 0 || (c == 0 && nc != 0)) {
			if (bad_norm++ < 5)
				diag("%s: \"%s\" %s \"%s\" but %s vs %s", s->name, valid.v[i - 1],
				     c ? "<" : "=", valid.v[i], norm_str(&na, a_buf, sizeof(a_buf)),
				     norm_str(&nb, b_buf, sizeof(b_buf)));
		}
	}
	ok(valid.v && bad_order == 0, "%s: the %zu valid versions sort consistently with compare", s->name,
	   valid.n);
	ok(valid.v && bad_norm == 0,
	   "%s: along that order the normalised form never decreases (a < b => norm(a) <= "
	   "norm(b); a = b => equal)",
	   s->name);

	/* the vector lines pair by pair */
	for (size_t i = 0; i + 1 < pairs.n; i += 2) {
		struct claro_normalized_version na, nb;
		int c;

		if (s->compare(pairs.v[i], pairs.v[i + 1], &c) != CLARO_OK)
			continue;
		npairs++;
		s->normalize(pairs.v[i], &na);
		s->normalize(pairs.v[i + 1], &nb);
		if (c != 0 && vers_sign(norm_cmp(&na, &nb)) == -c) {
			if (bad_pairs++ < 5)
				diag("%s: \"%s\" vs \"%s\": compare %d, normalised %s vs %s", s->name,
				     pairs.v[i], pairs.v[i + 1], c, norm_str(&na, a_buf, sizeof(a_buf)),
				     norm_str(&nb, b_buf, sizeof(b_buf)));
		} else if (c == 0 && norm_cmp(&na, &nb) != 0) {
			bad_pairs++;
		}
	}
	ok(npairs > 0 && bad_pairs == 0, "%s: each of the %zu vector pairs keeps its order when normalised",
	   s->name, npairs);
	strv_free(&all);
	strv_free(&pairs);
	strv_free(&valid);
}

static void check_edges(const struct scheme *s)
{
	struct claro_normalized_version nv;
	int c = 7;

	ok(s->compare(NULL, "1", &c) == CLARO_ERR_INVALID && s->compare("1", NULL, &c) == CLARO_ERR_INVALID &&
	       s->compare("1", "1", NULL) == CLARO_ERR_INVALID &&
	       s->normalize(NULL, &nv) == CLARO_ERR_INVALID && s->normalize("1", NULL) == CLARO_ERR_INVALID,
	   "%s: NULL arguments are CLARO_ERR_INVALID", s->name);
}

int main(void)
{
	const char *td = getenv("CLARO_TESTDATA");
	const size_t n = sizeof(schemes) / sizeof(schemes[0]);
	struct claro_normalized_version nv;
	int c;

	if (!td || !*td)
		td = "../shared/testdata";
	plan((int)(n * 7) + 4);
	for (size_t i = 0; i < n; i++) {
		check_scheme(&schemes[i], td);
		check_edges(&schemes[i]);
	}
	/* versions the native tools refuse (see test-vercmp.sh for the rest) */
	ok(versions_pep440_compare("1.0", "foo", &c) == CLARO_ERR_INVALID &&
	       versions_pep440_normalize("1.0-", &nv) == CLARO_ERR_INVALID,
	   "pep440: legacy versions are invalid, as in packaging >= 22");
	ok(versions_dpkg_compare("1:", "1", &c) == CLARO_ERR_INVALID &&
	       versions_dpkg_compare("1.0-", "1", &c) == CLARO_ERR_INVALID &&
	       versions_dpkg_compare("1 2", "1", &c) == CLARO_ERR_INVALID &&
	       versions_dpkg_compare("-1:2", "1", &c) == CLARO_ERR_INVALID &&
	       versions_dpkg_compare("2147483648:1", "1", &c) == CLARO_ERR_INVALID,
	   "dpkg: what dpkg --compare-versions refuses is invalid (no revision after '-', bad epoch, "
	   "blanks)");
	ok(versions_semver_compare("1.2.3.4", "1", &c) == CLARO_ERR_INVALID &&
	       versions_semver_compare("1.2.3-", "1", &c) == CLARO_ERR_INVALID &&
	       versions_semver_compare("1.2.3-a..b", "1", &c) == CLARO_ERR_INVALID,
	   "semver: more than three numbers and empty identifiers are invalid");
	ok(versions_rpm_compare("", "1", &c) == CLARO_ERR_INVALID &&
	       versions_apk_compare("", "1", &c) == CLARO_ERR_INVALID &&
	       versions_gem_compare("1..0", "1", &c) == CLARO_ERR_INVALID &&
	       versions_gem_compare(" ", "0", &c) == CLARO_OK && c == 0,
	   "rpm and apk refuse only \"\"; gem refuses what Gem::Version does and reads \"\" as 0");
	return exit_status();
}
