/* Store operations for the indexer: scanners, manifests and layers, scan
 * marks, index reports, manifest deletion (reference §3.3, §8.1).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "store_impl.h"
#include "strutil.h"

/* ---- Scanners ---------------------------------------------------------------- */

static const struct store_sql sql_scanner_insert =
    STORE_SQL("INSERT INTO scanner (name, version, kind) VALUES ($1, $2, $3) "
	      "ON CONFLICT (name, kind, version) DO NOTHING RETURNING id");
static const struct store_sql sql_scanner_id =
    STORE_SQL("SELECT id FROM scanner WHERE name = $1 AND version = $2 AND kind = $3");

/* Insert-or-select: the insert returns the id of a new row, the select finds
 * an existing one (also one a concurrent insert just committed). */
static enum claro_status upsert_id(struct store *s, const char *what, const struct store_sql *insert,
				   const struct store_sql *select, const struct store_param *p, size_t n,
				   int64_t *id, struct error *err)
{
	int found = 0;
	enum claro_status rc = store_query_int(s, what, insert, p, n, id, &found, err);

	if (rc != CLARO_OK || found)
		return rc;
	return store_query_int(s, what, select, p, n, id, NULL, err);
}

enum claro_status store_scanner_register(struct store *s, const char *name, const char *version,
					 const char *kind, int64_t *id, struct error *err)
{
	struct store_param p[] = {SP_TEXT(name), SP_TEXT(version), SP_TEXT(kind)};

	return upsert_id(s, "register scanner", &sql_scanner_insert, &sql_scanner_id, p, 3, id, err);
}

/* ---- Manifests and layers ---------------------------------------------------- */

static const struct store_sql sql_manifest_insert =
    STORE_SQL("INSERT INTO manifest (hash) VALUES ($1) ON CONFLICT (hash) DO NOTHING RETURNING id");
static const struct store_sql sql_manifest_id = STORE_SQL("SELECT id FROM manifest WHERE hash = $1");
static const struct store_sql sql_layer_insert =
    STORE_SQL("INSERT INTO layer (hash) VALUES ($1) ON CONFLICT (hash) DO NOTHING RETURNING id");
static const struct store_sql sql_layer_id = STORE_SQL("SELECT id FROM layer WHERE hash = $1");
static const struct store_sql sql_manifest_layer_insert = STORE_SQL(
    "INSERT INTO manifest_layer (manifest_id, layer_id, i) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
static const struct store_sql sql_manifest_layers =
    STORE_SQL("SELECT l.hash FROM manifest_layer ml JOIN layer l ON l.id = ml.layer_id "
	      "WHERE ml.manifest_id = $1 ORDER BY ml.i");

static enum claro_status manifest_upsert(struct store *s, const char *what, const char *manifest, int64_t *id,
					 struct error *err)
{
	struct store_param p[] = {SP_TEXT(manifest)};

	return upsert_id(s, what, &sql_manifest_insert, &sql_manifest_id, p, 1, id, err);
}

static enum claro_status manifest_lookup(struct store *s, const char *what, const char *manifest, int64_t *id,
					 int *found, struct error *err)
{
	struct store_param p[] = {SP_TEXT(manifest)};

	return store_query_int(s, what, &sql_manifest_id, p, 1, id, found, err);
}

static enum claro_status layer_lookup(struct store *s, const char *what, const char *layer, int64_t *id,
				      int *found, struct error *err)
{
	struct store_param p[] = {SP_TEXT(layer)};

	return store_query_int(s, what, &sql_layer_id, p, 1, id, found, err);
}

static enum claro_status bad_digest(struct error *err, const char *what)
{
	error_set(err, CLARO_ERR_INVALID, "could not %s", what);
	error_detail(err, "A digest is missing or empty.");
	return CLARO_ERR_INVALID;
}

static enum claro_status put_layers(struct store *s, int64_t manifest_id, const char *const *layers, size_t n,
				    struct error *err)
{
	enum claro_status rc = CLARO_OK;

	for (size_t i = 0; i < n && rc == CLARO_OK; i++) {
		struct store_param lp[] = {SP_TEXT(layers[i])};
		int64_t layer_id = 0;

		if (!layers[i] || !*layers[i])
			return bad_digest(err, "store manifest");
		rc = upsert_id(s, "store manifest", &sql_layer_insert, &sql_layer_id, lp, 1, &layer_id, err);
		if (rc == CLARO_OK) {
			struct store_param mp[] = {SP_INT(manifest_id), SP_INT(layer_id), SP_INT(i)};
			rc = store_query(s, "store manifest", &sql_manifest_layer_insert, mp, 3, NULL, err);
		}
	}
	return rc;
}

enum claro_status store_manifest_put(struct store *s, const char *manifest, const char *const *layers,
				     size_t n_layers, int64_t *manifest_id, struct error *err)
{
	int64_t id = 0;
	enum claro_status rc;

	if (!manifest || !*manifest)
		return bad_digest(err, "store manifest");
	rc = store_begin(s, err);
	if (rc != CLARO_OK)
		return rc;
	rc = manifest_upsert(s, "store manifest", manifest, &id, err);
	if (rc == CLARO_OK)
		rc = put_layers(s, id, layers, n_layers, err);
	rc = store_finish(s, rc, err);
	if (rc == CLARO_OK && manifest_id)
		*manifest_id = id;
	return rc;
}

static enum claro_status manifest_not_found(struct error *err, const char *what, const char *manifest)
{
	error_set(err, CLARO_ERR_NOT_FOUND, "could not %s", what);
	error_detail(err, "Manifest \"%s\" is not stored.", manifest);
	return CLARO_ERR_NOT_FOUND;
}

enum claro_status store_manifest_layers(struct store *s, const char *manifest, struct store_strings *layers,
					struct error *err)
{
	int64_t id = 0;
	int found = 0;
	enum claro_status rc = manifest_lookup(s, "list manifest layers", manifest, &id, &found, err);

	if (rc != CLARO_OK)
		return rc;
	if (!found)
		return manifest_not_found(err, "list manifest layers", manifest);
	{
		struct store_param p[] = {SP_INT(id)};
		rc = store_query_strings(s, "list manifest layers", &sql_manifest_layers, p, 1, layers, err);
	}
	if (rc != CLARO_OK)
		store_strings_free(layers);
	return rc;
}

/* ---- Scan marks ---------------------------------------------------------------- */

static const struct store_sql sql_layer_scanned_insert =
    STORE_SQL("INSERT INTO scanned_layer (layer_id, scanner_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
static const struct store_sql sql_layer_scanned =
    STORE_SQL("SELECT 1 FROM scanned_layer sl JOIN layer l ON l.id = sl.layer_id "
	      "WHERE l.hash = $1 AND sl.scanner_id = $2");
static const struct store_sql sql_manifest_scanned_insert = STORE_SQL(
    "INSERT INTO scanned_manifest (manifest_id, scanner_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
static const struct store_sql sql_manifest_scanned =
    STORE_SQL("SELECT 1 FROM scanned_manifest WHERE manifest_id = $1 AND scanner_id = $2");

enum claro_status store_layer_scanned_mark(struct store *s, const char *layer, int64_t scanner_id,
					   struct error *err)
{
	const char *what = "mark layer as scanned";
	int64_t layer_id = 0;
	int found = 0;
	enum claro_status rc = layer_lookup(s, what, layer, &layer_id, &found, err);

	if (rc != CLARO_OK)
		return rc;
	if (!found) {
		error_set(err, CLARO_ERR_NOT_FOUND, "could not %s", what);
		error_detail(err, "Layer \"%s\" is not stored.", layer);
		error_hint(err, "Store the manifest holding the layer first.");
		return CLARO_ERR_NOT_FOUND;
	}
	{
		struct store_param p[] = {SP_INT(layer_id), SP_INT(scanner_id)};
		return store_query(s, what, &sql_layer_scanned_insert, p, 2, NULL, err);
	}
}

enum claro_status store_layer_scanned(struct store *s, const char *layer, int64_t scanner_id, int *scanned,
				      struct error *err)
{
	struct store_param p[] = {SP_TEXT(layer), SP_INT(scanner_id)};
	int64_t one = 0;

	*scanned = 0;
	return store_query_int(s, "check whether layer was scanned", &sql_layer_scanned, p, 2, &one, scanned,
			       err);
}

enum claro_status store_manifest_scanned_mark(struct store *s, const char *manifest,
					      const int64_t *scanner_ids, size_t n, struct error *err)
{
	const char *what = "mark manifest as scanned";
	int64_t id = 0;
	int found = 0;
	enum claro_status rc = manifest_lookup(s, what, manifest, &id, &found, err);

	if (rc != CLARO_OK)
		return rc;
	if (!found)
		return manifest_not_found(err, what, manifest);
	rc = store_begin(s, err);
	if (rc != CLARO_OK)
		return rc;
	for (size_t i = 0; i < n && rc == CLARO_OK; i++) {
		struct store_param p[] = {SP_INT(id), SP_INT(scanner_ids[i])};
		rc = store_query(s, what, &sql_manifest_scanned_insert, p, 2, NULL, err);
	}
	return store_finish(s, rc, err);
}

enum claro_status store_manifest_scanned(struct store *s, const char *manifest, const int64_t *scanner_ids,
					 size_t n, int *all, struct error *err)
{
	const char *what = "check whether manifest was scanned";
	int64_t id = 0, one = 0;
	int found = 0;
	enum claro_status rc = manifest_lookup(s, what, manifest, &id, &found, err);

	*all = 0;
	if (rc != CLARO_OK || !found)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct store_param p[] = {SP_INT(id), SP_INT(scanner_ids[i])};
		rc = store_query_int(s, what, &sql_manifest_scanned, p, 2, &one, &found, err);
		if (rc != CLARO_OK || !found)
			return rc;
	}
	*all = 1;
	return CLARO_OK;
}

/* ---- Index reports ---------------------------------------------------------------- */

static const struct store_sql sql_report_upsert =
    STORE_SQL("INSERT INTO indexreport (manifest_id, scan_result) VALUES ($1, $2) "
	      "ON CONFLICT (manifest_id) DO UPDATE SET scan_result = excluded.scan_result");
static const struct store_sql sql_report_get = STORE_SQL(
    "SELECT r.scan_result FROM indexreport r JOIN manifest m ON m.id = r.manifest_id WHERE m.hash = $1");
static const struct store_sql sql_report_delete =
    STORE_SQL("DELETE FROM indexreport WHERE manifest_id = (SELECT id FROM manifest WHERE hash = $1) "
	      "RETURNING manifest_id");

enum claro_status store_index_report_put(struct store *s, const char *manifest, const char *json,
					 struct error *err)
{
	const char *what = "store index report";
	int64_t id = 0;
	enum claro_status rc;

	if (!manifest || !*manifest)
		return bad_digest(err, what);
	rc = store_begin(s, err);
	if (rc != CLARO_OK)
		return rc;
	rc = manifest_upsert(s, what, manifest, &id, err);
	if (rc == CLARO_OK) {
		struct store_param p[] = {SP_INT(id), SP_TEXT(json)};
		rc = store_query(s, what, &sql_report_upsert, p, 2, NULL, err);
	}
	return store_finish(s, rc, err);
}

static enum claro_status report_not_found(struct error *err, const char *what, const char *manifest)
{
	error_set(err, CLARO_ERR_NOT_FOUND, "could not %s", what);
	error_detail(err, "No index report is stored for manifest \"%s\".", manifest);
	return CLARO_ERR_NOT_FOUND;
}

enum claro_status store_index_report_get(struct store *s, const char *manifest, char **json,
					 struct error *err)
{
	const char *what = "load index report";
	struct store_param p[] = {SP_TEXT(manifest)};
	int found = 0;
	enum claro_status rc;

	*json = NULL;
	rc = store_query_text(s, what, &sql_report_get, p, 1, json, &found, err);
	if (rc == CLARO_OK && (!found || !*json)) {
		free(*json);
		*json = NULL;
		return report_not_found(err, what, manifest);
	}
	return rc;
}

enum claro_status store_index_report_delete(struct store *s, const char *manifest, struct error *err)
{
	const char *what = "delete index report";
	struct store_param p[] = {SP_TEXT(manifest)};
	int64_t id = 0;
	int found = 0;
	enum claro_status rc = store_query_int(s, what, &sql_report_delete, p, 1, &id, &found, err);

	if (rc == CLARO_OK && !found)
		return report_not_found(err, what, manifest);
	return rc;
}

/* ---- Deleting manifests ---------------------------------------------------------- */

/* Before the manifest goes (its manifest_layer rows cascade away with it):
 * its layers that no other manifest uses. */
static const struct store_sql sql_layers_delete_unshared =
    STORE_SQL("DELETE FROM layer WHERE id IN ("
	      "  SELECT ml.layer_id FROM manifest_layer ml WHERE ml.manifest_id = $1) "
	      "AND NOT EXISTS ("
	      "  SELECT 1 FROM manifest_layer o WHERE o.layer_id = layer.id AND o.manifest_id <> $1) "
	      "RETURNING hash");
static const struct store_sql sql_manifest_delete = STORE_SQL("DELETE FROM manifest WHERE id = $1");

static int listed(const struct store_strings *list, const char *s)
{
	for (size_t i = 0; list && i < list->n; i++) {
		if (strcmp(list->v[i], s) == 0)
			return 1;
	}
	return 0;
}

/* Delete one manifest in a transaction of its own; *deleted = 1 if it was
 * there. The removed layers are appended to layers. */
static enum claro_status delete_one(struct store *s, const char *manifest, int *deleted,
				    struct store_strings *layers, struct error *err)
{
	const char *what = "delete manifest";
	struct store_strings gone = STORE_STRINGS_INIT;
	int64_t id = 0;
	int found = 0;
	enum claro_status rc = store_begin(s, err);

	*deleted = 0;
	if (rc != CLARO_OK)
		return rc;
	rc = manifest_lookup(s, what, manifest, &id, &found, err);
	if (rc == CLARO_OK && found) {
		struct store_param p[] = {SP_INT(id)};
		rc = store_query_strings(s, what, &sql_layers_delete_unshared, p, 1, &gone, err);
		if (rc == CLARO_OK)
			rc = store_query(s, what, &sql_manifest_delete, p, 1, NULL, err);
	}
	rc = store_finish(s, rc, err);
	if (rc == CLARO_OK && found) {
		*deleted = 1;
		for (size_t i = 0; i < gone.n && rc == CLARO_OK; i++)
			rc = store_strings_add(layers, gone.v[i], err);
	}
	store_strings_free(&gone);
	return rc;
}

enum claro_status store_manifests_delete(struct store *s, const char *const *manifests, size_t n,
					 struct store_strings *deleted, struct store_strings *deleted_layers,
					 struct error *err)
{
	struct store_strings done = STORE_STRINGS_INIT, layers = STORE_STRINGS_INIT;
	enum claro_status rc = CLARO_OK;

	for (size_t i = 0; i < n && rc == CLARO_OK; i++) {
		struct error busy = ERROR_INIT;
		int locked = 0, was_deleted = 0;

		if (!manifests[i] || !*manifests[i] || listed(&done, manifests[i]))
			continue;
		/* A manifest being indexed is skipped, as Clair does. */
		rc = store_try_lock(s, manifests[i], &locked, err);
		if (rc != CLARO_OK || !locked)
			continue;
		rc = delete_one(s, manifests[i], &was_deleted, &layers, err);
		store_unlock(s, manifests[i], &busy);
		error_clear(&busy);
		if (rc == CLARO_OK && was_deleted)
			rc = store_strings_add(&done, manifests[i], err);
	}
	/* Hand results over only on success: the caller gets all or nothing. */
	if (rc == CLARO_OK && deleted) {
		*deleted = done;
		done = (struct store_strings)STORE_STRINGS_INIT;
	}
	if (rc == CLARO_OK && deleted_layers) {
		*deleted_layers = layers;
		layers = (struct store_strings)STORE_STRINGS_INIT;
	}
	store_strings_free(&done);
	store_strings_free(&layers);
	return rc;
}
