/* PEP 440 version spelling and PEP 503 name spelling; see pyversion.h.
 *
 * The parser follows packaging's regular expression piece by piece:
 *
 *   v? (N!)? N(.N)* ([-_.]? (alpha|a|beta|b|preview|pre|c|rc) [-_.]? N?)?
 *      (-N | [-_.]? (post|rev|r) [-_.]? N?)? ([-_.]? dev [-_.]? N?)?
 *      (+ L([-_.]L)*)?           N = [0-9]+, L = [a-z0-9]+, any case
 *
 * Each optional part is taken greedily and given back whole when it does
 * not match. No backtracking inside a part is needed: every part after it
 * starts with an optional separator of its own, so a separator or number
 * taken greedily never stops a later part from matching (the regex, which
 * also tries greedy first, then agrees).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "pyversion.h"

struct cursor {
	const char *s;
	size_t n, i;
};

struct span {
	const char *p;
	size_t n; /* 0: absent */
};

struct writer {
	char *out;
	size_t cap, len;
	int overflow;
};

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
	c = lower(c);
	return is_digit(c) || (c >= 'a' && c <= 'z');
}

static int is_sep(int c)
{
	return c == '-' || c == '_' || c == '.';
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int peek(const struct cursor *c)
{
	return c->i < c->n ? (unsigned char)c->s[c->i] : -1;
}

static int take_sep(struct cursor *c)
{
	if (is_sep(peek(c))) {
		c->i++;
		return 1;
	}
	return 0;
}

static struct span take_digits(struct cursor *c)
{
	struct span d = {c->s + c->i, 0};

	while (is_digit(peek(c))) {
		c->i++;
		d.n++;
	}
	return d;
}

/* Take the first of words (NULL-terminated, in the regex's order) that
 * follows, case-insensitively; its index, or -1. */
static int take_word(struct cursor *c, const char *const *words)
{
	for (int w = 0; words[w] != NULL; w++) {
		size_t m = strlen(words[w]), k;

		if (c->n - c->i < m)
			continue;
		for (k = 0; k < m && lower((unsigned char)c->s[c->i + k]) == words[w][k]; k++)
			;
		if (k == m) {
			c->i += m;
			return w;
		}
	}
	return -1;
}

static void put(struct writer *w, const char *s, size_t n)
{
	if (w->overflow || w->cap - w->len <= n) {
		w->overflow = 1;
		return;
	}
	memcpy(w->out + w->len, s, n);
	w->len += n;
}

/* A number without its leading zeros ("" and "000" give "0"). */
static void put_number(struct writer *w, struct span d)
{
	while (d.n > 1 && d.p[0] == '0') {
		d.p++;
		d.n--;
	}
	if (d.n == 0)
		put(w, "0", 1);
	else
		put(w, d.p, d.n);
}

static int all_zero(struct span d)
{
	for (size_t i = 0; i < d.n; i++)
		if (d.p[i] != '0')
			return 0;
	return 1;
}

long pyversion_canonical(const char *s, size_t n, char *out, size_t cap)
{
	static const char *const pre_words[] = {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc", NULL};
	static const char *const pre_spelling[] = {"a", "a", "b", "b", "rc", "rc", "rc", "rc"};
	static const char *const post_words[] = {"post", "rev", "r", NULL};
	static const char *const dev_words[] = {"dev", NULL};
	struct cursor c = {s, n, 0};
	struct writer w = {out, cap, 0, 0};
	struct span epoch = {NULL, 0}, num;
	size_t save;
	int label;

	if (s == NULL || out == NULL || cap == 0)
		return -1;
	while (c.n > 0 && is_blank((unsigned char)s[c.n - 1]))
		c.n--;
	while (is_blank(peek(&c)))
		c.i++;
	if (lower(peek(&c)) == 'v')
		c.i++;

	/* epoch: N! */
	save = c.i;
	num = take_digits(&c);
	if (num.n > 0 && peek(&c) == '!') {
		epoch = num;
		c.i++;
	} else {
		c.i = save;
	}
	if (epoch.n > 0 && !all_zero(epoch)) {
		put_number(&w, epoch);
		put(&w, "!", 1);
	}

	/* release: N(.N)* */
	num = take_digits(&c);
	if (num.n == 0)
		return -1;
	put_number(&w, num);
	while (peek(&c) == '.' && c.i + 1 < c.n && is_digit((unsigned char)c.s[c.i + 1])) {
		c.i++;
		put(&w, ".", 1);
		put_number(&w, take_digits(&c));
	}

	/* pre-release */
	save = c.i;
	take_sep(&c);
	if ((label = take_word(&c, pre_words)) >= 0) {
		take_sep(&c);
		num = take_digits(&c);
		put(&w, pre_spelling[label], strlen(pre_spelling[label]));
		put_number(&w, num);
	} else {
		c.i = save;
	}

	/* post-release: -N, or [-_.]? (post|rev|r) [-_.]? N? */
	save = c.i;
	if (peek(&c) == '-' && c.i + 1 < c.n && is_digit((unsigned char)c.s[c.i + 1])) {
		c.i++;
		put(&w, ".post", 5);
		put_number(&w, take_digits(&c));
	} else {
		take_sep(&c);
		if (take_word(&c, post_words) >= 0) {
			take_sep(&c);
			put(&w, ".post", 5);
			put_number(&w, take_digits(&c));
		} else {
			c.i = save;
		}
	}

	/* development release */
	save = c.i;
	take_sep(&c);
	if (take_word(&c, dev_words) >= 0) {
		take_sep(&c);
		put(&w, ".dev", 4);
		put_number(&w, take_digits(&c));
	} else {
		c.i = save;
	}

	/* local version label: + L([-_.]L)*, lowercased, numbers without
	 * leading zeros, "." between the segments */
	if (peek(&c) == '+') {
		c.i++;
		put(&w, "+", 1);
		for (;;) {
			size_t start = c.i, k;
			int numeric = 1;

			while (is_alnum(peek(&c))) {
				numeric &= is_digit(peek(&c));
				c.i++;
			}
			if (c.i == start)
				return -1;
			if (numeric) {
				struct span d = {c.s + start, c.i - start};
				put_number(&w, d);
			} else {
				for (k = start; k < c.i; k++) {
					char ch = (char)lower((unsigned char)c.s[k]);
					put(&w, &ch, 1);
				}
			}
			if (!(is_sep(peek(&c)) && c.i + 1 < c.n && is_alnum((unsigned char)c.s[c.i + 1])))
				break;
			c.i++;
			put(&w, ".", 1);
		}
	}

	if (c.i != c.n || w.overflow)
		return -1;
	out[w.len] = '\0';
	return (long)w.len;
}

size_t pyname_normalize(const char *s, size_t n, char *out)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		if (is_sep((unsigned char)s[i])) {
			if (i == 0 || !is_sep((unsigned char)s[i - 1]))
				out[len++] = '-';
			continue;
		}
		out[len++] = (char)lower((unsigned char)s[i]);
	}
	out[len] = '\0';
	return len;
}
