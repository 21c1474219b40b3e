/* The rhcc ecosystem (reference §4.1, §4.2 "rhcc"; claircore:rhel/rhcc/
 * detector.go, coalescer.go): Red Hat container images themselves, as
 * packages matched against Red Hat's container advisories.
 *
 *  rhel_package_container_detector (package, version 2): from labels.json
 *    (root/buildinfo/, else usr/share/buildinfo/; labels.h) with a name, an
 *    architecture and a creation time, three packages named after the image:
 *    kind source, kind binary (source: the first) and kind ancestry (for VEX
 *    "not affected"), version the creation time in Unix seconds, normalized
 *    as a Red Hat container tag ("rhctag": that number, 0, 0),
 *    package_db the labels file, arch the architecture, repository_hint
 *    "rhcc".
 *  rhel_repo_container_detector (repository, version 1): labels.json's
 *    "cpe": key "rhcc-container-repository", name and cpe the CPE bound as a
 *    2.3 formatted string.
 *  coalescer rhcc: in every layer with repositories, each "rhcc" package
 *    gets an environment (that layer, its package_db, those repositories);
 *    a package found in several such layers keeps the highest one's, as
 *    Clair's map assignment does.
 *
 * A labels.json that does not parse, or a cpe that is not a CPE, is a
 * warning and nothing (Clair fails the index); missing labels are a warning,
 * as in Clair. The deprecated rhel_containerscanner (Dockerfile labels and
 * Red Hat's container API) is not implemented.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpe.h"
#include "labels.h"
#include "rhel.h"

#define LABELS_MAX ((size_t)1 << 20)
#define RHCC_KEY   "rhcc-container-repository"

static const char *const labels_paths[] = {"root/buildinfo/labels.json", "usr/share/buildinfo/labels.json"};

/* The labels and the path they came from; *found = 0 when there are none or
 * they cannot be used (warned). */
static enum claro_status read_labels(struct claro_ctx *ctx, struct claro_layer *layer, struct rhcc_labels *lb,
				     const char **path, int *found)
{
	const struct claro_host *h = ctx->host;

	*found = 0;
	for (size_t i = 0; i < sizeof(labels_paths) / sizeof(labels_paths[0]); i++) {
		unsigned char *data = NULL;
		size_t len = 0;
		char reason[256];
		enum claro_status st = h->fs_read_all(ctx, layer, labels_paths[i], LABELS_MAX, &data, &len);

		if (st == CLARO_ERR_NOT_FOUND)
			continue;
		if (st != CLARO_OK)
			return st;
		st = rhcc_labels_parse((const char *)data, len, lb, reason, sizeof(reason));
		h->free(data);
		if (st == CLARO_ERR_NOMEM)
			return h->error(ctx, st, "out of memory");
		if (st != CLARO_OK) {
			h->log(ctx, CLARO_LOG_WARNING, "%s cannot be used (%s); the image is not identified",
			       labels_paths[i], reason);
			return CLARO_OK;
		}
		*path = labels_paths[i];
		*found = 1;
		return CLARO_OK;
	}
	return CLARO_OK;
}

static enum claro_status package_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				      struct claro_scan_result *out)
{
	struct rhcc_labels lb;
	const char *path = NULL;
	char version[24];
	struct claro_package src = {0}, bin, anc;
	int found = 0;
	enum claro_status st = read_labels(ctx, layer, &lb, &path, &found);

	if (st != CLARO_OK || !found)
		return st;
	if (!*lb.name || !*lb.architecture || !lb.has_created) {
		ctx->host->log(
		    ctx, CLARO_LOG_WARNING,
		    "%s lacks a name, an architecture or org.opencontainers.image.created; the image is "
		    "not identified",
		    path);
		rhcc_labels_free(&lb);
		return CLARO_OK;
	}
	snprintf(version, sizeof(version), "%" PRId64, lb.created);
	src.struct_size = sizeof(src);
	src.name = lb.name;
	src.version = version;
	src.kind = CLARO_PACKAGE_SOURCE;
	src.arch = lb.architecture;
	src.package_db = path;
	src.repository_hint = "rhcc";
	src.normalized_version.kind = "rhctag";
	src.normalized_version.v[0] = (int32_t)(uint32_t)(uint64_t)lb.created; /* Go's int32() */
	bin = src;
	bin.kind = CLARO_PACKAGE_BINARY;
	bin.source = &src;
	anc = bin;
	anc.kind = "ancestry";
	st = ctx->host->add_package(ctx, out, &src);
	if (st == CLARO_OK)
		st = ctx->host->add_package(ctx, out, &bin);
	if (st == CLARO_OK)
		st = ctx->host->add_package(ctx, out, &anc);
	rhcc_labels_free(&lb);
	return st;
}

static enum claro_status repo_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				   struct claro_scan_result *out)
{
	struct rhcc_labels lb;
	const char *path = NULL, *why = NULL;
	char *fs = NULL;
	int found = 0;
	enum claro_status st = read_labels(ctx, layer, &lb, &path, &found);

	if (st != CLARO_OK || !found)
		return st;
	if (*lb.cpe) {
		st = cpe_to_fs(lb.cpe, &fs, &why);
		if (st == CLARO_ERR_NOMEM) {
			st = ctx->host->error(ctx, st, "out of memory");
		} else if (st != CLARO_OK) {
			ctx->host->log(ctx, CLARO_LOG_WARNING,
				       "%s: cpe \"%s\" is not a CPE (%s); no repository", path, lb.cpe, why);
			st = CLARO_OK;
		} else {
			struct claro_repository r = {0};

			r.struct_size = sizeof(r);
			r.name = fs;
			r.key = RHCC_KEY;
			r.cpe = fs;
			st = ctx->host->add_repository(ctx, out, &r);
		}
	}
	free(fs);
	rhcc_labels_free(&lb);
	return st;
}

static int same_package(const struct claro_package *a, const struct claro_package *b)
{
#define EQ(f) (strcmp(a->f ? a->f : "", b->f ? b->f : "") == 0)
	return EQ(name) && EQ(version) && EQ(kind) && EQ(arch) && EQ(package_db) && EQ(module);
#undef EQ
}

static enum claro_status rhcc_coalesce(struct claro_ctx *ctx,
				       const struct claro_layer_artifacts *const *layers, size_t n_layers,
				       struct claro_index_builder *out)
{
	/* a handful of packages per image: quadratic is fine */
	for (size_t l = n_layers; layers && l-- > 0;) {
		const struct claro_layer_artifacts *la = layers[l];
		const struct claro_repository **repos;

		if (!la || la->n_repositories == 0 || !la->repositories)
			continue;
		if (!(repos = calloc(la->n_repositories + 1, sizeof(*repos))))
			return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
		memcpy(repos, la->repositories, la->n_repositories * sizeof(*repos));
		for (size_t i = 0; la->packages && i < la->n_packages; i++) {
			const struct claro_package *p = la->packages[i];
			struct claro_environment env = {0};
			int seen = 0;
			enum claro_status st;

			if (!p || !p->repository_hint || strcmp(p->repository_hint, "rhcc") != 0)
				continue;
			for (size_t k = l + 1; k < n_layers && !seen; k++) {
				const struct claro_layer_artifacts *up = layers[k];

				for (size_t j = 0;
				     up && up->n_repositories && up->packages && j < up->n_packages && !seen;
				     j++)
					seen = up->packages[j] && same_package(up->packages[j], p);
			}
			for (size_t j = 0; j < i && !seen; j++)
				seen = la->packages[j] && same_package(la->packages[j], p);
			if (seen)
				continue;
			env.struct_size = sizeof(env);
			env.package_db = p->package_db;
			env.introduced_in = la->layer_digest;
			env.repositories = repos;
			if ((st = ctx->host->index_add_package(ctx, out, p, &env)) != CLARO_OK) {
				free(repos);
				return st;
			}
		}
		free(repos);
	}
	return CLARO_OK;
}

static const struct claro_package_scanner_ops package_ops = {
    sizeof(struct claro_package_scanner_ops),
    package_scan,
    NULL,
};

const struct claro_component rhcc_package_detector = {
    sizeof(struct claro_component),
    CLARO_KIND_PACKAGE_SCANNER,
    0,
    "rhel_package_container_detector",
    "2",
    &package_ops,
};

static const struct claro_repository_scanner_ops repo_ops = {
    sizeof(struct claro_repository_scanner_ops),
    repo_scan,
};

const struct claro_component rhcc_repository_detector = {
    sizeof(struct claro_component),
    CLARO_KIND_REPOSITORY_SCANNER,
    0,
    "rhel_repo_container_detector",
    "1",
    &repo_ops,
};

static const char *const rhcc_scanners[] = {"rhel_package_container_detector", "rhel_repo_container_detector",
					    NULL};

static const struct claro_coalescer_ops rhcc_ops = {
    sizeof(struct claro_coalescer_ops),
    rhcc_scanners,
    rhcc_coalesce,
};

const struct claro_component rhcc_coalescer = {
    sizeof(struct claro_component), CLARO_KIND_COALESCER, 0, "rhcc", "1", &rhcc_ops,
};
