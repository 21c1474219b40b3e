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
	char *value;     /* from the INI file, else the default; NULL if neither */
	int from_file;   /* 1 if set in the file */
};

/* The host's record of one loaded plugin (opaque to plugins). */
struct claro_plugin {
	char *name;
	char *path;
	void *handle;                         /* dlopen handle; never dlclose'd in production */
	const struct claro_module *module;
	struct claro_ctx ctx;                 /* base context: init/fini, plugin_data */
	struct plugin_setting *settings;
	size_t n_settings;
	int initialised;
};

/* One component of a loaded plugin. */
struct component_ref {
	const struct claro_component *component;
	struct claro_plugin *plugin;
};

struct registry {
	struct claro_plugin **plugins;        /* in load order */
	size_t n_plugins;
	struct component_ref *by_kind[CLARO_KIND_MAX + 1]; /* sorted by name within a kind */
	size_t n_by_kind[CLARO_KIND_MAX + 1];
};

#define REGISTRY_SKIP_BROKEN 1u /* log and skip a plugin that fails to load */

/* Load the plugins cfg names (cfg->plugins_load, or every *.so in
 * cfg->plugin_dir in name order when NULL), validate each, check its config
 * section, call init(). On error the registry holds what loaded before it;
 * call registry_free() either way. */
enum claro_status registry_load(struct registry *reg, const struct config *cfg, unsigned flags,
				struct error *err);
/* Load one plugin by name from dir (used by registry_load and tests). */
enum claro_status registry_load_one(struct registry *reg, const char *dir, const char *name,
				    const struct config *cfg, struct error *err);
/* After all plugins loaded: every [plugin.<name>] section must name a
 * loaded plugin. */
enum claro_status registry_check_sections(const struct registry *reg, const struct config *cfg,
					  struct error *err);
/* fini() in reverse load order, then free. Safe on a zeroed registry. */
void registry_free(struct registry *reg);

const struct component_ref *registry_find(const struct registry *reg, enum claro_kind kind, const char *name);
size_t registry_count(const struct registry *reg, enum claro_kind kind);
const struct component_ref *registry_at(const struct registry *reg, enum claro_kind kind, size_t i);
const char *registry_kind_name(enum claro_kind kind); /* "package_scanner", ... */

/* Clair's index state: MD5 hex over "libindex number: 2\n" and, for every
 * scanner (package, distribution, repository, file) sorted by name,
 * name + version + kind + "\n". out must hold 33 bytes. */
void registry_index_state(const struct registry *reg, char out[33]);

/* {"plugins": [{"name","version","path","license","description","abi":"1.0",
 *   "components":[{"kind","name","version"}]}]} for GET /api/v1/plugins. */
json_t *registry_to_json(const struct registry *reg);
/* The [plugin.<name>] sections with every declared key's effective value,
 * default and doc, for clarod --check-config. */
void registry_print_config(const struct registry *reg, FILE *fp);

/* Calling into a plugin: a context plus the slot host->error() fills. */
struct plugin_call {
	struct claro_ctx ctx;                 /* first member: host.c recovers the call from ctx */
	struct error err;
	char origin[128];                     /* "<plugin>/<component>" log prefix */
};

void plugin_call_begin(struct plugin_call *call, const struct component_ref *ref);
/* After the call: if status != CLARO_OK and the plugin set no message, fill
 * one in; move the error to err (if non-NULL) and release the call. */
enum claro_status plugin_call_end(struct plugin_call *call, enum claro_status status, struct error *err);

/* The host services table handed to every plugin. */
const struct claro_host *host_services(void);

#endif /* CLARO_CORE_REGISTRY_H */
