/* The SQLite backend of the store: one sqlite3 connection in WAL mode, with
 * prepared statements cached per connection.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store_impl.h"
#include "store_sqlite_lock.h"
#include "strutil.h"

#define STMT_CACHE_SLOTS 128

struct stmt_slot {
	const struct store_sql *key;
	sqlite3_stmt *stmt;
	int ordered; /* parameter $k has index k for every k */
};

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	struct sqlite_lockspace *locks; /* attached on first use */
	struct stmt_slot cache[STMT_CACHE_SLOTS];
};

struct sqlite_rows {
	struct store_rows base;
	struct sqlite_store *st;
	sqlite3_stmt *stmt;
	const char *what;
	int owned;   /* finalize on free: not in the cache */
	int pending; /* the first row, stepped by query, not yet returned */
	int done;
};

static struct sqlite_store *sqlite_of(struct store *s)
{
	return (struct sqlite_store *)s;
}

/* ---- Errors ---------------------------------------------------------------- */

static enum claro_status status_for(int code)
{
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return CLARO_ERR_BUSY;
	case SQLITE_NOMEM: return CLARO_ERR_NOMEM;
	case SQLITE_CONSTRAINT:
		if (code == SQLITE_CONSTRAINT_CHECK || code == SQLITE_CONSTRAINT_NOTNULL)
			return CLARO_ERR_INVALID;
		return CLARO_ERR_CONFLICT;
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG: return CLARO_ERR_INVALID;
	default: return CLARO_ERR_STORE;
	}
}

static const char *hint_for(int code, const char *msg)
{
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return "Another connection kept the database locked past the busy timeout; retry, and look "
		       "for a "
		       "long-running writer.";
	case SQLITE_FULL: return "The disk holding the SQLite database is full; free space and retry.";
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return "The SQLite database or its directory is not writable by this process; check the "
		       "permissions of [store] path.";
	case SQLITE_CANTOPEN:
		return "Check that the directory of [store] path exists and is writable by this process.";
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return "The file at [store] path is not an intact SQLite database; point path at a new file "
		       "or "
		       "restore the database from a backup.";
	case SQLITE_IOERR:
		return "The file system under the SQLite database failed; check the disk and the system log.";
	default: break;
	}
	if (msg && (strncmp(msg, "no such table", 13) == 0 || strncmp(msg, "no such column", 14) == 0))
		return store_hint_for_missing_relation();
	return NULL;
}

/* "could not <what>" + SQLite's own message + a hint that fits the code. */
static enum claro_status fail(sqlite3 *db, int code, const char *what, struct error *err)
{
	const char *msg = db ? sqlite3_errmsg(db) : NULL;
	const char *hint;
	enum claro_status rc = status_for(code);

	if (!msg)
		msg = sqlite3_errstr(code);
	hint = hint_for(code, msg);
	error_set(err, rc, "could not %s", what);
	error_detail(err, "SQLite reported: %s.", msg);
	if (hint)
		error_hint(err, "%s", hint);
	return rc;
}

/* ---- Statement cache ---------------------------------------------------------- */

static size_t slot_of(const struct store_sql *key)
{
	uintptr_t h = (uintptr_t)key;

	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 7) % STMT_CACHE_SLOTS;
}

static struct stmt_slot *cache_find(struct sqlite_store *st, const struct store_sql *key, int for_insert)
{
	size_t start = slot_of(key);

	for (size_t i = 0; i < STMT_CACHE_SLOTS; i++) {
		struct stmt_slot *slot = &st->cache[(start + i) % STMT_CACHE_SLOTS];
		if (slot->key == key)
			return slot;
		if (!slot->key)
			return for_insert ? slot : NULL;
	}
	return NULL;
}

/* Whether SQLite numbered the statement's parameters $1..$n as 1..n (they
 * appear in order, the usual case): then binding needs no lookup by name,
 * which walks every parameter name and, for a 31-column insert run per row,
 * cost more than the insert itself. Worked out once per prepared statement. */
static int params_ordered(sqlite3_stmt *stmt)
{
	int n = sqlite3_bind_parameter_count(stmt);

	for (int k = 1; k <= n; k++) {
		const char *name = sqlite3_bind_parameter_name(stmt, k);
		int64_t v = 0;

		if (!name || name[0] != '$' || parse_int64(name + 1, &v) != CLARO_OK || v != k)
			return 0;
	}
	return 1;
}

/* A statement ready to bind: from the cache if idle there, else prepared
 * (and cached when the statement allows it and a slot is free). */
static enum claro_status get_stmt(struct sqlite_store *st, const char *what, const struct store_sql *sql,
				  sqlite3_stmt **out, int *owned, int *ordered, struct error *err)
{
	struct stmt_slot *slot = NULL;
	int code;
	int cacheable = !(sql->flags & STORE_SQL_NOCACHE);

	if (cacheable) {
		slot = cache_find(st, sql, 0);
		if (slot && !sqlite3_stmt_busy(slot->stmt)) {
			*out = slot->stmt;
			*owned = 0;
			*ordered = slot->ordered;
			return CLARO_OK;
		}
		/* busy: an earlier result of the same statement is still being read */
		slot = slot ? NULL : cache_find(st, sql, 1);
	}
	code = sqlite3_prepare_v3(st->db, sql->sqlite, -1, slot ? SQLITE_PREPARE_PERSISTENT : 0, out, NULL);
	if (code != SQLITE_OK)
		return fail(st->db, code, what, err);
	if (!*out) /* empty statement text */
		return error_set(err, CLARO_ERR_INTERNAL, "could not %s: empty statement", what);
	*ordered = params_ordered(*out);
	if (slot) {
		slot->key = sql;
		slot->stmt = *out;
		slot->ordered = *ordered;
		*owned = 0;
	} else {
		*owned = 1;
	}
	return CLARO_OK;
}

static void put_stmt(sqlite3_stmt *stmt, int owned)
{
	if (owned) {
		sqlite3_finalize(stmt);
	} else {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
	}
}

/* keep: the caller's values outlive the statement's use of them (no rows
 * are read after the call returns), so SQLite need not copy them. */
static enum claro_status bind_one(struct sqlite_store *st, sqlite3_stmt *stmt, int ordered, int keep,
				  const char *what, size_t i, const struct store_param *p, struct error *err)
{
	sqlite3_destructor_type copy = keep ? SQLITE_STATIC : SQLITE_TRANSIENT;

	char name[24];
	int idx, code;

	name[0] = '\0';
	if (!ordered)
		snprintf(name, sizeof(name), "$%zu", i + 1);
	idx = ordered ? (int)i + 1 : sqlite3_bind_parameter_index(stmt, name);
	if (idx == 0)
		return error_set(err, CLARO_ERR_INTERNAL,
				 "could not %s: the statement does not use parameter %s", what, name);
	switch (p->type) {
	case STORE_PARAM_TEXT:
		code =
		    p->text ? sqlite3_bind_text(stmt, idx, p->text, -1, copy) : sqlite3_bind_null(stmt, idx);
		break;
	case STORE_PARAM_INT: code = sqlite3_bind_int64(stmt, idx, p->i); break;
	case STORE_PARAM_BLOB:
		if (p->len == 0 || !p->blob)
			code = p->blob ? sqlite3_bind_zeroblob(stmt, idx, 0) : sqlite3_bind_null(stmt, idx);
		else
			code = sqlite3_bind_blob64(stmt, idx, p->blob, p->len, copy);
		break;
	default: code = sqlite3_bind_null(stmt, idx); break;
	}
	return code == SQLITE_OK ? CLARO_OK : fail(st->db, code, what, err);
}

static enum claro_status bind_all(struct sqlite_store *st, sqlite3_stmt *stmt, int ordered, int keep,
				  const char *what, const struct store_param *params, size_t n,
				  struct error *err)
{
	enum claro_status rc = CLARO_OK;

	if ((size_t)sqlite3_bind_parameter_count(stmt) != n)
		return error_set(err, CLARO_ERR_INTERNAL,
				 "could not %s: the statement takes %d parameters, not %zu", what,
				 sqlite3_bind_parameter_count(stmt), n);
	for (size_t i = 0; i < n && rc == CLARO_OK; i++)
		rc = bind_one(st, stmt, ordered, keep, what, i, &params[i], err);
	return rc;
}

/* ---- The driver ---------------------------------------------------------------- */

static enum claro_status sqlite_query(struct store *s, const char *what, const struct store_sql *sql,
				      const struct store_param *params, size_t n, struct store_rows **rows,
				      struct error *err)
{
	struct sqlite_store *st = sqlite_of(s);
	struct sqlite_rows *r;
	sqlite3_stmt *stmt = NULL;
	int owned = 0, ordered = 0, code;
	enum claro_status rc = get_stmt(st, what, sql, &stmt, &owned, &ordered, err);

	if (rc != CLARO_OK)
		return rc;
	/* Without rows to read, the statement is done with the values (and
	 * its bindings cleared) before this function returns. */
	rc = bind_all(st, stmt, ordered, rows == NULL, what, params, n, err);
	if (rc != CLARO_OK) {
		put_stmt(stmt, owned);
		return rc;
	}
	/* The first step runs the statement (all of it, for RETURNING), so
	 * errors surface here rather than while reading. */
	code = sqlite3_step(stmt);
	while (!rows && code == SQLITE_ROW)
		code = sqlite3_step(stmt);
	if (code != SQLITE_ROW && code != SQLITE_DONE) {
		rc = fail(st->db, code, what, err);
		put_stmt(stmt, owned);
		return rc;
	}
	if (!rows) {
		put_stmt(stmt, owned);
		return CLARO_OK;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		put_stmt(stmt, owned);
		return store_error_nomem(err, what);
	}
	r->base.driver = &store_driver_sqlite;
	r->st = st;
	r->stmt = stmt;
	r->what = what;
	r->owned = owned;
	r->pending = code == SQLITE_ROW;
	r->done = code == SQLITE_DONE;
	*rows = &r->base;
	return CLARO_OK;
}

static enum claro_status sqlite_next(struct store_rows *rows, int *has_row, struct error *err)
{
	struct sqlite_rows *r = (struct sqlite_rows *)rows;
	int code;

	*has_row = 0;
	if (r->pending) {
		r->pending = 0;
		*has_row = 1;
		return CLARO_OK;
	}
	if (r->done)
		return CLARO_OK;
	code = sqlite3_step(r->stmt);
	if (code == SQLITE_ROW) {
		*has_row = 1;
		return CLARO_OK;
	}
	r->done = 1;
	return code == SQLITE_DONE ? CLARO_OK : fail(r->st->db, code, r->what, err);
}

static int sqlite_isnull(struct store_rows *rows, int col)
{
	return sqlite3_column_type(((struct sqlite_rows *)rows)->stmt, col) == SQLITE_NULL;
}

static const char *sqlite_text(struct store_rows *rows, int col)
{
	return (const char *)sqlite3_column_text(((struct sqlite_rows *)rows)->stmt, col);
}

static int64_t sqlite_integer(struct store_rows *rows, int col)
{
	return sqlite3_column_int64(((struct sqlite_rows *)rows)->stmt, col);
}

static const void *sqlite_blob(struct store_rows *rows, int col, size_t *len)
{
	sqlite3_stmt *stmt = ((struct sqlite_rows *)rows)->stmt;
	const void *data = sqlite3_column_blob(stmt, col);

	*len = (size_t)sqlite3_column_bytes(stmt, col);
	return data;
}

static void sqlite_rows_free(struct store_rows *rows)
{
	struct sqlite_rows *r = (struct sqlite_rows *)rows;

	put_stmt(r->stmt, r->owned);
	free(r);
}

static enum claro_status sqlite_script(struct store *s, const char *what, const char *sql, struct error *err)
{
	struct sqlite_store *st = sqlite_of(s);
	char *msg = NULL;
	int code = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
	enum claro_status rc = CLARO_OK;

	if (code != SQLITE_OK) {
		rc = fail(st->db, code, what, err);
		if (msg) /* sqlite3_exec's message names the failing statement's error */
			error_detail(err, "SQLite reported: %s.", msg);
	}
	sqlite3_free(msg);
	return rc;
}

/* SQLite's migrations serialise on BEGIN EXCLUSIVE; no lock around the run. */
static enum claro_status sqlite_migrate_lock(struct store *s, struct error *err)
{
	(void)s;
	(void)err;
	return CLARO_OK;
}

static void sqlite_migrate_unlock(struct store *s)
{
	(void)s;
}

static enum claro_status attach_locks(struct sqlite_store *st, struct error *err)
{
	const char *file;

	if (st->locks)
		return CLARO_OK;
	file = sqlite3_db_filename(st->db, "main");
	return sqlite_lockspace_attach(file, &st->locks, err);
}

static enum claro_status sqlite_try_lock(struct store *s, const char *key, int *acquired, struct error *err)
{
	struct sqlite_store *st = sqlite_of(s);
	enum claro_status rc = attach_locks(st, err);

	if (rc != CLARO_OK)
		return rc;
	return sqlite_lock_try(st->locks, st, key, acquired, err);
}

static enum claro_status sqlite_unlock(struct store *s, const char *key, int *held, struct error *err)
{
	struct sqlite_store *st = sqlite_of(s);

	*held = 0;
	if (!st->locks)
		return CLARO_OK;
	return sqlite_lock_release(st->locks, st, key, held, err);
}

static int64_t sqlite_changes_count(struct store *s)
{
	return sqlite3_changes(sqlite_of(s)->db);
}

/* ---- Opening ---------------------------------------------------------------- */

static enum claro_status open_fail(sqlite3 *db, int code, const char *path, struct error *err)
{
	enum claro_status rc = fail(db, code, "open store", err);
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);

	error_detail(err, "SQLite could not use \"%s\": %s.", path, msg ? msg : "an error");
	return rc;
}

/* WAL lets readers run beside the one writer. A file system without shared
 * memory support cannot do WAL; SQLite then stays in its rollback journal,
 * which still works, so that is a warning, not an error. */
static enum claro_status set_wal(sqlite3 *db, const char *path, struct error *err)
{
	sqlite3_stmt *stmt = NULL;
	int code = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
	const char *mode;

	/* Switching a brand-new file to WAL needs it exclusively for a moment;
	 * when several processes open the same new database at once the losers
	 * get SQLITE_BUSY without the busy handler being consulted, so retry
	 * for as long as the busy timeout would have waited. */
	for (int waited_ms = 0; code == SQLITE_OK; waited_ms += 50) {
		code = sqlite3_step(stmt);
		if ((code & 0xff) != SQLITE_BUSY || waited_ms >= STORE_SQLITE_BUSY_TIMEOUT_MS)
			break;
		sqlite3_reset(stmt);
		sqlite3_sleep(50);
		code = SQLITE_OK;
	}
	if (code != SQLITE_ROW) {
		enum claro_status rc = open_fail(db, code, path, err);
		sqlite3_finalize(stmt);
		return rc;
	}
	mode = (const char *)sqlite3_column_text(stmt, 0);
	if (mode && strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)
		log_warn("store: SQLite database \"%s\" runs in %s journal mode, not WAL (the file system "
			 "does not "
			 "support it); readers will wait for writers",
			 path, mode);
	sqlite3_finalize(stmt);
	return CLARO_OK;
}

static enum claro_status sqlite_open(struct store **out, const struct store_params *p, struct error *err)
{
	struct sqlite_store *st;
	int code;
	enum claro_status rc;

	if (!p->sqlite_path || !*p->sqlite_path) {
		error_set(err, CLARO_ERR_CONFIG, "could not open store");
		error_detail(err, "No SQLite database path is set.");
		error_hint(err, "Set [store] path to the database file.");
		return CLARO_ERR_CONFIG;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return store_error_nomem(err, "open store");
	/* NOMUTEX: a store handle belongs to one thread at a time (store.h),
	 * and serialized mode took a mutex on every column read. */
	code = sqlite3_open_v2(p->sqlite_path, &st->db,
			       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (code != SQLITE_OK) {
		rc = open_fail(st->db, code, p->sqlite_path, err);
		sqlite3_close_v2(st->db);
		free(st);
		return rc;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_SQLITE_BUSY_TIMEOUT_MS);
	rc = set_wal(st->db, p->sqlite_path, err);
	if (rc == CLARO_OK) {
		code = sqlite3_exec(st->db,
				    "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
				    "PRAGMA cache_size = -16384; PRAGMA temp.cache_size = -32768",
				    NULL, NULL, NULL);
		if (code != SQLITE_OK)
			rc = open_fail(st->db, code, p->sqlite_path, err);
	}
	if (rc != CLARO_OK) {
		sqlite3_close_v2(st->db);
		free(st);
		return rc;
	}
	*out = &st->base;
	return CLARO_OK;
}

static void sqlite_close(struct store *s)
{
	struct sqlite_store *st = sqlite_of(s);

	sqlite_lockspace_detach(st->locks, st);
	for (size_t i = 0; i < STMT_CACHE_SLOTS; i++) {
		if (st->cache[i].stmt)
			sqlite3_finalize(st->cache[i].stmt);
	}
	/* close_v2 rolls back an open transaction */
	sqlite3_close_v2(st->db);
	free(st);
}

static const struct store_sql sql_begin = {"BEGIN IMMEDIATE", NULL, STORE_SQL_NOCACHE};
static const struct store_sql sql_begin_exclusive = {"BEGIN EXCLUSIVE", NULL, STORE_SQL_NOCACHE};

const struct store_driver store_driver_sqlite = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .query = sqlite_query,
    .next = sqlite_next,
    .isnull = sqlite_isnull,
    .text = sqlite_text,
    .integer = sqlite_integer,
    .blob = sqlite_blob,
    .rows_free = sqlite_rows_free,
    .script = sqlite_script,
    .migrate_lock = sqlite_migrate_lock,
    .migrate_unlock = sqlite_migrate_unlock,
    .migrate_begin = &sql_begin_exclusive,
    .begin = &sql_begin,
    .try_lock = sqlite_try_lock,
    .unlock = sqlite_unlock,
    .changes = sqlite_changes_count,
    /* bulk loads run the cached INSERT per row (store.c) */
};
