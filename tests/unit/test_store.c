/* The store test suite: the same assertions on both backends.
 *
 *   CLARO_TEST_STORE=sqlite   (default) databases in a temporary directory
 *   CLARO_TEST_STORE=postgres CLARO_TEST_PG_HOST=<socket dir or host>
 *                             [CLARO_TEST_PG_PORT] [CLARO_TEST_PG_USER]
 *                             creates and drops its own databases
 *                             (tests/unit/store-postgres.sh starts a
 *                             throwaway cluster for it)
 *
 * Cross-process cases run this program again as a child:
 *   test_store child migrate|try|take-and-die <db> [key]
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "../tap.h"
#include "store.h"
#include "store_impl.h"

static enum store_backend backend = STORE_SQLITE;
static char tmpdir[256];
static const char *self_path;

/* ---- Databases under test ----------------------------------------------------
 * Each test database has a fixed name; for PostgreSQL the statements that
 * create and drop it are constants too. */
struct testdb {
	const char *name;
	const char *pg_drop;
	const char *pg_create;
};

#define TESTDB(n)                                                                     \
	{                                                                             \
		n, "DROP DATABASE IF EXISTS " n " WITH (FORCE)", "CREATE DATABASE " n \
	}
static const struct testdb db_main = TESTDB("claro_t_main");
static const struct testdb db_fresh = TESTDB("claro_t_fresh");
static const struct testdb db_threads = TESTDB("claro_t_threads");
static const struct testdb db_procs = TESTDB("claro_t_procs");

static char *sqlite_path_of(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s.db", tmpdir, name);
	return path;
}

static struct store_params params_for(const char *name, const char **kw, const char **vals)
{
	struct store_params p;
	int n = 0;

	memset(&p, 0, sizeof(p));
	p.backend = backend;
	if (backend == STORE_SQLITE) {
		p.sqlite_path = sqlite_path_of(name);
		return p;
	}
	kw[n] = "host";
	vals[n++] = getenv("CLARO_TEST_PG_HOST");
	if (getenv("CLARO_TEST_PG_PORT")) {
		kw[n] = "port";
		vals[n++] = getenv("CLARO_TEST_PG_PORT");
	}
	kw[n] = "user";
	vals[n++] = getenv("CLARO_TEST_PG_USER") ? getenv("CLARO_TEST_PG_USER") : "postgres";
	kw[n] = "dbname";
	vals[n++] = name;
	kw[n] = NULL;
	vals[n] = NULL;
	p.pg_keywords = kw;
	p.pg_values = vals;
	return p;
}

static struct store *open_db(const char *name)
{
	const char *kw[8], *vals[8];
	struct store_params p = params_for(name, kw, vals);
	struct store *s = NULL;
	struct error err = ERROR_INIT;

	if (store_open(&s, &p, &err) != CLARO_OK) {
		diag("store_open(%s): %s / %s / %s", name, err.message, err.detail ? err.detail : "",
		     err.hint ? err.hint : "");
		s = NULL;
	}
	error_clear(&err);
	return s;
}

static struct store *open_migrated(const char *name)
{
	struct store *s = open_db(name);
	struct error err = ERROR_INIT;

	if (s && store_migrate(s, &err) != CLARO_OK) {
		diag("store_migrate(%s): %s / %s", name, err.message, err.detail ? err.detail : "");
		store_close(s);
		s = NULL;
	}
	error_clear(&err);
	return s;
}

/* ---- Raw access, to look behind the store's back ------------------------------ */

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static PGconn *pg_raw(const char *dbname)
{
	const char *kw[8], *vals[8];
	struct store_params p = params_for(dbname, kw, vals);
	PGconn *c = PQconnectdbParams(p.pg_keywords, p.pg_values, 0);

	if (PQstatus(c) != CONNECTION_OK) {
		diag("raw connect to %s: %s", dbname, PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	return c;
}

/* Run one statement with an optional text parameter and return the first
 * column of the first row as an integer (0 when there is no row); -1 on
 * error. */
static long long raw_int(const char *dbname, const char *sqlite_sql, const char *pg_sql, const char *param)
{
	long long out = 0;

	if (backend == STORE_SQLITE) {
		sqlite3 *db = NULL;
		sqlite3_stmt *stmt = NULL;
		int code = sqlite3_open(sqlite_path_of(dbname), &db);

		if (code == SQLITE_OK)
			code = sqlite3_prepare_v2(db, sqlite_sql, -1, &stmt, NULL);
		if (code == SQLITE_OK && param)
			code = sqlite3_bind_text(stmt, 1, param, -1, SQLITE_TRANSIENT);
		if (code == SQLITE_OK) {
			code = sqlite3_step(stmt);
			if (code == SQLITE_ROW)
				out = sqlite3_column_int64(stmt, 0);
			else if (code != SQLITE_DONE)
				out = -1;
		} else {
			out = -1;
		}
		if (out < 0)
			diag("raw sqlite: %s", sqlite3_errmsg(db));
		sqlite3_finalize(stmt);
		sqlite3_close(db);
	} else {
		PGconn *c = pg_raw(dbname);
		PGresult *r;
		const char *values[1] = {param};

		if (!c)
			return -1;
		r = PQexecParams(c, pg_sql, param ? 1 : 0, NULL, values, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
			out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		else if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
			diag("raw pg: %s", PQresultErrorMessage(r));
			out = -1;
		}
		PQclear(r);
		PQfinish(c);
	}
	return out;
}

/* A fresh, empty database. */
static int fresh_db(const struct testdb *db)
{
	if (backend == STORE_SQLITE) {
		static const char *const suffixes[] = {"", "-wal", "-shm", "-lock"};
		char path[600];

		for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
			snprintf(path, sizeof(path), "%s%s", sqlite_path_of(db->name), suffixes[i]);
			unlink(path);
		}
		return 0;
	}
	if (raw_int("postgres", NULL, db->pg_drop, NULL) < 0 ||
	    raw_int("postgres", NULL, db->pg_create, NULL) < 0)
		return -1;
	return 0;
}

static void drop_db(const struct testdb *db)
{
	if (backend == STORE_POSTGRES)
		raw_int("postgres", NULL, db->pg_drop, NULL);
}

/* ---- Helpers for assertions ---------------------------------------------------- */

/* The three parts of a user-facing error. */
static void is_error(const struct error *e, enum claro_status status, const char *message,
		     const char *in_detail, const char *name)
{
	diag("%s: message: %s", name, e->message ? e->message : "(none)");
	diag("%s: detail:  %s", name, e->detail ? e->detail : "(none)");
	diag("%s: hint:    %s", name, e->hint ? e->hint : "(none)");
	is_int(e->status, status, "%s: status %s", name, status_name(status));
	is_str(e->message, message, "%s: message", name);
	like(e->detail, in_detail, "%s: detail names the cause", name);
	ok(e->hint && strlen(e->hint) > 10, "%s: has a hint", name);
}

static int json_same(const char *a, const char *b)
{
	json_t *ja = json_loads(a, 0, NULL), *jb = json_loads(b, 0, NULL);
	int same = ja && jb && json_equal(ja, jb);

	json_decref(ja);
	json_decref(jb);
	return same;
}

static int count_sql_files(void)
{
	const char *top = getenv("abs_top_srcdir");
	char path[1024];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(path, sizeof(path), "%s/sql/%s", top && *top ? top : ".",
		 backend == STORE_SQLITE ? "sqlite" : "postgres");
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len > 9 && strspn(e->d_name, "0123456789") == 4 && e->d_name[4] == '_' &&
		    strcmp(e->d_name + len - 4, ".sql") == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Run this program as a child; returns its exit status or -1. */
static pid_t spawn_child(const char *mode, const char *db, const char *key)
{
	pid_t pid = fork();

	if (pid == 0) {
		const char *args[] = {self_path, "child", mode, db, key, NULL};
		execv(self_path, (char *const *)args);
		_exit(127);
	}
	return pid;
}

static int wait_child(pid_t pid)
{
	int status = 0;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int run_child(const char *mode, const char *db, const char *key)
{
	return wait_child(spawn_child(mode, db, key));
}

/* ---- Child modes ------------------------------------------------------------------ */

static int child_main(int argc, char **argv)
{
	struct error err = ERROR_INIT;
	struct store *s;
	int acquired = 0, rc = 2;

	if (argc < 4)
		return 2;
	s = open_db(argv[3]);
	if (!s)
		return 2;
	if (strcmp(argv[2], "migrate") == 0) {
		rc = store_migrate(s, &err) == CLARO_OK ? 0 : 2;
	} else if (strcmp(argv[2], "try") == 0 && argc > 4) {
		if (store_try_lock(s, argv[4], &acquired, &err) == CLARO_OK) {
			rc = acquired ? 0 : 1;
			if (acquired && store_unlock(s, argv[4], &err) != CLARO_OK)
				rc = 2;
		}
	} else if (strcmp(argv[2], "take-and-die") == 0 && argc > 4) {
		/* Exit without unlocking or closing: like a crash. */
		if (store_try_lock(s, argv[4], &acquired, &err) == CLARO_OK)
			_exit(acquired ? 0 : 1);
		_exit(2);
	}
	if (err.message)
		fprintf(stderr, "child %s: %s / %s\n", argv[2], err.message, err.detail ? err.detail : "");
	error_clear(&err);
	store_close(s);
	return rc;
}

/* ---- Tests: opening and errors ----------------------------------------------------- */

static void test_open_errors(void)
{
	struct store *s = NULL;
	struct error err = ERROR_INIT;
	struct store_params p;

	memset(&p, 0, sizeof(p));
	p.backend = backend;
	if (backend == STORE_SQLITE) {
		char path[600];
		FILE *f;

		snprintf(path, sizeof(path), "%s/no-such-dir/claro.db", tmpdir);
		p.sqlite_path = path;
		is_int(store_open(&s, &p, &err), CLARO_ERR_STORE, "sqlite: a missing directory is refused");
		is_error(&err, CLARO_ERR_STORE, "could not open store", "unable to open database file",
			 "missing dir");
		like(err.hint, "directory", "missing dir: the hint points at the directory");
		ok(s == NULL, "no store on failure");

		snprintf(path, sizeof(path), "%s/not-a-db.db", tmpdir);
		f = fopen(path, "w");
		if (f) {
			for (int i = 0; i < 64; i++)
				fputs("this is a text file, not a database\n", f);
			fclose(f);
		}
		is_int(store_open(&s, &p, &err), CLARO_ERR_STORE, "sqlite: a non-database file is refused");
		is_error(&err, CLARO_ERR_STORE, "could not open store", "file is not a database",
			 "not a database");
		like(err.detail, "not-a-db.db", "not a database: the detail names the file");
	} else {
		const char *kw[] = {"host", "user", "dbname", NULL};
		const char *vals[] = {"/nonexistent-claro-socket-dir", "postgres", "postgres", NULL};

		p.pg_keywords = kw;
		p.pg_values = vals;
		is_int(store_open(&s, &p, &err), CLARO_ERR_STORE, "postgres: bad conninfo is refused");
		is_error(&err, CLARO_ERR_STORE, "could not open store", "/nonexistent-claro-socket-dir",
			 "bad conninfo");
		like(err.hint, "conninfo", "bad conninfo: the hint points at [store] conninfo");
		ok(s == NULL, "no store on failure");
	}
	error_clear(&err);

	memset(&p, 0, sizeof(p));
	p.backend = (enum store_backend)42;
	is_int(store_open(&s, &p, &err), CLARO_ERR_CONFIG, "an unknown backend is a configuration error");
	error_clear(&err);
}

/* An operation on a database that was never migrated: a failing statement,
 * with the database's own text in the detail. */
static void test_unmigrated(struct store *s)
{
	struct error err = ERROR_INIT;
	int64_t id = 0;
	int version = -1, empty = -1;

	is_int(store_schema_version(s, &version, &err), CLARO_OK, "schema version of an empty database");
	is_int(version, 0, "an empty database is at version 0");
	is_int(store_scanner_register(s, "dpkg", "1", "package", &id, &err), CLARO_ERR_STORE,
	       "a statement on a missing table fails");
	is_error(&err, CLARO_ERR_STORE, "could not register scanner", "scanner", "missing table");
	if (backend == STORE_POSTGRES)
		like(err.detail, "SQLSTATE 42P01", "missing table: the detail carries the SQLSTATE");
	else
		like(err.detail, "no such table", "missing table: the detail carries SQLite's text");
	like(err.hint, "migration", "missing table: the hint says to migrate");
	is_int(store_vulnerabilities_empty(s, &empty, &err), CLARO_ERR_STORE,
	       "no vuln table: an error, not 'empty'");
	error_clear(&err);
}

/* ---- Tests: migrations ---------------------------------------------------------------- */

static const char *const expected_relations[] = {
    /* indexer (reference §8.1) */
    "layer", "manifest", "manifest_layer", "scanner", "scanned_layer", "scanned_manifest", "indexreport",
    "dist", "dist_scanartifact", "package", "package_scanartifact", "repo", "repo_scanartifact", "file",
    "file_scanartifact", "manifest_index",
    /* matcher (§8.2) */
    "update_operation", "vuln", "uo_vuln", "latest_update_operations", "enrichment", "uo_enrich",
    "updater_status", "alias_namespace", "alias", "vulnerability_alias", "vulnerability_self",
    /* notifier (§8.3) */
    "notification", "notifier_update_operation", "notification_body", "receipt"};

static long long migration_rows(const char *db)
{
	return raw_int(db, "SELECT count(*) FROM claro_migrations", "SELECT count(*) FROM claro_migrations",
		       NULL);
}

static void test_migrate(struct store *s, const char *db)
{
	struct error err = ERROR_INIT;
	int version = -1, latest = store_schema_latest(s), files = count_sql_files();
	long long applied_at;
	struct store *other;

	is_int(latest, files, "every sql/%s/NNNN_*.sql file is embedded (%d)", store_backend_name(s), files);
	ok(latest >= 3, "indexer, matcher and notifier migrations exist");
	is_int(store_migrate(s, &err), CLARO_OK, "migrate a fresh database");
	is_int(store_schema_version(s, &version, &err), CLARO_OK, "read the schema version");
	is_int(version, latest, "the schema is at the latest version");
	is_int(migration_rows(db), latest, "claro_migrations has one row per migration");
	is_int(raw_int(db, "SELECT count(*) FROM claro_migrations WHERE name LIKE '0001_%'",
		       "SELECT count(*) FROM claro_migrations WHERE name LIKE '0001_%'", NULL),
	       1, "migration 1 is recorded by name");
	for (size_t i = 0; i < sizeof(expected_relations) / sizeof(expected_relations[0]); i++) {
		is_int(raw_int(
			   db,
			   "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1",
			   "SELECT count(*) FROM pg_class WHERE relname = $1 AND relkind IN ('r', 'v', 'm')",
			   expected_relations[i]),
		       1, "relation %s exists", expected_relations[i]);
	}
	applied_at = raw_int(db, "SELECT sum(applied_at) FROM claro_migrations",
			     "SELECT sum(applied_at) FROM claro_migrations", NULL);

	is_int(store_migrate(s, &err), CLARO_OK, "migrate again: a no-op");
	is_int(migration_rows(db), latest, "no migration applied twice");
	is_int(raw_int(db, "SELECT sum(applied_at) FROM claro_migrations",
		       "SELECT sum(applied_at) FROM claro_migrations", NULL),
	       applied_at, "the recorded migrations are untouched");
	other = open_db(db);
	ok(other && store_migrate(other, &err) == CLARO_OK,
	   "another connection migrating an up-to-date database");
	store_close(other);

	/* A database from a newer claro. */
	is_int(raw_int(db, "INSERT INTO claro_migrations VALUES (9999, '9999_future', 0)",
		       "INSERT INTO claro_migrations VALUES (9999, '9999_future', 0)", NULL),
	       0, "pretend a newer claro migrated");
	is_int(store_migrate(s, &err), CLARO_ERR_UNSUPPORTED, "a newer schema is refused");
	is_error(&err, CLARO_ERR_UNSUPPORTED, "could not migrate store", "9999", "newer schema");
	raw_int(db, "DELETE FROM claro_migrations WHERE version = 9999",
		"DELETE FROM claro_migrations WHERE version = 9999", NULL);
	error_clear(&err);
}

struct migrate_thread {
	const char *db;
	enum claro_status rc;
	char *message;
};

static void *migrate_in_thread(void *arg)
{
	struct migrate_thread *t = arg;
	struct error err = ERROR_INIT;
	struct store *s = open_db(t->db);

	t->rc = s ? store_migrate(s, &err) : CLARO_ERR_STORE;
	if (err.message)
		t->message = strdup(err.message);
	error_clear(&err);
	store_close(s);
	return NULL;
}

static void test_concurrent_migrate(void)
{
	struct migrate_thread t[4];
	pthread_t tid[4];
	pid_t pids[3];
	int latest;
	struct store *s;

	ok(fresh_db(&db_threads) == 0, "a fresh database for threads");
	for (int i = 0; i < 4; i++) {
		t[i] = (struct migrate_thread){db_threads.name, CLARO_ERR_INTERNAL, NULL};
		pthread_create(&tid[i], NULL, migrate_in_thread, &t[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		is_int(t[i].rc, CLARO_OK, "thread %d migrated concurrently%s%s", i, t[i].message ? ": " : "",
		       t[i].message ? t[i].message : "");
		free(t[i].message);
	}
	s = open_db(db_threads.name);
	latest = s ? store_schema_latest(s) : -1;
	store_close(s);
	is_int(migration_rows(db_threads.name), latest, "concurrent threads applied each migration once");

	ok(fresh_db(&db_procs) == 0, "a fresh database for processes");
	for (int i = 0; i < 3; i++)
		pids[i] = spawn_child("migrate", db_procs.name, NULL);
	for (int i = 0; i < 3; i++)
		is_int(wait_child(pids[i]), 0, "process %d migrated concurrently", i);
	is_int(migration_rows(db_procs.name), latest, "concurrent processes applied each migration once");
	drop_db(&db_threads);
	drop_db(&db_procs);
}

/* ---- Tests: operations ------------------------------------------------------------------ */

static void test_scanners(struct store *s)
{
	struct error err = ERROR_INIT;
	int64_t a = 0, b = 0, c = 0, d = 0;

	is_int(store_scanner_register(s, "dpkg", "4", "package", &a, &err), CLARO_OK, "register a scanner");
	is_int(store_scanner_register(s, "dpkg", "4", "package", &b, &err), CLARO_OK, "register it again");
	ok(a > 0 && a == b, "the same scanner keeps its id");
	is_int(store_scanner_register(s, "dpkg", "5", "package", &c, &err), CLARO_OK, "a new version");
	ok(c > 0 && c != a, "a new version is a new scanner");
	is_int(store_scanner_register(s, "dpkg", "4", "distribution", &d, &err), CLARO_OK, "another kind");
	ok(d > 0 && d != a && d != c, "another kind is a new scanner");
	error_clear(&err);
}

static void test_manifests(struct store *s)
{
	struct error err = ERROR_INIT;
	struct store_strings layers = STORE_STRINGS_INIT;
	const char *digests[] = {"sha256:la", "sha256:lb", "sha256:la"};
	int64_t id1 = 0, id2 = 0;

	is_int(store_manifest_put(s, "sha256:m1", digests, 3, &id1, &err), CLARO_OK, "store a manifest");
	is_int(store_manifest_put(s, "sha256:m1", digests, 3, &id2, &err), CLARO_OK, "store it again");
	ok(id1 > 0 && id1 == id2, "storing is idempotent");
	is_int(store_manifest_layers(s, "sha256:m1", &layers, &err), CLARO_OK, "list its layers");
	is_int(layers.n, 3, "three layers, a repeated digest included");
	if (layers.n == 3) {
		is_str(layers.v[0], "sha256:la", "layer 0");
		is_str(layers.v[1], "sha256:lb", "layer 1");
		is_str(layers.v[2], "sha256:la", "layer 2 repeats layer 0");
	}
	store_strings_free(&layers);
	is_int(store_manifest_put(s, "sha256:empty", NULL, 0, NULL, &err), CLARO_OK,
	       "a manifest without layers");
	is_int(store_manifest_layers(s, "sha256:empty", &layers, &err), CLARO_OK, "list no layers");
	is_int(layers.n, 0, "no layers");
	is_int(store_manifest_layers(s, "sha256:nope", &layers, &err), CLARO_ERR_NOT_FOUND,
	       "unknown manifest");
	is_int(err.status, CLARO_ERR_NOT_FOUND, "unknown manifest: status set");
	like(err.detail, "sha256:nope", "unknown manifest: the detail names it");
	is_int(store_manifest_put(s, "", digests, 3, NULL, &err), CLARO_ERR_INVALID,
	       "an empty digest is invalid");
	error_clear(&err);
}

static void test_scanned(struct store *s)
{
	struct error err = ERROR_INIT;
	int64_t s1 = 0, s2 = 0, both[2];
	int scanned = -1, all = -1;
	const char *layers[] = {"sha256:sl1"};

	store_scanner_register(s, "apk", "1", "package", &s1, &err);
	store_scanner_register(s, "os-release", "2", "distribution", &s2, &err);
	both[0] = s1;
	both[1] = s2;
	store_manifest_put(s, "sha256:sm", layers, 1, NULL, &err);

	is_int(store_layer_scanned(s, "sha256:sl1", s1, &scanned, &err), CLARO_OK, "check a layer");
	is_int(scanned, 0, "not scanned yet");
	is_int(store_layer_scanned_mark(s, "sha256:sl1", s1, &err), CLARO_OK, "mark it scanned");
	is_int(store_layer_scanned_mark(s, "sha256:sl1", s1, &err), CLARO_OK, "marking twice is fine");
	store_layer_scanned(s, "sha256:sl1", s1, &scanned, &err);
	is_int(scanned, 1, "scanned by that scanner");
	store_layer_scanned(s, "sha256:sl1", s2, &scanned, &err);
	is_int(scanned, 0, "not by another scanner");
	store_layer_scanned(s, "sha256:unknown", s1, &scanned, &err);
	is_int(scanned, 0, "an unknown layer is not scanned");
	is_int(store_layer_scanned_mark(s, "sha256:unknown", s1, &err), CLARO_ERR_NOT_FOUND,
	       "marking an unknown layer: not found");
	like(err.detail, "sha256:unknown", "the detail names the layer");

	is_int(store_manifest_scanned(s, "sha256:sm", both, 2, &all, &err), CLARO_OK, "check a manifest");
	is_int(all, 0, "no scanner marked");
	is_int(store_manifest_scanned_mark(s, "sha256:sm", both, 1, &err), CLARO_OK, "mark one scanner");
	store_manifest_scanned(s, "sha256:sm", both, 2, &all, &err);
	is_int(all, 0, "one of two is not all");
	is_int(store_manifest_scanned_mark(s, "sha256:sm", both, 2, &err), CLARO_OK, "mark both");
	store_manifest_scanned(s, "sha256:sm", both, 2, &all, &err);
	is_int(all, 1, "all scanners marked");
	store_manifest_scanned(s, "sha256:nope", both, 2, &all, &err);
	is_int(all, 0, "an unknown manifest is not scanned");
	is_int(store_manifest_scanned_mark(s, "sha256:nope", both, 2, &err), CLARO_ERR_NOT_FOUND,
	       "marking an unknown manifest: not found");
	error_clear(&err);
}

static void test_index_reports(struct store *s)
{
	struct error err = ERROR_INIT;
	const char *v1 =
	    "{\"manifest_hash\":\"sha256:r1\",\"state\":\"IndexFinished\",\"success\":true,"
	    "\"packages\":{\"1\":{\"name\":\"bash\",\"version\":\"5.2\"}},\"note\":\"caf\xc3\xa9\"}";
	const char *v2 =
	    "{\"manifest_hash\":\"sha256:r1\",\"state\":\"IndexError\",\"success\":false,\"err\":\"x\"}";
	char *json = NULL;

	is_int(store_index_report_get(s, "sha256:r1", &json, &err), CLARO_ERR_NOT_FOUND, "no report yet");
	like(err.detail, "sha256:r1", "not found: the detail names the manifest");
	ok(json == NULL, "nothing returned");
	is_int(store_index_report_put(s, "sha256:r1", v1, &err), CLARO_OK,
	       "store a report (manifest created)");
	is_int(store_index_report_get(s, "sha256:r1", &json, &err), CLARO_OK, "load it");
	ok(json && json_same(json, v1), "the same JSON comes back (UTF-8 included)");
	free(json);
	json = NULL;
	is_int(store_index_report_put(s, "sha256:r1", v2, &err), CLARO_OK, "replace it");
	store_index_report_get(s, "sha256:r1", &json, &err);
	ok(json && json_same(json, v2), "the new report comes back");
	free(json);
	json = NULL;
	is_int(store_index_report_put(s, "sha256:r1", "{\"broken\": ", &err), CLARO_ERR_INVALID,
	       "malformed JSON is refused");
	is_str(err.message, "could not store index report", "malformed JSON: message");
	ok(err.detail && (strstr(err.detail, "json") || strstr(err.detail, "JSON")),
	   "malformed JSON: the detail says why");
	store_index_report_get(s, "sha256:r1", &json, &err);
	ok(json && json_same(json, v2), "the stored report survived the bad write");
	free(json);
	json = NULL;
	is_int(store_index_report_delete(s, "sha256:r1", &err), CLARO_OK, "delete the report");
	is_int(store_index_report_get(s, "sha256:r1", &json, &err), CLARO_ERR_NOT_FOUND, "gone");
	is_int(store_index_report_delete(s, "sha256:r1", &err), CLARO_ERR_NOT_FOUND,
	       "deleting again: not found");
	{
		struct store_strings layers = STORE_STRINGS_INIT;
		is_int(store_manifest_layers(s, "sha256:r1", &layers, &err), CLARO_OK, "the manifest stays");
		store_strings_free(&layers);
	}
	error_clear(&err);
}

static int has(const struct store_strings *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], s) == 0)
			return 1;
	}
	return 0;
}

static void test_delete_manifests(struct store *s, struct store *other)
{
	struct error err = ERROR_INIT;
	struct store_strings deleted = STORE_STRINGS_INIT, gone = STORE_STRINGS_INIT,
			     layers = STORE_STRINGS_INIT;
	const char *m1[] = {"sha256:d-l1", "sha256:d-l2"}, *m2[] = {"sha256:d-l2", "sha256:d-l3"},
		   *m3[] = {"sha256:d-l4"};
	const char *request[] = {"sha256:d-m1", "sha256:d-missing", "sha256:d-m3", "sha256:d-m1"};
	const char *request2[] = {"sha256:d-m2"};
	int64_t scanner = 0;
	int scanned = -1, got = 0;
	char *json = NULL;

	store_manifest_put(s, "sha256:d-m1", m1, 2, NULL, &err);
	store_manifest_put(s, "sha256:d-m2", m2, 2, NULL, &err);
	store_manifest_put(s, "sha256:d-m3", m3, 1, NULL, &err);
	store_index_report_put(s, "sha256:d-m1", "{\"a\":1}", &err);
	store_scanner_register(s, "rpm", "1", "package", &scanner, &err);
	store_layer_scanned_mark(s, "sha256:d-l1", scanner, &err);
	store_layer_scanned_mark(s, "sha256:d-l2", scanner, &err);

	is_int(store_manifests_delete(s, request, 4, &deleted, &gone, &err), CLARO_OK, "bulk delete");
	is_int(deleted.n, 2, "two manifests deleted (a missing one and a repeat are not)");
	ok(deleted.n == 2 && strcmp(deleted.v[0], "sha256:d-m1") == 0 &&
	       strcmp(deleted.v[1], "sha256:d-m3") == 0,
	   "the deleted ones, in request order");
	is_int(gone.n, 2, "two layers removed");
	ok(has(&gone, "sha256:d-l1") && has(&gone, "sha256:d-l4"), "the layers no other manifest uses");
	ok(!has(&gone, "sha256:d-l2"), "a layer shared with a kept manifest stays");
	store_strings_free(&deleted);
	store_strings_free(&gone);

	is_int(store_manifest_layers(s, "sha256:d-m1", &layers, &err), CLARO_ERR_NOT_FOUND, "m1 is gone");
	is_int(store_index_report_get(s, "sha256:d-m1", &json, &err), CLARO_ERR_NOT_FOUND,
	       "its report went with it");
	store_layer_scanned(s, "sha256:d-l1", scanner, &scanned, &err);
	is_int(scanned, 0, "the removed layer's scan marks went with it");
	store_layer_scanned(s, "sha256:d-l2", scanner, &scanned, &err);
	is_int(scanned, 1, "the shared layer keeps its scan marks");
	is_int(store_manifest_layers(s, "sha256:d-m2", &layers, &err), CLARO_OK, "m2 is still there");
	ok(layers.n == 2 && strcmp(layers.v[0], "sha256:d-l2") == 0 &&
	       strcmp(layers.v[1], "sha256:d-l3") == 0,
	   "with both its layers");
	store_strings_free(&layers);

	/* A manifest being indexed (locked elsewhere) is skipped. */
	ok(store_try_lock(other, "sha256:d-m2", &got, &err) == CLARO_OK && got,
	   "another connection locks m2");
	is_int(store_manifests_delete(s, request2, 1, &deleted, &gone, &err), CLARO_OK,
	       "delete a locked manifest");
	is_int(deleted.n, 0, "a locked manifest is skipped");
	store_strings_free(&deleted);
	store_strings_free(&gone);
	store_unlock(other, "sha256:d-m2", &err);
	is_int(store_manifests_delete(s, request2, 1, &deleted, &gone, &err), CLARO_OK, "delete it unlocked");
	is_int(deleted.n, 1, "now it is deleted");
	is_int(gone.n, 2, "with its now unused layers");
	ok(has(&gone, "sha256:d-l2") && has(&gone, "sha256:d-l3"),
	   "the last user of the shared layer freed it");
	store_strings_free(&deleted);
	store_strings_free(&gone);
	is_int(store_manifests_delete(s, request2, 1, NULL, NULL, &err), CLARO_OK,
	       "result lists are optional");
	error_clear(&err);
}

static void test_updater_status(struct store *s)
{
	struct error err = ERROR_INIT;
	struct store_updater_status st = STORE_UPDATER_STATUS_INIT;

	is_int(store_updater_status_get(s, "debian/bookworm", &st, &err), CLARO_ERR_NOT_FOUND, "never ran");
	is_int(store_updater_status_record(s, "debian/bookworm", 1000, "etag-1", NULL, &err), CLARO_OK,
	       "record a success");
	is_int(store_updater_status_get(s, "debian/bookworm", &st, &err), CLARO_OK, "load it");
	is_int(st.last_attempt, 1000, "last attempt");
	is_int(st.last_success, 1000, "last success");
	is_int(st.last_run_succeeded, 1, "succeeded");
	is_str(st.last_attempt_fingerprint, "etag-1", "fingerprint");
	ok(st.last_error == NULL, "no error");
	store_updater_status_free(&st);

	is_int(store_updater_status_record(s, "debian/bookworm", 2000, "etag-2", "feed returned 503", &err),
	       CLARO_OK, "record a failure");
	store_updater_status_get(s, "debian/bookworm", &st, &err);
	is_int(st.last_attempt, 2000, "failure: last attempt moves");
	is_int(st.last_success, 1000, "failure: last success stays");
	is_int(st.last_run_succeeded, 0, "failure: not succeeded");
	is_str(st.last_attempt_fingerprint, "etag-2", "failure: fingerprint");
	is_str(st.last_error, "feed returned 503", "failure: the error");
	store_updater_status_free(&st);

	store_updater_status_record(s, "debian/bookworm", 3000, NULL, NULL, &err);
	store_updater_status_get(s, "debian/bookworm", &st, &err);
	is_int(st.last_success, 3000, "success again");
	ok(st.last_error == NULL && st.last_attempt_fingerprint == NULL, "error and fingerprint cleared");
	store_updater_status_free(&st);

	store_updater_status_record(s, "alpine", 500, "x", "boom", &err);
	store_updater_status_get(s, "alpine", &st, &err);
	is_int(st.last_success, 0, "an updater that never succeeded has no success time");
	store_updater_status_free(&st);
	error_clear(&err);
}

/* Blobs through the internal statement API, and the premise of the schema:
 * normalised versions compare as bytes in both databases. */
static void test_vulns_and_blobs(struct store *s)
{
	static const struct store_sql insert =
	    STORE_SQL("INSERT INTO vuln (hash_kind, hash, name, version_kind, range_lower, range_upper) "
		      "VALUES ('test', $1, $2, 'semver', $3, $4)");
	static const struct store_sql in_range =
	    STORE_SQL("SELECT name, hash FROM vuln WHERE version_kind = 'semver' AND "
		      "$1 >= range_lower AND $1 < range_upper ORDER BY name");
	/* sign-flipped big-endian: 0x80000001 = +1; 0x7fffffff = -1 */
	static const unsigned char lo[] = {0x80, 0, 0, 1}, hi[] = {0x80, 0, 0, 5}, hi2[] = {0xff, 0, 0, 0},
				   mid[] = {0x80, 0, 0, 3}, neg[] = {0x7f, 0xff, 0xff, 0xff},
				   big[] = {0x90, 0, 0, 0}, h1[] = {0x00, 0xff, 0x10, 0x00, 0x80},
				   h2[] = {0x01};
	struct error err = ERROR_INIT;
	struct store_rows *rows = NULL;
	int empty = -1, has_row = 0, n = 0;

	is_int(store_vulnerabilities_empty(s, &empty, &err), CLARO_OK, "check for vulnerabilities");
	is_int(empty, 1, "a new database has none");
	{
		struct store_param p[] = {SP_BLOB(h1, sizeof(h1)), SP_TEXT("CVE-A"), SP_BLOB(lo, 4),
					  SP_BLOB(hi, 4)};
		is_int(store_query(s, "insert vulnerability", &insert, p, 4, NULL, &err), CLARO_OK,
		       "insert vuln A");
	}
	{
		struct store_param p[] = {SP_BLOB(h2, sizeof(h2)), SP_TEXT("CVE-B"), SP_BLOB(hi, 4),
					  SP_BLOB(hi2, 4)};
		is_int(store_query(s, "insert vulnerability", &insert, p, 4, NULL, &err), CLARO_OK,
		       "insert vuln B");
	}
	is_int(store_vulnerabilities_empty(s, &empty, &err), CLARO_OK, "check again");
	is_int(empty, 0, "not empty any more");
	{
		struct store_param p[] = {SP_BLOB(mid, 4)};
		if (ok(store_query(s, "match", &in_range, p, 1, &rows, &err) == CLARO_OK, "range query")) {
			while (store_rows_next(rows, &has_row, &err) == CLARO_OK && has_row) {
				size_t len = 0;
				const void *b = store_rows_blob(rows, 1, &len);
				n++;
				is_str(store_rows_text(rows, 0), "CVE-A", "+3 is in [+1, +5)");
				ok(len == sizeof(h1) && memcmp(b, h1, len) == 0,
				   "a blob with 0x00 and 0xff bytes round-trips");
			}
			store_rows_free(rows);
		}
		is_int(n, 1, "exactly one match for +3");
	}
	{
		struct store_param p[] = {SP_BLOB(neg, 4)};
		n = 0;
		store_query(s, "match", &in_range, p, 1, &rows, &err);
		while (rows && store_rows_next(rows, &has_row, &err) == CLARO_OK && has_row)
			n++;
		store_rows_free(rows);
		is_int(n, 0, "-1 sorts below +1 as bytes: no match");
	}
	{
		struct store_param p[] = {SP_BLOB(big, 4)};
		char *name = NULL;
		int found = 0;
		store_query_text(s, "match", &in_range, p, 1, &name, &found, &err);
		ok(found && name && strcmp(name, "CVE-B") == 0,
		   "the upper bound is exclusive, the lower inclusive");
		free(name);
	}
	{
		struct store_param p[] = {SP_BLOB(h1, sizeof(h1)), SP_TEXT("CVE-A again"), SP_BLOB(lo, 4),
					  SP_BLOB(hi, 4)};
		is_int(store_query(s, "insert vulnerability", &insert, p, 4, NULL, &err), CLARO_ERR_CONFLICT,
		       "a duplicate content hash is a conflict");
	}
	error_clear(&err);
}

/* ---- Tests: transactions ---------------------------------------------------------------- */

static int manifest_exists(struct store *s, const char *digest)
{
	struct error err = ERROR_INIT;
	struct store_strings l = STORE_STRINGS_INIT;
	int rc = store_manifest_layers(s, digest, &l, &err) == CLARO_OK;

	store_strings_free(&l);
	error_clear(&err);
	return rc;
}

static void test_transactions(struct store *s, struct store *other)
{
	struct error err = ERROR_INIT;

	is_int(store_tx_depth(s), 0, "no transaction to begin with");
	is_int(store_commit(s, &err), CLARO_ERR_INVALID, "commit without begin is a misuse");
	is_int(store_rollback(s, &err), CLARO_ERR_INVALID, "rollback without begin is a misuse");

	is_int(store_begin(s, &err), CLARO_OK, "begin");
	store_manifest_put(s, "sha256:tx-rolled-back", NULL, 0, NULL, &err);
	ok(manifest_exists(s, "sha256:tx-rolled-back"), "visible inside the transaction");
	ok(!manifest_exists(other, "sha256:tx-rolled-back"), "invisible to another connection");
	is_int(store_rollback(s, &err), CLARO_OK, "rollback");
	ok(!manifest_exists(s, "sha256:tx-rolled-back"), "rolled back");

	store_begin(s, &err);
	store_manifest_put(s, "sha256:tx-committed", NULL, 0, NULL, &err);
	is_int(store_commit(s, &err), CLARO_OK, "commit");
	ok(manifest_exists(other, "sha256:tx-committed"), "committed work is visible to others");

	/* Nesting: an inner rollback undoes only the inner part. */
	store_begin(s, &err);
	store_manifest_put(s, "sha256:tx-outer", NULL, 0, NULL, &err);
	is_int(store_begin(s, &err), CLARO_OK, "nested begin");
	is_int(store_tx_depth(s), 2, "depth 2");
	store_manifest_put(s, "sha256:tx-inner", NULL, 0, NULL, &err);
	is_int(store_rollback(s, &err), CLARO_OK, "inner rollback");
	/* A failing operation inside the transaction undoes itself only. */
	is_int(store_index_report_put(s, "sha256:tx-outer", "not json", &err), CLARO_ERR_INVALID,
	       "a failing operation inside a transaction");
	is_int(store_tx_depth(s), 1, "the caller's transaction is still open");
	is_int(store_manifest_put(s, "sha256:tx-after-error", NULL, 0, NULL, &err), CLARO_OK,
	       "and usable after the failure");
	is_int(store_commit(s, &err), CLARO_OK, "outer commit");
	ok(manifest_exists(other, "sha256:tx-outer"), "outer work committed");
	ok(!manifest_exists(other, "sha256:tx-inner"), "inner rolled-back work is not");
	ok(manifest_exists(other, "sha256:tx-after-error"), "work after the failed operation committed");
	error_clear(&err);
}

/* ---- Tests: locks ---------------------------------------------------------------------- */

static void test_locks(struct store *a, struct store *b, const char *db)
{
	struct error err = ERROR_INIT;
	int got = -1;
	struct timespec t0, t1;
	long elapsed;
	struct store *c;

	ok(store_lock_key("sha256:x") == store_lock_key("sha256:x"), "lock keys are stable");
	/* FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c: a negative bigint. */
	ok(store_lock_key("a") == (int64_t)-5808556873153909620LL, "FNV-1a 64 as a signed key, like Clair's");

	is_int(store_try_lock(a, "k1", &got, &err), CLARO_OK, "a takes k1");
	is_int(got, 1, "a holds k1");
	store_try_lock(b, "k1", &got, &err);
	is_int(got, 0, "b cannot take k1");
	store_try_lock(a, "k1", &got, &err);
	is_int(got, 1, "a takes k1 again (re-entrant)");
	is_int(store_unlock(a, "k1", &err), CLARO_OK, "a releases once");
	store_try_lock(b, "k1", &got, &err);
	is_int(got, 0, "b still cannot: a took it twice");
	is_int(store_unlock(b, "k1", &err), CLARO_ERR_INVALID, "b cannot release what it does not hold");
	is_str(err.message, "could not release lock \"k1\"", "unlock misuse: message");
	store_unlock(a, "k1", &err);
	store_try_lock(b, "k1", &got, &err);
	is_int(got, 1, "b takes k1 once a released it");
	store_try_lock(a, "k2", &got, &err);
	is_int(got, 1, "other keys are independent");
	store_unlock(a, "k2", &err);
	store_unlock(b, "k1", &err);
	is_int(store_try_lock(a, "", &got, &err), CLARO_ERR_INVALID, "an empty key is refused");

	/* Locks are not part of transactions. */
	store_begin(a, &err);
	store_try_lock(a, "k-tx", &got, &err);
	store_rollback(a, &err);
	store_try_lock(b, "k-tx", &got, &err);
	is_int(got, 0, "a rollback does not release a lock");
	store_unlock(a, "k-tx", &err);

	/* Closing releases. */
	c = open_db(db);
	store_try_lock(c, "k-close", &got, &err);
	is_int(got, 1, "c takes a lock");
	store_close(c);
	/* PostgreSQL ends the backend (and drops its locks) after the client
	 * hangs up, so allow it a moment rather than racing it. */
	is_int(store_lock(a, "k-close", 5000, &err), CLARO_OK, "closing c released it");
	store_unlock(a, "k-close", &err);

	/* Waiting. */
	store_try_lock(a, "k-wait", &got, &err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	is_int(store_lock(b, "k-wait", 300, &err), CLARO_ERR_TIMEOUT,
	       "store_lock gives up after its timeout");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	elapsed = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ok(elapsed >= 290 && elapsed < 3000, "it waited about 300 ms (%ld)", elapsed);
	is_str(err.message, "could not take lock \"k-wait\"", "timeout: message");
	store_unlock(a, "k-wait", &err);
	is_int(store_lock(b, "k-wait", 300, &err), CLARO_OK, "store_lock takes a free lock");
	store_unlock(b, "k-wait", &err);

	/* Other processes. */
	store_try_lock(a, "k-proc", &got, &err);
	is_int(run_child("try", db, "k-proc"), 1, "another process cannot take a held lock");
	store_unlock(a, "k-proc", &err);
	is_int(run_child("try", db, "k-proc"), 0, "another process takes it once released");
	is_int(run_child("take-and-die", db, "k-dead"), 0, "a process takes a lock and dies holding it");
	got = 0;
	for (int i = 0; i < 50 && !got; i++) { /* the server may need a moment to notice */
		store_try_lock(a, "k-dead", &got, &err);
		if (!got)
			usleep(100000);
	}
	is_int(got, 1, "a dead process's lock is released");
	store_unlock(a, "k-dead", &err);
	error_clear(&err);
}

/* ---- Tests: backend specifics ------------------------------------------------------------ */

/* PostgreSQL: the server drops the connection; the store reconnects when
 * nothing lived in the session and refuses to when locks did. */
static void test_pg_connection_loss(const char *db)
{
	static const struct store_sql sql_pid = STORE_SQL("SELECT pg_backend_pid()");
	struct error err = ERROR_INIT;
	struct store *s = open_migrated(db);
	int64_t pid = 0, id = 0;
	char pidtext[32];
	int got = 0;

	if (!ok(s != NULL, "a connection to lose"))
		return;
	store_query_int(s, "get backend pid", &sql_pid, NULL, 0, &pid, NULL, &err);
	store_scanner_register(s, "loss", "1", "package", &id, &err); /* prepares statements */
	snprintf(pidtext, sizeof(pidtext), "%lld", (long long)pid);
	is_int(raw_int(db, NULL, "SELECT count(*) FROM (SELECT pg_terminate_backend($1::int)) t", pidtext), 1,
	       "the server terminates the connection");
	usleep(100000);
	is_int(store_ping(s, &err), CLARO_ERR_STORE, "the statement in flight fails");
	is_error(&err, CLARO_ERR_STORE, "could not reach the database", "PostgreSQL reported",
		 "lost connection");
	like(err.hint, "server is running", "lost connection: the hint says to check the server");
	is_int(store_ping(s, &err), CLARO_OK, "the next statement reconnects");
	is_int(store_scanner_register(s, "loss", "1", "package", &id, &err), CLARO_OK,
	       "statements prepared before the loss work again");

	store_try_lock(s, "k-lost", &got, &err);
	store_query_int(s, "get backend pid", &sql_pid, NULL, 0, &pid, NULL, &err);
	snprintf(pidtext, sizeof(pidtext), "%lld", (long long)pid);
	raw_int(db, NULL, "SELECT count(*) FROM (SELECT pg_terminate_backend($1::int)) t", pidtext);
	usleep(100000);
	store_ping(s, &err);
	is_int(store_ping(s, &err), CLARO_ERR_STORE, "no silent reconnect while holding locks");
	is_error(&err, CLARO_ERR_STORE, "could not reach the database", "advisory locks", "locks lost");
	store_close(s);
	error_clear(&err);
}

/* SQLite: an in-memory database works too (locks are process-local). */
static void test_sqlite_memory(void)
{
	struct store_params p;
	struct store *s = NULL, *t = NULL;
	struct error err = ERROR_INIT;
	int version = 0, got = 0;

	memset(&p, 0, sizeof(p));
	p.backend = STORE_SQLITE;
	p.sqlite_path = ":memory:";
	is_int(store_open(&s, &p, &err), CLARO_OK, "open :memory:");
	is_int(store_open(&t, &p, &err), CLARO_OK, "open another :memory:");
	if (s && t) {
		is_int(store_migrate(s, &err), CLARO_OK, "migrate it");
		store_schema_version(s, &version, &err);
		is_int(version, store_schema_latest(s), "at the latest version");
		store_try_lock(s, "mem", &got, &err);
		is_int(got, 1, "lock in memory");
		store_try_lock(t, "mem", &got, &err);
		is_int(got, 0, "excluded within the process");
	}
	store_close(s);
	store_close(t);
	error_clear(&err);
}

/* ---- main -------------------------------------------------------------------------------- */

static int setup(void)
{
	const char *which = getenv("CLARO_TEST_STORE");

	if (which && strcmp(which, "postgres") == 0) {
		backend = STORE_POSTGRES;
		if (!getenv("CLARO_TEST_PG_HOST") || !*getenv("CLARO_TEST_PG_HOST"))
			skip_all("CLARO_TEST_STORE=postgres needs CLARO_TEST_PG_HOST");
	} else if (which && *which && strcmp(which, "sqlite") != 0) {
		fprintf(stderr, "CLARO_TEST_STORE must be sqlite or postgres\n");
		return -1;
	}
	if (getenv("CLARO_TEST_TMPDIR")) {
		snprintf(tmpdir, sizeof(tmpdir), "%s", getenv("CLARO_TEST_TMPDIR"));
		return 0;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/claro-store.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	/* children use the same directory */
	setenv("CLARO_TEST_TMPDIR", tmpdir, 1);
	return 0;
}

static void cleanup(void)
{
	const char *const names[] = {db_main.name, db_fresh.name, db_threads.name, db_procs.name, "not-a-db"};
	static const char *const suffixes[] = {".db", ".db-wal", ".db-shm", ".db-lock"};
	char path[700];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (size_t j = 0; j < sizeof(suffixes) / sizeof(suffixes[0]); j++) {
			snprintf(path, sizeof(path), "%s/%s%s", tmpdir, names[i], suffixes[j]);
			unlink(path);
		}
	}
	rmdir(tmpdir);
}

int main(int argc, char **argv)
{
	struct store *s, *other;

	self_path = strchr(argv[0], '/') ? argv[0] : "/proc/self/exe";
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		if (setup() != 0)
			return 2;
		return child_main(argc, argv);
	}
	if (setup() != 0) {
		printf("Bail out! could not set up a temporary directory\n");
		return 1;
	}
	plan_no_plan();
	diag("backend: %s", backend == STORE_SQLITE ? "sqlite" : "postgres");

	test_open_errors();

	if (!ok(fresh_db(&db_fresh) == 0, "a fresh database") ||
	    !ok((s = open_db(db_fresh.name)) != NULL, "open it")) {
		cleanup();
		return done_testing();
	}
	is_str(store_backend_name(s), backend == STORE_SQLITE ? "sqlite" : "postgres", "backend name");
	{
		struct error err = ERROR_INIT;
		is_int(store_ping(s, &err), CLARO_OK, "ping");
		error_clear(&err);
	}
	test_unmigrated(s);
	test_migrate(s, db_fresh.name);
	store_close(s);
	drop_db(&db_fresh);

	test_concurrent_migrate();

	fresh_db(&db_main);
	s = open_migrated(db_main.name);
	other = open_migrated(db_main.name);
	if (ok(s && other, "two connections to a migrated database")) {
		test_scanners(s);
		test_manifests(s);
		test_scanned(s);
		test_index_reports(s);
		test_delete_manifests(s, other);
		test_updater_status(s);
		test_vulns_and_blobs(s);
		test_transactions(s, other);
		test_locks(s, other, db_main.name);
		if (backend == STORE_POSTGRES)
			test_pg_connection_loss(db_main.name);
		else
			test_sqlite_memory();
	}
	store_close(s);
	store_close(other);
	drop_db(&db_main);
	cleanup();
	return done_testing();
}
