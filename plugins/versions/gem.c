/* gem: RubyGems versions as Gem::Version (RubyGems 3.3) parses and orders
 * them. Valid: optional white space around
 *   [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
 * or nothing at all (which is "0"). Each '-' reads as ".pre."; the segments
 * are the runs of digits (numbers) and of letters (strings). Compared on
 * the canonical segments -- trailing zeros dropped from the numeric part
 * and from the part from the first string on -- a missing segment is 0, a
 * string sorts below a number (1.0.a < 1.0), strings in byte order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "versions.h"

static int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The version between optional white space: [*start, *end). */
static int gem_parse(const char *s, const char **start, const char **end)
{
	const char *p = s;

	while (is_space((unsigned char)*p))
		p++;
	*start = p;
	if (vers_is_digit((unsigned char)*p)) {
		while (vers_is_digit((unsigned char)*p))
			p++;
		while (*p == '.' && vers_is_alnum((unsigned char)p[1])) {
			p++;
			while (vers_is_alnum((unsigned char)*p))
				p++;
		}
		if (*p == '-' && (vers_is_alnum((unsigned char)p[1]) || p[1] == '-')) {
			p++;
			while (vers_is_alnum((unsigned char)*p) || *p == '-')
				p++;
			while (*p == '.' && (vers_is_alnum((unsigned char)p[1]) || p[1] == '-')) {
				p++;
				while (vers_is_alnum((unsigned char)*p) || *p == '-')
					p++;
			}
		}
	}
	*end = p;
	while (is_space((unsigned char)*p))
		p++;
	return *p == '\0' ? 0 : -1;
}

/* A segment: a number (digits), a string (letters), or the "pre" a '-'
 * stands for. */
struct segment {
	int numeric;
	const char *s;
	size_t len;
};

/* Reads the raw segments in order. */
struct scanner {
	const char *p, *end;
};

static int scan_next(struct scanner *sc, struct segment *seg)
{
	while (sc->p < sc->end) {
		const char *q = sc->p;

		if (*q == '-') {
			sc->p++;
			seg->numeric = 0;
			seg->s = "pre";
			seg->len = 3;
			return 1;
		}
		if (vers_is_digit((unsigned char)*q)) {
			while (q < sc->end && vers_is_digit((unsigned char)*q))
				q++;
			seg->numeric = 1;
		} else if (vers_is_alpha((unsigned char)*q)) {
			while (q < sc->end && vers_is_alpha((unsigned char)*q))
				q++;
			seg->numeric = 0;
		} else {
			sc->p++; /* '.' */
			continue;
		}
		seg->s = sc->p;
		seg->len = (size_t)(q - sc->p);
		sc->p = q;
		return 1;
	}
	return 0;
}

static int is_zero(const struct segment *seg)
{
	return seg->numeric && vers_digits_cmp(seg->s, seg->len, "", 0) == 0;
}

/* The canonical segments, lazily: a run of zeros is dropped when nothing
 * but the end follows it (or, in the numeric part, the first string). */
struct canon {
	struct scanner sc;
	int in_strings;      /* the first string has been read */
	size_t zeros;        /* zeros still to hand out before `held` */
	struct segment held; /* the segment after a run of zeros */
	int has_held;
};

static void canon_init(struct canon *c, const char *start, const char *end)
{
	memset(c, 0, sizeof(*c));
	c->sc.p = start;
	c->sc.end = end;
}

static int canon_next(struct canon *c, struct segment *seg)
{
	static const struct segment zero = {1, "0", 1};

	if (c->zeros > 0) {
		c->zeros--;
		*seg = zero;
		return 1;
	}
	if (c->has_held) {
		c->has_held = 0;
		*seg = c->held;
	} else if (!scan_next(&c->sc, seg)) {
		return 0;
	}
	if (is_zero(seg)) {
		size_t run = 1;
		struct segment next;
		int more;

		while ((more = scan_next(&c->sc, &next)) && is_zero(&next))
			run++;
		/* trailing: the end, or (in the numeric part) the first string */
		if (!more || (!c->in_strings && !next.numeric)) {
			if (!more)
				return 0;
			c->in_strings = 1;
			*seg = next;
			return 1;
		}
		c->zeros = run - 1;
		c->held = next;
		c->has_held = 1;
		*seg = zero;
		return 1;
	}
	if (!seg->numeric)
		c->in_strings = 1;
	return 1;
}

static int segment_cmp(const struct segment *a, const struct segment *b)
{
	int c;

	if (a->numeric != b->numeric)
		return a->numeric ? 1 : -1;
	if (a->numeric)
		return vers_digits_cmp(a->s, a->len, b->s, b->len);
	c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
	if (c == 0)
		c = (a->len > b->len) - (a->len < b->len);
	return vers_sign(c);
}

enum claro_status versions_gem_compare(const char *a, const char *b, int *cmp)
{
	static const struct segment zero = {1, "0", 1};
	const char *sa, *ea, *sb, *eb;
	struct canon ca, cb;

	if (!a || !b || !cmp || gem_parse(a, &sa, &ea) != 0 || gem_parse(b, &sb, &eb) != 0)
		return CLARO_ERR_INVALID;
	canon_init(&ca, sa, ea);
	canon_init(&cb, sb, eb);
	for (;;) {
		struct segment x, y;
		int hx = canon_next(&ca, &x), hy = canon_next(&cb, &y), c;

		if (!hx && !hy)
			break;
		if ((c = segment_cmp(hx ? &x : &zero, hy ? &y : &zero)) != 0) {
			*cmp = c;
			return CLARO_OK;
		}
	}
	*cmp = 0;
	return CLARO_OK;
}

/* Normalised form (kind "gem", not in Clair): the canonical numeric
 * segments before the first string; a string (pre-release) sorts below any
 * further number, so the rest stays 0. */
enum claro_status versions_gem_normalize(const char *s, struct claro_normalized_version *out)
{
	const char *start, *end;
	struct vers_norm n;
	struct canon c;
	struct segment seg;

	if (!s || !out || gem_parse(s, &start, &end) != 0)
		return CLARO_ERR_INVALID;
	vers_norm_begin(&n, out, "gem");
	canon_init(&c, start, end);
	for (int slot = 0; slot < CLARO_NORM_VERSION_LEN && canon_next(&c, &seg) && seg.numeric; slot++)
		vers_norm_digits(&n, slot, seg.s, seg.len);
	return CLARO_OK;
}
