/* Clair's indexer API (reference §1.2) on clarod's API listener, in indexer
 * and combo mode:
 *
 *   POST   /indexer/api/v1/index_report           Manifest -> 201 IndexReport
 *   DELETE /indexer/api/v1/index_report           [digest...] -> 200 [deleted...]
 *   GET    /indexer/api/v1/index_report/{digest}  200 / 304 / 404
 *   DELETE /indexer/api/v1/index_report/{digest}  204
 *   GET    /indexer/api/v1/index_state            200 / 304
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_API_INDEXER_H
#define CLARO_CORE_API_INDEXER_H

#include "daemon.h"

struct api_indexer; /* the routes' shared state: the indexer and its fetcher */

/* Create the indexer for d (its registry must be loaded) and add the
 * routes to r. *out is freed with api_indexer_free() after the workers
 * stopped. */
enum claro_status api_indexer_routes(struct daemon *d, struct router *r, struct api_indexer **out,
				     struct error *err);
void api_indexer_free(struct api_indexer *api);

#endif /* CLARO_CORE_API_INDEXER_H */
