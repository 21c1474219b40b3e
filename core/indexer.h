/* The indexer controller: Clair's indexing state machine (reference §3.3).
 *
 *   CheckManifest -> FetchLayers -> ScanLayers -> Coalesce -> IndexManifest
 *   -> IndexFinished, or IndexError with success=false and err set.
 *
 * One manifest at a time per digest: indexer_index() holds a blocking store
 * lock on the manifest digest (an advisory lock on PostgreSQL, so many
 * clarod processes sharing one database never index the same manifest at
 * once). The report is persisted at every state change.
 *
 * Caching: a layer is scanned once per (layer digest, scanner name, version,
 * kind), across manifests and processes; a manifest already indexed by every
 * current scanner returns its stored report without opening a layer.
 *
 * Threads: scanners run on up to scan_concurrency threads (plus the caller),
 * each running one (layer, scanner) job at a time into its own in-memory
 * result; plugin host services are thread-safe and a layer backend answers
 * concurrent reads. Results are funnelled back to the caller's thread, the
 * only one that writes to the store (one connection, no locking games); each
 * (layer, scanner) is stored with its scanned mark in one transaction.
 *
 * Where layers come from: struct layer_source. Local directories
 * (application/vnd.claircore.filesystem with a file: URI) are opened with
 * layer_open_dir only when allow_local_layers is set (claroctl --local,
 * tests), never for the HTTP API. Everything else goes to the remote source
 * (the HTTP fetcher); without one the index fails with a clear error.
 *
 * Coalescing: each coalescer gets, per manifest layer in order, the
 * artifacts of the scanners it names, loaded from the store (not from this
 * run's memory, so cached layers and fresh ones look the same). Coalescers
 * run one after the other (Clair runs them concurrently; the merge is the
 * same: environments of one package id are appended, duplicates dropped).
 * Then the whiteout resolver: a package whose file (filepath) or package
 * database (package_db without its "kind:" prefix) is removed by a
 * whiteout (".wh.<name>" or an opaque ".wh..wh..opq" directory) recorded by
 * any file scanner in a layer above the highest layer that reported the
 * package is dropped. The database rule goes beyond Clair, which reports
 * the packages of a deleted OS database (reference §3.5).
 *
 * Not done (Clair does them): treating a scanner's airgap denial as an
 * empty, cached result, and retrying a state after a deadline.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_INDEXER_H
#define CLARO_CORE_INDEXER_H

#include <stddef.h>

#include <claro/plugin.h>

#include "error.h"
#include "manifest.h"
#include "registry.h"
#include "store.h"

struct fetcher;

#define INDEXER_DEFAULT_SCAN_CONCURRENCY 10 /* claircore's layer_scan_concurrency */

/* Opens one layer of a manifest for scanning. open() may be called from
 * several threads at once; *handle is given back to close(). */
struct layer_source {
	enum claro_status (*open)(void *impl, const struct manifest_layer *l, struct claro_layer **out,
				  void **handle, struct error *err);
	void (*close)(void *impl, struct claro_layer *layer, void *handle);
	void *impl;
};

struct indexer_options {
	int scan_concurrency;   /* threads scanning at once; 0 = the default */
	int allow_local_layers; /* honour MANIFEST_MEDIA_FILESYSTEM layers */
	long lock_timeout_ms;   /* waiting for another indexer of the manifest; < 0 = forever */
};

struct indexer {
	const struct registry *reg;
	struct indexer_options opt;
	struct layer_source remote; /* open NULL: remote layers are not available */
	struct fetcher *fetcher;    /* owned, from indexer_use_http() */
};

void indexer_init(struct indexer *ix, const struct registry *reg, const struct indexer_options *opt);
/* Fetch remote layers over HTTP(S) with the layer fetcher (core/fetch.h:
 * digest-checked, decompressed, spooled, shared between concurrent
 * requests) and read them as tar layers. file: URIs are not fetched.
 * curl_global_init must have run (httpclient_init). */
enum claro_status indexer_use_http(struct indexer *ix, struct error *err);
/* Release what indexer_use_http() created. */
void indexer_free(struct indexer *ix);

/* Clair's index state (registry_index_state): 32 hex digits. */
void indexer_state(const struct indexer *ix, char out[33]);

/* Index m on s and give its report JSON (*report, caller frees). On an
 * indexing failure the report (state IndexError) is stored and still
 * returned in *report when it could be built; the status and err say what
 * failed. */
enum claro_status indexer_index(const struct indexer *ix, struct store *s, const struct manifest *m,
				char **report, struct error *err);

#endif /* CLARO_CORE_INDEXER_H */
