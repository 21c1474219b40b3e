/* Store operations for scan artifacts and the reverse index (see
 * store_artifacts.h). One SQL text serves both backends.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "sinks.h"
#include "store_artifacts.h"
#include "store_impl.h"

#define S(v) ((v) ? (v) : "")

void store_norm_version_encode(const struct claro_normalized_version *v,
			       unsigned char out[STORE_NORM_VERSION_BYTES])
{
	for (int i = 0; i < CLARO_NORM_VERSION_LEN; i++) {
		uint32_t u = (uint32_t)v->v[i] ^ 0x80000000u;
		out[4 * i] = (unsigned char)(u >> 24);
		out[4 * i + 1] = (unsigned char)(u >> 16);
		out[4 * i + 2] = (unsigned char)(u >> 8);
		out[4 * i + 3] = (unsigned char)u;
	}
}

void store_norm_version_decode(const unsigned char in[STORE_NORM_VERSION_BYTES],
			       int32_t v[CLARO_NORM_VERSION_LEN])
{
	for (int i = 0; i < CLARO_NORM_VERSION_LEN; i++) {
		uint32_t u = ((uint32_t)in[4 * i] << 24) | ((uint32_t)in[4 * i + 1] << 16) |
			     ((uint32_t)in[4 * i + 2] << 8) | (uint32_t)in[4 * i + 3];
		v[i] = (int32_t)(u ^ 0x80000000u);
	}
}

/* Insert-or-select (the insert returns the id of a new row only). */
static enum claro_status upsert_id(struct store *s, const char *what, const struct store_sql *insert,
				   const struct store_param *ip, size_t in, const struct store_sql *select,
				   const struct store_param *sp, size_t sn, int64_t *id, struct error *err)
{
	int found = 0;
	enum claro_status rc = store_query_int(s, what, insert, ip, in, id, &found, err);

	if (rc != CLARO_OK || found)
		return rc;
	return store_query_int(s, what, select, sp, sn, id, NULL, err);
}

/* ---- package, dist, repo, file rows ---- */

static const struct store_sql sql_package_insert =
    STORE_SQL("INSERT INTO package (name, version, kind, module, arch, norm_kind, norm_version) "
	      "VALUES ($1, $2, $3, $4, $5, $6, $7) "
	      "ON CONFLICT (name, version, kind, module, arch) DO NOTHING RETURNING id");
static const struct store_sql sql_package_id = STORE_SQL(
    "SELECT id FROM package WHERE name = $1 AND version = $2 AND kind = $3 AND module = $4 AND arch = $5");

enum claro_status store_package_id(struct store *s, const struct claro_package *pkg, int64_t *id,
				   struct error *err)
{
	static const struct claro_package empty = {sizeof(struct claro_package),
						   NULL,
						   NULL,
						   NULL,
						   NULL,
						   NULL,
						   NULL,
						   NULL,
						   NULL,
						   NULL,
						   NULL,
						   {NULL, {0}}};
	unsigned char norm[STORE_NORM_VERSION_BYTES];
	const char *nkind;

	if (!pkg)
		pkg = &empty;
	nkind = S(pkg->normalized_version.kind);
	store_norm_version_encode(&pkg->normalized_version, norm);
	{
		struct store_param p[] = {SP_TEXT(S(pkg->name)),
					  SP_TEXT(S(pkg->version)),
					  SP_TEXT(S(pkg->kind)),
					  SP_TEXT(S(pkg->module)),
					  SP_TEXT(S(pkg->arch)),
					  SP_TEXT(nkind),
					  *nkind ? SP_BLOB(norm, sizeof(norm)) : SP_NULL};
		return upsert_id(s, "store package", &sql_package_insert, p, 7, &sql_package_id, p, 5, id,
				 err);
	}
}

static const struct store_sql sql_dist_insert =
    STORE_SQL("INSERT INTO dist (name, did, version, version_code_name, version_id, arch, cpe, pretty_name) "
	      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
	      "ON CONFLICT (name, did, version, version_code_name, version_id, arch, cpe, pretty_name) DO "
	      "NOTHING RETURNING id");
static const struct store_sql sql_dist_id =
    STORE_SQL("SELECT id FROM dist WHERE name = $1 AND did = $2 AND version = $3 AND version_code_name = $4 "
	      "AND version_id = $5 AND arch = $6 AND cpe = $7 AND pretty_name = $8");

enum claro_status store_distribution_id(struct store *s, const struct claro_distribution *d, int64_t *id,
					struct error *err)
{
	struct store_param p[] = {SP_TEXT(S(d->name)),       SP_TEXT(S(d->did)),
				  SP_TEXT(S(d->version)),    SP_TEXT(S(d->version_code_name)),
				  SP_TEXT(S(d->version_id)), SP_TEXT(S(d->arch)),
				  SP_TEXT(S(d->cpe)),        SP_TEXT(S(d->pretty_name))};

	return upsert_id(s, "store distribution", &sql_dist_insert, p, 8, &sql_dist_id, p, 8, id, err);
}

static const struct store_sql sql_repo_insert =
    STORE_SQL("INSERT INTO repo (name, key, uri, cpe) VALUES ($1, $2, $3, $4) "
	      "ON CONFLICT (name, key, uri) DO NOTHING RETURNING id");
static const struct store_sql sql_repo_id =
    STORE_SQL("SELECT id FROM repo WHERE name = $1 AND key = $2 AND uri = $3");

enum claro_status store_repository_id(struct store *s, const struct claro_repository *r, int64_t *id,
				      struct error *err)
{
	struct store_param p[] = {SP_TEXT(S(r->name)), SP_TEXT(S(r->key)), SP_TEXT(S(r->uri)),
				  SP_TEXT(S(r->cpe))};

	return upsert_id(s, "store repository", &sql_repo_insert, p, 4, &sql_repo_id, p, 3, id, err);
}

static const struct store_sql sql_file_insert = STORE_SQL(
    "INSERT INTO file (path, kind) VALUES ($1, $2) ON CONFLICT (path, kind) DO NOTHING RETURNING id");
static const struct store_sql sql_file_id = STORE_SQL("SELECT id FROM file WHERE path = $1 AND kind = $2");

static enum claro_status file_id(struct store *s, const struct claro_file_record *f, int64_t *id,
				 struct error *err)
{
	struct store_param p[] = {SP_TEXT(S(f->path)), SP_TEXT(S(f->kind))};

	return upsert_id(s, "store file", &sql_file_insert, p, 2, &sql_file_id, p, 2, id, err);
}

/* ---- scan artifacts ---- */

static const struct store_sql sql_layer_id = STORE_SQL("SELECT id FROM layer WHERE hash = $1");
static const struct store_sql sql_pkg_artifact =
    STORE_SQL("INSERT INTO package_scanartifact (layer_id, package_id, source_id, scanner_id, package_db, "
	      "repository_hint, "
	      "filepath) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING");
static const struct store_sql sql_dist_artifact =
    STORE_SQL("INSERT INTO dist_scanartifact (layer_id, dist_id, scanner_id) VALUES ($1, $2, $3) ON CONFLICT "
	      "DO NOTHING");
static const struct store_sql sql_repo_artifact =
    STORE_SQL("INSERT INTO repo_scanartifact (layer_id, repo_id, scanner_id) VALUES ($1, $2, $3) ON CONFLICT "
	      "DO NOTHING");
static const struct store_sql sql_file_artifact =
    STORE_SQL("INSERT INTO file_scanartifact (layer_id, file_id, scanner_id) VALUES ($1, $2, $3) ON CONFLICT "
	      "DO NOTHING");

static enum claro_status put_packages(struct store *s, int64_t layer_id, int64_t scanner_id,
				      const struct claro_scan_result *r, struct error *err)
{
	enum claro_status rc = CLARO_OK;

	for (size_t i = 0; rc == CLARO_OK && i < scan_result_n_packages(r); i++) {
		const struct claro_package *pkg = scan_result_package(r, i);
		int64_t pid = 0, sid = 0;

		rc = store_package_id(s, pkg, &pid, err);
		if (rc == CLARO_OK)
			rc = store_package_id(s, pkg->source, &sid, err);
		if (rc == CLARO_OK) {
			struct store_param p[] = {SP_INT(layer_id),
						  SP_INT(pid),
						  SP_INT(sid),
						  SP_INT(scanner_id),
						  SP_TEXT(S(pkg->package_db)),
						  SP_TEXT(S(pkg->repository_hint)),
						  SP_TEXT(S(pkg->filepath))};
			rc = store_query(s, "store package artifact", &sql_pkg_artifact, p, 7, NULL, err);
		}
	}
	return rc;
}

static enum claro_status put_artifact(struct store *s, const struct store_sql *sql, int64_t layer_id,
				      int64_t id, int64_t scanner_id, struct error *err)
{
	struct store_param p[] = {SP_INT(layer_id), SP_INT(id), SP_INT(scanner_id)};

	return store_query(s, "store scan artifact", sql, p, 3, NULL, err);
}

static enum claro_status put_others(struct store *s, int64_t layer_id, int64_t scanner_id,
				    const struct claro_scan_result *r,
				    const struct claro_repository *default_repo, struct error *err)
{
	enum claro_status rc = CLARO_OK;
	int64_t id = 0;

	for (size_t i = 0; rc == CLARO_OK && i < scan_result_n_distributions(r); i++) {
		rc = store_distribution_id(s, scan_result_distribution(r, i), &id, err);
		if (rc == CLARO_OK)
			rc = put_artifact(s, &sql_dist_artifact, layer_id, id, scanner_id, err);
	}
	for (size_t i = 0; rc == CLARO_OK && i < scan_result_n_repositories(r); i++) {
		rc = store_repository_id(s, scan_result_repository(r, i), &id, err);
		if (rc == CLARO_OK)
			rc = put_artifact(s, &sql_repo_artifact, layer_id, id, scanner_id, err);
	}
	if (rc == CLARO_OK && default_repo && scan_result_n_packages(r) > 0) {
		rc = store_repository_id(s, default_repo, &id, err);
		if (rc == CLARO_OK)
			rc = put_artifact(s, &sql_repo_artifact, layer_id, id, scanner_id, err);
	}
	for (size_t i = 0; rc == CLARO_OK && i < scan_result_n_files(r); i++) {
		rc = file_id(s, scan_result_file(r, i), &id, err);
		if (rc == CLARO_OK)
			rc = put_artifact(s, &sql_file_artifact, layer_id, id, scanner_id, err);
	}
	return rc;
}

static enum claro_status layer_id_of(struct store *s, const char *layer, int64_t *id, struct error *err)
{
	struct store_param p[] = {SP_TEXT(layer)};
	int found = 0;
	enum claro_status rc = store_query_int(s, "look up layer", &sql_layer_id, p, 1, id, &found, err);

	if (rc == CLARO_OK && !found) {
		error_set(err, CLARO_ERR_NOT_FOUND, "could not look up layer");
		error_detail(err, "Layer \"%s\" is not stored.", layer);
		error_hint(err, "Store the manifest holding the layer first.");
		return CLARO_ERR_NOT_FOUND;
	}
	return rc;
}

enum claro_status store_scan_artifacts_put(struct store *s, const char *layer, int64_t scanner_id,
					   const struct claro_scan_result *r,
					   const struct claro_repository *default_repo, struct error *err)
{
	int64_t layer_id = 0;
	enum claro_status rc = layer_id_of(s, layer, &layer_id, err);

	if (rc != CLARO_OK)
		return rc;
	rc = store_begin(s, err);
	if (rc != CLARO_OK)
		return rc;
	rc = put_packages(s, layer_id, scanner_id, r, err);
	if (rc == CLARO_OK)
		rc = put_others(s, layer_id, scanner_id, r, default_repo, err);
	if (rc == CLARO_OK)
		rc = store_layer_scanned_mark(s, layer, scanner_id, err);
	return store_finish(s, rc, err);
}

/* ---- loading a layer's artifacts ---- */

#define PKG_COLS(t) \
	t ".name, " t ".version, " t ".kind, " t ".module, " t ".arch, " t ".norm_kind, " t ".norm_version"
static const struct store_sql sql_pkg_load = STORE_SQL("SELECT " PKG_COLS("p") ", " PKG_COLS(
    "src") ", a.package_db, a.repository_hint, a.filepath "
	   "FROM package_scanartifact a JOIN package p ON p.id = a.package_id JOIN package src ON src.id = "
	   "a.source_id "
	   "WHERE a.layer_id = $1 AND a.scanner_id = $2 "
	   "ORDER BY a.package_id, a.source_id, a.package_db, a.repository_hint");
static const struct store_sql sql_dist_load = STORE_SQL(
    "SELECT d.name, d.did, d.version, d.version_code_name, d.version_id, d.arch, d.cpe, d.pretty_name "
    "FROM dist_scanartifact a JOIN dist d ON d.id = a.dist_id WHERE a.layer_id = $1 AND a.scanner_id = $2 "
    "ORDER BY d.id");
static const struct store_sql sql_repo_load =
    STORE_SQL("SELECT r.name, r.key, r.uri, r.cpe FROM repo_scanartifact a JOIN repo r ON r.id = a.repo_id "
	      "WHERE a.layer_id = $1 AND a.scanner_id = $2 ORDER BY r.id");
static const struct store_sql sql_file_load =
    STORE_SQL("SELECT f.path, f.kind FROM file_scanartifact a JOIN file f ON f.id = a.file_id "
	      "WHERE a.layer_id = $1 AND a.scanner_id = $2 ORDER BY f.id");

static const char *col(struct store_rows *rows, int c)
{
	const char *t = store_rows_text(rows, c);
	return t && *t ? t : NULL;
}

/* Columns c..c+6 of a PKG_COLS list into pkg (strings borrowed from the row). */
static void row_package(struct store_rows *rows, int c, struct claro_package *pkg)
{
	size_t len = 0;
	const void *blob;

	memset(pkg, 0, sizeof(*pkg));
	pkg->struct_size = sizeof(*pkg);
	pkg->name = col(rows, c);
	pkg->version = col(rows, c + 1);
	pkg->kind = col(rows, c + 2);
	pkg->module = col(rows, c + 3);
	pkg->arch = col(rows, c + 4);
	pkg->normalized_version.kind = col(rows, c + 5);
	blob = store_rows_isnull(rows, c + 6) ? NULL : store_rows_blob(rows, c + 6, &len);
	if (blob && len == STORE_NORM_VERSION_BYTES)
		store_norm_version_decode(blob, pkg->normalized_version.v);
}

static enum claro_status load_packages(struct store *s, int64_t layer_id, int64_t scanner_id,
				       struct claro_scan_result *out, struct error *err)
{
	struct store_param p[] = {SP_INT(layer_id), SP_INT(scanner_id)};
	struct store_rows *rows = NULL;
	int has = 0;
	enum claro_status rc = store_query(s, "load package artifacts", &sql_pkg_load, p, 2, &rows, err);

	while (rc == CLARO_OK && (rc = store_rows_next(rows, &has, err)) == CLARO_OK && has) {
		struct claro_package pkg, src;

		row_package(rows, 0, &pkg);
		row_package(rows, 7, &src);
		pkg.package_db = col(rows, 14);
		pkg.repository_hint = col(rows, 15);
		pkg.filepath = col(rows, 16);
		pkg.source = src.name || src.version ? &src : NULL; /* the shared empty row is "no source" */
		rc = scan_result_add_package(out, &pkg, err);
	}
	if (rows)
		store_rows_free(rows);
	return rc;
}

static enum claro_status load_others(struct store *s, int64_t layer_id, int64_t scanner_id,
				     struct claro_scan_result *out, struct error *err)
{
	struct store_param p[] = {SP_INT(layer_id), SP_INT(scanner_id)};
	struct store_rows *rows = NULL;
	int has = 0;
	enum claro_status rc =
	    store_query(s, "load distribution artifacts", &sql_dist_load, p, 2, &rows, err);

	while (rc == CLARO_OK && (rc = store_rows_next(rows, &has, err)) == CLARO_OK && has) {
		struct claro_distribution d = {sizeof(d),    col(rows, 1), col(rows, 0),
					       col(rows, 2), col(rows, 3), col(rows, 4),
					       col(rows, 5), col(rows, 6), col(rows, 7)};
		rc = scan_result_add_distribution(out, &d, err);
	}
	if (rows)
		store_rows_free(rows);
	rows = NULL;
	if (rc == CLARO_OK)
		rc = store_query(s, "load repository artifacts", &sql_repo_load, p, 2, &rows, err);
	while (rc == CLARO_OK && (rc = store_rows_next(rows, &has, err)) == CLARO_OK && has) {
		struct claro_repository r = {sizeof(r), col(rows, 0), col(rows, 1), col(rows, 2),
					     col(rows, 3)};
		rc = scan_result_add_repository(out, &r, err);
	}
	if (rows)
		store_rows_free(rows);
	rows = NULL;
	if (rc == CLARO_OK)
		rc = store_query(s, "load file artifacts", &sql_file_load, p, 2, &rows, err);
	while (rc == CLARO_OK && (rc = store_rows_next(rows, &has, err)) == CLARO_OK && has) {
		struct claro_file_record f = {sizeof(f), col(rows, 0), col(rows, 1)};
		rc = scan_result_add_file(out, &f, err);
	}
	if (rows)
		store_rows_free(rows);
	return rc;
}

enum claro_status store_scan_artifacts_get(struct store *s, const char *layer, const int64_t *scanner_ids,
					   size_t n, struct claro_scan_result *out, struct error *err)
{
	int64_t layer_id = 0;
	enum claro_status rc = layer_id_of(s, layer, &layer_id, err);

	for (size_t i = 0; rc == CLARO_OK && i < n; i++) {
		rc = load_packages(s, layer_id, scanner_ids[i], out, err);
		if (rc == CLARO_OK)
			rc = load_others(s, layer_id, scanner_ids[i], out, err);
	}
	return rc;
}

/* ---- manifest_index ---- */

static const struct store_sql sql_index_insert =
    STORE_SQL("INSERT INTO manifest_index (package_id, dist_id, repo_id, manifest_id) "
	      "SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), CAST($3 AS BIGINT), id FROM manifest "
	      "WHERE hash = $4 ON CONFLICT DO NOTHING");
static const struct store_sql sql_index_count = STORE_SQL(
    "SELECT count(*) FROM manifest_index mi JOIN manifest m ON m.id = mi.manifest_id WHERE m.hash = $1");

enum claro_status store_manifest_index_put(struct store *s, const char *manifest, int64_t package_id,
					   int64_t dist_id, int64_t repo_id, struct error *err)
{
	struct store_param p[] = {SP_INT(package_id), dist_id ? SP_INT(dist_id) : SP_NULL,
				  repo_id ? SP_INT(repo_id) : SP_NULL, SP_TEXT(manifest)};

	return store_query(s, "store manifest index", &sql_index_insert, p, 4, NULL, err);
}

enum claro_status store_manifest_index_count(struct store *s, const char *manifest, int64_t *count,
					     struct error *err)
{
	struct store_param p[] = {SP_TEXT(manifest)};

	*count = 0;
	return store_query_int(s, "count manifest index rows", &sql_index_count, p, 1, count, NULL, err);
}
