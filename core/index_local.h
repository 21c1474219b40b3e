/* In-process indexing for claroctl --local: the plugins, the store and the
 * indexer controller of this process, no daemon. Layers are the Clair
 * Manifest's: local directories (dir:) are opened in place, file:// blobs
 * (docker-archive, oci:) and http(s) URIs go through the layer fetcher,
 * which here is allowed to read files.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_INDEX_LOCAL_H
#define CLARO_CORE_INDEX_LOCAL_H

#include <jansson.h>

#include "config.h"
#include "error.h"
#include "registry.h"
#include "store.h"

/* This process's plugins and store (migrated; for SQLite the file's
 * directory is created), for several operations in a row. */
struct local_session {
	struct registry reg;
	struct store *store;
};
enum claro_status local_session_open(struct local_session *ls, const struct config *cfg, struct error *err);
void local_session_close(struct local_session *ls);
/* Index manifest (a Clair Manifest JSON object); *report as for
 * index_local_run. */
enum claro_status local_session_index(struct local_session *ls, json_t *manifest, char **report,
				      struct error *err);

/* Index manifest (a Clair Manifest JSON object) with cfg's plugins on cfg's
 * store (migrated first; for SQLite the file's directory is created). On
 * success, or on an indexing failure that produced a report, *report is the
 * IndexReport JSON (caller frees). curl_global_init must have run. */
enum claro_status index_local_run(const struct config *cfg, json_t *manifest, char **report,
				  struct error *err);

#endif /* CLARO_CORE_INDEX_LOCAL_H */
