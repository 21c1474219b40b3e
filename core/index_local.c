/* In-process indexing for claroctl --local (see index_local.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fetch.h"
#include "index_local.h"
#include "indexer.h"
#include "layerfs_tar.h"
#include "manifest.h"
#include "registry.h"
#include "store.h"
#include "strutil.h"

/* The layer source: blobs through a fetcher that reads file:// too. */
static enum claro_status blob_open(void *impl, const struct manifest_layer *l, struct claro_layer **out,
				   void **handle, struct error *err)
{
	struct fetched_layer *fl = NULL;
	enum claro_status st = fetcher_get(impl, l->hash, l->uri, (const char *const *)l->headers, &fl, err);

	if (st != CLARO_OK)
		return st;
	if ((st = layer_open_tar(fetched_layer_fd(fl), l->hash, out, err)) != CLARO_OK) {
		fetched_layer_release(fl);
		return st;
	}
	*handle = fl;
	return CLARO_OK;
}

static void blob_close(void *impl, struct claro_layer *layer, void *handle)
{
	(void)impl;
	layer_free(layer);
	fetched_layer_release(handle);
}

/* mkdir -p of the directory holding path. */
static enum claro_status make_parent_dirs(const char *path, struct error *err)
{
	char *dir = str_dup(path), *p;

	if (!dir)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	p = strrchr(dir, '/');
	if (p && p != dir) {
		*p = '\0';
		for (p = dir + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST)
				break;
			*p = '/';
		}
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			error_set(err, CLARO_ERR_IO, "could not create the database directory");
			error_detail(err, "mkdir %s: %s.", dir, strerror(errno));
			error_hint(err, "Give --db PATH in a writable directory.");
			free(dir);
			return CLARO_ERR_IO;
		}
	}
	free(dir);
	return CLARO_OK;
}

static enum claro_status open_store(const struct config *cfg, struct store **s, struct error *err)
{
	struct store_params p;
	enum claro_status st;

	memset(&p, 0, sizeof(p));
	p.backend = cfg->backend;
	p.sqlite_path = cfg->sqlite_path;
	p.pg_keywords = (const char *const *)cfg->pg_keywords;
	p.pg_values = (const char *const *)cfg->pg_values;
	p.pg_expand_dbname = cfg->pg_expand_dbname;
	if (p.backend == STORE_SQLITE && p.sqlite_path &&
	    (st = make_parent_dirs(p.sqlite_path, err)) != CLARO_OK)
		return st;
	if ((st = store_open(s, &p, err)) != CLARO_OK)
		return st;
	if ((st = store_migrate(*s, err)) != CLARO_OK) {
		store_close(*s);
		*s = NULL;
	}
	return st;
}

enum claro_status local_session_open(struct local_session *ls, const struct config *cfg, struct error *err)
{
	enum claro_status st;

	memset(ls, 0, sizeof(*ls));
	if ((st = registry_load(&ls->reg, cfg, 0, err)) != CLARO_OK) {
		registry_free(&ls->reg);
		return st;
	}
	if ((st = open_store(cfg, &ls->store, err)) != CLARO_OK) {
		registry_free(&ls->reg);
		memset(ls, 0, sizeof(*ls));
	}
	return st;
}

void local_session_close(struct local_session *ls)
{
	store_close(ls->store);
	registry_free(&ls->reg);
	memset(ls, 0, sizeof(*ls));
}

enum claro_status local_session_index(struct local_session *ls, json_t *manifest, char **report,
				      struct error *err)
{
	struct manifest m;
	struct fetcher *f = NULL;
	struct fetcher_options fo;
	struct indexer ix;
	struct indexer_options io;
	char *text = json_dumps(manifest, JSON_COMPACT);
	enum claro_status st;

	*report = NULL;
	memset(&m, 0, sizeof(m));
	memset(&fo, 0, sizeof(fo));
	memset(&io, 0, sizeof(io));
	if (!text)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	st = manifest_parse(text, strlen(text), &m, err);
	free(text);
	if (st != CLARO_OK)
		return st;
	fo.allow_file = 1;
	io.allow_local_layers = 1;
	io.lock_timeout_ms = -1;
	if ((st = fetcher_new(&fo, &f, err)) == CLARO_OK) {
		indexer_init(&ix, &ls->reg, &io);
		ix.remote.open = blob_open;
		ix.remote.close = blob_close;
		ix.remote.impl = f;
		st = indexer_index(&ix, ls->store, &m, report, err);
		indexer_free(&ix); /* ix.fetcher is NULL: f is ours */
	}
	fetcher_free(f);
	manifest_free(&m);
	return st;
}

enum claro_status index_local_run(const struct config *cfg, json_t *manifest, char **report,
				  struct error *err)
{
	struct local_session ls;
	enum claro_status st;

	*report = NULL;
	if ((st = local_session_open(&ls, cfg, err)) != CLARO_OK)
		return st;
	st = local_session_index(&ls, manifest, report, err);
	local_session_close(&ls);
	return st;
}
