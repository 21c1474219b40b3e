/* The layer filesystem: path safety, symlink resolution, walk and glob over
 * any backend (see layerfs.h). SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "layerfs.h"
#include "strutil.h"

/* ---- small helpers ---- */

enum claro_status layer_names_add(struct layer_names *names, const char *name)
{
	char *copy;

	if (names->n == names->cap) {
		size_t cap = names->cap ? names->cap * 2 : 16;
		char **v = realloc(names->v, cap * sizeof(*v));
		if (!v)
			return CLARO_ERR_NOMEM;
		names->v = v;
		names->cap = cap;
	}
	copy = strdup(name);
	if (!copy)
		return CLARO_ERR_NOMEM;
	names->v[names->n++] = copy;
	return CLARO_OK;
}

void layer_names_free(struct layer_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i]);
	free(names->v);
	names->v = NULL;
	names->n = names->cap = 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum claro_status nomem(struct error *err)
{
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

/* "a" + "/" + "b", or just "b" when a is the root "". */
static char *path_join(const char *a, const char *b)
{
	return *a ? str_printf("%s/%s", a, b) : strdup(b);
}

/* Splits path on "/" into components, dropping empty ones and ".". */
static enum claro_status split_path(const char *path, struct layer_names *out)
{
	const char *p = path;

	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > 0 && !(len == 1 && p[0] == '.')) {
			char *c = str_ndup(p, len);
			enum claro_status st;

			if (!c)
				return CLARO_ERR_NOMEM;
			st = layer_names_add(out, c);
			free(c);
			if (st != CLARO_OK)
				return st;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	return CLARO_OK;
}

static enum claro_status check_length(const char *path, struct error *err)
{
	if (strlen(path) > LAYER_MAX_PATH) {
		error_set(err, CLARO_ERR_INVALID, "path too long");
		error_detail(err, "A path in a layer may be at most %d bytes; this one is %zu.",
			     LAYER_MAX_PATH, strlen(path));
		return CLARO_ERR_INVALID;
	}
	return CLARO_OK;
}

/* ---- layers ---- */

enum claro_status layer_create(const struct layer_ops *ops, void *impl, const char *digest,
			       struct claro_layer **out, struct error *err)
{
	struct claro_layer *layer = calloc(1, sizeof(*layer));

	if (!layer)
		return nomem(err);
	layer->ops = ops;
	layer->impl = impl;
	if (digest) {
		layer->digest = strdup(digest);
		if (!layer->digest) {
			free(layer);
			return nomem(err);
		}
	}
	*out = layer;
	return CLARO_OK;
}

void layer_free(struct claro_layer *layer)
{
	if (!layer)
		return;
	if (layer->ops && layer->ops->destroy)
		layer->ops->destroy(layer);
	free(layer->digest);
	free(layer);
}

const char *layer_digest(const struct claro_layer *layer)
{
	return layer ? layer->digest : NULL;
}

enum claro_status layer_normalize(const char *path, char **out, struct error *err)
{
	struct layer_names parts = {0};
	struct buf b = BUF_INIT(0);
	size_t keep = 0;
	enum claro_status st;

	*out = NULL;
	if ((st = check_length(path, err)) != CLARO_OK)
		return st;
	if (split_path(path, &parts) != CLARO_OK)
		goto oom;
	/* Apply ".." in place: it removes the previous kept component, or
	 * nothing at the root. */
	for (size_t i = 0; i < parts.n; i++) {
		if (strcmp(parts.v[i], "..") == 0) {
			if (keep > 0) {
				keep--;
				free(parts.v[keep]);
				parts.v[keep] = NULL;
			}
			free(parts.v[i]);
			parts.v[i] = NULL;
			continue;
		}
		if (keep != i) {
			parts.v[keep] = parts.v[i];
			parts.v[i] = NULL;
		}
		keep++;
	}
	for (size_t i = 0; i < keep; i++)
		if ((i && buf_puts(&b, "/") != CLARO_OK) || buf_puts(&b, parts.v[i]) != CLARO_OK)
			goto oom;
	layer_names_free(&parts);
	*out = buf_steal(&b);
	return *out ? CLARO_OK : nomem(err);
oom:
	layer_names_free(&parts);
	buf_free(&b);
	return nomem(err);
}

/* A stack of components still to resolve; the next one is at the end. */
static enum claro_status push_reversed(struct layer_names *stack, const char *path)
{
	struct layer_names parts = {0};
	enum claro_status st = split_path(path, &parts);

	for (size_t i = parts.n; st == CLARO_OK && i > 0; i--)
		st = layer_names_add(stack, parts.v[i - 1]);
	layer_names_free(&parts);
	return st;
}

static char *stack_pop(struct layer_names *stack)
{
	return stack->n ? stack->v[--stack->n] : NULL;
}

/* Drop the last component of a resolved path in place ("" stays ""). */
static void drop_last(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash)
		*slash = '\0';
	else
		path[0] = '\0';
}

static enum claro_status not_found(struct error *err, const char *asked, const char *why_path,
				   const char *why)
{
	error_set(err, CLARO_ERR_NOT_FOUND, "could not find \"%s\" in the layer", asked);
	error_detail(err, "\"%s\" %s.", why_path, why);
	return CLARO_ERR_NOT_FOUND;
}

/* Resolves path inside the layer (see layerfs.h). On success *out is the
 * symlink-free path and, if st is non-NULL, *st what the backend reports
 * about it (st->link_target owned by the caller). */
static enum claro_status resolve(struct claro_layer *layer, const char *path, int follow_final, char **out,
				 struct layer_stat *st_out, struct error *err)
{
	struct layer_names stack = {0};
	struct layer_stat st = {0};
	char *resolved = strdup(""), *comp = NULL;
	int hops = 0, have_st = 0;
	enum claro_status rc;

	*out = NULL;
	if (!resolved)
		return nomem(err);
	if ((rc = check_length(path, err)) != CLARO_OK)
		goto fail;
	if ((rc = push_reversed(&stack, path)) != CLARO_OK)
		goto oom;
	while ((comp = stack_pop(&stack)) != NULL) {
		int final = stack.n == 0;
		char *candidate;

		free(st.link_target);
		st.link_target = NULL;
		have_st = 0;
		if (strcmp(comp, "..") == 0) {
			drop_last(resolved);
			free(comp);
			continue;
		}
		candidate = path_join(resolved, comp);
		free(comp);
		comp = NULL;
		if (!candidate)
			goto oom;
		if (strlen(candidate) > LAYER_MAX_PATH) {
			free(candidate);
			error_set(err, CLARO_ERR_INVALID, "path too long");
			error_detail(err, "Resolving \"%s\" in the layer gives a path longer than %d bytes.",
				     path, LAYER_MAX_PATH);
			rc = CLARO_ERR_INVALID;
			goto fail;
		}
		rc = layer->ops->lstat(layer, candidate, &st, err);
		if (rc == CLARO_ERR_NOT_FOUND) {
			not_found(err, path, candidate, "does not exist");
			free(candidate);
			goto fail;
		}
		if (rc != CLARO_OK) {
			free(candidate);
			goto fail;
		}
		if (st.type == CLARO_FILE_SYMLINK && (!final || follow_final)) {
			free(candidate);
			if (++hops > LAYER_MAX_SYMLINKS) {
				error_set(err, CLARO_ERR_INVALID, "could not resolve \"%s\" in the layer",
					  path);
				error_detail(
				    err,
				    "More than %d symbolic links were followed; they probably form a loop.",
				    LAYER_MAX_SYMLINKS);
				rc = CLARO_ERR_INVALID;
				goto fail;
			}
			if (!st.link_target || !*st.link_target) {
				rc = not_found(err, path, "(empty symbolic link)", "points nowhere");
				goto fail;
			}
			if (st.link_target[0] == '/')
				resolved[0] = '\0';
			if (push_reversed(&stack, st.link_target) != CLARO_OK)
				goto oom;
			continue;
		}
		if (!final && st.type != CLARO_FILE_DIRECTORY) {
			not_found(err, path, candidate, "is not a directory");
			free(candidate);
			rc = CLARO_ERR_NOT_FOUND;
			goto fail;
		}
		free(resolved);
		resolved = candidate;
		have_st = 1;
	}
	if (!have_st) {
		/* The path ended in ".." (or was empty): ask about where we are. */
		free(st.link_target);
		st.link_target = NULL;
		rc = layer->ops->lstat(layer, resolved, &st, err);
		if (rc == CLARO_ERR_NOT_FOUND)
			rc = not_found(err, path, resolved, "does not exist");
		if (rc != CLARO_OK)
			goto fail;
	}
	layer_names_free(&stack);
	*out = resolved;
	if (st_out)
		*st_out = st;
	else
		free(st.link_target);
	return CLARO_OK;
oom:
	rc = nomem(err);
fail:
	free(comp);
	free(st.link_target);
	free(resolved);
	layer_names_free(&stack);
	return rc;
}

enum claro_status layer_resolve(struct claro_layer *layer, const char *path, int follow_final, char **out,
				struct error *err)
{
	return resolve(layer, path, follow_final, out, NULL, err);
}

static void fill_info(struct claro_file_info *info, const char *path, const struct layer_stat *st)
{
	memset(info, 0, sizeof(*info));
	info->struct_size = sizeof(*info);
	info->path = path;
	info->type = st->type;
	info->size = st->size;
	info->mode = st->mode;
	info->mtime = st->mtime;
	info->link_target = st->type == CLARO_FILE_SYMLINK ? st->link_target : NULL;
}

enum claro_status layer_stat(struct claro_layer *layer, const char *path, struct claro_file_info *info,
			     char **strings, struct error *err)
{
	struct layer_stat st = {0};
	char *resolved, *block;
	size_t plen, tlen;
	enum claro_status rc;

	*strings = NULL;
	rc = resolve(layer, path, 0, &resolved, &st, err);
	if (rc != CLARO_OK)
		return rc;
	/* One block holds both strings so the caller frees once. */
	plen = strlen(resolved) + 1;
	tlen = st.link_target ? strlen(st.link_target) + 1 : 0;
	block = malloc(plen + tlen);
	if (!block) {
		free(resolved);
		free(st.link_target);
		return nomem(err);
	}
	memcpy(block, resolved, plen);
	if (tlen)
		memcpy(block + plen, st.link_target, tlen);
	free(resolved);
	free(st.link_target);
	st.link_target = tlen ? block + plen : NULL;
	fill_info(info, block, &st);
	*strings = block;
	return CLARO_OK;
}

enum claro_status layer_open(struct claro_layer *layer, const char *path, struct claro_file **out,
			     struct error *err)
{
	struct layer_stat st = {0};
	struct claro_file *file;
	char *resolved;
	enum claro_status rc;

	*out = NULL;
	rc = resolve(layer, path, 1, &resolved, &st, err);
	if (rc != CLARO_OK)
		return rc;
	free(st.link_target);
	if (st.type != CLARO_FILE_REGULAR) {
		int dir = st.type == CLARO_FILE_DIRECTORY;
		error_set(err, dir ? CLARO_ERR_INVALID : CLARO_ERR_UNSUPPORTED,
			  "could not open \"%s\" in the layer", path);
		error_detail(err, "\"%s\" is %s.", resolved, dir ? "a directory" : "not a regular file");
		free(resolved);
		return err ? err->status : CLARO_ERR_INVALID;
	}
	file = calloc(1, sizeof(*file));
	if (!file) {
		free(resolved);
		return nomem(err);
	}
	file->layer = layer;
	file->path = resolved;
	rc = layer->ops->open(layer, resolved, &file->handle, &file->size, err);
	if (rc != CLARO_OK) {
		free(file->path);
		free(file);
		return rc;
	}
	*out = file;
	return CLARO_OK;
}

enum claro_status layer_pread(struct claro_file *file, void *buf, size_t n, uint64_t offset, size_t *got,
			      struct error *err)
{
	*got = 0;
	if (n == 0)
		return CLARO_OK;
	return file->layer->ops->pread(file->layer, file->handle, buf, n, offset, got, err);
}

void layer_close(struct claro_file *file)
{
	if (!file)
		return;
	file->layer->ops->close(file->layer, file->handle);
	free(file->path);
	free(file);
}

enum claro_status layer_read_all(struct claro_layer *layer, const char *path, size_t max,
				 unsigned char **data, size_t *len, struct error *err)
{
	struct claro_file *file;
	unsigned char *p;
	size_t total = 0;
	enum claro_status rc;

	*data = NULL;
	*len = 0;
	if (max == 0)
		max = LAYER_READ_ALL_DEFAULT_MAX;
	rc = layer_open(layer, path, &file, err);
	if (rc != CLARO_OK)
		return rc;
	if (file->size > max) {
		error_set(err, CLARO_ERR_TOO_LARGE, "could not read \"%s\" in the layer", path);
		error_detail(err, "The file is %llu bytes; the limit for this read is %zu bytes.",
			     (unsigned long long)file->size, max);
		layer_close(file);
		return CLARO_ERR_TOO_LARGE;
	}
	p = malloc((size_t)file->size + 1);
	if (!p) {
		layer_close(file);
		return nomem(err);
	}
	while (total < file->size) {
		size_t got;

		rc = layer_pread(file, p + total, (size_t)file->size - total, total, &got, err);
		if (rc != CLARO_OK) {
			free(p);
			layer_close(file);
			return rc;
		}
		if (got == 0)
			break; /* shrank under us: return what is there */
		total += got;
	}
	p[total] = '\0';
	layer_close(file);
	*data = p;
	*len = total;
	return CLARO_OK;
}

/* ---- glob matching ---- */

/* Dynamic programming over (pattern component, path component) so that many
 * "**" cannot blow up. prefix: instead of "path matches", answer "some path
 * strictly below path could match" (used to prune the walk). */
static int match_components(const struct layer_names *pat, const struct layer_names *path, int prefix)
{
	size_t np = pat->n, ns = path->n, w = ns + 1;
	unsigned char *dp = calloc((np + 1) * w, 1);
	int result;

	if (!dp)
		return prefix; /* out of memory: do not prune, do not match */
	for (size_t j = 0; j <= ns; j++)
		dp[np * w + j] = !prefix && j == ns;
	for (size_t i = np; i-- > 0;) {
		int globstar = strcmp(pat->v[i], "**") == 0;
		for (size_t j = ns + 1; j-- > 0;) {
			unsigned char v;
			if (j == ns && prefix)
				v = 1; /* more components below can still match p[i..] */
			else if (globstar)
				v = dp[(i + 1) * w + j] || (j < ns && dp[i * w + j + 1]);
			else
				v = j < ns && fnmatch(pat->v[i], path->v[j], 0) == 0 &&
				    dp[(i + 1) * w + j + 1];
			dp[i * w + j] = v;
		}
	}
	result = dp[0];
	free(dp);
	return result;
}

int layer_glob_match(const char *pattern, const char *path)
{
	struct layer_names p = {0}, s = {0};
	int m = 0;

	if (split_path(pattern, &p) == CLARO_OK && split_path(path, &s) == CLARO_OK)
		m = match_components(&p, &s, 0);
	layer_names_free(&p);
	layer_names_free(&s);
	return m;
}

/* ---- walking ---- */

struct walker {
	struct claro_layer *layer;
	layer_visit_fn fn;
	void *arg;
	const struct layer_names *pattern; /* glob: components below the start, or NULL */
	int stopped;
	struct error *err;
};

/* rel: the entry's path below the walk's start. */
static int glob_test(const struct walker *w, const char *rel, int prefix)
{
	struct layer_names s = {0};
	int m;

	if (!w->pattern)
		return 1;
	if (split_path(rel, &s) != CLARO_OK) {
		layer_names_free(&s);
		return prefix;
	}
	m = match_components(w->pattern, &s, prefix);
	layer_names_free(&s);
	return m;
}

static enum claro_status walk_dir(struct walker *w, const char *real, const char *shown, const char *rel,
				  int depth)
{
	struct layer_names names = {0};
	enum claro_status rc;

	if (depth > LAYER_MAX_DEPTH) {
		error_set(w->err, CLARO_ERR_TOO_LARGE, "could not walk \"%s\" in the layer", shown);
		error_detail(w->err, "Directories are nested more than %d levels deep.", LAYER_MAX_DEPTH);
		return CLARO_ERR_TOO_LARGE;
	}
	rc = w->layer->ops->list(w->layer, real, &names, w->err);
	if (rc != CLARO_OK)
		return rc;
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(*names.v), compare_names);
	for (size_t i = 0; i < names.n && !w->stopped && rc == CLARO_OK; i++) {
		struct layer_stat st = {0};
		char *r = path_join(real, names.v[i]), *s = path_join(shown, names.v[i]),
		     *l = path_join(rel, names.v[i]);

		if (!r || !s || !l) {
			rc = nomem(w->err);
		} else if ((rc = w->layer->ops->lstat(w->layer, r, &st, w->err)) == CLARO_ERR_NOT_FOUND) {
			rc = CLARO_OK; /* vanished while walking */
		} else if (rc == CLARO_OK) {
			if (glob_test(w, l, 0)) {
				struct claro_file_info info;
				fill_info(&info, s, &st);
				if (w->fn(&info, w->arg) != 0)
					w->stopped = 1;
			}
			if (!w->stopped && st.type == CLARO_FILE_DIRECTORY && glob_test(w, l, 1))
				rc = walk_dir(w, r, s, l, depth + 1);
		}
		free(st.link_target);
		free(r);
		free(s);
		free(l);
	}
	layer_names_free(&names);
	return rc;
}

static enum claro_status walk_from(struct walker *w, const char *dir)
{
	struct layer_stat st = {0};
	char *shown = NULL, *real = NULL;
	enum claro_status rc;

	rc = layer_normalize(dir, &shown, w->err);
	if (rc != CLARO_OK)
		return rc;
	rc = resolve(w->layer, dir, 1, &real, &st, w->err);
	free(st.link_target);
	if (rc == CLARO_OK && st.type != CLARO_FILE_DIRECTORY)
		rc = not_found(w->err, dir, real, "is not a directory");
	if (rc == CLARO_OK)
		rc = walk_dir(w, real, shown, "", 0);
	free(shown);
	free(real);
	return rc;
}

enum claro_status layer_walk(struct claro_layer *layer, const char *dir, layer_visit_fn fn, void *arg,
			     struct error *err)
{
	struct walker w = {layer, fn, arg, NULL, 0, err};

	return walk_from(&w, dir ? dir : "");
}

static int has_magic(const char *component)
{
	return strpbrk(component, "*?[\\") != NULL;
}

enum claro_status layer_glob(struct claro_layer *layer, const char *pattern, layer_visit_fn fn, void *arg,
			     struct error *err)
{
	struct layer_names parts = {0}, rest = {0};
	struct buf start = BUF_INIT(0);
	struct walker w = {layer, fn, arg, &rest, 0, err};
	size_t i;
	enum claro_status rc;

	if ((rc = check_length(pattern, err)) != CLARO_OK)
		return rc;
	if (split_path(pattern, &parts) != CLARO_OK)
		goto oom;
	for (i = 0; i < parts.n; i++) {
		if (strcmp(parts.v[i], "..") == 0) {
			layer_names_free(&parts);
			error_set(err, CLARO_ERR_INVALID, "invalid glob pattern \"%s\"", pattern);
			error_detail(
			    err,
			    "Glob patterns are matched below the layer root and may not contain \"..\".");
			return CLARO_ERR_INVALID;
		}
	}
	/* Walk only below the longest prefix without wildcards. */
	for (i = 0; i < parts.n && !has_magic(parts.v[i]); i++)
		if ((i && buf_puts(&start, "/") != CLARO_OK) || buf_puts(&start, parts.v[i]) != CLARO_OK)
			goto oom;
	if (i == parts.n) {
		/* No wildcard at all: the pattern names one path. */
		struct claro_file_info info;
		char *strings = NULL;

		rc = parts.n ? layer_stat(layer, start.data, &info, &strings, err) : CLARO_ERR_NOT_FOUND;
		if (rc == CLARO_OK)
			fn(&info, arg);
		free(strings);
		layer_names_free(&parts);
		buf_free(&start);
		if (rc == CLARO_ERR_NOT_FOUND) {
			error_clear(err);
			rc = CLARO_OK;
		}
		return rc;
	}
	for (size_t j = i; j < parts.n; j++)
		if (layer_names_add(&rest, parts.v[j]) != CLARO_OK)
			goto oom;
	rc = walk_from(&w, start.data ? start.data : "");
	if (rc == CLARO_ERR_NOT_FOUND) {
		/* A missing start directory simply matches nothing. */
		error_clear(err);
		rc = CLARO_OK;
	}
	layer_names_free(&parts);
	layer_names_free(&rest);
	buf_free(&start);
	return rc;
oom:
	layer_names_free(&parts);
	layer_names_free(&rest);
	buf_free(&start);
	return nomem(err);
}
