/* Store operations for the matcher and the updaters: updater status and
 * whether any vulnerability is stored yet (reference §5.1, §8.2).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdlib.h>

#include "store_impl.h"
#include "strutil.h"

static const struct store_sql sql_status_success =
    STORE_SQL("INSERT INTO updater_status (updater_name, last_attempt, last_success, last_run_succeeded, "
	      "last_attempt_fingerprint, last_error) VALUES ($1, $2, $2, TRUE, $3, NULL) "
	      "ON CONFLICT (updater_name) DO UPDATE SET last_attempt = excluded.last_attempt, "
	      "last_success = excluded.last_success, last_run_succeeded = TRUE, "
	      "last_attempt_fingerprint = excluded.last_attempt_fingerprint, last_error = NULL");
/* A failure keeps the time of the last success. */
static const struct store_sql sql_status_failure =
    STORE_SQL("INSERT INTO updater_status (updater_name, last_attempt, last_success, last_run_succeeded, "
	      "last_attempt_fingerprint, last_error) VALUES ($1, $2, NULL, FALSE, $3, $4) "
	      "ON CONFLICT (updater_name) DO UPDATE SET last_attempt = excluded.last_attempt, "
	      "last_run_succeeded = FALSE, last_attempt_fingerprint = excluded.last_attempt_fingerprint, "
	      "last_error = excluded.last_error");
static const struct store_sql sql_status_get =
    STORE_SQL("SELECT last_attempt, last_success, last_run_succeeded, last_attempt_fingerprint, last_error "
	      "FROM updater_status WHERE updater_name = $1");
static const struct store_sql sql_any_vuln = STORE_SQL("SELECT 1 FROM vuln LIMIT 1");

enum claro_status store_updater_status_record(struct store *s, const char *updater, int64_t when,
					      const char *fingerprint, const char *error_text,
					      struct error *err)
{
	const char *what = "record updater status";

	if (!updater || !*updater) {
		error_set(err, CLARO_ERR_INVALID, "could not %s", what);
		error_detail(err, "The updater name is empty.");
		return CLARO_ERR_INVALID;
	}
	if (!error_text) {
		struct store_param p[] = {SP_TEXT(updater), SP_INT(when), SP_TEXT(fingerprint)};
		return store_query(s, what, &sql_status_success, p, 3, NULL, err);
	} else {
		struct store_param p[] = {SP_TEXT(updater), SP_INT(when), SP_TEXT(fingerprint),
					  SP_TEXT(error_text)};
		return store_query(s, what, &sql_status_failure, p, 4, NULL, err);
	}
}

void store_updater_status_free(struct store_updater_status *st)
{
	if (!st)
		return;
	free(st->last_attempt_fingerprint);
	free(st->last_error);
	*st = (struct store_updater_status)STORE_UPDATER_STATUS_INIT;
}

static enum claro_status copy_text(struct store_rows *rows, int col, char **out, struct error *err)
{
	const char *text = store_rows_text(rows, col);

	*out = NULL;
	if (text && !(*out = str_dup(text)))
		return store_error_nomem(err, "load updater status");
	return CLARO_OK;
}

enum claro_status store_updater_status_get(struct store *s, const char *updater,
					   struct store_updater_status *st, struct error *err)
{
	const char *what = "load updater status";
	struct store_param p[] = {SP_TEXT(updater)};
	struct store_rows *rows = NULL;
	int has_row = 0;
	enum claro_status rc;

	*st = (struct store_updater_status)STORE_UPDATER_STATUS_INIT;
	rc = store_query(s, what, &sql_status_get, p, 1, &rows, err);
	if (rc == CLARO_OK)
		rc = store_rows_next(rows, &has_row, err);
	if (rc == CLARO_OK && has_row) {
		st->last_attempt = store_rows_int(rows, 0);
		st->last_success = store_rows_isnull(rows, 1) ? 0 : store_rows_int(rows, 1);
		st->last_run_succeeded = store_rows_int(rows, 2) != 0;
		rc = copy_text(rows, 3, &st->last_attempt_fingerprint, err);
		if (rc == CLARO_OK)
			rc = copy_text(rows, 4, &st->last_error, err);
		if (rc != CLARO_OK)
			store_updater_status_free(st);
	} else if (rc == CLARO_OK) {
		error_set(err, CLARO_ERR_NOT_FOUND, "could not %s", what);
		error_detail(err, "Updater \"%s\" has no recorded run.", updater);
		rc = CLARO_ERR_NOT_FOUND;
	}
	store_rows_free(rows);
	return rc;
}

enum claro_status store_vulnerabilities_empty(struct store *s, int *empty, struct error *err)
{
	int64_t one = 0;
	int found = 0;
	enum claro_status rc =
	    store_query_int(s, "check for vulnerabilities", &sql_any_vuln, NULL, 0, &one, &found, err);

	*empty = rc == CLARO_OK && !found;
	return rc;
}
