/* The PostgreSQL backend of the store: one libpq connection, statements
 * prepared once per connection, results read in text format (bytea decoded,
 * booleans read as 1/0).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "log.h"
#include "store_impl.h"
#include "strutil.h"

#define STMT_CACHE_SLOTS 128
#define BOOLOID          16
#define BYTEAOID         17

struct pg_slot {
	const struct store_sql *key;
	unsigned name; /* prepared as "claro_<name>" */
};

struct pg_store {
	struct store base;
	PGconn *conn;
	unsigned next_name;
	unsigned locks_held; /* session advisory locks (each take counted) */
	int locks_lost;      /* the connection died while holding some */
	int64_t changes;     /* rows the last command changed (PQcmdTuples) */
	int copying;         /* inside COPY ... FROM STDIN */
	struct buf copy_buf; /* rows not yet sent */
	struct pg_slot cache[STMT_CACHE_SLOTS];
};

struct pg_rows {
	struct store_rows base;
	PGresult *res;
	int row;
	int nrows;
	unsigned char *blob; /* the last bytea decoded */
};

static struct pg_store *pg_of(struct store *s)
{
	return (struct pg_store *)s;
}

/* ---- Errors ---------------------------------------------------------------- */

/* libpq messages end in newlines and may span lines ("...failed: No such
 * file or directory\n\tIs the server running...?"); a detail is one line:
 * a line starting with a capital becomes a new sentence, other breaks and
 * runs of blanks become one space, and the final period is dropped (the
 * caller adds one where needed). */
static char *one_line(const char *msg)
{
	struct buf b = BUF_INIT(0);
	const char *p = msg ? msg : "";
	int pending_space = 0, pending_break = 0;

	for (; *p; p++) {
		const char *sep = "";

		if (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t') {
			pending_break |= (*p == '\n' || *p == '\r') && b.len > 0;
			pending_space = b.len > 0;
			continue;
		}
		if (pending_break && *p >= 'A' && *p <= 'Z' && !strchr(".?!:;", b.data[b.len - 1]))
			sep = ". ";
		else if (pending_space)
			sep = " ";
		if (buf_puts(&b, sep) != CLARO_OK || buf_append(&b, p, 1) != CLARO_OK) {
			buf_free(&b);
			return NULL;
		}
		pending_space = pending_break = 0;
	}
	while (b.len > 0 && b.data[b.len - 1] == '.')
		b.data[--b.len] = '\0';
	return b.data ? buf_steal(&b) : str_dup("");
}

/* "." unless the text already ends in a sentence mark. */
static const char *stop(const char *text)
{
	size_t len = text ? strlen(text) : 0;

	return len > 0 && (text[len - 1] == '?' || text[len - 1] == '!') ? "" : ".";
}

static enum claro_status status_for(const char *sqlstate)
{
	if (!sqlstate || strlen(sqlstate) != 5)
		return CLARO_ERR_STORE;
	if (strcmp(sqlstate, "23514") == 0 || strcmp(sqlstate, "23502") == 0)
		return CLARO_ERR_INVALID;
	if (strncmp(sqlstate, "23", 2) == 0)
		return CLARO_ERR_CONFLICT;
	if (strncmp(sqlstate, "22", 2) == 0)
		return CLARO_ERR_INVALID;
	if (strncmp(sqlstate, "40", 2) == 0 || strcmp(sqlstate, "55P03") == 0)
		return CLARO_ERR_BUSY;
	if (strcmp(sqlstate, "57014") == 0)
		return CLARO_ERR_TIMEOUT;
	return CLARO_ERR_STORE;
}

static const char *hint_for(const char *sqlstate, int connection_lost)
{
	/* class 08 except 08P01 (protocol violation: a bug, not the network) */
	if (connection_lost ||
	    (sqlstate && strncmp(sqlstate, "08", 2) == 0 && strcmp(sqlstate, "08P01") != 0) ||
	    (sqlstate && strncmp(sqlstate, "57P", 3) == 0))
		return "The connection to PostgreSQL failed; check that the server is running and reachable "
		       "with the [store] conninfo settings.";
	if (!sqlstate)
		return NULL;
	if (strcmp(sqlstate, "42P01") == 0 || strcmp(sqlstate, "42703") == 0 ||
	    strcmp(sqlstate, "42883") == 0)
		return store_hint_for_missing_relation();
	if (strncmp(sqlstate, "40", 2) == 0 || strcmp(sqlstate, "55P03") == 0)
		return "Another transaction got in the way; retry the operation.";
	if (strncmp(sqlstate, "53", 2) == 0)
		return "The PostgreSQL server is out of a resource (disk, memory or connections); check its "
		       "log.";
	if (strcmp(sqlstate, "42501") == 0)
		return "The [store] conninfo user lacks a privilege claro needs; grant it or use the "
		       "database owner.";
	return NULL;
}

/* "could not <what>" + the server's message and SQLSTATE (or libpq's text
 * when there is no result) + a hint. */
static enum claro_status fail(struct pg_store *st, const PGresult *res, const char *what, struct error *err)
{
	const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *pg_detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *pg_hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
	int lost = PQstatus(st->conn) == CONNECTION_BAD;
	const char *hint = hint_for(sqlstate, lost);
	char *text = one_line(primary ? primary
				      : (res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
									   : PQerrorMessage(st->conn)));
	enum claro_status rc = status_for(sqlstate);

	error_set(err, rc, "could not %s", what);
	if (sqlstate)
		error_detail(err, "PostgreSQL reported: %s (SQLSTATE %s).%s%s", text ? text : "an error",
			     sqlstate, pg_detail ? " " : "", pg_detail ? pg_detail : "");
	else
		error_detail(err, "PostgreSQL reported: %s%s", text ? text : "an error", stop(text));
	if (hint)
		error_hint(err, "%s", hint);
	else if (pg_hint)
		error_hint(err, "%s", pg_hint);
	free(text);
	return rc;
}

/* ---- Statements ---------------------------------------------------------------- */

static size_t slot_of(const struct store_sql *key)
{
	uintptr_t h = (uintptr_t)key;

	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 7) % STMT_CACHE_SLOTS;
}

static struct pg_slot *cache_find(struct pg_store *st, const struct store_sql *key, int for_insert)
{
	size_t start = slot_of(key);

	for (size_t i = 0; i < STMT_CACHE_SLOTS; i++) {
		struct pg_slot *slot = &st->cache[(start + i) % STMT_CACHE_SLOTS];
		if (slot->key == key)
			return slot;
		if (!slot->key)
			return for_insert ? slot : NULL;
	}
	return NULL;
}

/* The prepared statement's name for sql, preparing it on first use. *name
 * is "" when the cache is full: run unprepared then. */
static enum claro_status prepared_name(struct pg_store *st, const char *what, const struct store_sql *sql,
				       const char *text, size_t n, char *name, size_t name_size,
				       struct error *err)
{
	struct pg_slot *slot = cache_find(st, sql, 1);
	PGresult *res;
	enum claro_status rc = CLARO_OK;

	name[0] = '\0';
	if (!slot)
		return CLARO_OK;
	if (slot->key == sql) {
		snprintf(name, name_size, "claro_%u", slot->name);
		return CLARO_OK;
	}
	snprintf(name, name_size, "claro_%u", st->next_name + 1);
	res = PQprepare(st->conn, name, text, (int)n, NULL);
	if (!res)
		return store_error_nomem(err, what);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = fail(st, res, what, err);
	} else {
		slot->key = sql;
		slot->name = ++st->next_name;
	}
	PQclear(res);
	return rc;
}

/* A connection the server dropped (restart, failover, idle timeout) is
 * re-established before the next statement, but only when nothing lives
 * in the session: no open transaction and no advisory lock, which would
 * silently be gone. Otherwise every statement fails until store_close(). */
static enum claro_status revive(struct pg_store *st, const char *what, struct error *err)
{
	if (PQstatus(st->conn) != CONNECTION_BAD)
		return CLARO_OK;
	if (st->locks_held > 0)
		st->locks_lost = 1;
	if (st->locks_lost || st->base.tx_depth > 0) {
		error_set(err, CLARO_ERR_STORE, "could not %s", what);
		error_detail(err, "The connection to PostgreSQL was lost while it held %s.",
			     st->locks_lost ? "advisory locks, so they are gone" : "an open transaction");
		error_hint(err, "%s",
			   st->locks_lost ? "Close this store connection and open a new one."
					  : "Roll the transaction back; the next statement reconnects.");
		return CLARO_ERR_STORE;
	}
	PQreset(st->conn);
	if (PQstatus(st->conn) != CONNECTION_OK)
		return CLARO_OK;                 /* the statement reports the connection error */
	memset(st->cache, 0, sizeof(st->cache)); /* prepared statements died too */
	log_warn("store: the connection to PostgreSQL was lost and has been re-established");
	return CLARO_OK;
}

static enum claro_status pg_query(struct store *s, const char *what, const struct store_sql *sql,
				  const struct store_param *params, size_t n, struct store_rows **rows,
				  struct error *err)
{
	struct pg_store *st = pg_of(s);
	const char *text = sql->pg ? sql->pg : sql->sqlite;
	const char *values[STORE_MAX_PARAMS];
	int lengths[STORE_MAX_PARAMS], formats[STORE_MAX_PARAMS];
	char ints[STORE_MAX_PARAMS][24];
	char name[32] = "";
	PGresult *res;
	ExecStatusType status;
	struct pg_rows *r;
	enum claro_status rc;

	for (size_t i = 0; i < n; i++) {
		values[i] = NULL;
		lengths[i] = 0;
		formats[i] = 0;
		switch (params[i].type) {
		case STORE_PARAM_TEXT: values[i] = params[i].text; break;
		case STORE_PARAM_INT:
			snprintf(ints[i], sizeof(ints[i]), "%" PRId64, params[i].i);
			values[i] = ints[i];
			break;
		case STORE_PARAM_BLOB:
			if (params[i].len > INT32_MAX)
				return error_set(err, CLARO_ERR_TOO_LARGE,
						 "could not %s: a value is too large", what);
			values[i] = (const char *)params[i].blob; /* NULL pointer: SQL NULL */
			lengths[i] = (int)params[i].len;
			formats[i] = 1;
			break;
		default: break;
		}
	}
	if (st->copying)
		return error_set(err, CLARO_ERR_INTERNAL, "could not %s: a bulk load is in progress", what);
	rc = revive(st, what, err);
	if (rc != CLARO_OK)
		return rc;
	if (!(sql->flags & STORE_SQL_NOCACHE)) {
		rc = prepared_name(st, what, sql, text, n, name, sizeof(name), err);
		if (rc != CLARO_OK)
			return rc;
	}
	if (name[0])
		res = PQexecPrepared(st->conn, name, (int)n, values, lengths, formats, 0);
	else
		res = PQexecParams(st->conn, text, (int)n, NULL, values, lengths, formats, 0);
	if (!res)
		return fail(st, NULL, what, err);
	status = PQresultStatus(res);
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
		rc = fail(st, res, what, err);
		PQclear(res);
		return rc;
	}
	if (parse_int64(PQcmdTuples(res), &st->changes) != CLARO_OK)
		st->changes = 0;
	/* COMMIT of a failed transaction "succeeds" as a ROLLBACK. */
	if (strcmp(text, "COMMIT") == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		PQclear(res);
		error_set(err, CLARO_ERR_STORE, "could not %s", what);
		error_detail(err, "A statement in the transaction had failed, so PostgreSQL rolled it back.");
		error_hint(
		    err,
		    "Roll back after a failed statement instead of committing; this is a bug in the caller.");
		return CLARO_ERR_STORE;
	}
	if (!rows) {
		PQclear(res);
		return CLARO_OK;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		PQclear(res);
		return store_error_nomem(err, what);
	}
	r->base.driver = &store_driver_postgres;
	r->res = res;
	r->row = -1;
	r->nrows = PQntuples(res);
	*rows = &r->base;
	return CLARO_OK;
}

static enum claro_status pg_next(struct store_rows *rows, int *has_row, struct error *err)
{
	struct pg_rows *r = (struct pg_rows *)rows;

	(void)err;
	if (r->row < r->nrows)
		r->row++;
	*has_row = r->row < r->nrows;
	return CLARO_OK;
}

static int pg_isnull(struct store_rows *rows, int col)
{
	struct pg_rows *r = (struct pg_rows *)rows;

	return PQgetisnull(r->res, r->row, col);
}

static const char *pg_text(struct store_rows *rows, int col)
{
	struct pg_rows *r = (struct pg_rows *)rows;

	return PQgetisnull(r->res, r->row, col) ? NULL : PQgetvalue(r->res, r->row, col);
}

static int64_t pg_integer(struct store_rows *rows, int col)
{
	struct pg_rows *r = (struct pg_rows *)rows;
	const char *v = pg_text(rows, col);
	int64_t out = 0;

	if (!v)
		return 0;
	if (PQftype(r->res, col) == BOOLOID)
		return v[0] == 't';
	if (parse_int64(v, &out) != CLARO_OK)
		return 0;
	return out;
}

static const void *pg_blob(struct store_rows *rows, int col, size_t *len)
{
	struct pg_rows *r = (struct pg_rows *)rows;
	const char *v = pg_text(rows, col);

	*len = 0;
	if (!v)
		return NULL;
	if (PQftype(r->res, col) != BYTEAOID) {
		*len = strlen(v);
		return v;
	}
	PQfreemem(r->blob);
	r->blob = PQunescapeBytea((const unsigned char *)v, len);
	return r->blob;
}

static void pg_rows_free(struct store_rows *rows)
{
	struct pg_rows *r = (struct pg_rows *)rows;

	PQfreemem(r->blob);
	PQclear(r->res);
	free(r);
}

static enum claro_status pg_script(struct store *s, const char *what, const char *sql, struct error *err)
{
	struct pg_store *st = pg_of(s);
	PGresult *res = PQexec(st->conn, sql);
	enum claro_status rc = CLARO_OK;

	if (!res)
		return fail(st, NULL, what, err);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = fail(st, res, what, err);
	PQclear(res);
	return rc;
}

static int64_t pg_changes(struct store *s)
{
	return pg_of(s)->changes;
}

/* ---- Bulk loading: COPY FROM STDIN, text format ------------------------------ */

#define COPY_FLUSH_BYTES (64 * 1024)

static enum claro_status pg_copy_begin(struct store *s, const char *what, const char *copy_sql,
				       struct error *err)
{
	struct pg_store *st = pg_of(s);
	PGresult *res;
	enum claro_status rc;

	if (st->copying)
		return error_set(err, CLARO_ERR_INTERNAL, "could not %s: a bulk load is in progress", what);
	rc = revive(st, what, err);
	if (rc != CLARO_OK)
		return rc;
	res = PQexec(st->conn, copy_sql);
	if (!res)
		return fail(st, NULL, what, err);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		rc = fail(st, res, what, err);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	st->copying = 1;
	buf_reset(&st->copy_buf);
	return CLARO_OK;
}

/* One value in COPY's text format: \N for NULL, backslash escapes for the
 * characters that separate rows and columns, bytea as \\x<hex>. */
static enum claro_status copy_value(struct buf *b, const struct store_param *p)
{
	static const char hex[] = "0123456789abcdef";
	enum claro_status rc = CLARO_OK;

	switch (p->type) {
	case STORE_PARAM_INT: return buf_printf(b, "%" PRId64, p->i);
	case STORE_PARAM_TEXT:
		if (!p->text)
			return buf_puts(b, "\\N");
		for (const char *c = p->text; *c && rc == CLARO_OK; c++) {
			const char *esc = *c == '\\'   ? "\\\\"
					  : *c == '\n' ? "\\n"
					  : *c == '\r' ? "\\r"
					  : *c == '\t' ? "\\t"
						       : NULL;
			rc = esc ? buf_puts(b, esc) : buf_append(b, c, 1);
		}
		return rc;
	case STORE_PARAM_BLOB:
		if (!p->blob)
			return buf_puts(b, "\\N");
		rc = buf_puts(b, "\\\\x");
		for (size_t i = 0; i < p->len && rc == CLARO_OK; i++) {
			const unsigned char byte = ((const unsigned char *)p->blob)[i];
			const char two[2] = {hex[byte >> 4], hex[byte & 15]};
			rc = buf_append(b, two, 2);
		}
		return rc;
	default: return buf_puts(b, "\\N");
	}
}

static enum claro_status copy_flush(struct pg_store *st, const char *what, struct error *err)
{
	if (st->copy_buf.len == 0)
		return CLARO_OK;
	if (st->copy_buf.len > INT32_MAX ||
	    PQputCopyData(st->conn, st->copy_buf.data, (int)st->copy_buf.len) != 1)
		return fail(st, NULL, what, err);
	buf_reset(&st->copy_buf);
	return CLARO_OK;
}

static enum claro_status pg_copy_row(struct store *s, const char *what, const struct store_param *params,
				     size_t n, struct error *err)
{
	struct pg_store *st = pg_of(s);
	enum claro_status rc = CLARO_OK;

	if (!st->copying)
		return error_set(err, CLARO_ERR_INTERNAL, "could not %s: no bulk load is open", what);
	for (size_t i = 0; i < n && rc == CLARO_OK; i++) {
		if (i > 0)
			rc = buf_append(&st->copy_buf, "\t", 1);
		if (rc == CLARO_OK)
			rc = copy_value(&st->copy_buf, &params[i]);
	}
	if (rc == CLARO_OK)
		rc = buf_append(&st->copy_buf, "\n", 1);
	if (rc != CLARO_OK)
		return store_error_nomem(err, what);
	return st->copy_buf.len >= COPY_FLUSH_BYTES ? copy_flush(st, what, err) : CLARO_OK;
}

static enum claro_status pg_copy_end(struct store *s, const char *what, int ok, struct error *err)
{
	struct pg_store *st = pg_of(s);
	struct error ignored = ERROR_INIT;
	enum claro_status rc = CLARO_OK;
	PGresult *res;

	if (!st->copying)
		return CLARO_OK;
	if (ok)
		rc = copy_flush(st, what, err);
	if (PQputCopyEnd(st->conn, ok && rc == CLARO_OK ? NULL : "abandoned by claro") != 1 &&
	    rc == CLARO_OK && ok)
		rc = fail(st, NULL, what, err);
	st->copying = 0;
	buf_free(&st->copy_buf);
	while ((res = PQgetResult(st->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == CLARO_OK)
			rc = fail(st, res, what, ok ? err : &ignored);
		PQclear(res);
	}
	error_clear(&ignored);
	return ok ? rc : CLARO_OK;
}

/* ---- Locks ---------------------------------------------------------------- */

static const struct store_sql sql_try_lock = STORE_SQL("SELECT pg_try_advisory_lock($1)");
static const struct store_sql sql_lock = STORE_SQL("SELECT pg_advisory_lock($1)");
static const struct store_sql sql_unlock = STORE_SQL("SELECT pg_advisory_unlock($1)");

#define MIGRATIONS_LOCK_KEY "claro migrations"

static enum claro_status pg_try_lock(struct store *s, const char *key, int *acquired, struct error *err)
{
	struct store_param p[] = {SP_INT(store_lock_key(key))};
	int64_t got = 0;
	enum claro_status rc = store_query_int(s, "take lock", &sql_try_lock, p, 1, &got, NULL, err);

	*acquired = rc == CLARO_OK && got == 1;
	if (*acquired)
		pg_of(s)->locks_held++;
	return rc;
}

static enum claro_status pg_unlock(struct store *s, const char *key, int *held, struct error *err)
{
	struct store_param p[] = {SP_INT(store_lock_key(key))};
	int64_t was_held = 0;
	enum claro_status rc = store_query_int(s, "release lock", &sql_unlock, p, 1, &was_held, NULL, err);

	*held = rc == CLARO_OK && was_held == 1;
	if (*held && pg_of(s)->locks_held > 0)
		pg_of(s)->locks_held--;
	return rc;
}

/* Every migrating connection queues on one session lock, as Clair's do. */
static enum claro_status pg_migrate_lock(struct store *s, struct error *err)
{
	struct store_param p[] = {SP_INT(store_lock_key(MIGRATIONS_LOCK_KEY))};

	return store_query(s, "take the migration lock", &sql_lock, p, 1, NULL, err);
}

static void pg_migrate_unlock(struct store *s)
{
	struct store_param p[] = {SP_INT(store_lock_key(MIGRATIONS_LOCK_KEY))};
	struct error ignored = ERROR_INIT;

	store_query(s, "release the migration lock", &sql_unlock, p, 1, NULL, &ignored);
	error_clear(&ignored);
}

/* ---- Opening ---------------------------------------------------------------- */

/* Server notices (e.g. "relation already exists, skipping") are chatter. */
static void on_notice(void *arg, const char *message)
{
	char *line = one_line(message);

	(void)arg;
	log_debug("store: PostgreSQL: %s", line ? line : message);
	free(line);
}

/* Our defaults go first so that the configured keywords, and a URI expanded
 * from dbname, override them. */
static const char *const default_keywords[] = {"fallback_application_name", "client_encoding"};
static const char *const default_values[] = {"claro", "UTF8"};
#define N_DEFAULTS (sizeof(default_keywords) / sizeof(default_keywords[0]))

static enum claro_status connect_params(const struct store_params *p, const char ***kw, const char ***vals,
					struct error *err)
{
	size_t n = 0, i;

	while (p->pg_keywords && p->pg_keywords[n])
		n++;
	*kw = calloc(n + N_DEFAULTS + 1, sizeof(**kw));
	*vals = calloc(n + N_DEFAULTS + 1, sizeof(**vals));
	if (!*kw || !*vals) {
		free(*kw);
		free(*vals);
		return store_error_nomem(err, "open store");
	}
	for (i = 0; i < N_DEFAULTS; i++) {
		(*kw)[i] = default_keywords[i];
		(*vals)[i] = default_values[i];
	}
	for (i = 0; i < n; i++) {
		(*kw)[N_DEFAULTS + i] = p->pg_keywords[i];
		(*vals)[N_DEFAULTS + i] = p->pg_values ? p->pg_values[i] : NULL;
	}
	return CLARO_OK;
}

static enum claro_status connect_fail(PGconn *conn, struct error *err)
{
	char *text = one_line(conn ? PQerrorMessage(conn) : "out of memory");

	error_set(err, CLARO_ERR_STORE, "could not open store");
	error_detail(err, "libpq reported: %s%s", text ? text : "a connection error", stop(text));
	error_hint(err,
		   "Check the [store] conninfo settings (host, port, dbname, user, password) and that the "
		   "PostgreSQL server is running and accepts connections.");
	free(text);
	return CLARO_ERR_STORE;
}

static enum claro_status pg_open(struct store **out, const struct store_params *p, struct error *err)
{
	const char **kw = NULL, **vals = NULL;
	struct pg_store *st;
	enum claro_status rc = connect_params(p, &kw, &vals, err);

	if (rc != CLARO_OK)
		return rc;
	st = calloc(1, sizeof(*st));
	if (!st) {
		free(kw);
		free(vals);
		return store_error_nomem(err, "open store");
	}
	st->conn = PQconnectdbParams(kw, vals, p->pg_expand_dbname);
	free(kw);
	free(vals);
	if (!st->conn || PQstatus(st->conn) != CONNECTION_OK) {
		rc = connect_fail(st->conn, err);
		PQfinish(st->conn);
		free(st);
		return rc;
	}
	PQsetNoticeProcessor(st->conn, on_notice, NULL);
	if (PQserverVersion(st->conn) < 100000) {
		error_set(err, CLARO_ERR_UNSUPPORTED, "could not open store");
		error_detail(err, "The PostgreSQL server is version %d.%d; claro needs 10 or later.",
			     PQserverVersion(st->conn) / 10000, PQserverVersion(st->conn) / 100 % 100);
		error_hint(err, "Upgrade the PostgreSQL server.");
		PQfinish(st->conn);
		free(st);
		return CLARO_ERR_UNSUPPORTED;
	}
	*out = &st->base;
	return CLARO_OK;
}

static void pg_close(struct store *s)
{
	struct pg_store *st = pg_of(s);

	/* The server drops the session's advisory locks and open transaction. */
	PQfinish(st->conn);
	buf_free(&st->copy_buf);
	free(st);
}

static const struct store_sql sql_begin = {"BEGIN", NULL, STORE_SQL_NOCACHE};

const struct store_driver store_driver_postgres = {
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .query = pg_query,
    .next = pg_next,
    .isnull = pg_isnull,
    .text = pg_text,
    .integer = pg_integer,
    .blob = pg_blob,
    .rows_free = pg_rows_free,
    .script = pg_script,
    .migrate_lock = pg_migrate_lock,
    .migrate_unlock = pg_migrate_unlock,
    .migrate_begin = &sql_begin,
    .begin = &sql_begin,
    .try_lock = pg_try_lock,
    .unlock = pg_unlock,
    .changes = pg_changes,
    .copy_begin = pg_copy_begin,
    .copy_row = pg_copy_row,
    .copy_end = pg_copy_end,
};
