/* A Vulnerability as Clair writes it in JSON (reference §1.7, claircore's
 * vulnerability.go): what `claroctl updaters export` writes per record and
 * what the matcher API will return.
 *
 *   {"id", "updater", "name", "description", "issued" (RFC 3339, the zero
 *    time 0001-01-01T00:00:00Z when unknown), "links", "severity",
 *    "normalized_severity" ("Unknown".."Critical"), "package" {"id", "name",
 *    "version", "kind" (omitted when empty), "normalized_version",
 *    "module"/"arch" (omitted when empty), "cpe"}, "distribution" (omitted
 *    when every field is empty; else all nine fields), "repository" (omitted
 *    likewise; id/name/key/uri omitted when empty, cpe always),
 *    "fixed_in_version", "range" {"[": "<kind>:<v0>...<v9>", ")": ...}
 *    (omitted without a range), "arch_op" (omitted when none)}
 *
 * Reading is lenient the way Go's decoder is (unknown keys ignored, a
 * missing key is empty) but strict about types: a key present with the
 * wrong JSON type is an error, as are unknown severities and arch_ops,
 * malformed times and normalised versions.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_VULNJSON_H
#define CLARO_CORE_VULNJSON_H

#include <stdint.h>

#include <jansson.h>

#include <claro/plugin.h>

#include "error.h"

/* A new JSON object (NULL when out of memory). v->id NULL writes "". */
json_t *vulnjson_encode(const struct claro_vulnerability *v);
/* The same (the name the matcher's report code uses). */
json_t *vulnerability_to_json(const struct claro_vulnerability *v);

/* A record whose strings point into the JSON object it was read from:
 * valid while that object lives. */
struct vulnjson_view {
	struct claro_vulnerability v;
	struct claro_package pkg;
	struct claro_distribution dist;
	struct claro_repository repo;
};
/* CLARO_ERR_INVALID (message, detail naming the key) for a malformed one. */
enum claro_status vulnjson_decode(json_t *obj, struct vulnjson_view *out, struct error *err);

/* RFC 3339 in UTC with seconds ("2024-05-01T12:00:00Z"); INT64_MIN gives
 * Go's zero time. out must hold 32 bytes. */
void vulnjson_format_time(int64_t t, char out[32]);
/* RFC 3339 (fractional seconds and offsets accepted, fraction dropped);
 * Go's zero time reads as INT64_MIN. 0 on success, -1 if malformed or out
 * of range. */
int vulnjson_parse_time(const char *s, int64_t *out);

/* "<kind>:<v0>.<v1>..." (up to 10 int32 parts, as claircore's
 * Version.UnmarshalText); "" gives kind "". kind points into a copy the
 * caller frees with free(*kind_storage). 0 on success, -1 if malformed. */
int vulnjson_parse_normalized(const char *s, struct claro_normalized_version *out, char **kind_storage);

#endif /* CLARO_CORE_VULNJSON_H */
