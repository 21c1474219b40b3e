/* The advisory store: what updaters bring in and what matchers query
 * (reference §5.1, §6.2, §8.2), on both backends.
 *
 * Data model (sql/sqlite/0002_matcher.sql and its PostgreSQL twin):
 *   update_operation  one run of one updater that changed something: ref
 *                     (uuid), updater, fingerprint, date, kind
 *                     (vulnerability | enrichment)
 *   vuln              write-once rows keyed by a content hash; never updated
 *   uo_vuln           which rows an operation saw: an operation's links are
 *                     the updater's whole snapshot at that time
 *   enrichment (+ enrichment_tag, uo_enrich)   the same for enrichments
 *   latest_update_operations  the newest operation per (updater, kind):
 *                     only those snapshots are visible to matching
 *
 * The content hash (hash_kind "sha256") covers exactly the values a row
 * stores, including the updater, so a row belongs to one updater and an
 * unchanged feed maps to the same rows: re-storing it adds an operation
 * and its links, not rows. (Clair's md5 leaves the updater out; claro puts
 * it in so GC and delta updates can work per updater without sharing rows.)
 *
 * Writing: rows are streamed into a temporary staging table of the
 * connection (PostgreSQL: COPY) as they are added, then one transaction per
 * operation moves them on with set-based statements. Unless the caller has
 * a transaction open, the staging runs in batches of its own that touch
 * only the connection's temporary tables: an updater parsing a large feed
 * for minutes holds no lock other writers wait for (SQLite's write lock is
 * taken by the commit), and memory stays flat however many rows it adds.
 * Vulnerabilities without a package name are skipped, as Clair does.
 * Strings that are not valid UTF-8 are stored with each bad byte replaced
 * by '?', identically on both backends.
 *
 * Concurrency: the updater runner, GC and import take the advisory lock
 * named after the updater (store_try_lock) around their writes for it, so
 * an orphaned row is never collected while a writer is about to re-link it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_STORE_ADVISORY_H
#define CLARO_CORE_STORE_ADVISORY_H

#include <stddef.h>
#include <stdint.h>

#include <claro/plugin.h>

#include "sinks.h"
#include "store.h"

enum store_update_kind { STORE_KIND_VULNERABILITY = 0, STORE_KIND_ENRICHMENT = 1 };
const char *store_update_kind_name(enum store_update_kind kind); /* "vulnerability" / "enrichment" */

#define STORE_REF_LEN 36 /* a uuid's text form */

/* The lock key GC uses (Clair's "garbage-collection"). */
#define STORE_GC_LOCK "garbage-collection"

/* ---- Writing an operation -------------------------------------------------- */

struct store_update_params {
	const char *updater; /* required */
	enum store_update_kind kind;
	const char *fingerprint; /* NULL: "" */
	int64_t date;            /* Unix seconds; 0: now */
	/* Delta (CLARO_UPDATER_DELTA): the new operation also links every row
	 * of the updater's latest operation whose vulnerability name is neither
	 * among the rows added nor among the deletes. Vulnerabilities only. */
	int delta;
};

struct store_update_result {
	int64_t op_id;               /* the new update_operation row */
	char ref[STORE_REF_LEN + 1]; /* its uuid */
	size_t records;              /* rows the operation links (after delta carry) */
	size_t new_rows;             /* rows that were not stored before */
	size_t carried;              /* delta: rows carried from the previous operation */
	size_t skipped;              /* records refused (no package name) */
};

struct store_update_writer; /* one operation being written */

/* Open an operation on s: its rows are staged as they are added (see
 * above); inside a transaction of the caller's, in a savepoint of it opened
 * here. Nothing else may use s until commit or abort. p->date 0: the time of
 * the commit. */
enum claro_status store_update_begin(struct store *s, const struct store_update_params *p,
				     struct store_update_writer **out, struct error *err);
/* Add records. A vulnerability to an enrichment operation (or the
 * reverse) is CLARO_ERR_INVALID. Strings are copied; v->id and v->updater
 * are ignored (the operation's updater is stored). */
enum claro_status store_update_add_vulnerability(struct store_update_writer *w,
						 const struct claro_vulnerability *v, struct error *err);
/* tags: NULL-terminated, at least one; json: one JSON object or array
 * (PostgreSQL stores it as jsonb, SQLite as the text given). */
enum claro_status store_update_add_enrichment(struct store_update_writer *w, const char *const *tags,
					      const char *json, struct error *err);
/* Delta operations: a vulnerability name to drop from the carried rows. */
enum claro_status store_update_add_delete(struct store_update_writer *w, const char *name, struct error *err);
/* Replace the fingerprint given to begin (an updater sets its own while it
 * runs). NULL: "". Not valid UTF-8: CLARO_ERR_INVALID. */
enum claro_status store_update_set_fingerprint(struct store_update_writer *w, const char *fingerprint,
					       struct error *err);
/* Store the operation and commit. On failure everything is rolled back and
 * the staged rows dropped: the previous snapshot stays. Frees w either way;
 * res may be NULL. */
enum claro_status store_update_commit(struct store_update_writer *w, struct store_update_result *res,
				      struct error *err);
/* Drop the staged rows, roll back and free (NULL allowed). */
void store_update_abort(struct store_update_writer *w);

/* A stream for an updater's sink (update_stream_to, sinks.h) adding what
 * the plugin emits to w as it emits it: vulnerabilities to a vulnerability
 * operation, enrichments to an enrichment one (the other kind is not taken).
 * Deletes stay in the sink: add them before the commit. */
struct update_stream store_update_stream(struct store_update_writer *w);

/* ---- Operations -------------------------------------------------------------- */

struct store_update_op {
	int64_t id;
	char ref[STORE_REF_LEN + 1];
	char *updater;
	char *fingerprint; /* "" when the updater set none */
	int64_t date;
	enum store_update_kind kind;
	size_t records; /* rows linked (filled by store_latest_update_ops with_counts only) */
};
void store_update_op_free(struct store_update_op *op); /* frees the strings only */

struct store_update_ops {
	struct store_update_op *v;
	size_t n;
};
void store_update_ops_free(struct store_update_ops *ops);

/* The newest operation of (updater, kind): *found = 0 when there is none. */
enum claro_status store_latest_update_op(struct store *s, const char *updater, enum store_update_kind kind,
					 struct store_update_op *op, int *found, struct error *err);
/* The latest operation of every updater and kind, by updater name; with
 * with_counts, the number of rows each links too (that count reads every
 * link: status screens want it, a vulnerability report does not). */
enum claro_status store_latest_update_ops(struct store *s, int with_counts, struct store_update_ops *out,
					  struct error *err);
/* Every operation of updater (NULL: of all), newest first. */
enum claro_status store_update_ops_list(struct store *s, const char *updater, struct store_update_ops *out,
					struct error *err);
/* *found = 1 when updater has an operation of kind with this fingerprint. */
enum claro_status store_update_op_with_fingerprint(struct store *s, const char *updater,
						   enum store_update_kind kind, const char *fingerprint,
						   int *found, struct error *err);

/* ---- Reading rows -------------------------------------------------------------- */

/* Called per row; the record (and every string in it) is borrowed until the
 * callback returns. v->id is the row id as decimal text, v->updater set.
 * Return non-zero to stop early (the read still succeeds). */
typedef int (*store_vuln_fn)(void *arg, const struct claro_vulnerability *v);
/* tags: NULL-terminated. */
typedef int (*store_enrichment_fn)(void *arg, const char *const *tags, const char *json);

/* The rows operation op_id links, in row id order, read in pages so memory
 * stays bounded whatever the size of the snapshot. */
enum claro_status store_update_op_vulnerabilities(struct store *s, int64_t op_id, store_vuln_fn fn, void *arg,
						  struct error *err);
enum claro_status store_update_op_enrichments(struct store *s, int64_t op_id, store_enrichment_fn fn,
					      void *arg, struct error *err);

/* ---- Matching (reference §6.2) ----------------------------------------------
 * The candidates for one index record among the latest vulnerability
 * snapshots of every updater:
 *   (package_name = record.package.name AND package_kind = its kind)
 *   OR (the same for record.package.source when it has a name)
 * AND one equality per constraint bit (CLARO_MATCH_*, the record's value
 * against the vuln column, '' for a missing distribution or repository):
 *   PACKAGE_MODULE package_module, DIST_DID dist_id, DIST_NAME dist_name,
 *   DIST_VERSION dist_version, DIST_VERSION_CODE_NAME dist_version_code_name,
 *   DIST_VERSION_ID dist_version_id, DIST_ARCH dist_arch, DIST_CPE dist_cpe,
 *   DIST_PRETTY_NAME dist_pretty_name, REPOSITORY_NAME repo_name,
 *   REPOSITORY_KEY repo_key, HAS_FIXED_IN_VERSION fixed_in_version <> ''.
 *   PACKAGE_NAME and PACKAGE_SOURCE_NAME are implied by the base condition.
 * version_filter (a matcher with CLARO_MATCHER_VERSION_FILTER) adds
 *   version_kind = the package's normalized kind AND range_lower <= v
 *   AND v < range_upper (a NULL bound is open), comparing the encoded
 *   normalised version as bytes: rows without a range do not match.
 * A package without a name is CLARO_ERR_INVALID (Clair refuses it too). */
struct store_match_query {
	const struct claro_index_record *record;
	uint32_t constraints; /* CLARO_MATCH_* */
	int version_filter;
};
enum claro_status store_vulnerabilities_match(struct store *s, const struct store_match_query *q,
					      store_vuln_fn fn, void *arg, struct error *err);

/* The queries of many records in one round trip: records[0..n) must agree
 * on every field the constraints select (module, distribution and
 * repository fields; the caller groups them), and may differ in package,
 * source and version. Each record gets exactly the candidates
 * store_vulnerabilities_match would give it (not necessarily in id order);
 * fn(arg, i, v) is called once per (record i, candidate v), rows in the
 * store's order and, within a row, records in index order. Non-zero from fn
 * stops. The version filter is applied
 * here, per record, on the decoded bounds. Keep n modest
 * (STORE_MATCH_BATCH_MAX): PostgreSQL returns the whole result at once. */
#define STORE_MATCH_BATCH_MAX 256
struct store_match_batch {
	const struct claro_index_record *const *records;
	size_t n;
	uint32_t constraints; /* CLARO_MATCH_* */
	int version_filter;
};
typedef int (*store_batch_vuln_fn)(void *arg, size_t i, const struct claro_vulnerability *v);
enum claro_status store_vulnerabilities_match_batch(struct store *s, const struct store_match_batch *b,
						    store_batch_vuln_fn fn, void *arg, struct error *err);

/* One vulnerability by row id (the ids reports carry); CLARO_ERR_NOT_FOUND
 * when it is not stored. */
enum claro_status store_vulnerability_get(struct store *s, int64_t id, store_vuln_fn fn, void *arg,
					  struct error *err);

/* Enrichments of updater with tag in its latest enrichment operation, in row
 * order; fn returns non-zero to stop. json is the stored text (PostgreSQL:
 * jsonb's rendering). */
typedef int (*store_json_fn)(void *arg, const char *json);
enum claro_status store_enrichments_get(struct store *s, const char *updater, const char *tag,
					store_json_fn fn, void *arg, struct error *err);

/* A source for host->enrichment_get() (sinks.h) reading s; valid while s is
 * open. */
struct enrichment_source store_enrichment_source(struct store *s);

/* ---- Status ----------------------------------------------------------------- */

/* One updater as `claroctl updaters status` shows it: its updater_status
 * row and its latest operation, either of which may be missing. */
struct store_updater_summary {
	char *updater;
	int has_status;
	struct store_updater_status status;
	int has_op;
	struct store_update_op op; /* latest, vulnerability or enrichment */
};
struct store_updater_summaries {
	struct store_updater_summary *v;
	size_t n;
};
void store_updater_summaries_free(struct store_updater_summaries *list);
/* A short text that changes whenever store_updater_summaries() would (a new
 * operation, a status row written), read with one cheap query, so a caller
 * can keep a summary until it changes. Allocated. */
enum claro_status store_updater_generation(struct store *s, char **out, struct error *err);
/* Every updater with a status row or an operation, by name; with_counts as
 * store_latest_update_ops. */
enum claro_status store_updater_summaries(struct store *s, int with_counts,
					  struct store_updater_summaries *out, struct error *err);

/* ---- Garbage collection (reference §5.1) --------------------------------------
 * For each updater and kind keep the newest `keep` operations; delete at most
 * `throttle` older ones in this call (Clair: 50), then the vuln and
 * enrichment rows no operation links any more. Per updater, under its
 * advisory lock (an updater being written is skipped this time). The caller
 * holds STORE_GC_LOCK so one process collects at a time. *remaining: the
 * operations still due after this call (call again while > 0). keep < 1 is
 * CLARO_ERR_INVALID. */
#define STORE_GC_THROTTLE 50
struct store_gc_result {
	size_t deleted_ops;
	size_t deleted_vulns;
	size_t deleted_enrichments;
	size_t remaining;
	size_t skipped_busy; /* updaters skipped: their lock was held */
};
enum claro_status store_advisory_gc(struct store *s, int keep, size_t throttle, struct store_gc_result *res,
				    struct error *err);
/* Delete the operation with ref (any case), its links and the rows of its
 * updater no operation links any more, in one transaction: its updater's
 * previous operation of that kind becomes the latest again (Clair's
 * DeleteUpdateOperations, an operator's way back from a bad update).
 * *deleted = 0 when no operation has that ref. */
enum claro_status store_update_op_delete(struct store *s, const char *ref, int *deleted, struct error *err);

/* ---- Helpers shared with the export and the tests --------------------------- */

/* A fresh random (version 4) uuid in text form. */
enum claro_status store_new_ref(char out[STORE_REF_LEN + 1], struct error *err);
/* Counts for tests and diagnostics: every vuln / enrichment row stored. */
enum claro_status store_advisory_counts(struct store *s, int64_t *vulns, int64_t *enrichments, int64_t *ops,
					struct error *err);

/* Severity and arch_op names as the store and the wire write them. */
const char *store_severity_name(enum claro_severity sev);             /* "Unknown" ... "Critical" */
int store_severity_parse(const char *name, enum claro_severity *out); /* 0 ok, -1 unknown */
const char *store_arch_op_name(enum claro_arch_op op);                /* "", "equals", ... */
int store_arch_op_parse(const char *name, enum claro_arch_op *out);

#endif /* CLARO_CORE_STORE_ADVISORY_H */
