/* os-release / lsb-release KEY=value parser; see osrelease.h for the rules.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "osrelease.h"

#include <stdlib.h>
#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Trim blanks from both ends of [*start, *end). */
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

	if (s == NULL)
		return NULL;
	memcpy(s, start, n);
	s[n] = '\0';
	return s;
}

/* Single-quoted: strip every leading/trailing ', then '\'' -> '. The result
 * is never longer than the input, so one allocation of the input size does. */
static char *unquote_single(const char *start, const char *end)
{
	char *out, *w;

	while (start < end && *start == '\'')
		start++;
	while (end > start && end[-1] == '\'')
		end--;
	out = malloc((size_t)(end - start) + 1);
	if (out == NULL)
		return NULL;
	w = out;
	while (start < end) {
		if (end - start >= 4 && memcmp(start, "'\\''", 4) == 0) {
			*w++ = '\'';
			start += 4;
		} else {
			*w++ = *start++;
		}
	}
	*w = '\0';
	return out;
}

/* Double-quoted: strip every leading/trailing ", then unescape \` \\ \" \$. */
static char *unquote_double(const char *start, const char *end)
{
	char *out, *w;

	while (start < end && *start == '"')
		start++;
	while (end > start && end[-1] == '"')
		end--;
	out = malloc((size_t)(end - start) + 1);
	if (out == NULL)
		return NULL;
	w = out;
	while (start < end) {
		if (*start == '\\' && end - start >= 2 && strchr("`\\\"$", start[1]) != NULL) {
			*w++ = start[1];
			start += 2;
		} else {
			*w++ = *start++;
		}
	}
	*w = '\0';
	return out;
}

static char *decode_value(const char *start, const char *end)
{
	if (start < end && *start == '\'')
		return unquote_single(start, end);
	if (start < end && *start == '"')
		return unquote_double(start, end);
	return copy_span(start, end);
}

static enum claro_status append_entry(struct osrelease *rel, char *key, char *value)
{
	if (rel->count == rel->capacity) {
		size_t cap = rel->capacity ? rel->capacity * 2 : 16;
		struct osrelease_entry *grown;

		if (cap > ((size_t)-1) / sizeof(*grown))
			return CLARO_ERR_NOMEM;
		grown = realloc(rel->entries, cap * sizeof(*grown));
		if (grown == NULL)
			return CLARO_ERR_NOMEM;
		rel->entries = grown;
		rel->capacity = cap;
	}
	rel->entries[rel->count].key = key;
	rel->entries[rel->count].value = value;
	rel->count++;
	return CLARO_OK;
}

static void set_error(struct osrelease_error *err, size_t line, const char *reason)
{
	if (err != NULL) {
		err->line = line;
		err->reason = reason;
	}
}

/* Parse one line [start, end) (newline excluded). */
static enum claro_status parse_line(struct osrelease *rel, const char *start, const char *end, size_t lineno,
				    struct osrelease_error *err)
{
	const char *eq, *kend, *vstart;
	char *key, *value;
	enum claro_status st;

	trim(&start, &end);
	if (start == end || *start == '#')
		return CLARO_OK;
	eq = memchr(start, '=', (size_t)(end - start));
	if (eq == NULL) {
		set_error(err, lineno, "line has no '=' separator");
		return CLARO_ERR_INVALID;
	}
	kend = eq;
	vstart = eq + 1;
	{
		const char *kstart = start;

		trim(&kstart, &kend);
		if (kstart == kend) {
			set_error(err, lineno, "line has an empty key");
			return CLARO_ERR_INVALID;
		}
		key = copy_span(kstart, kend);
	}
	trim(&vstart, &end);
	value = key != NULL ? decode_value(vstart, end) : NULL;
	if (key == NULL || value == NULL) {
		free(key);
		free(value);
		set_error(err, 0, "out of memory");
		return CLARO_ERR_NOMEM;
	}
	st = append_entry(rel, key, value);
	if (st != CLARO_OK) {
		free(key);
		free(value);
		set_error(err, 0, "out of memory");
	}
	return st;
}

enum claro_status osrelease_parse(const char *data, size_t len, struct osrelease *out,
				  struct osrelease_error *err)
{
	const char *p, *end;
	size_t lineno = 0;

	memset(out, 0, sizeof(*out));
	set_error(err, 0, NULL);
	if (len == 0)
		return CLARO_OK;
	p = data;
	end = data + len;
	if (memchr(data, '\0', len) != NULL) {
		set_error(err, 0, "file contains a NUL byte");
		return CLARO_ERR_INVALID;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *lend = nl != NULL ? nl : end;
		enum claro_status st;

		lineno++;
		st = parse_line(out, p, lend, lineno, err);
		if (st != CLARO_OK) {
			osrelease_free(out);
			return st;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	return CLARO_OK;
}

const char *osrelease_get(const struct osrelease *rel, const char *key)
{
	size_t i = rel->count;

	while (i > 0) {
		i--;
		if (strcmp(rel->entries[i].key, key) == 0)
			return rel->entries[i].value;
	}
	return NULL;
}

void osrelease_free(struct osrelease *rel)
{
	size_t i;

	for (i = 0; i < rel->count; i++) {
		free(rel->entries[i].key);
		free(rel->entries[i].value);
	}
	free(rel->entries);
	memset(rel, 0, sizeof(*rel));
}
