/* Content manifest JSON; see contentmanifest.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "contentmanifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static enum claro_status invalid(char *reason, size_t size, const char *what)
{
	snprintf(reason, size, "%s", what);
	return CLARO_ERR_INVALID;
}

enum claro_status content_manifest_parse(const char *data, size_t len, struct content_manifest *out,
					 char *reason, size_t size)
{
	json_error_t jerr;
	json_t *root, *sets, *hint;
	enum claro_status st = CLARO_OK;

	memset(out, 0, sizeof(*out));
	root = json_loadb(data, len, 0, &jerr);
	if (!root) {
		snprintf(reason, size, "not JSON (line %d: %s)", jerr.line, jerr.text);
		return CLARO_ERR_INVALID;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return invalid(reason, size, "not a JSON object");
	}
	hint = json_object_get(root, "from_dnf_hint");
	if (hint && !json_is_null(hint) && !json_is_boolean(hint))
		st = invalid(reason, size, "\"from_dnf_hint\" is not a boolean");
	else
		out->from_dnf_hint = json_is_true(hint);
	sets = json_object_get(root, "content_sets");
	if (st == CLARO_OK && sets && !json_is_null(sets) && !json_is_array(sets))
		st = invalid(reason, size, "\"content_sets\" is not an array");
	if (st == CLARO_OK && json_is_array(sets) && json_array_size(sets) > 0) {
		size_t n = json_array_size(sets);

		out->content_sets = calloc(n, sizeof(*out->content_sets));
		if (!out->content_sets)
			st = CLARO_ERR_NOMEM;
		for (size_t i = 0; st == CLARO_OK && i < n; i++) {
			json_t *s = json_array_get(sets, i);

			if (!json_is_string(s)) {
				st = invalid(reason, size,
					     "\"content_sets\" holds something other than strings");
				break;
			}
			out->content_sets[i] = malloc(json_string_length(s) + 1);
			if (!out->content_sets[i]) {
				st = CLARO_ERR_NOMEM;
				break;
			}
			memcpy(out->content_sets[i], json_string_value(s), json_string_length(s) + 1);
			out->n_content_sets = i + 1;
		}
	}
	json_decref(root);
	if (st != CLARO_OK)
		content_manifest_free(out); /* n_content_sets counts what was copied */
	return st;
}

void content_manifest_free(struct content_manifest *m)
{
	for (size_t i = 0; i < m->n_content_sets; i++)
		free(m->content_sets[i]);
	free(m->content_sets);
	memset(m, 0, sizeof(*m));
}
