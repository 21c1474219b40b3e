/* The Linux coalescer; see coalescer.h for the rules it implements.
 *
 * Work is proportional to the number of package records (sorts and binary
 * searches, no per-package scans of every layer), so images with hundreds of
 * layers and thousands of packages per layer stay cheap.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coalescer.h"
#include "dbwhiteout.h"

/* One package database seen in any layer. */
struct db_state {
	const char *name;  /* package_db as the scanners wrote it; "" for none */
	size_t top;        /* highest layer with a package in this database */
	size_t floor;      /* lowest layer its surviving packages may come from */
	size_t deleted_by; /* layer above top that whited it out, or SIZE_MAX */
};

/* A (database, name, version) and the lowest layer it appears in. */
struct occurrence {
	size_t db;
	const char *name;
	const char *version;
	size_t layer;
};

struct coalesce_state {
	struct claro_ctx *ctx;
	const struct claro_layer_artifacts *const *layers;
	size_t n_layers;
	size_t n_packages;     /* over all layers */
	size_t *first_package; /* index of layer l's first package in db_of */
	size_t *db_of;         /* database index of every package, layer by layer */
	struct db_state *dbs;  /* sorted by name */
	size_t n_dbs;
	struct occurrence *occ; /* sorted, one per (db, name, version) */
	size_t n_occ;
	const struct claro_distribution **dist_below; /* nearest at or below layer l */
	const struct claro_distribution **dist_above; /* nearest at or above layer l */
};

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static enum claro_status out_of_memory(struct claro_ctx *ctx)
{
	return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
}

static void *alloc_array(struct claro_ctx *ctx, size_t n, size_t size)
{
	return ctx->host->calloc(n ? n : 1, size);
}

/* ---- input checks ---- */

static enum claro_status invalid_layer(struct claro_ctx *ctx, size_t l, const char *why)
{
	ctx->host->error(ctx, CLARO_ERR_INVALID, "invalid layer artifacts");
	ctx->host->error_detail(ctx, "Layer %zu (counting from the bottom) %s.", l, why);
	ctx->host->error_hint(ctx, "This is a bug in the host that built the artifacts; report it.");
	return CLARO_ERR_INVALID;
}

static enum claro_status check_layer(struct claro_ctx *ctx, const struct claro_layer_artifacts *la, size_t l)
{
	if (!la)
		return invalid_layer(ctx, l, "is NULL");
	if (!CLARO_HAS_FIELD(struct claro_layer_artifacts, la, n_files))
		return invalid_layer(ctx, l, "is smaller than ABI 1.0's struct claro_layer_artifacts");
	if ((la->n_packages && !la->packages) || (la->n_distributions && !la->distributions) ||
	    (la->n_files && !la->files))
		return invalid_layer(ctx, l, "counts records in an array that is NULL");
	for (size_t i = 0; i < la->n_packages; i++)
		if (!la->packages[i])
			return invalid_layer(ctx, l, "has a NULL package");
	for (size_t i = 0; i < la->n_files; i++)
		if (!la->files[i])
			return invalid_layer(ctx, l, "has a NULL file record");
	return CLARO_OK;
}

/* ---- package databases ---- */

static int cmp_name_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_db_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct db_state *)elem)->name);
}

/* Every distinct package_db, sorted; each package's database index. */
static enum claro_status find_databases(struct coalesce_state *s)
{
	const char **names = alloc_array(s->ctx, s->n_packages, sizeof(*names));
	size_t k = 0;

	if (!names)
		return out_of_memory(s->ctx);
	for (size_t l = 0; l < s->n_layers; l++)
		for (size_t i = 0; i < s->layers[l]->n_packages; i++)
			names[k++] = or_empty(s->layers[l]->packages[i]->package_db);
	qsort(names, k, sizeof(*names), cmp_name_ptr);
	s->dbs = alloc_array(s->ctx, k, sizeof(*s->dbs));
	if (!s->dbs) {
		s->ctx->host->free(names);
		return out_of_memory(s->ctx);
	}
	for (size_t i = 0; i < k; i++) {
		if (s->n_dbs && strcmp(s->dbs[s->n_dbs - 1].name, names[i]) == 0)
			continue;
		s->dbs[s->n_dbs].name = names[i];
		s->dbs[s->n_dbs].deleted_by = SIZE_MAX;
		s->n_dbs++;
	}
	s->ctx->host->free(names);

	k = 0;
	for (size_t l = 0; l < s->n_layers; l++) {
		s->first_package[l] = k;
		for (size_t i = 0; i < s->layers[l]->n_packages; i++) {
			const char *db = or_empty(s->layers[l]->packages[i]->package_db);
			const struct db_state *d =
			    bsearch(db, s->dbs, s->n_dbs, sizeof(*s->dbs), cmp_db_name);
			size_t di;

			if (!d) /* cannot happen: the list was built from these names */
				return s->ctx->host->error(s->ctx, CLARO_ERR_INTERNAL,
							   "package database \"%s\" vanished from the list",
							   db);
			di = (size_t)(d - s->dbs);
			s->db_of[k++] = di;
			s->dbs[di].top = l; /* layers go up, so the last write is the highest */
		}
	}
	return CLARO_OK;
}

/* ---- whiteouts ---- */

static int is_whiteout(const struct claro_file_record *f)
{
	return f->kind && strcmp(f->kind, CLARO_FILE_WHITEOUT) == 0 && f->path;
}

/* A whiteout in layer w deletes what layers below w hold: above the winning
 * layer it deletes the database; at or below it, it bounds where the
 * surviving packages can have been introduced. */
static void apply_whiteouts(struct coalesce_state *s)
{
	for (size_t w = 0; w < s->n_layers; w++) {
		const struct claro_layer_artifacts *la = s->layers[w];

		for (size_t i = 0; i < la->n_files; i++) {
			if (!is_whiteout(la->files[i]))
				continue;
			for (size_t d = 0; d < s->n_dbs; d++) {
				struct db_state *db = &s->dbs[d];

				if (!dbwhiteout_covers(la->files[i]->path, db->name))
					continue;
				if (w > db->top) {
					if (db->deleted_by == SIZE_MAX)
						db->deleted_by = w;
				} else if (w > db->floor) {
					db->floor = w;
				}
			}
		}
	}
}

/* ---- where each package was introduced ---- */

static int cmp_occurrence_key(const void *a, const void *b)
{
	const struct occurrence *x = a, *y = b;
	int c;

	if (x->db != y->db)
		return x->db < y->db ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return strcmp(x->version, y->version);
}

static int cmp_occurrence(const void *a, const void *b)
{
	const struct occurrence *x = a, *y = b;
	int c = cmp_occurrence_key(a, b);

	if (c != 0)
		return c;
	return x->layer < y->layer ? -1 : x->layer > y->layer;
}

/* Every (db, name, version) of a surviving database within the layers its
 * packages may come from, reduced to the lowest layer of each. */
static enum claro_status index_occurrences(struct coalesce_state *s)
{
	size_t n = 0;

	s->occ = alloc_array(s->ctx, s->n_packages, sizeof(*s->occ));
	if (!s->occ)
		return out_of_memory(s->ctx);
	for (size_t l = 0; l < s->n_layers; l++) {
		for (size_t i = 0; i < s->layers[l]->n_packages; i++) {
			const struct claro_package *p = s->layers[l]->packages[i];
			size_t d = s->db_of[s->first_package[l] + i];

			if (s->dbs[d].deleted_by != SIZE_MAX || l < s->dbs[d].floor || l > s->dbs[d].top)
				continue;
			s->occ[n].db = d;
			s->occ[n].name = or_empty(p->name);
			s->occ[n].version = or_empty(p->version);
			s->occ[n].layer = l;
			n++;
		}
	}
	qsort(s->occ, n, sizeof(*s->occ), cmp_occurrence);
	for (size_t i = 0; i < n; i++)
		if (s->n_occ == 0 || cmp_occurrence_key(&s->occ[s->n_occ - 1], &s->occ[i]) != 0)
			s->occ[s->n_occ++] = s->occ[i];
	return CLARO_OK;
}

static size_t introduced_in(const struct coalesce_state *s, size_t db, const struct claro_package *p,
			    size_t fallback)
{
	struct occurrence key = {db, or_empty(p->name), or_empty(p->version), 0};
	const struct occurrence *o = bsearch(&key, s->occ, s->n_occ, sizeof(*s->occ), cmp_occurrence_key);

	return o ? o->layer : fallback;
}

/* ---- distributions (claircore:linux/distsearcher.go) ---- */

static const struct claro_distribution *layer_distribution(const struct claro_layer_artifacts *la)
{
	return la->n_distributions ? la->distributions[0] : NULL; /* one per layer, as Clair */
}

static enum claro_status index_distributions(struct coalesce_state *s)
{
	size_t n = s->n_layers;

	s->dist_below = alloc_array(s->ctx, n, sizeof(*s->dist_below));
	s->dist_above = alloc_array(s->ctx, n, sizeof(*s->dist_above));
	if (!s->dist_below || !s->dist_above)
		return out_of_memory(s->ctx);
	for (size_t l = 0; l < n; l++) {
		const struct claro_distribution *d = layer_distribution(s->layers[l]);
		s->dist_below[l] = d ? d : (l ? s->dist_below[l - 1] : NULL);
	}
	for (size_t l = n; l-- > 0;) {
		const struct claro_distribution *d = layer_distribution(s->layers[l]);
		s->dist_above[l] = d ? d : (l + 1 < n ? s->dist_above[l + 1] : NULL);
	}
	return CLARO_OK;
}

static const struct claro_distribution *distribution_for(const struct coalesce_state *s, size_t l)
{
	return s->dist_below[l] ? s->dist_below[l] : s->dist_above[l];
}

/* ---- output ---- */

static enum claro_status emit_database(struct coalesce_state *s, size_t d, struct claro_index_builder *out)
{
	size_t top = s->dbs[d].top;
	const struct claro_layer_artifacts *la = s->layers[top];

	for (size_t i = 0; i < la->n_packages; i++) {
		const struct claro_package *p = la->packages[i];
		struct claro_environment env;
		size_t intro;
		enum claro_status st;

		if (s->db_of[s->first_package[top] + i] != d)
			continue;
		intro = introduced_in(s, d, p, top);
		memset(&env, 0, sizeof(env));
		env.struct_size = sizeof(env);
		env.package_db = p->package_db;
		env.introduced_in = s->layers[intro]->layer_digest;
		env.distribution = distribution_for(s, intro);
		env.repositories = NULL;
		if ((st = s->ctx->host->index_add_package(s->ctx, out, p, &env)) != CLARO_OK)
			return st;
	}
	return CLARO_OK;
}

static enum claro_status emit(struct coalesce_state *s, struct claro_index_builder *out)
{
	size_t emitted = 0;

	for (size_t d = 0; d < s->n_dbs; d++) {
		enum claro_status st;

		if (s->dbs[d].deleted_by != SIZE_MAX) {
			s->ctx->host->log(s->ctx, CLARO_LOG_DEBUG,
					  "package database \"%s\" of layer %s is whited out by layer %s",
					  s->dbs[d].name, or_empty(s->layers[s->dbs[d].top]->layer_digest),
					  or_empty(s->layers[s->dbs[d].deleted_by]->layer_digest));
			continue;
		}
		if ((st = emit_database(s, d, out)) != CLARO_OK)
			return st;
		emitted++;
	}
	s->ctx->host->log(s->ctx, CLARO_LOG_DEBUG, "%zu of %zu package databases over %zu layers", emitted,
			  s->n_dbs, s->n_layers);
	return CLARO_OK;
}

static void release(struct coalesce_state *s)
{
	const struct claro_host *h = s->ctx->host;

	h->free(s->first_package);
	h->free(s->db_of);
	h->free(s->dbs);
	h->free(s->occ);
	h->free(s->dist_below);
	h->free(s->dist_above);
}

enum claro_status linux_coalesce(struct claro_ctx *ctx, const struct claro_layer_artifacts *const *layers,
				 size_t n_layers, struct claro_index_builder *out)
{
	struct coalesce_state s;
	enum claro_status st = CLARO_OK;

	if (n_layers == 0)
		return CLARO_OK;
	if (!layers)
		return invalid_layer(ctx, 0, "is missing: the layer array is NULL");
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.layers = layers;
	s.n_layers = n_layers;
	for (size_t l = 0; l < n_layers && st == CLARO_OK; l++) {
		if ((st = check_layer(ctx, layers[l], l)) != CLARO_OK)
			break;
		if (layers[l]->n_packages > SIZE_MAX / sizeof(struct occurrence) - s.n_packages)
			st = invalid_layer(ctx, l, "brings the package count past what can be addressed");
		else
			s.n_packages += layers[l]->n_packages;
	}
	if (st != CLARO_OK)
		return st;
	s.first_package = alloc_array(ctx, n_layers, sizeof(*s.first_package));
	s.db_of = alloc_array(ctx, s.n_packages, sizeof(*s.db_of));
	if (!s.first_package || !s.db_of)
		st = out_of_memory(ctx);
	if (st == CLARO_OK)
		st = find_databases(&s);
	if (st == CLARO_OK) {
		apply_whiteouts(&s);
		st = index_occurrences(&s);
	}
	if (st == CLARO_OK)
		st = index_distributions(&s);
	if (st == CLARO_OK)
		st = emit(&s, out);
	release(&s);
	return st;
}
