/* Finding and reading the rpm databases of a layer; see rpmdb.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "bdb.h"
#include "ndb.h"
#include "rpmdb.h"
#include "sqlitedb.h"

#define MAX_LINK_HOPS 40

const char *rpmdb_kind_name(enum rpmdb_kind kind)
{
	switch (kind) {
	case RPMDB_BDB: return "bdb";
	case RPMDB_SQLITE: return "sqlite";
	case RPMDB_NDB: return "ndb";
	}
	return "?";
}

/* ---- finding ---- */

struct candidate {
	char *path;
	enum rpmdb_kind kind;
};

struct walk {
	const struct claro_host *host;
	struct candidate *v;
	size_t n, cap;
	int nomem;
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int collect(struct claro_ctx *ctx, const struct claro_file_info *info, void *arg)
{
	struct walk *w = arg;
	const char *base = base_name(info->path);
	enum rpmdb_kind kind;

	(void)ctx;
	if (info->type != CLARO_FILE_REGULAR && info->type != CLARO_FILE_SYMLINK)
		return 0;
	if (strcmp(base, "Packages") == 0)
		kind = RPMDB_BDB;
	else if (strcmp(base, "rpmdb.sqlite") == 0)
		kind = RPMDB_SQLITE;
	else if (strcmp(base, "Packages.db") == 0)
		kind = RPMDB_NDB;
	else
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4;
		struct candidate *v = w->host->realloc(w->v, cap * sizeof(*v));
		if (!v) {
			w->nomem = 1;
			return 1;
		}
		w->v = v;
		w->cap = cap;
	}
	if (!(w->v[w->n].path = w->host->strdup(info->path))) {
		w->nomem = 1;
		return 1;
	}
	w->v[w->n++].kind = kind;
	return 0;
}

/* "dir/target" for a relative link target, "target" for an absolute one
 * (the host resolves ".." and keeps everything inside the layer). */
static char *link_join(const struct claro_host *host, const char *link, const char *target)
{
	const char *slash = strrchr(link, '/');
	size_t dlen = (target[0] == '/' || !slash) ? 0 : (size_t)(slash - link) + 1;
	size_t tlen = strlen(target);
	char *s = host->alloc(dlen + tlen + 1);

	if (s) {
		memcpy(s, link, dlen);
		memcpy(s + dlen, target, tlen + 1);
	}
	return s;
}

/* The size of the regular file path names, following symlinks inside the
 * layer. CLARO_ERR_NOT_FOUND when it names nothing usable (dangling, a
 * directory, a loop). */
static enum claro_status file_size(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
				   uint64_t *size)
{
	const struct claro_host *host = ctx->host;
	char *p = host->strdup(path);
	enum claro_status st = CLARO_ERR_NOT_FOUND;

	if (!p)
		return host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	for (int hop = 0; hop <= MAX_LINK_HOPS; hop++) {
		struct claro_file_info info;
		char *next;

		memset(&info, 0, sizeof(info));
		info.struct_size = sizeof(info);
		st = host->fs_stat(ctx, layer, p, &info);
		if (st != CLARO_OK)
			break;
		if (info.type == CLARO_FILE_REGULAR) {
			*size = info.size;
			break;
		}
		st = CLARO_ERR_NOT_FOUND;
		if (info.type != CLARO_FILE_SYMLINK || !info.link_target)
			break;
		if (!(next = link_join(host, p, info.link_target))) {
			st = host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
			break;
		}
		host->free(p);
		p = next;
	}
	host->free(p);
	return st;
}

/* The first 16 bytes of a file (fewer if it is shorter). */
static enum claro_status read_head(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
				   unsigned char *head, size_t *got)
{
	const struct claro_host *host = ctx->host;
	struct claro_file *f = NULL;
	enum claro_status st = host->fs_open(ctx, layer, path, &f);

	*got = 0;
	if (st != CLARO_OK)
		return st;
	st = host->fs_pread(ctx, f, head, 16, 0, got);
	host->fs_close(f);
	return st;
}

static enum claro_status add_found(struct claro_ctx *ctx, struct rpmdb_list *out, const struct candidate *c,
				   uint64_t size)
{
	const struct claro_host *host = ctx->host;
	const char *kind = rpmdb_kind_name(c->kind), *slash = strrchr(c->path, '/');
	size_t dlen = slash ? (size_t)(slash - c->path) : 0, klen = strlen(kind);
	struct rpmdb_found *f;

	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 2;
		struct rpmdb_found *v = host->realloc(out->v, cap * sizeof(*v));
		if (!v)
			return host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
		out->v = v;
		out->cap = cap;
	}
	f = &out->v[out->n];
	memset(f, 0, sizeof(*f));
	f->kind = c->kind;
	f->size = size;
	f->file = host->strdup(c->path);
	f->package_db = host->alloc(klen + 1 + (dlen ? dlen : 1) + 1);
	if (!f->file || !f->package_db) {
		host->free(f->file);
		host->free(f->package_db);
		return host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	}
	memcpy(f->package_db, kind, klen);
	f->package_db[klen] = ':';
	if (dlen) {
		memcpy(f->package_db + klen + 1, c->path, dlen);
		f->package_db[klen + 1 + dlen] = '\0';
	} else {
		memcpy(f->package_db + klen + 1, ".", 2); /* Go's path.Clean("") */
	}
	out->n++;
	return CLARO_OK;
}

enum claro_status rpmdb_find(struct claro_ctx *ctx, struct claro_layer *layer, struct rpmdb_list *out)
{
	const struct claro_host *host = ctx->host;
	struct walk w = {host, NULL, 0, 0, 0};
	enum claro_status st;

	memset(out, 0, sizeof(*out));
	st = host->fs_walk(ctx, layer, "", collect, &w);
	if (st == CLARO_OK && w.nomem)
		st = host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < w.n && st == CLARO_OK; i++) {
		unsigned char head[16];
		size_t got = 0;
		uint64_t size = 0;

		st = file_size(ctx, layer, w.v[i].path, &size);
		if (st == CLARO_OK && w.v[i].kind != RPMDB_SQLITE)
			st = read_head(ctx, layer, w.v[i].path, head, &got);
		if (st == CLARO_ERR_NOT_FOUND) {
			host->log(ctx, CLARO_LOG_DEBUG,
				  "%s: skipped, it does not resolve to a file in the layer", w.v[i].path);
			st = CLARO_OK;
			continue;
		}
		if (st != CLARO_OK)
			break;
		if ((w.v[i].kind == RPMDB_BDB && !bdb_is_hash(head, got)) ||
		    (w.v[i].kind == RPMDB_NDB && !ndb_is_packages(head, got)))
			continue; /* a file of that name, but not a database */
		st = add_found(ctx, out, &w.v[i], size);
	}
	for (size_t i = 0; i < w.n; i++)
		host->free(w.v[i].path);
	host->free(w.v);
	if (st != CLARO_OK)
		rpmdb_list_free(ctx, out);
	return st;
}

void rpmdb_list_free(struct claro_ctx *ctx, struct rpmdb_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		ctx->host->free(list->v[i].file);
		ctx->host->free(list->v[i].package_db);
	}
	ctx->host->free(list->v);
	memset(list, 0, sizeof(*list));
}

/* ---- reading ---- */

struct layer_source {
	struct claro_ctx *ctx;
	struct claro_file *file;
	int host_failed; /* the host described an I/O error already */
};

static enum claro_status layer_pread(void *arg, void *buf, size_t n, uint64_t offset, size_t *got)
{
	struct layer_source *s = arg;
	enum claro_status st = s->ctx->host->fs_pread(s->ctx, s->file, buf, n, offset, got);

	if (st != CLARO_OK)
		s->host_failed = 1;
	return st;
}

struct reading {
	struct claro_ctx *ctx;
	rpmdb_header_fn fn;
	void *arg;
	size_t count;
	int fn_failed;
	struct rpmdb_error *err;
};

static enum claro_status on_blob(void *arg, const unsigned char *blob, size_t len)
{
	struct reading *r = arg;
	struct rpmhdr h;
	enum claro_status st;

	r->count++;
	if ((st = rpmhdr_parse(blob, len, &h, r->err)) != CLARO_OK) {
		char why[sizeof(r->err->msg)];
		memcpy(why, r->err->msg, sizeof(why));
		rpmdb_errorf(r->err, "header %zu (%zu bytes): %s", r->count, len, why);
		return st;
	}
	if (h.name && strcmp(h.name, "gpg-pubkey") == 0)
		return CLARO_OK;
	if ((st = r->fn(r->arg, &h, r->count)) != CLARO_OK)
		r->fn_failed = 1;
	return st;
}

enum claro_status rpmdb_read(struct claro_ctx *ctx, struct claro_layer *layer, const struct rpmdb_found *db,
			     rpmdb_header_fn fn, void *arg)
{
	const struct claro_host *host = ctx->host;
	struct rpmdb_error err;
	struct reading r = {ctx, fn, arg, 0, 0, &err};
	struct layer_source src = {ctx, NULL, 0};
	struct rpmdb_reader reader;
	enum claro_status st;

	err.msg[0] = '\0';
	if ((st = host->fs_open(ctx, layer, db->file, &src.file)) != CLARO_OK)
		return st;
	reader.pread = layer_pread;
	reader.arg = &src;
	reader.size = db->size;
	if (db->kind == RPMDB_BDB)
		st = bdb_read_packages(&reader, on_blob, &r, &err);
	else if (db->kind == RPMDB_NDB)
		st = ndb_read_packages(&reader, on_blob, &r, &err);
	else
		st = sqlitedb_read_packages(&reader, on_blob, &r, &err);
	host->fs_close(src.file);
	if (st == CLARO_OK || r.fn_failed || src.host_failed)
		return st;
	if (st == CLARO_ERR_NOMEM)
		return host->error(ctx, st, "out of memory reading rpm database \"%s\"", db->file);
	host->error(ctx, st, "could not read rpm database \"%s\" (%s)", db->file, rpmdb_kind_name(db->kind));
	if (!err.msg[0])
		rpmdb_errorf(&err, "the reader gave no reason");
	if (err.msg[0] >= 'a' && err.msg[0] <= 'z')
		err.msg[0] = (char)(err.msg[0] - 'a' + 'A'); /* a sentence */
	host->error_detail(ctx, "%s.", err.msg);
	if (st == CLARO_ERR_UNSUPPORTED)
		host->error_hint(ctx,
				 "The database uses a feature rpm itself does not use in package databases; "
				 "rebuild it with `rpm --rebuilddb` in the image.");
	else
		host->error_hint(ctx,
				 "The layer's rpm database is damaged or is not one rpm wrote; check it with "
				 "`rpm --dbpath /path/to/%s -qa`, or rebuild the image so rpm rewrites it.",
				 db->package_db + strlen(rpmdb_kind_name(db->kind)) + 1);
	return st;
}
