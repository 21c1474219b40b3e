/* The host services table (struct claro_host) every plugin calls, and the
 * plugin_call bracket around each call into a plugin. Services find their
 * call from the ctx they are given: ctx is the first member of struct
 * plugin_call, so logs get the "<plugin>/<component>" origin and errors land
 * in the call's struct error without any thread-local state.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpclient.h"
#include "layerfs.h"
#include "log.h"
#include "registry.h"
#include "sinks.h"
#include "strutil.h"

static const struct claro_host host_table;

static struct plugin_call *call_of(struct claro_ctx *ctx)
{
	return (struct plugin_call *)ctx;
}

/* ---- calls ---- */

static void call_init(struct plugin_call *call, struct claro_plugin *plugin,
		      const struct claro_component *component)
{
	memset(call, 0, sizeof(*call));
	call->ctx.struct_size = sizeof(call->ctx);
	call->ctx.host = &host_table;
	call->ctx.plugin = plugin;
	call->ctx.component = component;
	call->ctx.plugin_data = plugin ? plugin->ctx.plugin_data : NULL;
	call->err.status = CLARO_OK;
	/* origin is formatted when a log or an error needs it (call_origin):
	 * a report makes a call per candidate, and formatting it each time was
	 * a twentieth of a report's time. */
}

/* "<plugin>/<component>" (or "<plugin>"), formatted on first use. */
static const char *call_origin(struct plugin_call *call)
{
	const struct claro_plugin *plugin = call->ctx.plugin;
	const struct claro_component *component = call->ctx.component;

	if (call->origin[0])
		return call->origin;
	/* Names are at most REGISTRY_MAX_NAME bytes (loader.c), so this fits. */
	if (component && plugin)
		snprintf(call->origin, sizeof(call->origin), "%s/%s", plugin->name, component->name);
	else
		snprintf(call->origin, sizeof(call->origin), "%s", plugin ? plugin->name : "?");
	return call->origin;
}

void plugin_call_begin(struct plugin_call *call, const struct component_ref *ref)
{
	call_init(call, ref->plugin, ref->component);
}

void plugin_call_begin_plugin(struct plugin_call *call, struct claro_plugin *plugin)
{
	call_init(call, plugin, NULL);
}

enum claro_status plugin_call_end(struct plugin_call *call, enum claro_status status, struct error *err)
{
	if (status != CLARO_OK) {
		if (!call->err.message) {
			error_set(&call->err, status, "%s failed: %s", call_origin(call),
				  status_text(status));
			error_detail(&call->err, "The plugin returned %s without describing the error.",
				     status_name(status));
			error_hint(&call->err, "Report this to the plugin's authors: a plugin should "
					       "describe its errors with host->error().");
		}
		call->err.status = status;
		if (err)
			error_move(err, &call->err);
	}
	error_clear(&call->err);
	for (size_t i = 0; i < call->n_scratch; i++)
		free(call->scratch[i]);
	free(call->scratch);
	call->scratch = NULL;
	call->n_scratch = call->cap_scratch = 0;
	return status;
}

/* Keep s until the call ends (strings handed to the plugin). */
static enum claro_status keep_scratch(struct plugin_call *call, char *s)
{
	if (call->n_scratch == call->cap_scratch) {
		size_t cap = call->cap_scratch ? call->cap_scratch * 2 : 8;
		char **v = realloc(call->scratch, cap * sizeof(*v));
		if (!v) {
			free(s);
			return error_set(&call->err, CLARO_ERR_NOMEM, "out of memory");
		}
		call->scratch = v;
		call->cap_scratch = cap;
	}
	call->scratch[call->n_scratch++] = s;
	return CLARO_OK;
}

static enum claro_status bad_argument(struct plugin_call *call, const char *service, const char *what)
{
	error_set(&call->err, CLARO_ERR_INVALID, "invalid call of host->%s()", service);
	error_detail(&call->err, "%s.", what);
	error_hint(&call->err, "This is a bug in the plugin.");
	return CLARO_ERR_INVALID;
}

/* ---- logging and errors ---- */

static void host_log(struct claro_ctx *ctx, enum claro_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!ctx || !fmt)
		return;
	if (level < CLARO_LOG_ERROR)
		level = CLARO_LOG_ERROR;
	if (level > CLARO_LOG_DEBUG)
		level = CLARO_LOG_DEBUG;
	va_start(ap, fmt);
	log_msgv(level, call_origin(call_of(ctx)), fmt, ap);
	va_end(ap);
}

static enum claro_status host_error(struct claro_ctx *ctx, enum claro_status status, const char *fmt, ...)
{
	va_list ap;

	if (!ctx || !fmt)
		return status;
	va_start(ap, fmt);
	error_setv(&call_of(ctx)->err, status, fmt, ap);
	va_end(ap);
	return status;
}

static void host_error_detail(struct claro_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!ctx || !fmt)
		return;
	va_start(ap, fmt);
	error_detailv(&call_of(ctx)->err, fmt, ap);
	va_end(ap);
}

static void host_error_hint(struct claro_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!ctx || !fmt)
		return;
	va_start(ap, fmt);
	error_hintv(&call_of(ctx)->err, fmt, ap);
	va_end(ap);
}

/* ---- memory ---- */

static void *host_alloc(size_t n)
{
	return malloc(n ? n : 1);
}

static void *host_calloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size ? size : 1);
}

static void *host_realloc(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}

static void host_free(void *p)
{
	free(p);
}

static char *host_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* ---- configuration ---- */

static const char *const cfg_type_names[] = {
    [CLARO_CFG_STRING] = "a string",
    [CLARO_CFG_INT] = "an integer",
    [CLARO_CFG_BOOL] = "a boolean",
    [CLARO_CFG_DURATION] = "a duration",
};

/* type 0: any type (cfg_string reads every key as text). */
static enum claro_status find_setting(struct claro_ctx *ctx, const char *key, enum claro_cfg_type type,
				      const char **value)
{
	struct plugin_call *call = call_of(ctx);
	const struct claro_plugin *p = ctx->plugin;

	if (!key || !value)
		return bad_argument(call, "cfg_*", "The key or the output pointer is NULL");
	for (size_t i = 0; p && i < p->n_settings; i++) {
		const struct plugin_setting *s = &p->settings[i];
		if (strcmp(s->key->name, key) != 0)
			continue;
		if (type && s->key->type != type) {
			error_set(&call->err, CLARO_ERR_INVALID,
				  "configuration key \"%s\" of plugin \"%s\" is not %s", key, p->name,
				  cfg_type_names[type]);
			error_detail(&call->err, "The plugin declares \"%s\" as %s.", key,
				     cfg_type_names[s->key->type]);
			error_hint(&call->err, "Read it with the host->cfg_* function of its declared type.");
			return CLARO_ERR_INVALID;
		}
		if (!s->value) {
			error_set(&call->err, CLARO_ERR_NOT_FOUND,
				  "configuration key \"%s\" of plugin \"%s\" has no value", key, p->name);
			error_detail(&call->err, "It is not set in [plugin.%s] and has no default.", p->name);
			error_hint(&call->err, "Set %s in the [plugin.%s] section.", key, p->name);
			return CLARO_ERR_NOT_FOUND;
		}
		*value = s->value;
		return CLARO_OK;
	}
	error_set(&call->err, CLARO_ERR_INVALID, "configuration key \"%s\" is not declared by plugin \"%s\"",
		  key, p ? p->name : "?");
	error_detail(&call->err, "A plugin can read only the keys its module descriptor declares.");
	error_hint(&call->err, "Declare the key in the plugin's config array.");
	return CLARO_ERR_INVALID;
}

static enum claro_status host_cfg_string(struct claro_ctx *ctx, const char *key, const char **out)
{
	if (!ctx)
		return CLARO_ERR_INVALID;
	return find_setting(ctx, key, 0, out);
}

static enum claro_status host_cfg_int(struct claro_ctx *ctx, const char *key, int64_t *out)
{
	const char *v;
	enum claro_status st;

	if (!ctx)
		return CLARO_ERR_INVALID;
	if (!out)
		return bad_argument(call_of(ctx), "cfg_int", "The output pointer is NULL");
	if ((st = find_setting(ctx, key, CLARO_CFG_INT, &v)) != CLARO_OK)
		return st;
	return parse_int64(v, out); /* validated at load time */
}

static enum claro_status host_cfg_bool(struct claro_ctx *ctx, const char *key, int *out)
{
	const char *v;
	enum claro_status st;

	if (!ctx)
		return CLARO_ERR_INVALID;
	if (!out)
		return bad_argument(call_of(ctx), "cfg_bool", "The output pointer is NULL");
	if ((st = find_setting(ctx, key, CLARO_CFG_BOOL, &v)) != CLARO_OK)
		return st;
	return parse_bool(v, out);
}

static enum claro_status host_cfg_duration(struct claro_ctx *ctx, const char *key, int64_t *seconds)
{
	const char *v;
	enum claro_status st;

	if (!ctx)
		return CLARO_ERR_INVALID;
	if (!seconds)
		return bad_argument(call_of(ctx), "cfg_duration", "The output pointer is NULL");
	if ((st = find_setting(ctx, key, CLARO_CFG_DURATION, &v)) != CLARO_OK)
		return st;
	return parse_duration(v, seconds);
}

/* ---- HTTP ---- */

static enum claro_status host_http_fetch(struct claro_ctx *ctx, const struct claro_http_request *req,
					 struct claro_http_response **out)
{
	if (!ctx)
		return CLARO_ERR_INVALID;
	if (!out)
		return bad_argument(call_of(ctx), "http_fetch", "The output pointer is NULL");
	return httpclient_fetch(req, out, &call_of(ctx)->err);
}

static void host_http_response_free(struct claro_http_response *resp)
{
	httpclient_response_free(resp);
}

/* ---- layer filesystem ---- */

static const char *host_layer_digest(struct claro_layer *layer)
{
	return layer_digest(layer);
}

static enum claro_status host_fs_stat(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
				      struct claro_file_info *out)
{
	struct plugin_call *call;
	char *strings;
	enum claro_status st;

	if (!ctx)
		return CLARO_ERR_INVALID;
	call = call_of(ctx);
	if (!layer || !path || !out)
		return bad_argument(call, "fs_stat", "The layer, the path or the output pointer is NULL");
	st = layer_stat(layer, path, out, &strings, &call->err);
	if (st != CLARO_OK)
		return st;
	/* info's strings stay valid until the plugin's callback returns. */
	return keep_scratch(call, strings);
}

static enum claro_status host_fs_open(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
				      struct claro_file **out)
{
	if (!ctx)
		return CLARO_ERR_INVALID;
	if (!layer || !path || !out)
		return bad_argument(call_of(ctx), "fs_open",
				    "The layer, the path or the output pointer is NULL");
	return layer_open(layer, path, out, &call_of(ctx)->err);
}

static enum claro_status host_fs_pread(struct claro_ctx *ctx, struct claro_file *file, void *buf, size_t n,
				       uint64_t offset, size_t *got)
{
	if (!ctx)
		return CLARO_ERR_INVALID;
	if (!file || (!buf && n) || !got)
		return bad_argument(call_of(ctx), "fs_pread",
				    "The file, the buffer or the output pointer is NULL");
	return layer_pread(file, buf, n, offset, got, &call_of(ctx)->err);
}

static void host_fs_close(struct claro_file *file)
{
	layer_close(file);
}

static enum claro_status host_fs_read_all(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
					  size_t max, unsigned char **data, size_t *len)
{
	if (!ctx)
		return CLARO_ERR_INVALID;
	if (!layer || !path || !data || !len)
		return bad_argument(call_of(ctx), "fs_read_all",
				    "The layer, the path or an output pointer is NULL");
	return layer_read_all(layer, path, max, data, len, &call_of(ctx)->err);
}

/* Adapts layerfs's visit callback to the SDK's, which also gets the ctx. */
struct walk_trampoline {
	struct claro_ctx *ctx;
	claro_walk_fn fn;
	void *arg;
};

static int walk_visit(const struct claro_file_info *info, void *arg)
{
	struct walk_trampoline *t = arg;

	return t->fn(t->ctx, info, t->arg);
}

static enum claro_status host_fs_walk(struct claro_ctx *ctx, struct claro_layer *layer, const char *dir,
				      claro_walk_fn fn, void *arg)
{
	struct walk_trampoline t = {ctx, fn, arg};

	if (!ctx)
		return CLARO_ERR_INVALID;
	if (!layer || !fn)
		return bad_argument(call_of(ctx), "fs_walk", "The layer or the callback is NULL");
	return layer_walk(layer, dir ? dir : "", walk_visit, &t, &call_of(ctx)->err);
}

static enum claro_status host_fs_glob(struct claro_ctx *ctx, struct claro_layer *layer, const char *pattern,
				      claro_walk_fn fn, void *arg)
{
	struct walk_trampoline t = {ctx, fn, arg};

	if (!ctx)
		return CLARO_ERR_INVALID;
	if (!layer || !pattern || !fn)
		return bad_argument(call_of(ctx), "fs_glob",
				    "The layer, the pattern or the callback is NULL");
	return layer_glob(layer, pattern, walk_visit, &t, &call_of(ctx)->err);
}

/* ---- scanner and coalescer results ---- */

#define SINK_CALL(service, out, expr)                                                   \
	do {                                                                            \
		if (!ctx)                                                               \
			return CLARO_ERR_INVALID;                                       \
		if (!(out))                                                             \
			return bad_argument(call_of(ctx), service, "The sink is NULL"); \
		return (expr);                                                          \
	} while (0)

static enum claro_status host_add_package(struct claro_ctx *ctx, struct claro_scan_result *out,
					  const struct claro_package *pkg)
{
	SINK_CALL("add_package", out, scan_result_add_package(out, pkg, &call_of(ctx)->err));
}

static enum claro_status host_add_distribution(struct claro_ctx *ctx, struct claro_scan_result *out,
					       const struct claro_distribution *dist)
{
	SINK_CALL("add_distribution", out, scan_result_add_distribution(out, dist, &call_of(ctx)->err));
}

static enum claro_status host_add_repository(struct claro_ctx *ctx, struct claro_scan_result *out,
					     const struct claro_repository *repo)
{
	SINK_CALL("add_repository", out, scan_result_add_repository(out, repo, &call_of(ctx)->err));
}

static enum claro_status host_add_file(struct claro_ctx *ctx, struct claro_scan_result *out,
				       const struct claro_file_record *file)
{
	SINK_CALL("add_file", out, scan_result_add_file(out, file, &call_of(ctx)->err));
}

static enum claro_status host_index_add_package(struct claro_ctx *ctx, struct claro_index_builder *out,
						const struct claro_package *pkg,
						const struct claro_environment *env)
{
	SINK_CALL("index_add_package", out, index_builder_add(out, pkg, env, &call_of(ctx)->err));
}

/* ---- version schemes ---- */

static const struct claro_version_scheme_ops *host_version_scheme(struct claro_ctx *ctx, const char *name)
{
	const struct component_ref *ref;
	struct plugin_call *call;

	if (!ctx)
		return NULL;
	call = call_of(ctx);
	if (!name) {
		bad_argument(call, "version_scheme", "The scheme name is NULL");
		return NULL;
	}
	ref = ctx->plugin && ctx->plugin->registry
		  ? registry_find(ctx->plugin->registry, CLARO_KIND_VERSION_SCHEME, name)
		  : NULL;
	if (!ref) {
		error_set(&call->err, CLARO_ERR_NOT_FOUND, "no version scheme \"%s\" is loaded", name);
		error_detail(&call->err, "No loaded plugin provides a version_scheme component named \"%s\".",
			     name);
		error_hint(&call->err, "Load the plugin that provides it (see [plugins] load).");
		return NULL;
	}
	return ref->component->ops;
}

/* ---- updaters ---- */

static enum claro_status host_updater_add(struct claro_ctx *ctx, struct claro_updater_list *out,
					  const char *name, uint32_t flags)
{
	SINK_CALL("updater_add", out, updater_list_add(out, name, flags, &call_of(ctx)->err));
}

static const char *host_update_prev_fingerprint(struct claro_ctx *ctx, struct claro_update *up)
{
	(void)ctx;
	return up ? update_prev_fingerprint(up) : NULL;
}

static enum claro_status host_update_set_fingerprint(struct claro_ctx *ctx, struct claro_update *up,
						     const char *fingerprint)
{
	SINK_CALL("update_set_fingerprint", up, update_set_fingerprint(up, fingerprint, &call_of(ctx)->err));
}

static enum claro_status host_update_emit_vulnerability(struct claro_ctx *ctx, struct claro_update *up,
							const struct claro_vulnerability *vuln)
{
	SINK_CALL("update_emit_vulnerability", up, update_add_vulnerability(up, vuln, &call_of(ctx)->err));
}

static enum claro_status host_update_emit_enrichment(struct claro_ctx *ctx, struct claro_update *up,
						     const char *const *tags, const char *json)
{
	SINK_CALL("update_emit_enrichment", up, update_add_enrichment(up, tags, json, &call_of(ctx)->err));
}

static enum claro_status host_update_delete(struct claro_ctx *ctx, struct claro_update *up, const char *name)
{
	SINK_CALL("update_delete", up, update_add_delete(up, name, &call_of(ctx)->err));
}

/* ---- enrichers ---- */

static enum claro_status host_enrichment_get(struct claro_ctx *ctx, const char *tag,
					     int (*fn)(void *arg, const char *json), void *arg)
{
	const struct claro_enricher_ops *ops;
	struct plugin_call *call;

	if (!ctx)
		return CLARO_ERR_INVALID;
	call = call_of(ctx);
	if (!tag || !fn)
		return bad_argument(call, "enrichment_get", "The tag or the callback is NULL");
	if (!ctx->component || ctx->component->kind != CLARO_KIND_ENRICHER)
		return bad_argument(call, "enrichment_get", "Only enrichers read stored enrichments");
	if (!call->enrichments) {
		error_set(&call->err, CLARO_ERR_INTERNAL, "no enrichment source for %s", call_origin(call));
		error_detail(&call->err,
			     "The core called the enricher without attaching stored enrichments.");
		error_hint(&call->err, "This is a bug in claro; please report it.");
		return CLARO_ERR_INTERNAL;
	}
	ops = ctx->component->ops;
	return call->enrichments->get(call->enrichments->impl, ops->updater, tag, fn, arg, &call->err);
}

static enum claro_status host_enrichment_add(struct claro_ctx *ctx, struct claro_enrichment_out *out,
					     const char *vuln_id, const char *json)
{
	SINK_CALL("enrichment_add", out, enrichment_out_add(out, vuln_id, json, &call_of(ctx)->err));
}

static const struct claro_host host_table = {
    .struct_size = sizeof(struct claro_host),
    .abi_major = CLARO_ABI_MAJOR,
    .abi_minor = CLARO_ABI_MINOR,
    .log = host_log,
    .error = host_error,
    .error_detail = host_error_detail,
    .error_hint = host_error_hint,
    .alloc = host_alloc,
    .calloc = host_calloc,
    .realloc = host_realloc,
    .free = host_free,
    .strdup = host_strdup,
    .cfg_string = host_cfg_string,
    .cfg_int = host_cfg_int,
    .cfg_bool = host_cfg_bool,
    .cfg_duration = host_cfg_duration,
    .http_fetch = host_http_fetch,
    .http_response_free = host_http_response_free,
    .layer_digest = host_layer_digest,
    .fs_stat = host_fs_stat,
    .fs_open = host_fs_open,
    .fs_pread = host_fs_pread,
    .fs_close = host_fs_close,
    .fs_read_all = host_fs_read_all,
    .fs_walk = host_fs_walk,
    .fs_glob = host_fs_glob,
    .add_package = host_add_package,
    .add_distribution = host_add_distribution,
    .add_repository = host_add_repository,
    .add_file = host_add_file,
    .index_add_package = host_index_add_package,
    .version_scheme = host_version_scheme,
    .updater_add = host_updater_add,
    .update_prev_fingerprint = host_update_prev_fingerprint,
    .update_set_fingerprint = host_update_set_fingerprint,
    .update_emit_vulnerability = host_update_emit_vulnerability,
    .update_emit_enrichment = host_update_emit_enrichment,
    .update_delete = host_update_delete,
    .enrichment_get = host_enrichment_get,
    .enrichment_add = host_enrichment_add,
};

const struct claro_host *host_services(void)
{
	return &host_table;
}
