/* The IndexReport (reference §1.7) and its exact JSON: what the indexer
 * persists at every state change and what the index API returns.
 *
 *   {"manifest_hash", "state", "packages": {id: Package},
 *    "distributions": {id: Distribution}, "repository": {id: Repository},
 *    "environments": {package id: [Environment]}, "success", "err"}
 *
 * Ids are decimal database row ids as strings. Omission rules follow
 * claircore's json tags: Package kind, normalized_version, module, arch and
 * cpe are left out when empty (name and version never are); every package
 * carries a source (Clair attaches a shared empty source row); Distribution
 * fields are never omitted; Repository name, key and uri are omitted when
 * empty, cpe never. Environment repository_ids is always an array (the
 * schema's type; Clair's null decodes the same).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_INDEXREPORT_H
#define CLARO_CORE_INDEXREPORT_H

#include <stddef.h>
#include <stdint.h>

#include <claro/records.h>
#include <jansson.h>

#include "error.h"

/* States, as Clair names them. */
#define INDEX_STATE_CHECK_MANIFEST "CheckManifest"
#define INDEX_STATE_FETCH_LAYERS   "FetchLayers"
#define INDEX_STATE_SCAN_LAYERS    "ScanLayers"
#define INDEX_STATE_COALESCE       "Coalesce"
#define INDEX_STATE_INDEX_MANIFEST "IndexManifest"
#define INDEX_STATE_INDEX_ERROR    "IndexError"
#define INDEX_STATE_INDEX_FINISHED "IndexFinished"

struct index_report; /* opaque */

struct index_report *index_report_new(const char *manifest_hash);
void index_report_free(struct index_report *r);

enum claro_status index_report_set_state(struct index_report *r, const char *state, struct error *err);
/* state IndexError, success false, err = text */
enum claro_status index_report_set_error(struct index_report *r, const char *text, struct error *err);
enum claro_status index_report_set_success(struct index_report *r, int success, struct error *err);

/* "<kind>:<v0>.<v1>...<v9>" or "" when kind is empty (caller frees). */
char *index_report_normalized_version(const struct claro_normalized_version *v);

/* Add a package under id with its source (source_id 0 with src NULL: no
 * source object). Adding an id twice keeps the first. */
enum claro_status index_report_add_package(struct index_report *r, int64_t id,
					   const struct claro_package *pkg, int64_t source_id,
					   const struct claro_package *src, struct error *err);
enum claro_status index_report_add_distribution(struct index_report *r, int64_t id,
						const struct claro_distribution *d, struct error *err);
enum claro_status index_report_add_repository(struct index_report *r, int64_t id,
					      const struct claro_repository *repo, struct error *err);
/* Append one environment to package_id's list (dist_id 0: ""). An
 * environment equal to one already listed is not added again. */
enum claro_status index_report_add_environment(struct index_report *r, int64_t package_id,
					       const char *package_db, const char *introduced_in,
					       int64_t dist_id, const int64_t *repo_ids, size_t n_repo_ids,
					       struct error *err);
size_t index_report_n_packages(const struct index_report *r);

/* Views of a Distribution / Repository object of such JSON, leniently:
 * a missing or non-string field reads as "". The strings borrow from o. */
void index_report_distribution_view(json_t *o, struct claro_distribution *d);
void index_report_repository_view(json_t *o, struct claro_repository *r);

/* Compact JSON (caller frees); NULL when out of memory. */
char *index_report_dump(const struct index_report *r);

#endif /* CLARO_CORE_INDEXREPORT_H */
