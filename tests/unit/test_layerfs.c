/* The layer filesystem over a directory: path normalisation, symlinks
 * resolved inside the root (never on the host), stat/open/pread/read_all,
 * walk order and glob. SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "layerfs.h"
#include "strutil.h"
#include "testutil.h"

static char *tmp, *root;

#define ROOT_OS_RELEASE "ID=alpha\nVERSION_ID=3\n"
#define USR_OS_RELEASE  "ID=alpha\nVERSION_ID=3\nPRETTY_NAME=\"Alpha 3\"\n"

static void mk(const char *rel, const char *content)
{
	char *p = str_printf("%s/%s", root, rel);
	if (tu_write_file(p, content, 0644) != 0)
		printf("Bail out! cannot write %s\n", p);
	free(p);
}

static void ln(const char *target, const char *rel)
{
	char *p = str_printf("%s/%s", root, rel);
	tu_mkparents(p);
	if (symlink(target, p) != 0)
		printf("Bail out! cannot link %s\n", p);
	free(p);
}

/* The test tree; "outside.txt" sits next to the root, on the host. */
static void build_tree(void)
{
	char *outside = str_printf("%s/outside.txt", tmp), *fifo;

	tu_write_file(outside, "SECRET on the host\n", 0644);
	free(outside);
	mk("etc/os-release", ROOT_OS_RELEASE);
	mk("usr/lib/os-release", USR_OS_RELEASE);
	mk("usr/lib/libz.so.1", "ELF?");
	mk("dir/a", "a");
	mk("dir/b/c", "c");
	mk("dir/b/.wh.gone", "");
	mk("dir/z", "zz");
	mk("dir.txt", "sorts after dir/ entries in a depth-first walk");
	ln("usr/lib", "lib");                          /* relative, to a directory */
	ln("/etc", "abs");                             /* absolute: means the layer's /etc */
	ln("../../../../../../outside.txt", "escape"); /* climbs above the root */
	ln("../outside.txt", "out");                   /* would be the host file */
	ln("/etc/passwd", "hostpasswd");               /* exists on the host, not in the layer */
	ln("loop2", "loop1");
	ln("loop1", "loop2");
	ln("../usr/lib/os-release", "etc/alt-release"); /* like Debian's os-release link */
	fifo = str_printf("%s/fifo", root);
	mkfifo(fifo, 0644);
	free(fifo);
}

static void test_normalize(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"", ""},
	    {"/", ""},
	    {"etc/os-release", "etc/os-release"},
	    {"/etc//./os-release", "etc/os-release"},
	    {"../../etc/passwd", "etc/passwd"},
	    {"a/b/../c/./", "a/c"},
	    {"a/../../..", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		struct error err = ERROR_INIT;
		is_int(layer_normalize(cases[i].in, &out, &err), CLARO_OK, "normalize \"%s\"", cases[i].in);
		is_str(out, cases[i].out, "  gives \"%s\"", cases[i].out);
		free(out);
	}
}

static void expect_read(struct claro_layer *layer, const char *path, const char *want)
{
	struct error err = ERROR_INIT;
	unsigned char *data = NULL;
	size_t len = 0;
	enum claro_status st = layer_read_all(layer, path, 0, &data, &len, &err);

	is_int(st, CLARO_OK, "read_all %s", path);
	if (st != CLARO_OK)
		diag("%s: %s", err.message, err.detail ? err.detail : "");
	is_str((char *)data, want, "  content of %s", path);
	is_int(len, strlen(want), "  length of %s", path);
	free(data);
	error_clear(&err);
}

static void expect_status(struct claro_layer *layer, const char *path, enum claro_status want,
			  const char *detail_part)
{
	struct error err = ERROR_INIT;
	unsigned char *data = NULL;
	size_t len = 0;

	is_int(layer_read_all(layer, path, 0, &data, &len, &err), want, "read_all %s fails with %s", path,
	       status_name(want));
	ok(data == NULL, "  and returns no data");
	if (detail_part)
		like(err.detail, detail_part, "  detail says why");
	free(data);
	error_clear(&err);
}

static void test_resolution(struct claro_layer *layer)
{
	struct error err = ERROR_INIT;
	char *r = NULL;

	expect_read(layer, "etc/os-release", ROOT_OS_RELEASE);
	expect_read(layer, "/etc/os-release", ROOT_OS_RELEASE);
	expect_read(layer, "../../../etc/os-release", ROOT_OS_RELEASE);
	expect_read(layer, "lib/os-release", USR_OS_RELEASE);
	expect_read(layer, "abs/os-release", ROOT_OS_RELEASE);
	expect_read(layer, "etc/alt-release", USR_OS_RELEASE);
	/* ".." after a symlinked directory applies to where the link led. */
	expect_read(layer, "lib/../lib/os-release", USR_OS_RELEASE);
	expect_read(layer, "abs/../usr/lib/os-release", USR_OS_RELEASE);

	expect_status(layer, "escape", CLARO_ERR_NOT_FOUND, "outside.txt\" does not exist");
	expect_status(layer, "out", CLARO_ERR_NOT_FOUND, "outside.txt\" does not exist");
	expect_status(layer, "hostpasswd", CLARO_ERR_NOT_FOUND, "\"etc/passwd\" does not exist");
	expect_status(layer, "loop1", CLARO_ERR_INVALID, "symbolic links were followed");
	expect_status(layer, "etc/os-release/x", CLARO_ERR_NOT_FOUND, "is not a directory");
	expect_status(layer, "dir", CLARO_ERR_INVALID, "is a directory");
	expect_status(layer, "fifo", CLARO_ERR_UNSUPPORTED, "not a regular file");
	expect_status(layer, "nope", CLARO_ERR_NOT_FOUND, "does not exist");

	is_int(layer_resolve(layer, "lib/os-release", 1, &r, &err), CLARO_OK, "resolve lib/os-release");
	is_str(r, "usr/lib/os-release", "  to usr/lib/os-release");
	free(r);
	is_int(layer_resolve(layer, "lib", 0, &r, &err), CLARO_OK, "resolve lib without following it");
	is_str(r, "lib", "  stays lib");
	free(r);

	{
		char *longpath = calloc(LAYER_MAX_PATH + 2, 1);
		memset(longpath, 'a', LAYER_MAX_PATH + 1);
		is_int(layer_resolve(layer, longpath, 1, &r, &err), CLARO_ERR_INVALID,
		       "a path past the limit is refused");
		is_str(err.message, "path too long", "  as too long");
		free(longpath);
		error_clear(&err);
	}
}

static void test_stat(struct claro_layer *layer)
{
	struct error err = ERROR_INIT;
	struct claro_file_info info;
	char *strings = NULL;

	is_int(layer_stat(layer, "lib", &info, &strings, &err), CLARO_OK, "stat lib");
	is_int(info.type, CLARO_FILE_SYMLINK, "  is reported as a symlink (not followed)");
	is_str(info.link_target, "usr/lib", "  with its target");
	is_str(info.path, "lib", "  and its path");
	free(strings);

	is_int(layer_stat(layer, "lib/os-release", &info, &strings, &err), CLARO_OK,
	       "stat through a symlinked dir");
	is_int(info.type, CLARO_FILE_REGULAR, "  a regular file");
	is_int(info.size, strlen(USR_OS_RELEASE), "  of the right size");
	is_int(info.mode, 0644, "  with its mode");
	is_str(info.path, "usr/lib/os-release", "  at its resolved path");
	ok(info.link_target == NULL, "  and no link target");
	ok(info.struct_size == sizeof(info), "  struct_size set");
	free(strings);

	is_int(layer_stat(layer, "/", &info, &strings, &err), CLARO_OK, "stat the root");
	is_int(info.type, CLARO_FILE_DIRECTORY, "  a directory");
	is_str(info.path, "", "  with the empty path");
	free(strings);
	error_clear(&err);
}

static void test_open_pread(struct claro_layer *layer)
{
	struct error err = ERROR_INIT;
	struct claro_file *f = NULL;
	char buf[64];
	size_t got = 99;
	size_t total = strlen(USR_OS_RELEASE);

	is_int(layer_open(layer, "lib/os-release", &f, &err), CLARO_OK, "open through a symlink");
	if (!f)
		return;
	is_int(layer_pread(f, buf, 8, 3, &got, &err), CLARO_OK, "pread 8 bytes at offset 3");
	is_int(got, 8, "  got 8");
	ok(memcmp(buf, USR_OS_RELEASE + 3, 8) == 0, "  the right 8");
	is_int(layer_pread(f, buf, sizeof(buf), total - 4, &got, &err), CLARO_OK, "pread across the end");
	is_int(got, 4, "  short read at end of file");
	ok(memcmp(buf, USR_OS_RELEASE + total - 4, 4) == 0, "  the last 4 bytes");
	is_int(layer_pread(f, buf, sizeof(buf), total + 10, &got, &err), CLARO_OK, "pread past the end");
	is_int(got, 0, "  reads nothing");
	layer_close(f);
	error_clear(&err);
}

static void test_read_limit(struct claro_layer *layer)
{
	struct error err = ERROR_INIT;
	unsigned char *data = NULL;
	size_t len = 0;

	is_int(layer_read_all(layer, "usr/lib/os-release", 10, &data, &len, &err), CLARO_ERR_TOO_LARGE,
	       "read_all past max is CLARO_ERR_TOO_LARGE");
	ok(data == NULL, "  no data");
	like(err.detail, "the limit for this read is 10 bytes", "  detail names the limit");
	error_clear(&err);
	is_int(layer_read_all(layer, "usr/lib/os-release", strlen(USR_OS_RELEASE), &data, &len, &err),
	       CLARO_OK, "read_all of exactly max bytes works");
	free(data);
}

/* Collects visited paths, "path:type" joined by spaces. */
struct collect {
	struct buf b;
	int stop_after;
	int seen;
};

static int collect(const struct claro_file_info *info, void *arg)
{
	struct collect *c = arg;
	static const char types[] = "?fdlo";

	buf_printf(&c->b, "%s%s:%c", c->b.len ? " " : "", info->path, types[info->type]);
	c->seen++;
	return c->stop_after && c->seen >= c->stop_after;
}

static char *walk(struct claro_layer *layer, const char *dir, int stop_after, enum claro_status *st)
{
	struct collect c = {BUF_INIT(0), stop_after, 0};
	struct error err = ERROR_INIT;

	*st = layer_walk(layer, dir, collect, &c, &err);
	error_clear(&err);
	return buf_steal(&c.b);
}

static char *glob(struct claro_layer *layer, const char *pattern, enum claro_status *st)
{
	struct collect c = {BUF_INIT(0), 0, 0};
	struct error err = ERROR_INIT;

	*st = layer_glob(layer, pattern, collect, &c, &err);
	error_clear(&err);
	return buf_steal(&c.b);
}

static void test_walk(struct claro_layer *layer)
{
	enum claro_status st;
	char *got;

	got = walk(layer, "", 0, &st);
	is_int(st, CLARO_OK, "walk the root");
	is_str(got,
	       "abs:l dir:d dir/a:f dir/b:d dir/b/.wh.gone:f dir/b/c:f dir/z:f dir.txt:f escape:l etc:d "
	       "etc/alt-release:l etc/os-release:f fifo:o hostpasswd:l lib:l loop1:l loop2:l out:l usr:d "
	       "usr/lib:d usr/lib/libz.so.1:f usr/lib/os-release:f",
	       "  depth first, names sorted, symlinks not descended");
	free(got);

	got = walk(layer, "lib", 0, &st);
	is_int(st, CLARO_OK, "walk a symlinked directory");
	is_str(got, "lib/libz.so.1:f lib/os-release:f", "  reports paths under the name asked for");
	free(got);

	got = walk(layer, "/dir/../dir/b", 0, &st);
	is_str(got, "dir/b/.wh.gone:f dir/b/c:f", "walk a normalised subdirectory");
	free(got);

	got = walk(layer, "", 3, &st);
	is_int(st, CLARO_OK, "a walk stopped by the callback is still a success");
	is_str(got, "abs:l dir:d dir/a:f", "  and stops right there");
	free(got);

	got = walk(layer, "etc/os-release", 0, &st);
	is_int(st, CLARO_ERR_NOT_FOUND, "walking a file fails");
	free(got);
	got = walk(layer, "missing", 0, &st);
	is_int(st, CLARO_ERR_NOT_FOUND, "walking a missing directory fails");
	free(got);
}

static void test_glob(struct claro_layer *layer)
{
	static const struct {
		const char *pattern, *want;
	} cases[] = {
	    {"**/os-release", "etc/os-release:f usr/lib/os-release:f"},
	    {"etc/*", "etc/alt-release:l etc/os-release:f"},
	    {"dir/**", "dir/a:f dir/b:d dir/b/.wh.gone:f dir/b/c:f dir/z:f"},
	    {"**/.wh.*", "dir/b/.wh.gone:f"},
	    {"lib/*-release", "lib/os-release:f"},
	    {"usr/lib/lib?.so.[0-9]", "usr/lib/libz.so.1:f"},
	    {"/etc/os-release", "etc/os-release:f"},
	    {"etc/missing", ""},
	    {"nowhere/*", ""},
	    {"d*", "dir:d dir.txt:f"},
	    {"**/b/**/c", "dir/b/c:f"},
	};
	enum claro_status st;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = glob(layer, cases[i].pattern, &st);
		is_int(st, CLARO_OK, "glob %s", cases[i].pattern);
		is_str(got, cases[i].want, "  matches %s", *cases[i].want ? cases[i].want : "nothing");
		free(got);
	}
	free(glob(layer, "etc/../*", &st));
	is_int(st, CLARO_ERR_INVALID, "a pattern with .. is refused");

	ok(layer_glob_match("**", "a/b/c"), "** matches anything");
	ok(layer_glob_match("a/**/c", "a/c"), "** matches zero components");
	ok(layer_glob_match("a/**/c", "a/x/y/c"), "** matches several components");
	ok(!layer_glob_match("a/*/c", "a/x/y/c"), "* does not cross /");
	ok(!layer_glob_match("*.jar", "lib/x.jar"), "a pattern without ** is anchored at both ends");
	ok(layer_glob_match("**/**/**/**/**/**/**/**/z", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/z"),
	   "many ** stay cheap");
	ok(!layer_glob_match("**/**/**/**/**/**/**/**/z", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q"),
	   "  also when failing");
}

int main(void)
{
	struct claro_layer *layer = NULL;
	struct error err = ERROR_INIT;

	tmp = tu_mkdtemp();
	if (!tmp)
		skip_all("no temporary directory");
	root = str_printf("%s/root", tmp);
	build_tree();

	test_normalize();
	is_int(layer_open_dir(root, "sha256:0123", &layer, &err), CLARO_OK, "open a directory layer");
	if (!layer)
		return exit_status();
	is_str(layer_digest(layer), "sha256:0123", "the layer keeps its digest");
	test_resolution(layer);
	test_stat(layer);
	test_open_pread(layer);
	test_read_limit(layer);
	test_walk(layer);
	test_glob(layer);
	layer_free(layer);

	{
		char *missing = str_printf("%s/missing", tmp);
		is_int(layer_open_dir(missing, NULL, &layer, &err), CLARO_ERR_NOT_FOUND,
		       "a missing root is refused");
		like(err.message, "could not open layer directory", "  with a message");
		ok(err.hint != NULL, "  and a hint");
		error_clear(&err);
		free(missing);
	}
	tu_rmrf(tmp);
	free(tmp);
	free(root);
	return exit_status();
}
