/* Helpers for claro's C tests: temporary trees, files, capturing stderr
 * (where core/log.c writes), and where the build put the test plugins.
 * Functions return 0 on success, -1 on failure (with a TAP diag line).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLARO_TESTS_TESTUTIL_H
#define CLARO_TESTS_TESTUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* A fresh directory under $TMPDIR (or /tmp); caller frees the string. */
char *tu_mkdtemp(void);
/* rm -rf, without following symlinks. */
int tu_rmrf(const char *path);
/* mkdir -p of the directory part of path. */
int tu_mkparents(const char *path);
/* Create (or replace) a file with content, parents included. */
int tu_write_file(const char *path, const char *content, mode_t mode);
int tu_copy_file(const char *src, const char *dst, mode_t mode);
/* The whole file, NUL-terminated; NULL on error. Caller frees. */
char *tu_read_file(const char *path);

/* Redirect fd 2 into a temporary file until tu_capture_end, which returns
 * what was written (caller frees). */
struct tu_capture {
	int saved_fd;
	char *path;
};
int tu_capture_begin(struct tu_capture *c);
char *tu_capture_end(struct tu_capture *c);

/* $abs_top_builddir/<sub>, or NULL if the harness did not set
 * abs_top_builddir (callers skip_all then). Caller frees. */
char *tu_builddir_path(const char *sub);

#endif /* CLARO_TESTS_TESTUTIL_H */
