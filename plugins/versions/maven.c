/* maven: Maven versions ordered as Maven 3.8.7's ComparableVersion (the
 * maven-artifact of Debian 12, the native tool the test vectors were checked
 * with). Every string is a version.
 *
 * ComparableVersion parses into nested lists: '.' separates items, '-' and a
 * switch between digits and letters ("1a1") start a sublist that holds the
 * rest of the version, and so does a qualifier that is not the first item
 * of its list when a digit or the end follows it ("1.0.RC1" reads as
 * "1.0-RC1"). Items are numbers or qualifiers (lowercase; "a1", "b1", "m1"
 * mean alpha, beta, milestone; ga, final and release mean "", cr means rc),
 * qualifiers ranked alpha < beta < milestone < rc < snapshot < "" < sp < any
 * other (then by text). Each list drops its trailing null items (0, "", an
 * empty list). A number beats a qualifier and a sublist; a sublist beats a
 * qualifier; against a missing item a number counts unless 0, a qualifier by
 * its rank against "", a sublist by its first item that is not null.
 *
 * Since every sublist is the last item of its list, a version is a chain of
 * lists, each a stretch of the string: compared here stretch by stretch,
 * without building the lists.
 *
 * Maven 3.9 changed ComparableVersion (e.g. 2.9.0-1 < 2.9.0.RC1, 1-1 =
 * 1-ga-1, 2.0.a < 2.0.0.a); Clair's reimplementation follows some of those.
 * This follows 3.8.7; README.md and the tests list where they differ.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "versions.h"

enum term { TERM_END, TERM_DASH, TERM_SWITCH, TERM_SPLIT };

/* One list of the chain: the stretch [start, end) and what ended it. */
struct region {
	const char *start, *end;
	enum term term;
	const char *next; /* start of the sublist's stretch, or NULL */
};

enum { RANK_RELEASE = 5, RANK_UNKNOWN = 7 };

struct item {
	int is_int;
	const char *s; /* digits, or the qualifier's text (any case) */
	size_t len;
	int rank; /* qualifiers: 0 alpha ... 6 sp, 7 unknown */
};

/* The stretch of the list that starts at start. Items are separated by
 * '.'; the list ends at '-', at a switch between digits and other
 * characters ("1a": the sublist starts at "a"), or -- the "treat .X as -X"
 * rule -- before a qualifier that is not the list's first item and is
 * followed by a digit or ends the version ("1.0.rc1", "1.0.a"). */
static void region_scan(const char *start, const char *end, struct region *r)
{
	const char *p = start;
	int first = 1;

	r->start = start;
	for (;;) {
		const char *q = p;

		if (q < end && *q != '.' && *q != '-') {
			int digit = vers_is_digit((unsigned char)*q);

			while (q < end && *q != '.' && *q != '-' && vers_is_digit((unsigned char)*q) == digit)
				q++;
			if (!digit && !first && (q == end || (*q != '.' && *q != '-'))) {
				r->end = p;
				r->term = TERM_SPLIT;
				r->next = p;
				return;
			}
			if (q < end && *q != '.' && *q != '-') {
				r->end = q;
				r->term = TERM_SWITCH;
				r->next = q;
				return;
			}
		}
		if (q >= end) {
			r->end = end;
			r->term = TERM_END;
			r->next = NULL;
			return;
		}
		if (*q == '-') {
			r->end = q;
			r->term = TERM_DASH;
			r->next = q + 1;
			return;
		}
		p = q + 1; /* '.' */
		first = 0;
	}
}

static int word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && vers_prefix_ci(s, w) == len;
}

static void make_item(const char *s, size_t len, int followed_by_digit, struct item *it)
{
	static const struct {
		const char *word;
		int rank;
	} qualifiers[] = {{"alpha", 0},    {"beta", 1}, {"milestone", 2}, {"rc", 3},      {"cr", 3},
			  {"snapshot", 4}, {"ga", 5},   {"final", 5},     {"release", 5}, {"sp", 6}};

	it->s = s;
	it->len = len;
	it->rank = 0;
	it->is_int = len == 0 || vers_is_digit((unsigned char)*s); /* empty: 0 */
	if (it->is_int)
		return;
	if (followed_by_digit && len == 1) {
		switch (vers_lower((unsigned char)*s)) {
		case 'a': it->rank = 0; return;
		case 'b': it->rank = 1; return;
		case 'm': it->rank = 2; return;
		default: break;
		}
	}
	it->rank = RANK_UNKNOWN;
	for (size_t i = 0; i < sizeof(qualifiers) / sizeof(qualifiers[0]); i++)
		if (word_is(s, len, qualifiers[i].word)) {
			it->rank = qualifiers[i].rank;
			break;
		}
}

/* The next item of region r from *pos (NULL when done). */
static int region_item(const struct region *r, const char **pos, struct item *it)
{
	const char *p = *pos, *q;

	if (!p)
		return 0;
	for (q = p; q < r->end && *q != '.'; q++)
		;
	if (q < r->end) { /* ended by '.': an empty item is 0 */
		make_item(p, (size_t)(q - p), 0, it);
		*pos = q + 1;
		return 1;
	}
	*pos = NULL;
	if (p == q && (r->term == TERM_END || r->term == TERM_SPLIT))
		return 0; /* nothing after a final '.' */
	make_item(p, (size_t)(q - p), r->term == TERM_SWITCH && vers_is_digit((unsigned char)*r->end), it);
	return 1;
}

static int item_is_null(const struct item *it)
{
	return it->is_int ? vers_digits_cmp(it->s, it->len, "", 0) == 0 : it->rank == RANK_RELEASE;
}

/* How many items of r are left once trailing null items are dropped. */
static size_t region_effective(const struct region *r)
{
	const char *pos = r->start;
	struct item it;
	size_t n = 0, keep = 0;

	while (region_item(r, &pos, &it)) {
		n++;
		if (!item_is_null(&it))
			keep = n;
	}
	return keep;
}

struct maven {
	const char *end;
	const char *last_live; /* start of the last list with a non-null item */
};

static void maven_init(struct maven *v, const char *s)
{
	struct region r;
	const char *start = s;

	v->end = s + strlen(s);
	v->last_live = NULL;
	for (;;) {
		region_scan(start, v->end, &r);
		if (region_effective(&r) > 0)
			v->last_live = start;
		if (!r.next)
			break;
		start = r.next;
	}
}

/* A list being walked: its items, then its sublist when that is not empty. */
struct list {
	const struct maven *v;
	struct region r;
	size_t n_items, k;
	const char *pos;
	int has_sub;
};

enum elem { ELEM_NONE, ELEM_ITEM, ELEM_SUB };

static void list_open(struct list *l, const struct maven *v, const char *start)
{
	l->v = v;
	region_scan(start, v->end, &l->r);
	l->n_items = region_effective(&l->r);
	l->k = 0;
	l->pos = start;
	l->has_sub = l->r.next && v->last_live && v->last_live > start;
}

static enum elem list_next(struct list *l, struct item *it)
{
	if (l->k < l->n_items) {
		l->k++;
		region_item(&l->r, &l->pos, it);
		return ELEM_ITEM;
	}
	if (l->k == l->n_items && l->has_sub) {
		l->k++;
		return ELEM_SUB;
	}
	return ELEM_NONE;
}

static int cmp_lower(const char *a, size_t la, const char *b, size_t lb)
{
	for (size_t i = 0; i < la && i < lb; i++) {
		unsigned char x = vers_lower((unsigned char)a[i]), y = vers_lower((unsigned char)b[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return (la > lb) - (la < lb);
}

static int item_cmp(const struct item *a, const struct item *b)
{
	if (a->is_int && b->is_int)
		return vers_digits_cmp(a->s, a->len, b->s, b->len);
	if (a->is_int != b->is_int)
		return a->is_int ? 1 : -1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return a->rank == RANK_UNKNOWN ? cmp_lower(a->s, a->len, b->s, b->len) : 0;
}

/* An item against a missing one: 1.0 = 1, 1-rc < 1 < 1-sp. */
static int item_cmp_null(const struct item *it)
{
	if (it->is_int)
		return item_is_null(it) ? 0 : 1;
	return it->rank == RANK_RELEASE ? 0 : it->rank < RANK_RELEASE ? -1 : 1;
}

/* The sublist of l against a missing item: its first item that is not
 * null decides. */
static int sub_cmp_null(const struct list *l)
{
	struct list sub;
	struct item it;
	int c;

	list_open(&sub, l->v, l->r.next);
	for (;;) {
		switch (list_next(&sub, &it)) {
		case ELEM_ITEM:
			if ((c = item_cmp_null(&it)) != 0)
				return c;
			break;
		case ELEM_SUB: list_open(&sub, sub.v, sub.r.next); break;
		default: return 0;
		}
	}
}

static int elem_cmp_null(const struct list *l, enum elem e, const struct item *it)
{
	return e == ELEM_ITEM ? item_cmp_null(it) : sub_cmp_null(l);
}

static int maven_cmp(const char *a, const char *b)
{
	struct maven va, vb;
	struct list la, lb;

	maven_init(&va, a);
	maven_init(&vb, b);
	list_open(&la, &va, a);
	list_open(&lb, &vb, b);
	for (;;) {
		struct item ia, ib;
		enum elem ea = list_next(&la, &ia), eb = list_next(&lb, &ib);
		int c;

		if (ea == ELEM_NONE && eb == ELEM_NONE)
			return 0;
		if (ea == ELEM_SUB && eb == ELEM_SUB) { /* the last items: compare the sublists */
			list_open(&la, &va, la.r.next);
			list_open(&lb, &vb, lb.r.next);
			continue;
		}
		if (ea == ELEM_NONE)
			c = -elem_cmp_null(&lb, eb, &ib);
		else if (eb == ELEM_NONE)
			c = elem_cmp_null(&la, ea, &ia);
		else if (ea == ELEM_SUB) /* a list is below a number, above a qualifier */
			c = ib.is_int ? -1 : 1;
		else if (eb == ELEM_SUB)
			c = ia.is_int ? 1 : -1;
		else
			c = item_cmp(&ia, &ib);
		if (c != 0)
			return c;
	}
}

enum claro_status versions_maven_compare(const char *a, const char *b, int *cmp)
{
	if (!a || !b || !cmp)
		return CLARO_ERR_INVALID;
	*cmp = maven_cmp(a, b);
	return CLARO_OK;
}

/* Normalised form (kind "maven", not in Clair): the numbers that open the
 * top-level list. What stops them (a qualifier, a sublist, the end) sorts
 * below any further number, so the rest stays 0. */
enum claro_status versions_maven_normalize(const char *s, struct claro_normalized_version *out)
{
	struct maven v;
	struct list l;
	struct item it;
	struct vers_norm n;

	if (!s || !out)
		return CLARO_ERR_INVALID;
	maven_init(&v, s);
	list_open(&l, &v, s);
	vers_norm_begin(&n, out, "maven");
	for (int slot = 0; slot < CLARO_NORM_VERSION_LEN && list_next(&l, &it) == ELEM_ITEM && it.is_int;
	     slot++)
		vers_norm_digits(&n, slot, it.s, it.len);
	return CLARO_OK;
}
