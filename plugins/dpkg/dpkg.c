/* dpkg: the package scanners for Debian-family images (reference §4.1,
 * §4.2), matching Clair's names and versions so cached results line up:
 *
 *   dpkg (version 7): any directory holding both a "status" file and an
 *     "info/" directory (var/lib/dpkg/ normally) is a dpkg database; its
 *     installed packages are reported with package_db = the status file's
 *     path and repository_hint = the MD5 of info/<pkg>[:arch].md5sums.
 *   dpkg-distroless (version 1): every file of a "status.d/" directory except
 *     *.md5sums (Google's distroless images keep one file per package there);
 *     every paragraph is a package, package_db = that file's path.
 *
 * Parsing lives in dpkgdb.c; this file finds the databases in the layer and
 * turns parse results into records and errors.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <claro/plugin.h>

#include "dpkgdb.h"

#define STATUS_MAX     ((size_t)256 << 20) /* the largest real status files are a few MiB */
#define MD5SUMS_MAX    ((size_t)64 << 20)
#define MD5SUMS_SUFFIX ".md5sums"

/* A growable list of owned path strings. */
struct path_list {
	char **items;
	size_t count;
	size_t capacity;
};

static void path_list_free(const struct claro_host *h, struct path_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		h->free(l->items[i]);
	h->free(l->items);
	memset(l, 0, sizeof(*l));
}

static int path_list_has(const struct path_list *l, const char *s)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i], s) == 0)
			return 1;
	return 0;
}

/* Append a copy of [s, s+n); 0 on success. */
static int path_list_add(const struct claro_host *h, struct path_list *l, const char *s, size_t n)
{
	char *copy;

	if (l->count == l->capacity) {
		size_t cap = l->capacity ? l->capacity * 2 : 8;
		char **grown = h->realloc(l->items, cap * sizeof(*grown));

		if (grown == NULL)
			return -1;
		l->items = grown;
		l->capacity = cap;
	}
	if ((copy = h->alloc(n + 1)) == NULL)
		return -1;
	memcpy(copy, s, n);
	copy[n] = '\0';
	l->items[l->count++] = copy;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The NULL-terminated parts joined into one host-allocated string. */
static char *concat(const struct claro_host *h, const char *const *parts)
{
	size_t n = 1, off = 0;
	char *s;

	for (size_t i = 0; parts[i] != NULL; i++)
		n += strlen(parts[i]);
	if ((s = h->alloc(n)) == NULL)
		return NULL;
	for (size_t i = 0; parts[i] != NULL; i++) {
		size_t m = strlen(parts[i]);

		memcpy(s + off, parts[i], m);
		off += m;
	}
	s[off] = '\0';
	return s;
}

static enum claro_status out_of_memory(struct claro_ctx *ctx)
{
	return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
}

/* --- repository hint: MD5 of the package's .md5sums file --- */

static void md5_hex(const unsigned char *data, size_t len, char hex[33])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	hex[0] = '\0';
	if (EVP_Digest(data, len, md, &mdlen, EVP_md5(), NULL) != 1 || mdlen != 16)
		return;
	for (unsigned int i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[32] = '\0';
}

/* Fill hint from <dir>info/<name><qual>.md5sums if it exists. 1 = found,
 * 0 = not there (or unreadable: a hint is optional), -1 = out of memory. */
static int try_md5sums(struct claro_ctx *ctx, struct claro_layer *layer, const char *dir, const char *name,
		       const char *qual, char hint[33])
{
	const struct claro_host *h = ctx->host;
	const char *parts[] = {dir, "info/", name, qual, MD5SUMS_SUFFIX, NULL};
	char *path = concat(h, parts);
	unsigned char *data = NULL;
	size_t len = 0;
	enum claro_status st;

	if (path == NULL)
		return -1;
	st = h->fs_read_all(ctx, layer, path, MD5SUMS_MAX, &data, &len);
	if (st == CLARO_OK) {
		md5_hex(data, len, hint);
		h->free(data);
	} else if (st == CLARO_ERR_NOMEM) {
		h->free(path);
		return -1;
	} else if (st != CLARO_ERR_NOT_FOUND) {
		h->log(ctx, CLARO_LOG_WARNING, "could not read %s; no repository hint for %s", path, name);
	}
	h->free(path);
	return st == CLARO_OK;
}

/* dpkg names the file info/<pkg>:<arch>.md5sums for Multi-Arch: same
 * packages and info/<pkg>.md5sums otherwise; the qualified one wins, as in
 * Clair (it sorts after the plain one). */
static enum claro_status add_hints(struct claro_ctx *ctx, struct claro_layer *layer, const char *dir,
				   struct dpkg_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		struct dpkg_pkg *p = &list->items[i];
		int r = 0;

		if (strchr(p->name, '/') != NULL) /* never a path out of info/ */
			continue;
		if (*p->arch != '\0') {
			const char *parts[] = {":", p->arch, NULL};
			char *qual = concat(ctx->host, parts);

			if (qual == NULL)
				return out_of_memory(ctx);
			r = try_md5sums(ctx, layer, dir, p->name, qual, p->hint);
			ctx->host->free(qual);
		}
		if (r == 0)
			r = try_md5sums(ctx, layer, dir, p->name, "", p->hint);
		if (r < 0)
			return out_of_memory(ctx);
	}
	return CLARO_OK;
}

/* --- turning parse results into records --- */

static enum claro_status emit(struct claro_ctx *ctx, struct claro_scan_result *out, const char *db_path,
			      const struct dpkg_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct dpkg_pkg *p = &list->items[i];
		struct claro_package src = {0}, bin = {0};
		enum claro_status st;

		src.struct_size = sizeof(src);
		src.name = p->src_name;
		src.version = p->src_version;
		src.kind = CLARO_PACKAGE_SOURCE;
		src.package_db = db_path;
		src.filepath = db_path;
		bin.struct_size = sizeof(bin);
		bin.name = p->name;
		bin.version = p->version;
		bin.kind = CLARO_PACKAGE_BINARY;
		bin.arch = p->arch;
		bin.package_db = db_path;
		bin.filepath = db_path;
		bin.repository_hint = p->hint[0] != '\0' ? p->hint : NULL;
		bin.source = &src;
		if ((st = ctx->host->add_package(ctx, out, &bin)) != CLARO_OK)
			return st;
	}
	return CLARO_OK;
}

/* Parse one database file; errors carry all three parts. strict: a file in
 * which no paragraph at all could be read is an error (a status file next to
 * info/ must be one); otherwise it is only logged (status.d may hold other
 * files, such as maintainer scripts). */
static enum claro_status parse_db(struct claro_ctx *ctx, const char *path, const unsigned char *data,
				  size_t len, enum dpkgdb_mode mode, int strict, struct dpkg_list *list)
{
	const struct claro_host *h = ctx->host;
	struct dpkgdb_report rep;
	enum claro_status st = dpkgdb_parse((const char *)data, len, mode, list, &rep);

	if (st == CLARO_ERR_NOMEM)
		return out_of_memory(ctx);
	if (st == CLARO_ERR_INVALID) {
		h->error(ctx, CLARO_ERR_INVALID, "could not parse dpkg database %s", path);
		h->error_detail(ctx,
				"The package entry starting at line %zu has no %s field, which every "
				"installed package must have.",
				rep.invalid_line, rep.invalid_field);
		h->error_hint(ctx,
			      "The file is damaged or was not written by dpkg; rebuild the image with an "
			      "intact dpkg database, or remove the file from the image.");
		return st;
	}
	if (st != CLARO_OK)
		return h->error(ctx, st, "could not parse dpkg database %s", path);
	if (rep.not_dpkg) {
		h->log(ctx, CLARO_LOG_INFO, "%s is a vcpkg status file, not a dpkg database; skipped", path);
		return CLARO_OK;
	}
	if (rep.malformed > 0 && rep.paragraphs == 0 && strict) {
		h->error(ctx, CLARO_ERR_INVALID, "could not parse dpkg database %s", path);
		h->error_detail(ctx, "No package entry in the file could be read: line %zu: %s.",
				rep.first_bad_line, rep.first_bad_reason);
		h->error_hint(ctx,
			      "The file is damaged or is not a dpkg status file; rebuild the image with an "
			      "intact dpkg database, or remove the file from the image.");
		return CLARO_ERR_INVALID;
	}
	if (rep.incomplete > 0)
		h->log(ctx, CLARO_LOG_WARNING, "%s: skipped %zu entr%s without a Package or Version field",
		       path, rep.incomplete, rep.incomplete == 1 ? "y" : "ies");
	if (rep.malformed > 0)
		h->log(ctx, CLARO_LOG_WARNING, "%s: skipped %zu malformed entr%s (first at line %zu: %s)",
		       path, rep.malformed, rep.malformed == 1 ? "y" : "ies", rep.first_bad_line,
		       rep.first_bad_reason);
	dpkg_list_sort(list);
	return CLARO_OK;
}

static enum claro_status read_file(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
				   unsigned char **data, size_t *len)
{
	enum claro_status st = ctx->host->fs_read_all(ctx, layer, path, STATUS_MAX, data, len);

	if (st == CLARO_ERR_TOO_LARGE) {
		ctx->host->error(ctx, st, "could not read dpkg database %s", path);
		ctx->host->error_detail(ctx, "The file is larger than %zu MiB.", STATUS_MAX >> 20);
		ctx->host->error_hint(ctx, "Check that the image's dpkg database is genuine.");
	}
	return st;
}

/* --- dpkg: status + info/ --- */

struct db_walk {
	const struct claro_host *host;
	struct path_list status_dirs; /* "" or "a/b/" */
	struct path_list info_dirs;
	int failed;
};

static int find_databases(struct claro_ctx *ctx, const struct claro_file_info *info, void *arg)
{
	struct db_walk *w = arg;
	const char *base = base_name(info->path);
	struct path_list *into = NULL;

	(void)ctx;
	if (strcmp(base, "status") == 0 && info->type != CLARO_FILE_DIRECTORY)
		into = &w->status_dirs;
	else if (strcmp(base, "info") == 0 && info->type == CLARO_FILE_DIRECTORY)
		into = &w->info_dirs;
	if (into != NULL && path_list_add(w->host, into, info->path, (size_t)(base - info->path)) != 0) {
		w->failed = 1;
		return 1;
	}
	return 0;
}

static enum claro_status scan_status_db(struct claro_ctx *ctx, struct claro_layer *layer, const char *dir,
					struct claro_scan_result *out)
{
	const struct claro_host *h = ctx->host;
	const char *parts[] = {dir, "status", NULL};
	char *path = concat(h, parts);
	unsigned char *data = NULL;
	size_t len = 0;
	struct dpkg_list list = {0};
	enum claro_status st;

	if (path == NULL)
		return out_of_memory(ctx);
	st = read_file(ctx, layer, path, &data, &len);
	if (st == CLARO_OK) {
		st = parse_db(ctx, path, data, len, DPKGDB_STATUS, 1, &list);
		h->free(data);
	}
	if (st == CLARO_OK)
		st = add_hints(ctx, layer, dir, &list);
	if (st == CLARO_OK)
		st = emit(ctx, out, path, &list);
	dpkg_list_free(&list);
	h->free(path);
	return st;
}

static enum claro_status dpkg_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				   struct claro_scan_result *out)
{
	struct db_walk w = {ctx->host, {0}, {0}, 0};
	enum claro_status st = ctx->host->fs_walk(ctx, layer, "", find_databases, &w);

	if (st == CLARO_OK && w.failed)
		st = out_of_memory(ctx);
	for (size_t i = 0; st == CLARO_OK && i < w.status_dirs.count; i++)
		if (path_list_has(&w.info_dirs, w.status_dirs.items[i]))
			st = scan_status_db(ctx, layer, w.status_dirs.items[i], out);
	path_list_free(ctx->host, &w.status_dirs);
	path_list_free(ctx->host, &w.info_dirs);
	return st;
}

/* --- dpkg-distroless: status.d/<pkg> --- */

static int is_in_status_d(const char *path)
{
	const char *base = base_name(path);
	size_t dlen;

	if (base == path)
		return 0;
	dlen = (size_t)(base - path) - 1; /* the parent directory, without the slash */
	return dlen >= strlen("status.d") && memcmp(path + dlen - strlen("status.d"), "status.d", 8) == 0 &&
	       (dlen == strlen("status.d") || path[dlen - strlen("status.d") - 1] == '/');
}

struct file_walk {
	const struct claro_host *host;
	struct path_list files;
	int failed;
};

static int find_status_d_files(struct claro_ctx *ctx, const struct claro_file_info *info, void *arg)
{
	struct file_walk *w = arg;

	(void)ctx;
	if (info->type != CLARO_FILE_REGULAR || !is_in_status_d(info->path) ||
	    ends_with(info->path, MD5SUMS_SUFFIX))
		return 0;
	if (path_list_add(w->host, &w->files, info->path, strlen(info->path)) != 0) {
		w->failed = 1;
		return 1;
	}
	return 0;
}

static enum claro_status scan_distroless_file(struct claro_ctx *ctx, struct claro_layer *layer,
					      const char *path, struct claro_scan_result *out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	struct dpkg_list list = {0};
	enum claro_status st = read_file(ctx, layer, path, &data, &len);

	if (st == CLARO_OK) {
		st = parse_db(ctx, path, data, len, DPKGDB_DISTROLESS, 0, &list);
		ctx->host->free(data);
	}
	if (st == CLARO_OK)
		st = emit(ctx, out, path, &list);
	dpkg_list_free(&list);
	return st;
}

static enum claro_status distroless_scan(struct claro_ctx *ctx, struct claro_layer *layer,
					 struct claro_scan_result *out)
{
	struct file_walk w = {ctx->host, {0}, 0};
	enum claro_status st = ctx->host->fs_walk(ctx, layer, "", find_status_d_files, &w);

	if (st == CLARO_OK && w.failed)
		st = out_of_memory(ctx);
	for (size_t i = 0; st == CLARO_OK && i < w.files.count; i++)
		st = scan_distroless_file(ctx, layer, w.files.items[i], out);
	path_list_free(ctx->host, &w.files);
	return st;
}

static const struct claro_package_scanner_ops dpkg_ops = {
    sizeof(struct claro_package_scanner_ops),
    dpkg_scan,
    NULL,
};

static const struct claro_package_scanner_ops distroless_ops = {
    sizeof(struct claro_package_scanner_ops),
    distroless_scan,
    NULL,
};

static const struct claro_component dpkg_scanner = {
    sizeof(struct claro_component), CLARO_KIND_PACKAGE_SCANNER, 0, "dpkg", "7", &dpkg_ops,
};

static const struct claro_component distroless_scanner = {
    sizeof(struct claro_component), CLARO_KIND_PACKAGE_SCANNER, 0, "dpkg-distroless", "1", &distroless_ops,
};

CLARO_PLUGIN_DEFINE(dpkg, "1.0.0", "Apache-2.0",
		    "Debian packages from dpkg status files and distroless status.d", NULL, NULL, NULL,
		    &dpkg_scanner, &distroless_scanner)
