/* txtar reader with $ref resolution for Clair's matcher fixtures.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "txtar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

struct txtar_section {
	char *name;
	char *text;
};

struct txtar {
	char *data;
	struct txtar_section *s;
	size_t n;
};

static int add_section(struct txtar *t, char *name, char *text)
{
	struct txtar_section *ns = realloc(t->s, (t->n + 1) * sizeof(*ns));

	if (!ns)
		return -1;
	t->s = ns;
	t->s[t->n].name = name;
	t->s[t->n].text = text;
	t->n++;
	return 0;
}

/* A marker line is "-- NAME --"; the section runs to the next marker. */
static char *marker_name(char *line)
{
	size_t n = strcspn(line, "\n");

	if (n < 7 || strncmp(line, "-- ", 3) != 0 || strncmp(line + n - 3, " --", 3) != 0)
		return NULL;
	line[n - 3] = '\0';
	return line + 3;
}

struct txtar *txtar_load(const char *path)
{
	struct txtar *t = calloc(1, sizeof(*t));
	char *p;

	if (!t || !(t->data = tu_read_file(path))) {
		printf("# cannot read %s\n", path);
		free(t);
		return NULL;
	}
	for (p = t->data; *p;) {
		char *eol = strchr(p, '\n'), *mark = marker_name(p);

		if (mark) {
			if (!eol)
				break;
			*eol = '\0';
			if (add_section(t, mark, eol + 1)) {
				txtar_free(t);
				return NULL;
			}
			/* terminate the previous section at this marker */
			if (t->n > 1)
				p[0] = '\0';
			p = eol + 1;
			continue;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return t;
}

void txtar_free(struct txtar *t)
{
	if (!t)
		return;
	free(t->s);
	free(t->data);
	free(t);
}

const char *txtar_section(const struct txtar *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->s[i].name, name) == 0)
			return t->s[i].text;
	}
	return NULL;
}

static json_t *resolve(const struct txtar *t, json_t *v, int depth);

/* claircore writes some sections as JSON text sequences (RFC 7464): a
 * record starts with RS (0x1e), which is no JSON. */
static const char *json_start(const char *text)
{
	while (*text == '\x1e')
		text++;
	return text;
}

static json_t *load_ref(const struct txtar *t, const char *ref, int depth)
{
	const char *text;
	json_error_t je;
	json_t *doc, *out;

	if (strncmp(ref, "file:", 5) != 0 || !(text = txtar_section(t, ref + 5))) {
		printf("# unresolved reference %s\n", ref);
		return NULL;
	}
	if (!(doc = json_loads(json_start(text), JSON_DECODE_ANY, &je))) {
		printf("# %s: %s (line %d)\n", ref, je.text, je.line);
		return NULL;
	}
	out = resolve(t, doc, depth + 1);
	json_decref(doc);
	return out;
}

/* A copy of v with every {"$ref": ...} object replaced by its target. */
static json_t *resolve(const struct txtar *t, json_t *v, int depth)
{
	json_t *out, *item;
	const char *key;
	size_t i;

	if (depth > 32) {
		printf("# $ref nesting too deep (a cycle?)\n");
		return NULL;
	}
	if (json_is_object(v)) {
		json_t *ref = json_object_get(v, "$ref");

		if (ref && json_object_size(v) == 1 && json_is_string(ref))
			return load_ref(t, json_string_value(ref), depth);
		out = json_object();
		json_object_foreach(v, key, item)
		{
			json_t *r = resolve(t, item, depth + 1);

			if (!out || !r || json_object_set_new(out, key, r)) {
				json_decref(r);
				json_decref(out);
				return NULL;
			}
		}
		return out;
	}
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(v, i, item)
		{
			json_t *r = resolve(t, item, depth + 1);

			if (!out || !r || json_array_append_new(out, r)) {
				json_decref(r);
				json_decref(out);
				return NULL;
			}
		}
		return out;
	}
	return json_incref(v);
}

json_t *txtar_json(const struct txtar *t, const char *name)
{
	const char *text = txtar_section(t, name);
	json_error_t je;
	json_t *doc, *out;

	if (!text) {
		printf("# no section \"%s\"\n", name);
		return NULL;
	}
	if (!(doc = json_loads(json_start(text), JSON_DECODE_ANY, &je))) {
		printf("# section %s: %s (line %d)\n", name, je.text, je.line);
		return NULL;
	}
	out = resolve(t, doc, 0);
	json_decref(doc);
	return out;
}
