/* The RPM-owned path set; see rpm_pathset.h. Paths live in an arena of
 * chunks; an open-addressing table (linear probing, at most half full)
 * indexes them by FNV-1a hash.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "rpm_pathset.h"
#include "rpmdb.h"

#define CHUNK_SIZE 65536u

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct slot {
	uint64_t hash;
	const char *path; /* NULL: empty */
};

struct rpm_pathset {
	struct slot *slots;
	size_t n, cap; /* cap: a power of two */
	struct chunk *chunks;
};

struct loading {
	struct claro_ctx *ctx;
	struct rpm_pathset *set;
	char *buf; /* scratch for one path */
	size_t buf_cap;
};

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3u;
	}
	return h;
}

/* The slot holding path, or the empty slot where it would go. */
static struct slot *find(const struct rpm_pathset *s, uint64_t hash, const char *path, size_t len)
{
	size_t mask = s->cap - 1;

	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
		struct slot *sl = &s->slots[i];
		if (!sl->path ||
		    (sl->hash == hash && strncmp(sl->path, path, len) == 0 && sl->path[len] == '\0'))
			return sl;
	}
}

static enum claro_status grow(const struct claro_host *host, struct rpm_pathset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	struct slot *slots = host->calloc(cap, sizeof(*slots)), *old = s->slots;
	size_t oldcap = s->cap;

	if (!slots)
		return CLARO_ERR_NOMEM;
	s->slots = slots;
	s->cap = cap;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].path) {
			struct slot *sl = find(s, old[i].hash, old[i].path, strlen(old[i].path));
			*sl = old[i];
		}
	}
	host->free(old);
	return CLARO_OK;
}

static char *store(const struct claro_host *host, struct rpm_pathset *s, const char *path, size_t len)
{
	struct chunk *c = s->chunks;
	char *p;

	if (!c || c->size - c->used < len + 1) {
		size_t size = len + 1 > CHUNK_SIZE ? len + 1 : CHUNK_SIZE;
		if (!(c = host->alloc(sizeof(*c) + size)))
			return NULL;
		c->next = s->chunks;
		c->used = 0;
		c->size = size;
		s->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, path, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

static enum claro_status insert(const struct claro_host *host, struct rpm_pathset *s, const char *path,
				size_t len)
{
	uint64_t hash = fnv1a(path, len);
	struct slot *sl;

	if ((s->n + 1) * 2 > s->cap && grow(host, s) != CLARO_OK)
		return CLARO_ERR_NOMEM;
	sl = find(s, hash, path, len);
	if (sl->path)
		return CLARO_OK;
	if (!(sl->path = store(host, s, path, len)))
		return CLARO_ERR_NOMEM;
	sl->hash = hash;
	s->n++;
	return CLARO_OK;
}

/* dir + base, cleaned like Go's path.Join without the leading "/": empty
 * and "." components dropped, ".." removes the one before it. Returns the
 * length in l->buf. */
static enum claro_status clean_join(struct loading *l, const char *dir, size_t dlen, const char *base,
				    size_t blen, size_t *out)
{
	size_t need = dlen + blen + 2, n = 0;

	if (need > l->buf_cap) {
		char *p = l->ctx->host->realloc(l->buf, need);
		if (!p)
			return CLARO_ERR_NOMEM;
		l->buf = p;
		l->buf_cap = need;
	}
	for (int part = 0; part < 2; part++) {
		const char *s = part ? base : dir, *end = s + (part ? blen : dlen);
		while (s < end) {
			const char *slash = memchr(s, '/', (size_t)(end - s)), *e = slash ? slash : end;
			size_t k = (size_t)(e - s);
			if (k == 0 || (k == 1 && s[0] == '.')) {
				/* nothing */
			} else if (k == 2 && s[0] == '.' && s[1] == '.') {
				while (n > 0 && l->buf[n - 1] != '/')
					n--;
				if (n > 0)
					n--; /* the "/" before the removed component */
			} else {
				if (n > 0)
					l->buf[n++] = '/';
				memcpy(l->buf + n, s, k);
				n += k;
			}
			s = e + (slash ? 1 : 0);
		}
	}
	*out = n;
	return CLARO_OK;
}

static enum claro_status add_file(void *arg, const char *dir, size_t dlen, const char *base, size_t blen)
{
	struct loading *l = arg;
	size_t n;
	enum claro_status st = clean_join(l, dir, dlen, base, blen, &n);

	if (st != CLARO_OK || n == 0)
		return st;
	return insert(l->ctx->host, l->set, l->buf, n);
}

static enum claro_status add_header(void *arg, const struct rpmhdr *h, size_t ordinal)
{
	struct loading *l = arg;
	enum claro_status st;

	(void)ordinal;
	st = rpmhdr_files(h, add_file, l);
	if (st == CLARO_ERR_NOMEM)
		l->ctx->host->error(l->ctx, st, "out of memory loading the RPM-owned paths");
	return st;
}

enum claro_status rpm_pathset_load(struct claro_ctx *ctx, struct claro_layer *layer, struct rpm_pathset **out)
{
	const struct claro_host *host = ctx->host;
	struct rpmdb_list dbs;
	struct loading l = {ctx, NULL, NULL, 0};
	enum claro_status st;

	*out = NULL;
	if ((st = rpmdb_find(ctx, layer, &dbs)) != CLARO_OK || dbs.n == 0) {
		rpmdb_list_free(ctx, &dbs);
		return st;
	}
	if (!(l.set = host->calloc(1, sizeof(*l.set))) || grow(host, l.set) != CLARO_OK) {
		rpmdb_list_free(ctx, &dbs);
		rpm_pathset_free(ctx, l.set);
		return host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < dbs.n && st == CLARO_OK; i++)
		st = rpmdb_read(ctx, layer, &dbs.v[i], add_header, &l);
	rpmdb_list_free(ctx, &dbs);
	host->free(l.buf);
	if (st != CLARO_OK) {
		rpm_pathset_free(ctx, l.set);
		return st;
	}
	*out = l.set;
	return CLARO_OK;
}

int rpm_pathset_has(const struct rpm_pathset *s, const char *path)
{
	size_t len;

	if (!s || !path)
		return 0;
	while (*path == '/')
		path++;
	len = strlen(path);
	return find(s, fnv1a(path, len), path, len)->path != NULL;
}

size_t rpm_pathset_count(const struct rpm_pathset *s)
{
	return s ? s->n : 0;
}

void rpm_pathset_each(const struct rpm_pathset *s, int (*fn)(void *arg, const char *path), void *arg)
{
	for (size_t i = 0; s && i < s->cap; i++)
		if (s->slots[i].path && fn(arg, s->slots[i].path))
			return;
}

void rpm_pathset_free(struct claro_ctx *ctx, struct rpm_pathset *s)
{
	struct chunk *c, *next;

	if (!s)
		return;
	for (c = s->chunks; c; c = next) {
		next = c->next;
		ctx->host->free(c);
	}
	ctx->host->free(s->slots);
	ctx->host->free(s);
}
