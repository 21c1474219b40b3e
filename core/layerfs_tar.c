/* The tar backend of the layer filesystem: answers exact-path questions from
 * the tar index and reads file data with pread from the spooled tar. Path
 * safety and symlinks are layerfs.c's; hardlinks were resolved by the index.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layerfs_tar.h"
#include "tarindex.h"

struct tar_layer {
	int fd;
	struct tarindex *ix;
};

struct tar_file {
	uint64_t offset;
	uint64_t size;
};

static enum claro_status nomem(struct error *err)
{
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

static const struct tarindex_entry *find(const struct tar_layer *t, const char *path, const char *what,
					 struct error *err)
{
	const struct tarindex_entry *e = tarindex_find(t->ix, path);

	if (!e) {
		error_set(err, CLARO_ERR_NOT_FOUND, "could not %s \"%s\" in the layer", what, path);
		error_detail(err, "The layer's tar has no such entry.");
	}
	return e;
}

static enum claro_status tar_lstat(struct claro_layer *layer, const char *path, struct layer_stat *out,
				   struct error *err)
{
	const struct tar_layer *t = layer->impl;
	const struct tarindex_entry *e = find(t, path, "stat", err);
	const char *link;

	memset(out, 0, sizeof(*out));
	if (!e)
		return CLARO_ERR_NOT_FOUND;
	out->type = (enum claro_file_type)e->type;
	out->mode = e->mode;
	out->mtime = e->mtime;
	out->size = e->size;
	link = tarindex_link(t->ix, e);
	if (e->type == CLARO_FILE_SYMLINK) {
		out->link_target = strdup(link ? link : "");
		if (!out->link_target)
			return nomem(err);
		out->size = strlen(out->link_target);
	}
	return CLARO_OK;
}

static enum claro_status tar_list(struct claro_layer *layer, const char *path, struct layer_names *out,
				  struct error *err)
{
	const struct tar_layer *t = layer->impl;
	const struct tarindex_entry *e = find(t, path, "list", err);
	size_t plen = strlen(path), i, n = tarindex_count(t->ix);
	char *prefix;

	if (!e)
		return CLARO_ERR_NOT_FOUND;
	if (e->type != CLARO_FILE_DIRECTORY) {
		error_set(err, CLARO_ERR_NOT_FOUND, "could not list \"%s\" in the layer", path);
		error_detail(err, "It is not a directory.");
		return CLARO_ERR_NOT_FOUND;
	}
	/* Children of "a" are the entries "a/<name>"; the root's have no "/". */
	prefix = malloc(plen + 2);
	if (!prefix)
		return nomem(err);
	memcpy(prefix, path, plen);
	if (plen)
		prefix[plen++] = '/';
	prefix[plen] = '\0';
	i = plen ? tarindex_lower_bound(t->ix, prefix, plen) : 1;
	while (i < n) {
		const char *name = tarindex_name(t->ix, tarindex_at(t->ix, i));
		const char *child, *slash;

		if (strncmp(name, prefix, plen) != 0)
			break;
		child = name + plen;
		slash = strchr(child, '/');
		if (!slash) {
			if (layer_names_add(out, child) != CLARO_OK) {
				free(prefix);
				return nomem(err);
			}
			i++;
			continue;
		}
		/* Skip the grandchildren: jump past every name starting "<child>/",
		 * i.e. to the first name >= "<child>0" ('0' follows '/'). */
		{
			size_t klen = (size_t)(slash - name) + 1;
			char *key = malloc(klen + 1);

			if (!key) {
				free(prefix);
				return nomem(err);
			}
			memcpy(key, name, klen);
			key[klen - 1] = '/' + 1;
			key[klen] = '\0';
			i = tarindex_lower_bound(t->ix, key, klen);
			free(key);
		}
	}
	free(prefix);
	return CLARO_OK;
}

static enum claro_status tar_open(struct claro_layer *layer, const char *path, void **handle, uint64_t *size,
				  struct error *err)
{
	const struct tar_layer *t = layer->impl;
	const struct tarindex_entry *e = find(t, path, "open", err);
	struct tar_file *f;

	if (!e)
		return CLARO_ERR_NOT_FOUND;
	if (e->type != CLARO_FILE_REGULAR) {
		error_set(err, CLARO_ERR_UNSUPPORTED, "could not open \"%s\" in the layer", path);
		error_detail(err, (e->flags & TARINDEX_DANGLING)
				      ? "It is a hardlink to an entry the tar does not hold."
				      : "It is not a regular file.");
		return CLARO_ERR_UNSUPPORTED;
	}
	f = malloc(sizeof(*f));
	if (!f)
		return nomem(err);
	f->offset = e->offset;
	f->size = e->size;
	*handle = f;
	*size = e->size;
	return CLARO_OK;
}

static enum claro_status tar_pread(struct claro_layer *layer, void *handle, void *buf, size_t n,
				   uint64_t offset, size_t *got, struct error *err)
{
	const struct tar_layer *t = layer->impl;
	const struct tar_file *f = handle;
	size_t total = 0;

	*got = 0;
	if (offset >= f->size)
		return CLARO_OK;
	if (n > f->size - offset)
		n = (size_t)(f->size - offset);
	while (total < n) {
		ssize_t r = pread(t->fd, (char *)buf + total, n - total, (off_t)(f->offset + offset + total));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*got = total;
			error_set(err, CLARO_ERR_IO, "could not read a file of the layer");
			error_detail(err, "%s.", strerror(errno));
			return CLARO_ERR_IO;
		}
		if (r == 0) {
			/* The index checked the sizes: the spool file shrank. */
			*got = total;
			error_set(err, CLARO_ERR_IO, "could not read a file of the layer");
			error_detail(err, "The layer's spooled tar ended early.");
			return CLARO_ERR_IO;
		}
		total += (size_t)r;
	}
	*got = total;
	return CLARO_OK;
}

static void tar_close(struct claro_layer *layer, void *handle)
{
	free(handle);
}

static void tar_destroy(struct claro_layer *layer)
{
	struct tar_layer *t = layer->impl;

	if (t) {
		close(t->fd);
		tarindex_free(t->ix);
		free(t);
	}
	layer->impl = NULL;
}

static const struct layer_ops tar_ops = {
    "tar", tar_lstat, tar_list, tar_open, tar_pread, tar_close, tar_destroy,
};

enum claro_status layer_open_tar(int fd, const char *digest, struct claro_layer **out, struct error *err)
{
	struct tar_layer *t;
	enum claro_status rc;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return nomem(err);
	t->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (t->fd < 0) {
		int e = errno;
		free(t);
		error_set(err, CLARO_ERR_IO, "could not open the layer's tar file");
		error_detail(err, "%s.", strerror(e));
		return CLARO_ERR_IO;
	}
	rc = tarindex_build(t->fd, &t->ix, err);
	if (rc == CLARO_OK)
		rc = layer_create(&tar_ops, t, digest, out, err);
	if (rc != CLARO_OK) {
		if (digest)
			error_prefix(err, "layer %s", digest);
		close(t->fd);
		tarindex_free(t->ix);
		free(t);
	}
	return rc;
}
