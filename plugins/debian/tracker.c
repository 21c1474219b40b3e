/* tracker: Debian security tracker JSON into per-release records (see
 * tracker.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "jsonsplit.h"
#include "tracker.h"

enum claro_severity tracker_severity(const char *urgency)
{
	if (strcasecmp(urgency, "unimportant") == 0)
		return CLARO_SEVERITY_LOW;
	if (strcasecmp(urgency, "low") == 0)
		return CLARO_SEVERITY_MEDIUM;
	if (strcasecmp(urgency, "medium") == 0)
		return CLARO_SEVERITY_HIGH;
	if (strcasecmp(urgency, "high") == 0)
		return CLARO_SEVERITY_CRITICAL;
	return CLARO_SEVERITY_UNKNOWN;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "something else";
}

struct walk {
	const char *data;
	size_t len;
	tracker_release_fn want;
	tracker_record_fn fn; /* NULL: check only */
	void *arg;
	struct tracker_error *err;
	const char *package; /* current names, for records and messages */
	const char *id;
};

static size_t line_of(const struct walk *w, const char *p)
{
	size_t line = 1;

	for (const char *q = w->data; q < p && q < w->data + w->len; q++)
		line += *q == '\n';
	return line;
}

/* A decoded JSON text (a key with its quotes, or a value). */
static enum claro_status decode(struct walk *w, const char *text, size_t len, json_t **out, const char *what)
{
	json_error_t jerr;

	if ((*out = json_loadb(text, len, JSON_DECODE_ANY, &jerr)))
		return CLARO_OK;
	if (json_error_code(&jerr) == json_error_out_of_memory)
		return CLARO_ERR_NOMEM;
	snprintf(w->err->detail, sizeof(w->err->detail), "Line %zu%s%.64s%s: %s: %s.",
		 line_of(w, text) + (size_t)(jerr.line > 0 ? jerr.line - 1 : 0), w->package ? ", in [\"" : "",
		 w->package ? w->package : "", w->package ? "\"]" : "", what, jerr.text);
	return CLARO_ERR_INVALID;
}

/* A string field: absent or null is "", another type is an error. */
static enum claro_status string_field(struct walk *w, const json_t *obj, const char *key, const char *where,
				      const char **out)
{
	const json_t *v = json_object_get(obj, key);

	*out = "";
	if (!v || json_is_null(v))
		return CLARO_OK;
	if (!json_is_string(v)) {
		snprintf(w->err->detail, sizeof(w->err->detail),
			 "[\"%.64s\"][\"%.64s\"]%s.%s: expected a string, found %s.", w->package, w->id,
			 where, key, type_name(v));
		return CLARO_ERR_INVALID;
	}
	*out = json_string_value(v);
	return CLARO_OK;
}

/* One "<id>": {...} entry of a package. */
static enum claro_status walk_entry(struct walk *w, const json_t *entry)
{
	const json_t *releases, *rel;
	const char *description, *release;
	enum claro_status st;

	if (json_is_null(entry) || (json_is_array(entry) && json_array_size(entry) == 0))
		return CLARO_OK;
	if (!json_is_object(entry)) {
		snprintf(w->err->detail, sizeof(w->err->detail),
			 "[\"%.64s\"][\"%.64s\"]: expected an object, found %s.", w->package, w->id,
			 type_name(entry));
		return CLARO_ERR_INVALID;
	}
	if ((st = string_field(w, entry, "description", "", &description)) != CLARO_OK)
		return st;
	releases = json_object_get(entry, "releases");
	/* [] for "none" appears in real exports (a PHP/Python empty list). */
	if (!releases || json_is_null(releases) ||
	    (json_is_array(releases) && json_array_size(releases) == 0))
		return CLARO_OK;
	if (!json_is_object(releases)) {
		snprintf(w->err->detail, sizeof(w->err->detail),
			 "[\"%.64s\"][\"%.64s\"].releases: expected an object, found %s.", w->package, w->id,
			 type_name(releases));
		return CLARO_ERR_INVALID;
	}
	json_object_foreach((json_t *)releases, release, rel)
	{
		struct tracker_record r;
		char where[96];

		snprintf(where, sizeof(where), ".releases[\"%.64s\"]", release);
		r.package = w->package;
		r.id = w->id;
		r.description = description;
		r.release = release;
		r.status = r.fixed_version = r.urgency = "";
		if (!json_is_null(rel)) {
			if (!json_is_object(rel)) {
				snprintf(w->err->detail, sizeof(w->err->detail),
					 "[\"%.64s\"][\"%.64s\"]%s: expected an object, found %s.",
					 w->package, w->id, where, type_name(rel));
				return CLARO_ERR_INVALID;
			}
			if ((st = string_field(w, rel, "status", where, &r.status)) != CLARO_OK ||
			    (st = string_field(w, rel, "fixed_version", where, &r.fixed_version)) !=
				CLARO_OK ||
			    (st = string_field(w, rel, "urgency", where, &r.urgency)) != CLARO_OK)
				return st;
		}
		if (!w->fn || (w->want && !w->want(w->arg, release)))
			continue;
		if ((st = w->fn(w->arg, &r)) != CLARO_OK)
			return st;
	}
	return CLARO_OK;
}

/* Where a splitter error happened, as a sentence. */
static enum claro_status split_error(struct walk *w, const struct jsonsplit *js, const char *inside)
{
	size_t offset = (size_t)(js->data - w->data) + js->error_offset;
	size_t line = 1;

	for (size_t i = 0; i < offset && i < w->len; i++)
		line += w->data[i] == '\n';
	snprintf(w->err->detail, sizeof(w->err->detail), "Line %zu%s%.64s%s: %s.", line,
		 inside ? ", in [\"" : "", inside ? inside : "", inside ? "\"]" : "",
		 js->error ? js->error : "malformed JSON");
	return CLARO_ERR_INVALID;
}

static enum claro_status walk_package(struct walk *w, const struct jsonsplit_member *pm)
{
	struct jsonsplit js;
	struct jsonsplit_member m;
	json_t *key, *entry;
	enum claro_status st;
	int more;

	if (pm->value_len == 4 && memcmp(pm->value, "null", 4) == 0)
		return CLARO_OK;
	if (pm->value[0] == '[') {
		/* An empty list stands for an empty object, as for "releases". */
		size_t i = 1;

		while (i < pm->value_len && strchr(" \t\r\n", pm->value[i]))
			i++;
		if (i < pm->value_len && pm->value[i] == ']' && i + 1 == pm->value_len)
			return CLARO_OK;
	}
	if (pm->value[0] != '{') {
		snprintf(w->err->detail, sizeof(w->err->detail),
			 "Line %zu, [\"%.64s\"]: expected an object of vulnerabilities.",
			 line_of(w, pm->value), w->package);
		return CLARO_ERR_INVALID;
	}
	if (jsonsplit_begin(&js, pm->value, pm->value_len) != CLARO_OK)
		return split_error(w, &js, w->package);
	for (;;) {
		if (jsonsplit_next(&js, &m, &more) != CLARO_OK)
			return split_error(w, &js, w->package);
		if (!more)
			return CLARO_OK;
		if ((st = decode(w, m.key, m.key_len, &key, "a vulnerability id")) != CLARO_OK)
			return st;
		if ((st = decode(w, m.value, m.value_len, &entry, "a vulnerability")) != CLARO_OK) {
			json_decref(key);
			return st;
		}
		w->id = json_string_value(key);
		st = walk_entry(w, entry);
		json_decref(entry);
		json_decref(key);
		w->id = NULL;
		if (st != CLARO_OK)
			return st;
	}
}

static enum claro_status walk_document(struct walk *w)
{
	struct jsonsplit js;
	struct jsonsplit_member m;
	json_t *key;
	enum claro_status st;
	size_t packages = 0;
	int more;

	if (jsonsplit_begin(&js, w->data, w->len) != CLARO_OK)
		return split_error(w, &js, NULL);
	for (;; packages++) {
		if (jsonsplit_next(&js, &m, &more) != CLARO_OK)
			return split_error(w, &js, NULL);
		if (!more && packages == 0) {
			snprintf(w->err->detail, sizeof(w->err->detail),
				 "The document is an empty object; the tracker lists thousands of packages.");
			return CLARO_ERR_INVALID;
		}
		if (!more)
			return CLARO_OK;
		if ((st = decode(w, m.key, m.key_len, &key, "a source package name")) != CLARO_OK)
			return st;
		if (json_string_length(key) == 0) {
			json_decref(key);
			snprintf(w->err->detail, sizeof(w->err->detail),
				 "Line %zu: a source package has an empty name.", line_of(w, m.key));
			return CLARO_ERR_INVALID;
		}
		w->package = json_string_value(key);
		st = walk_package(w, &m);
		w->package = NULL;
		json_decref(key);
		if (st != CLARO_OK)
			return st;
	}
}

enum claro_status tracker_parse(const char *data, size_t len, tracker_release_fn want, tracker_record_fn fn,
				void *arg, struct tracker_error *err)
{
	struct walk w;
	enum claro_status st;

	memset(&w, 0, sizeof(w));
	w.data = data;
	w.len = len;
	w.want = want;
	w.arg = arg;
	w.err = err;
	err->detail[0] = '\0';
	if ((st = walk_document(&w)) != CLARO_OK || !fn)
		return st;
	w.fn = fn;
	return walk_document(&w);
}
