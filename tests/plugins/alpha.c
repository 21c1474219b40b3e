/* alpha: a test-only plugin for the scanner kinds and the coalescer. It
 * reads a made-up "alpha" distribution through the host's layer services:
 *
 *   etc/os-release                 ID=, VERSION_ID=, PRETTY_NAME= (distribution)
 *   <packages_path>                "name version [arch]" per line (packages)
 *   etc/alpha/repos.d/<n>.repo     first line is the URI (repositories)
 *   .wh.<name> anywhere            whiteouts (files)
 *
 * Config keys, one of each type: packages_path (string), max_packages (int),
 * strict (bool), cache_ttl (duration). It links nothing from the host.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <claro/plugin.h>

#define OS_RELEASE_MAX 65536

struct alpha_state {
	char *packages_path;
	int64_t max_packages;
	int strict;
	int64_t cache_ttl;
};

static const struct claro_cfg_key key_packages_path = {sizeof(struct claro_cfg_key),
						       "packages_path",
						       CLARO_CFG_STRING,
						       "etc/alpha/packages",
						       0,
						       "where the package list lives in a layer"};
static const struct claro_cfg_key key_max_packages = {
    sizeof(struct claro_cfg_key), "max_packages", CLARO_CFG_INT, "100", 0, "most packages read per layer"};
static const struct claro_cfg_key key_strict = {
    sizeof(struct claro_cfg_key), "strict", CLARO_CFG_BOOL, "false", 0, "fail a scan past max_packages"};
static const struct claro_cfg_key key_cache_ttl = {
    sizeof(struct claro_cfg_key), "cache_ttl", CLARO_CFG_DURATION, "1h", 0, "how long results stay fresh"};
static const struct claro_cfg_key *const alpha_config[] = {&key_packages_path, &key_max_packages, &key_strict,
							   &key_cache_ttl, NULL};

/* ---- init / fini ---- */

static enum claro_status alpha_init(struct claro_ctx *ctx)
{
	const struct claro_host *h = ctx->host;
	struct alpha_state *s = h->calloc(1, sizeof(*s));
	const char *path;
	enum claro_status st;

	if (!s)
		return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	if ((st = h->cfg_string(ctx, "packages_path", &path)) != CLARO_OK ||
	    (st = h->cfg_int(ctx, "max_packages", &s->max_packages)) != CLARO_OK ||
	    (st = h->cfg_bool(ctx, "strict", &s->strict)) != CLARO_OK ||
	    (st = h->cfg_duration(ctx, "cache_ttl", &s->cache_ttl)) != CLARO_OK) {
		h->free(s);
		return st; /* the host described the error */
	}
	if (s->max_packages < 1) {
		h->error(ctx, CLARO_ERR_CONFIG, "max_packages must be positive");
		h->error_detail(ctx, "It is %lld.", (long long)s->max_packages);
		h->error_hint(ctx, "Set max_packages to 1 or more.");
		h->free(s);
		return CLARO_ERR_CONFIG;
	}
	if (!(s->packages_path = h->strdup(path))) {
		h->free(s);
		return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	}
	ctx->plugin_data = s;
	h->log(ctx, CLARO_LOG_INFO, "ready: packages from %s, at most %lld, strict=%d, ttl=%llds",
	       s->packages_path, (long long)s->max_packages, s->strict, (long long)s->cache_ttl);
	return CLARO_OK;
}

static void alpha_fini(struct claro_ctx *ctx)
{
	struct alpha_state *s = ctx->plugin_data;

	ctx->host->log(ctx, CLARO_LOG_INFO, "shutting down");
	if (s) {
		ctx->host->free(s->packages_path);
		ctx->host->free(s);
	}
}

/* ---- small parsing helpers (in place, over NUL-terminated host memory) ---- */

/* Next line of *p, NUL-terminated in place; NULL at the end. */
static char *next_line(char **p)
{
	char *line = *p, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = line + strlen(line);
	}
	return line;
}

/* Next blank-separated word of *p, NUL-terminated in place. */
static char *next_word(char **p)
{
	char *w = *p;

	while (*w == ' ' || *w == '\t')
		w++;
	if (!*w)
		return NULL;
	*p = w;
	while (**p && **p != ' ' && **p != '\t')
		(*p)++;
	if (**p)
		*(*p)++ = '\0';
	return w;
}

/* ---- package scanner ---- */

static enum claro_status scan_packages(struct claro_ctx *ctx, struct claro_layer *layer,
				       struct claro_scan_result *out)
{
	const struct claro_host *h = ctx->host;
	const struct alpha_state *s = ctx->plugin_data;
	unsigned char *data;
	char *p, *line;
	size_t len;
	int64_t n = 0;
	enum claro_status st;

	st = h->fs_read_all(ctx, layer, s->packages_path, 1 << 20, &data, &len);
	if (st == CLARO_ERR_NOT_FOUND)
		return CLARO_OK; /* no package database in this layer */
	if (st != CLARO_OK)
		return st;
	p = (char *)data;
	while (st == CLARO_OK && (line = next_line(&p)) != NULL) {
		struct claro_package pkg;
		char *name = next_word(&line), *version = name ? next_word(&line) : NULL;

		if (!name || *name == '#')
			continue;
		if (!version) {
			st = h->error(ctx, CLARO_ERR_INVALID, "malformed package list %s", s->packages_path);
			h->error_detail(ctx, "The entry for \"%s\" has no version.", name);
			h->error_hint(ctx, "Write one \"name version [arch]\" per line.");
			break;
		}
		if (n == s->max_packages) {
			if (s->strict) {
				st = h->error(ctx, CLARO_ERR_TOO_LARGE, "too many packages in %s",
					      s->packages_path);
				h->error_detail(ctx, "The limit is %lld.", (long long)s->max_packages);
				h->error_hint(ctx, "Raise max_packages in [plugin.alpha].");
			} else {
				h->log(ctx, CLARO_LOG_WARNING, "stopping after %lld packages", (long long)n);
			}
			break;
		}
		memset(&pkg, 0, sizeof(pkg));
		pkg.struct_size = sizeof(pkg);
		pkg.name = name;
		pkg.version = version;
		pkg.arch = next_word(&line);
		pkg.kind = CLARO_PACKAGE_BINARY;
		pkg.package_db = s->packages_path;
		st = h->add_package(ctx, out, &pkg);
		n++;
	}
	h->free(data);
	return st;
}

/* ---- distribution scanner: fs_stat + fs_open + fs_pread ---- */

static char *unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

/* Reads a whole file in small pieces to exercise fs_pread offsets. */
static enum claro_status read_in_pieces(struct claro_ctx *ctx, struct claro_file *f, char **out)
{
	const struct claro_host *h = ctx->host;
	size_t cap = 64, len = 0, got;
	char *buf = h->alloc(cap);
	enum claro_status st;

	if (!buf)
		return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	for (;;) {
		if (len + 16 + 1 > cap) {
			char *b;
			if (cap >= OS_RELEASE_MAX) {
				h->free(buf);
				return h->error(ctx, CLARO_ERR_TOO_LARGE,
						"os-release is larger than %d bytes", OS_RELEASE_MAX);
			}
			b = h->realloc(buf, cap * 2);
			if (!b) {
				h->free(buf);
				return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
			}
			buf = b;
			cap *= 2;
		}
		st = h->fs_pread(ctx, f, buf + len, 16, len, &got);
		if (st != CLARO_OK) {
			h->free(buf);
			return st;
		}
		len += got;
		if (got < 16)
			break;
	}
	buf[len] = '\0';
	*out = buf;
	return CLARO_OK;
}

static enum claro_status scan_distribution(struct claro_ctx *ctx, struct claro_layer *layer,
					   struct claro_scan_result *out)
{
	const struct claro_host *h = ctx->host;
	struct claro_file_info info;
	struct claro_distribution dist;
	struct claro_file *f;
	char *text = NULL, *p, *line;
	enum claro_status st;

	st = h->fs_stat(ctx, layer, "etc/os-release", &info);
	if (st == CLARO_ERR_NOT_FOUND)
		return CLARO_OK;
	if (st != CLARO_OK)
		return st;
	if (info.type == CLARO_FILE_SYMLINK)
		h->log(ctx, CLARO_LOG_DEBUG, "%s points to %s", info.path, info.link_target);
	if ((st = h->fs_open(ctx, layer, "etc/os-release", &f)) != CLARO_OK)
		return st == CLARO_ERR_NOT_FOUND ? CLARO_OK : st;
	st = read_in_pieces(ctx, f, &text);
	h->fs_close(f);
	if (st != CLARO_OK)
		return st;
	memset(&dist, 0, sizeof(dist));
	dist.struct_size = sizeof(dist);
	p = text;
	while ((line = next_line(&p)) != NULL) {
		if (strncmp(line, "ID=", 3) == 0)
			dist.did = unquote(line + 3);
		else if (strncmp(line, "VERSION_ID=", 11) == 0)
			dist.version_id = unquote(line + 11);
		else if (strncmp(line, "PRETTY_NAME=", 12) == 0)
			dist.pretty_name = unquote(line + 12);
		else if (strncmp(line, "NAME=", 5) == 0)
			dist.name = unquote(line + 5);
	}
	st = dist.did ? h->add_distribution(ctx, out, &dist) : CLARO_OK;
	h->free(text);
	return st;
}

/* ---- repository scanner: fs_glob + fs_read_all ---- */

struct repo_scan {
	struct claro_layer *layer;
	struct claro_scan_result *out;
	enum claro_status status;
};

static int add_repo_file(struct claro_ctx *ctx, const struct claro_file_info *info, void *arg)
{
	const struct claro_host *h = ctx->host;
	struct repo_scan *rs = arg;
	struct claro_repository repo;
	const char *base = strrchr(info->path, '/');
	unsigned char *data;
	char *name, *p;
	size_t len;

	if (info->type != CLARO_FILE_REGULAR)
		return 0;
	base = base ? base + 1 : info->path;
	rs->status = h->fs_read_all(ctx, rs->layer, info->path, 4096, &data, &len);
	if (rs->status != CLARO_OK)
		return 1;
	name = h->strdup(base);
	if (!name) {
		h->free(data);
		rs->status = h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
		return 1;
	}
	name[strlen(name) - strlen(".repo")] = '\0';
	p = (char *)data;
	memset(&repo, 0, sizeof(repo));
	repo.struct_size = sizeof(repo);
	repo.name = name;
	repo.uri = next_line(&p);
	rs->status = h->add_repository(ctx, rs->out, &repo);
	h->free(name);
	h->free(data);
	return rs->status != CLARO_OK;
}

static enum claro_status scan_repositories(struct claro_ctx *ctx, struct claro_layer *layer,
					   struct claro_scan_result *out)
{
	struct repo_scan rs = {layer, out, CLARO_OK};
	enum claro_status st = ctx->host->fs_glob(ctx, layer, "etc/alpha/repos.d/*.repo", add_repo_file, &rs);

	return st != CLARO_OK ? st : rs.status;
}

/* ---- file scanner: fs_walk ---- */

struct whiteout_scan {
	struct claro_scan_result *out;
	enum claro_status status;
};

static int add_whiteout(struct claro_ctx *ctx, const struct claro_file_info *info, void *arg)
{
	struct whiteout_scan *ws = arg;
	const char *base = strrchr(info->path, '/');
	struct claro_file_record rec;

	base = base ? base + 1 : info->path;
	if (strncmp(base, ".wh.", 4) != 0)
		return 0;
	memset(&rec, 0, sizeof(rec));
	rec.struct_size = sizeof(rec);
	rec.path = info->path;
	rec.kind = CLARO_FILE_WHITEOUT;
	ws->status = ctx->host->add_file(ctx, ws->out, &rec);
	return ws->status != CLARO_OK;
}

static enum claro_status scan_whiteouts(struct claro_ctx *ctx, struct claro_layer *layer,
					struct claro_scan_result *out)
{
	struct whiteout_scan ws = {out, CLARO_OK};
	enum claro_status st = ctx->host->fs_walk(ctx, layer, "", add_whiteout, &ws);

	return st != CLARO_OK ? st : ws.status;
}

/* ---- coalescer: last writer wins, introduced where first seen ---- */

static const char *introduced_in(const struct claro_layer_artifacts *const *layers, size_t upto,
				 const struct claro_package *pkg)
{
	for (size_t l = 0; l <= upto; l++)
		for (size_t i = 0; i < layers[l]->n_packages; i++)
			if (strcmp(layers[l]->packages[i]->name, pkg->name) == 0 &&
			    strcmp(layers[l]->packages[i]->version, pkg->version) == 0)
				return layers[l]->layer_digest;
	return layers[upto]->layer_digest;
}

static enum claro_status coalesce(struct claro_ctx *ctx, const struct claro_layer_artifacts *const *layers,
				  size_t n_layers, struct claro_index_builder *out)
{
	const struct claro_distribution *dist = NULL;
	size_t top = n_layers;
	enum claro_status st = CLARO_OK;

	for (size_t l = 0; l < n_layers; l++) {
		if (layers[l]->n_distributions)
			dist = layers[l]->distributions[0];
		if (layers[l]->n_packages)
			top = l;
	}
	if (top == n_layers)
		return CLARO_OK;
	for (size_t i = 0; st == CLARO_OK && i < layers[top]->n_packages; i++) {
		const struct claro_package *pkg = layers[top]->packages[i];
		struct claro_environment env;

		memset(&env, 0, sizeof(env));
		env.struct_size = sizeof(env);
		env.package_db = pkg->package_db;
		env.introduced_in = introduced_in(layers, top, pkg);
		env.distribution = dist;
		st = ctx->host->index_add_package(ctx, out, pkg, &env);
	}
	return st;
}

/* ---- the module ---- */

static const struct claro_package_scanner_ops pkg_ops = {sizeof(pkg_ops), scan_packages, NULL};
static const struct claro_distribution_scanner_ops dist_ops = {sizeof(dist_ops), scan_distribution};
static const struct claro_repository_scanner_ops repo_ops = {sizeof(repo_ops), scan_repositories};
static const struct claro_file_scanner_ops file_ops = {sizeof(file_ops), scan_whiteouts};
static const char *const coalesced_scanners[] = {"alpha_pkg", "alpha_dist", NULL};
static const struct claro_coalescer_ops coalescer_ops = {sizeof(coalescer_ops), coalesced_scanners, coalesce};

static const struct claro_component alpha_pkg = {
    sizeof(struct claro_component), CLARO_KIND_PACKAGE_SCANNER, 0, "alpha_pkg", "3", &pkg_ops};
static const struct claro_component alpha_dist = {
    sizeof(struct claro_component), CLARO_KIND_DISTRIBUTION_SCANNER, 0, "alpha_dist", "1", &dist_ops};
static const struct claro_component alpha_repo = {
    sizeof(struct claro_component), CLARO_KIND_REPOSITORY_SCANNER, 0, "alpha_repo", "1", &repo_ops};
static const struct claro_component alpha_whiteout = {
    sizeof(struct claro_component), CLARO_KIND_FILE_SCANNER, 0, "alpha_whiteout", "2", &file_ops};
static const struct claro_component alpha_coalescer = {
    sizeof(struct claro_component), CLARO_KIND_COALESCER, 0, "alpha", "1", &coalescer_ops};

CLARO_PLUGIN_DEFINE(alpha, "1.0.0", "Apache-2.0", "test plugin: scanners and a coalescer", alpha_config,
		    alpha_init, alpha_fini, &alpha_pkg, &alpha_dist, &alpha_repo, &alpha_whiteout,
		    &alpha_coalescer)
