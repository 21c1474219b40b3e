/* The store's inside: what a backend implements and what store operations
 * (core/store_*.c) use to run statements. Not for code outside the store.
 *
 * Writing an operation:
 *
 *   static const struct store_sql sql_get = STORE_SQL(
 *       "SELECT id FROM layer WHERE hash = $1");
 *   struct store_param p[] = {SP_TEXT(digest)};
 *   rc = store_query_int(s, "look up layer", &sql_get, p, 1, &id, &found, err);
 *
 * One SQL text serves both backends where the dialects agree ($n parameters
 * work in SQLite too); STORE_SQL2 gives a text per backend where they do
 * not. Statements are prepared once per connection and cached by the
 * address of their struct store_sql, so that struct must be static.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_STORE_IMPL_H
#define CLARO_CORE_STORE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* One statement; pg NULL means the same text as sqlite. */
struct store_sql {
	const char *sqlite;
	const char *pg;
	unsigned flags;
};
#define STORE_SQL_NOCACHE 1u /* transaction control: never prepare/cache */

#define STORE_SQL(text)         \
	{                       \
		(text), NULL, 0 \
	}
#define STORE_SQL2(sqlite_text, pg_text)    \
	{                                   \
		(sqlite_text), (pg_text), 0 \
	}

enum store_param_type { STORE_PARAM_NULL = 0, STORE_PARAM_TEXT, STORE_PARAM_INT, STORE_PARAM_BLOB };

struct store_param {
	enum store_param_type type;
	const char *text; /* TEXT: NUL-terminated; a NULL pointer binds SQL NULL */
	int64_t i;
	const void *blob;
	size_t len;
};

#define SP_NULL       ((struct store_param){STORE_PARAM_NULL, NULL, 0, NULL, 0})
#define SP_TEXT(v)    ((struct store_param){STORE_PARAM_TEXT, (v), 0, NULL, 0})
#define SP_INT(v)     ((struct store_param){STORE_PARAM_INT, NULL, (int64_t)(v), NULL, 0})
#define SP_BLOB(p, n) ((struct store_param){STORE_PARAM_BLOB, NULL, 0, (p), (n)})

#define STORE_MAX_PARAMS 32

/* The result of a statement: rows are read one at a time. Column values
 * stay valid until the next store_rows_next() or store_rows_free(). Each
 * backend's result struct starts with this, so the rows find their driver. */
struct store_driver;
struct store_rows {
	const struct store_driver *driver;
};

struct store_driver {
	const char *name;
	enum claro_status (*open)(struct store **out, const struct store_params *p, struct error *err);
	void (*close)(struct store *s);
	/* Run sql with params. rows == NULL: run to completion, discard rows.
	 * Else *rows is positioned before the first row. On failure err holds
	 * "could not <what>" + the database's text. */
	enum claro_status (*query)(struct store *s, const char *what, const struct store_sql *sql,
				   const struct store_param *params, size_t n, struct store_rows **rows,
				   struct error *err);
	enum claro_status (*next)(struct store_rows *r, int *has_row, struct error *err);
	int (*isnull)(struct store_rows *r, int col);
	const char *(*text)(struct store_rows *r, int col);
	int64_t (*integer)(struct store_rows *r, int col);
	const void *(*blob)(struct store_rows *r, int col, size_t *len);
	void (*rows_free)(struct store_rows *r);
	/* Run a parameterless script of several statements (migrations). */
	enum claro_status (*script)(struct store *s, const char *what, const char *sql, struct error *err);
	/* Migration serialisation: taken before and released after the run. */
	enum claro_status (*migrate_lock)(struct store *s, struct error *err);
	void (*migrate_unlock)(struct store *s);
	/* The BEGIN that opens a migration's transaction. */
	const struct store_sql *migrate_begin;
	const struct store_sql *begin; /* outermost BEGIN */
	enum claro_status (*try_lock)(struct store *s, const char *key, int *acquired, struct error *err);
	/* *held = 0 when this connection did not hold key */
	enum claro_status (*unlock)(struct store *s, const char *key, int *held, struct error *err);
	/* Rows the last INSERT/UPDATE/DELETE changed. */
	int64_t (*changes)(struct store *s);
	/* Bulk load (store_copy_*). NULL: store.c runs the INSERT per row.
	 * PostgreSQL: COPY ... FROM STDIN in text format. Between begin and end
	 * no other statement may run on the connection. */
	enum claro_status (*copy_begin)(struct store *s, const char *what, const char *copy_sql,
					struct error *err);
	enum claro_status (*copy_row)(struct store *s, const char *what, const struct store_param *params,
				      size_t n, struct error *err);
	/* ok = 0 aborts the load (the server discards the rows). */
	enum claro_status (*copy_end)(struct store *s, const char *what, int ok, struct error *err);
};

/* Every backend's connection struct starts with this. */
struct store {
	const struct store_driver *driver;
	enum store_backend backend;
	int tx_depth;
};

extern const struct store_driver store_driver_sqlite;
extern const struct store_driver store_driver_postgres;

/* ---- Running statements (store.c) ---------------------------------------- */
enum claro_status store_query(struct store *s, const char *what, const struct store_sql *sql,
			      const struct store_param *params, size_t n, struct store_rows **rows,
			      struct error *err);
enum claro_status store_rows_next(struct store_rows *r, int *has_row, struct error *err);
int store_rows_isnull(struct store_rows *r, int col);
const char *store_rows_text(struct store_rows *r, int col); /* NULL for SQL NULL */
int64_t store_rows_int(struct store_rows *r, int col);      /* booleans read as 1/0 */
const void *store_rows_blob(struct store_rows *r, int col, size_t *len);
void store_rows_free(struct store_rows *r);

/* Run and read the first column of the first row as an integer.
 * *found = 0 (and *out untouched) when there is no row; found may be NULL,
 * then no row is CLARO_ERR_NOT_FOUND with message "could not <what>". */
enum claro_status store_query_int(struct store *s, const char *what, const struct store_sql *sql,
				  const struct store_param *params, size_t n, int64_t *out, int *found,
				  struct error *err);
/* The same for text; *out is allocated (NULL for SQL NULL). */
enum claro_status store_query_text(struct store *s, const char *what, const struct store_sql *sql,
				   const struct store_param *params, size_t n, char **out, int *found,
				   struct error *err);
/* Run and collect the first column of every row as text. */
enum claro_status store_query_strings(struct store *s, const char *what, const struct store_sql *sql,
				      const struct store_param *params, size_t n, struct store_strings *out,
				      struct error *err);
/* Add a copy of str to list. */
enum claro_status store_strings_add(struct store_strings *list, const char *str, struct error *err);

/* Rows the last INSERT, UPDATE or DELETE on s changed. */
int64_t store_changes(struct store *s);

/* ---- Bulk loading -----------------------------------------------------------
 * Rows into one table, as fast as the backend allows: PostgreSQL streams
 * them with COPY FROM STDIN (one round trip per ~64 KiB), SQLite runs the
 * cached INSERT per row. Nothing else may run on the connection between
 * begin and end. Loading staging tables inside a transaction is the use:
 * set-based statements then move the rows on.
 *
 *   static const struct store_sql ins = STORE_SQL("INSERT INTO t (a, b) VALUES ($1, $2)");
 *   store_copy_begin(s, &c, "stage rows", &ins, "COPY t (a, b) FROM STDIN", err);
 *   store_copy_row(&c, params, 2, err) ...;
 *   store_copy_end(&c, ok, err);
 */
struct store_copy {
	struct store *s;
	const char *what;
	const struct store_sql *insert;
	int native; /* the driver's copy_* are in use */
	int open;
};
enum claro_status store_copy_begin(struct store *s, struct store_copy *c, const char *what,
				   const struct store_sql *insert, const char *pg_copy, struct error *err);
enum claro_status store_copy_row(struct store_copy *c, const struct store_param *params, size_t n,
				 struct error *err);
/* ok = 0: abandon (after an error of the caller's); always closes. */
enum claro_status store_copy_end(struct store_copy *c, int ok, struct error *err);

/* End an operation's own transaction: commit when rc is CLARO_OK, else roll
 * back keeping err (the first error) intact. Returns the final status. */
enum claro_status store_finish(struct store *s, enum claro_status rc, struct error *err);

/* Shared error helpers for the backends. */
/* Hint for a statement error: the schema is missing or old, or NULL. */
const char *store_hint_for_missing_relation(void);
enum claro_status store_error_nomem(struct error *err, const char *what);

#endif /* CLARO_CORE_STORE_IMPL_H */
