/* rhel-repository-scanner, version 3 (reference §4.1;
 * claircore:rhel/repositoryscanner.go): the Red Hat products (CPEs) a
 * layer's rpms came from.
 *
 *  1. The content manifest: the first file (names in byte order) matching
 *     the first of the globs manifest_globs[] below that matches anything
 *     (root/buildinfo/content_manifests/, usr/share/buildinfo/
 *     content_manifests/, usr/share/buildinfo/; files named *.json). A file that is not
 *     JSON, or has fields of the wrong type, is a warning and counts as no
 *     manifest (Clair fails the index on wrong types).
 *  2. Its content sets are repository ids. Clair reads the ids from dnf's
 *     history database instead when there is no manifest or the manifest
 *     says "from_dnf_hint": true; claro does not read dnf history yet and
 *     uses the manifest's content sets in both cases (see README.md).
 *  3. Each id is looked up in the repository-to-CPE mapping (repo2cpe.h);
 *     each of its CPEs gives a repository
 *       key "rhel-cpe-repository", name and cpe: the CPE as a 2.3 formatted
 *       string, uri "repoid=<id>" (query-escaped).
 *     Unknown ids are skipped; an invalid CPE in the mapping is a warning.
 *  4. Sorted by name, cpe, uri; duplicates removed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "contentmanifest.h"
#include "cpe.h"
#include "rhel.h"

#define MANIFEST_MAX ((size_t)16 << 20)

static const char *const manifest_globs[] = {
    "root/buildinfo/content_manifests/*.json",
    "usr/share/buildinfo/content_manifests/*.json",
    "usr/share/buildinfo/*.json",
};

struct first_match {
	char *path; /* the smallest matching path so far */
	int nomem;
};

static int keep_first(struct claro_ctx *ctx, const struct claro_file_info *info, void *arg)
{
	struct first_match *fm = arg;

	if (info->type == CLARO_FILE_DIRECTORY || !info->path)
		return 0;
	if (!fm->path || strcmp(info->path, fm->path) < 0) {
		char *p = ctx->host->strdup(info->path);

		if (!p) {
			fm->nomem = 1;
			return 1;
		}
		ctx->host->free(fm->path);
		fm->path = p;
	}
	return 0;
}

/* The manifest's content sets, or none. */
static enum claro_status read_manifest(struct claro_ctx *ctx, struct claro_layer *layer,
				       struct content_manifest *cm, int *found)
{
	const struct claro_host *h = ctx->host;
	struct first_match fm = {NULL, 0};
	unsigned char *data = NULL;
	size_t len = 0;
	char reason[256];
	enum claro_status st = CLARO_OK;

	*found = 0;
	memset(cm, 0, sizeof(*cm));
	for (size_t i = 0; i < sizeof(manifest_globs) / sizeof(manifest_globs[0]) && !fm.path; i++) {
		st = h->fs_glob(ctx, layer, manifest_globs[i], keep_first, &fm);
		if (fm.nomem)
			st = h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
		if (st != CLARO_OK) {
			h->free(fm.path);
			return st;
		}
	}
	if (!fm.path)
		return CLARO_OK;
	st = h->fs_read_all(ctx, layer, fm.path, MANIFEST_MAX, &data, &len);
	if (st == CLARO_ERR_NOT_FOUND) { /* a dangling symlink */
		h->log(ctx, CLARO_LOG_DEBUG, "content manifest %s cannot be read in this layer", fm.path);
		h->free(fm.path);
		return CLARO_OK;
	}
	if (st != CLARO_OK) {
		h->free(fm.path);
		return st;
	}
	st = content_manifest_parse((const char *)data, len, cm, reason, sizeof(reason));
	h->free(data);
	if (st == CLARO_ERR_NOMEM) {
		h->free(fm.path);
		return h->error(ctx, st, "out of memory");
	}
	if (st != CLARO_OK) {
		h->log(
		    ctx, CLARO_LOG_WARNING,
		    "content manifest %s cannot be used (%s); the layer's Red Hat repositories are not known",
		    fm.path, reason);
		h->free(fm.path);
		return CLARO_OK;
	}
	h->log(ctx, CLARO_LOG_DEBUG, "content manifest %s: %zu content sets%s", fm.path, cm->n_content_sets,
	       cm->from_dnf_hint ? " (from_dnf_hint: dnf history not read, content sets used)" : "");
	h->free(fm.path);
	*found = 1;
	return CLARO_OK;
}

struct found_repo {
	char *cpe; /* 2.3 formatted string: name and cpe */
	char *uri;
};

static int cmp_repo(const void *a, const void *b)
{
	const struct found_repo *x = a, *y = b;
	int c = strcmp(x->cpe, y->cpe);

	return c ? c : strcmp(x->uri, y->uri);
}

struct repo_list {
	struct found_repo *v;
	size_t n, cap;
};

static void repo_list_free(struct repo_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].cpe);
		free(l->v[i].uri);
	}
	free(l->v);
}

/* One (repoid, CPE) pair; CLARO_OK also when the CPE is skipped. */
static enum claro_status add_pair(struct claro_ctx *ctx, struct repo_list *l, const char *repoid,
				  const char *cpe_string)
{
	const char *why = NULL;
	char *fs = NULL, *q, *uri;
	enum claro_status st = cpe_to_fs(cpe_string, &fs, &why);

	if (st == CLARO_ERR_INVALID) {
		ctx->host->log(ctx, CLARO_LOG_WARNING,
			       "the repository-to-CPE mapping gives %s the invalid CPE \"%s\" (%s); skipped",
			       repoid, cpe_string, why);
		return CLARO_OK;
	}
	if (st != CLARO_OK)
		return ctx->host->error(ctx, st, "out of memory");
	q = rhel_query_escape(repoid);
	uri = q ? malloc(strlen("repoid=") + strlen(q) + 1) : NULL;
	if (uri) {
		memcpy(uri, "repoid=", strlen("repoid="));
		memcpy(uri + strlen("repoid="), q, strlen(q) + 1);
	}
	free(q);
	if (uri && l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct found_repo *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			free(uri);
			uri = NULL;
		} else {
			l->v = v;
			l->cap = cap;
		}
	}
	if (!uri) {
		free(fs);
		return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	}
	l->v[l->n].cpe = fs;
	l->v[l->n].uri = uri;
	l->n++;
	return CLARO_OK;
}

static enum claro_status report(struct claro_ctx *ctx, struct repo_list *l, struct claro_scan_result *out)
{
	enum claro_status st = CLARO_OK;

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_repo);
	for (size_t i = 0; st == CLARO_OK && i < l->n; i++) {
		struct claro_repository r = {0};

		if (i > 0 && cmp_repo(&l->v[i - 1], &l->v[i]) == 0)
			continue;
		r.struct_size = sizeof(r);
		r.name = l->v[i].cpe;
		r.key = "rhel-cpe-repository";
		r.uri = l->v[i].uri;
		r.cpe = l->v[i].cpe;
		st = ctx->host->add_repository(ctx, out, &r);
	}
	return st;
}

static enum claro_status repo_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				   struct claro_scan_result *out)
{
	const struct rhel_plugin *pd = ctx->plugin_data;
	struct content_manifest cm;
	struct repo_list l = {NULL, 0, 0};
	json_t *mapping;
	int found = 0;
	enum claro_status st = read_manifest(ctx, layer, &cm, &found);

	if (st != CLARO_OK || !found || cm.n_content_sets == 0) {
		if (found)
			content_manifest_free(&cm);
		return st;
	}
	if (!pd || !pd->mapping) {
		content_manifest_free(&cm);
		return ctx->host->error(ctx, CLARO_ERR_INTERNAL, "the rhel plugin was not initialised");
	}
	mapping = repo2cpe_acquire(pd->mapping, ctx);
	for (size_t i = 0; mapping && st == CLARO_OK && i < cm.n_content_sets; i++) {
		json_t *cpes = repo2cpe_cpes(mapping, cm.content_sets[i]), *c;
		size_t k;

		if (!cpes) {
			ctx->host->log(ctx, CLARO_LOG_DEBUG,
				       "repository id %s is not in the repository-to-CPE mapping",
				       cm.content_sets[i]);
			continue;
		}
		json_array_foreach(cpes, k, c)
		{
			if (!json_is_string(c))
				continue;
			if ((st = add_pair(ctx, &l, cm.content_sets[i], json_string_value(c))) != CLARO_OK)
				break;
		}
	}
	if (st == CLARO_OK)
		st = report(ctx, &l, out);
	json_decref(mapping);
	repo_list_free(&l);
	content_manifest_free(&cm);
	return st;
}

static const struct claro_repository_scanner_ops repo_ops = {
    sizeof(struct claro_repository_scanner_ops),
    repo_scan,
};

const struct claro_component rhel_repository_scanner = {
    sizeof(struct claro_component),
    CLARO_KIND_REPOSITORY_SCANNER,
    0,
    "rhel-repository-scanner",
    "3",
    &repo_ops,
};
