/* pep440: Python package versions as PEP 440 and pypa/packaging's Version
 * (23.0) define them: the same grammar (packaging's VERSION_PATTERN,
 * case-insensitive, surrounding whitespace allowed, a leading "v") and the
 * same order (packaging's _cmpkey), local versions included. Legacy
 * (non-PEP 440) versions are invalid, as in packaging >= 22.
 *
 * The normalised form is claircore's pkg/pep440 layout: epoch, five release
 * numbers, pre-release label (a = -3, b = -2, rc = -1) and number, post,
 * dev; a dev release without pre or post puts INT32_MIN + dev in the label
 * slot so it sorts below every pre-release. Where claircore's form puts
 * versions in the wrong order we deviate (README.md): dev numbers count up
 * from INT32_MIN (claircore stores -dev, so .dev2 < .dev1), ".dev0" and
 * ".post0" are told apart from their absence, and a release with more than
 * five numbers sorts after every suffix of its first five.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "versions.h"

enum pre_label { PRE_NONE = 0, PRE_A = 1, PRE_B = 2, PRE_RC = 3 };

/* A parsed version: spans into the input string. */
struct pep440 {
	const char *epoch; /* digits, or NULL (0) */
	size_t epoch_len;
	const char *release; /* "1.2.3": digits separated by '.' */
	size_t release_len;
	enum pre_label pre;
	const char *pre_n; /* digits; empty = 0 */
	size_t pre_n_len;
	int has_post;
	const char *post_n;
	size_t post_n_len;
	int has_dev;
	const char *dev_n;
	size_t dev_n_len;
	const char *local; /* after '+', or NULL */
	size_t local_len;
};

/* Python's \s for the ASCII range (str.isspace()). */
static int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static int is_sep(unsigned char c)
{
	return c == '-' || c == '_' || c == '.';
}

static const char *skip_digits(const char *p)
{
	while (vers_is_digit((unsigned char)*p))
		p++;
	return p;
}

/* The pre-release spellings, longest first: where one is a prefix of
 * another ("pre"/"preview", "a"/"alpha") the shorter one never leads to a
 * full match when the longer one fits, so longest-first equals the
 * backtracking regular expression. */
static size_t pre_label(const char *p, enum pre_label *out)
{
	static const struct {
		const char *word;
		enum pre_label label;
	} words[] = {{"preview", PRE_RC}, {"alpha", PRE_A}, {"beta", PRE_B}, {"pre", PRE_RC},
		     {"rc", PRE_RC},      {"a", PRE_A},     {"b", PRE_B},    {"c", PRE_RC}};
	size_t n;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if ((n = vers_prefix_ci(p, words[i].word)) > 0) {
			*out = words[i].label;
			return n;
		}
	return 0;
}

static size_t post_label(const char *p)
{
	size_t n;

	if ((n = vers_prefix_ci(p, "post")) > 0 || (n = vers_prefix_ci(p, "rev")) > 0)
		return n;
	return vers_prefix_ci(p, "r");
}

/* "[-_.]?" LABEL "[-_.]?" "[0-9]*": the optional separators are taken
 * greedily, as the regular expression does. Returns the end, sets the
 * number's span. */
static const char *label_number(const char *p, const char **num, size_t *num_len)
{
	const char *q;

	if (is_sep((unsigned char)*p))
		p++;
	q = skip_digits(p);
	*num = p;
	*num_len = (size_t)(q - p);
	return q;
}

static int pep440_parse(const char *s, struct pep440 *v)
{
	const char *p = s, *q;
	size_t n;

	memset(v, 0, sizeof(*v));
	while (is_space((unsigned char)*p))
		p++;
	if (*p == 'v' || *p == 'V')
		p++;
	q = skip_digits(p);
	if (q == p)
		return -1;
	if (*q == '!') { /* epoch */
		v->epoch = p;
		v->epoch_len = (size_t)(q - p);
		p = q + 1;
		if (!vers_is_digit((unsigned char)*p))
			return -1;
	}
	v->release = p;
	p = skip_digits(p);
	while (*p == '.' && vers_is_digit((unsigned char)p[1]))
		p = skip_digits(p + 1);
	v->release_len = (size_t)(p - v->release);

	q = is_sep((unsigned char)*p) ? p + 1 : p;
	if ((n = pre_label(q, &v->pre)) > 0)
		p = label_number(q + n, &v->pre_n, &v->pre_n_len);

	if (*p == '-' && vers_is_digit((unsigned char)p[1])) { /* implicit post: "1.0-1" */
		v->has_post = 1;
		v->post_n = p + 1;
		p = skip_digits(p + 1);
		v->post_n_len = (size_t)(p - v->post_n);
	} else {
		q = is_sep((unsigned char)*p) ? p + 1 : p;
		if ((n = post_label(q)) > 0) {
			v->has_post = 1;
			p = label_number(q + n, &v->post_n, &v->post_n_len);
		}
	}

	q = is_sep((unsigned char)*p) ? p + 1 : p;
	if ((n = vers_prefix_ci(q, "dev")) > 0) {
		v->has_dev = 1;
		p = label_number(q + n, &v->dev_n, &v->dev_n_len);
	}

	if (*p == '+') { /* local: [a-z0-9]+ ([-_.][a-z0-9]+)* */
		v->local = ++p;
		if (!vers_is_alnum((unsigned char)*p))
			return -1;
		while (vers_is_alnum((unsigned char)*p))
			p++;
		while (is_sep((unsigned char)*p) && vers_is_alnum((unsigned char)p[1])) {
			p++;
			while (vers_is_alnum((unsigned char)*p))
				p++;
		}
		v->local_len = (size_t)(p - v->local);
	}
	while (is_space((unsigned char)*p))
		p++;
	return *p == '\0' ? 0 : -1;
}

/* The next '.'-separated number of a release span, or an empty run (0) past
 * its end. */
static void next_number(const char **p, const char *end, const char **num, size_t *len)
{
	const char *q = *p;

	*num = q;
	if (q >= end) {
		*len = 0;
		return;
	}
	while (q < end && *q != '.')
		q++;
	*len = (size_t)(q - *p);
	*p = q < end ? q + 1 : q;
}

/* Releases compare as tuples with trailing zeros dropped, i.e. padded with
 * zeros to the same length. */
static int cmp_release(const struct pep440 *a, const struct pep440 *b)
{
	const char *pa = a->release, *ea = pa + a->release_len;
	const char *pb = b->release, *eb = pb + b->release_len;

	while (pa < ea || pb < eb) {
		const char *na, *nb;
		size_t la, lb;
		int c;

		next_number(&pa, ea, &na, &la);
		next_number(&pb, eb, &nb, &lb);
		if ((c = vers_digits_cmp(na, la, nb, lb)) != 0)
			return c;
	}
	return 0;
}

static int cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

/* packaging's _cmpkey: a dev release with neither pre nor post sorts before
 * every pre-release (-inf); no pre-release sorts after them (+inf). */
static int pre_rank(const struct pep440 *v)
{
	if (v->pre == PRE_NONE)
		return !v->has_post && v->has_dev ? -1 : 1;
	return 0;
}

/* One segment of a local version: a number, or a lowercase string. */
static int local_segment(const char **p, const char *end, const char **seg, size_t *len)
{
	const char *q = *p;
	int numeric = 1;

	*seg = q;
	while (q < end && !is_sep((unsigned char)*q)) {
		numeric &= vers_is_digit((unsigned char)*q);
		q++;
	}
	*len = (size_t)(q - *p);
	*p = q < end ? q + 1 : q;
	return numeric;
}

/* Local versions: none < any; segment by segment, a number beats a string,
 * numbers compare as numbers, strings case-insensitively; a prefix is less. */
static int cmp_local(const struct pep440 *a, const struct pep440 *b)
{
	const char *pa = a->local, *ea, *pb = b->local, *eb;

	if (!a->local || !b->local)
		return cmp_int(a->local != NULL, b->local != NULL);
	ea = pa + a->local_len;
	eb = pb + b->local_len;
	while (pa < ea && pb < eb) {
		const char *sa, *sb;
		size_t la, lb;
		int na = local_segment(&pa, ea, &sa, &la), nb = local_segment(&pb, eb, &sb, &lb), c = 0;

		if (na != nb)
			return na ? 1 : -1;
		if (na) {
			c = vers_digits_cmp(sa, la, sb, lb);
		} else {
			for (size_t i = 0; i < la && i < lb && c == 0; i++)
				c = cmp_int(vers_lower((unsigned char)sa[i]),
					    vers_lower((unsigned char)sb[i]));
			if (c == 0)
				c = cmp_int(la > lb, lb > la);
		}
		if (c != 0)
			return c;
	}
	return cmp_int(pa < ea, pb < eb);
}

static int pep440_cmp(const struct pep440 *a, const struct pep440 *b)
{
	int c;

	if ((c = vers_digits_cmp(a->epoch, a->epoch_len, b->epoch, b->epoch_len)) != 0)
		return c;
	if ((c = cmp_release(a, b)) != 0)
		return c;
	if ((c = cmp_int(pre_rank(a), pre_rank(b))) != 0)
		return c;
	if (pre_rank(a) == 0) {
		if ((c = cmp_int(a->pre, b->pre)) != 0)
			return c;
		if ((c = vers_digits_cmp(a->pre_n, a->pre_n_len, b->pre_n, b->pre_n_len)) != 0)
			return c;
	}
	if (a->has_post != b->has_post) /* none = -inf */
		return a->has_post ? 1 : -1;
	if (a->has_post && (c = vers_digits_cmp(a->post_n, a->post_n_len, b->post_n, b->post_n_len)) != 0)
		return c;
	if (a->has_dev != b->has_dev) /* none = +inf */
		return a->has_dev ? -1 : 1;
	if (a->has_dev && (c = vers_digits_cmp(a->dev_n, a->dev_n_len, b->dev_n, b->dev_n_len)) != 0)
		return c;
	return cmp_local(a, b);
}

enum claro_status versions_pep440_compare(const char *a, const char *b, int *cmp)
{
	struct pep440 va, vb;

	if (!a || !b || !cmp || pep440_parse(a, &va) != 0 || pep440_parse(b, &vb) != 0)
		return CLARO_ERR_INVALID;
	*cmp = pep440_cmp(&va, &vb);
	return CLARO_OK;
}

static int digits_are_zero(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != '0')
			return 0;
	return 1;
}

enum claro_status versions_pep440_normalize(const char *s, struct claro_normalized_version *out)
{
	enum { EPOCH = 0, REL = 1, PRE_L = 6, PRE_N = 7, POST = 8, DEV = 9, NREL = 5 };
	struct pep440 v;
	struct vers_norm n;
	const char *p, *end, *num;
	size_t len;
	int i, clamped;

	if (!s || !out || pep440_parse(s, &v) != 0)
		return CLARO_ERR_INVALID;
	vers_norm_begin(&n, out, "pep440");
	vers_norm_digits(&n, EPOCH, v.epoch, v.epoch_len);
	p = v.release;
	end = p + v.release_len;
	for (i = 0; i < NREL && p < end; i++) {
		next_number(&p, end, &num, &len);
		vers_norm_digits(&n, REL + i, num, len);
	}
	/* More than five numbers: what follows the fifth is known only to be
	 * above every suffix of the first five when a further number is not 0. */
	while (p < end) {
		next_number(&p, end, &num, &len);
		if (!digits_are_zero(num, len)) {
			vers_norm_fill(&n, PRE_L, INT32_MAX);
			return CLARO_OK;
		}
	}
	if (v.pre != PRE_NONE) {
		vers_norm_set(&n, PRE_L, (int32_t)v.pre - 4); /* a -3, b -2, rc -1 */
		vers_norm_digits(&n, PRE_N, v.pre_n, v.pre_n_len);
	}
	if (v.has_post)
		vers_norm_digits(&n, POST, v.post_n, v.post_n_len);
	if (v.has_dev) {
		int32_t dev = vers_digits_i32(v.dev_n, v.dev_n_len, &clamped);

		if (v.has_post && digits_are_zero(v.post_n, v.post_n_len)) {
			/* X.post0.devN lies between X and X.post0, which normalise
			 * equal (post 0 is 0): it must normalise equal too. */
		} else if (v.pre != PRE_NONE || v.has_post) {
			vers_norm_set(&n, DEV, INT32_MIN + dev); /* dev0 lowest, below no dev (0) */
		} else {
			/* below every pre-release label (a = -3) */
			if (dev > INT32_MAX - 3)
				dev = INT32_MAX - 3;
			vers_norm_set(&n, PRE_L, INT32_MIN + dev);
		}
	}
	return CLARO_OK;
}
