/* enrich: the enrichers (enrich.h): CVE ids from each vulnerability's
 * description, name and links (claircore's Enrich, reference §5.4), looked
 * up with host->enrichment_get, attached with host->enrichment_add.
 *
 * Lookups are cached per id for the whole report (Clair caches per set of
 * ids), since many vulnerabilities of one report name the same CVE.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <stdlib.h>
#include <string.h>

#include "cveid.h"
#include "enrich.h"

/* What the store holds for one id. */
struct cached {
	char *tag;
	char **json;
	size_t n, cap;
	int failed; /* out of memory while collecting */
};

struct cache {
	struct cached *v;
	size_t n, cap;
};

static int collect(void *arg, const char *json)
{
	struct cached *c = arg;
	char *copy;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 4;
		char **nv = realloc(c->json, ncap * sizeof(*nv));
		if (!nv) {
			c->failed = 1;
			return 1;
		}
		c->json = nv;
		c->cap = ncap;
	}
	if (!(copy = strdup(json))) {
		c->failed = 1;
		return 1;
	}
	c->json[c->n++] = copy;
	return 0;
}

static void cache_free(struct cache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < c->v[i].n; k++)
			free(c->v[i].json[k]);
		free(c->v[i].json);
		free(c->v[i].tag);
	}
	free(c->v);
}

/* The cached records of tag, looking it up on a miss. Sorted by tag for a
 * binary search. */
static enum claro_status lookup(struct claro_ctx *ctx, struct cache *c, const char *tag,
				const struct cached **out)
{
	size_t lo = 0, hi = c->n;
	struct cached e;
	enum claro_status st;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->v[mid].tag, tag);
		if (cmp == 0) {
			*out = &c->v[mid];
			return CLARO_OK;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memset(&e, 0, sizeof(e));
	st = ctx->host->enrichment_get(ctx, tag, collect, &e);
	if (st == CLARO_OK && (e.failed || !(e.tag = strdup(tag))))
		st = ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	if (st == CLARO_OK && c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct cached *nv = realloc(c->v, ncap * sizeof(*nv));
		if (!nv) {
			st = ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
		} else {
			c->v = nv;
			c->cap = ncap;
		}
	}
	if (st != CLARO_OK) {
		for (size_t k = 0; k < e.n; k++)
			free(e.json[k]);
		free(e.json);
		free(e.tag);
		return st;
	}
	memmove(c->v + lo + 1, c->v + lo, (c->n - lo) * sizeof(*c->v));
	c->v[lo] = e;
	c->n++;
	*out = &c->v[lo];
	return CLARO_OK;
}

/* The distinct CVE ids of one vulnerability, sorted. */
struct ids {
	char **v;
	size_t n, cap;
};

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_ids(struct ids *ids, const char *text)
{
	size_t pos = 0, start, len, n = text ? strlen(text) : 0;

	while (cve_find(text, n, &pos, &start, &len)) {
		char *id;

		if (ids->n == ids->cap) {
			size_t ncap = ids->cap ? ids->cap * 2 : 8;
			char **nv = realloc(ids->v, ncap * sizeof(*nv));
			if (!nv)
				return -1;
			ids->v = nv;
			ids->cap = ncap;
		}
		if (!(id = malloc(len + 1)))
			return -1;
		memcpy(id, text + start, len);
		id[len] = '\0';
		ids->v[ids->n++] = id;
	}
	return 0;
}

static void ids_clear(struct ids *ids)
{
	for (size_t i = 0; i < ids->n; i++)
		free(ids->v[i]);
	ids->n = 0;
}

static void sort_unique(struct ids *ids)
{
	size_t o = 0;

	if (ids->n == 0)
		return;
	qsort(ids->v, ids->n, sizeof(*ids->v), by_string);
	for (size_t i = 1; i < ids->n; i++) {
		if (strcmp(ids->v[i], ids->v[o]) == 0)
			free(ids->v[i]);
		else
			ids->v[++o] = ids->v[i];
	}
	ids->n = o + 1;
}

/* Attach the records of one vulnerability's ids. */
static enum claro_status enrich_one(struct claro_ctx *ctx, struct cache *cache, const struct ids *ids,
				    const char *vuln_id, struct claro_enrichment_out *out, int first_only)
{
	const char **done = NULL;
	size_t n_done = 0, cap_done = 0;
	enum claro_status st = CLARO_OK;

	for (size_t i = 0; st == CLARO_OK && i < ids->n; i++) {
		const struct cached *c;

		if ((st = lookup(ctx, cache, ids->v[i], &c)) != CLARO_OK)
			break;
		for (size_t k = 0; st == CLARO_OK && k < c->n; k++) {
			size_t d = 0;

			/* One record stored under several ids is attached once. */
			while (d < n_done && strcmp(done[d], c->json[k]) != 0)
				d++;
			if (d < n_done)
				continue;
			if (n_done == cap_done) {
				size_t ncap = cap_done ? cap_done * 2 : 8;
				const char **nv = realloc(done, ncap * sizeof(*nv));
				if (!nv) {
					st = ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
					break;
				}
				done = nv;
				cap_done = ncap;
			}
			done[n_done++] = c->json[k];
			st = ctx->host->enrichment_add(ctx, out, vuln_id, c->json[k]);
			if (first_only)
				break;
		}
		if (first_only && n_done > 0)
			break;
	}
	free(done);
	return st;
}

enum claro_status enrich_vulnerabilities(struct claro_ctx *ctx,
					 const struct claro_vulnerability *const *vulns, size_t n,
					 struct claro_enrichment_out *out, int first_only)
{
	struct cache cache = {NULL, 0, 0};
	struct ids ids = {NULL, 0, 0};
	enum claro_status st = CLARO_OK;

	for (size_t i = 0; st == CLARO_OK && i < n; i++) {
		const struct claro_vulnerability *v = vulns[i];

		if (!v || !v->id || !*v->id)
			continue;
		ids_clear(&ids);
		/* Clair's order: description, name, links (a set, so it does not matter). */
		if (add_ids(&ids, v->description) != 0 || add_ids(&ids, v->name) != 0 ||
		    add_ids(&ids, v->links) != 0) {
			st = ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
			break;
		}
		sort_unique(&ids);
		st = enrich_one(ctx, &cache, &ids, v->id, out, first_only);
	}
	ids_clear(&ids);
	free(ids.v);
	cache_free(&cache);
	return st;
}
