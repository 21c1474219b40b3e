/* The python coalescer; see coalescer.h for its rules.
 *
 * One sort over every package record finds, for each installation
 * (package_db, filepath, name, version), the highest layer holding it; the
 * winners are then added in layer order, each layer's in the scanner's
 * order, so the output does not depend on the sort.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coalescer.h"

/* One package record of one layer. */
struct record {
	const struct claro_package *pkg;
	size_t layer;
	size_t index;  /* in the layer's package array */
	size_t serial; /* position over all layers, for the winners flags */
};

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static enum claro_status out_of_memory(struct claro_ctx *ctx)
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

static enum claro_status check_layer(struct claro_ctx *ctx, const struct claro_layer_artifacts *la, size_t l)
{
	if (la == NULL)
		return invalid_layer(ctx, l, "is NULL");
	if (!CLARO_HAS_FIELD(struct claro_layer_artifacts, la, n_files))
		return invalid_layer(ctx, l, "is smaller than ABI 1.0's struct claro_layer_artifacts");
	if ((la->n_packages && la->packages == NULL) || (la->n_repositories && la->repositories == NULL))
		return invalid_layer(ctx, l, "counts records in an array that is NULL");
	for (size_t i = 0; i < la->n_packages; i++)
		if (la->packages[i] == NULL)
			return invalid_layer(ctx, l, "holds a NULL package");
	for (size_t i = 0; i < la->n_repositories; i++)
		if (la->repositories[i] == NULL)
			return invalid_layer(ctx, l, "holds a NULL repository");
	return CLARO_OK;
}

/* Same installation first, then the highest layer (and the last record of
 * a layer) first. */
static int compare_records(const void *a, const void *b)
{
	const struct record *x = a, *y = b;
	int c;

	if ((c = strcmp(or_empty(x->pkg->package_db), or_empty(y->pkg->package_db))) != 0 ||
	    (c = strcmp(or_empty(x->pkg->filepath), or_empty(y->pkg->filepath))) != 0 ||
	    (c = strcmp(or_empty(x->pkg->name), or_empty(y->pkg->name))) != 0 ||
	    (c = strcmp(or_empty(x->pkg->version), or_empty(y->pkg->version))) != 0)
		return c;
	if (x->layer != y->layer)
		return x->layer > y->layer ? -1 : 1;
	return x->index > y->index ? -1 : x->index < y->index;
}

static int same_installation(const struct claro_package *a, const struct claro_package *b)
{
	return strcmp(or_empty(a->package_db), or_empty(b->package_db)) == 0 &&
	       strcmp(or_empty(a->filepath), or_empty(b->filepath)) == 0 &&
	       strcmp(or_empty(a->name), or_empty(b->name)) == 0 &&
	       strcmp(or_empty(a->version), or_empty(b->version)) == 0;
}

/* winners[serial] = 1 for the record of each installation in its highest
 * layer. */
static enum claro_status find_winners(struct claro_ctx *ctx,
				      const struct claro_layer_artifacts *const *layers, size_t n_layers,
				      size_t total, unsigned char *winners)
{
	struct record *recs = ctx->host->calloc(total ? total : 1, sizeof(*recs));
	size_t n = 0;

	if (recs == NULL)
		return out_of_memory(ctx);
	for (size_t l = 0; l < n_layers; l++)
		for (size_t i = 0; i < layers[l]->n_packages; i++, n++)
			recs[n] = (struct record){layers[l]->packages[i], l, i, n};
	qsort(recs, n, sizeof(*recs), compare_records);
	for (size_t i = 0; i < n; i++)
		winners[recs[i].serial] = i == 0 || !same_installation(recs[i - 1].pkg, recs[i].pkg);
	ctx->host->free(recs);
	return CLARO_OK;
}

/* The layer's repositories as the NULL-terminated list an environment takes. */
static const struct claro_repository **layer_repositories(struct claro_ctx *ctx,
							  const struct claro_layer_artifacts *la)
{
	const struct claro_repository **repos = ctx->host->calloc(la->n_repositories + 1, sizeof(*repos));

	for (size_t i = 0; repos != NULL && i < la->n_repositories; i++)
		repos[i] = la->repositories[i];
	return repos;
}

static enum claro_status add_layer(struct claro_ctx *ctx, const struct claro_layer_artifacts *la,
				   const unsigned char *winners, struct claro_index_builder *out)
{
	const struct claro_host *h = ctx->host;
	const struct claro_repository **repos;
	struct claro_environment env;
	enum claro_status st = CLARO_OK;

	if (la->n_packages == 0)
		return CLARO_OK;
	if (la->n_repositories == 0)
		/* Clair skips such a layer; its packages are still in the image. */
		h->log(ctx, CLARO_LOG_WARNING,
		       "layer %s has %zu Python package%s but no repository (the python scanner names "
		       "\"pypi\"); reported without one, so no advisory keyed by repository can match them",
		       or_empty(la->layer_digest), la->n_packages, la->n_packages == 1 ? "" : "s");
	if ((repos = layer_repositories(ctx, la)) == NULL)
		return out_of_memory(ctx);
	memset(&env, 0, sizeof(env));
	env.struct_size = sizeof(env);
	env.introduced_in = la->layer_digest;
	env.distribution = NULL;
	env.repositories = la->n_repositories ? repos : NULL;
	for (size_t i = 0; st == CLARO_OK && i < la->n_packages; i++) {
		if (!winners[i]) {
			h->log(ctx, CLARO_LOG_DEBUG, "%s %s in %s: written again by a later layer",
			       or_empty(la->packages[i]->name), or_empty(la->packages[i]->version),
			       or_empty(la->packages[i]->package_db));
			continue;
		}
		env.package_db = la->packages[i]->package_db;
		st = h->index_add_package(ctx, out, la->packages[i], &env);
	}
	h->free(repos);
	return st;
}

static enum claro_status python_coalesce(struct claro_ctx *ctx,
					 const struct claro_layer_artifacts *const *layers, size_t n_layers,
					 struct claro_index_builder *out)
{
	size_t total = 0, offset = 0;
	unsigned char *winners;
	enum claro_status st;

	if (n_layers && layers == NULL)
		return invalid_layer(ctx, 0, "is missing: the layer list is NULL");
	for (size_t l = 0; l < n_layers; l++) {
		if ((st = check_layer(ctx, layers[l], l)) != CLARO_OK)
			return st;
		if (layers[l]->n_packages > SIZE_MAX / sizeof(struct record) - total)
			return out_of_memory(ctx);
		total += layers[l]->n_packages;
	}
	if (total == 0)
		return CLARO_OK;
	if ((winners = ctx->host->calloc(total, 1)) == NULL)
		return out_of_memory(ctx);
	st = find_winners(ctx, layers, n_layers, total, winners);
	for (size_t l = 0; st == CLARO_OK && l < n_layers; l++) {
		st = add_layer(ctx, layers[l], winners + offset, out);
		offset += layers[l]->n_packages;
	}
	ctx->host->free(winners);
	return st;
}

static const char *const python_coalescer_scanners[] = {"python", NULL};

static const struct claro_coalescer_ops python_coalescer_ops = {
    sizeof(struct claro_coalescer_ops),
    python_coalescer_scanners,
    python_coalesce,
};

const struct claro_component python_coalescer = {
    sizeof(struct claro_component), CLARO_KIND_COALESCER,  0, "python",
    PYTHON_COALESCER_VERSION,       &python_coalescer_ops,
};
