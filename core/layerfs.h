/* The layer filesystem behind the host's fs_* services.
 *
 * A layer is one image layer's file tree, read-only. Two kinds of backing
 * store share this interface through struct layer_ops: a directory holding an
 * unpacked root (layer_open_dir; also what "dir:PATH" input uses) and, later,
 * a spooled tar with an in-memory index. A backend only answers questions
 * about exact, normalised, symlink-free paths; everything that makes paths
 * safe lives here, once, for every backend:
 *
 *   - Paths are relative to the layer root. A leading "/" is ignored, "." and
 *     empty components are dropped, and ".." at the root stays at the root
 *     (as in a chroot), so no path names anything outside the layer.
 *   - Symbolic links are resolved here, component by component, against the
 *     layer itself: an absolute target restarts at the layer root, a relative
 *     one continues from the link's directory. Host symlinks are never
 *     followed by the kernel. More than LAYER_MAX_SYMLINKS hops is an error.
 *
 * Which calls follow a final symlink: layer_open and layer_read_all do;
 * layer_stat does not (it reports the link with its target, like lstat(2));
 * layer_walk and layer_glob report links as links and never descend through
 * them. Intermediate components are always followed.
 *
 * Order: layer_walk and layer_glob visit depth first, each directory's
 * entries sorted bytewise by name, a directory before its contents. Every
 * backend gives the same order because the sorting happens here.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_LAYERFS_H
#define CLARO_CORE_LAYERFS_H

#include <stddef.h>
#include <stdint.h>

#include <claro/plugin.h>

#include "error.h"

#define LAYER_MAX_SYMLINKS         40
#define LAYER_MAX_PATH             4096                  /* longest path accepted, in bytes */
#define LAYER_MAX_DEPTH            256                   /* deepest directory a walk descends into */
#define LAYER_READ_ALL_DEFAULT_MAX (64u * 1024u * 1024u) /* layer_read_all with max 0 */

/* What a backend reports about one path (never following a final symlink). */
struct layer_stat {
	enum claro_file_type type;
	uint64_t size;
	uint32_t mode; /* permission bits */
	int64_t mtime;
	char *link_target; /* symlinks: owned by the caller of ops->lstat */
};

/* Names of one directory's entries, as a backend hands them over. */
struct layer_names {
	char **v;
	size_t n;
	size_t cap;
};

/* A backend. Paths given to these functions are already normalised ("" is the
 * root, no leading "/", no "." or "..") and no component but possibly the last
 * is a symlink. Each function sets err on failure; CLARO_ERR_NOT_FOUND for a
 * missing path. */
struct layer_ops {
	const char *name; /* "dir", "tar" */
	enum claro_status (*lstat)(struct claro_layer *layer, const char *path, struct layer_stat *st,
				   struct error *err);
	/* Append the entry names of directory path (no "." or "..") with layer_names_add. */
	enum claro_status (*list)(struct claro_layer *layer, const char *path, struct layer_names *out,
				  struct error *err);
	/* Open a regular file; *handle is the backend's, *size its length. */
	enum claro_status (*open)(struct claro_layer *layer, const char *path, void **handle, uint64_t *size,
				  struct error *err);
	enum claro_status (*pread)(struct claro_layer *layer, void *handle, void *buf, size_t n,
				   uint64_t offset, size_t *got, struct error *err);
	void (*close)(struct claro_layer *layer, void *handle);
	void (*destroy)(struct claro_layer *layer);
};

/* A layer as the SDK sees it (struct claro_layer is opaque to plugins). */
struct claro_layer {
	const struct layer_ops *ops;
	char *digest; /* "sha256:..." or NULL */
	void *impl;   /* the backend's state */
};

/* An open file of a layer (opaque to plugins). */
struct claro_file {
	struct claro_layer *layer;
	void *handle;
	uint64_t size;
	char *path; /* resolved path, for error messages */
};

/* A directory-backed layer over an unpacked root. digest may be NULL. */
enum claro_status layer_open_dir(const char *root, const char *digest, struct claro_layer **out,
				 struct error *err);
/* For backends: wrap impl with ops (digest copied). On failure ops->destroy
 * is not called; the caller still owns impl. */
enum claro_status layer_create(const struct layer_ops *ops, void *impl, const char *digest,
			       struct claro_layer **out, struct error *err);
void layer_free(struct claro_layer *layer);
const char *layer_digest(const struct claro_layer *layer);

/* Lexical normalisation as described above. Caller frees *out. */
enum claro_status layer_normalize(const char *path, char **out, struct error *err);
/* Normalise and resolve symlinks; follow_final says whether a final symlink
 * is followed. *out is the symlink-free path inside the layer (caller frees). */
enum claro_status layer_resolve(struct claro_layer *layer, const char *path, int follow_final, char **out,
				struct error *err);

/* lstat(2) semantics for the final component. info->path and
 * info->link_target point into *strings, which the caller frees. */
enum claro_status layer_stat(struct claro_layer *layer, const char *path, struct claro_file_info *info,
			     char **strings, struct error *err);
enum claro_status layer_open(struct claro_layer *layer, const char *path, struct claro_file **out,
			     struct error *err);
/* pread(2): *got < n only at end of file. */
enum claro_status layer_pread(struct claro_file *file, void *buf, size_t n, uint64_t offset, size_t *got,
			      struct error *err);
void layer_close(struct claro_file *file);
/* The whole file, NUL-terminated (caller frees *data; *len excludes the NUL).
 * CLARO_ERR_TOO_LARGE if it is longer than max (0 = LAYER_READ_ALL_DEFAULT_MAX). */
enum claro_status layer_read_all(struct claro_layer *layer, const char *path, size_t max,
				 unsigned char **data, size_t *len, struct error *err);

/* Called per entry; info is borrowed until it returns. Non-zero stops the walk. */
typedef int (*layer_visit_fn)(const struct claro_file_info *info, void *arg);

/* Every entry under dir ("" = root; followed if a symlink). Paths are reported
 * as dir (normalised) + "/" + the entry's path below it. */
enum claro_status layer_walk(struct claro_layer *layer, const char *dir, layer_visit_fn fn, void *arg,
			     struct error *err);
/* Entries whose path matches pattern: fnmatch(3) per "/"-separated component;
 * a component "**" matches any number (zero or more) of components. */
enum claro_status layer_glob(struct claro_layer *layer, const char *pattern, layer_visit_fn fn, void *arg,
			     struct error *err);
/* 1 if path (normalised) matches pattern as layer_glob does. */
int layer_glob_match(const char *pattern, const char *path);

/* For backends' list(): append a copy of name. */
enum claro_status layer_names_add(struct layer_names *names, const char *name);
void layer_names_free(struct layer_names *names);

#endif /* CLARO_CORE_LAYERFS_H */
