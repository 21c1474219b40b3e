/* The tar index and the tar-backed layer filesystem (core/tarindex.c,
 * core/layerfs_tar.c).
 *
 * Part 1 indexes every tar in $CLARO_TESTDATA/images/edge (compressed ones
 * through the fetcher's file:// path, which decompresses them), the layers
 * inside the docker-archive images and the Alpine root filesystems, and
 * compares each index with GNU tar's own listing (`tar -tf`), the contents of
 * files with `tar -xOf`, and the layer walk with the index.
 * Part 2 builds small tars by hand for what real ones rarely carry: "..",
 * absolute paths, hardlinks to replaced files, GNU long names, pax records,
 * base-256 sizes, ustar prefixes, whiteouts, symlinks pointing outside, and
 * broken headers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../../core/fetch.h"
#include "../../core/layerfs_tar.h"
#include "../../core/strutil.h"
#include "../../core/tarindex.h"
#include "../tap.h"

/* ---- helpers ---- */

static int sha256_file(const char *path, char *out /* 72 bytes */)
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!ctx || !fp || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		if (fp)
			fclose(fp);
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		EVP_DigestUpdate(ctx, buf, n);
	fclose(fp);
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < len; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int memfd_with(const void *data, size_t n)
{
	int fd = memfd_create("tar", MFD_CLOEXEC);
	const char *p = data;

	if (fd < 0)
		return -1;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return fd;
}

/* A name as `tar -t` prints it, normalised the way extraction treats it. */
static char *tar_normalize(const char *raw)
{
	char *out = calloc(1, strlen(raw) + 1);
	size_t len = 0;
	const char *p = raw;

	if (!out)
		return NULL;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (len)
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		out[len] = '\0';
		p += n;
		if (*p == '/')
			p++;
	}
	return out;
}

struct strv {
	char **v;
	size_t n;
};

static void strv_add(struct strv *s, char *x)
{
	char **v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v) {
		free(x);
		return;
	}
	s->v = v;
	s->v[s->n++] = x;
}

static void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strv_sort_unique(struct strv *s)
{
	size_t k = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	for (size_t i = 0; i < s->n; i++) {
		if (k && strcmp(s->v[k - 1], s->v[i]) == 0) {
			free(s->v[i]);
			continue;
		}
		s->v[k++] = s->v[i];
	}
	s->n = k;
}

/* `tar -tf` of the tar in fd: raw names (optional) and normalised ones. */
static int tar_list(int fd, struct strv *raw, struct strv *norm)
{
	char *cmd =
	    str_printf("tar --quoting-style=literal -tf /proc/%ld/fd/%d 2>/dev/null", (long)getpid(), fd);
	char line[8192];
	FILE *p;

	if (!cmd)
		return -1;
	p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		char *n;
		line[strcspn(line, "\n")] = '\0';
		if (raw)
			strv_add(raw, strdup(line));
		n = tar_normalize(line);
		if (n && *n)
			strv_add(norm, n);
		else
			free(n);
	}
	return pclose(p) == 0 ? 0 : -1;
}

static int count_raw(const struct strv *raw, const char *name)
{
	int n = 0;
	char *want = tar_normalize(name);

	for (size_t i = 0; want && i < raw->n; i++) {
		char *x = tar_normalize(raw->v[i]);
		n += x && strcmp(x, want) == 0;
		free(x);
	}
	free(want);
	return n;
}

/* `tar -xOf` of one member: its bytes. */
static unsigned char *tar_extract(int fd, const char *member, size_t *len)
{
	char *cmd = str_printf("tar -xOf /proc/%ld/fd/%d -- '%s' 2>/dev/null", (long)getpid(), fd, member);
	struct buf b = BUF_INIT(0);
	char chunk[65536];
	size_t n;
	FILE *p;

	if (!cmd)
		return NULL;
	p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_append(&b, chunk, n);
	if (pclose(p) != 0) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return (unsigned char *)buf_steal(&b);
}

struct walk_state {
	struct tarindex *ix;
	size_t seen, unknown;
};

static int on_walk(const struct claro_file_info *info, void *arg)
{
	struct walk_state *w = arg;

	w->seen++;
	if (!tarindex_find(w->ix, info->path))
		w->unknown++;
	return 0;
}

/* Index the decompressed tar in fd, compare with GNU tar. */
static void check_tar(const char *label, int fd)
{
	struct error err = ERROR_INIT;
	struct tarindex *ix = NULL;
	struct claro_layer *layer = NULL;
	struct strv raw = {0}, want = {0}, got = {0};
	struct walk_state w = {0};
	size_t implied_ok = 1, compared = 0, same = 0;
	enum claro_status st;

	st = tarindex_build(fd, &ix, &err);
	if (!ok(st == CLARO_OK, "%s: indexed", label)) {
		diag("  %s: %s (%s)", label, err.message, err.detail ? err.detail : "");
		error_clear(&err);
		return;
	}
	if (tar_list(fd, &raw, &want) != 0) {
		ok(0, "%s: tar -tf lists it", label);
		goto out;
	}
	strv_sort_unique(&want);
	for (size_t i = 1; i < tarindex_count(ix); i++) {
		const struct tarindex_entry *e = tarindex_at(ix, i);
		const char *name = tarindex_name(ix, e);
		if (!(e->flags & TARINDEX_IMPLIED)) {
			strv_add(&got, strdup(name));
		} else {
			/* An implied directory must be a parent of a listed path. */
			size_t nl = strlen(name);
			int found = 0;

			for (size_t j = 0; j < want.n && !found; j++)
				found = strncmp(want.v[j], name, nl) == 0 && want.v[j][nl] == '/';
			if (!found)
				implied_ok = 0;
		}
	}
	strv_sort_unique(&got);
	{
		int same_list = got.n == want.n;
		for (size_t i = 0; same_list && i < got.n; i++)
			same_list = strcmp(got.v[i], want.v[i]) == 0;
		if (!ok(same_list, "%s: the index lists what tar -tf lists (%zu paths)", label, want.n)) {
			diag("  index has %zu, tar %zu", got.n, want.n);
			for (size_t i = 0; i < got.n && i < 5; i++)
				diag("  index: %s", got.v[i]);
			for (size_t i = 0; i < want.n && i < 5; i++)
				diag("  tar:   %s", want.v[i]);
		}
	}
	ok(implied_ok, "%s: every implied directory is a parent of a listed path", label);
	{
		/* The order lookups rely on: strictly increasing paths, the root
		 * first, and every entry found at its own place. */
		size_t bad = strcmp(tarindex_name(ix, tarindex_at(ix, 0)), "") != 0;

		for (size_t i = 1; i < tarindex_count(ix); i++) {
			const struct tarindex_entry *e = tarindex_at(ix, i);
			if (strcmp(tarindex_name(ix, tarindex_at(ix, i - 1)), tarindex_name(ix, e)) >= 0 ||
			    tarindex_find(ix, tarindex_name(ix, e)) != e)
				bad++;
		}
		ok(bad == 0, "%s: entries sorted bytewise by path, each found where it is (%zu entries)",
		   label, tarindex_count(ix));
	}

	/* Contents: up to 12 regular files that occur once, against tar -xOf. */
	for (size_t i = 0; i < raw.n && compared < 12; i++) {
		char *norm = tar_normalize(raw.v[i]);
		const struct tarindex_entry *e = norm ? tarindex_find(ix, norm) : NULL;
		unsigned char *x, *mine = NULL;
		size_t xl = 0, ml = 0;

		if (!e || e->type != CLARO_FILE_REGULAR || (e->flags & TARINDEX_HARDLINK) ||
		    strchr(raw.v[i], '\'') || count_raw(&raw, raw.v[i]) != 1 || e->size > (4u << 20)) {
			free(norm);
			continue;
		}
		x = tar_extract(fd, raw.v[i], &xl);
		if (x && !layer && layer_open_tar(fd, NULL, &layer, &err) != CLARO_OK)
			error_clear(&err);
		if (x && layer && layer_read_all(layer, norm, 0, &mine, &ml, &err) == CLARO_OK) {
			compared++;
			same += ml == xl && memcmp(mine, x, xl) == 0;
		}
		error_clear(&err);
		free(mine);
		free(x);
		free(norm);
	}
	ok(same == compared, "%s: %zu of %zu files read back as tar -xOf gives them", label, same, compared);

	/* The layer walk (layerfs.c over this backend) sees exactly the index. */
	if (!layer && layer_open_tar(fd, NULL, &layer, &err) != CLARO_OK)
		error_clear(&err);
	w.ix = ix;
	if (layer && layer_walk(layer, "", on_walk, &w, &err) == CLARO_OK)
		ok(w.seen == tarindex_count(ix) - 1 && w.unknown == 0, "%s: the walk visits all %zu entries",
		   label, tarindex_count(ix) - 1);
	else
		ok(0, "%s: the walk visits all entries (%s)", label, err.message ? err.message : "no layer");
	error_clear(&err);
out:
	layer_free(layer);
	tarindex_free(ix);
	strv_free(&raw);
	strv_free(&want);
	strv_free(&got);
}

/* Fetch path through file:// (decompresses); -1 if that fails. */
static int fetch_local(struct fetcher *f, const char *path, struct fetched_layer **fl)
{
	struct error err = ERROR_INIT;
	char digest[80];
	char *uri = str_printf("file://%s", path);
	enum claro_status st = CLARO_ERR_IO;

	*fl = NULL;
	if (uri && sha256_file(path, digest) == 0)
		st = fetcher_get(f, digest, uri, NULL, fl, &err);
	if (st != CLARO_OK)
		diag("  fetch %s: %s", path, err.message ? err.message : "failed");
	error_clear(&err);
	free(uri);
	return st == CLARO_OK ? 0 : -1;
}

/* A tar, gzip or zstd file by its content. */
static int looks_like_layer(const char *path)
{
	unsigned char h[264] = {0};
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		return 0;
	n = fread(h, 1, sizeof(h), fp);
	fclose(fp);
	return (n >= 2 && h[0] == 0x1f && h[1] == 0x8b) ||
	       (n >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd) ||
	       (n >= 262 && memcmp(h + 257, "ustar", 5) == 0);
}

static void collect(const char *dir, struct strv *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = str_printf("%s/%s", dir, de->d_name);
		if (!p || stat(p, &sb) != 0) {
			free(p);
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			collect(p, out);
			free(p);
		} else if (looks_like_layer(p)) {
			strv_add(out, p);
		} else {
			free(p);
		}
	}
	closedir(d);
}

/* The layer tarballs inside a docker-archive (already decompressed in fd). */
static void check_archive_layers(const char *label, int fd)
{
	struct error err = ERROR_INIT;
	struct claro_layer *outer = NULL;
	struct tarindex *ix = NULL;
	size_t layers = 0;

	if (layer_open_tar(fd, NULL, &outer, &err) != CLARO_OK || tarindex_build(fd, &ix, &err) != CLARO_OK) {
		ok(0, "%s: archive indexed (%s)", label, err.message);
		error_clear(&err);
		layer_free(outer);
		return;
	}
	for (size_t i = 0; i < tarindex_count(ix); i++) {
		const struct tarindex_entry *e = tarindex_at(ix, i);
		const char *name = tarindex_name(ix, e);
		unsigned char *data = NULL;
		size_t len = 0;
		char *sub;
		int lfd;

		if (!str_has_suffix(name, "/layer.tar") || e->type != CLARO_FILE_REGULAR)
			continue;
		if (layer_read_all(outer, name, 0, &data, &len, &err) != CLARO_OK) {
			ok(0, "%s: read %s (%s)", label, name, err.message);
			error_clear(&err);
			continue;
		}
		lfd = memfd_with(data, len);
		free(data);
		sub = str_printf("%s:%.12s", label, name);
		if (lfd >= 0 && sub)
			check_tar(sub, lfd);
		layers++;
		free(sub);
		if (lfd >= 0)
			close(lfd);
	}
	if (strstr(label, "docker-archive/"))
		ok(layers > 0, "%s: %zu layer tarballs inside", label, layers);
	tarindex_free(ix);
	layer_free(outer);
}

static void real_tars(void)
{
	const char *td = testdata_dir();
	struct fetcher_options fo = {0};
	struct fetcher *f = NULL;
	struct error err = ERROR_INIT;
	struct strv files = {0};
	const char *dirs[] = {"images/edge", "images/docker-archive", "images/alpine"};

	fo.allow_file = 1;
	if (fetcher_new(&fo, &f, &err) != CLARO_OK) {
		ok(0, "fetcher_new: %s", err.message);
		error_clear(&err);
		return;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		char *d = str_printf("%s/%s", td, dirs[i]);
		if (d)
			collect(d, &files);
		free(d);
	}
	if (files.n)
		qsort(files.v, files.n, sizeof(*files.v), cmp_str);
	ok(files.n >= 30, "found %zu tar, tar.gz and tar.zst files in the test data", files.n);
	for (size_t i = 0; i < files.n; i++) {
		const char *label = files.v[i] + strlen(td) + 1;
		struct fetched_layer *fl;

		if (fetch_local(f, files.v[i], &fl) != 0) {
			ok(0, "%s: fetched", label);
			continue;
		}
		check_tar(label, fetched_layer_fd(fl));
		check_archive_layers(label, fetched_layer_fd(fl)); /* docker save archives hold layers */
		fetched_layer_release(fl);
	}
	strv_free(&files);
	fetcher_free(f);
}

/* ---- edge cases named by the test data ---- */

static struct claro_layer *open_path(struct fetcher *f, const char *rel, struct fetched_layer **fl)
{
	struct error err = ERROR_INIT;
	struct claro_layer *layer = NULL;
	char *path = str_printf("%s/%s", testdata_dir(), rel);

	*fl = NULL;
	if (path && fetch_local(f, path, fl) == 0 &&
	    layer_open_tar(fetched_layer_fd(*fl), NULL, &layer, &err) != CLARO_OK)
		diag("  %s: %s", rel, err.message);
	error_clear(&err);
	free(path);
	return layer;
}

static void known_edges(void)
{
	struct fetcher_options fo = {0};
	struct fetcher *f = NULL;
	struct error err = ERROR_INIT;
	struct claro_layer *l;
	struct fetched_layer *fl;
	struct claro_file_info info;
	struct tarindex *ix;
	char *strings = NULL;
	unsigned char *data = NULL;
	size_t len = 0;

	fo.allow_file = 1;
	if (fetcher_new(&fo, &f, &err) != CLARO_OK)
		return;

	/* concat.tar: var/run is first a symlink to ../run, then a directory. */
	l = open_path(f, "images/edge/claircore/tarfs/concat.tar", &fl);
	ok(l && layer_stat(l, "var/run", &info, &strings, &err) == CLARO_OK &&
	       info.type == CLARO_FILE_DIRECTORY,
	   "concat.tar: the later directory var/run replaces the symlink");
	free(strings);
	strings = NULL;
	ok(l && layer_stat(l, "var/run/console/algo.txt", &info, &strings, &err) == CLARO_OK,
	   "concat.tar: var/run/console/algo.txt exists");
	free(strings);
	strings = NULL;
	layer_free(l);
	fetched_layer_release(fl);

	/* dangling_symlink: an absolute target outside the layer. */
	l = open_path(f, "images/edge/claircore/rpm/dangling_symlink", &fl);
	ok(l && layer_stat(l, "tar_creation/rpmdb.sqlite", &info, &strings, &err) == CLARO_OK &&
	       info.type == CLARO_FILE_SYMLINK && strcmp(info.link_target, "/tmp/algo") == 0,
	   "dangling_symlink: the link is reported with its target");
	free(strings);
	strings = NULL;
	ok(l && layer_read_all(l, "tar_creation/rpmdb.sqlite", 0, &data, &len, &err) == CLARO_ERR_NOT_FOUND,
	   "dangling_symlink: following it stays in the layer (not found)");
	error_clear(&err);
	layer_free(l);
	fetched_layer_release(fl);

	/* bad_name.tar: a pax path with a non-UTF-8 byte. */
	l = open_path(f, "images/edge/claircore/tarfs/bad_name.tar", &fl);
	if (l) {
		ix = NULL;
		if (tarindex_build(fetched_layer_fd(fl), &ix, &err) == CLARO_OK && tarindex_count(ix) == 2) {
			const char *name = tarindex_name(ix, tarindex_at(ix, 1));
			ok(strlen(name) > 100 && strstr(name, "bad\xfdname") != NULL,
			   "bad_name.tar: the pax path is used");
			ok(layer_read_all(l, name, 0, &data, &len, &err) == CLARO_OK && len == 9 &&
			       memcmp(data, "mojibake\n", 9) == 0,
			   "bad_name.tar: its content reads back");
			free(data);
			data = NULL;
		} else {
			ok(0, "bad_name.tar: one entry");
			ok(0, "bad_name.tar: content");
		}
		tarindex_free(ix);
	}
	error_clear(&err);
	layer_free(l);
	fetched_layer_release(fl);

	/* Whiteouts stay in the index, flagged, and walks report them. */
	l = open_path(f, "images/edge/claircore/whiteout/whiteout_opaque.layer", &fl);
	ix = NULL;
	if (fl && tarindex_build(fetched_layer_fd(fl), &ix, &err) == CLARO_OK) {
		const struct tarindex_entry *opq = tarindex_find(ix, "a/.wh..wh..opq");
		const struct tarindex_entry *not = tarindex_find(ix, "b/not.a.wh..wh..opq");
		ok(opq && (opq->flags & TARINDEX_WHITEOUT) && not &&!(not ->flags & TARINDEX_WHITEOUT) &&
		       tarindex_whiteouts(ix) == 1,
		   "whiteout_opaque.layer: a/.wh..wh..opq is a whiteout, b/not.a.wh..wh..opq is not");
	} else {
		ok(0, "whiteout_opaque.layer indexed");
	}
	tarindex_free(ix);
	layer_free(l);
	fetched_layer_release(fl);

	l = open_path(f, "images/edge/claircore/whiteout/whiteout_advanced.layer", &fl);
	ix = NULL;
	ok(fl && tarindex_build(fetched_layer_fd(fl), &ix, &err) == CLARO_OK && tarindex_whiteouts(ix) == 3,
	   "whiteout_advanced.layer: three whiteouts recorded");
	tarindex_free(ix);
	layer_free(l);
	fetched_layer_release(fl);

	/* test_link.tar: a symlink to a sibling directory's layer.tar. */
	l = open_path(f, "images/edge/ggcr/tarball/test_link.tar", &fl);
	ok(l &&
	       layer_read_all(l, "b159278ac0c8813245b6c3b22cbbe7abefe3b2ec3fac6c7e87138811e1ef2a88/layer.tar",
			      0, &data, &len, &err) == CLARO_OK &&
	       len == 10240,
	   "test_link.tar: a relative symlink resolves within the layer");
	free(data);
	data = NULL;
	layer_free(l);
	fetched_layer_release(fl);

	/* oddlayer.tar: one header, no end-of-archive blocks. */
	l = open_path(f, "images/edge/claircore/tarfs/known/oddlayer.tar", &fl);
	ix = NULL;
	ok(fl && tarindex_build(fetched_layer_fd(fl), &ix, &err) == CLARO_OK && tarindex_count(ix) == 1,
	   "oddlayer.tar: just the root, no trailer needed");
	tarindex_free(ix);
	layer_free(l);
	fetched_layer_release(fl);
	error_clear(&err);
	fetcher_free(f);
}

/* ---- hand-made tars ---- */

struct tw {
	struct buf b;
};

static void put_octal(unsigned char *field, size_t len, uint64_t v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*llo", (int)(len - 1), (unsigned long long)v);
	memcpy(field, tmp, len - 1);
	field[len - 1] = '\0';
}

/* One header. magic: "ustar\0" "00" (POSIX) unless gnu. */
static void tw_header(struct tw *t, const char *name, char type, uint64_t size, const char *link,
		      const char *prefix, int base256_size)
{
	unsigned char h[512] = {0};
	unsigned sum = 0;

	memcpy(h, name, strnlen(name, 100));
	put_octal(h + 100, 8, 0644);
	put_octal(h + 108, 8, 0);
	put_octal(h + 116, 8, 0);
	if (base256_size) {
		h[124] = 0x80;
		for (int i = 0; i < 8; i++)
			h[135 - i] = (unsigned char)(size >> (8 * i));
	} else {
		put_octal(h + 124, 12, size);
	}
	put_octal(h + 136, 12, 1700000000);
	h[156] = (unsigned char)type;
	if (link)
		memcpy(h + 157, link, strnlen(link, 100));
	memcpy(h + 257,
	       "ustar\0"
	       "00",
	       8);
	if (prefix)
		memcpy(h + 345, prefix, strnlen(prefix, 155));
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	buf_append(&t->b, h, 512);
}

static void tw_data(struct tw *t, const void *data, size_t n)
{
	static const unsigned char zero[512];

	buf_append(&t->b, data, n);
	if (n % 512)
		buf_append(&t->b, zero, 512 - n % 512);
}

static void tw_file(struct tw *t, const char *name, const char *content)
{
	tw_header(t, name, '0', strlen(content), NULL, NULL, 0);
	tw_data(t, content, strlen(content));
}

static void tw_end(struct tw *t)
{
	static const unsigned char zero[1024];

	buf_append(&t->b, zero, sizeof(zero));
}

/* Index t (consumed); *fd keeps the file for reads. */
static enum claro_status tw_index(struct tw *t, struct claro_layer **layer, struct error *err)
{
	int fd = memfd_with(t->b.data ? t->b.data : "", t->b.len);
	enum claro_status st;

	buf_free(&t->b);
	*layer = NULL;
	if (fd < 0)
		return error_set(err, CLARO_ERR_IO, "memfd");
	st = layer_open_tar(fd, "sha256:0000000000000000000000000000000000000000000000000000000000000000",
			    layer, err);
	close(fd);
	return st;
}

static int read_is(struct claro_layer *l, const char *path, const char *want)
{
	struct error err = ERROR_INIT;
	unsigned char *data = NULL;
	size_t len = 0;
	int r = layer_read_all(l, path, 0, &data, &len, &err) == CLARO_OK && len == strlen(want) &&
		memcmp(data, want, len) == 0;

	if (!r)
		diag("  %s: %s", path, err.message ? err.message : data ? (char *)data : "?");
	free(data);
	error_clear(&err);
	return r;
}

static enum claro_file_type type_of(struct claro_layer *l, const char *path)
{
	struct error err = ERROR_INIT;
	struct claro_file_info info;
	char *strings = NULL;
	enum claro_file_type t = 0;

	if (layer_stat(l, path, &info, &strings, &err) == CLARO_OK)
		t = info.type;
	free(strings);
	error_clear(&err);
	return t;
}

static int on_collect(const struct claro_file_info *info, void *arg)
{
	struct buf *b = arg;

	buf_puts(b, info->path);
	buf_puts(b, " ");
	return 0;
}

static void handmade(void)
{
	struct error err = ERROR_INIT;
	struct claro_layer *l;
	struct tw t = {BUF_INIT(0)};
	char longname[200];
	char pax[256];
	int n;

	/* Paths never escape; implied directories exist. */
	tw_file(&t, "../../etc/passwd", "x");
	tw_file(&t, "/abs/file", "y");
	tw_file(&t, "./a/./b/../c", "z");
	tw_header(&t, "dir/", '5', 0, NULL, NULL, 0);
	tw_header(&t, "esc", '2', 0, "../../../../../etc/hostname", NULL, 0);
	tw_end(&t);
	ok(tw_index(&t, &l, &err) == CLARO_OK, "paths: indexed");
	ok(l && read_is(l, "etc/passwd", "x") && read_is(l, "abs/file", "y") && read_is(l, "a/c", "z"),
	   "paths: \"..\", absolute and \".\" paths land inside the layer");
	ok(l && type_of(l, "etc") == CLARO_FILE_DIRECTORY && type_of(l, "a") == CLARO_FILE_DIRECTORY &&
	       type_of(l, "dir") == CLARO_FILE_DIRECTORY,
	   "paths: implied and explicit directories exist");
	ok(l && layer_read_all(l, "esc", 0, &(unsigned char *){NULL}, &(size_t){0}, &err) ==
		    CLARO_ERR_NOT_FOUND,
	   "paths: a symlink climbing out resolves inside the layer (no etc/hostname there)");
	error_clear(&err);
	layer_free(l);

	/* Hardlinks are their target as it was; a later entry replaces. */
	t = (struct tw){BUF_INIT(0)};
	tw_file(&t, "a", "one");
	tw_header(&t, "h", '1', 0, "a", NULL, 0);
	tw_file(&t, "a", "two");
	tw_header(&t, "dangle", '1', 0, "nosuch", NULL, 0);
	tw_header(&t, "./h2", '1', 0, "./h", NULL, 0);
	tw_end(&t);
	ok(tw_index(&t, &l, &err) == CLARO_OK, "hardlinks: indexed");
	ok(l && read_is(l, "h", "one") && read_is(l, "a", "two") && read_is(l, "h2", "one"),
	   "hardlinks: a link keeps the data its target had; the later \"a\" replaces the earlier");
	ok(l && type_of(l, "dangle") == CLARO_FILE_OTHER &&
	       layer_read_all(l, "dangle", 0, &(unsigned char *){NULL}, &(size_t){0}, &err) ==
		   CLARO_ERR_UNSUPPORTED,
	   "hardlinks: a link to nothing is listed but cannot be opened");
	error_clear(&err);
	layer_free(l);

	/* GNU long name, pax path + size, base-256 size, ustar prefix. */
	t = (struct tw){BUF_INIT(0)};
	memset(longname, 'n', sizeof(longname));
	memcpy(longname, "long/", 5);
	longname[150] = '\0';
	tw_header(&t, "././@LongLink", 'L', strlen(longname) + 1, NULL, NULL, 0);
	tw_data(&t, longname, strlen(longname) + 1);
	tw_file(&t, "truncated-name", "gnu");
	n = snprintf(pax, sizeof(pax), "%d path=pax/name\n", 17);
	n += snprintf(pax + n, sizeof(pax) - (size_t)n, "%d size=5\n", 10);
	n += snprintf(pax + n, sizeof(pax) - (size_t)n, "%d linkpath=ignored\n", 20);
	tw_header(&t, "PaxHeaders/x", 'x', (uint64_t)n, NULL, NULL, 0);
	tw_data(&t, pax, (size_t)n);
	tw_header(&t, "short", '0', 0, NULL, NULL, 0);
	tw_data(&t, "hello", 5);
	tw_header(&t, "b256", '0', 3, NULL, NULL, 1);
	tw_data(&t, "abc", 3);
	tw_header(&t, "file", '0', 3, NULL, "pre/fix", 0);
	tw_data(&t, "pfx", 3);
	tw_header(&t, ".wh.gone", '0', 0, NULL, NULL, 0);
	tw_header(&t, "d/.wh..wh..opq", '0', 0, NULL, NULL, 0);
	tw_end(&t);
	ok(tw_index(&t, &l, &err) == CLARO_OK, "extended headers: indexed");
	if (err.message)
		diag("  %s: %s", err.message, err.detail);
	ok(l && read_is(l, longname, "gnu"), "GNU 'L': the long name is used");
	ok(l && read_is(l, "pax/name", "hello"), "pax: path and size records apply to the next entry");
	ok(l && read_is(l, "b256", "abc"), "base-256 size");
	ok(l && read_is(l, "pre/fix/file", "pfx"), "ustar prefix + name");
	ok(l && type_of(l, ".wh.gone") == CLARO_FILE_REGULAR &&
	       type_of(l, "d/.wh..wh..opq") == CLARO_FILE_REGULAR,
	   "whiteouts stay in the index");
	error_clear(&err);
	layer_free(l);

	/* Listing: a directory's children only, whatever sorts between them. */
	t = (struct tw){BUF_INIT(0)};
	tw_file(&t, "a/b/x", "1");
	tw_file(&t, "a/b-c", "2");
	tw_file(&t, "a/b.d/y", "3");
	tw_file(&t, "a0", "4");
	tw_file(&t, "a/b/deep/er/z", "5");
	tw_end(&t);
	ok(tw_index(&t, &l, &err) == CLARO_OK, "listing: indexed");
	{
		struct buf seen = BUF_INIT(0);
		if (!ok(l && layer_walk(l, "a", on_collect, &seen, &err) == CLARO_OK && seen.data &&
			    strcmp(seen.data,
				   "a/b a/b/deep a/b/deep/er a/b/deep/er/z a/b/x a/b-c a/b.d a/b.d/y ") == 0,
			"listing: the walk under a/ visits each entry once, depth first, sorted by name"))
			diag("  walk: %s", seen.data ? seen.data : "(nothing)");
		buf_free(&seen);
	}
	error_clear(&err);
	layer_free(l);

	/* Broken tars: clear errors, no crash. */
	t = (struct tw){BUF_INIT(0)};
	tw_file(&t, "ok", "fine");
	tw_header(&t, "big", '0', 100000, NULL, NULL, 0);
	tw_data(&t, "only a little", 13);
	ok(tw_index(&t, &l, &err) == CLARO_ERR_INVALID && strstr(err.message, "truncated"),
	   "a size past the end of the file is a truncated tar");
	like(err.message, "layer sha256:0000", "the error names the layer");
	error_clear(&err);

	t = (struct tw){BUF_INIT(0)};
	tw_file(&t, "ok", "fine");
	t.b.data[5] ^= 1; /* the name changes, the checksum does not */
	tw_end(&t);
	ok(tw_index(&t, &l, &err) == CLARO_ERR_INVALID && strstr(err.message, "malformed") &&
	       strstr(err.detail, "checksum"),
	   "a bad header checksum is a malformed tar");
	error_clear(&err);

	t = (struct tw){BUF_INIT(0)};
	tw_header(&t, "PaxHeaders/x", 'x', 12, NULL, NULL, 0);
	tw_data(&t, "99 path=x\n\n\n", 12);
	tw_file(&t, "f", "x");
	tw_end(&t);
	ok(tw_index(&t, &l, &err) == CLARO_ERR_INVALID && strstr(err.detail, "pax"),
	   "a pax record longer than its header is malformed");
	error_clear(&err);

	t = (struct tw){BUF_INIT(0)};
	buf_append(&t.b, "this is not a tar at all, just some text that is long enough", 60);
	ok(tw_index(&t, &l, &err) == CLARO_ERR_INVALID, "text is not a tar");
	error_clear(&err);

	t = (struct tw){BUF_INIT(0)};
	ok(tw_index(&t, &l, &err) == CLARO_OK && l, "an empty file is an empty layer");
	ok(l && type_of(l, "") == CLARO_FILE_DIRECTORY, "an empty layer still has its root");
	layer_free(l);
	error_clear(&err);
}

int main(void)
{
	struct stat sb;
	char *edge = str_printf("%s/images/edge", testdata_dir());

	if (!edge || stat(edge, &sb) != 0) {
		free(edge);
		skip_all("no test data (set CLARO_TESTDATA)");
		return 0;
	}
	free(edge);
	handmade();
	known_edges();
	real_tars();
	return done_testing();
}
