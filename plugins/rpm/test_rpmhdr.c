/* Unit tests of the RPM header parser (rpmhdr.c), the OpenPGP issuer reader
 * (pgpsig.c) and claircore's derived fields (rpminfo.c):
 *
 *   - headers built here, one rule at a time: the frame, every type check,
 *     bounds, alignment, regions, duplicate tags, file lists;
 *   - the real header of the test data (claircore's package.header) cut at
 *     every length and with every index byte flipped: a clean error or a
 *     parse, never a crash (run under ASan in CI);
 *   - claircore's rpmver parse vectors (vercmp/claircore/rpmver/parse) for
 *     the source package;
 *   - OpenPGP v3 and v4 signatures built here, and the malformed ones that
 *     Go's reader rejects.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tests/tap.h"
#include "pgpsig.h"
#include "rpmhdr.h"
#include "rpminfo.h"

/* ---- a header builder ---- */

struct hb {
	unsigned char index[64 * 16];
	unsigned char data[8192];
	uint32_t il, dl;
};

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void hb_entry(struct hb *b, uint32_t tag, uint32_t type, uint32_t offset, uint32_t count)
{
	unsigned char *e = b->index + 16 * b->il++;
	put32(e, tag);
	put32(e + 4, type);
	put32(e + 8, offset);
	put32(e + 12, count);
}

/* Append bytes to the data area, aligned to align; returns their offset. */
static uint32_t hb_data(struct hb *b, const void *p, size_t n, uint32_t align)
{
	uint32_t off;

	while (b->dl % align)
		b->data[b->dl++] = 0;
	off = b->dl;
	memcpy(b->data + b->dl, p, n);
	b->dl += (uint32_t)n;
	return off;
}

static void hb_string(struct hb *b, uint32_t tag, const char *s)
{
	hb_entry(b, tag, 6, hb_data(b, s, strlen(s) + 1, 1), 1);
}

/* count strings given as one buffer of n bytes holding them NUL-separated */
static void hb_strings(struct hb *b, uint32_t tag, const char *s, size_t n, uint32_t count)
{
	hb_entry(b, tag, 8, hb_data(b, s, n, 1), count);
}

static void hb_int32s(struct hb *b, uint32_t tag, const int32_t *v, uint32_t count)
{
	unsigned char buf[64 * 4];
	for (uint32_t i = 0; i < count; i++)
		put32(buf + 4 * i, (uint32_t)v[i]);
	hb_entry(b, tag, 4, hb_data(b, buf, 4 * count, 4), count);
}

/* The blob: il, dl, index, data (caller frees). */
static unsigned char *hb_blob(const struct hb *b, size_t *len)
{
	unsigned char *p;

	*len = 8 + 16 * (size_t)b->il + b->dl;
	if (!(p = malloc(*len)))
		abort();
	put32(p, b->il);
	put32(p + 4, b->dl);
	memcpy(p + 8, b->index, 16 * (size_t)b->il);
	memcpy(p + 8 + 16 * (size_t)b->il, b->data, b->dl);
	return p;
}

static void hb_basic(struct hb *b)
{
	memset(b, 0, sizeof(*b));
	hb_string(b, RPMTAG_NAME, "bash");
	hb_string(b, RPMTAG_VERSION, "5.1.8");
	hb_string(b, RPMTAG_RELEASE, "1.cm2");
	hb_string(b, RPMTAG_ARCH, "x86_64");
}

/* Parse b; returns the status, the error text in err. */
static enum claro_status parse(const struct hb *b, struct rpmhdr *h, struct rpmdb_error *err)
{
	size_t len;
	unsigned char *blob = hb_blob(b, &len);
	enum claro_status st;

	err->msg[0] = '\0';
	st = rpmhdr_parse(blob, len, h, err);
	free(blob); /* h points into blob: callers only look at st and err */
	return st;
}

static int fails_with(const struct hb *b, const char *needle)
{
	struct rpmhdr h;
	struct rpmdb_error err;
	enum claro_status st = parse(b, &h, &err);

	if (st != CLARO_ERR_INVALID || !strstr(err.msg, needle)) {
		diag("status %d, error \"%s\", wanted \"%s\"", st, err.msg, needle);
		return 0;
	}
	return 1;
}

static char *evr_of(const struct hb *b)
{
	size_t len;
	unsigned char *blob = hb_blob(b, &len);
	struct rpmhdr h;
	struct rpmdb_error err;
	char *s = NULL;

	if (rpmhdr_parse(blob, len, &h, &err) == CLARO_OK)
		s = rpminfo_evr(&h);
	free(blob);
	return s;
}

/* ---- files ---- */

struct files {
	char buf[512];
	size_t n;
};

static enum claro_status collect_file(void *arg, const char *dir, size_t dlen, const char *base, size_t blen)
{
	struct files *f = arg;
	int k = snprintf(f->buf + f->n, sizeof(f->buf) - f->n, "%.*s%.*s;", (int)dlen, dir, (int)blen, base);

	if (k > 0 && (size_t)k < sizeof(f->buf) - f->n)
		f->n += (size_t)k;
	return CLARO_OK;
}

static void test_frame(void)
{
	struct hb b;
	struct rpmhdr h;
	struct rpmdb_error err;
	size_t len;
	unsigned char *blob;

	hb_basic(&b);
	ok(parse(&b, &h, &err) == CLARO_OK, "a header of four strings parses");
	blob = hb_blob(&b, &len);
	ok(rpmhdr_parse(blob, len, &h, &err) == CLARO_OK && strcmp(h.name, "bash") == 0 &&
	       strcmp(h.version, "5.1.8") == 0 && strcmp(h.release, "1.cm2") == 0 &&
	       strcmp(h.arch, "x86_64") == 0 && !h.sourcerpm && !h.modularitylabel && !h.has_epoch &&
	       rpmhdr_file_count(&h) == 0,
	   "its strings point into the blob, absent tags are NULL");
	ok(rpmhdr_parse(blob, len - 1, &h, &err) == CLARO_ERR_INVALID &&
	       strstr(err.msg, "but the blob holds"),
	   "a blob one byte short is refused: %s", err.msg);
	ok(rpmhdr_parse(blob, 7, &h, &err) == CLARO_ERR_INVALID && strstr(err.msg, "too short"),
	   "a 7-byte blob is refused: %s", err.msg);
	put32(blob, 0);
	ok(rpmhdr_parse(blob, len, &h, &err) == CLARO_ERR_INVALID && strstr(err.msg, "outside rpm's limits"),
	   "zero entries are refused: %s", err.msg);
	put32(blob, 0x10000);
	ok(rpmhdr_parse(blob, len, &h, &err) == CLARO_ERR_INVALID && strstr(err.msg, "outside rpm's limits"),
	   "65536 entries are refused: %s", err.msg);
	put32(blob, b.il);
	put32(blob + 4, 0x10000000);
	ok(rpmhdr_parse(blob, len, &h, &err) == CLARO_ERR_INVALID && strstr(err.msg, "outside rpm's limits"),
	   "a data size past rpm's 256 MiB limit is refused: %s", err.msg);
	free(blob);
}

static void test_entries(void)
{
	struct hb b;
	struct rpmhdr h;
	struct rpmdb_error err;
	int32_t v;

	hb_basic(&b);
	hb_entry(&b, 1234, 10, 0, 1);
	ok(fails_with(&b, "unknown type"), "type 10 is refused");

	hb_basic(&b);
	hb_entry(&b, RPMTAG_SOURCERPM, 6, b.dl + 1, 1);
	ok(fails_with(&b, "offset lies outside the data"), "an offset past the data is refused");

	hb_basic(&b);
	hb_entry(&b, RPMTAG_SOURCERPM, 6, 0xfffffff0u, 1);
	ok(fails_with(&b, "offset lies outside the data"), "a negative offset is refused");

	hb_basic(&b);
	b.data[b.dl++] = 'x'; /* a string without its NUL at the end of the data */
	hb_entry(&b, RPMTAG_SOURCERPM, 6, b.dl - 1, 1);
	ok(fails_with(&b, "runs past the end of the data"),
	   "a string without a NUL before the end is refused");

	hb_basic(&b);
	hb_entry(&b, RPMTAG_SOURCERPM, 6, b.dl, 1); /* offset == dl: an empty remainder */
	ok(fails_with(&b, "does not fit the data"), "a string at the very end of the data is refused");

	hb_basic(&b);
	v = 1;
	hb_int32s(&b, RPMTAG_EPOCH, &v, 1);
	memcpy(b.index + 16 * (b.il - 1) + 8, "\0\0\0\x1", 4); /* offset 1: not 4-aligned */
	ok(fails_with(&b, "not aligned"), "a misaligned INT32 is refused");

	hb_basic(&b);
	v = 3;
	hb_int32s(&b, RPMTAG_EPOCH, &v, 1);
	put32(b.index + 16 * (b.il - 1) + 12, 1000); /* 1000 values */
	ok(fails_with(&b, "run past the end of the data"), "an INT32 array past the data is refused");

	hb_basic(&b);
	hb_entry(&b, RPMTAG_EPOCH, 6, 0, 1);
	ok(fails_with(&b, "EPOCH (1003) entry, type 6"), "EPOCH as a string is refused, naming the tag");

	memset(&b, 0, sizeof(b));
	v = 5;
	hb_int32s(&b, RPMTAG_NAME, &v, 1);
	ok(fails_with(&b, "NAME (1000) entry, type 4") && fails_with(&b, "not a string"),
	   "NAME as an INT32 is refused");

	memset(&b, 0, sizeof(b));
	hb_strings(&b, RPMTAG_NAME, "first\0second", 13, 2);
	hb_entry(&b, RPMTAG_VERSION, 9, hb_data(&b, "1.0", 4, 1), 1);
	ok(parse(&b, &h, &err) == CLARO_OK,
	   "NAME as a string array and VERSION as an I18N string are accepted");

	memset(&b, 0, sizeof(b));
	hb_string(&b, RPMTAG_NAME, "old");
	hb_string(&b, RPMTAG_NAME, "new");
	{
		size_t len;
		unsigned char *blob = hb_blob(&b, &len);
		ok(rpmhdr_parse(blob, len, &h, &err) == CLARO_OK && strcmp(h.name, "new") == 0,
		   "a tag given twice takes its last value");
		free(blob);
	}

	memset(&b, 0, sizeof(b));
	hb_string(&b, RPMTAG_NAME, "signed");
	hb_entry(&b, RPMTAG_SIGPGP, 6, 0, 1);
	ok(fails_with(&b, "not BIN"), "SIGPGP that is not BIN is refused");
}

static void test_evr(void)
{
	struct hb b;
	int32_t e;
	char *s;

	hb_basic(&b);
	s = evr_of(&b);
	is_str(s, "5.1.8-1.cm2", "no EPOCH: version-release");
	free(s);
	e = 0;
	hb_int32s(&b, RPMTAG_EPOCH, &e, 1);
	s = evr_of(&b);
	is_str(s, "5.1.8-1.cm2", "EPOCH 0 is left out, as Clair does");
	free(s);
	hb_basic(&b);
	e = 12;
	hb_int32s(&b, RPMTAG_EPOCH, &e, 1);
	s = evr_of(&b);
	is_str(s, "12:5.1.8-1.cm2", "EPOCH 12 prefixes the version");
	free(s);
}

static void test_files(void)
{
	struct hb b;
	struct rpmhdr h;
	struct rpmdb_error err;
	struct files f;
	int32_t idx[3] = {1, 0, 1};
	size_t len;
	unsigned char *blob;

	hb_basic(&b);
	hb_int32s(&b, RPMTAG_DIRINDEXES, idx, 3);
	hb_strings(&b, RPMTAG_BASENAMES, "bash\0bin\0sh", 12, 3);
	hb_strings(&b, RPMTAG_DIRNAMES, "/usr/\0/usr/bin/", 16, 2);
	blob = hb_blob(&b, &len);
	memset(&f, 0, sizeof(f));
	ok(rpmhdr_parse(blob, len, &h, &err) == CLARO_OK && rpmhdr_file_count(&h) == 3 &&
	       rpmhdr_files(&h, collect_file, &f) == CLARO_OK,
	   "BASENAMES, DIRNAMES, DIRINDEXES parse");
	is_str(f.buf, "/usr/bin/bash;/usr/bin;/usr/bin/sh;",
	       "each base name joins the directory its index names");
	free(blob);

	hb_basic(&b);
	hb_int32s(&b, RPMTAG_DIRINDEXES, idx, 2);
	hb_strings(&b, RPMTAG_BASENAMES, "bash\0bin\0sh", 12, 3);
	hb_strings(&b, RPMTAG_DIRNAMES, "/usr/\0/usr/bin/", 16, 2);
	ok(fails_with(&b, "3 BASENAMES but 2 DIRINDEXES"), "fewer DIRINDEXES than BASENAMES are refused");

	hb_basic(&b);
	hb_strings(&b, RPMTAG_BASENAMES, "bash", 5, 1);
	ok(fails_with(&b, "1 BASENAMES but 0 DIRINDEXES"), "BASENAMES without DIRINDEXES are refused");

	idx[2] = 2;
	hb_basic(&b);
	hb_int32s(&b, RPMTAG_DIRINDEXES, idx, 3);
	hb_strings(&b, RPMTAG_BASENAMES, "bash\0bin\0sh", 12, 3);
	hb_strings(&b, RPMTAG_DIRNAMES, "/usr/\0/usr/bin/", 16, 2);
	ok(fails_with(&b, "file 2 of the file list names directory 2 of 2"),
	   "a directory index out of range is refused");

	idx[2] = -1;
	hb_basic(&b);
	hb_int32s(&b, RPMTAG_DIRINDEXES, idx, 3);
	hb_strings(&b, RPMTAG_BASENAMES, "bash\0bin\0sh", 12, 3);
	hb_strings(&b, RPMTAG_DIRNAMES, "/usr/\0/usr/bin/", 16, 2);
	ok(fails_with(&b, "names directory -1"), "a negative directory index is refused");

	hb_basic(&b);
	hb_strings(&b, RPMTAG_BASENAMES, "bash\0bin", 8, 3);
	ok(fails_with(&b, "runs past the end of the data"),
	   "a string array with fewer strings than its count is refused");

	hb_basic(&b);
	hb_strings(&b, RPMTAG_OLDFILENAMES, "/bin/sh\0/etc/profile", 21, 2);
	blob = hb_blob(&b, &len);
	memset(&f, 0, sizeof(f));
	ok(rpmhdr_parse(blob, len, &h, &err) == CLARO_OK && rpmhdr_files(&h, collect_file, &f) == CLARO_OK,
	   "the legacy OLDFILENAMES parse");
	is_str(f.buf, "/bin/sh;/etc/profile;", "each OLDFILENAMES entry is one file");
	free(blob);
}

/* The region of an installed header: the first entry points at a trailer
 * whose negative offset is the region's index size. */
static void test_region(void)
{
	struct hb b;
	unsigned char trailer[16];
	struct rpmhdr h;
	struct rpmdb_error err;

	memset(&b, 0, sizeof(b));
	hb_entry(&b, RPMTAG_HEADERIMMUTABLE, 7, 0, 16);
	hb_string(&b, RPMTAG_NAME, "x");
	put32(trailer, RPMTAG_HEADERIMMUTABLE);
	put32(trailer + 4, 7);
	put32(trailer + 8, (uint32_t) - (2 * 16));
	put32(trailer + 12, 16);
	put32(b.index + 8, hb_data(&b, trailer, 16, 1));
	ok(parse(&b, &h, &err) == CLARO_OK, "an immutable region with its trailer parses");

	put32(b.data + rpmdb_be32(b.index + 8), RPMTAG_NAME);
	ok(fails_with(&b, "does not match the region tag"), "a trailer of another tag is refused");
	put32(b.data + rpmdb_be32(b.index + 8), RPMTAG_HEADERIMMUTABLE);
	put32(b.data + rpmdb_be32(b.index + 8) + 8, (uint32_t) - (100 * 16));
	ok(fails_with(&b, "nonsense region size"), "a region larger than the index is refused");
	put32(b.data + rpmdb_be32(b.index + 8) + 8, (uint32_t) - (2 * 16));
	put32(b.index + 12, 8);
	ok(fails_with(&b, "not a 16-byte BIN"), "a region tag of the wrong size is refused");
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *p = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (p = malloc((size_t)n)) && fread(p, 1, (size_t)n, fp) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(p);
		p = NULL;
	}
	fclose(fp);
	return p;
}

/* The real header: every truncation and every flipped index byte ends in a
 * parse or a clean error. */
static void test_real_header(void)
{
	char path[4096];
	size_t len = 0, bad_trunc = 0, parsed = 0, refused = 0, bad_flip = 0;
	unsigned char *blob;
	struct rpmhdr h;
	struct rpmdb_error err;
	enum claro_status st;
	uint32_t il;

	snprintf(path, sizeof(path), "%s/pkgdb/rpm/claircore/package.header", testdata_dir());
	if (!(blob = read_file(path, &len))) {
		ok(0, "read %s", path);
		ok(0, "(skipped)");
		ok(0, "(skipped)");
		return;
	}
	st = rpmhdr_parse(blob, len, &h, &err);
	ok(st == CLARO_OK && h.name && h.version && h.release && h.arch && rpmhdr_file_count(&h) > 0,
	   "claircore's package.header parses (%s-%s-%s.%s, %u files)", h.name ? h.name : "?",
	   h.version ? h.version : "?", h.release ? h.release : "?", h.arch ? h.arch : "?",
	   rpmhdr_file_count(&h));
	for (size_t n = 0; n < len; n++) {
		unsigned char *cut = malloc(n ? n : 1);
		if (n)
			memcpy(cut, blob, n);
		if (rpmhdr_parse(cut, n, &h, &err) != CLARO_ERR_INVALID || !err.msg[0])
			bad_trunc++;
		free(cut);
	}
	ok(bad_trunc == 0, "every one of its %zu truncations is refused with a reason", len);
	il = rpmdb_be32(blob);
	for (size_t i = 0; i < 8 + 16 * (size_t)il && i < len; i++) {
		unsigned char *copy = malloc(len);
		struct files f;
		memcpy(copy, blob, len);
		copy[i] ^= 0xff;
		memset(&f, 0, sizeof(f));
		err.msg[0] = '\0';
		st = rpmhdr_parse(copy, len, &h, &err);
		if (st == CLARO_OK) {
			char *e = rpminfo_evr(&h), *hint = rpminfo_hint(&h);
			parsed++;
			(void)rpmhdr_files(&h, collect_file, &f);
			free(e);
			free(hint);
		} else if (st == CLARO_ERR_INVALID && err.msg[0]) {
			refused++;
		} else {
			bad_flip++;
		}
		free(copy);
	}
	ok(bad_flip == 0 && refused > 0,
	   "flipping each index byte: %zu parse, %zu refused with a reason, 0 else", parsed, refused);
	free(blob);
}

/* claircore's rpmver parse vectors: "in n e v r a", '' for absent. */
static void test_source_vectors(void)
{
	char path[4096], line[512];
	FILE *fp;
	int n = 0, bad = 0;

	snprintf(path, sizeof(path), "%s/vercmp/claircore/rpmver/parse", testdata_dir());
	if (!(fp = fopen(path, "r"))) {
		ok(0, "open %s", path);
		return;
	}
	while (fgets(line, sizeof(line), fp)) {
		char in[128], nm[128], e[32], v[64], r[64], a[32], want[256], *name = NULL, *evr = NULL;
		int got;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%127s %127s %31s %63s %63s %31s", in, nm, e, v, r, a) != 6)
			continue;
		n++;
		got = rpminfo_source(in, &name, &evr);
		if (strcmp(nm, "''") == 0) {
			/* no name: claircore skips the source package */
			if (got != 0) {
				diag("%s: a source without a name was accepted", in);
				bad++;
			}
		} else {
			snprintf(want, sizeof(want), "%s%s%s-%s", strcmp(e, "''") == 0 ? "" : e,
				 strcmp(e, "''") == 0 ? "" : ":", v, r);
			if (got != 1 || strcmp(name, nm) != 0 || strcmp(evr, want) != 0) {
				diag("%s: got %d \"%s\" \"%s\", want \"%s\" \"%s\"", in, got,
				     name ? name : "", evr ? evr : "", nm, want);
				bad++;
			}
		}
		free(name);
		free(evr);
	}
	fclose(fp);
	ok(n > 0 && bad == 0, "claircore's %d rpmver parse vectors give the same source name and EVR", n);
}

static void test_source_rules(void)
{
	static const struct {
		const char *in, *name, *evr;
	} cases[] = {
	    {"util-linux-2.32.1-42.el8_8.src.rpm", "util-linux", "2.32.1-42.el8_8"},
	    {"vim-7.0.109-7.2.el5.src.rpm", "vim", "7.0.109-7.2.el5"},
	    {"kernel-5.14.0-1.nosrc.rpm", "kernel", "5.14.0-1"},
	    {"foo-3:1.0-2.src.rpm", "foo", "3:1.0-2"},
	    {"foo-:1.0-2.src.rpm", "foo", "1.0-2"},
	    {"foo-0:1.0-2.src.rpm", "foo", "1.0-2"},
	    {"a-b-c-1-2.el9.x86_64.src.rpm", "a-b-c", "1-2.el9"},
	    {"1.0-2.src.rpm", NULL, NULL},
	    {"(none)", NULL, NULL},
	    {"", NULL, NULL},
	    {".src.rpm", NULL, NULL},
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *name = NULL, *evr = NULL;
		int got = rpminfo_source(cases[i].in, &name, &evr);
		if (cases[i].name ? (got != 1 || strcmp(name, cases[i].name) || strcmp(evr, cases[i].evr))
				  : got != 0) {
			diag("%s: got %d \"%s\" \"%s\"", cases[i].in, got, name ? name : "", evr ? evr : "");
			bad++;
		}
		free(name);
		free(evr);
	}
	ok(bad == 0,
	   "SOURCERPM file names: suffixes stripped, name before the second-to-last \"-\", epoch kept");
	{
		char *name = NULL, *evr = NULL;
		ok(rpminfo_source(NULL, &name, &evr) == 0 && !name && !evr,
		   "no SOURCERPM: no source package");
	}
}

static void test_module(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"container-tools:rhel8:8020020200507003530:0d58ad57", "container-tools:rhel8"},
	    {"nodejs:18:9040020230607160327:rhel9", "nodejs:18"},
	    {"a:b:", "a:b"},
	    {"a:b", NULL},
	    {"", NULL},
	    {NULL, NULL},
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *m = NULL;
		if (rpminfo_module(cases[i].in, &m) != 0 ||
		    (cases[i].want ? !m || strcmp(m, cases[i].want) : m != NULL))
			bad++;
		free(m);
	}
	ok(bad == 0,
	   "MODULARITYLABEL: name:stream with two or more \":\", else no module (Clair's ModuleStream)");
}

/* ---- OpenPGP ---- */

struct pgp {
	unsigned char b[512];
	size_t n;
};

static void pb(struct pgp *p, const void *s, size_t n)
{
	memcpy(p->b + p->n, s, n);
	p->n += n;
}

static void pb1(struct pgp *p, unsigned v)
{
	p->b[p->n++] = (unsigned char)v;
}

static const unsigned char keyid[8] = {0x19, 0x9e, 0x2f, 0x91, 0xfd, 0x43, 0x1d, 0x51};

/* An old-format signature packet (tag 2, two length bytes) around body. */
static size_t packet(unsigned char *out, const struct pgp *body)
{
	out[0] = 0x80 | (2 << 2) | 1;
	out[1] = (unsigned char)(body->n >> 8);
	out[2] = (unsigned char)body->n;
	memcpy(out + 3, body->b, body->n);
	return 3 + body->n;
}

static void v4_body(struct pgp *s, unsigned type, unsigned algo, int with_time, int issuer_hashed)
{
	unsigned char mpi[4] = {0x00, 0x10, 0xab, 0xcd};
	struct pgp h = {{0}, 0}, u = {{0}, 0};

	memset(s, 0, sizeof(*s));
	if (with_time) {
		pb1(&h, 5);
		pb1(&h, 2);
		pb(&h, "\x64\x2a\x00\x00", 4);
	}
	if (issuer_hashed) {
		pb1(&h, 9);
		pb1(&h, 16);
		pb(&h, keyid, 8);
	} else {
		pb1(&u, 9);
		pb1(&u, 16);
		pb(&u, keyid, 8);
	}
	pb1(s, 4);
	pb1(s, type);
	pb1(s, algo);
	pb1(s, 8); /* SHA-256 */
	pb1(s, (unsigned)(h.n >> 8));
	pb1(s, (unsigned)h.n);
	pb(s, h.b, h.n);
	pb1(s, (unsigned)(u.n >> 8));
	pb1(s, (unsigned)u.n);
	pb(s, u.b, u.n);
	pb(s, "\xbe\xef", 2);
	pb(s, mpi, 4);
	if (algo != 1)
		pb(s, mpi, 4);
}

static void test_pgp(void)
{
	struct pgp s;
	unsigned char pkt[600];
	size_t n;
	uint64_t key = 0;

	v4_body(&s, 0, 1, 1, 0);
	n = packet(pkt, &s);
	ok(pgpsig_issuer(pkt, n, &key) == 1 && key == 0x199e2f91fd431d51u,
	   "v4 RSA signature: the issuer subpacket of the unhashed area");
	v4_body(&s, 0, 17, 1, 1);
	n = packet(pkt, &s);
	key = 0;
	ok(pgpsig_issuer(pkt, n, &key) == 1 && key == 0x199e2f91fd431d51u,
	   "v4 DSA signature: issuer in the hashed area");
	v4_body(&s, 1, 1, 1, 0);
	n = packet(pkt, &s);
	ok(pgpsig_issuer(pkt, n, &key) == 0, "a v4 signature of type 1 (text) gives no key, as in Clair");
	v4_body(&s, 0, 22, 1, 0);
	n = packet(pkt, &s);
	ok(pgpsig_issuer(pkt, n, &key) == 0,
	   "an EdDSA v4 signature gives no key (Go's openpgp reader refuses it)");
	v4_body(&s, 0, 1, 0, 0);
	n = packet(pkt, &s);
	ok(pgpsig_issuer(pkt, n, &key) == 0, "a v4 signature without a creation time gives no key");
	v4_body(&s, 0, 1, 1, 0);
	s.n -= 2; /* cut the MPI */
	n = packet(pkt, &s);
	ok(pgpsig_issuer(pkt, n, &key) == 0, "a v4 signature with a truncated MPI gives no key");

	/* v3: version, 5, type, time, key id, algo, hash, hash tag, MPI */
	memset(&s, 0, sizeof(s));
	pb(&s, "\x03\x05\x00\x64\x2a\x00\x00", 7);
	pb(&s, keyid, 8);
	pb(&s, "\x01\x08\xbe\xef\x00\x10\xab\xcd", 8);
	n = packet(pkt, &s);
	key = 0;
	ok(pgpsig_issuer(pkt, n, &key) == 1 && key == 0x199e2f91fd431d51u, "v3 RSA signature: its key id");
	s.b[1] = 6;
	n = packet(pkt, &s);
	ok(pgpsig_issuer(pkt, n, &key) == 0, "a v3 signature with 6 hashed bytes gives no key");
	s.b[1] = 5;
	s.b[16] = 9; /* hash algorithm 9 is SHA-384: still known */
	n = packet(pkt, &s);
	ok(pgpsig_issuer(pkt, n, &key) == 1, "v3 with SHA-384 is read");
	s.b[16] = 4; /* hash id 4 is reserved */
	n = packet(pkt, &s);
	ok(pgpsig_issuer(pkt, n, &key) == 0, "a v3 signature with an unknown hash gives no key");
	ok(pgpsig_issuer((const unsigned char *)"\x01\x02", 2, &key) == 0,
	   "bytes without a packet tag give no key");
	ok(pgpsig_issuer(pkt, 2, &key) == 0, "a packet cut inside its header gives no key");
}

int main(void)
{
	plan(54);
	test_frame();
	test_entries();
	test_evr();
	test_files();
	test_region();
	test_real_header();
	test_source_vectors();
	test_source_rules();
	test_module();
	test_pgp();
	return done_testing();
}
