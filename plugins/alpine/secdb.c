/* secdb: Alpine secdb JSON documents into (package, fixed version, id)
 * fixes (see secdb.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "secdb.h"

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

static enum claro_status wrong_type(struct secdb_error *err, size_t i, const char *field, const char *want,
				    const json_t *got)
{
	snprintf(err->detail, sizeof(err->detail), "packages[%zu]%s: expected %s, found %s.", i, field, want,
		 type_name(got));
	return CLARO_ERR_INVALID;
}

/* One package entry; fn NULL means check only. */
static enum claro_status walk_package(const json_t *entry, size_t i, secdb_fix_fn fn, void *arg,
				      struct secdb_error *err)
{
	const json_t *pkg, *name, *secfixes, *ids;
	const char *fixed;

	if (!json_is_object(entry))
		return wrong_type(err, i, "", "an object", entry);
	pkg = json_object_get(entry, "pkg");
	if (!pkg || !json_is_object(pkg)) {
		if (!pkg) {
			snprintf(err->detail, sizeof(err->detail), "packages[%zu] has no \"pkg\" object.", i);
			return CLARO_ERR_INVALID;
		}
		return wrong_type(err, i, ".pkg", "an object", pkg);
	}
	name = json_object_get(pkg, "name");
	if (!name || !json_is_string(name) || json_string_length(name) == 0) {
		if (name && !json_is_string(name))
			return wrong_type(err, i, ".pkg.name", "a string", name);
		snprintf(err->detail, sizeof(err->detail), "packages[%zu].pkg has no package name.", i);
		return CLARO_ERR_INVALID;
	}
	secfixes = json_object_get(pkg, "secfixes");
	if (!secfixes || json_is_null(secfixes))
		return CLARO_OK;
	if (!json_is_object(secfixes))
		return wrong_type(err, i, ".pkg.secfixes", "an object", secfixes);
	json_object_foreach((json_t *)secfixes, fixed, ids)
	{
		size_t j;
		const json_t *id;

		if (json_is_null(ids))
			continue;
		if (!json_is_array(ids)) {
			snprintf(err->detail, sizeof(err->detail),
				 "packages[%zu].pkg.secfixes[\"%.64s\"]: expected an array, found %s.", i,
				 fixed, type_name(ids));
			return CLARO_ERR_INVALID;
		}
		json_array_foreach(ids, j, id)
		{
			struct secdb_fix fix;
			enum claro_status st;

			if (!json_is_string(id) || json_string_length(id) == 0) {
				snprintf(
				    err->detail, sizeof(err->detail),
				    "packages[%zu].pkg.secfixes[\"%.64s\"][%zu]: expected an advisory id, "
				    "found %s.",
				    i, fixed, j, json_is_string(id) ? "an empty string" : type_name(id));
				return CLARO_ERR_INVALID;
			}
			if (!fn)
				continue;
			fix.package = json_string_value(name);
			fix.fixed_version = fixed;
			fix.id = json_string_value(id);
			if ((st = fn(arg, &fix)) != CLARO_OK)
				return st;
		}
	}
	return CLARO_OK;
}

static enum claro_status walk(const json_t *root, secdb_fix_fn fn, void *arg, struct secdb_error *err)
{
	const json_t *packages, *entry;
	size_t i;

	if (!json_is_object(root)) {
		snprintf(err->detail, sizeof(err->detail), "The document is %s, not a secdb object.",
			 type_name(root));
		return CLARO_ERR_INVALID;
	}
	packages = json_object_get(root, "packages");
	if (packages && json_is_null(packages))
		return CLARO_OK; /* how the YAML form says "none" (v3.3/community) */
	if (!packages || !json_is_array(packages)) {
		snprintf(err->detail, sizeof(err->detail), "\"packages\" is %s; a secdb has an array there.",
			 packages ? type_name(packages) : "missing");
		return CLARO_ERR_INVALID;
	}
	json_array_foreach(packages, i, entry)
	{
		enum claro_status st = walk_package(entry, i, fn, arg, err);

		if (st != CLARO_OK)
			return st;
	}
	return CLARO_OK;
}

enum claro_status secdb_parse(const char *data, size_t len, secdb_fix_fn fn, void *arg,
			      struct secdb_error *err)
{
	json_error_t jerr;
	json_t *root;
	enum claro_status st;

	err->detail[0] = '\0';
	if (len > SECDB_MAX_BYTES) {
		snprintf(err->detail, sizeof(err->detail), "The document has %zu bytes; the limit is %zu.",
			 len, SECDB_MAX_BYTES);
		return CLARO_ERR_TOO_LARGE;
	}
	if (!(root = json_loadb(data, len, 0, &jerr))) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return CLARO_ERR_NOMEM;
		snprintf(err->detail, sizeof(err->detail), "Line %d, column %d: %s.", jerr.line, jerr.column,
			 jerr.text);
		return CLARO_ERR_INVALID;
	}
	st = walk(root, NULL, NULL, err);
	if (st == CLARO_OK && fn)
		st = walk(root, fn, arg, err);
	json_decref(root);
	return st;
}
