/* Loading plugins: find the file, check it, dlopen it, validate the module
 * descriptor against the ABI, check the plugin's [plugin.<name>] section
 * against the keys it declares, run init(), register its components. Every
 * refusal is a three-part error (c-plugin-daemons.md §2.5):
 *
 *   could not load plugin "<name>": <reason>
 *     detail: <what exactly is wrong, naming the file>
 *     hint: <what to do>
 *
 * Plugins are never dlclose'd (PostgreSQL's rule: a plugin's atexit handlers,
 * threads or callbacks may outlive any point we could pick), unless this is
 * built with -DCLARO_PLUGIN_DLCLOSE for leak hunting.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "recordcopy.h"
#include "registry.h"
#include "strutil.h"

#define MAX_COMPONENTS 256
#define MAX_CFG_KEYS   256

#define MODULE_V10    RECORD_V10_END(struct claro_module, fini)
#define COMPONENT_V10 RECORD_V10_END(struct claro_component, ops)
#define CFG_KEY_V10   RECORD_V10_END(struct claro_cfg_key, doc)

#define SDK_HINT "Rebuild the plugin against the installed SDK (pkg-config --modversion claro-plugin)."

typedef const struct claro_module *(*module_entry_fn)(void);

/* What ABI 1.0 requires of each kind's ops table: its size and the members
 * that must not be NULL. */
struct kind_rules {
	const char *ops_struct;
	size_t ops_v10;
	size_t required[3]; /* offsets of pointer members that must be set */
	const char *required_names[3];
	int n_required;
};

#define OPS_END(type, field) RECORD_V10_END(struct type, field)
#define MEMBER(type, field)  offsetof(struct type, field)

static const struct kind_rules kind_rules[CLARO_KIND_MAX + 1] = {
    [CLARO_KIND_PACKAGE_SCANNER] = {"claro_package_scanner_ops",
				    OPS_END(claro_package_scanner_ops, default_repository),
				    {MEMBER(claro_package_scanner_ops, scan)},
				    {"scan()"},
				    1},
    [CLARO_KIND_DISTRIBUTION_SCANNER] = {"claro_distribution_scanner_ops",
					 OPS_END(claro_distribution_scanner_ops, scan),
					 {MEMBER(claro_distribution_scanner_ops, scan)},
					 {"scan()"},
					 1},
    [CLARO_KIND_REPOSITORY_SCANNER] = {"claro_repository_scanner_ops",
				       OPS_END(claro_repository_scanner_ops, scan),
				       {MEMBER(claro_repository_scanner_ops, scan)},
				       {"scan()"},
				       1},
    [CLARO_KIND_FILE_SCANNER] = {"claro_file_scanner_ops",
				 OPS_END(claro_file_scanner_ops, scan),
				 {MEMBER(claro_file_scanner_ops, scan)},
				 {"scan()"},
				 1},
    [CLARO_KIND_COALESCER] = {"claro_coalescer_ops",
			      OPS_END(claro_coalescer_ops, coalesce),
			      {MEMBER(claro_coalescer_ops, scanners), MEMBER(claro_coalescer_ops, coalesce)},
			      {"scanners list", "coalesce()"},
			      2},
    [CLARO_KIND_MATCHER] = {"claro_matcher_ops",
			    OPS_END(claro_matcher_ops, vulnerable),
			    {MEMBER(claro_matcher_ops, filter), MEMBER(claro_matcher_ops, query),
			     MEMBER(claro_matcher_ops, vulnerable)},
			    {"filter()", "query()", "vulnerable()"},
			    3},
    [CLARO_KIND_UPDATER_SET] = {"claro_updater_set_ops",
				OPS_END(claro_updater_set_ops, update),
				{MEMBER(claro_updater_set_ops, list), MEMBER(claro_updater_set_ops, update)},
				{"list()", "update()"},
				2},
    [CLARO_KIND_ENRICHER] = {"claro_enricher_ops",
			     OPS_END(claro_enricher_ops, enrich),
			     {MEMBER(claro_enricher_ops, type), MEMBER(claro_enricher_ops, updater),
			      MEMBER(claro_enricher_ops, enrich)},
			     {"type", "updater", "enrich()"},
			     3},
    [CLARO_KIND_VERSION_SCHEME] = {"claro_version_scheme_ops",
				   OPS_END(claro_version_scheme_ops, normalize),
				   {MEMBER(claro_version_scheme_ops, compare)},
				   {"compare()"},
				   1},
};

/* ---- names ---- */

static int valid_plugin_name(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n > 0 && n <= REGISTRY_MAX_NAME;
}

/* Component names are freer ("rhel-containers", "java"): printable ASCII
 * without blanks, quotes, backslashes or "/" (it separates plugin and
 * component in log origins). */
static int valid_component_name(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '/')
			return 0;
	}
	return n > 0 && n <= REGISTRY_MAX_NAME;
}

/* A name as it may appear in a message: control bytes, quotes and non-ASCII
 * escaped, cut at 64 bytes. Caller frees; NULL only when out of memory. */
static char *printable(const char *s)
{
	struct buf b = BUF_INIT(0);
	size_t i;

	for (i = 0; s[i] && i < 64; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			buf_printf(&b, "\\x%02x", c);
		else
			buf_append(&b, &s[i], 1);
	}
	if (s[i])
		buf_puts(&b, "...");
	return buf_steal(&b);
}

/* Sets the primary message 'could not load plugin "<name>": <reason>'. */
static enum claro_status refuse(struct error *err, enum claro_status st, const char *name, const char *reason)
{
	return error_set(err, st, "could not load plugin \"%s\": %s", name, reason);
}

/* ---- the file ---- */

static enum claro_status check_name(const char *name, struct error *err)
{
	char *shown;

	if (valid_plugin_name(name))
		return CLARO_OK;
	shown = printable(name ? name : "");
	refuse(err, CLARO_ERR_CONFIG, shown ? shown : "?", "invalid plugin name");
	error_detail(err, "Plugin names are 1 to %d characters from a-z, 0-9 and \"_\"; \"%s\" is not.",
		     REGISTRY_MAX_NAME, shown ? shown : "?");
	error_hint(
	    err, "Use the plugin's file name without \".so\", and rename files that do not follow the rule.");
	free(shown);
	return CLARO_ERR_CONFIG;
}

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "not a regular file";
}

static enum claro_status check_file(const char *name, const char *path, struct error *err)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		int e = errno;
		if (e == ENOENT) {
			refuse(err, CLARO_ERR_NOT_FOUND, name, "plugin file not found");
			error_detail(err, "%s does not exist.", path);
			error_hint(err,
				   "Check plugin_dir in [clarod] and the names listed in [plugins] load.");
			return CLARO_ERR_NOT_FOUND;
		}
		refuse(err, CLARO_ERR_IO, name, "could not examine plugin file");
		error_detail(err, "lstat(%s) failed: %s.", path, strerror(e));
		error_hint(err, "Check that the plugin directory is readable by the user claro runs as.");
		return CLARO_ERR_IO;
	}
	if (S_ISLNK(st.st_mode)) {
		refuse(err, CLARO_ERR_DENIED, name, "plugin file is a symbolic link");
		error_detail(err,
			     "%s is a symbolic link; plugins are loaded only from regular files in the "
			     "plugin directory.",
			     path);
		error_hint(
		    err, "Install the plugin file itself into the plugin directory instead of a link to it.");
		return CLARO_ERR_DENIED;
	}
	if (!S_ISREG(st.st_mode)) {
		refuse(err, CLARO_ERR_DENIED, name, "plugin file is not a regular file");
		error_detail(err, "%s is %s.", path, file_kind(st.st_mode));
		error_hint(
		    err, "Remove it from the plugin directory, or install the plugin's shared object there.");
		return CLARO_ERR_DENIED;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		refuse(err, CLARO_ERR_DENIED, name, "plugin file is writable by other users");
		error_detail(
		    err, "%s has mode %04o; a plugin file must not be writable by its group or by others.",
		    path, (unsigned)(st.st_mode & 07777));
		error_hint(err, "Remove the write permission with chmod go-w %s.", path);
		return CLARO_ERR_DENIED;
	}
	return CLARO_OK;
}

static void unload(void *handle)
{
#ifdef CLARO_PLUGIN_DLCLOSE
	if (handle)
		dlclose(handle);
#else
	(void)handle;
#endif
}

static enum claro_status open_module(const char *name, const char *path, void **handle_out,
				     const struct claro_module **module_out, struct error *err)
{
	module_entry_fn entry;
	char *symbol;
	void *handle, *sym;
	const char *why;

	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		why = dlerror();
		refuse(err, CLARO_ERR_ABI, name, "could not open shared object");
		error_detail(err, "dlopen failed: %s.", why ? why : "unknown error");
		error_hint(err, "A library the plugin needs may be missing or too old; check ldd(1) on %s.",
			   path);
		return CLARO_ERR_ABI;
	}
	symbol = str_printf("claro_plugin_%s_module", name);
	if (!symbol) {
		unload(handle);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	dlerror();
	sym = dlsym(handle, symbol);
	free(symbol);
	if (!sym) {
		refuse(err, CLARO_ERR_ABI, name, "not a claro plugin");
		error_detail(err, "%s does not export claro_plugin_%s_module().", path, name);
		error_hint(
		    err,
		    "Plugins must use CLARO_PLUGIN_DEFINE(%s, ...) and link with -export-symbols-regex "
		    "(CLARO_PLUGIN_LDFLAGS from claro.m4).",
		    name);
		unload(handle);
		return CLARO_ERR_ABI;
	}
	/* dlsym gives an object pointer; POSIX guarantees it converts. */
	memcpy(&entry, &sym, sizeof(entry));
	*module_out = entry();
	if (!*module_out) {
		refuse(err, CLARO_ERR_ABI, name, "not a claro plugin");
		error_detail(err,
			     "claro_plugin_%s_module() in %s returned NULL instead of a module descriptor.",
			     name, path);
		error_hint(err, "Plugins must use CLARO_PLUGIN_DEFINE(%s, ...).", name);
		unload(handle);
		return CLARO_ERR_ABI;
	}
	*handle_out = handle;
	return CLARO_OK;
}

/* ---- the module descriptor ---- */

static enum claro_status check_header(const char *name, const char *path, const struct claro_module *m,
				      struct error *err)
{
	if (m->magic != CLARO_MODULE_MAGIC) {
		refuse(err, CLARO_ERR_ABI, name, "not a claro plugin");
		error_detail(err, "The module descriptor of %s starts with 0x%08x, not claro's magic 0x%08x.",
			     path, (unsigned)m->magic, (unsigned)CLARO_MODULE_MAGIC);
		error_hint(err, "Build the plugin with CLARO_PLUGIN_DEFINE from the installed SDK.");
		return CLARO_ERR_ABI;
	}
	if (m->abi_major != CLARO_ABI_MAJOR || m->abi_minor > CLARO_ABI_MINOR) {
		refuse(err, CLARO_ERR_ABI, name, "incompatible plugin ABI");
		error_detail(err, "%s was built for plugin ABI %u.%u; this claro provides ABI %d.%d.", path,
			     (unsigned)m->abi_major, (unsigned)m->abi_minor, CLARO_ABI_MAJOR,
			     CLARO_ABI_MINOR);
		if (m->abi_major == CLARO_ABI_MAJOR)
			error_hint(err,
				   "Upgrade claro to a release that provides ABI %u.%u, or rebuild the "
				   "plugin against "
				   "the installed SDK (pkg-config --modversion claro-plugin).",
				   (unsigned)m->abi_major, (unsigned)m->abi_minor);
		else
			error_hint(err, SDK_HINT);
		return CLARO_ERR_ABI;
	}
	if (m->struct_size < MODULE_V10) {
		refuse(err, CLARO_ERR_ABI, name, "invalid module descriptor");
		error_detail(err,
			     "The module descriptor of %s is %u bytes; plugin ABI 1.0 needs at least %zu.",
			     path, (unsigned)m->struct_size, MODULE_V10);
		error_hint(err, "Build the plugin with CLARO_PLUGIN_DEFINE from the installed SDK.");
		return CLARO_ERR_ABI;
	}
	if (!m->name || strcmp(m->name, name) != 0) {
		char *declared = m->name ? printable(m->name) : NULL;
		refuse(err, CLARO_ERR_ABI, name, "plugin name does not match its file");
		if (m->name)
			error_detail(err,
				     "%s declares the name \"%s\"; a plugin's name must equal its file name "
				     "without \".so\".",
				     path, declared ? declared : "?");
		else
			error_detail(
			    err,
			    "%s declares no name; a plugin's name must equal its file name without \".so\".",
			    path);
		if (m->name && valid_plugin_name(m->name))
			error_hint(err,
				   "Rename the file to %s.so, or build the plugin with "
				   "CLARO_PLUGIN_DEFINE(%s, ...).",
				   m->name, name);
		else
			error_hint(err, "Build the plugin with CLARO_PLUGIN_DEFINE(%s, ...).", name);
		free(declared);
		return CLARO_ERR_ABI;
	}
	if (!m->version || !*m->version) {
		refuse(err, CLARO_ERR_ABI, name, "invalid module descriptor");
		error_detail(err, "%s declares no version.", path);
		error_hint(err, "Give CLARO_PLUGIN_DEFINE a version string such as \"1.0.0\".");
		return CLARO_ERR_ABI;
	}
	return CLARO_OK;
}

/* Reads pointer member at offset of an ops table. */
static const void *member(const void *ops, size_t offset)
{
	const void *p;

	memcpy(&p, (const char *)ops + offset, sizeof(p));
	return p;
}

static enum claro_status invalid_component(struct error *err, const char *name)
{
	return refuse(err, CLARO_ERR_ABI, name, "invalid component");
}

static enum claro_status check_component(const char *name, const char *path, size_t i,
					 const struct claro_component *c, struct error *err)
{
	const struct kind_rules *rules;
	const char *kind;
	uint32_t ops_size;

	if (c->struct_size < COMPONENT_V10) {
		invalid_component(err, name);
		error_detail(err, "Component %zu of %s is %u bytes; plugin ABI 1.0 needs at least %zu.",
			     i + 1, path, (unsigned)c->struct_size, COMPONENT_V10);
		error_hint(err, "Set struct_size = sizeof(struct claro_component) in every component.");
		return CLARO_ERR_ABI;
	}
	if (!valid_component_name(c->name)) {
		char *shown = c->name ? printable(c->name) : NULL;
		invalid_component(err, name);
		if (c->name)
			error_detail(
			    err,
			    "Component %zu of %s is named \"%s\"; names are 1 to %d printable characters "
			    "without blanks, quotes, \"\\\" or \"/\".",
			    i + 1, path, shown ? shown : "?", REGISTRY_MAX_NAME);
		else
			error_detail(err, "Component %zu of %s has no name.", i + 1, path);
		error_hint(err, "Give every component a short name such as \"dpkg\".");
		free(shown);
		return CLARO_ERR_ABI;
	}
	if (c->kind < 1 || c->kind > CLARO_KIND_MAX) {
		refuse(err, CLARO_ERR_ABI, name, "unrecognized component kind");
		error_detail(
		    err,
		    "Component \"%s\" of %s has kind %u; this claro (plugin ABI %d.%d) knows kinds 1 to %d.",
		    c->name, path, (unsigned)c->kind, CLARO_ABI_MAJOR, CLARO_ABI_MINOR, CLARO_KIND_MAX);
		error_hint(err, SDK_HINT);
		return CLARO_ERR_ABI;
	}
	kind = registry_kind_name(c->kind);
	rules = &kind_rules[c->kind];
	if (!c->version || !*c->version) {
		invalid_component(err, name);
		error_detail(err, "The %s \"%s\" of %s declares no version.", kind, c->name, path);
		error_hint(err, "Give every component a version, and bump it whenever its results change.");
		return CLARO_ERR_ABI;
	}
	if (!c->ops) {
		invalid_component(err, name);
		error_detail(err, "The %s \"%s\" of %s has no ops table.", kind, c->name, path);
		error_hint(err, "Point the component's ops at a struct %s.", rules->ops_struct);
		return CLARO_ERR_ABI;
	}
	memcpy(&ops_size, c->ops, sizeof(ops_size));
	if (ops_size < rules->ops_v10) {
		invalid_component(err, name);
		error_detail(
		    err,
		    "The ops table of the %s \"%s\" of %s is %u bytes; plugin ABI 1.0 needs at least %zu.",
		    kind, c->name, path, (unsigned)ops_size, rules->ops_v10);
		error_hint(err, "Set struct_size = sizeof(struct %s).", rules->ops_struct);
		return CLARO_ERR_ABI;
	}
	for (int r = 0; r < rules->n_required; r++) {
		if (!member(c->ops, rules->required[r])) {
			invalid_component(err, name);
			error_detail(err, "The %s \"%s\" of %s has no %s.", kind, c->name, path,
				     rules->required_names[r]);
			error_hint(err, "Every %s must provide %s (see <claro/plugin.h>).", kind,
				   rules->required_names[r]);
			return CLARO_ERR_ABI;
		}
	}
	return CLARO_OK;
}

static enum claro_status check_components(const char *name, const char *path, const struct claro_module *m,
					  struct error *err)
{
	const struct claro_component *const *comps = m->components;
	size_t n = 0;
	enum claro_status st;

	while (comps && n <= MAX_COMPONENTS && comps[n])
		n++;
	if (n == 0 || n > MAX_COMPONENTS) {
		refuse(err, CLARO_ERR_ABI, name, "invalid module descriptor");
		if (n == 0) {
			error_detail(err, "%s declares no components.", path);
			error_hint(err, "List at least one component in CLARO_PLUGIN_DEFINE.");
		} else {
			error_detail(
			    err,
			    "%s lists more than %d components; the list is probably not NULL-terminated.",
			    path, MAX_COMPONENTS);
			error_hint(err,
				   "End the components array with NULL (CLARO_PLUGIN_DEFINE does this).");
		}
		return CLARO_ERR_ABI;
	}
	for (size_t i = 0; i < n; i++) {
		if ((st = check_component(name, path, i, comps[i], err)) != CLARO_OK)
			return st;
		for (size_t j = 0; j < i; j++) {
			if (comps[j]->kind == comps[i]->kind && strcmp(comps[j]->name, comps[i]->name) == 0) {
				refuse(err, CLARO_ERR_CONFLICT, name, "duplicate component");
				error_detail(err, "%s lists the %s \"%s\" twice.", path,
					     registry_kind_name(comps[i]->kind), comps[i]->name);
				error_hint(err, "Give each component of a kind its own name.");
				return CLARO_ERR_CONFLICT;
			}
		}
	}
	return CLARO_OK;
}

static enum claro_status check_build_id(const char *name, const char *path, const struct claro_module *m,
					struct error *err)
{
	if (!(m->flags & CLARO_MODULE_STRICT) || (m->build_id && strcmp(m->build_id, CLARO_BUILD_ID) == 0))
		return CLARO_OK;
	refuse(err, CLARO_ERR_ABI, name, "incompatible plugin build");
	if (m->build_id) {
		char *shown = printable(m->build_id);
		error_detail(
		    err,
		    "%s is marked strict and was built against claro build \"%s\"; this is build \"%s\".",
		    path, shown ? shown : "?", CLARO_BUILD_ID);
		free(shown);
	} else {
		error_detail(err, "%s is marked strict but records no build id; this is build \"%s\".", path,
			     CLARO_BUILD_ID);
	}
	error_hint(err, "Rebuild the plugin against this claro's SDK, or drop CLARO_MODULE_STRICT.");
	return CLARO_ERR_ABI;
}

static enum claro_status check_duplicates(const struct registry *reg, const char *name, const char *path,
					  const struct claro_module *m, struct error *err)
{
	for (size_t i = 0; m->components[i]; i++) {
		const struct claro_component *c = m->components[i];
		const struct component_ref *have = registry_find(reg, c->kind, c->name);

		if (have) {
			refuse(err, CLARO_ERR_CONFLICT, name, "duplicate component");
			error_detail(err, "The %s \"%s\" of %s is already provided by plugin \"%s\" (%s).",
				     registry_kind_name(c->kind), c->name, path, have->plugin->name,
				     have->plugin->path);
			error_hint(err, "Load only one of the two plugins (see load in [plugins]).");
			return CLARO_ERR_CONFLICT;
		}
	}
	return CLARO_OK;
}

/* ---- configuration ---- */

static const struct config_section *find_section(const struct config *cfg, const char *plugin)
{
	for (size_t i = 0; cfg && i < cfg->n_sections; i++)
		if (cfg->sections[i].plugin && strcmp(cfg->sections[i].plugin, plugin) == 0)
			return &cfg->sections[i];
	return NULL;
}

static const char *config_file(const struct config *cfg)
{
	return cfg && cfg->path ? cfg->path : "(no configuration file)";
}

/* Parses value as type; 0 if it does not. */
static int value_parses(enum claro_cfg_type type, const char *value, enum claro_status *why)
{
	int64_t i;
	int b;

	switch (type) {
	case CLARO_CFG_STRING: *why = CLARO_OK; break;
	case CLARO_CFG_INT: *why = parse_int64(value, &i); break;
	case CLARO_CFG_BOOL: *why = parse_bool(value, &b); break;
	case CLARO_CFG_DURATION: *why = parse_duration(value, &i); break;
	default: *why = CLARO_ERR_INVALID;
	}
	return *why == CLARO_OK;
}

static const char *type_phrase(enum claro_cfg_type type)
{
	switch (type) {
	case CLARO_CFG_INT: return "an integer";
	case CLARO_CFG_BOOL: return "a boolean (true/false, yes/no, on/off, 1/0)";
	case CLARO_CFG_DURATION: return "a duration such as 90s, 15m, 6h or 2d";
	default: return "a string";
	}
}

static enum claro_status bad_declaration(struct error *err, const char *name, const char *path)
{
	refuse(err, CLARO_ERR_ABI, name, "invalid configuration declaration");
	error_hint(err, "Fix the config array of the plugin; %s cannot be used as built.", path);
	return CLARO_ERR_ABI;
}

/* The plugin's own declaration of its keys must make sense. */
static enum claro_status check_declared_keys(const char *name, const char *path, const struct claro_module *m,
					     size_t *count, struct error *err)
{
	const struct claro_cfg_key *const *keys = m->config;
	size_t n = 0;
	enum claro_status why;

	while (keys && n <= MAX_CFG_KEYS && keys[n])
		n++;
	if (n > MAX_CFG_KEYS) {
		bad_declaration(err, name, path);
		error_detail(
		    err,
		    "Plugin \"%s\" declares more than %d configuration keys; the list is probably not "
		    "NULL-terminated.",
		    name, MAX_CFG_KEYS);
		return CLARO_ERR_ABI;
	}
	for (size_t i = 0; i < n; i++) {
		const struct claro_cfg_key *k = keys[i];

		if (k->struct_size < CFG_KEY_V10) {
			bad_declaration(err, name, path);
			error_detail(err,
				     "Configuration key %zu of plugin \"%s\" is %u bytes; plugin ABI 1.0 "
				     "needs at least %zu.",
				     i + 1, name, (unsigned)k->struct_size, CFG_KEY_V10);
			return CLARO_ERR_ABI;
		}
		if (!valid_plugin_name(k->name)) {
			char *shown = k->name ? printable(k->name) : NULL;
			bad_declaration(err, name, path);
			error_detail(
			    err,
			    "Configuration key %zu of plugin \"%s\" is named \"%s\"; key names are 1 to %d "
			    "characters from a-z, 0-9 and \"_\".",
			    i + 1, name, shown ? shown : "", REGISTRY_MAX_NAME);
			free(shown);
			return CLARO_ERR_ABI;
		}
		if (k->type < CLARO_CFG_STRING || k->type > CLARO_CFG_DURATION) {
			bad_declaration(err, name, path);
			error_detail(err,
				     "Configuration key \"%s\" of plugin \"%s\" has type %d; this claro "
				     "knows types 1 to 4.",
				     k->name, name, (int)k->type);
			return CLARO_ERR_ABI;
		}
		if (!k->required && k->default_value && !value_parses(k->type, k->default_value, &why)) {
			bad_declaration(err, name, path);
			error_detail(
			    err, "The default \"%s\" of configuration key \"%s\" of plugin \"%s\" is not %s.",
			    k->default_value, k->name, name, type_phrase(k->type));
			return CLARO_ERR_ABI;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(keys[j]->name, k->name) == 0) {
				bad_declaration(err, name, path);
				error_detail(err,
					     "Plugin \"%s\" declares the configuration key \"%s\" twice.",
					     name, k->name);
				return CLARO_ERR_ABI;
			}
		}
	}
	*count = n;
	return CLARO_OK;
}

static char *declared_key_list(const struct claro_plugin *p)
{
	struct buf b = BUF_INIT(0);

	for (size_t i = 0; i < p->n_settings; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", p->settings[i].key->name);
	return buf_steal(&b);
}

static const char *type_example(const struct claro_cfg_key *k)
{
	if (k->default_value && !k->required)
		return k->default_value;
	switch (k->type) {
	case CLARO_CFG_INT: return "10";
	case CLARO_CFG_BOOL: return "true";
	case CLARO_CFG_DURATION: return "6h";
	default: return "...";
	}
}

static enum claro_status unknown_key(const struct config *cfg, const struct claro_plugin *p,
				     const struct config_entry *e, struct error *err)
{
	char *keys = declared_key_list(p);

	error_set(err, CLARO_ERR_CONFIG, "%s:%d: unrecognized key \"%s\" in section [plugin.%s]",
		  config_file(cfg), e->line, e->key, p->name);
	if (keys && *keys)
		error_detail(err, "Plugin \"%s\" declares these keys: %s.", p->name, keys);
	else
		error_detail(err, "Plugin \"%s\" declares no configuration keys.", p->name);
	error_hint(err, "Remove the line or correct the key's name; clarod --check-config lists every key "
			"with its default.");
	free(keys);
	return CLARO_ERR_CONFIG;
}

static enum claro_status bad_value(const struct config *cfg, const struct claro_plugin *p,
				   const struct config_entry *e, const struct claro_cfg_key *k,
				   enum claro_status why, struct error *err)
{
	error_set(err, CLARO_ERR_CONFIG, "%s:%d: invalid value for key \"%s\" in section [plugin.%s]",
		  config_file(cfg), e->line, e->key, p->name);
	if (why == CLARO_ERR_TOO_LARGE)
		error_detail(err, "\"%s\" is out of range for %s.", e->value, type_phrase(k->type));
	else
		error_detail(err, "\"%s\" is not %s.", e->value, type_phrase(k->type));
	error_hint(err, "Write %s as %s, e.g. %s = %s.", k->name, type_phrase(k->type), k->name,
		   type_example(k));
	return CLARO_ERR_CONFIG;
}

static enum claro_status missing_key(const struct config *cfg, const struct claro_plugin *p,
				     const struct config_section *sec, const struct claro_cfg_key *k,
				     struct error *err)
{
	const char *doc = k->doc && *k->doc ? k->doc : NULL;

	if (sec) {
		error_set(err, CLARO_ERR_CONFIG, "%s:%d: missing required key \"%s\" in section [plugin.%s]",
			  config_file(cfg), sec->line, k->name, p->name);
		error_detail(err, "Plugin \"%s\" requires %s%s%s%s.", p->name, k->name, doc ? " (" : "",
			     doc ? doc : "", doc ? ")" : "");
		error_hint(err, "Add a line \"%s = ...\" to [plugin.%s].", k->name, p->name);
	} else {
		error_set(err, CLARO_ERR_CONFIG, "%s: missing required key \"%s\" in section [plugin.%s]",
			  config_file(cfg), k->name, p->name);
		error_detail(err, "Plugin \"%s\" requires %s%s%s%s, and there is no [plugin.%s] section.",
			     p->name, k->name, doc ? " (" : "", doc ? doc : "", doc ? ")" : "", p->name);
		error_hint(err, "Add a [plugin.%s] section with a line \"%s = ...\".", p->name, k->name);
	}
	return CLARO_ERR_CONFIG;
}

/* Fills p->settings from the declared keys and the plugin's section. */
static enum claro_status apply_config(struct claro_plugin *p, const struct config *cfg, struct error *err)
{
	const struct claro_module *m = p->module;
	const struct config_section *sec = find_section(cfg, p->name);
	size_t n = 0;
	enum claro_status st, why;

	if ((st = check_declared_keys(p->name, p->path, m, &n, err)) != CLARO_OK)
		return st;
	if (n && !(p->settings = calloc(n, sizeof(*p->settings))))
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	p->n_settings = n;
	for (size_t i = 0; i < n; i++)
		p->settings[i].key = m->config[i];
	for (size_t e = 0; sec && e < sec->n_entries; e++) {
		const struct config_entry *entry = &sec->entries[e];
		struct plugin_setting *s = NULL;

		for (size_t i = 0; i < n && !s; i++)
			if (strcmp(p->settings[i].key->name, entry->key) == 0)
				s = &p->settings[i];
		if (!s)
			return unknown_key(cfg, p, entry, err);
		if (s->from_file) {
			int first = 0;
			for (size_t f = 0; f < e; f++)
				if (strcmp(sec->entries[f].key, entry->key) == 0 && !first)
					first = sec->entries[f].line;
			error_set(err, CLARO_ERR_CONFIG, "%s:%d: duplicate key \"%s\" in section [plugin.%s]",
				  config_file(cfg), entry->line, entry->key, p->name);
			error_detail(err, "It is already set on line %d.", first);
			error_hint(err, "Keep only one of the two lines.");
			return CLARO_ERR_CONFIG;
		}
		if (!value_parses(s->key->type, entry->value ? entry->value : "", &why))
			return bad_value(cfg, p, entry, s->key, why, err);
		if (!(s->value = strdup(entry->value ? entry->value : "")))
			return error_set(err, CLARO_ERR_NOMEM, "out of memory");
		s->from_file = 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct plugin_setting *s = &p->settings[i];
		if (s->from_file)
			continue;
		if (s->key->required)
			return missing_key(cfg, p, sec, s->key, err);
		if (s->key->default_value && !(s->value = strdup(s->key->default_value)))
			return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	return CLARO_OK;
}

/* ---- init, fini, freeing ---- */

static enum claro_status run_init(struct claro_plugin *p, struct error *err)
{
	struct plugin_call call;
	struct error perr = ERROR_INIT;
	enum claro_status st;

	if (!p->module->init) {
		p->initialised = 1;
		return CLARO_OK;
	}
	plugin_call_begin_plugin(&call, p);
	st = p->module->init(&call.ctx);
	p->ctx.plugin_data = call.ctx.plugin_data;
	plugin_call_end(&call, st, &perr);
	if (st != CLARO_OK) {
		/* The plugin's own three parts, under the loader's message. */
		error_move(err, &perr);
		error_prefix(err, "could not load plugin \"%s\"", p->name);
		return st;
	}
	p->initialised = 1;
	return CLARO_OK;
}

static void run_fini(struct claro_plugin *p)
{
	struct plugin_call call;

	if (!p->initialised || !p->module->fini)
		return;
	plugin_call_begin_plugin(&call, p);
	p->module->fini(&call.ctx);
	plugin_call_end(&call, CLARO_OK, NULL);
	p->initialised = 0;
}

static void plugin_free(struct claro_plugin *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_settings; i++)
		free(p->settings[i].value);
	free(p->settings);
	unload(p->handle);
	free(p->name);
	free(p->path);
	free(p);
}

void registry_free(struct registry *reg)
{
	if (!reg)
		return;
	for (size_t i = reg->n_plugins; i-- > 0;)
		run_fini(reg->plugins[i]);
	for (size_t i = 0; i < reg->n_plugins; i++)
		plugin_free(reg->plugins[i]);
	free(reg->plugins);
	for (int k = 0; k <= CLARO_KIND_MAX; k++)
		free(reg->by_kind[k]);
	memset(reg, 0, sizeof(*reg));
}

/* ---- loading ---- */

enum claro_status registry_load_one(struct registry *reg, const char *dir, const char *name,
				    const struct config *cfg, struct error *err)
{
	const struct claro_plugin *loaded;
	const struct claro_module *module = NULL;
	struct claro_plugin *p;
	void *handle = NULL;
	char *path;
	enum claro_status st;

	if ((st = check_name(name, err)) != CLARO_OK)
		return st;
	if ((loaded = registry_plugin(reg, name)) != NULL) {
		refuse(err, CLARO_ERR_CONFLICT, name, "plugin already loaded");
		error_detail(err, "Plugin \"%s\" was already loaded from %s.", name, loaded->path);
		error_hint(err, "List each plugin only once in load in [plugins].");
		return CLARO_ERR_CONFLICT;
	}
	if (!(path = str_printf("%s/%s.so", dir, name)))
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	st = check_file(name, path, err);
	if (st == CLARO_OK)
		st = open_module(name, path, &handle, &module, err);
	if (st == CLARO_OK && (st = check_header(name, path, module, err)) == CLARO_OK &&
	    (st = check_components(name, path, module, err)) == CLARO_OK &&
	    (st = check_build_id(name, path, module, err)) == CLARO_OK)
		st = check_duplicates(reg, name, path, module, err);
	if (st != CLARO_OK) {
		unload(handle);
		free(path);
		return st;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->name = strdup(name))) {
		free(p);
		unload(handle);
		free(path);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	p->path = path;
	p->handle = handle;
	p->module = module;
	p->registry = reg; /* init() may look up version schemes already loaded */
	p->ctx.struct_size = sizeof(p->ctx);
	p->ctx.host = host_services();
	p->ctx.plugin = p;
	if ((st = apply_config(p, cfg, err)) != CLARO_OK || (st = run_init(p, err)) != CLARO_OK) {
		plugin_free(p);
		return st;
	}
	if (registry_insert(reg, p) != CLARO_OK) {
		run_fini(p);
		plugin_free(p);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	log_debug("loaded plugin %s %s from %s", p->name, module->version, p->path);
	return CLARO_OK;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* Every "<stem>.so" in dir, sorted; NULL-terminated. */
static enum claro_status list_plugin_dir(const char *dir, char ***out, struct error *err)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir(dir);

	*out = NULL;
	if (!d) {
		int e = errno;
		error_set(err, CLARO_ERR_CONFIG, "could not read plugin directory %s", dir);
		error_detail(err, "opendir failed: %s.", strerror(e));
		error_hint(err, "Set plugin_dir in [clarod] to the directory that holds the plugins.");
		return CLARO_ERR_CONFIG;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len <= 3 || strcmp(de->d_name + len - 3, ".so") != 0)
			continue;
		if (n + 1 >= cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **v = realloc(names, ncap * sizeof(*v));
			if (!v)
				goto oom;
			names = v;
			cap = ncap;
		}
		if (!(names[n] = str_ndup(de->d_name, len - 3)))
			goto oom;
		names[++n] = NULL;
	}
	closedir(d);
	if (!names && !(names = calloc(1, sizeof(*names))))
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	qsort(names, n, sizeof(*names), compare_strings);
	*out = names;
	return CLARO_OK;
oom:
	closedir(d);
	if (names)
		names[n] = NULL;
	free_names(names);
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

static int listed(char *const *names, const char *name)
{
	for (size_t i = 0; names && names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

static enum claro_status check_sections(const struct registry *reg, const struct config *cfg,
					char *const *skipped, struct error *err)
{
	for (size_t i = 0; cfg && i < cfg->n_sections; i++) {
		const struct config_section *sec = &cfg->sections[i];
		struct buf names = BUF_INIT(0);

		if (!sec->plugin || registry_plugin(reg, sec->plugin) || listed(skipped, sec->plugin))
			continue;
		for (size_t p = 0; reg && p < reg->n_plugins; p++)
			buf_printf(&names, "%s%s", p ? ", " : "", reg->plugins[p]->name);
		error_set(err, CLARO_ERR_CONFIG,
			  "%s:%d: section [plugin.%s] names a plugin that is not loaded", config_file(cfg),
			  sec->line, sec->plugin);
		if (names.len)
			error_detail(err, "The loaded plugins are: %s.", names.data);
		else
			error_detail(err, "No plugins are loaded.");
		error_hint(
		    err,
		    "Remove the section, or load the plugin (plugin_dir in [clarod], load in [plugins]).");
		buf_free(&names);
		return CLARO_ERR_CONFIG;
	}
	return CLARO_OK;
}

enum claro_status registry_check_sections(const struct registry *reg, const struct config *cfg,
					  struct error *err)
{
	return check_sections(reg, cfg, NULL, err);
}

enum claro_status registry_load(struct registry *reg, const struct config *cfg, unsigned flags,
				struct error *err)
{
	char **found = NULL, **skipped = NULL;
	char *const *names;
	size_t n_skipped = 0;
	enum claro_status st = CLARO_OK;

	if (!cfg || !cfg->plugin_dir) {
		error_set(err, CLARO_ERR_CONFIG, "no plugin directory is configured");
		error_detail(err, "plugin_dir in [clarod] is empty.");
		error_hint(err, "Set plugin_dir in [clarod] to the directory that holds the plugins.");
		return CLARO_ERR_CONFIG;
	}
	if (cfg->plugins_load) {
		names = cfg->plugins_load;
	} else {
		if ((st = list_plugin_dir(cfg->plugin_dir, &found, err)) != CLARO_OK)
			return st;
		names = found;
	}
	for (size_t i = 0; names[i]; i++) {
		struct error e = ERROR_INIT;

		st = registry_load_one(reg, cfg->plugin_dir, names[i], cfg, &e);
		if (st == CLARO_OK)
			continue;
		if (!(flags & REGISTRY_SKIP_BROKEN) || st == CLARO_ERR_NOMEM) {
			error_move(err, &e);
			goto out;
		}
		log_error(CLARO_LOG_WARNING, &e);
		log_warn("skipping plugin \"%s\" (--skip-broken-plugins)", names[i]);
		error_clear(&e);
		char **v = realloc(skipped, (n_skipped + 2) * sizeof(*v));
		if (!v || !(v[n_skipped] = strdup(names[i]))) {
			if (v)
				skipped = v;
			st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
			goto out;
		}
		skipped = v;
		skipped[++n_skipped] = NULL;
		st = CLARO_OK;
	}
	if (reg->n_plugins == 0)
		log_warn("no plugins loaded from %s", cfg->plugin_dir);
	st = check_sections(reg, cfg, skipped, err);
out:
	free_names(found);
	if (skipped)
		skipped[n_skipped] = NULL;
	free_names(skipped);
	return st;
}
