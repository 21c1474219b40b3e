/* clarod.ini: parsing (inih), defaults, validation, printing.
 *
 * Sections and keys (etc/clarod.ini.sample documents every one):
 *   [clarod]   mode, api_addr, introspection_addr, plugin_dir, log_level,
 *              workers, max_body, max_concurrent_requests, shutdown_timeout
 *   [store]    backend = sqlite|postgres, path (sqlite), conninfo.<keyword>
 *              (each libpq keyword its own key, e.g. conninfo.host), or
 *              conninfo = <libpq URI/DSN> passed with expand_dbname
 *   [plugins]  load = name name ... (default: every in-tree plugin in plugin_dir)
 *   [plugin.<name>]  keys the plugin declares (validated by the loader)
 *   [updaters] enabled, sets, skip, period, jitter, concurrency, retention,
 *              rate_limit, mirror_dir (the updater runner, the HTTP client)
 *   [updater.<updater name>]  enabled, period: one updater's own settings
 * Any error names file, line, section and key.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_CONFIG_H
#define CLARO_CORE_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

enum run_mode { MODE_COMBO = 0, MODE_INDEXER, MODE_MATCHER, MODE_NOTIFIER };
enum store_backend { STORE_SQLITE = 0, STORE_POSTGRES };

/* One key = value line of a [plugin.<name>] section, kept raw until the
 * plugin's declared keys are known. */
struct config_entry {
	char *key;
	char *value;
	int line;
};

struct config_section {
	char *plugin; /* <name> of [plugin.<name>] */
	int line;     /* line of the section header */
	struct config_entry *entries;
	size_t n_entries;
};

/* [updater.<name>]: one updater's settings over [updaters]. */
struct config_updater {
	char *name; /* the updater's name as its set lists it, e.g. "osv/pypi" */
	int line;
	int enabled;    /* 0: never run it */
	int64_t period; /* seconds between its runs; 0: every round */
};

/* [updaters]: the updater runner (core/updater_runner.c). */
struct config_updaters {
	int enabled;                      /* run updaters in combo and matcher mode */
	char **sets;                      /* NULL-terminated updater-set names; NULL = every loaded set */
	char **skip;                      /* NULL-terminated fnmatch patterns of updater names not run */
	int64_t period;                   /* seconds between rounds */
	int64_t jitter;                   /* up to this many seconds added to each wait, at random */
	int concurrency;                  /* updaters running at once */
	int retention;                    /* operations kept per updater; 0 disables GC */
	double rate_limit;                /* HTTP requests per second per host; 0 = unlimited */
	char *mirror_dir;                 /* NULL: fetch from the network; else the air-gapped mirror */
	struct config_updater *overrides; /* [updater.<name>] sections */
	size_t n_overrides;
};

struct config {
	char *path; /* the file read, or NULL when running on defaults */

	/* [clarod] */
	enum run_mode mode;
	char *api_addr;           /* "127.0.0.1:6060"; port 0 = any free port */
	char *introspection_addr; /* "127.0.0.1:8089"; "" disables it */
	char *plugin_dir;
	int log_level;               /* enum claro_log_level */
	int workers;                 /* worker threads; 0 = 2 x cores */
	uint64_t max_body;           /* request body limit in bytes (413 past it) */
	int max_concurrent_requests; /* in flight on the API listener (429 past it); < 0 unlimited */
	int64_t shutdown_timeout;    /* seconds to drain on SIGTERM */
	int debug_routes;            /* TEST ONLY: [clarod] debug_routes = true adds POST /debug/sleep
	                                 (core/api_meta.c); default false */
	int airgap;                  /* outbound HTTP only to loopback, private and link-local addresses */

	/* [store] */
	enum store_backend backend;
	char *sqlite_path;
	char **pg_keywords; /* NULL-terminated, for PQconnectdbParams */
	char **pg_values;
	int pg_expand_dbname; /* 1 when conninfo = <DSN/URI> was given */

	/* [plugins] */
	char **plugins_load; /* NULL-terminated names, or NULL = all in plugin_dir */

	struct config_section *sections;
	size_t n_sections;

	struct config_updaters updaters;
};

/* Fill cfg with built-in defaults (no file). Returns CLARO_ERR_NOMEM only. */
enum claro_status config_defaults(struct config *cfg, struct error *err);
/* Defaults, then the file at path on top. */
enum claro_status config_load(struct config *cfg, const char *path, struct error *err);
void config_free(struct config *cfg);

/* The default SQLite path shared by clarod and claroctl --local:
 * $XDG_DATA_HOME/claro/claro.db, else ~/.local/share/claro/claro.db; when
 * run as a system service (INVOCATION_ID set by systemd and uid 0, or
 * CLARO_SYSTEM=1), /var/lib/claro/claro.db. Caller frees. */
char *config_default_db_path(void);
/* Create the directory holding path if missing (mode 0700). */
enum claro_status config_ensure_parent_dir(const char *path, struct error *err);

const char *config_mode_name(enum run_mode mode);
const struct config_section *config_plugin_section(const struct config *cfg, const char *plugin);
/* The [updater.<name>] section of name, or NULL. */
const struct config_updater *config_updater_section(const struct config *cfg, const char *name);

/* The effective configuration as INI text. Secrets (password keys) masked.
 * The output is a valid clarod.ini: loading it and printing again gives the
 * same text. */
void config_print(const struct config *cfg, FILE *fp);
/* The same without the [plugin.<name>] sections (clarod --check-config
 * prints those with registry_print_config once the plugins are loaded). */
void config_print_core(const struct config *cfg, FILE *fp);

/* Split "host:port" ("[v6addr]:port"; an empty host means every interface)
 * into a freshly allocated host ("" for every interface) and a port.
 * host or port may be NULL when not wanted. CLARO_ERR_INVALID on bad syntax
 * or a port past 65535, CLARO_ERR_NOMEM. */
enum claro_status config_split_addr(const char *addr, char **host, unsigned *port);

/* Every key of [clarod], [store] and [plugins], for documentation and for
 * the test that keeps etc/clarod.ini.sample complete. */
struct config_key {
	const char *section;       /* "clarod", "store", "plugins" */
	const char *name;          /* "workers"; "conninfo.<keyword>" stands for the libpq keywords */
	const char *type;          /* "integer", "size", "duration", "host:port", ... */
	const char *default_value; /* as written in the file; NULL when computed or none */
	const char *doc;           /* one line */
};
size_t config_known_key_count(void);
const struct config_key *config_known_key(size_t i); /* NULL past the end */

#endif /* CLARO_CORE_CONFIG_H */
