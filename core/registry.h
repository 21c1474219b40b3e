/* The plugin registry: loading .so plugins (loader.c), validating them
 * against the ABI, checking their [plugin.<name>] config, and finding their
 * components by kind and name. The host services table plugins call is in
 * host.c; calling into a plugin goes through struct plugin_call.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_REGISTRY_H
#define CLARO_CORE_REGISTRY_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include <claro/plugin.h>

#include "config.h"
#include "error.h"

/* A declared config key of a plugin with its effective value. */
struct plugin_setting {
	const struct claro_cfg_key *key;
	char *value;   /* from the INI file, else the default; NULL if neither */
	int from_file; /* 1 if set in the file */
};

/* The host's record of one loaded plugin (opaque to plugins). */
struct claro_plugin {
	char *name;
	char *path;
	void *handle; /* dlopen handle; never dlclose'd in production */
	const struct claro_module *module;
	struct claro_ctx ctx; /* base context: init/fini, plugin_data */
	struct plugin_setting *settings;
	size_t n_settings;
	int initialised;
	struct registry *registry; /* the registry it belongs to (version_scheme lookups) */
};

/* One component of a loaded plugin. */
struct component_ref {
	const struct claro_component *component;
	struct claro_plugin *plugin;
};

struct registry {
	struct claro_plugin **plugins; /* in load order */
	size_t n_plugins;
	struct component_ref *by_kind[CLARO_KIND_MAX + 1]; /* sorted by name within a kind */
	size_t n_by_kind[CLARO_KIND_MAX + 1];
};

#define REGISTRY_SKIP_BROKEN 1u /* log and skip a plugin that fails to load */

/* Longest plugin or component name accepted (so "<plugin>/<component>" always
 * fits struct plugin_call's origin). */
#define REGISTRY_MAX_NAME 63

/* Load the plugins cfg names (cfg->plugins_load, or every *.so in
 * cfg->plugin_dir in name order when NULL), validate each, check its config
 * section, call init(); then registry_check_sections(). With
 * REGISTRY_SKIP_BROKEN a plugin that fails for any reason but lack of memory
 * is logged (warning, three parts) and skipped, and its section is not
 * reported. On error the registry holds what loaded before it; call
 * registry_free() either way. A registry must not move in memory once
 * loaded (plugins point back to it). */
enum claro_status registry_load(struct registry *reg, const struct config *cfg, unsigned flags,
				struct error *err);
/* Load one plugin by name from dir (used by registry_load and tests). cfg
 * may be NULL (no [plugin.<name>] sections). Errors are three-part:
 * message 'could not load plugin "<name>": <reason>', detail, hint; config
 * errors name file, line, section and key (CLARO_ERR_CONFIG). */
enum claro_status registry_load_one(struct registry *reg, const char *dir, const char *name,
				    const struct config *cfg, struct error *err);
/* After all plugins loaded: every [plugin.<name>] section must name a
 * loaded plugin. */
enum claro_status registry_check_sections(const struct registry *reg, const struct config *cfg,
					  struct error *err);
/* For loader.c: add a validated plugin and its components (no duplicate
 * checks here). CLARO_ERR_NOMEM leaves the registry as it was. */
enum claro_status registry_insert(struct registry *reg, struct claro_plugin *plugin);
/* fini() in reverse load order, then free. Safe on a zeroed registry. */
void registry_free(struct registry *reg);

const struct component_ref *registry_find(const struct registry *reg, enum claro_kind kind, const char *name);
const struct claro_plugin *registry_plugin(const struct registry *reg, const char *name);
size_t registry_count(const struct registry *reg, enum claro_kind kind);
const struct component_ref *registry_at(const struct registry *reg, enum claro_kind kind, size_t i);
const char *registry_kind_name(enum claro_kind kind); /* "package_scanner", ... */

/* Clair's index state: MD5 hex over "libindex number: 2\n" and, for every
 * scanner (package, distribution, repository, file) sorted by name,
 * name + version + kind + "\n", with Clair's kind words ("package",
 * "distribution", "repository", "file"). out must hold 33 bytes; it is ""
 * if memory or libcrypto failed. */
void registry_index_state(const struct registry *reg, char out[33]);

/* {"plugins": [{"name","version","path","license","description","abi":"1.0",
 *   "components":[{"kind","name","version"}]}]} for GET /api/v1/plugins. */
json_t *registry_to_json(const struct registry *reg);
/* The [plugin.<name>] sections with every declared key's effective value,
 * default and doc, for clarod --check-config. */
void registry_print_config(const struct registry *reg, FILE *fp);

struct enrichment_source; /* sinks.h */

/* Calling into a plugin: a context plus the slot host->error() fills.
 * Every callback gets &call->ctx of a call begun here, never a bare
 * struct claro_ctx: the host services recover the call from the ctx.
 *
 *   struct plugin_call call;
 *   plugin_call_begin(&call, ref);
 *   st = plugin_call_end(&call, ops->scan(&call.ctx, layer, result), &err);
 */
struct plugin_call {
	struct claro_ctx ctx; /* first member: host.c recovers the call from ctx */
	struct error err;
	char origin[128]; /* "<plugin>/<component>" log prefix */
	/* Where host->enrichment_get() reads; set by the caller after begin
	 * (enrichers only). NULL: enrichment_get fails with CLARO_ERR_INTERNAL. */
	const struct enrichment_source *enrichments;
	/* Strings handed to the plugin (fs_stat) that live until the call ends. */
	char **scratch;
	size_t n_scratch;
	size_t cap_scratch;
};

void plugin_call_begin(struct plugin_call *call, const struct component_ref *ref);
/* A call that belongs to no component (init, fini): origin "<plugin>". */
void plugin_call_begin_plugin(struct plugin_call *call, struct claro_plugin *plugin);
/* After the call: if status != CLARO_OK and the plugin set no message, fill
 * one in; move the error to err (if non-NULL) and release the call. */
enum claro_status plugin_call_end(struct plugin_call *call, enum claro_status status, struct error *err);

/* The host services table handed to every plugin. */
const struct claro_host *host_services(void);

#endif /* CLARO_CORE_REGISTRY_H */
