/* run-vex-match: the rhel-vex updater and the rhel matcher end to end,
 * with the real loader, host services, HTTP client and core/matcher.c, and
 * an in-memory advisory source in place of the store (the test's driver,
 * plugins/rhel/test-vex-match.sh):
 *
 *   run-vex-match [-c CONFIG] [-o RECORDS] PLUGIN_BUILD_DIR INDEX_REPORT...
 *
 * Loads the rhel and versions plugins from PLUGIN_BUILD_DIR/<name>/.libs
 * with CONFIG's [plugin.*] sections, runs the rhel-vex updater once (a full
 * load), writes what it emitted to RECORDS as the "record <json list>" lines
 * of plugins/rhel/vex_oracle.py (ranges included), then builds the
 * vulnerability report of every IndexReport with matcher_report() and
 * prints one line per (package, vulnerability) pair:
 *
 *   <report file name> TAB <package id> TAB <package> TAB <version> TAB
 *   <vulnerability name> TAB <product id from the links' "#" fragment>
 *
 * The source answers a query as the store's SQL does (core/
 * store_advisory_query.c): package name and kind, or the source package's;
 * then every equality constraint the matcher asked for.
 *
 * Exit status: 0, 1 on any failure (three-part error on stderr), 2 usage.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../../core/config.h"
#include "error.h"
#include "httpclient.h"
#include "log.h"
#include "matcher.h"
#include "registry.h"
#include "sinks.h"

static const char *S(const char *s)
{
	return s ? s : "";
}

static int same(const char *a, const char *b)
{
	return strcmp(S(a), S(b)) == 0;
}

/* ---- the advisories, with ids ---- */

struct memdb {
	struct claro_vulnerability *v;
	char (*ids)[24];
	size_t n;
};

static int constraint_ok(uint32_t c, uint32_t bit, const char *rec, const char *vuln)
{
	return !(c & bit) || same(rec, vuln);
}

static enum claro_status memdb_match(void *arg, const struct store_match_query *q, store_vuln_fn fn,
				     void *fn_arg, struct error *err)
{
	static const struct claro_distribution no_dist = {0};
	static const struct claro_repository no_repo = {0};
	const struct memdb *db = arg;
	const struct claro_package *pkg = q->record->package, *src = pkg->source;
	const struct claro_distribution *d = q->record->distribution ? q->record->distribution : &no_dist;
	const struct claro_repository *r = q->record->repository ? q->record->repository : &no_repo;
	uint32_t c = q->constraints;

	(void)err;
	for (size_t i = 0; i < db->n; i++) {
		const struct claro_vulnerability *v = &db->v[i];
		const struct claro_package *vp = v->package;
		const struct claro_distribution *vd = v->distribution ? v->distribution : &no_dist;
		const struct claro_repository *vr = v->repository ? v->repository : &no_repo;

		if (!((same(vp->name, pkg->name) && same(vp->kind, pkg->kind)) ||
		      (src && src->name && *src->name && same(vp->name, src->name) &&
		       same(vp->kind, src->kind))))
			continue;
		if (!constraint_ok(c, CLARO_MATCH_PACKAGE_MODULE, pkg->module, vp->module) ||
		    !constraint_ok(c, CLARO_MATCH_DIST_DID, d->did, vd->did) ||
		    !constraint_ok(c, CLARO_MATCH_DIST_NAME, d->name, vd->name) ||
		    !constraint_ok(c, CLARO_MATCH_DIST_VERSION, d->version, vd->version) ||
		    !constraint_ok(c, CLARO_MATCH_DIST_VERSION_CODE_NAME, d->version_code_name,
				   vd->version_code_name) ||
		    !constraint_ok(c, CLARO_MATCH_DIST_VERSION_ID, d->version_id, vd->version_id) ||
		    !constraint_ok(c, CLARO_MATCH_DIST_ARCH, d->arch, vd->arch) ||
		    !constraint_ok(c, CLARO_MATCH_DIST_CPE, d->cpe, vd->cpe) ||
		    !constraint_ok(c, CLARO_MATCH_DIST_PRETTY_NAME, d->pretty_name, vd->pretty_name) ||
		    !constraint_ok(c, CLARO_MATCH_REPOSITORY_NAME, r->name, vr->name) ||
		    !constraint_ok(c, CLARO_MATCH_REPOSITORY_KEY, r->key, vr->key))
			continue;
		if ((c & CLARO_MATCH_HAS_FIXED_IN_VERSION) && !*S(v->fixed_in_version))
			continue;
		if (fn(fn_arg, v))
			break;
	}
	return CLARO_OK;
}

/* ---- output ---- */

static json_t *norm_json(const struct claro_normalized_version *nv)
{
	char buf[200];
	size_t k;
	int w;

	if (!nv->kind || !*nv->kind)
		return json_string("");
	k = (size_t)snprintf(buf, sizeof(buf), "%s:", nv->kind);
	for (int i = 0; i < CLARO_NORM_VERSION_LEN && k < sizeof(buf); i++) {
		w = snprintf(buf + k, sizeof(buf) - k, i ? ".%d" : "%d", nv->v[i]);
		if (w < 0)
			break;
		k += (size_t)w;
	}
	return json_string(buf);
}

static int write_records(const char *path, const struct memdb *db)
{
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (!f)
		return -1;
	for (size_t i = 0; i < db->n && rc == 0; i++) {
		const struct claro_vulnerability *v = &db->v[i];
		const struct claro_package *p = v->package;
		const struct claro_repository *r = v->repository;
		json_t *j = json_pack("[s,s,s,s,s,s,s,s,s,s,s,s,s,s,o,o,o]", S(v->name), S(p->name),
				      S(p->kind), S(p->module), S(p->arch), store_arch_op_name(v->arch_op),
				      S(v->fixed_in_version), r ? S(r->name) : "", r ? S(r->key) : "",
				      r ? S(r->cpe) : "", S(v->links), S(v->severity),
				      store_severity_name(v->normalized_severity), S(v->description),
				      v->issued == INT64_MIN ? json_null() : json_integer(v->issued),
				      norm_json(&v->range_lower), norm_json(&v->range_upper));
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

		json_decref(j);
		if (!s || fprintf(f, "record %s\n", s) < 0)
			rc = -1;
		free(s);
	}
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of one report, sorted. */
static int print_pairs(const char *file, json_t *report)
{
	json_t *pv = json_object_get(report, "package_vulnerabilities"),
	       *vulns = json_object_get(report, "vulnerabilities");
	json_t *pkgs = json_object_get(report, "packages"), *ids, *id;
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file, *pkg_id;
	char **lines = NULL;
	size_t n = 0, i;
	int rc = 0;

	json_object_foreach(pv, pkg_id, ids)
	{
		json_t *pkg = json_object_get(pkgs, pkg_id);

		json_array_foreach(ids, i, id)
		{
			json_t *v = json_object_get(vulns, json_string_value(id));
			const char *links = json_string_value(json_object_get(v, "links")), *hash;
			char **nl = realloc(lines, (n + 1) * sizeof(*nl));
			char *frag = NULL, *line;
			size_t len;

			if (!nl)
				return -1;
			lines = nl;
			hash = links ? strrchr(links, '#') : NULL;
			if (hash) {
				/* unescape %XX */
				const char *p = hash + 1;
				char *o = frag = malloc(strlen(p) + 1);

				if (!frag)
					return -1;
				while (*p) {
					unsigned x;

					if (*p == '%' && sscanf(p + 1, "%2x", &x) == 1) {
						*o++ = (char)x;
						p += 3;
					} else {
						*o++ = *p++;
					}
				}
				*o = '\0';
			}
			len = strlen(base) + strlen(pkg_id) + 256 +
			      strlen(S(json_string_value(json_object_get(pkg, "name")))) +
			      strlen(S(json_string_value(json_object_get(pkg, "version")))) +
			      strlen(S(json_string_value(json_object_get(v, "name")))) +
			      (frag ? strlen(frag) : 0);
			if (!(line = malloc(len))) {
				free(frag);
				return -1;
			}
			snprintf(line, len, "%s\t%s\t%s\t%s\t%s\t%s", base, pkg_id,
				 S(json_string_value(json_object_get(pkg, "name"))),
				 S(json_string_value(json_object_get(pkg, "version"))),
				 S(json_string_value(json_object_get(v, "name"))), frag ? frag : "");
			free(frag);
			lines[n++] = line;
		}
	}
	if (n)
		qsort(lines, n, sizeof(*lines), cmp_str);
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
			if (printf("%s\n", lines[i]) < 0)
				rc = -1;
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return rc;
}

static enum claro_status load(struct registry *reg, const char *builddir, const char *name,
			      const struct config *cfg, struct error *err)
{
	size_t n = strlen(builddir) + 2 * strlen(name) + 16;
	char *dir = malloc(n);
	enum claro_status st;

	if (!dir)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	snprintf(dir, n, "%s/%s/.libs", builddir, name);
	st = registry_load_one(reg, dir, name, cfg, err);
	free(dir);
	return st;
}

static enum claro_status run(const char *builddir, const char *records, char **reports, int nreports,
			     const struct config *cfg, struct error *err)
{
	struct registry reg = {0};
	const struct component_ref *ref;
	struct claro_update *up = NULL;
	struct plugin_call call;
	struct memdb db = {0};
	enum claro_status st;

	if ((st = load(&reg, builddir, "rhel", cfg, err)) != CLARO_OK ||
	    (st = load(&reg, builddir, "versions", cfg, err)) != CLARO_OK)
		goto out;
	if (!(ref = registry_find(&reg, CLARO_KIND_UPDATER_SET, "rhel-vex"))) {
		st = error_set(err, CLARO_ERR_NOT_FOUND, "the rhel plugin has no updater set rhel-vex");
		goto out;
	}
	if (!(up = update_new("rhel-vex", NULL))) {
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
		goto out;
	}
	plugin_call_begin(&call, ref);
	st = plugin_call_end(
	    &call,
	    ((const struct claro_updater_set_ops *)ref->component->ops)->update(&call.ctx, "rhel-vex", up),
	    err);
	if (st != CLARO_OK)
		goto out;
	db.n = update_n_vulnerabilities(up);
	db.v = calloc(db.n ? db.n : 1, sizeof(*db.v));
	db.ids = calloc(db.n ? db.n : 1, sizeof(*db.ids));
	if (!db.v || !db.ids) {
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < db.n; i++) {
		db.v[i] = *update_vulnerability(up, i);
		snprintf(db.ids[i], sizeof(db.ids[i]), "%zu", i + 1);
		db.v[i].id = db.ids[i];
	}
	if (records && write_records(records, &db) != 0) {
		st = error_set(err, CLARO_ERR_IO, "could not write %s", records);
		goto out;
	}
	for (int i = 0; i < nreports; i++) {
		json_error_t jerr;
		json_t *index = json_load_file(reports[i], 0, &jerr), *report = NULL;
		struct matcher_source src = {.match = memdb_match, .arg = &db};
		struct matcher_stats stats;

		if (!index) {
			st =
			    error_set(err, CLARO_ERR_INVALID, "could not read %s: %s", reports[i], jerr.text);
			goto out;
		}
		st = matcher_report(&reg, &src, index, &report, &stats, NULL, err);
		json_decref(index);
		if (st == CLARO_OK && print_pairs(reports[i], report) != 0)
			st = error_set(err, CLARO_ERR_IO, "could not print the report of %s", reports[i]);
		fprintf(stderr, "run-vex-match: %s: %zu records, %zu queries, %zu candidates, %zu matches\n",
			reports[i], stats.records, stats.queries, stats.candidates, stats.matches);
		json_decref(report);
		if (st != CLARO_OK)
			goto out;
	}
out:
	free(db.v);
	free(db.ids);
	update_free(up);
	registry_free(&reg);
	return st;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct error err = ERROR_INIT;
	const char *config_path = NULL, *records = NULL;
	int opt, rc = 0;
	enum claro_status st;

	while ((opt = getopt(argc, argv, "c:o:")) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'o': records = optarg; break;
		default:
			fprintf(stderr, "usage: run-vex-match [-c CONFIG] [-o RECORDS] PLUGIN_BUILD_DIR "
					"INDEX_REPORT...\n");
			return 2;
		}
	}
	if (argc - optind < 1) {
		fprintf(stderr,
			"usage: run-vex-match [-c CONFIG] [-o RECORDS] PLUGIN_BUILD_DIR INDEX_REPORT...\n");
		return 2;
	}
	log_setup("run-vex-match", CLARO_LOG_WARNING);
	memset(&cfg, 0, sizeof(cfg));
	if ((st = httpclient_init(&err)) == CLARO_OK)
		st = config_path ? config_load(&cfg, config_path, &err) : config_defaults(&cfg, &err);
	if (st == CLARO_OK)
		st = run(argv[optind], records, argv + optind + 1, argc - optind - 1, &cfg, &err);
	if (st != CLARO_OK) {
		error_print(&err, stderr, "run-vex-match");
		rc = 1;
	}
	fflush(stdout);
	error_clear(&err);
	config_free(&cfg);
	httpclient_cleanup();
	return rc;
}
