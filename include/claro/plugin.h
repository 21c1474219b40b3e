/* claro plugin SDK: the plugin ABI.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * ABI CHANGELOG (newest first; one line per change, with the date)
 *   2026-11-23  1.0  First ABI: module descriptor, nine component kinds, host
 *                    services (log, alloc, config, HTTP, layer fs, version
 *                    schemes, structured errors, record sinks).
 *
 * VERSIONING RULES
 *   - A plugin is loaded when its abi_major equals the host's CLARO_ABI_MAJOR
 *     and its abi_minor is not newer than the host's CLARO_ABI_MINOR.
 *   - Adding a field at the END of a struct, a new host service at the end of
 *     struct claro_host, a new component kind, a new status or flag value:
 *     minor + 1. Readers use only the fields inside the writer's struct_size,
 *     and plugins probe newer host services with CLARO_HOST_HAS().
 *   - Anything else (remove, reorder, resize or retype a field, change what a
 *     function means, renumber an enum): major + 1.
 *   - Every declaration carries "Since: ABI x.y". Record each change above.
 *
 * WRITING A PLUGIN
 *   A plugin is one shared object <name>.so exporting exactly one symbol,
 *   claro_plugin_<name>_module(), emitted by CLARO_PLUGIN_DEFINE. It links
 *   nothing from the host: every service arrives through struct claro_host
 *   (ctx->host). Compile with -fvisibility=hidden and link with the flags
 *   from claro.m4 (CLARO_PLUGIN_LDFLAGS). See contrib/plugin-template/.
 *
 * OWNERSHIP
 *   Unless a comment says otherwise: what a plugin passes to the host is
 *   borrowed for the call (the host copies what it keeps); what the host
 *   passes to a plugin is borrowed until the callback returns; memory a host
 *   service returns as "caller frees" is freed with host->free().
 */
#ifndef CLARO_PLUGIN_H
#define CLARO_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <claro/abi.h>
#include <claro/status.h>
#include <claro/records.h>
#include <claro/kinds/scanner.h>
#include <claro/kinds/coalescer.h>
#include <claro/kinds/matcher.h>
#include <claro/kinds/updater.h>
#include <claro/kinds/enricher.h>
#include <claro/kinds/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define CLARO_EXPORT       __attribute__((visibility("default")))
#define CLARO_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLARO_EXPORT
#define CLARO_PRINTF(f, a)
#endif

/* Identifies a claro module descriptor ("clr1"). Since: ABI 1.0 */
#define CLARO_MODULE_MAGIC 0x636c7231u

/* Module flags. Since: ABI 1.0 */
#define CLARO_MODULE_STRICT (1u << 0) /* also require build_id == host's CLARO_BUILD_ID */

/* Component kinds. Values are ABI: never renumber. Since: ABI 1.0 */
enum claro_kind {
	CLARO_KIND_PACKAGE_SCANNER = 1,      /* ops: struct claro_package_scanner_ops */
	CLARO_KIND_DISTRIBUTION_SCANNER = 2, /* ops: struct claro_distribution_scanner_ops */
	CLARO_KIND_REPOSITORY_SCANNER = 3,   /* ops: struct claro_repository_scanner_ops */
	CLARO_KIND_FILE_SCANNER = 4,         /* ops: struct claro_file_scanner_ops */
	CLARO_KIND_COALESCER = 5,            /* ops: struct claro_coalescer_ops */
	CLARO_KIND_MATCHER = 6,              /* ops: struct claro_matcher_ops */
	CLARO_KIND_UPDATER_SET = 7,          /* ops: struct claro_updater_set_ops */
	CLARO_KIND_ENRICHER = 8,             /* ops: struct claro_enricher_ops */
	CLARO_KIND_VERSION_SCHEME = 9        /* ops: struct claro_version_scheme_ops */
};
#define CLARO_KIND_MAX CLARO_KIND_VERSION_SCHEME

/* One implementation of one kind. A module may carry many. Since: ABI 1.0 */
struct claro_component {
	uint32_t struct_size; /* sizeof(struct claro_component) at build time */
	uint16_t kind;        /* enum claro_kind */
	uint16_t reserved;    /* 0 */
	const char *name;     /* unique per kind across all loaded plugins */
	const char *version;  /* scanners: bumping it invalidates cached results */
	const void *ops;      /* the kind's ops struct; starts with uint32_t struct_size */
};

/* Types of configuration keys. Values are ABI. Since: ABI 1.0 */
enum claro_cfg_type {
	CLARO_CFG_STRING = 1,
	CLARO_CFG_INT = 2,     /* decimal, 64-bit signed */
	CLARO_CFG_BOOL = 3,    /* true/false, yes/no, on/off, 1/0 */
	CLARO_CFG_DURATION = 4 /* e.g. 90s, 15m, 6h, 2d; read back in seconds */
};

/* A key of the plugin's own [plugin.<name>] INI section. The host validates
 * the section against these before the plugin's init() runs: an unknown key,
 * a value of the wrong type or a missing required key stops start-up.
 * Since: ABI 1.0 */
struct claro_cfg_key {
	uint32_t struct_size;
	const char *name; /* [a-z0-9_]+ */
	enum claro_cfg_type type;
	const char *default_value; /* as it would be written in the INI file; NULL = none */
	int required;              /* non-zero: must be set (default_value ignored) */
	const char *doc;           /* one line, shown by clarod --check-config */
};

struct claro_plugin; /* the host's record of a loaded plugin; opaque */
struct claro_host;

/* The per-call context every plugin callback receives. Host-owned.
 * Since: ABI 1.0 */
struct claro_ctx {
	uint32_t struct_size;
	const struct claro_host *host;
	struct claro_plugin *plugin;
	const struct claro_component *component; /* NULL in init() and fini() */
	void *plugin_data;                       /* what init() stored here; shared by all components */
};

/* The module descriptor. The first four fields never move. Since: ABI 1.0 */
struct claro_module {
	uint32_t magic;                                  /* CLARO_MODULE_MAGIC */
	uint16_t abi_major;                              /* CLARO_ABI_MAJOR at build time */
	uint16_t abi_minor;                              /* CLARO_ABI_MINOR at build time */
	uint32_t struct_size;                            /* sizeof(struct claro_module) at build time */
	uint32_t flags;                                  /* CLARO_MODULE_* */
	const char *name;                                /* must equal the file's stem: <name>.so */
	const char *version;                             /* the plugin's own version */
	const char *build_id;                            /* CLARO_BUILD_ID it was built against */
	const char *license;                             /* informational, SPDX id */
	const char *description;                         /* one line */
	const struct claro_component *const *components; /* NULL-terminated, non-empty */
	const struct claro_cfg_key *const *config;       /* NULL-terminated, or NULL */
	/* Optional. Called once after validation and config checks; may set
	 * ctx->plugin_data. An error (with host->error()) refuses the plugin. */
	enum claro_status (*init)(struct claro_ctx *ctx);
	/* Optional. Called once at shutdown, in reverse load order. */
	void (*fini)(struct claro_ctx *ctx);
};

/* Log levels (syslog's numbers). Since: ABI 1.0 */
enum claro_log_level {
	CLARO_LOG_ERROR = 3,
	CLARO_LOG_WARNING = 4,
	CLARO_LOG_NOTICE = 5,
	CLARO_LOG_INFO = 6,
	CLARO_LOG_DEBUG = 7
};

/* An outbound HTTP request. Since: ABI 1.0 */
struct claro_http_request {
	uint32_t struct_size;
	const char *method; /* NULL = "GET" */
	const char *url;
	const char *const *headers;    /* NULL-terminated "Name: value" lines, or NULL */
	const char *if_none_match;     /* ETag from a previous fingerprint, or NULL */
	const char *if_modified_since; /* Last-Modified from a previous fingerprint, or NULL */
	uint64_t max_body;             /* 0 = the host's limit; a larger body is CLARO_ERR_TOO_LARGE */
	uint32_t timeout_seconds;      /* 0 = the host's default */
};

/* An HTTP response; caller frees with host->http_response_free(). The body is
 * held in memory; use a streaming read for large feeds. Since: ABI 1.0 */
struct claro_http_response {
	uint32_t struct_size;
	long status;               /* 200, 304, ... (304 only with a conditional request) */
	const char *etag;          /* or NULL */
	const char *last_modified; /* or NULL */
	const char *content_type;  /* or NULL */
	const char *effective_url; /* after redirects */
	const unsigned char *body;
	size_t body_len;
};

/* Host services. Append-only; probe members newer than 1.0 with
 * CLARO_HOST_HAS(). All functions are safe to call from any worker thread.
 * Since: ABI 1.0 unless marked. */
struct claro_host {
	uint32_t struct_size;
	uint16_t abi_major;
	uint16_t abi_minor;

	/* --- logging: the host prefixes "<plugin>/<component>: " --- */
	void (*log)(struct claro_ctx *ctx, enum claro_log_level level, const char *fmt, ...)
	    CLARO_PRINTF(3, 4);

	/* --- structured errors for the current call: what / detail / hint ---
	 * error() sets the primary message and returns status, so a plugin can
	 * write: return host->error(ctx, CLARO_ERR_INVALID, "bad header in %s", p); */
	enum claro_status (*error)(struct claro_ctx *ctx, enum claro_status status, const char *fmt, ...)
	    CLARO_PRINTF(3, 4);
	void (*error_detail)(struct claro_ctx *ctx, const char *fmt, ...) CLARO_PRINTF(2, 3);
	void (*error_hint)(struct claro_ctx *ctx, const char *fmt, ...) CLARO_PRINTF(2, 3);

	/* --- memory: failures return NULL, never abort --- */
	void *(*alloc)(size_t n);
	void *(*calloc)(size_t n, size_t size);
	void *(*realloc)(void *p, size_t n);
	void (*free)(void *p);
	char *(*strdup)(const char *s);

	/* --- configuration of the plugin's own [plugin.<name>] section ---
	 * Values are validated and defaulted before init(). Strings are borrowed
	 * until fini(). CLARO_ERR_NOT_FOUND when the key has no value and no
	 * default; CLARO_ERR_INVALID when the key was not declared. */
	enum claro_status (*cfg_string)(struct claro_ctx *ctx, const char *key, const char **out);
	enum claro_status (*cfg_int)(struct claro_ctx *ctx, const char *key, int64_t *out);
	enum claro_status (*cfg_bool)(struct claro_ctx *ctx, const char *key, int *out);
	enum claro_status (*cfg_duration)(struct claro_ctx *ctx, const char *key, int64_t *seconds);

	/* --- HTTP client: the daemon's proxy, TLS, timeouts, size limits and
	 * airgap/mirror policy, configured once --- */
	enum claro_status (*http_fetch)(struct claro_ctx *ctx, const struct claro_http_request *req,
					struct claro_http_response **out);
	void (*http_response_free)(struct claro_http_response *resp);

	/* --- layer filesystem (scanners). Paths are relative to the layer root;
	 * "..", absolute paths and symlinks never leave the layer. --- */
	const char *(*layer_digest)(struct claro_layer *layer);
	enum claro_status (*fs_stat)(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
				     struct claro_file_info *out);
	enum claro_status (*fs_open)(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
				     struct claro_file **out);
	/* Like pread(2): *got < n only at end of file. */
	enum claro_status (*fs_pread)(struct claro_ctx *ctx, struct claro_file *file, void *buf, size_t n,
				      uint64_t offset, size_t *got);
	void (*fs_close)(struct claro_file *file);
	/* Whole file into memory (caller frees with host->free; NUL-terminated
	 * for convenience, *len excludes it). CLARO_ERR_TOO_LARGE past max. */
	enum claro_status (*fs_read_all)(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
					 size_t max, unsigned char **data, size_t *len);
	/* Every entry under dir ("" = root), depth first, in path order. */
	enum claro_status (*fs_walk)(struct claro_ctx *ctx, struct claro_layer *layer, const char *dir,
				     claro_walk_fn fn, void *arg);
	/* Entries whose path matches a fnmatch(3) pattern with FNM_PATHNAME;
	 * "**" matches any number of directories. */
	enum claro_status (*fs_glob)(struct claro_ctx *ctx, struct claro_layer *layer, const char *pattern,
				     claro_walk_fn fn, void *arg);

	/* --- scanner results --- */
	enum claro_status (*add_package)(struct claro_ctx *ctx, struct claro_scan_result *out,
					 const struct claro_package *pkg);
	enum claro_status (*add_distribution)(struct claro_ctx *ctx, struct claro_scan_result *out,
					      const struct claro_distribution *dist);
	enum claro_status (*add_repository)(struct claro_ctx *ctx, struct claro_scan_result *out,
					    const struct claro_repository *repo);
	enum claro_status (*add_file)(struct claro_ctx *ctx, struct claro_scan_result *out,
				      const struct claro_file_record *file);

	/* --- coalescer results --- */
	enum claro_status (*index_add_package)(struct claro_ctx *ctx, struct claro_index_builder *out,
					       const struct claro_package *pkg,
					       const struct claro_environment *env);

	/* --- version schemes by name ("dpkg", "rpm", "pep440", ...) --- */
	const struct claro_version_scheme_ops *(*version_scheme)(struct claro_ctx *ctx, const char *name);

	/* --- updater sinks --- */
	enum claro_status (*updater_add)(struct claro_ctx *ctx, struct claro_updater_list *out,
					 const char *name, uint32_t flags);
	/* The fingerprint stored by the last successful run, or NULL. Borrowed. */
	const char *(*update_prev_fingerprint)(struct claro_ctx *ctx, struct claro_update *up);
	enum claro_status (*update_set_fingerprint)(struct claro_ctx *ctx, struct claro_update *up,
						    const char *fingerprint);
	enum claro_status (*update_emit_vulnerability)(struct claro_ctx *ctx, struct claro_update *up,
						       const struct claro_vulnerability *vuln);
	/* tags: NULL-terminated; json: one JSON value (object or array). */
	enum claro_status (*update_emit_enrichment)(struct claro_ctx *ctx, struct claro_update *up,
						    const char *const *tags, const char *json);
	/* Delta updaters: drop a vulnerability (by name) carried from the last run. */
	enum claro_status (*update_delete)(struct claro_ctx *ctx, struct claro_update *up, const char *name);

	/* --- enricher sinks --- */
	/* Call fn for every stored enrichment of this enricher's updater with tag. */
	enum claro_status (*enrichment_get)(struct claro_ctx *ctx, const char *tag,
					    int (*fn)(void *arg, const char *json), void *arg);
	enum claro_status (*enrichment_add)(struct claro_ctx *ctx, struct claro_enrichment_out *out,
					    const char *vuln_id, const char *json);

	/* --- appended after 1.0: check with CLARO_HOST_HAS() --- */
};

/* True if the host provides service fn (it was appended in a newer minor than
 * the plugin may expect). Since: ABI 1.0 */
#define CLARO_HOST_HAS(h, fn) \
	((h)->struct_size >= offsetof(struct claro_host, fn) + sizeof((h)->fn) && (h)->fn != NULL)

/* True if a struct written by the other side carries field f. Since: ABI 1.0 */
#define CLARO_HAS_FIELD(type, p, f) ((p)->struct_size >= offsetof(type, f) + sizeof((p)->f))

/* Declare the module. Use once per plugin, at file scope:
 *
 *   static const struct claro_component hello_scanner = {
 *       sizeof(struct claro_component), CLARO_KIND_PACKAGE_SCANNER, 0,
 *       "hello", "1", &hello_ops };
 *   CLARO_PLUGIN_DEFINE(hello, "1.0.0", "Apache-2.0", "Says hello",
 *                       hello_config, hello_init, hello_fini, &hello_scanner);
 *
 * config is a NULL-terminated array of struct claro_cfg_key pointers, or NULL.
 * init and fini may be NULL. Since: ABI 1.0 */
#define CLARO_PLUGIN_DEFINE(pname, pversion, plicense, pdescription, pconfig, pinit, pfini, ...) \
	static const struct claro_component *const claro_components_[] = {__VA_ARGS__, NULL};    \
	static const struct claro_module claro_module_ = {                                       \
	    CLARO_MODULE_MAGIC,                                                                  \
	    CLARO_ABI_MAJOR,                                                                     \
	    CLARO_ABI_MINOR,                                                                     \
	    sizeof(struct claro_module),                                                         \
	    0,                                                                                   \
	    #pname,                                                                              \
	    pversion,                                                                            \
	    CLARO_BUILD_ID,                                                                      \
	    plicense,                                                                            \
	    pdescription,                                                                        \
	    claro_components_,                                                                   \
	    pconfig,                                                                             \
	    pinit,                                                                               \
	    pfini,                                                                               \
	};                                                                                       \
	CLARO_EXPORT const struct claro_module *claro_plugin_##pname##_module(void);             \
	CLARO_EXPORT const struct claro_module *claro_plugin_##pname##_module(void)              \
	{                                                                                        \
		return &claro_module_;                                                           \
	}

#ifdef __cplusplus
}
#endif

#endif /* CLARO_PLUGIN_H */
