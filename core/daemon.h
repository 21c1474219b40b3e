/* clarod's running state: configuration, plugins, store parameters, worker
 * pools and the HTTP listeners, with the order they start and stop in.
 *
 *   daemon_init()          take the configuration
 *   daemon_load_plugins()  registry_load (plugin config keys validated here)
 *   daemon_prepare_store() create the SQLite directory, connect, migrate
 *   daemon_start()         worker pools, routes, API + introspection listeners
 *   daemon_run()           serve until SIGTERM/SIGINT, then drain
 *   daemon_free()          stop pools, free plugins and everything else
 *
 * Two listeners, as Clair has: the API (Clair's HTTP API and ours) and the
 * introspection port (/healthz, /readyz, /metrics), each with its own worker
 * pool so probes keep answering while the API is saturated.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_DAEMON_H
#define CLARO_CORE_DAEMON_H

#include <stdatomic.h>
#include <stddef.h>

#include "config.h"
#include "error.h"
#include "httpd.h"
#include "metrics.h"
#include "registry.h"
#include "router.h"
#include "store.h"
#include "workers.h"

struct event;
struct api_indexer;    /* api_indexer.h */
struct updater_runner; /* updater_runner.h */

struct daemon {
	struct config cfg;                /* owned */
	struct registry reg;              /* owned; must not move once loaded */
	struct store_params store_params; /* points into cfg */
	struct metrics *metrics;
	struct router api_router;
	struct router introspection_router;
	struct workers *api_workers;
	struct workers *introspection_workers;
	struct httpd *httpd;
	struct httpd_listener *api;
	struct httpd_listener *introspection;
	struct event *sigterm;
	struct event *sigint;
	atomic_int api_ready; /* the API listener is accepting */
	int plugins_loaded;   /* registry_load ran (registry_free needed) */

	/* GET /openapi/v1 (api_meta.c) */
	char *openapi_json; /* compacted once at start */
	size_t openapi_json_len;
	char *openapi_json_etag; /* Clair's fixed ETag */
	char *openapi_yaml_etag; /* "<sha256 of the YAML>" */

	struct api_indexer *indexer_api; /* indexer and combo mode (api_indexer.c) */
	struct updater_runner *updaters; /* combo and matcher mode, [updaters] enabled */
};

/* Per worker thread: the thread's own database connection, opened on first
 * use (store connections are not thread-safe). */
struct daemon_thread {
	struct daemon *daemon;
	struct store *store;
};

/* Takes cfg (moved: the caller's copy is zeroed). */
enum claro_status daemon_init(struct daemon *d, struct config *cfg, struct error *err);
/* flags: REGISTRY_SKIP_BROKEN. */
enum claro_status daemon_load_plugins(struct daemon *d, unsigned flags, struct error *err);
enum claro_status daemon_prepare_store(struct daemon *d, struct error *err);
/* Start pools and listeners; write "api=PORT" and "introspection=PORT"
 * lines to port_file (atomically, by rename) when it is not NULL. */
enum claro_status daemon_start(struct daemon *d, const char *port_file, struct error *err);
/* Serve until SIGTERM or SIGINT, then drain for cfg.shutdown_timeout.
 * CLARO_OK after a full drain; CLARO_ERR_TIMEOUT when requests were still
 * running (daemon_free must not be called then: workers still use it). */
enum claro_status daemon_run(struct daemon *d);
void daemon_free(struct daemon *d);

/* The calling worker's store connection (opened on first use); NULL with
 * err set when the database cannot be reached. For handlers: pass
 * http_thread_data(x). After a failure the connection is closed so the
 * next call reconnects. */
struct store *daemon_thread_store(struct daemon_thread *t, struct error *err);
void daemon_thread_store_failed(struct daemon_thread *t);

/* Route tables (api_meta.c, introspection.c). */
enum claro_status api_meta_prepare(struct daemon *d, struct error *err);
enum claro_status api_meta_routes(struct daemon *d, struct router *r, int debug_routes);
enum claro_status introspection_routes(struct daemon *d, struct router *r);

#endif /* CLARO_CORE_DAEMON_H */
