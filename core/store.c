/* The store, backend-independent part: choosing the driver, running
 * statements through it, transactions as nested savepoints, advisory locks.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_impl.h"
#include "strutil.h"

/* ---- Opening -------------------------------------------------------------- */

static const struct store_driver *driver_for(enum store_backend backend)
{
	switch (backend) {
	case STORE_SQLITE: return &store_driver_sqlite;
	case STORE_POSTGRES: return &store_driver_postgres;
	}
	return NULL;
}

enum claro_status store_open(struct store **out, const struct store_params *p, struct error *err)
{
	const struct store_driver *driver;
	enum claro_status rc;

	*out = NULL;
	driver = p ? driver_for(p->backend) : NULL;
	if (!driver) {
		error_set(err, CLARO_ERR_CONFIG, "could not open store");
		error_detail(err, "The store backend is not one this build knows.");
		error_hint(err, "Set [store] backend to sqlite or postgres.");
		return CLARO_ERR_CONFIG;
	}
	rc = driver->open(out, p, err);
	if (rc != CLARO_OK)
		return rc;
	(*out)->driver = driver;
	(*out)->backend = p->backend;
	(*out)->tx_depth = 0;
	return CLARO_OK;
}

void store_close(struct store *s)
{
	if (s)
		s->driver->close(s);
}

const char *store_backend_name(const struct store *s)
{
	return s->driver->name;
}

enum claro_status store_ping(struct store *s, struct error *err)
{
	static const struct store_sql sql = STORE_SQL("SELECT 1");
	int64_t one = 0;

	return store_query_int(s, "reach the database", &sql, NULL, 0, &one, NULL, err);
}

/* ---- Statements -------------------------------------------------------------- */

enum claro_status store_error_nomem(struct error *err, const char *what)
{
	return error_set(err, CLARO_ERR_NOMEM, "could not %s: out of memory", what);
}

const char *store_hint_for_missing_relation(void)
{
	return "The database schema is missing or older than this claro; apply the migrations "
	       "(clarod does so at start).";
}

enum claro_status store_query(struct store *s, const char *what, const struct store_sql *sql,
			      const struct store_param *params, size_t n, struct store_rows **rows,
			      struct error *err)
{
	if (rows)
		*rows = NULL;
	if (n > STORE_MAX_PARAMS)
		return error_set(err, CLARO_ERR_INTERNAL, "could not %s: too many parameters (%zu)", what, n);
	return s->driver->query(s, what, sql, params, n, rows, err);
}

enum claro_status store_rows_next(struct store_rows *r, int *has_row, struct error *err)
{
	return r->driver->next(r, has_row, err);
}

int store_rows_isnull(struct store_rows *r, int col)
{
	return r->driver->isnull(r, col);
}

const char *store_rows_text(struct store_rows *r, int col)
{
	return r->driver->text(r, col);
}

int64_t store_rows_int(struct store_rows *r, int col)
{
	return r->driver->integer(r, col);
}

const void *store_rows_blob(struct store_rows *r, int col, size_t *len)
{
	return r->driver->blob(r, col, len);
}

void store_rows_free(struct store_rows *r)
{
	if (r)
		r->driver->rows_free(r);
}

/* Run sql and position on its first row; *found says whether there is one. */
static enum claro_status query_first(struct store *s, const char *what, const struct store_sql *sql,
				     const struct store_param *params, size_t n, struct store_rows **rows,
				     int *found, struct error *err)
{
	enum claro_status rc = store_query(s, what, sql, params, n, rows, err);
	if (rc != CLARO_OK)
		return rc;
	rc = store_rows_next(*rows, found, err);
	if (rc != CLARO_OK) {
		store_rows_free(*rows);
		*rows = NULL;
	}
	return rc;
}

static enum claro_status no_row(const char *what, int *found, struct error *err)
{
	if (found) {
		*found = 0;
		return CLARO_OK;
	}
	error_set(err, CLARO_ERR_NOT_FOUND, "could not %s", what);
	error_detail(err, "The statement returned no row.");
	return CLARO_ERR_NOT_FOUND;
}

enum claro_status store_query_int(struct store *s, const char *what, const struct store_sql *sql,
				  const struct store_param *params, size_t n, int64_t *out, int *found,
				  struct error *err)
{
	struct store_rows *rows = NULL;
	int has_row = 0;
	enum claro_status rc = query_first(s, what, sql, params, n, &rows, &has_row, err);

	if (rc != CLARO_OK)
		return rc;
	if (has_row) {
		*out = store_rows_int(rows, 0);
		if (found)
			*found = 1;
	}
	store_rows_free(rows);
	return has_row ? CLARO_OK : no_row(what, found, err);
}

enum claro_status store_query_text(struct store *s, const char *what, const struct store_sql *sql,
				   const struct store_param *params, size_t n, char **out, int *found,
				   struct error *err)
{
	struct store_rows *rows = NULL;
	int has_row = 0;
	const char *text;
	enum claro_status rc = query_first(s, what, sql, params, n, &rows, &has_row, err);

	if (rc != CLARO_OK)
		return rc;
	if (!has_row) {
		store_rows_free(rows);
		return no_row(what, found, err);
	}
	text = store_rows_text(rows, 0);
	*out = NULL;
	if (text && !(*out = str_dup(text)))
		rc = store_error_nomem(err, what);
	else if (found)
		*found = 1;
	store_rows_free(rows);
	return rc;
}

enum claro_status store_strings_add(struct store_strings *list, const char *str, struct error *err)
{
	char **grown;
	char *copy = str_dup(str ? str : "");

	if (!copy)
		return store_error_nomem(err, "collect results");
	grown = realloc(list->v, (list->n + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return store_error_nomem(err, "collect results");
	}
	list->v = grown;
	list->v[list->n++] = copy;
	return CLARO_OK;
}

void store_strings_free(struct store_strings *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++)
		free(list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

enum claro_status store_query_strings(struct store *s, const char *what, const struct store_sql *sql,
				      const struct store_param *params, size_t n, struct store_strings *out,
				      struct error *err)
{
	struct store_rows *rows = NULL;
	int has_row = 0;
	enum claro_status rc = store_query(s, what, sql, params, n, &rows, err);

	while (rc == CLARO_OK && (rc = store_rows_next(rows, &has_row, err)) == CLARO_OK && has_row)
		rc = store_strings_add(out, store_rows_text(rows, 0), err);
	store_rows_free(rows);
	return rc;
}

int64_t store_changes(struct store *s)
{
	return s->driver->changes(s);
}

/* ---- Bulk loading ---------------------------------------------------------------- */

enum claro_status store_copy_begin(struct store *s, struct store_copy *c, const char *what,
				   const struct store_sql *insert, const char *pg_copy, struct error *err)
{
	enum claro_status rc = CLARO_OK;

	memset(c, 0, sizeof(*c));
	c->s = s;
	c->what = what;
	c->insert = insert;
	c->native = s->driver->copy_begin != NULL && pg_copy != NULL;
	if (c->native)
		rc = s->driver->copy_begin(s, what, pg_copy, err);
	c->open = rc == CLARO_OK;
	return rc;
}

enum claro_status store_copy_row(struct store_copy *c, const struct store_param *params, size_t n,
				 struct error *err)
{
	if (!c->open)
		return error_set(err, CLARO_ERR_INTERNAL, "could not %s: the bulk load is not open", c->what);
	if (n > STORE_MAX_PARAMS)
		return error_set(err, CLARO_ERR_INTERNAL, "could not %s: too many columns (%zu)", c->what, n);
	if (c->native)
		return c->s->driver->copy_row(c->s, c->what, params, n, err);
	return store_query(c->s, c->what, c->insert, params, n, NULL, err);
}

enum claro_status store_copy_end(struct store_copy *c, int ok, struct error *err)
{
	enum claro_status rc = CLARO_OK;

	if (!c->open)
		return CLARO_OK;
	c->open = 0;
	if (c->native)
		rc = c->s->driver->copy_end(c->s, c->what, ok, err);
	return rc;
}

/* ---- Transactions -------------------------------------------------------------- */

/* One savepoint name serves every level: SQLite and PostgreSQL both resolve
 * RELEASE / ROLLBACK TO to the most recent savepoint of that name. */
static const struct store_sql sql_savepoint = {"SAVEPOINT claro_sp", NULL, STORE_SQL_NOCACHE};
static const struct store_sql sql_release = {"RELEASE SAVEPOINT claro_sp", NULL, STORE_SQL_NOCACHE};
static const struct store_sql sql_rollback_to = {"ROLLBACK TO SAVEPOINT claro_sp", NULL, STORE_SQL_NOCACHE};
static const struct store_sql sql_commit = {"COMMIT", NULL, STORE_SQL_NOCACHE};
static const struct store_sql sql_rollback = {"ROLLBACK", NULL, STORE_SQL_NOCACHE};

int store_tx_depth(const struct store *s)
{
	return s->tx_depth;
}

static enum claro_status no_transaction(struct error *err, const char *what)
{
	error_set(err, CLARO_ERR_INVALID, "could not %s", what);
	error_detail(err, "No transaction is open on this connection.");
	error_hint(err, "Call store_begin() first; this is a bug in the caller.");
	return CLARO_ERR_INVALID;
}

enum claro_status store_begin(struct store *s, struct error *err)
{
	enum claro_status rc;

	if (s->tx_depth == 0)
		rc = store_query(s, "begin transaction", s->driver->begin, NULL, 0, NULL, err);
	else
		rc = store_query(s, "begin transaction", &sql_savepoint, NULL, 0, NULL, err);
	if (rc == CLARO_OK)
		s->tx_depth++;
	return rc;
}

enum claro_status store_rollback(struct store *s, struct error *err)
{
	enum claro_status rc = CLARO_OK;
	struct error ignored = ERROR_INIT;

	if (s->tx_depth == 0)
		return no_transaction(err, "roll back transaction");
	if (s->tx_depth == 1) {
		rc = store_query(s, "roll back transaction", &sql_rollback, NULL, 0, NULL, err);
	} else {
		rc = store_query(s, "roll back transaction", &sql_rollback_to, NULL, 0, NULL, err);
		if (rc == CLARO_OK)
			rc = store_query(s, "roll back transaction", &sql_release, NULL, 0, NULL, err);
		else /* the savepoint is gone; leave nothing half-open */
			store_query(s, "roll back transaction", &sql_release, NULL, 0, NULL, &ignored);
	}
	error_clear(&ignored);
	s->tx_depth--;
	return rc;
}

enum claro_status store_commit(struct store *s, struct error *err)
{
	enum claro_status rc;
	struct error ignored = ERROR_INIT;

	if (s->tx_depth == 0)
		return no_transaction(err, "commit transaction");
	if (s->tx_depth == 1)
		rc = store_query(s, "commit transaction", &sql_commit, NULL, 0, NULL, err);
	else
		rc = store_query(s, "commit transaction", &sql_release, NULL, 0, NULL, err);
	if (rc != CLARO_OK) {
		/* Leave the level closed either way, so depth matches the database. */
		if (s->tx_depth == 1)
			store_query(s, "roll back transaction", &sql_rollback, NULL, 0, NULL, &ignored);
		else if (store_query(s, "roll back transaction", &sql_rollback_to, NULL, 0, NULL, &ignored) ==
			 CLARO_OK)
			store_query(s, "roll back transaction", &sql_release, NULL, 0, NULL, &ignored);
		error_clear(&ignored);
	}
	s->tx_depth--;
	return rc;
}

enum claro_status store_finish(struct store *s, enum claro_status rc, struct error *err)
{
	struct error ignored = ERROR_INIT;

	if (rc == CLARO_OK)
		return store_commit(s, err);
	store_rollback(s, &ignored);
	error_clear(&ignored);
	return rc;
}

/* ---- Advisory locks -------------------------------------------------------------- */

int64_t store_lock_key(const char *key)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= UINT64_C(1099511628211);
	}
	/* Go's int64(uint64) conversion, without implementation-defined C. */
	if (h <= (uint64_t)INT64_MAX)
		return (int64_t)h;
	return -(int64_t)(~h) - 1;
}

static enum claro_status bad_key(struct error *err)
{
	error_set(err, CLARO_ERR_INVALID, "could not take lock");
	error_detail(err, "The lock key is empty.");
	return CLARO_ERR_INVALID;
}

enum claro_status store_try_lock(struct store *s, const char *key, int *acquired, struct error *err)
{
	*acquired = 0;
	if (!key || !*key)
		return bad_key(err);
	return s->driver->try_lock(s, key, acquired, err);
}

enum claro_status store_unlock(struct store *s, const char *key, struct error *err)
{
	int held = 0;
	enum claro_status rc;

	if (!key || !*key)
		return bad_key(err);
	rc = s->driver->unlock(s, key, &held, err);
	if (rc == CLARO_OK && !held) {
		error_set(err, CLARO_ERR_INVALID, "could not release lock \"%s\"", key);
		error_detail(err, "This connection does not hold that lock.");
		error_hint(
		    err,
		    "Release only locks taken with store_try_lock() or store_lock(); this is a bug in the "
		    "caller.");
		return CLARO_ERR_INVALID;
	}
	return rc;
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

enum claro_status store_lock(struct store *s, const char *key, long timeout_ms, struct error *err)
{
	int64_t start = monotonic_ms();
	long backoff = 50;
	int acquired = 0;
	enum claro_status rc;

	for (;;) {
		rc = store_try_lock(s, key, &acquired, err);
		if (rc != CLARO_OK || acquired)
			return rc;
		if (timeout_ms >= 0) {
			int64_t left = timeout_ms - (monotonic_ms() - start);
			if (left <= 0) {
				error_set(err, CLARO_ERR_TIMEOUT, "could not take lock \"%s\"", key);
				error_detail(err, "Another connection held it for longer than %ld ms.",
					     timeout_ms);
				error_hint(err, "Another claro instance is probably working on the same "
						"item; retry later.");
				return CLARO_ERR_TIMEOUT;
			}
			if (backoff > left)
				backoff = (long)left;
		}
		sleep_ms(backoff);
		backoff = backoff * 2 > 2000 ? 2000 : backoff * 2;
	}
}
