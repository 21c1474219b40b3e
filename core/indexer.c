/* The indexer controller (see indexer.h; reference §3.3, §3.5).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "indexer.h"
#include "fetch.h"
#include "indexreport.h"
#include "layerfs.h"
#include "layerfs_tar.h"
#include "log.h"
#include "sinks.h"
#include "store_artifacts.h"
#include "strutil.h"

/* One registered scanner of the current configuration. */
struct scanner {
	const struct component_ref *ref;
	enum claro_kind kind;
	int64_t id;
};

/* One distinct layer to open (FetchLayers). */
struct layer_fetch {
	size_t layer;
	enum claro_status status;
	struct error err;
};

/* One (layer, scanner) pair to scan. */
struct scan_job {
	size_t layer;   /* index into the run's distinct layers */
	size_t scanner; /* index into the run's scanners */
	struct claro_scan_result *result;
	enum claro_status status;
	struct error err;
};

/* Everything one indexer_index() call works with. */
struct run {
	const struct indexer *ix;
	struct store *s;
	const struct manifest *m;
	struct index_report *report;
	struct scanner *scanners;
	size_t n_scanners;
	const struct manifest_layer **layers; /* distinct layers, first occurrence order */
	size_t n_layers;
	struct claro_layer **open;   /* per distinct layer, NULL when not needed */
	void **handles;              /* the layer source's handle per open layer */
	struct layer_fetch *fetches; /* per distinct layer to open */
	size_t n_fetches;
	struct scan_job *jobs;
	size_t n_jobs;
	atomic_size_t next; /* the next item of a parallel() run */
	/* whiteouts: per manifest layer position, the whiteout paths it holds */
	struct store_strings *whiteouts;
	/* manifest_index rows collected while merging */
	int64_t (*index_rows)[3];
	size_t n_index_rows, cap_index_rows;
};

static const char *const scanner_kind_words[] = {NULL, "package", "distribution", "repository", "file"};

static enum claro_status nomem(struct error *err)
{
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

void indexer_init(struct indexer *ix, const struct registry *reg, const struct indexer_options *opt)
{
	memset(ix, 0, sizeof(*ix));
	ix->reg = reg;
	if (opt)
		ix->opt = *opt;
	else
		ix->opt.lock_timeout_ms = -1;
	if (ix->opt.scan_concurrency <= 0)
		ix->opt.scan_concurrency = INDEXER_DEFAULT_SCAN_CONCURRENCY;
}

void indexer_state(const struct indexer *ix, char out[33])
{
	registry_index_state(ix->reg, out);
}

/* ---- layer sources ---- */

/* "file:///abs", "file:/abs" or "file://localhost/abs" -> "/abs" */
static const char *file_uri_path(const char *uri)
{
	if (!str_has_prefix(uri, "file:"))
		return NULL;
	uri += 5;
	if (str_has_prefix(uri, "//localhost/"))
		uri += 11;
	else if (str_has_prefix(uri, "///"))
		uri += 2;
	return *uri == '/' ? uri : NULL;
}

static enum claro_status open_local(const struct manifest_layer *l, struct claro_layer **out,
				    struct error *err)
{
	const char *path = file_uri_path(l->uri);

	if (!path) {
		error_set(err, CLARO_ERR_INVALID, "could not open layer %s", l->hash);
		error_detail(
		    err, "A layer of media type %s needs a file: URI with an absolute path; it has \"%s\".",
		    MANIFEST_MEDIA_FILESYSTEM, l->uri);
		error_hint(err, "Use a URI such as file:///path/to/rootfs.");
		return CLARO_ERR_INVALID;
	}
	return layer_open_dir(path, l->hash, out, err);
}

static enum claro_status open_layer(const struct indexer *ix, const struct manifest_layer *l,
				    struct claro_layer **out, void **handle, struct error *err)
{
	if (manifest_layer_is_local(l)) {
		if (ix->opt.allow_local_layers)
			return open_local(l, out, err);
		error_set(err, CLARO_ERR_DENIED, "could not open layer %s", l->hash);
		error_detail(err,
			     "Layers of media type %s (local directories) are only indexed in local mode.",
			     MANIFEST_MEDIA_FILESYSTEM);
		error_hint(err, "Give the layer's blob URI, or index the directory with claroctl --local.");
		return CLARO_ERR_DENIED;
	}
	if (!ix->remote.open) {
		error_set(err, CLARO_ERR_UNSUPPORTED, "could not fetch layer %s", l->hash);
		error_detail(err, "Layer fetching is not available in this build.");
		error_hint(err, "Rebuild claro with the layer fetcher, or index local directories with "
				"claroctl --local.");
		return CLARO_ERR_UNSUPPORTED;
	}
	return ix->remote.open(ix->remote.impl, l, out, handle, err);
}

static void close_layer(const struct indexer *ix, const struct manifest_layer *l, struct claro_layer *layer,
			void *handle)
{
	if (!layer)
		return;
	if (!manifest_layer_is_local(l) && ix->remote.close)
		ix->remote.close(ix->remote.impl, layer, handle);
	else
		layer_free(layer);
}

/* ---- the HTTP layer source ---- */

static enum claro_status http_open(void *impl, const struct manifest_layer *l, struct claro_layer **out,
				   void **handle, struct error *err)
{
	struct fetched_layer *fl = NULL;
	enum claro_status st = fetcher_get(impl, l->hash, l->uri, (const char *const *)l->headers, &fl, err);

	if (st != CLARO_OK)
		return st;
	st = layer_open_tar(fetched_layer_fd(fl), l->hash, out, err);
	if (st != CLARO_OK) {
		fetched_layer_release(fl);
		return st;
	}
	*handle = fl; /* held while scanning, so concurrent users share the spool */
	return CLARO_OK;
}

static void http_close(void *impl, struct claro_layer *layer, void *handle)
{
	(void)impl;
	layer_free(layer);
	fetched_layer_release(handle);
}

enum claro_status indexer_use_http(struct indexer *ix, struct error *err)
{
	enum claro_status st = fetcher_new(NULL, &ix->fetcher, err);

	if (st != CLARO_OK)
		return st;
	ix->remote.open = http_open;
	ix->remote.close = http_close;
	ix->remote.impl = ix->fetcher;
	return CLARO_OK;
}

void indexer_free(struct indexer *ix)
{
	fetcher_free(ix->fetcher);
	ix->fetcher = NULL;
	memset(&ix->remote, 0, sizeof(ix->remote));
}

/* ---- report persistence ---- */

static enum claro_status persist(struct run *r, const char *state, struct error *err)
{
	char *json;
	enum claro_status st;

	if (state && (st = index_report_set_state(r->report, state, err)) != CLARO_OK)
		return st;
	json = index_report_dump(r->report);
	if (!json)
		return nomem(err);
	st = store_index_report_put(r->s, r->m->hash, json, err);
	free(json);
	return st;
}

/* ---- CheckManifest ---- */

static enum claro_status register_scanners(struct run *r, struct error *err)
{
	const struct registry *reg = r->ix->reg;
	size_t n = 0;

	for (int k = CLARO_KIND_PACKAGE_SCANNER; k <= CLARO_KIND_FILE_SCANNER; k++)
		n += registry_count(reg, (enum claro_kind)k);
	r->scanners = calloc(n ? n : 1, sizeof(*r->scanners));
	if (!r->scanners)
		return nomem(err);
	for (int k = CLARO_KIND_PACKAGE_SCANNER; k <= CLARO_KIND_FILE_SCANNER; k++) {
		for (size_t i = 0; i < registry_count(reg, (enum claro_kind)k); i++) {
			struct scanner *sc = &r->scanners[r->n_scanners];
			enum claro_status st;

			sc->ref = registry_at(reg, (enum claro_kind)k, i);
			sc->kind = (enum claro_kind)k;
			st = store_scanner_register(r->s, sc->ref->component->name,
						    sc->ref->component->version, scanner_kind_words[k],
						    &sc->id, err);
			if (st != CLARO_OK)
				return st;
			r->n_scanners++;
		}
	}
	return CLARO_OK;
}

static int64_t *scanner_ids(const struct run *r)
{
	int64_t *ids = calloc(r->n_scanners ? r->n_scanners : 1, sizeof(*ids));

	for (size_t i = 0; ids && i < r->n_scanners; i++)
		ids[i] = r->scanners[i].id;
	return ids;
}

/* *done = 1 with *report set when every current scanner already indexed m. */
static enum claro_status check_manifest(struct run *r, char **report, int *done, struct error *err)
{
	int64_t *ids = scanner_ids(r);
	int all = 0;
	enum claro_status st;

	*done = 0;
	if (!ids)
		return nomem(err);
	st = store_manifest_scanned(r->s, r->m->hash, ids, r->n_scanners, &all, err);
	free(ids);
	if (st != CLARO_OK || !all)
		return st;
	st = store_index_report_get(r->s, r->m->hash, report, err);
	if (st == CLARO_ERR_NOT_FOUND) { /* marks without a report: index again */
		error_clear(err);
		return CLARO_OK;
	}
	if (st == CLARO_OK)
		*done = 1;
	return st;
}

static enum claro_status distinct_layers(struct run *r, struct error *err)
{
	r->layers = calloc(r->m->n_layers, sizeof(*r->layers));
	r->open = calloc(r->m->n_layers, sizeof(*r->open));
	r->handles = calloc(r->m->n_layers, sizeof(*r->handles));
	r->fetches = calloc(r->m->n_layers, sizeof(*r->fetches));
	if (!r->layers || !r->open || !r->handles || !r->fetches)
		return nomem(err);
	for (size_t i = 0; i < r->m->n_layers; i++) {
		size_t j;
		for (j = 0; j < r->n_layers; j++)
			if (strcmp(r->layers[j]->hash, r->m->layers[i].hash) == 0)
				break;
		if (j == r->n_layers)
			r->layers[r->n_layers++] = &r->m->layers[i];
	}
	return CLARO_OK;
}

static enum claro_status store_manifest(struct run *r, struct error *err)
{
	const char **digests = calloc(r->m->n_layers, sizeof(*digests));
	enum claro_status st;

	if (!digests)
		return nomem(err);
	for (size_t i = 0; i < r->m->n_layers; i++)
		digests[i] = r->m->layers[i].hash;
	st = store_manifest_put(r->s, r->m->hash, digests, r->m->n_layers, NULL, err);
	free(digests);
	return st;
}

/* ---- FetchLayers ---- */

static enum claro_status plan_jobs(struct run *r, struct error *err)
{
	r->jobs = calloc(r->n_layers * r->n_scanners + 1, sizeof(*r->jobs));
	if (!r->jobs)
		return nomem(err);
	for (size_t l = 0; l < r->n_layers; l++) {
		for (size_t k = 0; k < r->n_scanners; k++) {
			int scanned = 0;
			enum claro_status st =
			    store_layer_scanned(r->s, r->layers[l]->hash, r->scanners[k].id, &scanned, err);
			if (st != CLARO_OK)
				return st;
			if (scanned)
				continue;
			r->jobs[r->n_jobs].layer = l;
			r->jobs[r->n_jobs].scanner = k;
			r->n_jobs++;
		}
	}
	return CLARO_OK;
}

/* Run fn(r, i) for i in [0, n) on up to max threads, the caller's among
 * them; a thread that cannot be created only lowers the parallelism. */
struct parallel_run {
	struct run *r;
	size_t n;
	void (*fn)(struct run *r, size_t i);
};

static void *parallel_worker(void *arg)
{
	struct parallel_run *p = arg;
	size_t i;

	while ((i = atomic_fetch_add(&p->r->next, 1)) < p->n)
		p->fn(p->r, i);
	return NULL;
}

static void parallel(struct run *r, size_t n, size_t max, void (*fn)(struct run *r, size_t i))
{
	struct parallel_run p = {r, n, fn};
	size_t want = max < n ? max : n, started = 0;
	pthread_t *threads = want > 1 ? calloc(want - 1, sizeof(*threads)) : NULL;

	atomic_store(&r->next, 0);
	for (size_t i = 0; threads && i + 1 < want; i++)
		if (pthread_create(&threads[started], NULL, parallel_worker, &p) == 0)
			started++;
	parallel_worker(&p);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}

static void fetch_one(struct run *r, size_t i)
{
	struct layer_fetch *f = &r->fetches[i];

	f->status =
	    open_layer(r->ix, r->layers[f->layer], &r->open[f->layer], &r->handles[f->layer], &f->err);
}

/* Open every layer some job needs, in parallel (Clair fetches a manifest's
 * layers concurrently, up to GOMAXPROCS). */
static enum claro_status fetch_layers(struct run *r, struct error *err)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	for (size_t l = 0; l < r->n_layers; l++) {
		for (size_t j = 0; j < r->n_jobs; j++) {
			if (r->jobs[j].layer == l) {
				r->fetches[r->n_fetches++].layer = l;
				break;
			}
		}
	}
	parallel(r, r->n_fetches, cpus > 0 ? (size_t)cpus : 1, fetch_one);
	for (size_t i = 0; i < r->n_fetches; i++) {
		if (r->fetches[i].status != CLARO_OK) {
			error_move(err, &r->fetches[i].err);
			return r->fetches[i].status;
		}
	}
	return CLARO_OK;
}

static void close_layers(struct run *r)
{
	for (size_t l = 0; r->open && l < r->n_layers; l++) {
		close_layer(r->ix, r->layers[l], r->open[l], r->handles[l]);
		r->open[l] = NULL;
	}
}

/* ---- ScanLayers ---- */

static claro_scan_fn scan_fn(const struct scanner *sc)
{
	const void *ops = sc->ref->component->ops;

	switch (sc->kind) {
	case CLARO_KIND_PACKAGE_SCANNER: return ((const struct claro_package_scanner_ops *)ops)->scan;
	case CLARO_KIND_DISTRIBUTION_SCANNER:
		return ((const struct claro_distribution_scanner_ops *)ops)->scan;
	case CLARO_KIND_REPOSITORY_SCANNER: return ((const struct claro_repository_scanner_ops *)ops)->scan;
	case CLARO_KIND_FILE_SCANNER: return ((const struct claro_file_scanner_ops *)ops)->scan;
	default: return NULL;
	}
}

static void run_job(struct run *r, size_t i)
{
	struct scan_job *job = &r->jobs[i];
	const struct scanner *sc = &r->scanners[job->scanner];
	struct plugin_call call;
	claro_scan_fn fn = scan_fn(sc);

	job->result = scan_result_new();
	if (!job->result) {
		job->status = nomem(&job->err);
		return;
	}
	plugin_call_begin(&call, sc->ref);
	job->status = plugin_call_end(&call, fn(&call.ctx, r->open[job->layer], job->result), &job->err);
}

static const struct claro_repository *default_repository(const struct scanner *sc)
{
	const struct claro_package_scanner_ops *ops = sc->ref->component->ops;

	if (sc->kind != CLARO_KIND_PACKAGE_SCANNER ||
	    ops->struct_size < offsetof(struct claro_package_scanner_ops, default_repository) +
				   sizeof(ops->default_repository))
		return NULL;
	return ops->default_repository;
}

/* The single writer: store every job's results in job order. */
static enum claro_status scan_layers(struct run *r, struct error *err)
{
	parallel(r, r->n_jobs, (size_t)r->ix->opt.scan_concurrency, run_job);
	for (size_t j = 0; j < r->n_jobs; j++) {
		struct scan_job *job = &r->jobs[j];
		const struct scanner *sc = &r->scanners[job->scanner];
		enum claro_status st;

		if (job->status != CLARO_OK) {
			error_move(err, &job->err);
			error_prefix(err, "could not scan layer %s with %s", r->layers[job->layer]->hash,
				     sc->ref->component->name);
			return job->status;
		}
		st = store_scan_artifacts_put(r->s, r->layers[job->layer]->hash, sc->id, job->result,
					      default_repository(sc), err);
		if (st != CLARO_OK)
			return st;
	}
	return CLARO_OK;
}

/* ---- whiteouts ---- */

static enum claro_status strings_add(struct store_strings *list, const char *str, struct error *err)
{
	char **v = realloc(list->v, (list->n + 1) * sizeof(*v));

	if (!v)
		return nomem(err);
	list->v = v;
	if (!(v[list->n] = str_dup(str)))
		return nomem(err);
	list->n++;
	return CLARO_OK;
}

/* The whiteout paths of every manifest layer, from every file scanner. */
static enum claro_status load_whiteouts(struct run *r, struct error *err)
{
	int64_t *ids = calloc(r->n_scanners + 1, sizeof(*ids));
	size_t n = 0;
	enum claro_status st = CLARO_OK;

	r->whiteouts = calloc(r->m->n_layers, sizeof(*r->whiteouts));
	if (!ids || !r->whiteouts) {
		free(ids);
		return nomem(err);
	}
	for (size_t k = 0; k < r->n_scanners; k++)
		if (r->scanners[k].kind == CLARO_KIND_FILE_SCANNER)
			ids[n++] = r->scanners[k].id;
	for (size_t l = 0; n && st == CLARO_OK && l < r->m->n_layers; l++) {
		struct claro_scan_result *res = scan_result_new();
		if (!res) {
			st = nomem(err);
			break;
		}
		st = store_scan_artifacts_get(r->s, r->m->layers[l].hash, ids, n, res, err);
		for (size_t i = 0; st == CLARO_OK && i < scan_result_n_files(res); i++) {
			const struct claro_file_record *f = scan_result_file(res, i);
			if (f->kind && strcmp(f->kind, CLARO_FILE_WHITEOUT) == 0 && f->path)
				st = strings_add(&r->whiteouts[l], f->path, err);
		}
		scan_result_free(res);
	}
	free(ids);
	return st;
}

/* 1 when the whiteout file wh ("dir/.wh.name" or "dir/.wh..wh..opq")
 * removes path (relative, no leading "/") from the layers below it. */
static int whiteout_removes(const char *wh, const char *path)
{
	const char *base = strrchr(wh, '/');
	size_t dirlen = base ? (size_t)(base - wh) : 0;
	const char *name = base ? base + 1 : wh;

	while (*path == '/')
		path++;
	while (*wh == '/') {
		wh++;
		dirlen = dirlen ? dirlen - 1 : 0;
	}
	if (dirlen && (strncmp(path, wh, dirlen) != 0 || path[dirlen] != '/'))
		return 0;
	path += dirlen ? dirlen + 1 : 0;
	if (strcmp(name, ".wh..wh..opq") == 0)
		return *path != '\0';
	if (strncmp(name, ".wh.", 4) != 0)
		return 0;
	name += 4;
	{
		size_t n = strlen(name);
		return strncmp(path, name, n) == 0 && (path[n] == '\0' || path[n] == '/');
	}
}

/* The path a package database names: "bdb:var/lib/rpm" -> "var/lib/rpm". */
static const char *package_db_path(const char *db)
{
	const char *colon = db ? strchr(db, ':') : NULL;

	if (!db)
		return NULL;
	if (colon && memchr(db, '/', (size_t)(colon - db)) == NULL)
		return colon + 1;
	return db;
}

static int removed_above(const struct run *r, size_t layer, const char *path)
{
	if (!path || !*path)
		return 0;
	for (size_t l = layer + 1; l < r->m->n_layers; l++)
		for (size_t i = 0; i < r->whiteouts[l].n; i++)
			if (whiteout_removes(r->whiteouts[l].v[i], path))
				return 1;
	return 0;
}

static int same_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The highest manifest layer whose artifacts (of this coalescer) hold pkg in
 * the same database: the layer a later whiteout must be above. */
static size_t last_seen(const struct claro_layer_artifacts *const *layers, size_t n_layers,
			const struct claro_package *pkg)
{
	size_t last = 0;

	for (size_t l = 0; l < n_layers; l++)
		for (size_t i = 0; i < layers[l]->n_packages; i++) {
			const struct claro_package *p = layers[l]->packages[i];
			if (same_str(p->name, pkg->name) && same_str(p->version, pkg->version) &&
			    same_str(p->package_db, pkg->package_db))
				last = l;
		}
	return last;
}

/* Clair's whiteout resolver (a package whose file is whited out above the
 * layer it lives in is gone) and, beyond Clair, the same for the package
 * database itself: a database deleted by a later layer takes its packages. */
static int whited_out(const struct run *r, const struct claro_layer_artifacts *const *layers, size_t n_layers,
		      const struct claro_package *pkg)
{
	size_t at = last_seen(layers, n_layers, pkg);

	return removed_above(r, at, pkg->filepath) || removed_above(r, at, package_db_path(pkg->package_db));
}

/* ---- Coalesce ---- */

static enum claro_status add_index_row(struct run *r, int64_t pkg, int64_t dist, int64_t repo,
				       struct error *err)
{
	if (r->n_index_rows == r->cap_index_rows) {
		size_t cap = r->cap_index_rows ? 2 * r->cap_index_rows : 64;
		void *p = realloc(r->index_rows, cap * sizeof(*r->index_rows));
		if (!p)
			return nomem(err);
		r->index_rows = p;
		r->cap_index_rows = cap;
	}
	r->index_rows[r->n_index_rows][0] = pkg;
	r->index_rows[r->n_index_rows][1] = dist;
	r->index_rows[r->n_index_rows][2] = repo;
	r->n_index_rows++;
	return CLARO_OK;
}

static const struct claro_package empty_source = {
    sizeof(struct claro_package), "", "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, {NULL, {0}}};

static enum claro_status merge_repositories(struct run *r, const struct claro_environment *env, int64_t **ids,
					    size_t *n, struct error *err)
{
	size_t count = 0;
	enum claro_status st = CLARO_OK;

	while (env->repositories && env->repositories[count])
		count++;
	*n = 0;
	*ids = calloc(count + 1, sizeof(**ids));
	if (!*ids)
		return nomem(err);
	for (size_t i = 0; st == CLARO_OK && i < count; i++) {
		st = store_repository_id(r->s, env->repositories[i], &(*ids)[i], err);
		if (st == CLARO_OK)
			st = index_report_add_repository(r->report, (*ids)[i], env->repositories[i], err);
		if (st == CLARO_OK)
			*n = i + 1;
	}
	return st;
}

/* One (package, environment) of a coalescer into the report. */
static enum claro_status merge_one(struct run *r, const struct claro_package *pkg,
				   const struct claro_environment *env, struct error *err)
{
	const struct claro_package *src = pkg->source ? pkg->source : &empty_source;
	int64_t pid = 0, sid = 0, did = 0, *repo_ids = NULL;
	size_t n_repos = 0;
	enum claro_status st;

	if ((st = store_package_id(r->s, pkg, &pid, err)) != CLARO_OK ||
	    (st = store_package_id(r->s, pkg->source, &sid, err)) != CLARO_OK ||
	    (st = index_report_add_package(r->report, pid, pkg, sid, src, err)) != CLARO_OK)
		return st;
	if (env->distribution) {
		st = store_distribution_id(r->s, env->distribution, &did, err);
		if (st == CLARO_OK)
			st = index_report_add_distribution(r->report, did, env->distribution, err);
		if (st != CLARO_OK)
			return st;
	}
	st = merge_repositories(r, env, &repo_ids, &n_repos, err);
	if (st == CLARO_OK)
		st = index_report_add_environment(r->report, pid, env->package_db, env->introduced_in, did,
						  repo_ids, n_repos, err);
	/* IndexManifest: one row per repository (or one without), plus the source */
	for (size_t i = 0; st == CLARO_OK && i < (n_repos ? n_repos : 1); i++)
		st = add_index_row(r, pid, did, n_repos ? repo_ids[i] : 0, err);
	if (st == CLARO_OK)
		st = add_index_row(r, sid, did, 0, err);
	free(repo_ids);
	return st;
}

/* The ids of the registered scanners a coalescer names (any kind). */
static enum claro_status coalescer_scanners(const struct run *r, const struct claro_coalescer_ops *ops,
					    int64_t **ids, size_t *n, struct error *err)
{
	*n = 0;
	*ids = calloc(r->n_scanners + 1, sizeof(**ids));
	if (!*ids)
		return nomem(err);
	for (size_t i = 0; ops->scanners && ops->scanners[i]; i++)
		for (size_t k = 0; k < r->n_scanners; k++)
			if (strcmp(r->scanners[k].ref->component->name, ops->scanners[i]) == 0)
				(*ids)[(*n)++] = r->scanners[k].id;
	return CLARO_OK;
}

/* Per manifest layer: the coalescer's view of one layer's artifacts. */
struct layer_view {
	struct claro_scan_result *res;
	struct claro_layer_artifacts art;
	const struct claro_package **pkgs;
	const struct claro_distribution **dists;
	const struct claro_repository **repos;
	const struct claro_file_record **files;
};

static void view_free(struct layer_view *v)
{
	scan_result_free(v->res);
	free(v->pkgs);
	free(v->dists);
	free(v->repos);
	free(v->files);
}

static enum claro_status view_load(struct run *r, size_t l, const int64_t *ids, size_t n,
				   struct layer_view *v, struct error *err)
{
	enum claro_status st;
	size_t np, nd, nr, nf;

	memset(v, 0, sizeof(*v));
	v->res = scan_result_new();
	if (!v->res)
		return nomem(err);
	st = store_scan_artifacts_get(r->s, r->m->layers[l].hash, ids, n, v->res, err);
	if (st != CLARO_OK)
		return st;
	np = scan_result_n_packages(v->res);
	nd = scan_result_n_distributions(v->res);
	nr = scan_result_n_repositories(v->res);
	nf = scan_result_n_files(v->res);
	v->pkgs = calloc(np + 1, sizeof(*v->pkgs));
	v->dists = calloc(nd + 1, sizeof(*v->dists));
	v->repos = calloc(nr + 1, sizeof(*v->repos));
	v->files = calloc(nf + 1, sizeof(*v->files));
	if (!v->pkgs || !v->dists || !v->repos || !v->files)
		return nomem(err);
	for (size_t i = 0; i < np; i++)
		v->pkgs[i] = scan_result_package(v->res, i);
	for (size_t i = 0; i < nd; i++)
		v->dists[i] = scan_result_distribution(v->res, i);
	for (size_t i = 0; i < nr; i++)
		v->repos[i] = scan_result_repository(v->res, i);
	for (size_t i = 0; i < nf; i++)
		v->files[i] = scan_result_file(v->res, i);
	v->art = (struct claro_layer_artifacts){
	    sizeof(v->art), r->m->layers[l].hash, v->pkgs, np, v->dists, nd, v->repos, nr, v->files, nf};
	return CLARO_OK;
}

static enum claro_status merge_builder(struct run *r, const struct claro_index_builder *b,
				       const struct claro_layer_artifacts *const *arts, struct error *err)
{
	enum claro_status st = CLARO_OK;

	for (size_t i = 0; st == CLARO_OK && i < index_builder_count(b); i++) {
		const struct claro_package *pkg = index_builder_package(b, i);

		if (whited_out(r, arts, r->m->n_layers, pkg))
			continue;
		st = merge_one(r, pkg, index_builder_environment(b, i), err);
	}
	return st;
}

static enum claro_status run_coalescer(struct run *r, const struct component_ref *ref, struct error *err)
{
	const struct claro_coalescer_ops *ops = ref->component->ops;
	size_t nl = r->m->n_layers, n_ids = 0, loaded = 0;
	struct layer_view *views = calloc(nl, sizeof(*views));
	const struct claro_layer_artifacts **arts = calloc(nl, sizeof(*arts));
	struct claro_index_builder *b = index_builder_new();
	int64_t *ids = NULL;
	enum claro_status st = (!views || !arts || !b) ? nomem(err) : CLARO_OK;

	if (st == CLARO_OK)
		st = coalescer_scanners(r, ops, &ids, &n_ids, err);
	for (size_t l = 0; st == CLARO_OK && l < nl; l++) {
		st = view_load(r, l, ids, n_ids, &views[l], err);
		loaded = l + 1;
		arts[l] = &views[l].art;
	}
	if (st == CLARO_OK) {
		struct plugin_call call;
		plugin_call_begin(&call, ref);
		st = plugin_call_end(&call, ops->coalesce(&call.ctx, arts, nl, b), err);
		if (st != CLARO_OK)
			error_prefix(err, "could not coalesce with %s", ref->component->name);
	}
	if (st == CLARO_OK)
		st = merge_builder(r, b, arts, err);
	for (size_t l = 0; l < loaded; l++)
		view_free(&views[l]);
	free(views);
	free(arts);
	free(ids);
	index_builder_free(b);
	return st;
}

static enum claro_status coalesce(struct run *r, struct error *err)
{
	enum claro_status st = load_whiteouts(r, err);

	for (size_t i = 0; st == CLARO_OK && i < registry_count(r->ix->reg, CLARO_KIND_COALESCER); i++)
		st = run_coalescer(r, registry_at(r->ix->reg, CLARO_KIND_COALESCER, i), err);
	return st;
}

/* ---- IndexManifest, IndexFinished ---- */

/* Commit when st is CLARO_OK, else roll back keeping the first error. */
static enum claro_status tx_end(struct store *s, enum claro_status st, struct error *err)
{
	struct error ignored = ERROR_INIT;

	if (st == CLARO_OK)
		return store_commit(s, err);
	if (store_tx_depth(s) > 0)
		store_rollback(s, &ignored);
	error_clear(&ignored);
	return st;
}

static enum claro_status index_manifest(struct run *r, struct error *err)
{
	enum claro_status st = store_begin(r->s, err);

	for (size_t i = 0; st == CLARO_OK && i < r->n_index_rows; i++)
		st = store_manifest_index_put(r->s, r->m->hash, r->index_rows[i][0], r->index_rows[i][1],
					      r->index_rows[i][2], err);
	return tx_end(r->s, st, err);
}

static enum claro_status index_finished(struct run *r, char **report, struct error *err)
{
	int64_t *ids = scanner_ids(r);
	enum claro_status st;

	if (!ids)
		return nomem(err);
	st = index_report_set_state(r->report, INDEX_STATE_INDEX_FINISHED, err);
	if (st == CLARO_OK)
		st = index_report_set_success(r->report, 1, err);
	if (st == CLARO_OK && !(*report = index_report_dump(r->report)))
		st = nomem(err);
	if (st == CLARO_OK)
		st = store_begin(r->s, err);
	if (st == CLARO_OK) {
		st = store_manifest_scanned_mark(r->s, r->m->hash, ids, r->n_scanners, err);
		if (st == CLARO_OK)
			st = store_index_report_put(r->s, r->m->hash, *report, err);
		st = tx_end(r->s, st, err);
	}
	free(ids);
	return st;
}

/* ---- the state machine ---- */

static enum claro_status run_states(struct run *r, char **report, struct error *err)
{
	enum claro_status st;
	int done = 0;

	if ((st = register_scanners(r, err)) != CLARO_OK ||
	    (st = check_manifest(r, report, &done, err)) != CLARO_OK || done)
		return st;
	if ((st = distinct_layers(r, err)) != CLARO_OK || (st = store_manifest(r, err)) != CLARO_OK ||
	    (st = persist(r, INDEX_STATE_CHECK_MANIFEST, err)) != CLARO_OK)
		return st;
	if ((st = persist(r, INDEX_STATE_FETCH_LAYERS, err)) != CLARO_OK ||
	    (st = plan_jobs(r, err)) != CLARO_OK || (st = fetch_layers(r, err)) != CLARO_OK)
		return st;
	if ((st = persist(r, INDEX_STATE_SCAN_LAYERS, err)) != CLARO_OK ||
	    (st = scan_layers(r, err)) != CLARO_OK)
		return st;
	close_layers(r);
	if ((st = persist(r, INDEX_STATE_COALESCE, err)) != CLARO_OK || (st = coalesce(r, err)) != CLARO_OK)
		return st;
	if ((st = persist(r, INDEX_STATE_INDEX_MANIFEST, err)) != CLARO_OK ||
	    (st = index_manifest(r, err)) != CLARO_OK)
		return st;
	return index_finished(r, report, err);
}

/* IndexError: store the failed report (best effort) and hand it back. */
static void record_failure(struct run *r, char **report, const struct error *err)
{
	struct error ignored = ERROR_INIT;
	char *text;

	if (!r->report)
		return;
	text = err->detail
		   ? str_printf("%s: %s", err->message ? err->message : "indexing failed", err->detail)
		   : str_dup(err->message ? err->message : "indexing failed");
	if (text && index_report_set_error(r->report, text, &ignored) == CLARO_OK) {
		free(*report);
		*report = index_report_dump(r->report);
		if (*report && store_tx_depth(r->s) == 0 &&
		    store_index_report_put(r->s, r->m->hash, *report, &ignored) != CLARO_OK)
			log_error(CLARO_LOG_WARNING, &ignored);
	}
	free(text);
	error_clear(&ignored);
}

static void run_free(struct run *r)
{
	close_layers(r);
	for (size_t j = 0; r->jobs && j < r->n_jobs; j++) {
		scan_result_free(r->jobs[j].result);
		error_clear(&r->jobs[j].err);
	}
	for (size_t l = 0; r->whiteouts && l < r->m->n_layers; l++)
		store_strings_free(&r->whiteouts[l]);
	free(r->whiteouts);
	free(r->jobs);
	free(r->layers);
	free(r->open);
	free(r->handles);
	for (size_t i = 0; r->fetches && i < r->n_fetches; i++)
		error_clear(&r->fetches[i].err);
	free(r->fetches);
	free(r->scanners);
	free(r->index_rows);
	index_report_free(r->report);
}

enum claro_status indexer_index(const struct indexer *ix, struct store *s, const struct manifest *m,
				char **report, struct error *err)
{
	struct run r;
	struct error unlock_err = ERROR_INIT;
	enum claro_status st;

	*report = NULL;
	memset(&r, 0, sizeof(r));
	r.ix = ix;
	r.s = s;
	r.m = m;
	st = store_lock(s, m->hash, ix->opt.lock_timeout_ms, err);
	if (st != CLARO_OK)
		return st;
	r.report = index_report_new(m->hash);
	st = r.report ? run_states(&r, report, err) : nomem(err);
	if (st != CLARO_OK) {
		free(*report);
		*report = NULL;
		record_failure(&r, report, err);
	}
	run_free(&r);
	if (store_unlock(s, m->hash, &unlock_err) != CLARO_OK)
		log_error(CLARO_LOG_WARNING, &unlock_err);
	error_clear(&unlock_err);
	return st;
}
