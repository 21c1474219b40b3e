/* The advisory store, the updater runner, the air-gapped mirror and the
 * export/import, on one backend per run:
 *
 *   CLARO_TEST_STORE=sqlite   (default) databases in a temporary directory
 *   CLARO_TEST_STORE=postgres CLARO_TEST_PG_HOST=<socket dir> [CLARO_TEST_PG_USER]
 *                             (tests/unit/advisory-postgres.sh starts a
 *                             throwaway cluster)
 *
 * Real data: every release of Alpine's secdb in the test data, turned into
 * vulnerabilities the way the alpine updater maps them (reference §5.2);
 * the wrapper scripts count the distinct records independently with awk
 * (CLARO_SECDB_RECORDS, CLARO_SECDB_ROWS, CLARO_SECDB_OPENSSL). The runner
 * tests drive tests/plugins/beta.c's updater set against a loopback server.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <zlib.h>
#include <zstd.h>

#include "../tap.h"
#include "advisory_export.h"
#include "http_fixture.h"
#include "httpclient.h"
#include "log.h"
#include "registry.h"
#include "sinks.h"
#include "store.h"
#include "store_advisory.h"
#include "strutil.h"
#include "testutil.h"
#include "updater_runner.h"
#include "vulnjson.h"

static enum store_backend backend = STORE_SQLITE;
static char *tmp;
static struct http_fixture *srv;

/* ---- Databases -------------------------------------------------------------- */

struct db {
	char name[64];
	char path[512];
	const char *kw[8];
	const char *vals[8];
	struct store_params p;
};

static void db_params(struct db *d, const char *name)
{
	int n = 0;

	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->p.backend = backend;
	if (backend == STORE_SQLITE) {
		snprintf(d->path, sizeof(d->path), "%s/%s.db", tmp, name);
		d->p.sqlite_path = d->path;
		return;
	}
	d->kw[n] = "host";
	d->vals[n++] = getenv("CLARO_TEST_PG_HOST");
	d->kw[n] = "user";
	d->vals[n++] = getenv("CLARO_TEST_PG_USER") ? getenv("CLARO_TEST_PG_USER") : "postgres";
	d->kw[n] = "dbname";
	d->vals[n++] = d->name;
	d->p.pg_keywords = d->kw;
	d->p.pg_values = d->vals;
}

static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static double seconds_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

/* A new, empty, migrated database called name. */
static int db_fresh(struct db *d, const char *name)
{
	struct store *s = NULL;
	struct error err = ERROR_INIT;
	int ok_ = 1;

	db_params(d, name);
	if (backend == STORE_SQLITE) {
		char side[600];
		unlink(d->path);
		snprintf(side, sizeof(side), "%s-wal", d->path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", d->path);
		unlink(side);
	} else {
		const char *kw[] = {"host", "user", "dbname", NULL};
		const char *vals[] = {d->vals[0], d->vals[1], "postgres", NULL};
		PGconn *c = PQconnectdbParams(kw, vals, 0);

		PQsetNoticeProcessor(c, quiet_notice, NULL);
		char *drop = str_printf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
		char *create = str_printf("CREATE DATABASE %s", name);
		PGresult *r;

		if (PQstatus(c) != CONNECTION_OK) {
			diag("connect: %s", PQerrorMessage(c));
			ok_ = 0;
		}
		if (ok_) {
			r = PQexec(c, drop);
			PQclear(r);
			r = PQexec(c, create);
			ok_ = PQresultStatus(r) == PGRES_COMMAND_OK;
			if (!ok_)
				diag("create %s: %s", name, PQerrorMessage(c));
			PQclear(r);
		}
		free(drop);
		free(create);
		PQfinish(c);
	}
	if (ok_ && (store_open(&s, &d->p, &err) != CLARO_OK || store_migrate(s, &err) != CLARO_OK)) {
		diag("open/migrate %s: %s / %s", name, err.message, err.detail ? err.detail : "");
		ok_ = 0;
	}
	store_close(s);
	error_clear(&err);
	return ok_;
}

static struct store *db_open(struct db *d)
{
	struct store *s = NULL;
	struct error err = ERROR_INIT;

	if (store_open(&s, &d->p, &err) != CLARO_OK) {
		diag("open %s: %s / %s", d->name, err.message, err.detail ? err.detail : "");
		s = NULL;
	}
	error_clear(&err);
	return s;
}

static void show(const struct error *e)
{
	if (e->message)
		diag("error: %s / %s / %s", e->message, e->detail ? e->detail : "", e->hint ? e->hint : "");
}

static int64_t count_vulns(struct store *s)
{
	int64_t v = -1;
	struct error err = ERROR_INIT;

	store_advisory_counts(s, &v, NULL, NULL, &err);
	error_clear(&err);
	return v;
}

static int64_t count_ops(struct store *s)
{
	int64_t v = -1;
	struct error err = ERROR_INIT;

	store_advisory_counts(s, NULL, NULL, &v, &err);
	error_clear(&err);
	return v;
}

static struct claro_package mkpkg(const char *name, const char *version, const char *kind)
{
	struct claro_package p;

	memset(&p, 0, sizeof(p));
	p.struct_size = sizeof(p);
	p.name = name;
	p.version = version;
	p.kind = kind;
	return p;
}

/* ---- Alpine secdb (real data) ------------------------------------------------------ */

struct secdb_rec {
	char updater[64];
	char release[16];
	char pkg[128];
	char version[64];
	char cve[64];
};

static struct secdb_rec *secdb;
static size_t n_secdb;

/* The awk of the wrapper script, in C: "- pkg:" opens a package, "name:"
 * names it, after "secfixes:" a "key:" line is a fixed version and a "- X"
 * line a vulnerability (the first word). */
static void secdb_file(const char *path, const char *release, const char *repo)
{
	char *text = tu_read_file(path), *line, *save = NULL;
	char pkg[128] = "", version[64] = "";
	int inpkg = 0, sec = 0;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line + strspn(line, " "), w1[128] = "", w2[128] = "";

		sscanf(p, "%127s %127s", w1, w2);
		if (strcmp(w1, "-") == 0 && strcmp(w2, "pkg:") == 0) {
			inpkg = 1;
			sec = 0;
			version[0] = '\0';
		} else if (inpkg && strcmp(w1, "name:") == 0) {
			snprintf(pkg, sizeof(pkg), "%s", w2);
		} else if (inpkg && strcmp(w1, "secfixes:") == 0) {
			sec = 1;
		} else if (sec && strcmp(w1, "-") == 0) {
			struct secdb_rec *r;
			if (!version[0] || !w2[0])
				continue;
			secdb = realloc(secdb, (n_secdb + 1) * sizeof(*secdb));
			r = &secdb[n_secdb++];
			snprintf(r->updater, sizeof(r->updater), "alpine-%s-%s-updater", repo, release);
			snprintf(r->release, sizeof(r->release), "%s", release + 1);
			snprintf(r->pkg, sizeof(r->pkg), "%s", pkg);
			snprintf(r->version, sizeof(r->version), "%s", version);
			snprintf(r->cve, sizeof(r->cve), "%s", w2);
		} else if (sec && w1[0] && w1[strlen(w1) - 1] == ':') { /* "key:" with trailing blanks too */
			size_t n = strlen(w1);
			if (n && w1[n - 1] == ':')
				w1[--n] = '\0';
			if (w1[0] == '"' && n >= 2 && w1[n - 1] == '"') {
				w1[n - 1] = '\0';
				memmove(w1, w1 + 1, n - 1);
			}
			snprintf(version, sizeof(version), "%s", w1);
		}
	}
	free(text);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void secdb_load(void)
{
	char *root = str_printf("%s/advisories/alpine/alpine-secdb", testdata_dir());
	DIR *d = opendir(root);
	struct dirent *e;
	char *names[64];
	size_t n = 0;

	while (d && (e = readdir(d)) != NULL && n < 64)
		if (e->d_name[0] == 'v')
			names[n++] = str_dup(e->d_name);
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 2; k++) {
			const char *repo = k ? "community" : "main";
			char *path = str_printf("%s/%s/%s.yaml", root, names[i], repo);
			secdb_file(path, names[i], repo);
			free(path);
		}
		free(names[i]);
	}
	free(root);
}

/* The vulnerability of a secdb record, as the alpine updater maps it. */
struct vuln_buf {
	struct claro_vulnerability v;
	struct claro_package pkg;
	struct claro_distribution dist;
	char version_id[16], pretty[64], links[128];
};

static void secdb_vuln(const struct secdb_rec *r, struct vuln_buf *b)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->version_id, sizeof(b->version_id), "%s", r->release);
	snprintf(b->pretty, sizeof(b->pretty), "Alpine Linux v%s", r->release);
	snprintf(b->links, sizeof(b->links), "https://security.alpinelinux.org/vuln/%s", r->cve);
	b->pkg.struct_size = sizeof(b->pkg);
	b->pkg.name = r->pkg;
	b->pkg.kind = CLARO_PACKAGE_SOURCE;
	b->dist.struct_size = sizeof(b->dist);
	b->dist.did = "alpine";
	b->dist.name = "Alpine Linux";
	b->dist.version_id = b->version_id;
	b->dist.pretty_name = b->pretty;
	b->v.struct_size = sizeof(b->v);
	b->v.name = r->cve;
	b->v.links = b->links;
	b->v.issued = INT64_MIN;
	b->v.package = &b->pkg;
	b->v.distribution = &b->dist;
	b->v.fixed_in_version = r->version;
}

/* Store every secdb record, one operation per updater (file). */
static int store_secdb(struct store *s, const char *fingerprint, size_t *records, size_t *new_rows)
{
	struct store_update_writer *w = NULL;
	struct store_update_result res;
	struct error err = ERROR_INIT;
	size_t i = 0;

	*records = *new_rows = 0;
	while (i < n_secdb) {
		struct store_update_params p = {secdb[i].updater, STORE_KIND_VULNERABILITY, fingerprint,
						1700000000, 0};
		const char *updater = secdb[i].updater;

		if (store_update_begin(s, &p, &w, &err) != CLARO_OK)
			goto fail;
		for (; i < n_secdb && strcmp(secdb[i].updater, updater) == 0; i++) {
			struct vuln_buf b;
			secdb_vuln(&secdb[i], &b);
			if (store_update_add_vulnerability(w, &b.v, &err) != CLARO_OK) {
				store_update_abort(w);
				goto fail;
			}
		}
		if (store_update_commit(w, &res, &err) != CLARO_OK)
			goto fail;
		*records += res.records;
		*new_rows += res.new_rows;
	}
	return 1;
fail:
	show(&err);
	error_clear(&err);
	return 0;
}

static size_t env_size(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? (size_t)strtoull(v, NULL, 10) : 0;
}

struct names {
	char v[64][64];
	size_t n;
	size_t fixed_nonempty;
};

static int collect_name(void *arg, const struct claro_vulnerability *v)
{
	struct names *c = arg;

	if (c->n < 64)
		snprintf(c->v[c->n], sizeof(c->v[0]), "%s", v->name);
	c->n++;
	c->fixed_nonempty += v->fixed_in_version && *v->fixed_in_version;
	return 0;
}

static int has_name(const struct names *c, const char *name)
{
	for (size_t i = 0; i < c->n && i < 64; i++)
		if (strcmp(c->v[i], name) == 0)
			return 1;
	return 0;
}

/* ---- The batch query against the single one ---------------------------------------- */

struct ids {
	long long *v;
	size_t n, cap;
};

static int collect_id(void *arg, const struct claro_vulnerability *v)
{
	struct ids *c = arg;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		long long *nv = realloc(c->v, cap * sizeof(*nv));

		if (!nv)
			return 1;
		c->v = nv;
		c->cap = cap;
	}
	c->v[c->n++] = strtoll(v->id, NULL, 10);
	return 0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The ids sorted, as text: the batch need not return them in id order. */
static char *ids_text(struct ids *c)
{
	struct buf b = BUF_INIT(0);

	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), cmp_ll);
	for (size_t i = 0; i < c->n; i++)
		buf_printf(&b, "%lld ", c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
	return buf_steal(&b);
}

struct batch_ids {
	struct ids *per_record;
	size_t calls;
};

static int collect_batch_id(void *arg, size_t i, const struct claro_vulnerability *v)
{
	struct batch_ids *b = arg;

	b->calls++;
	return collect_id(&b->per_record[i], v);
}

/* Every record's candidates from one batch equal its own single query's
 * (as sets of row ids, each once); *matched: records with at least one. */
static int batch_agrees(struct store *s, const struct claro_index_record *const *recs, size_t n,
			uint32_t constraints, int version_filter, size_t *matched)
{
	struct store_match_batch b = {recs, n, constraints, version_filter};
	struct batch_ids got = {calloc(n, sizeof(struct ids)), 0};
	struct error err = ERROR_INIT;
	int same = got.per_record != NULL;

	if (same && store_vulnerabilities_match_batch(s, &b, collect_batch_id, &got, &err) != CLARO_OK) {
		show(&err);
		same = 0;
	}
	for (size_t i = 0; same && i < n; i++) {
		struct store_match_query q = {recs[i], constraints, version_filter};
		struct ids want = {NULL, 0, 0};
		size_t n_want;
		char *w, *g;

		if (store_vulnerabilities_match(s, &q, collect_id, &want, &err) != CLARO_OK)
			show(&err);
		n_want = want.n;
		w = ids_text(&want);
		g = ids_text(&got.per_record[i]);
		if (strcmp(w ? w : "", g ? g : "") != 0) {
			diag("record %zu (%s, source %s): single [%s] batch [%s]", i, recs[i]->package->name,
			     recs[i]->package->source ? recs[i]->package->source->name : "-", w ? w : "",
			     g ? g : "");
			same = 0;
		}
		*matched += n_want > 0;
		free(w);
		free(g);
	}
	for (size_t i = 0; got.per_record && i < n; i++)
		free(got.per_record[i].v);
	free(got.per_record);
	error_clear(&err);
	return same;
}

/* Index records for every secdb package of each release, the way Alpine
 * images carry them: a binary subpackage (<name>-doc) built from the
 * source, the binary of the source's own name, and a package with no
 * source (matches nothing: the rows are source-kind); one batch per
 * release and at most STORE_MATCH_BATCH_MAX records, as the matcher groups
 * them. */
static void test_match_batch_secdb(struct store *s)
{
	const uint32_t constraints =
	    CLARO_MATCH_DIST_DID | CLARO_MATCH_DIST_NAME | CLARO_MATCH_DIST_PRETTY_NAME;
	size_t i = 0, batches = 0, records = 0, matched = 0, disagree = 0;

	while (i < n_secdb) {
		const char *release = secdb[i].release;
		char pretty[64], *sub[STORE_MATCH_BATCH_MAX];
		struct claro_distribution dist = {sizeof(dist), "alpine", "Alpine Linux", "", "", "",
						  "",           "",       pretty};
		struct claro_package pkg[STORE_MATCH_BATCH_MAX], src[STORE_MATCH_BATCH_MAX];
		struct claro_index_record rec[STORE_MATCH_BATCH_MAX];
		const struct claro_index_record *recs[STORE_MATCH_BATCH_MAX];
		size_t n = 0;

		snprintf(pretty, sizeof(pretty), "Alpine Linux v%s", release);
		for (;
		     i < n_secdb && strcmp(secdb[i].release, release) == 0 && n + 3 <= STORE_MATCH_BATCH_MAX;
		     i++) {
			if (i > 0 && strcmp(secdb[i].pkg, secdb[i - 1].pkg) == 0)
				continue; /* one set of records per package */
			src[n] = mkpkg(secdb[i].pkg, secdb[i].version, CLARO_PACKAGE_SOURCE);
			sub[n] = str_printf("%s-doc", secdb[i].pkg);
			pkg[n] = mkpkg(sub[n], secdb[i].version, CLARO_PACKAGE_BINARY);
			n++;
			src[n] = src[n - 1];
			sub[n] = NULL;
			pkg[n] = mkpkg(secdb[i].pkg, secdb[i].version, CLARO_PACKAGE_BINARY);
			n++;
			sub[n] = NULL;
			pkg[n] = mkpkg(secdb[i].pkg, secdb[i].version, CLARO_PACKAGE_BINARY);
			n++;
		}
		for (size_t k = 0; k < n; k++) {
			if (k % 3 != 2)
				pkg[k].source = &src[k];
			rec[k] = (struct claro_index_record){sizeof(rec[k]), &pkg[k], &dist, NULL};
			recs[k] = &rec[k];
		}
		if (n) {
			batches++;
			records += n;
			disagree += !batch_agrees(s, recs, n, constraints, 0, &matched);
		}
		for (size_t k = 0; k < n; k++)
			free(sub[k]);
	}
	is_int(disagree, 0,
	       "match batch: %zu batches of %zu records over every release: each record's "
	       "candidates equal its single query's",
	       batches, records);
	ok(matched > records / 4, "match batch: %zu of those records have candidates", matched);
}

static void test_store_secdb(void)
{
	struct db d;
	struct store *s;
	size_t records = 0, new_rows = 0, want_rows = env_size("CLARO_SECDB_ROWS");
	struct timespec t0;
	double t1;
	int64_t vulns, ops;

	ok(n_secdb == env_size("CLARO_SECDB_RECORDS") && n_secdb > 10000,
	   "secdb: %zu records read from the test data (awk counts %zu)", n_secdb,
	   env_size("CLARO_SECDB_RECORDS"));
	if (!db_fresh(&d, "claro_adv_main") || !(s = db_open(&d)))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok(store_secdb(s, "\"etag-1\"", &records, &new_rows),
	   "secdb: every release stored, one operation each");
	t1 = seconds_since(&t0);
	diag("secdb: first import %.2fs (%.0f records/s)", t1, (double)n_secdb / t1);
	is_int(new_rows, want_rows, "secdb: rows = distinct records (%zu records, %zu duplicates collapsed)",
	       n_secdb, n_secdb - want_rows);
	is_int(records, want_rows, "secdb: the operations link every row");
	vulns = count_vulns(s);
	ops = count_ops(s);
	is_int(vulns, (int64_t)want_rows, "secdb: vuln table holds exactly those rows");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok(store_secdb(s, "\"etag-1\"", &records, &new_rows), "secdb: the unchanged feed stored again");
	diag("secdb: unchanged re-import %.2fs (%.2f of the first)", seconds_since(&t0),
	     seconds_since(&t0) / t1);
	is_int(new_rows, 0, "re-import: no new rows");
	is_int(records, want_rows, "re-import: the new operations link every row again");
	is_int(count_vulns(s), vulns, "re-import: vuln table unchanged");
	is_int(count_ops(s), ops * 2, "re-import: one more operation per updater (links, not rows)");

	/* The matcher's query, on a real package. */
	{
		struct claro_package pkg = mkpkg("openssl", "1.1.1a-r0", CLARO_PACKAGE_BINARY);
		struct claro_package src = mkpkg("openssl", "1.1.1a-r0", CLARO_PACKAGE_SOURCE);
		struct claro_distribution dist = {sizeof(dist), "alpine", "Alpine Linux",      "", "", "3.10",
						  "",           "",       "Alpine Linux v3.10"};
		struct claro_index_record rec = {sizeof(rec), &pkg, &dist, NULL};
		struct store_match_query q = {
		    &rec, CLARO_MATCH_DIST_DID | CLARO_MATCH_DIST_NAME | CLARO_MATCH_DIST_PRETTY_NAME, 0};
		struct names got;
		struct error err = ERROR_INIT;

		memset(&got, 0, sizeof(got));
		is_int(store_vulnerabilities_match(s, &q, collect_name, &got, &err), CLARO_OK,
		       "match: query runs");
		is_int(got.n, 0, "match: a binary package does not match source-kind advisories");
		pkg.source = &src;
		memset(&got, 0, sizeof(got));
		store_vulnerabilities_match(s, &q, collect_name, &got, &err);
		is_int(got.n, env_size("CLARO_SECDB_OPENSSL"),
		       "match: through its source, openssl on Alpine 3.10 has the awk-counted advisories of "
		       "v3.10 "
		       "main+community (%zu)",
		       env_size("CLARO_SECDB_OPENSSL"));
		ok(has_name(&got, "CVE-2019-1543"), "match: CVE-2019-1543 among them");
		is_int(got.fixed_nonempty, got.n, "match: each with its fixed version");
		dist.pretty_name = "Alpine Linux v3.7";
		memset(&got, 0, sizeof(got));
		store_vulnerabilities_match(s, &q, collect_name, &got, &err);
		is_int(got.n, env_size("CLARO_SECDB_OPENSSL_37"),
		       "match: DistributionPrettyName selects the release: v3.7 has its own %zu",
		       env_size("CLARO_SECDB_OPENSSL_37"));
		q.constraints |= CLARO_MATCH_REPOSITORY_NAME; /* the record has none: repo_name = '' */
		memset(&got, 0, sizeof(got));
		store_vulnerabilities_match(s, &q, collect_name, &got, &err);
		ok(got.n > 0, "match: RepositoryName '' matches the rows without a repository (%zu)", got.n);
		pkg.name = "";
		is_int(store_vulnerabilities_match(s, &q, collect_name, &got, &err), CLARO_ERR_INVALID,
		       "match: a record without a package name is refused");
		error_clear(&err);
	}
	test_match_batch_secdb(s);
	store_close(s);
}

/* ---- Clair's own Vulnerability JSON --------------------------------------------------- */

static const char *jstr(json_t *o, const char *path)
{
	char buf[64];
	const char *dot = strchr(path, '.');

	if (dot) {
		snprintf(buf, sizeof(buf), "%.*s", (int)(dot - path), path);
		return jstr(json_object_get(o, buf), dot + 1);
	}
	return json_string_value(json_object_get(o, path)) ? json_string_value(json_object_get(o, path)) : "";
}

/* The vulnerabilities in claircore's matcher test archives (txtar sections
 * "-- vulnerability/<id>.json --", written by Clair): each must decode, and
 * encode back to the same values, times compared as instants. */
static void test_vulnjson_clair(void)
{
	static const char *const files[] = {"java/Jackson-Databind.txtar", "python/RHEL8.txtar",
					    "nodejs/Splunk.txtar", "ruby/BullseyeRuby.txtar"};
	static const char *const fields[] = {"id",
					     "updater",
					     "name",
					     "description",
					     "links",
					     "severity",
					     "normalized_severity",
					     "fixed_in_version",
					     "package.name",
					     "package.version",
					     "package.kind",
					     "repository.name",
					     "repository.uri",
					     "repository.key",
					     "distribution.did",
					     "distribution.version_id",
					     "distribution.pretty_name",
					     "arch_op"};
	size_t total = 0, good = 0;

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char *path = str_printf("%s/clair-fixtures/matcher/%s", testdata_dir(), files[f]);
		char *text = tu_read_file(path), *p = text;

		while (p && (p = strstr(p, "-- vulnerability/")) != NULL) {
			char *start = strchr(p, '\n'), *end;
			json_t *orig, *again = NULL;
			struct vulnjson_view view;
			struct error err = ERROR_INIT;
			int same = 1;
			int64_t t1 = 0, t2 = 1;

			if (!start)
				break;
			end = strstr(start, "\n-- ");
			orig = json_loadb(start, end ? (size_t)(end - start) : strlen(start), 0, NULL);
			p = end ? end + 1 : NULL;
			total++;
			if (!orig || vulnjson_decode(orig, &view, &err) != CLARO_OK ||
			    !(again = vulnjson_encode(&view.v))) {
				show(&err);
				error_clear(&err);
				json_decref(orig);
				continue;
			}
			for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
				if (strcmp(jstr(orig, fields[k]), jstr(again, fields[k])) != 0) {
					diag("%s %s: \"%s\" came back as \"%s\"", files[f], fields[k],
					     jstr(orig, fields[k]), jstr(again, fields[k]));
					same = 0;
				}
			}
			vulnjson_parse_time(jstr(orig, "issued"), &t1);
			vulnjson_parse_time(jstr(again, "issued"), &t2);
			if (t1 != t2) {
				diag("%s issued: %s came back as %s", files[f], jstr(orig, "issued"),
				     jstr(again, "issued"));
				same = 0;
			}
			good += same;
			json_decref(orig);
			json_decref(again);
		}
		free(text);
		free(path);
	}
	ok(total >= 30, "vulnjson: %zu vulnerabilities written by Clair found in claircore's matcher tests",
	   total);
	is_int(good, total, "vulnjson: each decodes and encodes back to Clair's values");
}

/* ---- Ranges, UTF-8, delta, enrichments ------------------------------------------------ */

static struct claro_vulnerability mkvuln(const char *name, const struct claro_package *pkg, const char *fixed)
{
	struct claro_vulnerability v;

	memset(&v, 0, sizeof(v));
	v.struct_size = sizeof(v);
	v.name = name;
	v.package = pkg;
	v.fixed_in_version = fixed;
	v.issued = INT64_MIN;
	return v;
}

static enum claro_status write_op(struct store *s, const char *updater, const char *fp, int delta,
				  const struct claro_vulnerability *v, size_t n, const char *const *deletes,
				  struct store_update_result *res)
{
	struct store_update_params p = {updater, STORE_KIND_VULNERABILITY, fp, 0, delta};
	struct store_update_writer *w = NULL;
	struct error err = ERROR_INIT;
	enum claro_status st = store_update_begin(s, &p, &w, &err);

	for (size_t i = 0; st == CLARO_OK && i < n; i++)
		st = store_update_add_vulnerability(w, &v[i], &err);
	for (size_t i = 0; st == CLARO_OK && deletes && deletes[i]; i++)
		st = store_update_add_delete(w, deletes[i], &err);
	if (st == CLARO_OK)
		st = store_update_commit(w, res, &err);
	else
		store_update_abort(w);
	show(&err);
	error_clear(&err);
	return st;
}

static void test_ranges(struct store *s)
{
	struct claro_package pkg = mkpkg("golang.org/x/net", "", CLARO_PACKAGE_BINARY);
	struct claro_repository repo = {sizeof(repo), "go", "", "https://pkg.go.dev/", ""};
	struct claro_vulnerability v[3];
	struct store_update_result res;
	struct claro_package inst = mkpkg("golang.org/x/net", "0.17.0", CLARO_PACKAGE_BINARY);
	struct claro_index_record rec = {sizeof(rec), &inst, NULL, &repo};
	struct store_match_query q = {&rec, CLARO_MATCH_REPOSITORY_NAME, 1};
	struct error err = ERROR_INIT;
	struct names got;
	static const struct {
		int32_t major, minor, patch;
		size_t want;
		const char *why;
	} probes[] = {
	    {0, 16, 0, 1, "0.16.0: inside [0.0.0, 0.17.0) only"},
	    {0, 17, 0, 1, "0.17.0: the upper bound is exclusive, the lower of [0.17.0, 0.23.0) inclusive"},
	    {0, 23, 0, 1, "0.23.0: only the open-ended range [0.23.0, +inf)"},
	    {9, 0, 0, 1, "9.0.0: still in the open-ended range"},
	};

	for (int i = 0; i < 3; i++) {
		v[i] = mkvuln(i == 0   ? "GO-2023-0001"
			      : i == 1 ? "GO-2023-0002"
				       : "GO-2024-0003",
			      &pkg,
			      i == 0   ? "0.17.0"
			      : i == 1 ? "0.23.0"
				       : "");
		v[i].repository = &repo;
		v[i].range_lower.kind = "semver";
		v[i].range_upper.kind = i == 2 ? "" : "semver";
	}
	v[0].range_upper.v[2] = 17;
	v[1].range_lower.v[2] = 17;
	v[1].range_upper.v[2] = 23;
	v[2].range_lower.v[2] = 23;
	is_int(write_op(s, "osv/go", "g1", 0, v, 3, NULL, &res), CLARO_OK,
	       "ranges: three semver ranges stored");
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		inst.normalized_version.kind = "semver";
		memset(inst.normalized_version.v, 0, sizeof(inst.normalized_version.v));
		inst.normalized_version.v[1] = probes[i].major;
		inst.normalized_version.v[2] = probes[i].minor;
		inst.normalized_version.v[3] = probes[i].patch;
		memset(&got, 0, sizeof(got));
		is_int(store_vulnerabilities_match(s, &q, collect_name, &got, &err), CLARO_OK,
		       "ranges: query");
		is_int(got.n, probes[i].want, "ranges: %s", probes[i].why);
	}
	{ /* the same probes in one batch: the filter applied per record */
		struct claro_package probe[6];
		struct claro_index_record prec[6];
		const struct claro_index_record *recs[6];
		size_t matched = 0;

		for (size_t i = 0; i < 6; i++) {
			probe[i] = mkpkg("golang.org/x/net", "", CLARO_PACKAGE_BINARY);
			probe[i].normalized_version.kind = i == 4 ? "pep440" : i == 5 ? "" : "semver";
			if (i < 4) {
				probe[i].normalized_version.v[1] = probes[i].major;
				probe[i].normalized_version.v[2] = probes[i].minor;
				probe[i].normalized_version.v[3] = probes[i].patch;
			}
			prec[i] = (struct claro_index_record){sizeof(prec[i]), &probe[i], NULL, &repo};
			recs[i] = &prec[i];
		}
		ok(batch_agrees(s, recs, 6, CLARO_MATCH_REPOSITORY_NAME, 1, &matched) && matched == 5,
		   "ranges: one batch gives each probe its single query's rows (another kind: none; no "
		   "version: unfiltered)");
		matched = 0;
		ok(batch_agrees(s, recs, 6, CLARO_MATCH_REPOSITORY_NAME, 0, &matched) && matched == 6,
		   "ranges: and without the version filter");
	}
	inst.normalized_version.kind = "pep440";
	memset(&got, 0, sizeof(got));
	store_vulnerabilities_match(s, &q, collect_name, &got, &err);
	is_int(got.n, 0, "ranges: another version kind matches nothing");
	q.version_filter = 0;
	memset(&got, 0, sizeof(got));
	store_vulnerabilities_match(s, &q, collect_name, &got, &err);
	is_int(got.n, 3, "ranges: without the version filter every advisory of the package is a candidate");
	error_clear(&err);
}

struct first {
	char name[64], desc[64], lower[16];
	int has_range;
	int count;
};

static int take_first(void *arg, const struct claro_vulnerability *v)
{
	struct first *f = arg;

	if (f->count++ == 0) {
		snprintf(f->name, sizeof(f->name), "%s", v->name);
		snprintf(f->desc, sizeof(f->desc), "%s", v->description);
		f->has_range = v->range_lower.kind && *v->range_lower.kind;
	}
	return 0;
}

static void test_utf8(struct store *s)
{
	struct claro_package pkg = mkpkg("utf8-pkg", "", CLARO_PACKAGE_BINARY);
	struct claro_vulnerability v = mkvuln("CVE-2020-\xff\xfe", &pkg, "1");
	struct store_update_result res;
	struct store_update_op op;
	struct first f;
	struct error err = ERROR_INIT;
	int found = 0;

	v.description = "caf\xc3\xa9 ok, bad \xc3\x28 here";
	is_int(write_op(s, "utf8-test", "u1", 0, &v, 1, NULL, &res), CLARO_OK,
	       "utf-8: a record with invalid UTF-8 is stored");
	memset(&f, 0, sizeof(f));
	store_latest_update_op(s, "utf8-test", STORE_KIND_VULNERABILITY, &op, &found, &err);
	store_update_op_vulnerabilities(s, op.id, take_first, &f, &err);
	is_str(f.name, "CVE-2020-??", "utf-8: each bad byte became '?'");
	is_str(f.desc, "caf\xc3\xa9 ok, bad ?( here", "utf-8: valid sequences kept");
	store_update_op_free(&op);
	error_clear(&err);
}

static void test_delta(struct store *s)
{
	struct claro_package a = mkpkg("pkg-a", "", CLARO_PACKAGE_BINARY);
	struct claro_package b = mkpkg("pkg-b", "", CLARO_PACKAGE_BINARY);
	struct claro_vulnerability first[3] = {mkvuln("CVE-A", &a, "1"), mkvuln("CVE-B", &b, "1"),
					       mkvuln("CVE-C", &a, "2")};
	struct claro_vulnerability second[2] = {mkvuln("CVE-B", &b, "5"), mkvuln("CVE-D", &b, "3")};
	const char *deletes[] = {"CVE-C", NULL};
	struct claro_index_record ra = {sizeof(ra), &a, NULL, NULL}, rb = {sizeof(rb), &b, NULL, NULL};
	struct store_match_query qa = {&ra, 0, 0}, qb = {&rb, 0, 0};
	struct store_update_result res;
	struct names ga, gb;
	struct error err = ERROR_INIT;

	is_int(write_op(s, "delta-test", "d1", 1, first, 3, NULL, &res), CLARO_OK, "delta: first run stored");
	is_int(res.records, 3, "delta: first snapshot has 3 rows");
	is_int(write_op(s, "delta-test", "d2", 1, second, 2, deletes, &res), CLARO_OK,
	       "delta: second run stored");
	is_int(res.carried, 1, "delta: one row carried (CVE-A: neither re-sent nor deleted)");
	is_int(res.records, 3, "delta: the new snapshot links CVE-A, CVE-B (new), CVE-D");
	memset(&ga, 0, sizeof(ga));
	memset(&gb, 0, sizeof(gb));
	store_vulnerabilities_match(s, &qa, collect_name, &ga, &err);
	store_vulnerabilities_match(s, &qb, collect_name, &gb, &err);
	ok(ga.n == 1 && has_name(&ga, "CVE-A"), "delta: pkg-a has CVE-A (carried) and not CVE-C (deleted)");
	ok(gb.n == 2 && has_name(&gb, "CVE-B") && has_name(&gb, "CVE-D"),
	   "delta: pkg-b has the re-sent CVE-B and the new CVE-D");
	{ /* rows only an older operation links (CVE-C, the old CVE-B) stay out of a batch too */
		const struct claro_index_record *recs[] = {&ra, &rb};
		size_t matched = 0;

		ok(batch_agrees(s, recs, 2, 0, 0, &matched) && matched == 2,
		   "delta: one batch gives both packages their latest-snapshot rows only");
	}
	error_clear(&err);
}

struct jsons {
	char text[4][128];
	int n;
};

static int collect_json(void *arg, const char *json)
{
	struct jsons *j = arg;

	if (j->n < 4)
		snprintf(j->text[j->n], sizeof(j->text[0]), "%s", json);
	j->n++;
	return 0;
}

static void test_enrichments(struct store *s)
{
	struct store_update_params p = {"clair.cvss", STORE_KIND_ENRICHMENT, "e1", 0, 0};
	const char *t1[] = {"CVE-2024-1", NULL}, *t2[] = {"CVE-2024-2", "GHSA-x", NULL};
	struct store_update_writer *w = NULL;
	struct store_update_result res;
	struct error err = ERROR_INIT;
	struct jsons j;

	for (int round = 0; round < 2; round++) {
		is_int(store_update_begin(s, &p, &w, &err), CLARO_OK, "enrichment: begin (round %d)",
		       round + 1);
		store_update_add_enrichment(w, t1, "{\"baseScore\": 9.8}", &err);
		store_update_add_enrichment(w, t2, "[{\"v\": 1}]", &err);
		is_int(store_update_commit(w, &res, &err), CLARO_OK, "enrichment: stored (round %d)",
		       round + 1);
		is_int(res.records, 2, "  two enrichments linked");
		is_int(res.new_rows, round == 0 ? 2 : 0, "  %s",
		       round == 0 ? "both new" : "none new the second time");
	}
	memset(&j, 0, sizeof(j));
	is_int(store_enrichments_get(s, "clair.cvss", "GHSA-x", collect_json, &j, &err), CLARO_OK,
	       "enrichment: look up by tag");
	is_int(j.n, 1, "  one hit for GHSA-x");
	like(j.text[0], "\"v\": 1", "  its JSON");
	memset(&j, 0, sizeof(j));
	store_enrichments_get(s, "clair.cvss", "CVE-2024-1", collect_json, &j, &err);
	ok(j.n == 1 && strstr(j.text[0], "9.8"), "  and CVE-2024-1's score");
	memset(&j, 0, sizeof(j));
	store_enrichments_get(s, "other", "CVE-2024-1", collect_json, &j, &err);
	is_int(j.n, 0, "  scoped to the updater");
	p.kind = STORE_KIND_VULNERABILITY;
	is_int(store_update_begin(s, &p, &w, &err), CLARO_OK, "enrichment: a vulnerability op");
	is_int(store_update_add_enrichment(w, t1, "{}", &err), CLARO_ERR_INVALID, "  refuses an enrichment");
	store_update_abort(w);
	error_clear(&err);
}

static void test_gc(struct db *d)
{
	struct store *s = db_open(d), *other = db_open(d);
	struct claro_package pkg = mkpkg("gc-pkg", "", CLARO_PACKAGE_BINARY);
	struct store_update_result res;
	struct store_gc_result gc;
	struct error err = ERROR_INIT;
	int64_t before, vulns_before;
	int acquired = 0;
	char name[32], fixed[32];

	if (!s || !other)
		return;
	/* 15 operations, each with one row of its own and one shared row. */
	for (int i = 0; i < 15; i++) {
		struct claro_vulnerability v[2] = {mkvuln("CVE-SHARED", &pkg, "1"),
						   mkvuln(name, &pkg, fixed)};
		snprintf(name, sizeof(name), "CVE-GC-%02d", i);
		snprintf(fixed, sizeof(fixed), "%d", i);
		write_op(s, "gc-test", name, 0, v, 2, NULL, &res);
	}
	before = count_ops(s);
	vulns_before = count_vulns(s);
	is_int(store_advisory_gc(s, 10, 3, &gc, &err), CLARO_OK, "gc: runs");
	is_int(gc.deleted_ops, 3, "gc: the throttle (3 here, Clair's 50) bounds the deletions");
	is_int(gc.remaining, 2, "gc: 2 operations still due");
	is_int(gc.deleted_vulns, 3, "gc: the 3 rows only those operations linked are gone");
	is_int(count_ops(s), before - 3, "gc: operations table shrank by 3");
	is_int(count_vulns(s), vulns_before - 3, "gc: the shared row stays");
	/* A writer of the updater holds its lock: GC leaves it alone. */
	store_try_lock(other, "gc-test", &acquired, &err);
	ok(acquired, "gc: another connection takes the updater's lock");
	is_int(store_advisory_gc(s, 10, 50, &gc, &err), CLARO_OK, "gc: runs while it is held");
	ok(gc.deleted_ops == 0 && gc.skipped_busy >= 1, "gc: the locked updater is skipped");
	store_unlock(other, "gc-test", &err);
	is_int(store_advisory_gc(s, 10, 50, &gc, &err), CLARO_OK, "gc: runs again");
	ok(gc.deleted_ops == 2 && gc.remaining == 0, "gc: the rest collected (deleted %zu, remaining %zu)",
	   gc.deleted_ops, gc.remaining);
	is_int(store_advisory_gc(s, 0, 50, &gc, &err), CLARO_ERR_INVALID, "gc: keep 0 is refused");
	error_clear(&err);
	store_close(other);
	store_close(s);
}

/* ---- The runner, with tests/plugins/beta.c -------------------------------------------- */

static struct registry reg;
static char *plugin_dir;

static int load_beta(const char *url)
{
	struct config cfg;
	struct config_entry entries[] = {{"url", (char *)url, 2}, {"full", "true", 3}, {"timeout", "5s", 4}};
	struct config_section sections[] = {{"beta", 1, entries, 3}};
	struct error err = ERROR_INIT;
	int okay;

	memset(&cfg, 0, sizeof(cfg));
	cfg.path = "test.ini";
	cfg.plugin_dir = plugin_dir;
	cfg.sections = sections;
	cfg.n_sections = 1;
	registry_free(&reg);
	memset(&reg, 0, sizeof(reg));
	okay = registry_load_one(&reg, plugin_dir, "beta", &cfg, &err) == CLARO_OK;
	show(&err);
	error_clear(&err);
	return okay;
}

static struct config_updaters runner_cfg(void)
{
	struct config_updaters c;

	memset(&c, 0, sizeof(c));
	c.enabled = 1;
	c.concurrency = 3;
	c.retention = 10;
	c.period = 3600;
	return c;
}

static const struct updater_result *result_of(const struct updater_round *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}

static int round_run(struct db *d, const struct config_updaters *cfg, struct updater_round *r, int force)
{
	struct updater_run_options o = {cfg, NULL, force, 0};
	struct error err = ERROR_INIT;
	int okay = updater_run_round(&reg, &d->p, &o, r, &err) == CLARO_OK;

	show(&err);
	error_clear(&err);
	return okay;
}

static enum updater_outcome outcome(const struct updater_round *r, const char *name)
{
	const struct updater_result *u = result_of(r, name);
	return u ? u->outcome : (enum updater_outcome) - 1;
}

static size_t snapshot_size(struct store *s, const char *updater)
{
	struct store_update_ops ops;
	struct error err = ERROR_INIT;
	size_t n = 0;

	if (store_latest_update_ops(s, 1, &ops, &err) == CLARO_OK)
		for (size_t i = 0; i < ops.n; i++)
			if (strcmp(ops.v[i].updater, updater) == 0)
				n = ops.v[i].records;
	store_update_ops_free(&ops);
	error_clear(&err);
	return n;
}

static void test_runner(void)
{
	struct config_updaters cfg = runner_cfg();
	struct updater_round r;
	struct store_updater_status st = STORE_UPDATER_STATUS_INIT;
	struct error err = ERROR_INIT;
	struct tu_capture cap;
	struct store *s, *holder;
	struct db d;
	char *log;
	int64_t ops;
	int acquired = 0;

	if (!db_fresh(&d, "claro_adv_runner") || !load_beta(http_fixture_url(srv)) || !(s = db_open(&d)))
		return;
	http_fixture_route(srv, "/feed", 200, "\"feed-1\"", NULL,
			   "CVE-1 beta-x 5 high\nCVE-2 beta-y 7 low\n");
	http_fixture_route(srv, "/full", 200, "\"full-1\"", NULL,
			   "CVE-10 beta-x 2 high\nCVE-11 beta-z 3 low\n");
	http_fixture_route(srv, "/scores", 200, "\"s-1\"", NULL, "CVE-1 0.97\nCVE-2 0.1\n");

	ok(round_run(&d, &cfg, &r, 0), "runner: round 1");
	is_int(r.n, 3, "runner: list() gave beta/feed, beta/scores and beta/full");
	ok(outcome(&r, "beta/feed") == UPDATER_UPDATED && outcome(&r, "beta/full") == UPDATER_UPDATED &&
	       outcome(&r, "beta/scores") == UPDATER_UPDATED,
	   "runner: all three updated");
	is_int(r.failed, 0, "runner: none failed");
	updater_round_free(&r);
	is_int(snapshot_size(s, "beta/full"), 2, "runner: beta/full's snapshot has 2 rows");
	is_int(snapshot_size(s, "beta/scores"), 2, "runner: beta/scores has 2 enrichments");
	ops = count_ops(s);

	ok(round_run(&d, &cfg, &r, 0), "runner: round 2, feeds unchanged");
	ok(outcome(&r, "beta/feed") == UPDATER_UNCHANGED && outcome(&r, "beta/full") == UPDATER_UNCHANGED &&
	       outcome(&r, "beta/scores") == UPDATER_UNCHANGED,
	   "runner: the previous fingerprint went back as If-None-Match; 304: all unchanged");
	updater_round_free(&r);
	is_int(count_ops(s), ops, "runner: no operation for an unchanged feed");
	is_int(store_updater_status_get(s, "beta/full", &st, &err), CLARO_OK, "runner: status recorded");
	ok(st.last_run_succeeded && st.last_success > 0, "  as a success");
	is_str(st.last_attempt_fingerprint, "\"full-1\"", "  with the fingerprint");
	store_updater_status_free(&st);

	/* A failing feed: status records it, the snapshot stays, logged once. */
	http_fixture_route(srv, "/full", 500, NULL, NULL, "oops");
	tu_capture_begin(&cap);
	ok(round_run(&d, &cfg, &r, 0), "runner: round 3, beta/full answers 500");
	is_int(outcome(&r, "beta/full"), UPDATER_FAILED, "runner: beta/full failed");
	is_int(r.failed, 1, "runner: only it");
	updater_round_free(&r);
	ok(round_run(&d, &cfg, &r, 0), "runner: round 4, still 500");
	updater_round_free(&r);
	log = tu_capture_end(&cap);
	{
		int n = 0;
		for (const char *p = log; p && (p = strstr(p, "updater beta/full failed")) != NULL; p++)
			n++;
		is_int(n, 1, "runner: the failure was logged once, with its cause, not each round");
		like(log, "HTTP status 500", "  the log says why");
	}
	free(log);
	is_int(store_updater_status_get(s, "beta/full", &st, &err), CLARO_OK, "runner: failure recorded");
	ok(!st.last_run_succeeded && st.last_success > 0, "  as a failure that keeps the last success");
	like(st.last_error, "HTTP status 500", "  with the error");
	store_updater_status_free(&st);
	is_int(snapshot_size(s, "beta/full"), 2, "runner: the previous snapshot is intact");

	http_fixture_route(srv, "/full", 200, "\"full-2\"", NULL, "CVE-10 beta-x 2 high\nbroken line\n");
	ok(round_run(&d, &cfg, &r, 0), "runner: round 5, a malformed feed");
	is_int(outcome(&r, "beta/full"), UPDATER_FAILED, "runner: a parse error fails the updater");
	updater_round_free(&r);
	is_int(snapshot_size(s, "beta/full"), 2, "runner: the snapshot still is the old one");

	/* Delta through the runner. */
	http_fixture_route(srv, "/full", 200, "\"full-3\"", NULL, "CVE-10 beta-x 2 high\n");
	http_fixture_route(srv, "/feed", 200, "\"feed-2\"", NULL, "CVE-3 beta-z 1 low\n-CVE-2\n");
	ok(round_run(&d, &cfg, &r, 0), "runner: round 6");
	ok(outcome(&r, "beta/feed") == UPDATER_UPDATED && outcome(&r, "beta/full") == UPDATER_UPDATED,
	   "runner: both updated");
	updater_round_free(&r);
	is_int(snapshot_size(s, "beta/feed"), 2, "runner: delta: CVE-1 carried, CVE-2 deleted, CVE-3 added");
	is_int(snapshot_size(s, "beta/full"), 1, "runner: full: the new snapshot replaces the old");

	/* The per-updater lock across two handles (two daemons). */
	holder = db_open(&d);
	store_try_lock(holder, "beta/full", &acquired, &err);
	ok(acquired, "lock: another handle holds beta/full's lock");
	http_fixture_route(srv, "/full", 200, "\"full-4\"", NULL, "CVE-12 beta-x 9 low\n");
	ok(round_run(&d, &cfg, &r, 0), "lock: round while it is held");
	is_int(outcome(&r, "beta/full"), UPDATER_BUSY, "lock: beta/full is busy elsewhere and not run");
	is_int(outcome(&r, "beta/feed"), UPDATER_UNCHANGED, "lock: the others still run");
	updater_round_free(&r);
	is_int(snapshot_size(s, "beta/full"), 1, "lock: nothing stored for it");
	store_unlock(holder, "beta/full", &err);
	store_close(holder);
	ok(round_run(&d, &cfg, &r, 0) && outcome(&r, "beta/full") == UPDATER_UPDATED,
	   "lock: released, the next round runs it");
	updater_round_free(&r);

	/* Configuration per updater. */
	{
		struct config_updater own[] = {{"beta/scores", 1, 0, 0}, {"beta/full", 2, 1, 86400}};
		char *skip[] = {"beta/fe*", NULL};
		struct config_updaters c2 = runner_cfg();

		c2.skip = skip;
		c2.overrides = own;
		c2.n_overrides = 2;
		ok(round_run(&d, &c2, &r, 0), "config: round");
		ok(result_of(&r, "beta/feed") == NULL, "config: skip = beta/fe* leaves beta/feed out");
		is_int(outcome(&r, "beta/scores"), UPDATER_SKIPPED,
		       "config: [updater.beta/scores] enabled = false");
		is_int(outcome(&r, "beta/full"), UPDATER_SKIPPED,
		       "config: beta/full's own period (1d) has not passed");
		updater_round_free(&r);
		ok(round_run(&d, &c2, &r, 1), "config: forced round");
		is_int(outcome(&r, "beta/full"), UPDATER_UNCHANGED,
		       "config: --force runs it despite its period");
		updater_round_free(&r);
	}
	error_clear(&err);
	store_close(s);
}

/* The background runner: a round at start, stopped quickly. */
static void test_background(void)
{
	struct config_updaters cfg = runner_cfg();
	struct updater_runner *r = NULL;
	struct error err = ERROR_INIT;
	struct db d;
	unsigned rounds = 0;

	if (!db_fresh(&d, "claro_adv_bg"))
		return;
	is_int(updater_runner_start(&r, &reg, &d.p, &cfg, &err), CLARO_OK, "background: runner starts");
	for (int i = 0; i < 200 && (rounds = updater_runner_rounds(r)) == 0; i++)
		usleep(50000);
	is_int(rounds, 1, "background: the first round ran at start");
	updater_runner_stop(r);
	ok(1, "background: stopped while waiting for its period");
	error_clear(&err);
}

/* ---- Air-gapped mirror -------------------------------------------------------------------- */

static void test_mirror(void)
{
	struct config_updaters cfg = runner_cfg();
	struct httpclient_options hopts;
	struct claro_http_request req;
	struct claro_http_response *resp = NULL;
	struct updater_round r;
	struct error err = ERROR_INIT;
	char *mirror = str_printf("%s/mirror", tmp), *path;
	struct store *s;
	struct db d;
	int hits = http_fixture_hits(srv, "/full");

	path = str_printf("%s/feeds.example.invalid/beta/full", mirror);
	tu_write_file(path, "CVE-20 beta-x 4 high\nCVE-21 beta-x 5 low\n", 0644);
	free(path);
	path = str_printf("%s/feeds.example.invalid/beta/feed", mirror);
	tu_write_file(path, "CVE-22 beta-y 4 high\n", 0644);
	free(path);
	path = str_printf("%s/feeds.example.invalid/beta/scores", mirror);
	tu_write_file(path, "CVE-20 0.5\n", 0644);
	free(path);

	memset(&hopts, 0, sizeof(hopts));
	hopts.airgap = 1;
	hopts.connect_timeout = 2;
	httpclient_configure(&hopts, &err);
	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.url = "http://192.0.2.1/feed";
	is_int(httpclient_fetch(&req, &resp, &err), CLARO_ERR_DENIED, "airgap: a public address is refused");
	error_clear(&err);

	hopts.mirror_dir = mirror;
	httpclient_configure(&hopts, &err);
	if (!db_fresh(&d, "claro_adv_mirror") || !load_beta("http://feeds.example.invalid/beta") ||
	    !(s = db_open(&d)))
		return;
	ok(round_run(&d, &cfg, &r, 0), "mirror: a round with the network refused");
	ok(outcome(&r, "beta/full") == UPDATER_UPDATED && outcome(&r, "beta/feed") == UPDATER_UPDATED &&
	       outcome(&r, "beta/scores") == UPDATER_UPDATED,
	   "mirror: every updater read its feed from <mirror>/<host>/<path>");
	updater_round_free(&r);
	is_int(snapshot_size(s, "beta/full"), 2, "mirror: beta/full has the mirror file's 2 rows");
	ok(round_run(&d, &cfg, &r, 0) && outcome(&r, "beta/full") == UPDATER_UNCHANGED,
	   "mirror: the file's ETag makes the second run a 304");
	updater_round_free(&r);

	/* A loopback URL would be allowed by airgap: with the mirror it never
	 * reaches the server. */
	req.url = str_printf("%s/full", http_fixture_url(srv));
	is_int(httpclient_fetch(&req, &resp, &err), CLARO_ERR_NETWORK,
	       "mirror: a URL the mirror lacks fails");
	like(err.detail, "mirror directory has no readable file", "  the detail names the mirror");
	is_int(http_fixture_hits(srv, "/full"), hits, "mirror: and no request reached the network");
	error_clear(&err);
	free((char *)req.url);
	req.url = "http://feeds.example.invalid/beta/../../etc/passwd";
	is_int(httpclient_fetch(&req, &resp, &err), CLARO_ERR_NETWORK,
	       "mirror: \"..\" is resolved by URL rules and stays inside the host directory");
	error_clear(&err);
	req.url = "http://feeds.example.invalid/beta/full";
	req.method = "HEAD";
	is_int(httpclient_fetch(&req, &resp, &err), CLARO_OK, "mirror: HEAD");
	ok(resp && resp->status == 200 && resp->body_len == 0 && resp->etag, "  200, no body, an ETag");
	httpclient_response_free(resp);
	resp = NULL;
	req.method = NULL;
	req.max_body = 10;
	is_int(httpclient_fetch(&req, &resp, &err), CLARO_ERR_TOO_LARGE, "mirror: the size limit applies");
	error_clear(&err);

	memset(&hopts, 0, sizeof(hopts));
	httpclient_configure(&hopts, &err);
	tu_rmrf(mirror);
	free(mirror);
	store_close(s);
}

static void test_rate_limit(void)
{
	struct httpclient_options hopts;
	struct claro_http_request req;
	struct claro_http_response *resp = NULL;
	struct error err = ERROR_INIT;
	struct timespec a, b;
	char *url = str_printf("%s/rl", http_fixture_url(srv));
	double secs;
	int okay = 1;

	http_fixture_route(srv, "/rl", 200, NULL, NULL, "x");
	memset(&hopts, 0, sizeof(hopts));
	hopts.rate_limit = 4;
	httpclient_configure(&hopts, &err);
	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.url = url;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 8; i++) {
		okay &= httpclient_fetch(&req, &resp, &err) == CLARO_OK;
		httpclient_response_free(resp);
		resp = NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	ok(okay, "rate limit: 8 requests succeed");
	ok(secs >= 0.9 && secs < 5,
	   "rate limit: 4/s with a burst of 4 makes 8 requests take about 1s (%.2fs)", secs);
	memset(&hopts, 0, sizeof(hopts));
	httpclient_configure(&hopts, &err);
	error_clear(&err);
	free(url);
}

/* ---- Export and import --------------------------------------------------------------------- */

static int by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of an export with "Ref" blanked (a re-import gets new refs),
 * sorted: the content, comparable across databases. Read back through the
 * import's own stream reader, so .gz and .zst are checked to decompress. */
static char *normalized_export(struct store *s, const char *file)
{
	struct advisory_export_stats st;
	struct error err = ERROR_INIT;
	struct in_stream *in = NULL;
	struct buf out = BUF_INIT(0);
	char **lines = NULL, *line;
	size_t n = 0, len;
	FILE *fp;

	if (advisory_export(s, file, NULL, &st, &err) != CLARO_OK || !(fp = fopen(file, "rb"))) {
		show(&err);
		error_clear(&err);
		return NULL;
	}
	if (in_stream_open(fp, file, NULL, &in, &err) == CLARO_OK) {
		while (in_stream_line(in, &line, &len, &err) == CLARO_OK && line) {
			char *ref = strstr(line, "\"Ref\":\""), *copy;

			if (ref) {
				char *end = strchr(ref + 7, '"');
				if (end)
					memmove(ref + 7, end, strlen(end) + 1);
			}
			copy = str_dup(line);
			lines = realloc(lines, (n + 1) * sizeof(*lines));
			lines[n++] = copy;
		}
	}
	show(&err);
	error_clear(&err);
	in_stream_free(in);
	fclose(fp);
	if (n)
		qsort(lines, n, sizeof(*lines), by_line);
	for (size_t i = 0; i < n; i++) {
		buf_puts(&out, lines[i]);
		buf_puts(&out, "\n");
		free(lines[i]);
	}
	free(lines);
	return out.data ? buf_steal(&out) : str_dup("");
}

static void test_export_import(void)
{
	static const char *const suffixes[] = {"", ".gz", ".zst"};
	struct db a, b;
	struct store *sa, *sb;
	struct advisory_import_stats st;
	struct error err = ERROR_INIT;

	/* Database A: the runner's database (beta feeds) plus the secdb. */
	db_params(&a, "claro_adv_runner");
	if (!(sa = db_open(&a)))
		return;
	{
		size_t records, rows;
		store_secdb(sa, "\"etag-1\"", &records, &rows);
	}
	for (size_t i = 0; i < 3; i++) {
		char *file = str_printf("%s/export%s", tmp, suffixes[i]),
		     *file2 = str_printf("%s/again%s", tmp, suffixes[i]);
		struct store_update_ops latest;
		size_t n_ops = 0;
		char *one = normalized_export(sa, file), *two;

		if (store_latest_update_ops(sa, 0, &latest, &err) == CLARO_OK)
			n_ops = latest.n;
		store_update_ops_free(&latest);

		ok(one && strlen(one) > 1000, "export%s: written (%zu bytes normalised)", suffixes[i],
		   one ? strlen(one) : 0);
		if (!db_fresh(&b, "claro_adv_copy") || !(sb = db_open(&b))) {
			free(one);
			free(file);
			free(file2);
			continue;
		}
		is_int(advisory_import(sb, file, NULL, &st, &err), CLARO_OK, "import%s: loads", suffixes[i]);
		show(&err);
		error_clear(&err);
		ok(st.ops == n_ops && n_ops >= 20 &&
		       st.skipped_ops == 0, /* 17 secdb files with records, 3 beta */
		   "import%s: %zu operations, one per updater of the source (%zu)", suffixes[i], st.ops,
		   n_ops);
		{
			struct store_updater_summaries sum;
			size_t imported = 0;

			if (store_updater_summaries(sb, 1, &sum, &err) == CLARO_OK)
				for (size_t k = 0; k < sum.n; k++)
					imported += !sum.v[k].has_status && sum.v[k].has_op &&
						    sum.v[k].op.records > 0;
			store_updater_summaries_free(&sum);
			is_int(imported, n_ops,
			       "import%s: status shows every updater as imported (no run recorded)",
			       suffixes[i]);
		}
		two = normalized_export(sb, file2);
		ok(one && two && strcmp(one, two) == 0, "export%s -> import -> export: the same records",
		   suffixes[i]);
		is_int(advisory_import(sb, file, NULL, &st, &err), CLARO_OK, "import%s again", suffixes[i]);
		ok(st.ops == 0 && st.skipped_ops == n_ops,
		   "import%s again: every operation skipped by its fingerprint (%zu)", suffixes[i],
		   st.skipped_ops);
		free(one);
		free(two);
		free(file);
		free(file2);
		store_close(sb);
	}
	error_clear(&err);
	store_close(sa);
}

/* ---- Hostile import ---------------------------------------------------------------------- */

/* One record in Clair's export shape (Go's encoding/json field order). */
static char *record(const char *updater, const char *fp, const char *ref, const char *cve)
{
	return str_printf("{\"Updater\":\"%s\",\"Fingerprint\":\"%s\",\"Date\":\"2024-02-03T04:05:06Z\","
			  "\"Ref\":\"%s\",\"Vuln\":{\"id\":\"\",\"updater\":\"%s\",\"name\":\"%s\","
			  "\"package\":{\"name\":\"p\",\"kind\":\"binary\"},\"fixed_in_version\":\"1\"},"
			  "\"Kind\":\"vulnerability\"}\n",
			  updater, fp, ref, updater, cve);
}

static const char good_a[] =
    "{\"Updater\":\"h\",\"Fingerprint\":\"fa\",\"Date\":\"2024-01-02T03:04:05.123456789Z\",\"Ref\":\"r1\","
    "\"Vuln\":{\"id\":\"\",\"updater\":\"h\",\"name\":\"CVE-1\",\"description\":\"\",\"issued\":\"0001-01-"
    "01T00:00:00Z\","
    "\"links\":\"\",\"severity\":\"\",\"normalized_severity\":\"High\",\"package\":{\"id\":\"\",\"name\":"
    "\"p\","
    "\"version\":\"\",\"kind\":\"binary\",\"normalized_version\":\"\",\"cpe\":\"\"},\"fixed_in_version\":"
    "\"2\"},"
    "\"Kind\":\"vulnerability\"}\n";
static const char good_b[] =
    "{\"Updater\":\"h2\",\"Fingerprint\":\"fb\",\"Date\":\"2024-01-02T03:04:05+02:00\",\"Ref\":\"r2\","
    "\"Vuln\":{\"name\":\"CVE-2\",\"package\":{\"name\":\"q\",\"kind\":\"binary\"},\"range\":{\"[\":\"semver:"
    "0.1.2.3.0.0.0.0.0.0\","
    "\")\":\"semver:0.1.3\"}},\"Kind\":\"vulnerability\"}\n";

static char *write_tmp(const char *name, const void *data, size_t n)
{
	char *path = str_printf("%s/%s", tmp, name);
	FILE *fp = fopen(path, "wb");

	if (fp) {
		fwrite(data, 1, n, fp);
		fclose(fp);
	}
	return path;
}

static enum claro_status import_text(struct store *s, const char *name, const char *text, size_t n,
				     const struct in_limits *lim, struct advisory_import_stats *st,
				     struct error *err)
{
	char *path = write_tmp(name, text, n);
	enum claro_status rc = advisory_import(s, path, lim, st, err);

	free(path);
	return rc;
}

static size_t gzip_buf(const void *in, size_t n, unsigned char *out, size_t cap)
{
	z_stream z;
	size_t len;

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	len = cap - z.avail_out;
	deflateEnd(&z);
	return len;
}

/* A gzip stream of `mib` MiB of newlines, made in pieces (small memory). */
static size_t gzip_bomb(unsigned char *out, size_t cap, size_t mib)
{
	static char chunk[1 << 20];
	z_stream z;
	size_t len;

	memset(chunk, '\n', sizeof(chunk));
	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	for (size_t i = 0; i < mib; i++) {
		z.next_in = (Bytef *)chunk;
		z.avail_in = sizeof(chunk);
		deflate(&z, i + 1 == mib ? Z_FINISH : Z_NO_FLUSH);
	}
	len = cap - z.avail_out;
	deflateEnd(&z);
	return len;
}

static void test_hostile(void)
{
	struct advisory_import_stats st;
	struct error err = ERROR_INIT;
	struct in_limits lim = {1024 * 1024, 0, 0};
	struct store *s;
	struct db d;
	struct buf b = BUF_INIT(0);
	unsigned char *z = malloc(4 << 20);
	size_t zn;
	int64_t vulns, ops;

	if (!z || !db_fresh(&d, "claro_adv_hostile") || !(s = db_open(&d)))
		return;
	is_int(import_text(s, "good", good_a, strlen(good_a), NULL, &st, &err), CLARO_OK,
	       "hostile: a Clair-shaped record (nanosecond Date) imports");
	show(&err);
	error_clear(&err);
	vulns = count_vulns(s);
	ops = count_ops(s);

	/* Truncated mid-record: the operation being read rolls back (the
	 * broken line may have belonged to it), those before it stay. */
	{
		char *c1 = record("h3", "fc", "rc", "CVE-31"), *c2 = record("h3", "fc", "rc", "CVE-32");
		char *d1 = record("h4", "fd", "rd", "CVE-41");
		struct store_update_op op;
		int found3 = 0, found4 = 0;

		buf_puts(&b, good_b);
		buf_puts(&b, c1);
		buf_append(&b, c2, 60);
		is_int(import_text(s, "trunc", b.data, b.len, NULL, &st, &err), CLARO_ERR_INVALID,
		       "hostile: a file cut inside a record is refused");
		like(err.message, "line 3", "  the message names the line");
		error_clear(&err);
		is_int(count_ops(s), ops + 1, "  the complete operation before the broken one was stored");
		store_latest_update_op(s, "h3", STORE_KIND_VULNERABILITY, &op, &found3, &err);
		store_update_op_free(&op);
		ok(!found3, "  the one being read when the file broke was not");
		ops = count_ops(s);
		vulns = count_vulns(s);
		buf_reset(&b);

		/* A truncated gzip stream: its end marker is missing. */
		buf_puts(&b, d1);
		buf_puts(&b, c1);
		buf_puts(&b, c2);
		zn = gzip_buf(b.data, b.len, z, 4 << 20);
		{
			char *path = write_tmp("trunc.gz", z, zn - 6);

			is_int(advisory_import(s, path, NULL, &st, &err), CLARO_ERR_INVALID,
			       "hostile: truncated gzip refused");
			like(err.detail, "truncated", "  as truncated");
			error_clear(&err);
			free(path);
		}
		store_latest_update_op(s, "h4", STORE_KIND_VULNERABILITY, &op, &found4, &err);
		store_update_op_free(&op);
		store_latest_update_op(s, "h3", STORE_KIND_VULNERABILITY, &op, &found3, &err);
		store_update_op_free(&op);
		ok(found4 && !found3,
		   "  the complete first operation stored, the last (unconfirmed) one not");
		ops = count_ops(s);
		vulns = count_vulns(s);
		free(c1);
		free(c2);
		free(d1);
	}
	{
		size_t cap = ZSTD_compressBound(b.len);
		unsigned char *zs = malloc(cap);
		size_t n = zs ? ZSTD_compress(zs, cap, b.data, b.len, 3) : 0;
		char *path = write_tmp("trunc.zst", zs, n > 8 ? n - 8 : 0);

		is_int(advisory_import(s, path, NULL, &st, &err), CLARO_ERR_INVALID,
		       "hostile: truncated zstd refused");
		error_clear(&err);
		free(path);
		free(zs);
	}
	buf_reset(&b);

	{
		static const struct {
			const char *name, *text, *expect;
		} bad[] = {
		    {"not json", "{\"Updater\": \n", "not JSON"},
		    {"an array", "[1,2]\n", "not a JSON object"},
		    {"Updater a number",
		     "{\"Updater\":5,\"Date\":\"2024-01-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":"
		     "\"vulnerability\"}\n",
		     "\"Updater\""},
		    {"unknown Kind",
		     "{\"Updater\":\"u\",\"Date\":\"2024-01-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":\"kernel\"}"
		     "\n",
		     "Kind"},
		    {"bad Date",
		     "{\"Updater\":\"u\",\"Date\":\"2024-13-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":"
		     "\"vulnerability\",\"Vuln\":{}}\n",
		     "Date"},
		    {"year 99999",
		     "{\"Updater\":\"u\",\"Date\":\"99999-01-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":"
		     "\"vulnerability\",\"Vuln\":{}}\n",
		     "Date"},
		    {"no Vuln",
		     "{\"Updater\":\"u\",\"Date\":\"2024-01-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":"
		     "\"vulnerability\"}\n",
		     "Vuln"},
		    {"huge range number",
		     "{\"Updater\":\"u\",\"Date\":\"2024-01-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":"
		     "\"vulnerability\",\"Vuln\":{\"name\":\"n\",\"package\":{\"name\":\"p\"},\"range\":{\"["
		     "\":\"semver:99999999999999999999\",\")\":\"\"}}}\n",
		     "normalized version"},
		    {"eleven parts",
		     "{\"Updater\":\"u\",\"Date\":\"2024-01-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":"
		     "\"vulnerability\",\"Vuln\":{\"name\":\"n\",\"package\":{\"name\":\"p\"},\"range\":{\"["
		     "\":\"semver:1.2.3.4.5.6.7.8.9.10.11\",\")\":\"\"}}}\n",
		     "normalized version"},
		    {"NUL in a string",
		     "{\"Updater\":\"u\\u0000x\",\"Date\":\"2024-01-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":"
		     "\"vulnerability\"}\n",
		     "NUL"},
		    {"duplicate key", "{\"Updater\":\"u\",\"Updater\":\"v\"}\n", "not JSON"},
		    {"bad severity",
		     "{\"Updater\":\"u\",\"Date\":\"2024-01-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":"
		     "\"vulnerability\",\"Vuln\":{\"normalized_severity\":\"Catastrophic\"}}\n",
		     "normalized_severity"},
		    {"enrichment without tags",
		     "{\"Updater\":\"u\",\"Date\":\"2024-01-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":"
		     "\"enrichment\",\"Enrichment\":{\"Tags\":[],\"Enrichment\":{}}}\n",
		     "Tags"},
		    {"huge real",
		     "{\"Updater\":\"u\",\"Date\":\"2024-01-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":"
		     "\"enrichment\",\"Enrichment\":{\"Tags\":[\"t\"],\"Enrichment\":{\"s\":1e999999}}}\n",
		     "not JSON"},
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			enum claro_status rc =
			    import_text(s, "bad", bad[i].text, strlen(bad[i].text), NULL, &st, &err);
			ok(rc == CLARO_ERR_INVALID && err.message &&
			       (strstr(err.message, bad[i].expect) ||
				(err.detail && strstr(err.detail, bad[i].expect))),
			   "hostile: %s: refused, saying %s", bad[i].name, bad[i].expect);
			if (rc != CLARO_ERR_INVALID)
				show(&err);
			error_clear(&err);
		}
	}

	/* A re-import passes over the records of an operation the store has
	 * (same Updater, Fingerprint, Ref and Kind text as its first record)
	 * without decoding them; a record sharing only the Ref, or cut short,
	 * is still parsed and refused. */
	{
		static const char same_op_bad_vuln[] =
		    "{\"Updater\":\"h\",\"Fingerprint\":\"fa\",\"Date\":\"2024-01-02T03:04:05Z\","
		    "\"Ref\":\"r1\",\"Vuln\":{\"normalized_severity\":\"Catastrophic\"},"
		    "\"Kind\":\"vulnerability\"}\n";
		char *other = record("h-other", "fa", "r1", "CVE-9");

		buf_puts(&b, good_a);
		buf_puts(&b, same_op_bad_vuln);
		is_int(import_text(s, "skip", b.data, b.len, NULL, &st, &err), CLARO_OK,
		       "re-import: the records of a present operation are passed over");
		show(&err);
		error_clear(&err);
		ok(st.skipped_ops == 1 && st.ops == 0 && st.records == 2,
		   "  skipped by fingerprint, both records counted (%zu skipped, %zu stored, %zu records)",
		   st.skipped_ops, st.ops, st.records);
		buf_reset(&b);
		buf_puts(&b, good_a);
		buf_append(&b, same_op_bad_vuln, strlen(same_op_bad_vuln) - 2);
		is_int(import_text(s, "skipcut", b.data, b.len, NULL, &st, &err), CLARO_ERR_INVALID,
		       "re-import: a record of a present operation cut short is refused");
		error_clear(&err);
		buf_reset(&b);
		buf_puts(&b, good_a);
		buf_puts(&b, other);
		is_int(import_text(s, "skipother", b.data, b.len, NULL, &st, &err), CLARO_ERR_INVALID,
		       "re-import: a record sharing only the Ref of a present operation is refused");
		like(err.detail, "shares Ref", "  as sharing the Ref");
		error_clear(&err);
		buf_reset(&b);
		free(other);
		is_int(count_vulns(s), vulns, "  the stored rows are as before");
	}

	/* Deep nesting: jansson stops at its depth limit. */
	buf_puts(&b, "{\"Updater\":\"u\",\"Date\":\"2024-01-01T00:00:00Z\",\"Ref\":\"x\",\"Kind\":"
		     "\"vulnerability\",\"Vuln\":");
	for (int i = 0; i < 100000; i++)
		buf_puts(&b, "[");
	buf_puts(&b, "\n");
	is_int(import_text(s, "deep", b.data, b.len, NULL, &st, &err), CLARO_ERR_INVALID,
	       "hostile: 100000 nested arrays are refused");
	like(err.detail, "depth", "  at jansson's depth limit");
	error_clear(&err);
	buf_reset(&b);

	/* A line past the limit (1 MiB here, 16 MiB by default). */
	buf_puts(&b, "{\"Updater\":\"");
	for (int i = 0; i < (2 << 20) / 64; i++)
		buf_puts(&b, "0123456789012345678901234567890123456789012345678901234567890123");
	buf_puts(&b, "\"}\n");
	is_int(import_text(s, "huge", b.data, b.len, &lim, &st, &err), CLARO_ERR_TOO_LARGE,
	       "hostile: a 2 MiB line over a 1 MiB limit is refused");
	error_clear(&err);
	buf_free(&b);

	/* Decompression bombs. */
	zn = gzip_bomb(z, 4 << 20, 100);
	{
		char *path = write_tmp("bomb.gz", z, zn);
		struct timespec a, c;

		clock_gettime(CLOCK_MONOTONIC, &a);
		is_int(advisory_import(s, path, NULL, &st, &err), CLARO_ERR_TOO_LARGE,
		       "hostile: a gzip bomb (%zu bytes -> 100 MiB of newlines) is refused", zn);
		clock_gettime(CLOCK_MONOTONIC, &c);
		like(err.detail, "decompression bomb", "  as a decompression bomb");
		ok(c.tv_sec - a.tv_sec < 20, "  quickly (%lds)", (long)(c.tv_sec - a.tv_sec));
		error_clear(&err);
		free(path);
	}
	{
		unsigned char *big = malloc(100u << 20);
		size_t cap = ZSTD_compressBound(100u << 20);
		unsigned char *zs = malloc(cap);
		size_t n = 0;
		char *path;

		if (big && zs) {
			memset(big, '\n', 100u << 20);
			n = ZSTD_compress(zs, cap, big, 100u << 20, 3);
		}
		free(big);
		path = write_tmp("bomb.zst", zs, n);
		is_int(advisory_import(s, path, NULL, &st, &err), CLARO_ERR_TOO_LARGE,
		       "hostile: a zstd bomb (%zu bytes -> 100 MiB) is refused", n);
		error_clear(&err);
		free(path);
		free(zs);
	}
	is_int(count_vulns(s), vulns, "hostile: after all that, the stored rows are as before");
	is_int(count_ops(s), ops, "hostile: and so are the operations");
	free(z);
	store_close(s);
}

/* ---- Streaming writes (the runner's path) ---------------------------------------------- */

static enum claro_status fail_third(void *arg, const struct claro_vulnerability *v, struct error *err)
{
	size_t *seen = arg;

	(void)v;
	if (++*seen == 3)
		return error_set(err, CLARO_ERR_IO, "disk full");
	return CLARO_OK;
}

/* An operation's rows are staged as they are added, in batches outside any
 * transaction: another connection writes meanwhile, an abort leaves the
 * previous snapshot, memory holds no rows; and a sink's stream failure sticks. */
static void test_staging(void)
{
	enum { N = 10000 }; /* more than one staging batch */
	struct claro_package pkg = mkpkg("stage-pkg", "", CLARO_PACKAGE_BINARY);
	struct claro_vulnerability *v = calloc(N, sizeof(*v)), two[2];
	char(*names)[24] = calloc(N, sizeof(*names));
	struct store_update_params p = {"stage-test", STORE_KIND_VULNERABILITY, "fp-big", 0, 0};
	struct store_update_writer *w = NULL;
	struct store_update_result res;
	struct error err = ERROR_INIT;
	struct claro_update *up;
	struct update_stream stream = {fail_third, NULL, NULL};
	struct store *s = NULL, *other = NULL;
	struct db d;
	size_t seen = 0;
	int64_t vulns;
	enum claro_status st = CLARO_OK;

	if (!v || !names || !db_fresh(&d, "claro_adv_stage") || !(s = db_open(&d)) || !(other = db_open(&d)))
		goto out;
	for (size_t i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "CVE-STAGE-%05zu", i);
		v[i] = mkvuln(names[i], &pkg, "1");
	}
	two[0] = mkvuln("CVE-OLD-1", &pkg, "1");
	two[1] = mkvuln("CVE-OLD-2", &pkg, "1");
	is_int(write_op(s, "stage-test", "fp-old", 0, two, 2, NULL, &res), CLARO_OK,
	       "staging: a first snapshot");
	is_int(store_update_begin(s, &p, &w, &err), CLARO_OK, "staging: begin");
	for (size_t i = 0; st == CLARO_OK && i < N; i++)
		st = store_update_add_vulnerability(w, &v[i], &err);
	is_int(st, CLARO_OK, "staging: %d rows staged", N);
	show(&err);
	is_int(write_op(other, "stage-other", "o1", 0, two, 2, NULL, &res), CLARO_OK,
	       "staging: meanwhile another connection stores an operation (no write lock is held)");
	is_int(store_updater_status_record(other, "stage-other", 1700000000, "o1", NULL, &err), CLARO_OK,
	       "  and an updater_status row");
	vulns = count_vulns(other); /* s is the writer's until it ends */
	store_update_abort(w);
	is_int(snapshot_size(s, "stage-test"), 2, "staging: aborted: the previous snapshot stays");
	is_int(count_vulns(s), vulns, "  and no row of it was stored");

	st = store_update_begin(s, &p, &w, &err);
	for (size_t i = 0; st == CLARO_OK && i < N; i++)
		st = store_update_add_vulnerability(w, &v[i], &err);
	st = st == CLARO_OK ? store_update_commit(w, &res, &err) : st;
	is_int(st, CLARO_OK, "staging: committed");
	ok(res.records == N && res.new_rows == N, "  %zu rows linked, %zu new", res.records, res.new_rows);
	is_int(snapshot_size(s, "stage-test"), N, "  the new snapshot");
	is_int(write_op(s, "stage-test", "fp-again", 0, v, N, NULL, &res), CLARO_OK,
	       "staging: the same rows again");
	ok(res.records == N && res.new_rows == 0, "  links, no new rows (%zu, %zu)", res.records,
	   res.new_rows);

	/* A sink streaming into a failing store: the failure sticks. */
	up = update_new("stream-test", NULL);
	stream.arg = &seen;
	update_stream_to(up, &stream);
	for (size_t i = 0; i < 5; i++)
		st = update_add_vulnerability(up, &v[i], &err);
	error_clear(&err);
	is_int(st, CLARO_ERR_IO, "stream: the emits after a failure fail too");
	is_int(seen, 3, "  without reaching the stream again");
	is_int(update_stream_failure(up, &err), CLARO_ERR_IO, "  the update remembers the failure");
	is_str(err.message, "disk full", "  with its message");
	ok(update_n_vulnerabilities(up) == 3 && update_vulnerability(up, 0) == NULL,
	   "  streamed records are counted, not kept");
	update_free(up);
out:
	error_clear(&err);
	store_close(other);
	store_close(s);
	free(v);
	free(names);
}

int main(void)
{
	const char *which = getenv("CLARO_TEST_STORE");
	char *libs = tu_builddir_path("tests/plugins/.libs");
	struct error err = ERROR_INIT;
	struct db d;
	struct store *s;

	if (which && strcmp(which, "postgres") == 0)
		backend = STORE_POSTGRES;
	if (!libs)
		skip_all("abs_top_builddir is not set (run through make check)");
	if (!getenv("CLARO_SECDB_RECORDS"))
		skip_all("CLARO_SECDB_RECORDS is not set (run through tests/unit/advisory-*.sh)");
	setenv("no_proxy", "*", 1);
	log_setup("test_advisory", CLARO_LOG_WARNING);
	tmp = tu_mkdtemp();
	plugin_dir = str_printf("%s/plugins", tmp);
	{
		char *src = str_printf("%s/beta.so", libs), *dst = str_printf("%s/beta.so", plugin_dir);
		if (tu_copy_file(src, dst, 0755) != 0) {
			printf("Bail out! cannot copy %s\n", src);
			return 1;
		}
		free(src);
		free(dst);
	}
	if (httpclient_init(&err) != CLARO_OK || !(srv = http_fixture_start()))
		skip_all("no HTTP client or loopback server");
	diag("backend: %s", backend == STORE_POSTGRES ? "postgres" : "sqlite");

	test_vulnjson_clair();
	secdb_load();
	test_store_secdb();
	if (db_fresh(&d, "claro_adv_misc") && (s = db_open(&d))) {
		test_ranges(s);
		test_utf8(s);
		test_delta(s);
		test_enrichments(s);
		store_close(s);
		test_gc(&d);
	}
	test_staging();
	test_runner();
	test_background();
	test_export_import();
	test_mirror();
	test_rate_limit();
	test_hostile();

	registry_free(&reg);
	http_fixture_stop(srv);
	httpclient_cleanup();
	tu_rmrf(tmp);
	free(tmp);
	free(plugin_dir);
	free(libs);
	free(secdb);
	return done_testing();
}
