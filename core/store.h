/* The store: one interface over two databases.
 *
 *   SQLite (embedded default): one file in WAL mode, for one machine.
 *   PostgreSQL (libpq): shared by many clarod processes on many machines,
 *   coordinated by advisory locks where Clair takes them (reference §8.5).
 *
 * A struct store is one database connection. It is not thread-safe: each
 * worker thread opens its own. Nor does it survive fork(): a child opens
 * its own. Every value reaches the database as a bound parameter; no SQL
 * text is ever built from data.
 *
 * Errors follow error.h: the message says what could not be done ("could not
 * register scanner"), the detail carries the database's own error text (with
 * the SQLSTATE on PostgreSQL) and the hint says what to try. Status codes:
 *   CLARO_ERR_STORE      the database failed (the usual case)
 *   CLARO_ERR_NOT_FOUND  a get/delete of something that is not stored
 *   CLARO_ERR_INVALID    data the database rejected (malformed JSON, ...)
 *                        or a misuse (commit without begin, unlock of a
 *                        lock not held)
 *   CLARO_ERR_CONFLICT   a uniqueness or foreign-key rule was broken
 *   CLARO_ERR_BUSY       the database stayed locked past the busy timeout
 *   CLARO_ERR_TIMEOUT    store_lock() gave up waiting
 *   CLARO_ERR_CONFIG     bad parameters to store_open()
 *
 * Times are Unix seconds (int64) in both backends. Every operation that
 * writes more than one row runs in a transaction of its own, nested as a
 * savepoint when the caller already opened one with store_begin().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_STORE_H
#define CLARO_CORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h" /* enum store_backend */
#include "error.h"

struct store; /* one connection; not thread-safe; one per worker thread */

struct store_params {
	enum store_backend backend;     /* STORE_SQLITE / STORE_POSTGRES */
	const char *sqlite_path;        /* SQLite: the database file (created if missing;
	                                   its directory must exist) */
	const char *const *pg_keywords; /* PostgreSQL: NULL-terminated, passed to PQconnectdbParams */
	const char *const *pg_values;
	int pg_expand_dbname; /* 1: a "dbname" value may be a full URI/DSN */
};

/* Connect. SQLite: opens (creating) the file, WAL mode, a busy timeout of
 * STORE_SQLITE_BUSY_TIMEOUT_MS, foreign keys on; a file that is not a
 * SQLite database is refused here. PostgreSQL: connects (application name
 * "claro" unless the conninfo sets one). Does not migrate. */
enum claro_status store_open(struct store **out, const struct store_params *p, struct error *err);
/* Disconnect; releases every lock this connection holds and rolls back an
 * open transaction. NULL is allowed. */
void store_close(struct store *s);

#define STORE_SQLITE_BUSY_TIMEOUT_MS 15000

/* Apply every embedded migration the database lacks, in order, each in its
 * own transaction, recorded in claro_migrations(version, name, applied_at).
 * Serialised against other connections and processes: PostgreSQL holds a
 * session advisory lock on a fixed key for the whole run; SQLite applies
 * each migration inside BEGIN EXCLUSIVE after re-reading the version.
 * Idempotent: a second run applies nothing. A database whose schema is newer
 * than this build knows gives CLARO_ERR_UNSUPPORTED. */
enum claro_status store_migrate(struct store *s, struct error *err);
/* The highest migration applied to the database (0: none, not migrated). */
enum claro_status store_schema_version(struct store *s, int *version, struct error *err);
/* The version store_migrate() brings the database to (the number of
 * embedded migrations for this backend). */
int store_schema_latest(const struct store *s);

/* A trivial round trip (for /readyz).
 * PostgreSQL: a lost connection fails the statement in flight; the next
 * statement reconnects if the session held nothing (no open transaction,
 * no advisory lock). After a loss with locks held, every call fails until
 * store_close(): the locks are gone and the caller must know. */
enum claro_status store_ping(struct store *s, struct error *err);
/* "sqlite" / "postgres" */
const char *store_backend_name(const struct store *s);

/* ---- Transactions --------------------------------------------------------
 * begin/commit/rollback nest: the outermost pair is BEGIN/COMMIT (SQLite:
 * BEGIN IMMEDIATE, so a writer never fails half-way on a lock upgrade), inner
 * ones are savepoints. After a failed statement inside a transaction, roll
 * back (PostgreSQL refuses further statements until then). The operations
 * below undo their own partial work on failure, so a caller's transaction
 * stays usable after one of them fails. */
enum claro_status store_begin(struct store *s, struct error *err);
enum claro_status store_commit(struct store *s, struct error *err);
enum claro_status store_rollback(struct store *s, struct error *err);
/* 0 outside a transaction, else the nesting depth */
int store_tx_depth(const struct store *s);

/* ---- Advisory locks by string key ----------------------------------------
 * Session locks, independent of transactions (a rollback does not drop them),
 * released by store_unlock() or store_close(), and by the death of the
 * holding process. Re-entrant: a connection may take a key it holds again;
 * each take needs one unlock.
 *
 * PostgreSQL: pg_try_advisory_lock(k) where k is the FNV-1a 64-bit hash of
 * the key as a signed bigint, the same keys Clair uses (dblock.Keyify).
 *
 * SQLite has no advisory locks, so the store builds them from two parts:
 *   - a process-local table of held keys (shared by every connection of the
 *     process to the same database file) excludes connections of one
 *     process from each other;
 *   - a POSIX record lock (fcntl F_SETLK) on one byte of a sidecar file
 *     "<database>-lock", at an offset derived from FNV-1a of the key,
 *     excludes other processes.
 * A lock row in a table was the alternative; it was not chosen because a
 * row is part of the caller's transaction (a rollback would drop the lock,
 * and a lock taken inside a write transaction is invisible to others until
 * commit) and a crashed process would leave it behind. The kernel drops
 * record locks when a process dies, as PostgreSQL drops a dead session's
 * advisory locks. For ":memory:" databases only the process-local table
 * applies. */
/* *acquired = 1 when the lock is now held, 0 when another holder has it. */
enum claro_status store_try_lock(struct store *s, const char *key, int *acquired, struct error *err);
/* Wait for the lock, retrying with a backoff from 50 ms doubling to 2 s;
 * timeout_ms < 0 waits forever. CLARO_ERR_TIMEOUT when it did not come. */
enum claro_status store_lock(struct store *s, const char *key, long timeout_ms, struct error *err);
/* CLARO_ERR_INVALID when this connection does not hold key. */
enum claro_status store_unlock(struct store *s, const char *key, struct error *err);
/* FNV-1a 64 of key as a signed 64-bit integer (Clair's advisory lock key). */
int64_t store_lock_key(const char *key);

/* ---- A list of owned strings --------------------------------------------- */
struct store_strings {
	char **v; /* n entries, each owned */
	size_t n;
};
#define STORE_STRINGS_INIT \
	{                  \
		NULL, 0    \
	}
void store_strings_free(struct store_strings *list);

/* ---- Indexer ---------------------------------------------------------------
 * Layers and manifests are identified by digest ("sha256:<hex>"); scanners
 * by the id store_scanner_register() returns. */

/* The id of scanner (name, version, kind), created when first seen. Ids are
 * stable; a new version is a new scanner, so its results are cached apart. */
enum claro_status store_scanner_register(struct store *s, const char *name, const char *version,
					 const char *kind, int64_t *id, struct error *err);

/* Store manifest with its layers in order (a digest may repeat). Creates the
 * layer rows that do not exist. Idempotent for the same digest. manifest_id
 * may be NULL. */
enum claro_status store_manifest_put(struct store *s, const char *manifest, const char *const *layers,
				     size_t n_layers, int64_t *manifest_id, struct error *err);
/* The layer digests of manifest in order. CLARO_ERR_NOT_FOUND when the
 * manifest is not stored. */
enum claro_status store_manifest_layers(struct store *s, const char *manifest, struct store_strings *layers,
					struct error *err);

/* Record that scanner has scanned layer (idempotent). CLARO_ERR_NOT_FOUND
 * when the layer is not stored (put its manifest first). */
enum claro_status store_layer_scanned_mark(struct store *s, const char *layer, int64_t scanner_id,
					   struct error *err);
/* *scanned = 1 when (layer, scanner) was recorded; 0 otherwise, also for a
 * layer that is not stored. */
enum claro_status store_layer_scanned(struct store *s, const char *layer, int64_t scanner_id, int *scanned,
				      struct error *err);
/* The same for (manifest, scanner): IndexFinished marks every scanner used;
 * CheckManifest asks whether all current scanners are marked (*all = 1; also
 * 1 for n == 0 on a stored manifest; 0 for a manifest not stored). */
enum claro_status store_manifest_scanned_mark(struct store *s, const char *manifest,
					      const int64_t *scanner_ids, size_t n, struct error *err);
enum claro_status store_manifest_scanned(struct store *s, const char *manifest, const int64_t *scanner_ids,
					 size_t n, int *all, struct error *err);

/* The IndexReport JSON of manifest: insert or replace (the manifest row is
 * created if missing). Malformed JSON: CLARO_ERR_INVALID. PostgreSQL keeps
 * it as jsonb, so get returns equal JSON, not necessarily the same bytes. */
enum claro_status store_index_report_put(struct store *s, const char *manifest, const char *json,
					 struct error *err);
/* *json is allocated (caller frees). CLARO_ERR_NOT_FOUND when none. */
enum claro_status store_index_report_get(struct store *s, const char *manifest, char **json,
					 struct error *err);
/* Delete only the report (the manifest stays). CLARO_ERR_NOT_FOUND when none. */
enum claro_status store_index_report_delete(struct store *s, const char *manifest, struct error *err);

/* Delete manifests by digest (Clair's DeleteManifests): per digest, under a
 * try-lock on the digest (a manifest being indexed is skipped), in its own
 * transaction, delete the manifest with its report, scanned marks and index
 * rows, then its layers that no other manifest references (with their scan
 * artifacts). deleted lists the digests actually deleted, in input order,
 * each once; deleted_layers the layer digests removed. Either may be NULL;
 * pass them empty (STORE_STRINGS_INIT): they are filled only on success.
 * Digests not stored are not an error. */
enum claro_status store_manifests_delete(struct store *s, const char *const *manifests, size_t n,
					 struct store_strings *deleted, struct store_strings *deleted_layers,
					 struct error *err);

/* ---- Matcher -------------------------------------------------------------- */

struct store_updater_status {
	int64_t last_attempt;           /* Unix seconds */
	int64_t last_success;           /* 0: never succeeded */
	int last_run_succeeded;         /* 1 / 0 */
	char *last_attempt_fingerprint; /* NULL when none */
	char *last_error;               /* NULL after a success */
};
#define STORE_UPDATER_STATUS_INIT   \
	{                           \
		0, 0, 0, NULL, NULL \
	}
void store_updater_status_free(struct store_updater_status *st);

/* Record an updater run at time `when` (Clair's RecordUpdaterStatus):
 * error_text == NULL records a success (last_success = when, last_error
 * cleared); otherwise a failure that keeps last_success. fingerprint may be
 * NULL. */
enum claro_status store_updater_status_record(struct store *s, const char *updater, int64_t when,
					      const char *fingerprint, const char *error_text,
					      struct error *err);
/* CLARO_ERR_NOT_FOUND when the updater never ran. Free with
 * store_updater_status_free(). */
enum claro_status store_updater_status_get(struct store *s, const char *updater,
					   struct store_updater_status *st, struct error *err);

/* *empty = 1 when no vulnerability is stored yet (the matcher answers 202
 * until the first update lands). */
enum claro_status store_vulnerabilities_empty(struct store *s, int *empty, struct error *err);

#endif /* CLARO_CORE_STORE_H */
