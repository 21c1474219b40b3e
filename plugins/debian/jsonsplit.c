/* jsonsplit: the members of a JSON object, one at a time (see jsonsplit.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "jsonsplit.h"

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(struct jsonsplit *js)
{
	while (js->pos < js->len && is_ws(js->data[js->pos]))
		js->pos++;
}

static enum claro_status fail(struct jsonsplit *js, const char *why)
{
	js->error = why;
	js->error_offset = js->pos;
	js->state = 2;
	return CLARO_ERR_INVALID;
}

/* At a '"': move past the closing quote. */
static int skip_string(struct jsonsplit *js)
{
	size_t i = js->pos + 1;

	while (i < js->len) {
		char c = js->data[i];

		if (c == '"') {
			js->pos = i + 1;
			return 1;
		}
		i += c == '\\' ? 2 : 1;
	}
	return 0;
}

/* At the first byte of a value: move past it. */
static enum claro_status skip_value(struct jsonsplit *js)
{
	char c;
	int depth = 0;

	if (js->pos >= js->len)
		return fail(js, "the document ends where a value should be");
	c = js->data[js->pos];
	if (c != '{' && c != '[') {
		if (c == '"')
			return skip_string(js) ? CLARO_OK : fail(js, "a string is not terminated");
		while (js->pos < js->len) {
			c = js->data[js->pos];
			if (c == ',' || c == '}' || c == ']' || is_ws(c))
				break;
			js->pos++;
		}
		return CLARO_OK;
	}
	while (js->pos < js->len) {
		c = js->data[js->pos];
		if (c == '"') {
			if (!skip_string(js))
				return fail(js, "a string is not terminated");
			continue;
		}
		if (c == '{' || c == '[') {
			if (++depth > JSONSPLIT_MAX_DEPTH)
				return fail(js, "values are nested too deeply");
		} else if (c == '}' || c == ']') {
			if (--depth == 0) {
				js->pos++;
				return CLARO_OK;
			}
		}
		js->pos++;
	}
	return fail(js, "the document ends inside a value");
}

enum claro_status jsonsplit_begin(struct jsonsplit *js, const char *data, size_t len)
{
	js->data = data;
	js->len = len;
	js->pos = 0;
	js->state = 0;
	js->error = NULL;
	js->error_offset = 0;
	skip_ws(js);
	if (js->pos >= len || data[js->pos] != '{')
		return fail(js, "the document is not a JSON object");
	js->pos++;
	return CLARO_OK;
}

enum claro_status jsonsplit_next(struct jsonsplit *js, struct jsonsplit_member *m, int *more)
{
	size_t start;

	*more = 0;
	if (js->state == 2)
		return js->error ? CLARO_ERR_INVALID : CLARO_OK;
	skip_ws(js);
	if (js->pos >= js->len)
		return fail(js, "the document ends inside the object");
	if (js->data[js->pos] == '}') {
		js->pos++;
		skip_ws(js);
		if (js->pos != js->len)
			return fail(js, "there is more after the object");
		js->state = 2;
		return CLARO_OK;
	}
	if (js->state == 1) {
		if (js->data[js->pos] != ',')
			return fail(js, "members are not separated by ','");
		js->pos++;
		skip_ws(js);
	}
	if (js->pos >= js->len || js->data[js->pos] != '"')
		return fail(js, "a member name is not a string");
	start = js->pos;
	if (!skip_string(js))
		return fail(js, "a member name is not terminated");
	m->key = js->data + start;
	m->key_len = js->pos - start;
	skip_ws(js);
	if (js->pos >= js->len || js->data[js->pos] != ':')
		return fail(js, "a member name is not followed by ':'");
	js->pos++;
	skip_ws(js);
	start = js->pos;
	if (skip_value(js) != CLARO_OK)
		return CLARO_ERR_INVALID;
	if (js->pos == start)
		return fail(js, "a member has no value");
	m->value = js->data + start;
	m->value_len = js->pos - start;
	js->state = 1;
	*more = 1;
	return CLARO_OK;
}
