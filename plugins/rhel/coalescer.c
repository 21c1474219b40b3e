/* The rhel coalescer (reference §3.5; claircore:rhel/coalescer.go). It takes
 * the "rpm" package scanner, the "rhel" distribution scanner and the
 * "rhel-repository-scanner", and only for Red Hat's images
 * (rhelfamily_owns(): a RHEL distribution or product repository in any
 * layer); the other rpm images are the "rpm" coalescer's (plugins/linux), so
 * no rpm package is reported by both. Rules, as Clair's:
 *
 *  - Product repositories (key "rhel-cpe-repository") are shared across
 *    layers, because Red Hat's build system records them only in some: a
 *    layer without any takes those of the nearest layer below with some,
 *    failing that of the nearest layer above.
 *  - A distribution found in layer n applies to the packages of the layers
 *    above up to the next one with a distribution, and to all layers below
 *    the lowest one with a distribution.
 *  - A package's environment is made where it first appears in its database
 *    (same name, version, kind, arch, module and source): introduced_in that
 *    layer, its distribution, and its repositories: those whose uri
 *    "repoid=" equals the package's repository_hint "repoid=", or all the
 *    layer's repositories when the hint has no repoid.
 *  - A package survives only if it is in the newest copy of its database
 *    (the highest layer holding packages of that package_db). Clair compares
 *    with the highest layer holding any package at all, which drops a whole
 *    database when a later layer writes only another one; claro compares per
 *    database (README.md).
 * Output: databases by name, each in the order of its newest copy.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rhel.h"
#include "rhelfamily.h"

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* The identity Clair's package id stands for, plus the database. */
static int cmp_package(const struct claro_package *a, const struct claro_package *b)
{
	const struct claro_package *sa = a->source, *sb = b->source;
	int c;

	if ((c = strcmp(or_empty(a->package_db), or_empty(b->package_db))) ||
	    (c = strcmp(or_empty(a->name), or_empty(b->name))) ||
	    (c = strcmp(or_empty(a->version), or_empty(b->version))) ||
	    (c = strcmp(or_empty(a->kind), or_empty(b->kind))) ||
	    (c = strcmp(or_empty(a->arch), or_empty(b->arch))) ||
	    (c = strcmp(or_empty(a->module), or_empty(b->module))) ||
	    (c = strcmp(sa ? or_empty(sa->name) : "", sb ? or_empty(sb->name) : "")) ||
	    (c = strcmp(sa ? or_empty(sa->version) : "", sb ? or_empty(sb->version) : "")))
		return c;
	return 0;
}

struct occurrence {
	const struct claro_package *pkg;
	size_t layer;
	int emitted;
};

static int cmp_occurrence(const void *a, const void *b)
{
	const struct occurrence *x = a, *y = b;
	int c = cmp_package(x->pkg, y->pkg);

	if (c)
		return c;
	return x->layer < y->layer ? -1 : x->layer > y->layer;
}

struct db_top {
	const char *name;
	size_t top;
};

static int cmp_db(const void *a, const void *b)
{
	return strcmp(((const struct db_top *)a)->name, ((const struct db_top *)b)->name);
}

struct state {
	struct claro_ctx *ctx;
	const struct claro_layer_artifacts *const *layers;
	size_t n;
	const struct claro_repository ***repos; /* per layer, NULL-terminated, after sharing */
	const struct claro_distribution **dist; /* per layer */
	struct occurrence *occ;                 /* sorted */
	size_t n_occ;
	struct db_top *dbs;
	size_t n_dbs;
};

static enum claro_status nomem(struct claro_ctx *ctx)
{
	return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
}

static enum claro_status invalid_layer(struct claro_ctx *ctx, size_t l, const char *why)
{
	ctx->host->error(ctx, CLARO_ERR_INVALID, "invalid layer artifacts");
	ctx->host->error_detail(ctx, "Layer %zu (counting from the bottom) %s.", l, why);
	ctx->host->error_hint(ctx, "This is a bug in the host that built the artifacts; report it.");
	return CLARO_ERR_INVALID;
}

static enum claro_status check_layers(struct claro_ctx *ctx,
				      const struct claro_layer_artifacts *const *layers, size_t n)
{
	for (size_t l = 0; l < n; l++) {
		const struct claro_layer_artifacts *la = layers[l];

		if (!la)
			return invalid_layer(ctx, l, "is NULL");
		if (!CLARO_HAS_FIELD(struct claro_layer_artifacts, la, n_files))
			return invalid_layer(ctx, l,
					     "is smaller than ABI 1.0's struct claro_layer_artifacts");
		if ((la->n_packages && !la->packages) || (la->n_distributions && !la->distributions) ||
		    (la->n_repositories && !la->repositories))
			return invalid_layer(ctx, l, "counts records in an array that is NULL");
		for (size_t i = 0; i < la->n_packages; i++)
			if (!la->packages[i])
				return invalid_layer(ctx, l, "has a NULL package");
		for (size_t i = 0; i < la->n_distributions; i++)
			if (!la->distributions[i])
				return invalid_layer(ctx, l, "has a NULL distribution");
		for (size_t i = 0; i < la->n_repositories; i++)
			if (!la->repositories[i])
				return invalid_layer(ctx, l, "has a NULL repository");
	}
	return CLARO_OK;
}

static size_t count_rh(const struct claro_layer_artifacts *la)
{
	size_t k = 0;

	for (size_t i = 0; i < la->n_repositories; i++)
		k += rhelfamily_is_rhel_repository(la->repositories[i]);
	return k;
}

/* Each layer's repositories after the product repositories are shared. */
static enum claro_status share_repositories(struct state *s)
{
	size_t *source =
	    calloc(s->n ? s->n : 1, sizeof(*source)); /* layer whose RH repos l uses, or SIZE_MAX */
	size_t prev = SIZE_MAX;

	if (!source)
		return nomem(s->ctx);
	for (size_t l = 0; l < s->n; l++) {
		if (count_rh(s->layers[l]))
			prev = l;
		source[l] = prev;
	}
	prev = SIZE_MAX;
	for (size_t l = s->n; l-- > 0;) {
		if (count_rh(s->layers[l]))
			prev = l;
		if (source[l] == SIZE_MAX)
			source[l] = prev;
	}
	for (size_t l = 0; l < s->n; l++) {
		const struct claro_layer_artifacts *la = s->layers[l];
		const struct claro_layer_artifacts *src = source[l] == SIZE_MAX ? NULL : s->layers[source[l]];
		size_t k = 0, max = la->n_repositories + (src ? src->n_repositories : 0);
		const struct claro_repository **v = calloc(max + 1, sizeof(*v));

		if (!v) {
			free(source);
			return nomem(s->ctx);
		}
		/* the layer's own repositories that are not products, then its
		 * own products or the shared ones (Clair appends the latter) */
		for (size_t i = 0; i < la->n_repositories; i++)
			if (!rhelfamily_is_rhel_repository(la->repositories[i]) || source[l] == l)
				v[k++] = la->repositories[i];
		if (src && source[l] != l)
			for (size_t i = 0; i < src->n_repositories; i++)
				if (rhelfamily_is_rhel_repository(src->repositories[i]))
					v[k++] = src->repositories[i];
		s->repos[l] = v;
	}
	free(source);
	return CLARO_OK;
}

static void assign_distributions(struct state *s)
{
	const struct claro_distribution *cur = NULL;

	for (size_t l = 0; l < s->n && !cur; l++)
		if (s->layers[l]->n_distributions)
			cur = s->layers[l]->distributions[0];
	for (size_t l = 0; l < s->n; l++) {
		if (s->layers[l]->n_distributions)
			cur = s->layers[l]->distributions[0]; /* one per layer, as Clair */
		s->dist[l] = cur;
	}
}

static enum claro_status index_packages(struct state *s)
{
	size_t total = 0, k = 0;

	for (size_t l = 0; l < s->n; l++) {
		if (s->layers[l]->n_packages > SIZE_MAX / sizeof(*s->occ) - total)
			return invalid_layer(s->ctx, l,
					     "brings the package count past what can be addressed");
		total += s->layers[l]->n_packages;
	}
	s->occ = calloc(total ? total : 1, sizeof(*s->occ));
	s->dbs = calloc(total ? total : 1, sizeof(*s->dbs));
	if (!s->occ || !s->dbs)
		return nomem(s->ctx);
	for (size_t l = 0; l < s->n; l++)
		for (size_t i = 0; i < s->layers[l]->n_packages; i++) {
			s->occ[k].pkg = s->layers[l]->packages[i];
			s->occ[k].layer = l;
			s->dbs[k].name = or_empty(s->layers[l]->packages[i]->package_db);
			s->dbs[k].top = l;
			k++;
		}
	s->n_occ = total;
	qsort(s->occ, total, sizeof(*s->occ), cmp_occurrence);
	/* distinct databases and the highest layer of each */
	qsort(s->dbs, total, sizeof(*s->dbs), cmp_db);
	for (size_t i = 0; i < total; i++) {
		if (s->n_dbs && strcmp(s->dbs[s->n_dbs - 1].name, s->dbs[i].name) == 0) {
			if (s->dbs[i].top > s->dbs[s->n_dbs - 1].top)
				s->dbs[s->n_dbs - 1].top = s->dbs[i].top;
			continue;
		}
		s->dbs[s->n_dbs++] = s->dbs[i];
	}
	return CLARO_OK;
}

/* The first occurrence (lowest layer) of pkg's identity. */
static struct occurrence *first_occurrence(const struct state *s, const struct claro_package *pkg)
{
	size_t lo = 0, hi = s->n_occ;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_package(s->occ[mid].pkg, pkg) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n_occ && cmp_package(s->occ[lo].pkg, pkg) == 0 ? &s->occ[lo] : NULL;
}

/* The repositories of pkg's environment: NULL-terminated, malloc'd. */
static enum claro_status package_repositories(struct state *s, const struct claro_package *pkg, size_t layer,
					      const struct claro_repository ***out)
{
	const struct claro_repository *const *all = s->repos[layer];
	char *want = pkg->repository_hint ? rhel_query_get(pkg->repository_hint, "repoid") : NULL;
	size_t n = 0, k = 0;
	const struct claro_repository **v;

	while (all[n])
		n++;
	if (!(v = calloc(n + 1, sizeof(*v)))) {
		free(want);
		return nomem(s->ctx);
	}
	for (size_t i = 0; i < n; i++) {
		if (want && *want) {
			char *have = all[i]->uri ? rhel_query_get(all[i]->uri, "repoid") : NULL;
			int match = have && strcmp(have, want) == 0;

			free(have);
			if (!match)
				continue;
		}
		v[k++] = all[i];
	}
	free(want);
	*out = v;
	return CLARO_OK;
}

static enum claro_status emit(struct state *s, struct claro_index_builder *out)
{
	for (size_t d = 0; d < s->n_dbs; d++) {
		const struct claro_layer_artifacts *la = s->layers[s->dbs[d].top];

		for (size_t i = 0; i < la->n_packages; i++) {
			const struct claro_package *p = la->packages[i];
			struct occurrence *first;
			struct claro_environment env;
			const struct claro_repository **repos = NULL;
			enum claro_status st;

			if (strcmp(or_empty(p->package_db), s->dbs[d].name) != 0)
				continue;
			if (!(first = first_occurrence(s, p)))
				return s->ctx->host->error(s->ctx, CLARO_ERR_INTERNAL,
							   "package %s vanished from the index",
							   or_empty(p->name));
			if (first->emitted)
				continue; /* listed twice in the same database */
			first->emitted = 1;
			if ((st = package_repositories(s, p, first->layer, &repos)) != CLARO_OK)
				return st;
			memset(&env, 0, sizeof(env));
			env.struct_size = sizeof(env);
			env.package_db = p->package_db;
			env.introduced_in = s->layers[first->layer]->layer_digest;
			env.distribution = s->dist[first->layer];
			env.repositories = repos;
			st = s->ctx->host->index_add_package(s->ctx, out, p, &env);
			free(repos);
			if (st != CLARO_OK)
				return st;
		}
	}
	return CLARO_OK;
}

static enum claro_status rhel_coalesce(struct claro_ctx *ctx,
				       const struct claro_layer_artifacts *const *layers, size_t n_layers,
				       struct claro_index_builder *out)
{
	struct state s;
	enum claro_status st;

	if (n_layers == 0)
		return CLARO_OK;
	if (!layers)
		return invalid_layer(ctx, 0, "is missing: the layer array is NULL");
	if ((st = check_layers(ctx, layers, n_layers)) != CLARO_OK)
		return st;
	if (!rhelfamily_owns(layers, n_layers)) {
		ctx->host->log(
		    ctx, CLARO_LOG_DEBUG,
		    "no RHEL distribution or product repository: the rpm coalescer reports this image");
		return CLARO_OK;
	}
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.layers = layers;
	s.n = n_layers;
	s.repos = calloc(n_layers, sizeof(*s.repos));
	s.dist = calloc(n_layers, sizeof(*s.dist));
	if (!s.repos || !s.dist)
		st = nomem(ctx);
	if (st == CLARO_OK)
		st = share_repositories(&s);
	if (st == CLARO_OK) {
		assign_distributions(&s);
		st = index_packages(&s);
	}
	if (st == CLARO_OK)
		st = emit(&s, out);
	for (size_t l = 0; s.repos && l < n_layers; l++)
		free(s.repos[l]);
	free(s.repos);
	free(s.dist);
	free(s.occ);
	free(s.dbs);
	return st;
}

static const char *const rhel_scanners[] = {"rpm", "rhel", "rhel-repository-scanner", NULL};

static const struct claro_coalescer_ops rhel_coalescer_ops = {
    sizeof(struct claro_coalescer_ops),
    rhel_scanners,
    rhel_coalesce,
};

const struct claro_component rhel_coalescer = {
    sizeof(struct claro_component), CLARO_KIND_COALESCER, 0, "rhel", "1", &rhel_coalescer_ops,
};
