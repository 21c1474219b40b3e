/* deb822 paragraph reader; see rfc822.h for the format.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "rfc822.h"

#include <stdlib.h>
#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int name_equal(const char *a, const char *b)
{
	while (*a && *b && to_lower((unsigned char)*a) == to_lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

/* One physical line [start, end) without its newline. */
struct line {
	const char *start;
	const char *end;
};

static int line_is_blank(const struct line *l)
{
	const char *p;

	for (p = l->start; p < l->end; p++)
		if (!is_blank(*p))
			return 0;
	return 1;
}

/* Take the next line off the reader; 0 at end of data. */
static int next_line(struct rfc822_reader *rd, struct line *l)
{
	const char *p, *end, *nl;

	if (rd->pos >= rd->len)
		return 0;
	p = rd->data + rd->pos;
	end = rd->data + rd->len;
	nl = memchr(p, '\n', (size_t)(end - p));
	l->start = p;
	l->end = nl != NULL ? nl : end;
	rd->pos = (size_t)((nl != NULL ? nl + 1 : end) - rd->data);
	rd->line++;
	return 1;
}

/* Look at the next line without consuming it. */
static int peek_line(const struct rfc822_reader *rd, struct line *l)
{
	struct rfc822_reader copy = *rd;

	return next_line(&copy, l);
}

static void trim(const char **start, const char **end)
{
	while (*start < *end && is_blank(**start))
		(*start)++;
	while (*end > *start && is_blank((*end)[-1]))
		(*end)--;
}

static char *copy_span(const char *start, const char *end)
{
	size_t n = (size_t)(end - start);
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, start, n);
		s[n] = '\0';
	}
	return s;
}

void rfc822_paragraph_free(struct rfc822_paragraph *p)
{
	size_t i;

	for (i = 0; i < p->count; i++) {
		free(p->fields[i].name);
		free(p->fields[i].value);
	}
	free(p->fields);
	memset(p, 0, sizeof(*p));
}

static enum claro_status add_field(struct rfc822_paragraph *p, char *name, char *value)
{
	if (p->count == p->capacity) {
		size_t cap = p->capacity ? p->capacity * 2 : 16;
		struct rfc822_field *grown;

		if (cap > ((size_t)-1) / sizeof(*grown))
			return CLARO_ERR_NOMEM;
		grown = realloc(p->fields, cap * sizeof(*grown));
		if (grown == NULL)
			return CLARO_ERR_NOMEM;
		p->fields = grown;
		p->capacity = cap;
	}
	p->fields[p->count].name = name;
	p->fields[p->count].value = value;
	p->count++;
	return CLARO_OK;
}

/* Append "\n" + [start, end) to the last field's value. */
static enum claro_status continue_field(struct rfc822_paragraph *p, const char *start, const char *end)
{
	struct rfc822_field *f = &p->fields[p->count - 1];
	size_t old = strlen(f->value), add = (size_t)(end - start);
	char *grown;

	if (add > ((size_t)-1) - old - 2)
		return CLARO_ERR_NOMEM;
	grown = realloc(f->value, old + add + 2);
	if (grown == NULL)
		return CLARO_ERR_NOMEM;
	grown[old] = '\n';
	memcpy(grown + old + 1, start, add);
	grown[old + 1 + add] = '\0';
	f->value = grown;
	return CLARO_OK;
}

/* Parse one non-blank line into p; a static reason on malformed input. */
static enum claro_status parse_line(struct rfc822_paragraph *p, const struct line *l, const char **reason)
{
	const char *colon, *nstart = l->start, *nend, *vstart, *vend = l->end, *q;
	char *name, *value;

	if (memchr(l->start, '\0', (size_t)(l->end - l->start)) != NULL) {
		*reason = "line contains a NUL byte";
		return CLARO_ERR_INVALID;
	}
	if (is_blank(*l->start)) {
		if (p->count == 0) {
			*reason = "continuation line without a field before it";
			return CLARO_ERR_INVALID;
		}
		vstart = l->start;
		trim(&vstart, &vend);
		return continue_field(p, vstart, vend);
	}
	colon = memchr(l->start, ':', (size_t)(l->end - l->start));
	if (colon == NULL) {
		*reason = "field name is not followed by a colon";
		return CLARO_ERR_INVALID;
	}
	nend = colon;
	trim(&nstart, &nend);
	if (nstart == nend) {
		*reason = "field name is empty";
		return CLARO_ERR_INVALID;
	}
	for (q = nstart; q < nend; q++) {
		if (is_blank(*q)) {
			*reason = "field name contains a blank";
			return CLARO_ERR_INVALID;
		}
	}
	vstart = colon + 1;
	trim(&vstart, &vend);
	name = copy_span(nstart, nend);
	value = name != NULL ? copy_span(vstart, vend) : NULL;
	if (name == NULL || value == NULL || add_field(p, name, value) != CLARO_OK) {
		free(name);
		free(value);
		return CLARO_ERR_NOMEM;
	}
	return CLARO_OK;
}

/* Consume lines up to and including the next blank line. */
static void skip_paragraph(struct rfc822_reader *rd)
{
	struct line l;

	while (next_line(rd, &l))
		if (line_is_blank(&l))
			return;
}

void rfc822_reader_init(struct rfc822_reader *rd, const char *data, size_t len)
{
	rd->data = data;
	rd->len = data != NULL ? len : 0;
	rd->pos = 0;
	rd->line = 0;
}

enum claro_status rfc822_next(struct rfc822_reader *rd, struct rfc822_paragraph *out,
			      struct rfc822_error *err)
{
	struct line l;

	memset(out, 0, sizeof(*out));
	/* Skip separators before the paragraph. */
	while (peek_line(rd, &l) && line_is_blank(&l))
		next_line(rd, &l);
	if (!next_line(rd, &l))
		return CLARO_ERR_NOT_FOUND;
	out->first_line = rd->line;
	for (;;) {
		const char *reason = NULL;
		enum claro_status st = parse_line(out, &l, &reason);

		if (st != CLARO_OK) {
			if (err != NULL) {
				err->line = rd->line;
				err->reason = reason != NULL ? reason : "out of memory";
			}
			rfc822_paragraph_free(out);
			if (st == CLARO_ERR_INVALID)
				skip_paragraph(rd);
			return st;
		}
		if (!next_line(rd, &l) || line_is_blank(&l))
			return CLARO_OK;
	}
}

const char *rfc822_get(const struct rfc822_paragraph *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		if (name_equal(p->fields[i].name, name))
			return p->fields[i].value;
	return NULL;
}
