/* Retention GC of the advisory store (reference §5.1, claircore's gc.go):
 * keep the newest N operations per updater and kind, delete at most a
 * throttle's worth of older ones per call, then the rows no operation links.
 * Each updater is collected in its own transaction under its advisory lock,
 * so no writer of that updater is between storing a row and linking it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_advisory.h"
#include "store_impl.h"
#include "strutil.h"

static const struct store_sql sql_updaters =
    STORE_SQL("SELECT DISTINCT updater FROM update_operation ORDER BY updater");
/* Operations of (updater, kind) older than its newest $3, oldest first. */
static const struct store_sql sql_due =
    STORE_SQL("SELECT id FROM update_operation WHERE updater = $1 AND kind = $2 AND id < "
	      "(SELECT min(id) FROM (SELECT id FROM update_operation WHERE updater = $1 AND kind = $2 "
	      "ORDER BY id DESC LIMIT $3) AS kept) ORDER BY id");
static const struct store_sql sql_delete_op = STORE_SQL("DELETE FROM update_operation WHERE id = $1");
/* The link tables have no foreign keys (0004_advisory.sql): links go first. */
static const struct store_sql sql_delete_vuln_links = STORE_SQL("DELETE FROM uo_vuln WHERE uo = $1");
static const struct store_sql sql_delete_enrich_links = STORE_SQL("DELETE FROM uo_enrich WHERE uo = $1");
static const struct store_sql sql_orphan_vulns = STORE_SQL(
    "DELETE FROM vuln WHERE updater = $1 AND NOT EXISTS (SELECT 1 FROM uo_vuln u WHERE u.vuln = vuln.id)");
static const struct store_sql sql_orphan_enrichments =
    STORE_SQL("DELETE FROM enrichment WHERE updater = $1 AND NOT EXISTS (SELECT 1 FROM uo_enrich u WHERE "
	      "u.enrich = enrichment.id)");

/* One operation: its links, then its row. */
static enum claro_status delete_op(struct store *s, int64_t id, struct error *err)
{
	struct store_param d[] = {SP_INT(id)};
	enum claro_status rc =
	    store_query(s, "delete an update operation's links", &sql_delete_vuln_links, d, 1, NULL, err);

	if (rc == CLARO_OK)
		rc = store_query(s, "delete an update operation's links", &sql_delete_enrich_links, d, 1,
				 NULL, err);
	if (rc == CLARO_OK)
		rc = store_query(s, "delete an update operation", &sql_delete_op, d, 1, NULL, err);
	return rc;
}

/* The rows of updater no operation links any more. */
static enum claro_status delete_orphans(struct store *s, const char *updater, struct store_gc_result *res,
					struct error *err)
{
	struct store_param p[] = {SP_TEXT(updater)};
	enum claro_status rc =
	    store_query(s, "delete unreferenced vulnerabilities", &sql_orphan_vulns, p, 1, NULL, err);

	if (rc == CLARO_OK) {
		res->deleted_vulns += (size_t)store_changes(s);
		rc = store_query(s, "delete unreferenced enrichments", &sql_orphan_enrichments, p, 1, NULL,
				 err);
	}
	if (rc == CLARO_OK)
		res->deleted_enrichments += (size_t)store_changes(s);
	return rc;
}

/* Collect one updater (its lock held): delete up to *budget due operations,
 * then its orphans. *due: the operations that were due before. */
static enum claro_status collect(struct store *s, const char *updater, size_t *budget, size_t *due,
				 struct store_gc_result *res, int keep, struct error *err)
{
	static const char *const kinds[] = {"vulnerability", "enrichment"};
	size_t deleted = 0;
	enum claro_status rc = store_begin(s, err);

	*due = 0;
	for (size_t k = 0; rc == CLARO_OK && k < 2; k++) {
		struct store_param p[] = {SP_TEXT(updater), SP_TEXT(kinds[k]), SP_INT(keep)};
		struct store_strings ids = STORE_STRINGS_INIT;

		rc = store_query_strings(s, "find update operations past retention", &sql_due, p, 3, &ids,
					 err);
		*due += ids.n;
		for (size_t i = 0; rc == CLARO_OK && i<ids.n && * budget> 0; i++) {
			int64_t id = 0;

			if (parse_int64(ids.v[i], &id) != CLARO_OK)
				continue;
			rc = delete_op(s, id, err);
			if (rc == CLARO_OK) {
				deleted++;
				(*budget)--;
			}
		}
		store_strings_free(&ids);
	}
	if (rc == CLARO_OK && deleted > 0)
		rc = delete_orphans(s, updater, res, err);
	rc = store_finish(s, rc, err);
	if (rc == CLARO_OK) {
		res->deleted_ops += deleted;
		*due -= deleted;
	}
	return rc;
}

enum claro_status store_advisory_gc(struct store *s, int keep, size_t throttle, struct store_gc_result *res,
				    struct error *err)
{
	struct store_strings updaters = STORE_STRINGS_INIT;
	size_t budget = throttle ? throttle : STORE_GC_THROTTLE;
	enum claro_status rc;

	memset(res, 0, sizeof(*res));
	if (keep < 1) {
		error_set(err, CLARO_ERR_INVALID, "could not collect old update operations");
		error_detail(err, "The retention is %d; at least the newest operation must be kept.", keep);
		error_hint(err, "Set [updaters] retention to 2 or more, or 0 to turn GC off.");
		return CLARO_ERR_INVALID;
	}
	rc = store_query_strings(s, "list updaters", &sql_updaters, NULL, 0, &updaters, err);
	for (size_t i = 0; rc == CLARO_OK && i < updaters.n; i++) {
		struct error ignored = ERROR_INIT;
		int acquired = 0;
		size_t due = 0;

		rc = store_try_lock(s, updaters.v[i], &acquired, err);
		if (rc != CLARO_OK)
			break;
		if (!acquired) {
			res->skipped_busy++;
			log_debug("gc: updater %s is being written elsewhere; collected next time",
				  updaters.v[i]);
			continue;
		}
		rc = collect(s, updaters.v[i], &budget, &due, res, keep, err);
		res->remaining += due;
		store_unlock(s, updaters.v[i], &ignored);
		error_clear(&ignored);
	}
	store_strings_free(&updaters);
	return rc;
}

static const struct store_sql sql_op_by_ref =
    STORE_SQL("SELECT id, updater FROM update_operation WHERE lower(ref) = lower($1)");

enum claro_status store_update_op_delete(struct store *s, const char *ref, int *deleted, struct error *err)
{
	struct store_param p[] = {SP_TEXT(ref)};
	struct store_gc_result res;
	struct store_rows *rows = NULL;
	char *updater = NULL;
	int64_t id = 0;
	int has_row = 0;
	enum claro_status rc;

	*deleted = 0;
	memset(&res, 0, sizeof(res));
	if ((rc = store_begin(s, err)) != CLARO_OK)
		return rc;
	rc = store_query(s, "find an update operation", &sql_op_by_ref, p, 1, &rows, err);
	if (rc == CLARO_OK && (rc = store_rows_next(rows, &has_row, err)) == CLARO_OK && has_row) {
		id = store_rows_int(rows, 0);
		if (!(updater = str_dup(store_rows_text(rows, 1) ? store_rows_text(rows, 1) : "")))
			rc = store_error_nomem(err, "delete an update operation");
	}
	store_rows_free(rows);
	if (rc == CLARO_OK && has_row)
		rc = delete_op(s, id, err);
	if (rc == CLARO_OK && has_row)
		rc = delete_orphans(s, updater, &res, err);
	rc = store_finish(s, rc, err);
	*deleted = rc == CLARO_OK && has_row;
	free(updater);
	return rc;
}
