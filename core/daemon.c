/* clarod's start-up, serving and shutdown (see daemon.h).
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "api_indexer.h"
#include "api_matcher.h"
#include "daemon.h"
#include "log.h"
#include "strutil.h"
#include "updater_runner.h"

#define FAMILY_PLUGINS "claro_plugins_loaded"
#define FAMILY_BUILD   "claro_build_info"

/* ---- per-thread store connections ---------------------------------------- */

static void *thread_init(void *arg, int index)
{
	struct daemon_thread *t = calloc(1, sizeof(*t));

	(void)index;
	if (t)
		t->daemon = arg;
	return t; /* NULL: handlers see no thread data and answer 500/503 */
}

static void thread_fini(void *thread_data, void *arg)
{
	struct daemon_thread *t = thread_data;

	(void)arg;
	if (!t)
		return;
	store_close(t->store);
	free(t);
}

struct store *daemon_thread_store(struct daemon_thread *t, struct error *err)
{
	if (!t) {
		error_set(err, CLARO_ERR_NOMEM, "no worker context: out of memory");
		return NULL;
	}
	if (!t->store && store_open(&t->store, &t->daemon->store_params, err) != CLARO_OK)
		t->store = NULL;
	return t->store;
}

void daemon_thread_store_failed(struct daemon_thread *t)
{
	if (!t)
		return;
	store_close(t->store);
	t->store = NULL;
}

/* ---- start-up -------------------------------------------------------------- */

enum claro_status daemon_init(struct daemon *d, struct config *cfg, struct error *err)
{
	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	atomic_init(&d->api_ready, 0);
	d->store_params.backend = d->cfg.backend;
	d->store_params.sqlite_path = d->cfg.sqlite_path;
	d->store_params.pg_keywords = (const char *const *)d->cfg.pg_keywords;
	d->store_params.pg_values = (const char *const *)d->cfg.pg_values;
	d->store_params.pg_expand_dbname = d->cfg.pg_expand_dbname;
	d->metrics = metrics_new();
	if (!d->metrics)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	return CLARO_OK;
}

enum claro_status daemon_load_plugins(struct daemon *d, unsigned flags, struct error *err)
{
	d->plugins_loaded = 1;
	return registry_load(&d->reg, &d->cfg, flags, err);
}

enum claro_status daemon_prepare_store(struct daemon *d, struct error *err)
{
	struct store *s = NULL;
	enum claro_status st;

	if (d->cfg.backend == STORE_SQLITE && strcmp(d->cfg.sqlite_path, ":memory:") != 0) {
		st = config_ensure_parent_dir(d->cfg.sqlite_path, err);
		if (st != CLARO_OK)
			return st;
	}
	st = store_open(&s, &d->store_params, err);
	if (st == CLARO_OK)
		st = store_migrate(s, err);
	if (st == CLARO_OK)
		log_info("store: %s, schema version %d", store_backend_name(s), store_schema_latest(s));
	store_close(s);
	return st;
}

static long cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? n : 1;
}

static enum claro_status start_pools(struct daemon *d, struct error *err)
{
	int threads = d->cfg.workers > 0 ? d->cfg.workers : (int)(2 * cpu_count());
	struct workers_params api = {
	    "api", threads, (size_t)(threads < 2 ? 16 : 8 * threads), thread_init, thread_fini, d,
	};
	/* One thread is plenty for probes; it keeps its own store connection. */
	struct workers_params probes = {"introspection", 1, 16, thread_init, thread_fini, d};
	enum claro_status st;

	st = workers_start(&d->api_workers, &api, err);
	if (st == CLARO_OK)
		st = workers_start(&d->introspection_workers, &probes, err);
	if (st == CLARO_OK)
		log_info("%d API worker thread%s", threads, threads == 1 ? "" : "s");
	return st;
}

static enum claro_status register_metrics(struct daemon *d)
{
	char abi[32];
	char *labels;
	enum claro_status st;

	snprintf(abi, sizeof(abi), "%d.%d", CLARO_ABI_MAJOR, CLARO_ABI_MINOR);
	labels = metrics_labels("version", PACKAGE_VERSION, "abi", abi, NULL);
	st = labels ? CLARO_OK : CLARO_ERR_NOMEM;

	if (st == CLARO_OK)
		st =
		    metrics_register(d->metrics, FAMILY_BUILD, METRIC_GAUGE,
				     "Always 1; the labels say which claro and plugin ABI this is.", NULL, 0);
	if (st == CLARO_OK)
		st = metrics_gauge_set(d->metrics, FAMILY_BUILD, labels, 1);
	if (st == CLARO_OK)
		st = metrics_register(d->metrics, FAMILY_PLUGINS, METRIC_GAUGE, "Plugins loaded.", NULL, 0);
	if (st == CLARO_OK)
		st = metrics_gauge_set(d->metrics, FAMILY_PLUGINS, NULL, (double)d->reg.n_plugins);
	free(labels);
	return st;
}

static enum claro_status build_routes(struct daemon *d, int debug_routes, struct error *err)
{
	enum claro_status st = api_meta_prepare(d, err);

	if (st != CLARO_OK)
		return st;
	/* Clair's services register here by mode (reference §1.1): indexer
	 * routes in combo and indexer mode, matcher routes in combo and matcher
	 * mode, notifier routes in notifier mode. */
	st = api_meta_routes(d, &d->api_router, debug_routes);
	if (st == CLARO_OK && (d->cfg.mode == MODE_COMBO || d->cfg.mode == MODE_INDEXER)) {
		st = api_indexer_routes(d, &d->api_router, &d->indexer_api, err);
		if (st != CLARO_OK)
			return st;
	}
	if (st == CLARO_OK && (d->cfg.mode == MODE_COMBO || d->cfg.mode == MODE_MATCHER)) {
		st = api_matcher_routes(d, &d->api_router, err);
		if (st != CLARO_OK)
			return st;
	}
	if (st == CLARO_OK)
		st = introspection_routes(d, &d->introspection_router);
	if (st != CLARO_OK)
		return error_set(err, st, "could not build the route table: %s", status_text(st));
	return CLARO_OK;
}

static int effective_max_concurrent(const struct config *cfg)
{
	if (cfg->max_concurrent_requests < 0)
		return -1;
	if (cfg->max_concurrent_requests == 0)
		return (int)(4 * cpu_count()); /* Clair's default: 4 x GOMAXPROCS */
	return cfg->max_concurrent_requests;
}

static enum claro_status port_file_error(const char *path, struct error *err)
{
	error_set(err, CLARO_ERR_IO, "could not write port file \"%s\"", path);
	error_detail(err, "%s.", strerror(errno));
	error_hint(err, "Give --port-file a path in a writable directory.");
	return CLARO_ERR_IO;
}

/* Written under a temporary name and renamed, so a reader polling for the
 * file never sees half of it. */
static enum claro_status write_port_file(struct daemon *d, const char *path, struct error *err)
{
	char *tmp = str_printf("%s.tmp", path);
	FILE *fp;
	int failed;

	if (!tmp)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	fp = fopen(tmp, "w");
	if (!fp) {
		port_file_error(tmp, err);
		free(tmp);
		return CLARO_ERR_IO;
	}
	fprintf(fp, "api=%d\n", httpd_listener_port(d->api));
	if (d->introspection)
		fprintf(fp, "introspection=%d\n", httpd_listener_port(d->introspection));
	failed = ferror(fp);
	failed |= fclose(fp) != 0;
	if (failed || rename(tmp, path) != 0) {
		port_file_error(path, err);
		unlink(tmp);
		free(tmp);
		return CLARO_ERR_IO;
	}
	free(tmp);
	return CLARO_OK;
}

static enum claro_status open_listeners(struct daemon *d, struct error *err)
{
	struct httpd_listener_params api = {
	    "api",          d->cfg.api_addr, &d->api_router,
	    d->api_workers, d->cfg.max_body, effective_max_concurrent(&d->cfg),
	};
	struct httpd_listener_params probes = {
	    "introspection",
	    d->cfg.introspection_addr,
	    &d->introspection_router,
	    d->introspection_workers,
	    64 * 1024,
	    -1,
	};
	enum claro_status st;

	st = httpd_new(&d->httpd, d->metrics, err);
	if (st == CLARO_OK)
		st = httpd_listen(d->httpd, &api, &d->api, err);
	if (st == CLARO_OK && d->cfg.introspection_addr && *d->cfg.introspection_addr)
		st = httpd_listen(d->httpd, &probes, &d->introspection, err);
	return st;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;
	log_notice("received %s: shutting down (%zu request%s in flight)",
		   sig == SIGTERM ? "SIGTERM" : "SIGINT", httpd_in_flight(d->httpd),
		   httpd_in_flight(d->httpd) == 1 ? "" : "s");
	atomic_store(&d->api_ready, 0);
	httpd_shutdown(d->httpd, d->cfg.shutdown_timeout);
}

static enum claro_status watch_signals(struct daemon *d, struct error *err)
{
	struct event_base *base = httpd_base(d->httpd);

	d->sigterm = evsignal_new(base, SIGTERM, on_signal, d);
	d->sigint = evsignal_new(base, SIGINT, on_signal, d);
	if (!d->sigterm || !d->sigint || evsignal_add(d->sigterm, NULL) != 0 ||
	    evsignal_add(d->sigint, NULL) != 0)
		return error_set(err, CLARO_ERR_INTERNAL, "could not watch SIGTERM and SIGINT");
	return CLARO_OK;
}

enum claro_status daemon_start(struct daemon *d, const char *port_file, struct error *err)
{
	enum claro_status st;

	st = register_metrics(d);
	if (st != CLARO_OK)
		return error_set(err, st, "could not register metrics: %s", status_text(st));
	st = build_routes(d, d->cfg.debug_routes, err);
	if (st == CLARO_OK)
		st = start_pools(d, err);
	if (st == CLARO_OK)
		st = open_listeners(d, err);
	if (st == CLARO_OK)
		st = watch_signals(d, err);
	if (st == CLARO_OK && port_file)
		st = write_port_file(d, port_file, err);
	/* Clair's matchers run the updaters (reference §5.1): combo and matcher
	 * mode, unless [updaters] enabled = false leaves it to another process
	 * or to claroctl updaters import. */
	if (st == CLARO_OK && d->cfg.updaters.enabled &&
	    (d->cfg.mode == MODE_COMBO || d->cfg.mode == MODE_MATCHER))
		st = updater_runner_start(&d->updaters, &d->reg, &d->store_params, &d->cfg.updaters, err);
	if (st == CLARO_OK) {
		atomic_store(&d->api_ready, 1);
		log_notice("clarod %s started in %s mode with %zu plugin%s", PACKAGE_VERSION,
			   config_mode_name(d->cfg.mode), d->reg.n_plugins, d->reg.n_plugins == 1 ? "" : "s");
	}
	return st;
}

enum claro_status daemon_run(struct daemon *d)
{
	enum claro_status st = httpd_run(d->httpd);

	atomic_store(&d->api_ready, 0);
	if (st == CLARO_OK)
		log_notice("all requests answered; stopping");
	return st;
}

void daemon_free(struct daemon *d)
{
	/* The updater runner and the workers first: they use the registry and
	 * the store. */
	updater_runner_stop(d->updaters);
	workers_stop(d->api_workers);
	workers_stop(d->introspection_workers);
	if (d->sigterm)
		event_free(d->sigterm);
	if (d->sigint)
		event_free(d->sigint);
	httpd_free(d->httpd);
	router_free(&d->api_router);
	router_free(&d->introspection_router);
	api_indexer_free(d->indexer_api);
	if (d->plugins_loaded)
		registry_free(&d->reg);
	metrics_free(d->metrics);
	free(d->openapi_json);
	free(d->openapi_json_etag);
	free(d->openapi_yaml_etag);
	config_free(&d->cfg);
	memset(d, 0, sizeof(*d));
}
