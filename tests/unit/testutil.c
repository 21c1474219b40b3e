/* Helpers for claro's C tests. SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strutil.h"
#include "testutil.h"

char *tu_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *templ = str_printf("%s/claro-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (templ && !mkdtemp(templ)) {
		printf("# mkdtemp(%s): %s\n", templ, strerror(errno));
		free(templ);
		return NULL;
	}
	return templ;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP) {
		chmod(path, 0700);
		return rmdir(path);
	}
	return unlink(path);
}

int tu_rmrf(const char *path)
{
	/* Directories made read-only by a test must become removable first. */
	chmod(path, 0700);
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

int tu_mkparents(const char *path)
{
	char *copy = strdup(path);

	if (!copy)
		return -1;
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
			printf("# mkdir(%s): %s\n", copy, strerror(errno));
			free(copy);
			return -1;
		}
		*p = '/';
	}
	free(copy);
	return 0;
}

static int write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int tu_write_file(const char *path, const char *content, mode_t mode)
{
	int fd;

	if (tu_mkparents(path) != 0)
		return -1;
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write_all(fd, content, strlen(content)) != 0 || fchmod(fd, mode) != 0) {
		printf("# write %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

int tu_copy_file(const char *src, const char *dst, mode_t mode)
{
	char buf[65536];
	int in, out, rc = 0;
	ssize_t n;

	if (tu_mkparents(dst) != 0)
		return -1;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		printf("# open %s: %s\n", src, strerror(errno));
		return -1;
	}
	unlink(dst);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		printf("# open %s: %s\n", dst, strerror(errno));
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, (size_t)n) != 0)
			rc = -1;
	if (n < 0 || fchmod(out, mode) != 0)
		rc = -1;
	close(in);
	if (close(out) != 0)
		rc = -1;
	return rc;
}

char *tu_read_file(const char *path)
{
	struct buf b = BUF_INIT(0);
	char chunk[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(&b, chunk, (size_t)n) != CLARO_OK)
			break;
	close(fd);
	return buf_steal(&b);
}

int tu_capture_begin(struct tu_capture *c)
{
	int fd;

	c->saved_fd = -1;
	c->path = NULL;
	char *dir = tu_mkdtemp();
	if (!dir)
		return -1;
	c->path = str_printf("%s/stderr", dir);
	free(dir);
	if (!c->path)
		return -1;
	fflush(stderr);
	fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	c->saved_fd = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	return 0;
}

char *tu_capture_end(struct tu_capture *c)
{
	char *text, *slash;

	fflush(stderr);
	if (c->saved_fd >= 0) {
		dup2(c->saved_fd, STDERR_FILENO);
		close(c->saved_fd);
		c->saved_fd = -1;
	}
	if (!c->path)
		return NULL;
	text = tu_read_file(c->path);
	unlink(c->path);
	slash = strrchr(c->path, '/');
	if (slash) {
		*slash = '\0';
		rmdir(c->path);
	}
	free(c->path);
	c->path = NULL;
	return text;
}

char *tu_builddir_path(const char *sub)
{
	const char *top = getenv("abs_top_builddir");

	if (!top || !*top)
		return NULL;
	return str_printf("%s/%s", top, sub);
}
