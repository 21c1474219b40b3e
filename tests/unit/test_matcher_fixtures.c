/* Clair's own matcher fixtures ($CLARO_TESTDATA/clair-fixtures/matcher/
 * <ecosystem>/<name>.txtar) through claro's matcher (core/matcher.c) and
 * the real matcher plugins: the "Database" section stands in for the
 * advisory store exactly as claircore's mock store does (a query for a
 * record returns the vulnerabilities listed under that record's package),
 * and the produced report must list exactly the (package, vulnerability)
 * pairs of the "Want" section.
 *
 *   test_matcher_fixtures            every fixture of a supported ecosystem
 *
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "matcher.h"
#include "registry.h"
#include "strutil.h"
#include "vulnjson.h"
#include "../tap.h"
#include "testutil.h"
#include "txtar.h"

/* A fixture and the plugins whose matchers it exercises. */
struct fixture {
	const char *path;    /* under clair-fixtures/ */
	const char *plugins; /* comma-separated plugin names to load */
	const char *matcher; /* the matcher component that must be loaded */
};

static const struct fixture fixtures[] = {
    {"matcher/python/RHEL8.txtar", "python,versions", "python"},
    {"matcher/ruby/BullseyeRuby.txtar", "osv,versions", "ruby-gem"},
    {"matcher/java/Jackson-Databind.txtar", "osv,versions", "java-maven"},
    {"matcher/nodejs/Splunk.txtar", "osv,versions", "nodejs"},
};

/* ---- the in-memory source: Database.records + Database.vulnerabilities ---- */

struct memdb {
	json_t *records; /* [{Package, Repository?, Distribution?}] */
	json_t *vulns;   /* package id → [Vulnerability] */
};

static int same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The Database package id of the record the matcher queried. */
static const char *record_package_id(const struct memdb *db, const struct claro_index_record *r)
{
	size_t i;
	json_t *rec;

	json_array_foreach(db->records, i, rec)
	{
		json_t *p = json_object_get(rec, "Package");

		if (same(json_string_value(json_object_get(p, "name")), r->package->name) &&
		    same(json_string_value(json_object_get(p, "version")), r->package->version))
			return json_string_value(json_object_get(p, "id"));
	}
	return NULL;
}

static enum claro_status memdb_match(void *arg, const struct store_match_query *q, store_vuln_fn fn,
				     void *fn_arg, struct error *err)
{
	const struct memdb *db = arg;
	const char *id = record_package_id(db, q->record);
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(db->vulns, id ? id : ""), i, v)
	{
		struct vulnjson_view view;
		enum claro_status st = vulnjson_decode(v, &view, err);

		if (st != CLARO_OK)
			return st;
		if (fn(fn_arg, &view.v))
			break;
	}
	return CLARO_OK;
}

/* ---- comparing reports ---- */

static int cmp_line(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	return strcmp(x ? x : "", y ? y : "");
}

/* "pkg vuln" lines, sorted, for a diff in the TAP output. */
static char *pairs_text(json_t *report)
{
	json_t *pv = json_object_get(report, "package_vulnerabilities"), *ids, *id;
	struct buf b = BUF_INIT(0);
	const char *pkg;
	size_t i, n = 0;
	char **lines = NULL, *out;

	json_object_foreach(pv, pkg, ids)
	{
		json_array_foreach(ids, i, id)
		{
			char **nl = realloc(lines, (n + 1) * sizeof(*nl));

			if (!nl)
				break;
			lines = nl;
			lines[n++] = str_printf("%s %s", pkg, json_string_value(id));
		}
	}
	qsort(lines, n, sizeof(*lines), cmp_line);
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%s\n", lines[i] ? lines[i] : "?");
		free(lines[i]);
	}
	free(lines);
	out = buf_steal(&b);
	return out;
}

static void run_fixture(const struct fixture *fx, const char *plugin_dir)
{
	char *path = str_printf("%s/clair-fixtures/%s", testdata_dir(), fx->path);
	struct txtar *t = txtar_load(path);
	json_t *dbj = t ? txtar_json(t, "Database") : NULL, *index = t ? txtar_json(t, "IndexReport") : NULL;
	json_t *want = t ? txtar_json(t, "Want") : NULL, *got = NULL;
	struct registry reg;
	struct error err = ERROR_INIT;
	struct memdb db;
	struct matcher_source src;
	char *names = str_dup(fx->plugins), *save = NULL, *name;
	int loaded = 1;

	memset(&reg, 0, sizeof(reg));
	if (!dbj || !index || !want) {
		ok(0, "%s: fixture loads", fx->path);
		goto out;
	}
	for (name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		char *dir = str_printf("%s/%s/.libs", plugin_dir, name);

		if (registry_load_one(&reg, dir, name, NULL, &err) != CLARO_OK)
			loaded = 0;
		error_clear(&err);
		free(dir);
	}
	if (!loaded || !registry_find(&reg, CLARO_KIND_MATCHER, fx->matcher)) {
		printf("ok - %s # SKIP matcher \"%s\" is not built\n", fx->path, fx->matcher);
		tap_run_++;
		goto out;
	}
	db.records = json_object_get(dbj, "records");
	db.vulns = json_object_get(dbj, "vulnerabilities");
	src.match = memdb_match;
	src.match_batch = NULL;
	src.arg = &db;
	if (!ok(matcher_report(&reg, &src, index, &got, NULL, NULL, &err) == CLARO_OK, "%s: report built",
		fx->path)) {
		diag("%s", err.message ? err.message : "?");
		goto out;
	}
	{
		char *g = pairs_text(got), *w = pairs_text(want);

		is_str(g, w, "%s: exactly Clair's (package, vulnerability) pairs", fx->path);
		free(g);
		free(w);
	}
out:
	error_clear(&err);
	registry_free(&reg);
	json_decref(got);
	json_decref(want);
	json_decref(index);
	json_decref(dbj);
	txtar_free(t);
	free(names);
	free(path);
}

int main(void)
{
	char *plugin_dir = tu_builddir_path("plugins");

	if (!plugin_dir)
		skip_all("abs_top_builddir is not set (run through make check)");
	plan_no_plan();
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		run_fixture(&fixtures[i], plugin_dir);
	free(plugin_dir);
	return done_testing();
}
