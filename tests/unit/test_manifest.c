/* Manifest parsing/validation (core/manifest.c) and the IndexReport JSON
 * (core/indexreport.c): digest syntax, layers, headers, media types, and the
 * wire shape of reports (reference §1.7: field names and omission rules).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../core/indexreport.h"
#include "../../core/manifest.h"
#include "../../core/strutil.h"
#include "../tap.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D1  "sha256:" H64
#define D2  "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void test_digests(void)
{
	ok(manifest_digest_valid(D1), "sha256 with 64 hex digits is a digest");
	ok(manifest_digest_valid("sha512:" H64 H64), "sha512 with 128 hex digits is a digest");
	ok(!manifest_digest_valid("sha512:" H64), "sha512 with 64 digits is not");
	ok(!manifest_digest_valid("sha256:" H64 "0"), "sha256 with 65 digits is not");
	ok(!manifest_digest_valid("sha256:"
				  "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"),
	   "upper-case hex is not");
	ok(!manifest_digest_valid("blake3:" H64), "blake3 is not implemented");
	ok(!manifest_digest_valid("md5:" H64), "other algorithms are not");
	ok(!manifest_digest_valid("sha256:"
				  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg"),
	   "a non-hex digit is refused");
	ok(!manifest_digest_valid(""), "the empty string is not");
	ok(!manifest_digest_valid(NULL), "NULL is not");
}

static enum claro_status parse(const char *json, struct manifest *m, struct error *err)
{
	error_clear(err);
	return manifest_parse(json, strlen(json), m, err);
}

static void test_parse_good(void)
{
	struct manifest m;
	struct error err = ERROR_INIT;
	const char *json =
	    "{\"hash\":\"" D1 "\",\"unknown\":1,\"layers\":["
	    "{\"hash\":\"" D2 "\",\"uri\":\"https://r.example/v2/x/blobs/" D2 "\","
	    "\"headers\":{\"Authorization\":[\"Bearer t\"],\"X-Two\":[\"a\",\"b\"]},"
	    "\"media_type\":\"application/vnd.oci.image.layer.v1.tar+gzip\"},"
	    "{\"hash\":\"" D1 "\",\"uri\":\"file:///tmp/root\",\"media_type\":\"" MANIFEST_MEDIA_FILESYSTEM
	    "\"}]}";

	enum claro_status st = parse(json, &m, &err);

	is_int(st, CLARO_OK, "a full manifest parses");
	if (st != CLARO_OK)
		diag("%s / %s", err.message, err.detail ? err.detail : "");
	is_str(m.hash, D1, "manifest hash");
	is_int((int)m.n_layers, 2, "two layers, in order");
	if (m.n_layers == 2) {
		is_str(m.layers[0].hash, D2, "first layer hash");
		is_str(m.layers[0].uri, "https://r.example/v2/x/blobs/" D2, "first layer uri");
		is_int((int)m.layers[0].n_headers, 3, "each header value is one line");
		if (m.layers[0].n_headers == 3) {
			is_str(m.layers[0].headers[0], "Authorization: Bearer t", "header line 1");
			is_str(m.layers[0].headers[1], "X-Two: a", "header line 2");
			is_str(m.layers[0].headers[2], "X-Two: b", "header line 3");
		}
		ok(m.layers[0].headers[m.layers[0].n_headers] == NULL, "header lines are NULL-terminated");
		ok(!manifest_layer_is_local(&m.layers[0]), "an OCI layer is not local");
		ok(manifest_layer_is_local(&m.layers[1]), "a claircore filesystem layer is local");
		ok(m.layers[1].headers && m.layers[1].headers[0] == NULL, "no headers: an empty list");
	}
	manifest_free(&m);
	error_clear(&err);
}

struct bad_case {
	const char *json;
	const char *detail_part;
	const char *what;
};

static void test_parse_bad(void)
{
	static const struct bad_case cases[] = {
	    {"", "not valid JSON", "an empty body"},
	    {"{\"hash\":", "not valid JSON", "truncated JSON"},
	    {"[]", "not a JSON object", "an array"},
	    {"{\"layers\":[{\"hash\":\"" D2 "\"}]}", "(missing)", "a missing hash"},
	    {"{\"hash\":\"sha256:abc\",\"layers\":[{\"hash\":\"" D2 "\"}]}", "sha256:abc", "a short digest"},
	    {"{\"hash\":\"" D1 "\"}", "has no layers", "no layers"},
	    {"{\"hash\":\"" D1 "\",\"layers\":[]}", "has no layers", "zero layers"},
	    {"{\"hash\":\"" D1 "\",\"layers\":{}}", "has no layers", "layers not an array"},
	    {"{\"hash\":\"" D1 "\",\"layers\":[1]}", "not a JSON object", "a layer that is a number"},
	    {"{\"hash\":\"" D1 "\",\"layers\":[{\"uri\":\"x\"}]}", "layer's hash", "a layer without hash"},
	    {"{\"hash\":\"" D1 "\",\"layers\":[{\"hash\":\"" D2 "\",\"uri\":5}]}", "uri", "a numeric uri"},
	    {"{\"hash\":\"" D1 "\",\"layers\":[{\"hash\":\"" D2 "\",\"headers\":[]}]}", "headers",
	     "headers array"},
	    {"{\"hash\":\"" D1 "\",\"layers\":[{\"hash\":\"" D2 "\",\"headers\":{\"A\":\"b\"}}]}", "array",
	     "a header value that is not an array"},
	    {"{\"hash\":\"" D1 "\",\"layers\":[{\"hash\":\"" D2
	     "\",\"headers\":{\"A\":[\"b\\r\\nEvil: 1\"]}}]}",
	     "single-line", "a header value with CRLF"},
	    {"{\"hash\":\"" D1 "\",\"layers\":[{\"hash\":\"" D2 "\",\"headers\":{\"A B\":[\"b\"]}}]}",
	     "token", "a header name with a space"},
	    {"{\"hash\":\"" D1 "\",\"hash\":\"" D2 "\",\"layers\":[{\"hash\":\"" D2 "\"}]}", "not valid JSON",
	     "duplicate keys"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct manifest m;
		struct error err = ERROR_INIT;
		enum claro_status st = parse(cases[i].json, &m, &err);

		is_int(st, CLARO_ERR_INVALID, "refused: %s", cases[i].what);
		ok(err.message && strcmp(err.message, "invalid manifest") == 0 && err.detail &&
		       strstr(err.detail, cases[i].detail_part) && err.hint,
		   "three-part error naming the problem: %s", cases[i].what);
		if (!err.detail || !strstr(err.detail, cases[i].detail_part))
			diag("detail: %s", err.detail ? err.detail : "(none)");
		ok(m.hash == NULL && m.layers == NULL, "nothing is left allocated: %s", cases[i].what);
		error_clear(&err);
	}
}

/* ---- IndexReport JSON ---- */

static json_t *dump_and_load(struct index_report *r)
{
	char *text = index_report_dump(r);
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;

	free(text);
	return v;
}

static void test_report_empty(void)
{
	struct index_report *r = index_report_new(D1);
	json_t *v;
	const char *keys[] = {"manifest_hash", "state",        "packages", "distributions",
			      "repository",    "environments", "success",  "err"};

	ok(r != NULL, "a report is created");
	if (!r)
		return;
	v = dump_and_load(r);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ok(json_object_get(v, keys[i]) != NULL, "an empty report has \"%s\"", keys[i]);
	is_int((int)json_object_size(v), 8, "and nothing else");
	ok(json_object_get(v, "repositories") == NULL, "the repository map's key is singular");
	is_str(json_string_value(json_object_get(v, "state")), "CheckManifest",
	       "a new report is in CheckManifest");
	ok(json_is_false(json_object_get(v, "success")), "success is false until finished");
	json_decref(v);
	ok(index_report_set_error(r, "boom", &(struct error)ERROR_INIT) == CLARO_OK, "set an error");
	v = dump_and_load(r);
	is_str(json_string_value(json_object_get(v, "state")), "IndexError", "an error moves to IndexError");
	is_str(json_string_value(json_object_get(v, "err")), "boom", "err carries the text");
	json_decref(v);
	index_report_free(r);
}

static void test_report_records(void)
{
	struct error err = ERROR_INIT;
	struct index_report *r = index_report_new(D1);
	struct claro_package src = {sizeof(src), "",   "",   NULL, NULL, NULL,
				    NULL,        NULL, NULL, NULL, NULL, {NULL, {0}}};
	struct claro_package pkg = {
	    sizeof(pkg), "requests", "2.31.0", "binary", NULL, NULL,
	    NULL,        "python:x", "f",      "h",      NULL, {"pep440", {2, 31, 0, 0, 0, 0, 0, 0, 0, 0}}};
	struct claro_package rpm = {
	    sizeof(rpm), "bash", "5.1-2.el9", "binary", "x86_64",   "bash:5", "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*",
	    NULL,        NULL,   NULL,        NULL,     {NULL, {0}}};
	struct claro_distribution dist = {sizeof(dist),
					  "debian",
					  "Debian GNU/Linux",
					  "12 (bookworm)",
					  "bookworm",
					  "12",
					  NULL,
					  NULL,
					  "Debian GNU/Linux 12 (bookworm)"};
	struct claro_repository repo = {sizeof(repo), "pypi", NULL, "https://pypi.org/simple", NULL};
	int64_t repo_ids[] = {9};
	json_t *v, *p, *s, *d, *e, *rp;

	if (!r)
		return;
	ok(index_report_add_package(r, 7, &pkg, 1, &src, &err) == CLARO_OK,
	   "add a package with empty source");
	ok(index_report_add_package(r, 8, &rpm, 1, &src, &err) == CLARO_OK, "add an rpm package");
	ok(index_report_add_distribution(r, 3, &dist, &err) == CLARO_OK, "add a distribution");
	ok(index_report_add_repository(r, 9, &repo, &err) == CLARO_OK, "add a repository");
	ok(index_report_add_environment(r, 7, "python:x", D2, 0, repo_ids, 1, &err) == CLARO_OK, "add env");
	ok(index_report_add_environment(r, 7, "python:x", D2, 0, repo_ids, 1, &err) == CLARO_OK,
	   "add it twice");
	ok(index_report_add_environment(r, 8, "bdb:var/lib/rpm", D2, 3, NULL, 0, &err) == CLARO_OK,
	   "add env 2");
	v = dump_and_load(r);
	p = json_object_get(json_object_get(v, "packages"), "7");
	is_str(json_string_value(json_object_get(p, "id")), "7",
	       "package id is the decimal row id as a string");
	is_str(json_string_value(json_object_get(p, "normalized_version")), "pep440:2.31.0.0.0.0.0.0.0.0",
	       "normalized_version is kind:v0..v9");
	ok(!json_object_get(p, "module") && !json_object_get(p, "arch") && !json_object_get(p, "cpe"),
	   "empty module, arch and cpe are omitted");
	ok(!json_object_get(p, "package_db") && !json_object_get(p, "filepath") &&
	       !json_object_get(p, "repository_hint"),
	   "internal fields are never serialized");
	s = json_object_get(p, "source");
	is_str(json_string_value(json_object_get(s, "id")), "1", "the empty source is attached with its id");
	ok(json_is_string(json_object_get(s, "name")) && json_is_string(json_object_get(s, "version")) &&
	       json_object_size(s) == 3,
	   "the empty source is {id, name, version} as Clair shows it");
	p = json_object_get(json_object_get(v, "packages"), "8");
	is_str(json_string_value(json_object_get(p, "module")), "bash:5", "module when set");
	is_str(json_string_value(json_object_get(p, "arch")), "x86_64", "arch when set");
	ok(json_object_get(p, "cpe") != NULL, "cpe when set");
	ok(json_object_get(p, "normalized_version") == NULL, "no normalized_version without a kind");
	d = json_object_get(json_object_get(v, "distributions"), "3");
	is_int((int)json_object_size(d), 9, "a distribution has all nine fields");
	is_str(json_string_value(json_object_get(d, "cpe")), "", "even an empty cpe");
	rp = json_object_get(json_object_get(v, "repository"), "9");
	ok(rp && !json_object_get(rp, "key") && json_object_get(rp, "cpe") && json_object_get(rp, "uri"),
	   "repository: empty key omitted, cpe kept");
	e = json_object_get(json_object_get(v, "environments"), "7");
	is_int((int)json_array_size(e), 1, "an equal environment is listed once");
	is_str(json_string_value(json_object_get(json_array_get(e, 0), "distribution_id")), "",
	       "no distribution: distribution_id is \"\"");
	is_str(json_string_value(json_array_get(json_object_get(json_array_get(e, 0), "repository_ids"), 0)),
	       "9", "repository_ids are strings");
	e = json_object_get(json_object_get(v, "environments"), "8");
	ok(json_is_array(json_object_get(json_array_get(e, 0), "repository_ids")) &&
	       json_array_size(json_object_get(json_array_get(e, 0), "repository_ids")) == 0,
	   "no repositories: an empty array");
	is_str(json_string_value(json_object_get(json_array_get(e, 0), "distribution_id")), "3",
	       "distribution_id");
	is_int((int)index_report_n_packages(r), 2, "two packages");
	json_decref(v);
	index_report_free(r);
	error_clear(&err);
}

int main(void)
{
	plan_no_plan();
	test_digests();
	test_parse_good();
	test_parse_bad();
	test_report_empty();
	test_report_records();
	return done_testing();
}
