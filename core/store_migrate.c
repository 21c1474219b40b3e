/* Schema migrations: apply the embedded numbered migrations a database
 * lacks, each in its own transaction, recorded in claro_migrations.
 *
 * Concurrency: PostgreSQL connections queue on one session advisory lock
 * for the whole run. SQLite has no such lock, so each migration starts with
 * BEGIN EXCLUSIVE and re-reads the version inside it: a connection that
 * waited finds the work done and applies nothing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "store_impl.h"
#include "store_migrations.h"

static const struct store_sql sql_create_table = {"CREATE TABLE IF NOT EXISTS claro_migrations ("
						  "version INTEGER PRIMARY KEY, "
						  "name TEXT NOT NULL, "
						  "applied_at BIGINT NOT NULL)",
						  NULL, STORE_SQL_NOCACHE};
static const struct store_sql sql_table_exists =
    STORE_SQL2("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'claro_migrations'",
	       "SELECT 1 WHERE to_regclass('claro_migrations') IS NOT NULL");
/* Not cached: the table may not exist yet when a connection first asks. */
static const struct store_sql sql_version = {"SELECT coalesce(max(version), 0) FROM claro_migrations", NULL,
					     STORE_SQL_NOCACHE};
static const struct store_sql sql_record =
    STORE_SQL("INSERT INTO claro_migrations (version, name, applied_at) VALUES ($1, $2, $3)");

static const struct store_migration *migrations_of(const struct store *s)
{
	return s->backend == STORE_POSTGRES ? store_migrations_postgres : store_migrations_sqlite;
}

int store_schema_latest(const struct store *s)
{
	const struct store_migration *m = migrations_of(s);
	int n = 0;

	while (m[n].version != 0)
		n++;
	return n;
}

enum claro_status store_schema_version(struct store *s, int *version, struct error *err)
{
	int64_t v = 0;
	int found = 0;
	enum claro_status rc;

	*version = 0;
	rc = store_query_int(s, "read the schema version", &sql_table_exists, NULL, 0, &v, &found, err);
	if (rc != CLARO_OK || !found)
		return rc;
	rc = store_query_int(s, "read the schema version", &sql_version, NULL, 0, &v, NULL, err);
	if (rc == CLARO_OK)
		*version = (int)v;
	return rc;
}

/* The embedded list must be 1, 2, 3, ... (sql/local.mk lists the files). */
static enum claro_status check_list(const struct store *s, struct error *err)
{
	const struct store_migration *m = migrations_of(s);

	for (int i = 0; m[i].version != 0; i++) {
		if (m[i].version != i + 1) {
			error_set(err, CLARO_ERR_INTERNAL, "could not migrate store");
			error_detail(
			    err,
			    "The embedded %s migrations are not numbered 1, 2, 3, ...: \"%s\" is number %d.",
			    store_backend_name(s), m[i].name, i + 1);
			error_hint(err, "Fix the file names under sql/%s/ and rebuild.",
				   store_backend_name(s));
			return CLARO_ERR_INTERNAL;
		}
	}
	return CLARO_OK;
}

static enum claro_status too_new(struct store *s, int64_t current, struct error *err)
{
	error_set(err, CLARO_ERR_UNSUPPORTED, "could not migrate store");
	error_detail(err,
		     "The database schema is at version %" PRId64
		     ", newer than version %d that this claro knows.",
		     current, store_schema_latest(s));
	error_hint(err, "Run a claro at least as new as the one that last migrated this database.");
	return CLARO_ERR_UNSUPPORTED;
}

/* One migration in its own transaction; *applied = 1 when it ran here. */
static enum claro_status apply_one(struct store *s, const struct store_migration *m, int *applied,
				   struct error *err)
{
	int64_t current = 0;
	enum claro_status rc;

	*applied = 0;
	rc = store_query(s, "begin migration", s->driver->migrate_begin, NULL, 0, NULL, err);
	if (rc != CLARO_OK)
		return rc;
	s->tx_depth = 1;
	rc = store_query(s, "create the migrations table", &sql_create_table, NULL, 0, NULL, err);
	if (rc == CLARO_OK)
		rc =
		    store_query_int(s, "read the schema version", &sql_version, NULL, 0, &current, NULL, err);
	if (rc == CLARO_OK && current > store_schema_latest(s))
		rc = too_new(s, current, err);
	if (rc == CLARO_OK && current < m->version) {
		struct store_param p[] = {SP_INT(m->version), SP_TEXT(m->name), SP_INT(time(NULL))};
		char what[128];

		snprintf(what, sizeof(what), "apply migration %s", m->name);
		rc = s->driver->script(s, what, m->sql, err);
		if (rc == CLARO_OK)
			rc = store_query(s, "record the migration", &sql_record, p, 3, NULL, err);
		*applied = rc == CLARO_OK;
	}
	return store_finish(s, rc, err);
}

enum claro_status store_migrate(struct store *s, struct error *err)
{
	const struct store_migration *m = migrations_of(s);
	enum claro_status rc;
	int applied, n_applied = 0, current = 0;

	if (s->tx_depth != 0) {
		error_set(err, CLARO_ERR_INVALID, "could not migrate store");
		error_detail(err, "A transaction is open on this connection.");
		error_hint(err, "Migrate on a fresh connection; this is a bug in the caller.");
		return CLARO_ERR_INVALID;
	}
	rc = check_list(s, err);
	if (rc != CLARO_OK)
		return rc;
	/* The usual start: nothing to do, and no need to queue for the lock. */
	rc = store_schema_version(s, &current, err);
	if (rc != CLARO_OK)
		return rc;
	if (current > store_schema_latest(s))
		return too_new(s, current, err);
	if (current == store_schema_latest(s)) {
		log_debug("store: %s schema is up to date (version %d)", store_backend_name(s), current);
		return CLARO_OK;
	}
	rc = s->driver->migrate_lock(s, err);
	if (rc != CLARO_OK)
		return rc;
	for (; rc == CLARO_OK && m->version != 0; m++) {
		if (m->version <= current)
			continue; /* re-checked under the lock otherwise */
		rc = apply_one(s, m, &applied, err);
		if (rc == CLARO_OK && applied) {
			n_applied++;
			log_info("store: applied %s migration %s", store_backend_name(s), m->name);
		}
	}
	s->driver->migrate_unlock(s);
	if (rc == CLARO_OK && n_applied == 0)
		log_debug("store: another connection migrated the %s schema meanwhile",
			  store_backend_name(s));
	return rc;
}
