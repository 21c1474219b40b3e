/* replay_main: runs a libFuzzer target (LLVMFuzzerTestOneInput) as a plain
 * program over seed files, so `make check` exercises every fuzz target with
 * the real inputs under ASan/UBSan/valgrind without needing libFuzzer.
 *
 *   fuzz_<parser> [FILE|DIR...]
 *
 * Without arguments it replays FUZZ_SEEDS, a space-separated list of paths
 * relative to $CLARO_TESTDATA set per target at compile time
 * (-DFUZZ_SEEDS='"pkgdb/apk images/foo.bin"'). Directories are walked
 * recursively. Each input is copied into a buffer of exactly its size (so a
 * sanitizer sees any overread) and the result is printed as TAP: a crash
 * stops the program, which the harness reports as a failure.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../tap.h"

#ifndef FUZZ_SEEDS
#define FUZZ_SEEDS ""
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct path_list {
	char **v;
	size_t n, cap;
};

static int add_path(struct path_list *l, const char *p)
{
	char *d;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if (!(d = malloc(strlen(p) + 1)))
		return -1;
	memcpy(d, p, strlen(p) + 1);
	l->v[l->n++] = d;
	return 0;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 2);

	if (s) {
		memcpy(s, a, la);
		s[la] = '/';
		memcpy(s + la + 1, b, lb + 1);
	}
	return s;
}

/* Regular files under path (or path itself); -1 on error. */
static int collect(struct path_list *l, const char *path)
{
	struct stat st;
	DIR *dir;
	struct dirent *de;
	int rc = 0;

	if (stat(path, &st) != 0) {
		diag("cannot stat %s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return add_path(l, path);
	if (!S_ISDIR(st.st_mode))
		return 0;
	if (!(dir = opendir(path))) {
		diag("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		char *sub;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (!(sub = join(path, de->d_name))) {
			rc = -1;
			break;
		}
		rc = collect(l, sub);
		free(sub);
	}
	closedir(dir);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the whole file into a buffer of exactly its size (NULL for 0 bytes). */
static int replay(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;
	int ok_read;

	if (!fp)
		return -1;
	if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
		fclose(fp);
		return -1;
	}
	if (size > 0 && !(buf = malloc((size_t)size))) {
		fclose(fp);
		return -1;
	}
	ok_read = size == 0 || fread(buf, 1, (size_t)size, fp) == (size_t)size;
	fclose(fp);
	if (ok_read)
		LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	return ok_read ? 0 : -1;
}

static int collect_defaults(struct path_list *l)
{
	const char *root = testdata_dir();
	char *seeds = malloc(strlen(FUZZ_SEEDS) + 1), *p, *save = NULL;
	int rc = 0;

	if (!seeds)
		return -1;
	memcpy(seeds, FUZZ_SEEDS, strlen(FUZZ_SEEDS) + 1);
	for (p = strtok_r(seeds, " ", &save); p && rc == 0; p = strtok_r(NULL, " ", &save)) {
		char *full = join(root, p);
		rc = full ? collect(l, full) : -1;
		free(full);
	}
	free(seeds);
	return rc;
}

int main(int argc, char **argv)
{
	struct path_list l = {NULL, 0, 0};
	int rc = 0;

	for (int i = 1; i < argc && rc == 0; i++)
		rc = collect(&l, argv[i]);
	if (argc == 1)
		rc = collect_defaults(&l);
	if (rc != 0 || l.n == 0) {
		printf("1..0 # SKIP no seed inputs found (is CLARO_TESTDATA set?)\n");
		rc = argc > 1; /* explicit paths must exist */
	} else {
		qsort(l.v, l.n, sizeof(*l.v), by_name);
		plan((int)l.n);
		for (size_t i = 0; i < l.n; i++)
			ok(replay(l.v[i]) == 0, "replayed %s", l.v[i]);
		rc = done_testing();
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	return rc;
}
