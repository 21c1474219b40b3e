/* Store operations for scan artifacts and the reverse index (reference §3.3,
 * §8.1), beside the indexer operations of store.h:
 *
 *   package, dist, repo and file rows are upserted on their unique keys and
 *   never deleted (Clair's rule); *_scanartifact rows tie them to one
 *   (layer, scanner); manifest_index rows are the notifier's reverse index.
 *
 * Note on what survives the store: a package's cpe has no column (Clair's
 * package table has none either), so packages loaded back from the store
 * carry no cpe. A source package is stored as a package row; a package
 * without one points at the shared empty row ('', '', ''), which loads back
 * as "no source".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_STORE_ARTIFACTS_H
#define CLARO_CORE_STORE_ARTIFACTS_H

#include <stddef.h>
#include <stdint.h>

#include <claro/plugin.h>

#include "store.h"

/* Row ids, inserting the row when it is not stored. A NULL string is ''.
 * pkg NULL means the shared empty source row. */
enum claro_status store_package_id(struct store *s, const struct claro_package *pkg, int64_t *id,
				   struct error *err);
enum claro_status store_distribution_id(struct store *s, const struct claro_distribution *d, int64_t *id,
					struct error *err);
enum claro_status store_repository_id(struct store *s, const struct claro_repository *r, int64_t *id,
				      struct error *err);

/* Save what scanner found in layer and mark (layer, scanner) scanned, in one
 * transaction, so a layer is never marked without its artifacts.
 * default_repo (a package scanner's DefaultRepoScanner repository, or NULL)
 * is recorded for the layer when the scan found packages. The layer must be
 * stored (store_manifest_put). */
enum claro_status store_scan_artifacts_put(struct store *s, const char *layer, int64_t scanner_id,
					   const struct claro_scan_result *r,
					   const struct claro_repository *default_repo, struct error *err);

/* Load the artifacts of layer found by any of scanner_ids into out (a sink
 * from scan_result_new()), in id order per table. */
enum claro_status store_scan_artifacts_get(struct store *s, const char *layer, const int64_t *scanner_ids,
					   size_t n, struct claro_scan_result *out, struct error *err);

/* One manifest_index row (dist_id / repo_id 0: NULL); idempotent. */
enum claro_status store_manifest_index_put(struct store *s, const char *manifest, int64_t package_id,
					   int64_t dist_id, int64_t repo_id, struct error *err);
/* How many manifest_index rows manifest has (for tests and diagnostics). */
enum claro_status store_manifest_index_count(struct store *s, const char *manifest, int64_t *count,
					     struct error *err);

/* A normalised version as the fixed-width byte string the package table
 * stores: ten big-endian 32-bit values with the sign bit flipped, so byte
 * order is numeric order. */
#define STORE_NORM_VERSION_BYTES (4 * CLARO_NORM_VERSION_LEN)
void store_norm_version_encode(const struct claro_normalized_version *v,
			       unsigned char out[STORE_NORM_VERSION_BYTES]);
void store_norm_version_decode(const unsigned char in[STORE_NORM_VERSION_BYTES],
			       int32_t v[CLARO_NORM_VERSION_LEN]);

#endif /* CLARO_CORE_STORE_ARTIFACTS_H */
