/* The directory backend of the layer filesystem: an unpacked root on the host
 * (also what "dir:PATH" input uses). Every lookup walks from the root's file
 * descriptor one component at a time with O_NOFOLLOW, so the kernel never
 * follows a symlink and nothing outside the root is reachable even if the
 * tree changes under us; layerfs.c resolves links inside the layer.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layerfs.h"
#include "strutil.h"

struct dir_layer {
	int rootfd;
	char *root;
};

struct dir_file {
	int fd;
};

static enum claro_status errno_error(struct error *err, int errnum, const char *what, const char *path)
{
	enum claro_status st;

	switch (errnum) {
	case ENOENT:
	case ENOTDIR:
	case ELOOP: /* a symlink where layerfs.c saw none: the tree changed */
		st = CLARO_ERR_NOT_FOUND;
		break;
	case ENOMEM: st = CLARO_ERR_NOMEM; break;
	case EACCES:
	case EPERM: st = CLARO_ERR_DENIED; break;
	default: st = CLARO_ERR_IO;
	}
	error_set(err, st, "could not %s \"%s\" in the layer", what, path);
	error_detail(err, "%s.", strerror(errnum));
	return st;
}

/* Opens the directory holding path's last component; *last points into path.
 * Returns the fd to close, or -1 with errno set. */
static int open_parent(const struct dir_layer *d, const char *path, const char **last)
{
	const char *p = path, *slash;
	int fd = dup(d->rootfd);

	while (fd >= 0 && (slash = strchr(p, '/')) != NULL) {
		char *name = str_ndup(p, (size_t)(slash - p));
		int next;

		if (!name) {
			close(fd);
			errno = ENOMEM;
			return -1;
		}
		next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		free(name);
		close(fd);
		fd = next;
		p = slash + 1;
	}
	*last = p;
	return fd;
}

static enum claro_file_type file_type(mode_t mode)
{
	if (S_ISREG(mode))
		return CLARO_FILE_REGULAR;
	if (S_ISDIR(mode))
		return CLARO_FILE_DIRECTORY;
	if (S_ISLNK(mode))
		return CLARO_FILE_SYMLINK;
	return CLARO_FILE_OTHER;
}

static char *read_link(int dirfd, const char *name, size_t hint)
{
	size_t size = hint + 1 < 64 ? 64 : hint + 1;

	while (size <= LAYER_MAX_PATH + 1) {
		char *target = malloc(size);
		ssize_t n;

		if (!target)
			return NULL;
		n = readlinkat(dirfd, name, target, size);
		if (n < 0) {
			free(target);
			return NULL;
		}
		if ((size_t)n < size) {
			target[n] = '\0';
			return target;
		}
		free(target);
		size *= 2;
	}
	errno = ENAMETOOLONG;
	return NULL;
}

static enum claro_status dir_lstat(struct claro_layer *layer, const char *path, struct layer_stat *out,
				   struct error *err)
{
	const struct dir_layer *d = layer->impl;
	const char *last = "";
	struct stat sb;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	if (*path == '\0') {
		if (fstat(d->rootfd, &sb) != 0)
			return errno_error(err, errno, "stat", "/");
		fd = -1;
	} else {
		fd = open_parent(d, path, &last);
		if (fd < 0)
			return errno_error(err, errno, "stat", path);
		rc = fstatat(fd, last, &sb, AT_SYMLINK_NOFOLLOW);
		if (rc != 0) {
			int e = errno;
			close(fd);
			return errno_error(err, e, "stat", path);
		}
	}
	out->type = file_type(sb.st_mode);
	out->size =
	    out->type == CLARO_FILE_REGULAR || out->type == CLARO_FILE_SYMLINK ? (uint64_t)sb.st_size : 0;
	out->mode = (uint32_t)(sb.st_mode & 07777);
	out->mtime = (int64_t)sb.st_mtime;
	if (out->type == CLARO_FILE_SYMLINK) {
		out->link_target = read_link(fd, last, (size_t)sb.st_size);
		if (!out->link_target) {
			int e = errno;
			close(fd);
			return errno_error(err, e, "read the symbolic link", path);
		}
	}
	if (fd >= 0)
		close(fd);
	return CLARO_OK;
}

static enum claro_status dir_list(struct claro_layer *layer, const char *path, struct layer_names *out,
				  struct error *err)
{
	const struct dir_layer *d = layer->impl;
	const char *last;
	struct dirent *de;
	DIR *dir;
	int fd, parent;

	if (*path == '\0') {
		fd = openat(d->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		parent = open_parent(d, path, &last);
		if (parent < 0)
			return errno_error(err, errno, "list", path);
		fd = openat(parent, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(parent);
	}
	if (fd < 0)
		return errno_error(err, errno, "list", path);
	dir = fdopendir(fd);
	if (!dir) {
		int e = errno;
		close(fd);
		return errno_error(err, e, "list", path);
	}
	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (layer_names_add(out, de->d_name) != CLARO_OK) {
			closedir(dir);
			return error_set(err, CLARO_ERR_NOMEM, "out of memory");
		}
		errno = 0;
	}
	if (errno != 0) {
		int e = errno;
		closedir(dir);
		return errno_error(err, e, "list", path);
	}
	closedir(dir);
	return CLARO_OK;
}

static enum claro_status dir_open(struct claro_layer *layer, const char *path, void **handle, uint64_t *size,
				  struct error *err)
{
	const struct dir_layer *d = layer->impl;
	struct dir_file *f;
	const char *last;
	struct stat sb;
	int parent, fd;

	parent = open_parent(d, path, &last);
	if (parent < 0)
		return errno_error(err, errno, "open", path);
	/* O_NONBLOCK: a FIFO must not block us; it is refused below anyway. */
	fd = openat(parent, last, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(parent);
	if (fd < 0)
		return errno_error(err, errno, "open", path);
	if (fstat(fd, &sb) != 0) {
		int e = errno;
		close(fd);
		return errno_error(err, e, "open", path);
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		error_set(err, CLARO_ERR_UNSUPPORTED, "could not open \"%s\" in the layer", path);
		error_detail(err, "It is not a regular file.");
		return CLARO_ERR_UNSUPPORTED;
	}
	f = malloc(sizeof(*f));
	if (!f) {
		close(fd);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	f->fd = fd;
	*handle = f;
	*size = (uint64_t)sb.st_size;
	return CLARO_OK;
}

static enum claro_status dir_pread(struct claro_layer *layer, void *handle, void *buf, size_t n,
				   uint64_t offset, size_t *got, struct error *err)
{
	struct dir_file *f = handle;
	size_t total = 0;

	while (total < n) {
		ssize_t r = pread(f->fd, (char *)buf + total, n - total, (off_t)(offset + total));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*got = total;
			return errno_error(err, errno, "read", "(open file)");
		}
		if (r == 0)
			break;
		total += (size_t)r;
	}
	*got = total;
	return CLARO_OK;
}

static void dir_close(struct claro_layer *layer, void *handle)
{
	struct dir_file *f = handle;

	if (f) {
		close(f->fd);
		free(f);
	}
}

static void dir_destroy(struct claro_layer *layer)
{
	struct dir_layer *d = layer->impl;

	if (d) {
		close(d->rootfd);
		free(d->root);
		free(d);
	}
	layer->impl = NULL;
}

static const struct layer_ops dir_ops = {
    "dir", dir_lstat, dir_list, dir_open, dir_pread, dir_close, dir_destroy,
};

enum claro_status layer_open_dir(const char *root, const char *digest, struct claro_layer **out,
				 struct error *err)
{
	struct dir_layer *d;
	enum claro_status rc;
	int fd;

	*out = NULL;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		enum claro_status st = e == ENOENT || e == ENOTDIR ? CLARO_ERR_NOT_FOUND : CLARO_ERR_IO;
		error_set(err, st, "could not open layer directory \"%s\"", root);
		error_detail(err, "%s.", strerror(e));
		error_hint(err, "Give the path of an unpacked root filesystem.");
		return st;
	}
	d = calloc(1, sizeof(*d));
	if (!d || !(d->root = strdup(root))) {
		free(d);
		close(fd);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	d->rootfd = fd;
	rc = layer_create(&dir_ops, d, digest, out, err);
	if (rc != CLARO_OK) {
		close(fd);
		free(d->root);
		free(d);
	}
	return rc;
}
