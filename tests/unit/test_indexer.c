/* The indexer controller (core/indexer.c) end to end over directory layers
 * with the test plugin "alpha" (tests/plugins/alpha.c: package, dist, repo
 * and whiteout scanners and a last-writer-wins coalescer), on SQLite, or on
 * PostgreSQL with CLARO_TEST_STORE=postgres (tests/unit/indexer-postgres.sh).
 *
 * It asserts the report content, the states and caching of reference §3.3
 * (a finished manifest is answered without opening a layer, a layer is
 * scanned once per scanner version, a new scanner version re-runs only that
 * scanner), the manifest_index rows, IndexError reports, and the whiteout
 * resolution of §3.5 plus claro's rule for whited-out package databases.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../core/indexer.h"
#include "../../core/log.h"
#include "../../core/store_artifacts.h"
#include "../../core/store_impl.h"
#include "../../core/strutil.h"
#include "../tap.h"
#include "testutil.h"

#define LAYER(c)                                                                                            \
	"sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
	    c c c c c c c c c c c c c c c c c c c
#define MAN(c) "sha256:" c "000000000000000000000000000000000000000000000000000000000000000"

static char *tmp;
static struct registry reg;
static struct indexer ix;

/* ---- fixtures ---- */

static struct store *open_store(void)
{
	struct store_params p;
	struct store *s = NULL;
	struct error err = ERROR_INIT;
	const char *keys[6], *vals[6];
	char *path = NULL;
	size_t n = 0;

	memset(&p, 0, sizeof(p));
	if (getenv("CLARO_TEST_STORE") && strcmp(getenv("CLARO_TEST_STORE"), "postgres") == 0) {
		p.backend = STORE_POSTGRES;
		keys[n] = "host";
		vals[n++] = getenv("CLARO_TEST_PG_HOST");
		keys[n] = "user";
		vals[n++] = getenv("CLARO_TEST_PG_USER") ? getenv("CLARO_TEST_PG_USER") : "postgres";
		keys[n] = "dbname";
		vals[n++] = "postgres";
		keys[n] = NULL;
		vals[n] = NULL;
		p.pg_keywords = keys;
		p.pg_values = vals;
	} else {
		p.backend = STORE_SQLITE;
		path = str_printf("%s/claro.db", tmp);
		p.sqlite_path = path;
	}
	if (store_open(&s, &p, &err) != CLARO_OK || store_migrate(s, &err) != CLARO_OK) {
		diag("store: %s / %s", err.message, err.detail ? err.detail : "");
		store_close(s);
		s = NULL;
	}
	free(path);
	error_clear(&err);
	return s;
}

static char *layer_dir(const char *name)
{
	return str_printf("%s/%s", tmp, name);
}

static void put(const char *layer, const char *rel, const char *content)
{
	char *path = str_printf("%s/%s/%s", tmp, layer, rel);

	if (!path || tu_write_file(path, content, 0644) != 0)
		diag("could not write %s", path ? path : rel);
	free(path);
}

/* A manifest of local directory layers: pairs of (digest, directory name). */
static struct manifest *manifest_of(const char *hash, size_t n, const char *const *pairs)
{
	struct buf b = BUF_INIT(1 << 20);
	struct manifest *m = calloc(1, sizeof(*m));
	struct error err = ERROR_INIT;
	char *json;

	buf_printf(&b, "{\"hash\":\"%s\",\"layers\":[", hash);
	for (size_t i = 0; i < n; i++) {
		char *dir = layer_dir(pairs[2 * i + 1]);
		buf_printf(&b, "%s{\"hash\":\"%s\",\"uri\":\"file://%s\",\"media_type\":\"%s\"}",
			   i ? "," : "", pairs[2 * i], dir, MANIFEST_MEDIA_FILESYSTEM);
		free(dir);
	}
	buf_puts(&b, "]}");
	json = buf_steal(&b);
	if (!m || !json || manifest_parse(json, strlen(json), m, &err) != CLARO_OK) {
		diag("manifest: %s", err.message ? err.message : "out of memory");
		free(m);
		m = NULL;
	}
	free(json);
	error_clear(&err);
	return m;
}

static void manifest_done(struct manifest *m)
{
	manifest_free(m);
	free(m);
}

/* Index and parse the report; *st gets the status. */
static json_t *index_it(struct store *s, const struct manifest *m, enum claro_status *st)
{
	struct error err = ERROR_INIT;
	char *report = NULL;
	json_t *v;

	*st = indexer_index(&ix, s, m, &report, &err);
	if (*st != CLARO_OK)
		diag("index: %s / %s", err.message ? err.message : "", err.detail ? err.detail : "");
	v = report ? json_loads(report, 0, NULL) : NULL;
	free(report);
	error_clear(&err);
	return v;
}

/* The package of report v named name, or NULL. */
static json_t *package_named(json_t *v, const char *name, const char **id)
{
	const char *key;
	json_t *p;

	json_object_foreach(json_object_get(v, "packages"), key, p)
	{
		if (strcmp(json_string_value(json_object_get(p, "name")), name) == 0) {
			if (id)
				*id = key;
			return p;
		}
	}
	return NULL;
}

static const char *env_field(json_t *v, const char *pkg_id, const char *field)
{
	json_t *envs = json_object_get(json_object_get(v, "environments"), pkg_id);

	return json_string_value(json_object_get(json_array_get(envs, 0), field));
}

static const char *state_of(json_t *v)
{
	return json_string_value(json_object_get(v, "state"));
}

/* ---- tests ---- */

static void build_layers(void)
{
	put("l1", "etc/os-release", "NAME=Alpha\nID=alpha\nVERSION_ID=1\nPRETTY_NAME=\"Alpha 1\"\n");
	put("l1", "etc/alpha/packages", "bash 5.1 x86_64\ncoreutils 9.1\n");
	put("l1", "etc/alpha/repos.d/main.repo", "https://alpha.example/main\n");
	put("l2", "etc/alpha/packages", "bash 5.2 x86_64\ncoreutils 9.1\nzlib 1.3\n");
	put("l3", "etc/alpha/packages", "bash 5.1 x86_64\ncoreutils 9.1\nzlib 1.3\nbusybox 1.36\n");
	put("bad", "etc/alpha/packages", "bash\n");
	put("w1", "etc/alpha/packages", "sed 4.9\n");
	put("w2", "etc/alpha/.wh.packages", "");
	put("w3", "etc/.wh..wh..opq", "");
	put("w4", "etc/alpha/packages", "grep 3.11\n");
}

static void test_first_index(struct store *s)
{
	const char *pairs[] = {LAYER("1"), "l1", LAYER("2"), "l2"};
	struct manifest *m = manifest_of(MAN("a"), 2, pairs);
	enum claro_status st;
	const char *bash_id = NULL, *zlib_id = NULL, *core_id = NULL;
	json_t *v = m ? index_it(s, m, &st) : NULL, *bash, *stored_v;
	char *stored = NULL;
	struct error err = ERROR_INIT;
	int64_t rows = 0;

	if (!v) {
		ok(0, "the first manifest indexes");
		manifest_done(m);
		return;
	}
	is_int(st, CLARO_OK, "the first manifest indexes");
	is_str(state_of(v), "IndexFinished", "state IndexFinished");
	ok(json_is_true(json_object_get(v, "success")), "success is true");
	is_str(json_string_value(json_object_get(v, "manifest_hash")), MAN("a"), "manifest_hash");
	is_int((int)json_object_size(json_object_get(v, "packages")), 3,
	       "the top layer's package list wins: bash, coreutils, zlib");
	bash = package_named(v, "bash", &bash_id);
	is_str(json_string_value(json_object_get(bash, "version")), "5.2", "bash is the upper layer's 5.2");
	is_str(json_string_value(json_object_get(bash, "arch")), "x86_64", "with its arch");
	is_str(json_string_value(json_object_get(bash, "id")), bash_id, "the package id is its key");
	ok(json_object_get(bash, "source") && json_object_get(json_object_get(bash, "source"), "id"),
	   "a source object is always attached");
	ok(package_named(v, "zlib", &zlib_id) && package_named(v, "coreutils", &core_id),
	   "zlib and coreutils");
	if (zlib_id && core_id && bash_id) {
		is_str(env_field(v, zlib_id, "introduced_in"), LAYER("2"), "zlib was introduced in layer 2");
		is_str(env_field(v, core_id, "introduced_in"), LAYER("1"),
		       "coreutils in layer 1 (first seen)");
		is_str(env_field(v, bash_id, "package_db"), "etc/alpha/packages", "package_db");
		ok(env_field(v, bash_id, "distribution_id") &&
		       json_object_get(json_object_get(v, "distributions"),
				       env_field(v, bash_id, "distribution_id")),
		   "the environment's distribution_id names a listed distribution");
	}
	{
		const char *k;
		json_t *d;
		json_object_foreach(json_object_get(v, "distributions"), k, d) is_str(
		    json_string_value(json_object_get(d, "did")), "alpha", "the distribution is alpha");
	}
	is_int(store_index_report_get(s, MAN("a"), &stored, &err), CLARO_OK, "the report is stored");
	stored_v = stored ? json_loads(stored, 0, NULL) : NULL;
	ok(stored_v && json_equal(stored_v, v), "the stored report equals the returned one");
	json_decref(stored_v);
	free(stored);
	is_int(store_manifest_index_count(s, MAN("a"), &rows, &err), CLARO_OK, "count manifest_index rows");
	/* one row per (package, distribution) and one for the shared empty source */
	is_int((int)rows, 4, "manifest_index: 3 packages + their (empty) source");
	json_decref(v);
	manifest_done(m);
	error_clear(&err);
}

static void test_cached(struct store *s)
{
	const char *pairs[] = {LAYER("1"), "l1", LAYER("2"), "l2"};
	const char *pairs2[] = {LAYER("1"), "l1", LAYER("3"), "l3"};
	struct manifest *m = manifest_of(MAN("a"), 2, pairs), *m2;
	char *l1 = layer_dir("l1"), *l2 = layer_dir("l2"), *moved = layer_dir("l1.away");
	enum claro_status st;
	json_t *v;

	/* With the layer directories gone, opening any layer would fail. */
	ok(rename(l1, moved) == 0 && tu_rmrf(l2) == 0, "hide the layers of the indexed manifest");
	v = m ? index_it(s, m, &st) : NULL;
	is_int(st, CLARO_OK, "re-posting a finished manifest succeeds without its layers");
	is_str(state_of(v), "IndexFinished", "and returns the stored report");
	is_int((int)json_object_size(json_object_get(v, "packages")), 3, "with its packages");
	json_decref(v);
	manifest_done(m);

	/* A new manifest sharing layer 1: layer 1 is not scanned (nor opened) again. */
	m2 = manifest_of(MAN("b"), 2, pairs2);
	v = m2 ? index_it(s, m2, &st) : NULL;
	is_int(st, CLARO_OK, "a manifest sharing an already scanned layer indexes without opening it");
	is_int((int)json_object_size(json_object_get(v, "packages")), 4, "its own top layer's 4 packages");
	{
		const char *id = NULL;
		package_named(v, "coreutils", &id);
		is_str(id ? env_field(v, id, "introduced_in") : NULL, LAYER("1"),
		       "coreutils comes from the cached layer 1 artifacts");
		ok(json_object_size(json_object_get(v, "distributions")) == 1,
		   "the distribution comes from the cached layer 1 artifacts");
	}
	json_decref(v);
	manifest_done(m2);
	ok(rename(moved, l1) == 0, "restore layer 1");
	free(l1);
	free(l2);
	free(moved);
}

/* Pretend the stored alpha_pkg results came from an older version: the
 * registry's version 3 is then new, so only alpha_pkg runs again. Layer 1's
 * os-release changes meanwhile: the distribution must stay the cached one. */
static void test_version_bump(struct store *s)
{
	static const struct store_sql sql_age =
	    STORE_SQL("UPDATE scanner SET version = 'old' WHERE name = 'alpha_pkg'");
	const char *pairs[] = {LAYER("1"), "l1", LAYER("4"), "l4"};
	struct manifest *m;
	struct error err = ERROR_INIT;
	enum claro_status st;
	json_t *v;
	const char *k;
	json_t *d;

	put("l4", "etc/hostname", "empty layer\n");
	is_int(store_query(s, "age scanner", &sql_age, NULL, 0, NULL, &err), CLARO_OK,
	       "age alpha_pkg's stored version");
	put("l1", "etc/alpha/packages", "bash 5.1 x86_64\ncoreutils 9.1\nnano 7.2\n");
	put("l1", "etc/os-release", "ID=changed\n");
	m = manifest_of(MAN("c"), 2, pairs);
	v = m ? index_it(s, m, &st) : NULL;
	is_int(st, CLARO_OK, "index after the version change");
	ok(package_named(v, "nano", NULL) != NULL, "the bumped package scanner ran again on layer 1");
	json_object_foreach(json_object_get(v, "distributions"), k, d)
	    is_str(json_string_value(json_object_get(d, "did")), "alpha",
		   "the distribution scanner did not run again (cached alpha, not the new file)");
	json_decref(v);
	manifest_done(m);
	error_clear(&err);
}

static void test_index_error(struct store *s)
{
	const char *pairs[] = {LAYER("5"), "bad"};
	struct manifest *m = manifest_of(MAN("d"), 1, pairs);
	struct error err = ERROR_INIT;
	char *stored = NULL;
	enum claro_status st;
	json_t *v = m ? index_it(s, m, &st) : NULL, *sv;

	ok(st != CLARO_OK, "a scanner error fails the index");
	is_str(state_of(v), "IndexError", "the report says IndexError");
	ok(json_is_false(json_object_get(v, "success")), "success is false");
	ok(json_string_value(json_object_get(v, "err")) &&
	       strstr(json_string_value(json_object_get(v, "err")), "malformed package list"),
	   "err carries the scanner's message");
	is_int(store_index_report_get(s, MAN("d"), &stored, &err), CLARO_OK, "the failed report is stored");
	sv = stored ? json_loads(stored, 0, NULL) : NULL;
	is_str(state_of(sv), "IndexError", "stored as IndexError");
	json_decref(sv);
	json_decref(v);
	free(stored);
	manifest_done(m);
	error_clear(&err);
}

static void test_sources(struct store *s)
{
	const char *pairs[] = {LAYER("6"), "l3"};
	struct manifest *m = manifest_of(MAN("e"), 1, pairs);
	struct error err = ERROR_INIT;
	char *report = NULL;
	enum claro_status st;

	if (!m)
		return;
	ix.opt.allow_local_layers = 0;
	st = indexer_index(&ix, s, m, &report, &err);
	is_int(st, CLARO_ERR_DENIED, "a local directory layer is refused outside local mode");
	ok(report && strstr(report, "IndexError") && strstr(report, "local mode"), "the report says why");
	free(report);
	report = NULL;
	error_clear(&err);
	ix.opt.allow_local_layers = 1;

	free(m->layers[0].media_type);
	m->layers[0].media_type = NULL;
	{
		struct layer_source saved = ix.remote;
		memset(&ix.remote, 0, sizeof(ix.remote));
		st = indexer_index(&ix, s, m, &report, &err);
		ix.remote = saved;
	}
	is_int(st, CLARO_ERR_UNSUPPORTED, "without a remote source an OCI layer cannot be fetched");
	ok(err.detail && strstr(err.detail, "not available in this build"),
	   "the error says fetching is unavailable");
	ok(report && strstr(report, "\"success\":false"), "an IndexError report, not a silent success");
	free(report);
	manifest_done(m);
	error_clear(&err);
}

static void test_whiteouts(struct store *s)
{
	const char *p1[] = {LAYER("7"), "w1", LAYER("8"), "w2"};
	const char *p2[] = {LAYER("7"), "w1", LAYER("9"), "w3"};
	const char *p3[] = {LAYER("7"), "w1", LAYER("8"), "w2", LAYER("b"), "w4"};
	struct manifest *m;
	enum claro_status st;
	json_t *v;

	m = manifest_of(MAN("f"), 2, p1);
	v = m ? index_it(s, m, &st) : NULL;
	is_int(st, CLARO_OK, "index a manifest whose upper layer whites out the package database");
	is_int((int)json_object_size(json_object_get(v, "packages")), 0,
	       "a whited-out package database takes its packages with it");
	json_decref(v);
	manifest_done(m);

	m = manifest_of(MAN("0"), 2, p2);
	v = m ? index_it(s, m, &st) : NULL;
	is_int(st, CLARO_OK, "index a manifest with an opaque directory above the database");
	is_int((int)json_object_size(json_object_get(v, "packages")), 0,
	       "an opaque parent directory hides it too");
	json_decref(v);
	manifest_done(m);

	m = manifest_of(MAN("1"), 3, p3);
	v = m ? index_it(s, m, &st) : NULL;
	is_int(st, CLARO_OK, "index a manifest that re-creates the database after the whiteout");
	ok(json_object_size(json_object_get(v, "packages")) == 1 && package_named(v, "grep", NULL),
	   "a database written again above the whiteout is reported");
	json_decref(v);
	manifest_done(m);
}

int main(void)
{
	struct error err = ERROR_INIT;
	struct indexer_options opt = {4, 1, 30000};
	char *plugins = tu_builddir_path("tests/plugins/.libs");
	struct store *s;

	if (!plugins)
		skip_all("abs_top_builddir is not set");
	log_setup("test_indexer", CLARO_LOG_ERROR);
	tmp = tu_mkdtemp();
	if (!tmp || registry_load_one(&reg, plugins, "alpha", NULL, &err) != CLARO_OK) {
		diag("%s", err.message ? err.message : "no temporary directory");
		skip_all("the alpha test plugin is not built");
	}
	plan_no_plan();
	indexer_init(&ix, &reg, &opt);
	build_layers();
	s = open_store();
	ok(s != NULL, "open and migrate the store (%s)", s ? store_backend_name(s) : "?");
	if (s) {
		test_first_index(s);
		test_cached(s);
		test_version_bump(s);
		test_index_error(s);
		test_sources(s);
		test_whiteouts(s);
	}
	store_close(s);
	registry_free(&reg);
	tu_rmrf(tmp);
	free(tmp);
	free(plugins);
	error_clear(&err);
	return done_testing();
}
