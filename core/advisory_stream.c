/* Plain, gzip and zstd streams for the advisory export/import (see
 * advisory_stream.h). SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "advisory_stream.h"
#include "strutil.h"

#define CHUNK             (128 * 1024)
#define DEFAULT_MAX_LINE  (16u * 1024 * 1024)
#define DEFAULT_MAX_TOTAL (64ull * 1024 * 1024 * 1024)
#define DEFAULT_MAX_RATIO 1000
#define RATIO_CHECK_AFTER (64ull * 1024 * 1024)

/* ==== writing ==== */

struct out_stream {
	enum stream_codec codec;
	FILE *fp;
	char *path; /* final name; NULL for stdout */
	char *tmp;  /* the temporary it is written as */
	z_stream z;
	ZSTD_CCtx *zc;
	unsigned char buf[CHUNK];
};

static enum claro_status io_error(struct error *err, const char *what, const char *name)
{
	int e = errno;

	error_set(err, CLARO_ERR_IO, "could not %s %s", what, name);
	error_detail(err, "%s.", e ? strerror(e) : "An I/O error occurred");
	return CLARO_ERR_IO;
}

static enum claro_status put(struct out_stream *o, const void *data, size_t n, struct error *err)
{
	if (n && fwrite(data, 1, n, o->fp) != n)
		return io_error(err, "write", o->path ? o->path : "standard output");
	return CLARO_OK;
}

enum claro_status out_stream_open(const char *path, struct out_stream **out, struct error *err)
{
	struct out_stream *o = calloc(1, sizeof(*o));
	int fd;

	*out = NULL;
	if (!o)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	o->codec = str_has_suffix(path, ".gz")    ? STREAM_GZIP
		   : str_has_suffix(path, ".zst") ? STREAM_ZSTD
						  : STREAM_PLAIN;
	if (strcmp(path, "-") == 0) {
		o->fp = stdout;
	} else {
		o->path = str_dup(path);
		o->tmp = str_printf("%s.tmp-XXXXXX", path);
		if (!o->path || !o->tmp) {
			free(o->path);
			free(o->tmp);
			free(o);
			return error_set(err, CLARO_ERR_NOMEM, "out of memory");
		}
		fd = mkstemp(o->tmp);
		if (fd < 0 || !(o->fp = fdopen(fd, "wb"))) {
			enum claro_status st = io_error(err, "create", o->tmp);
			error_hint(err, "Write the export to a directory you can write to.");
			if (fd >= 0) {
				close(fd);
				unlink(o->tmp);
			}
			free(o->path);
			free(o->tmp);
			free(o);
			return st;
		}
	}
	if (o->codec == STREAM_GZIP &&
	    deflateInit2(&o->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		out_stream_close(o, 0, err);
		return error_set(err, CLARO_ERR_NOMEM, "could not start gzip compression");
	}
	if (o->codec == STREAM_ZSTD && !(o->zc = ZSTD_createCCtx())) {
		o->codec = STREAM_PLAIN;
		out_stream_close(o, 0, err);
		return error_set(err, CLARO_ERR_NOMEM, "could not start zstd compression");
	}
	*out = o;
	return CLARO_OK;
}

static enum claro_status deflate_all(struct out_stream *o, const void *data, size_t n, int flush,
				     struct error *err)
{
	enum claro_status st = CLARO_OK;
	int rc;

	o->z.next_in = (Bytef *)(uintptr_t)data;
	o->z.avail_in = (uInt)n;
	do {
		o->z.next_out = o->buf;
		o->z.avail_out = sizeof(o->buf);
		rc = deflate(&o->z, flush);
		if (rc == Z_STREAM_ERROR)
			return error_set(err, CLARO_ERR_INTERNAL, "gzip compression failed");
		st = put(o, o->buf, sizeof(o->buf) - o->z.avail_out, err);
	} while (st == CLARO_OK && (o->z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END)));
	return st;
}

static enum claro_status zstd_all(struct out_stream *o, const void *data, size_t n, ZSTD_EndDirective mode,
				  struct error *err)
{
	ZSTD_inBuffer in = {data, n, 0};
	enum claro_status st = CLARO_OK;
	size_t left;

	do {
		ZSTD_outBuffer out = {o->buf, sizeof(o->buf), 0};
		left = ZSTD_compressStream2(o->zc, &out, &in, mode);
		if (ZSTD_isError(left))
			return error_set(err, CLARO_ERR_INTERNAL, "zstd compression failed: %s",
					 ZSTD_getErrorName(left));
		st = put(o, o->buf, out.pos, err);
	} while (st == CLARO_OK && (mode == ZSTD_e_end ? left != 0 : in.pos < in.size));
	return st;
}

enum claro_status out_stream_write(struct out_stream *o, const void *data, size_t n, struct error *err)
{
	/* zlib counts in uInt: feed at most CHUNK at a time */
	enum claro_status st = CLARO_OK;

	for (size_t off = 0; st == CLARO_OK && off < n; off += CHUNK) {
		size_t part = n - off < CHUNK ? n - off : CHUNK;
		const unsigned char *p = (const unsigned char *)data + off;

		switch (o->codec) {
		case STREAM_GZIP: st = deflate_all(o, p, part, Z_NO_FLUSH, err); break;
		case STREAM_ZSTD: st = zstd_all(o, p, part, ZSTD_e_continue, err); break;
		default: st = put(o, p, part, err); break;
		}
	}
	return st;
}

enum claro_status out_stream_close(struct out_stream *o, int ok, struct error *err)
{
	enum claro_status st = CLARO_OK;

	if (!o)
		return CLARO_OK;
	if (ok && o->codec == STREAM_GZIP)
		st = deflate_all(o, "", 0, Z_FINISH, err);
	if (ok && o->codec == STREAM_ZSTD && st == CLARO_OK)
		st = zstd_all(o, "", 0, ZSTD_e_end, err);
	if (o->codec == STREAM_GZIP)
		deflateEnd(&o->z);
	ZSTD_freeCCtx(o->zc);
	if (o->fp && o->fp != stdout) {
		if (fflush(o->fp) != 0 || fsync(fileno(o->fp)) != 0) {
			if (ok && st == CLARO_OK)
				st = io_error(err, "write", o->tmp);
		}
		if (fclose(o->fp) != 0 && ok && st == CLARO_OK)
			st = io_error(err, "write", o->tmp);
		if (ok && st == CLARO_OK && rename(o->tmp, o->path) != 0)
			st = io_error(err, "rename the export to", o->path);
		if (!ok || st != CLARO_OK)
			unlink(o->tmp);
	} else if (o->fp == stdout && ok && st == CLARO_OK && fflush(stdout) != 0) {
		st = io_error(err, "write", "standard output");
	}
	free(o->path);
	free(o->tmp);
	free(o);
	return st;
}

/* ==== reading ==== */

struct in_stream {
	FILE *fp;
	char *name;
	enum stream_codec codec;
	struct in_limits lim;
	z_stream z;
	int z_open;
	ZSTD_DCtx *zd;
	size_t zstd_left; /* ZSTD_decompressStream's last hint: 0 = at a frame end */
	unsigned char in[CHUNK];
	size_t in_len, in_pos;
	int in_eof;
	unsigned char out[CHUNK]; /* decompressed, not yet consumed */
	size_t out_len, out_pos;
	int done;
	uint64_t compressed; /* bytes read from fp */
	uint64_t total;      /* decompressed bytes */
	struct buf line;
	size_t line_no;
};

static enum claro_status fill_input(struct in_stream *in, struct error *err)
{
	size_t n;

	if (in->in_pos < in->in_len || in->in_eof)
		return CLARO_OK;
	n = fread(in->in, 1, sizeof(in->in), in->fp);
	if (n == 0 && ferror(in->fp))
		return io_error(err, "read", in->name);
	in->in_len = n;
	in->in_pos = 0;
	in->compressed += n;
	in->in_eof = n == 0;
	return CLARO_OK;
}

static enum claro_status truncated(struct in_stream *in, struct error *err)
{
	error_set(err, CLARO_ERR_INVALID, "could not read %s", in->name);
	error_detail(err, "The %s stream ends before its end marker: the file is truncated.",
		     in->codec == STREAM_GZIP ? "gzip" : "zstd");
	error_hint(err, "Copy or download the file again.");
	return CLARO_ERR_INVALID;
}

static enum claro_status corrupt(struct in_stream *in, const char *why, struct error *err)
{
	error_set(err, CLARO_ERR_INVALID, "could not read %s", in->name);
	error_detail(err, "The compressed data is corrupt: %s.", why);
	error_hint(err, "Copy or download the file again.");
	return CLARO_ERR_INVALID;
}

/* Refill in->out with decompressed bytes; out_len 0 at the end. */
static enum claro_status refill(struct in_stream *in, struct error *err)
{
	enum claro_status st;

	in->out_len = in->out_pos = 0;
	while (in->out_len == 0 && !in->done) {
		if ((st = fill_input(in, err)) != CLARO_OK)
			return st;
		if (in->codec == STREAM_PLAIN) {
			if (in->in_eof) {
				in->done = 1;
				break;
			}
			memcpy(in->out, in->in + in->in_pos, in->in_len - in->in_pos);
			in->out_len = in->in_len - in->in_pos;
			in->in_pos = in->in_len;
		} else if (in->codec == STREAM_GZIP) {
			int rc;

			if (in->in_eof && in->in_pos >= in->in_len) {
				if (in->z_open)
					return truncated(in, err);
				in->done = 1;
				break;
			}
			if (!in->z_open) { /* the next gzip member (gzip allows several) */
				if (inflateReset(&in->z) != Z_OK)
					return corrupt(in, "zlib could not restart", err);
				in->z_open = 1;
			}
			in->z.next_in = in->in + in->in_pos;
			in->z.avail_in = (uInt)(in->in_len - in->in_pos);
			in->z.next_out = in->out;
			in->z.avail_out = sizeof(in->out);
			rc = inflate(&in->z, Z_NO_FLUSH);
			in->in_pos = in->in_len - in->z.avail_in;
			in->out_len = sizeof(in->out) - in->z.avail_out;
			if (rc == Z_STREAM_END)
				in->z_open = 0;
			else if (rc != Z_OK && rc != Z_BUF_ERROR)
				return corrupt(in, in->z.msg ? in->z.msg : "inflate failed", err);
		} else {
			ZSTD_inBuffer zin = {in->in + in->in_pos, in->in_len - in->in_pos, 0};
			ZSTD_outBuffer zout = {in->out, sizeof(in->out), 0};
			size_t rc;

			if (in->in_eof && zin.size == 0) {
				if (in->zstd_left != 0)
					return truncated(in, err);
				in->done = 1;
				break;
			}
			rc = ZSTD_decompressStream(in->zd, &zout, &zin);
			if (ZSTD_isError(rc))
				return corrupt(in, ZSTD_getErrorName(rc), err);
			in->zstd_left = rc;
			in->in_pos += zin.pos;
			in->out_len = zout.pos;
		}
	}
	in->total += in->out_len;
	if (in->total > in->lim.max_total) {
		error_set(err, CLARO_ERR_TOO_LARGE, "could not read %s", in->name);
		error_detail(err, "It decompresses to more than %llu bytes.",
			     (unsigned long long)in->lim.max_total);
		error_hint(err, "An export of every Clair feed is a few GiB; this is not one.");
		return CLARO_ERR_TOO_LARGE;
	}
	if (in->codec != STREAM_PLAIN && in->total > RATIO_CHECK_AFTER &&
	    in->total / (in->compressed ? in->compressed : 1) > in->lim.max_ratio) {
		error_set(err, CLARO_ERR_TOO_LARGE, "could not read %s", in->name);
		error_detail(
		    err,
		    "It decompresses more than %llu times its compressed size (%llu bytes from %llu): "
		    "a decompression bomb.",
		    (unsigned long long)in->lim.max_ratio, (unsigned long long)in->total,
		    (unsigned long long)in->compressed);
		error_hint(err,
			   "Real advisory exports compress 5 to 50 times; check where the file came from.");
		return CLARO_ERR_TOO_LARGE;
	}
	return CLARO_OK;
}

enum claro_status in_stream_open(FILE *fp, const char *name, const struct in_limits *limits,
				 struct in_stream **out, struct error *err)
{
	struct in_stream *in = calloc(1, sizeof(*in));
	enum claro_status st;

	*out = NULL;
	if (!in || !(in->name = str_dup(name))) {
		free(in);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	in->fp = fp;
	if (limits)
		in->lim = *limits;
	if (!in->lim.max_line)
		in->lim.max_line = DEFAULT_MAX_LINE;
	if (!in->lim.max_total)
		in->lim.max_total = DEFAULT_MAX_TOTAL;
	if (!in->lim.max_ratio)
		in->lim.max_ratio = DEFAULT_MAX_RATIO;
	in->line.max = in->lim.max_line;
	st = fill_input(in, err);
	if (st == CLARO_OK && in->in_len >= 2 && in->in[0] == 0x1f && in->in[1] == 0x8b) {
		in->codec = STREAM_GZIP;
		if (inflateInit2(&in->z, 15 + 16) != Z_OK)
			st = error_set(err, CLARO_ERR_NOMEM, "could not start gzip decompression");
		in->z_open = st == CLARO_OK;
	} else if (st == CLARO_OK && in->in_len >= 4 && in->in[0] == 0x28 && in->in[1] == 0xb5 &&
		   in->in[2] == 0x2f && in->in[3] == 0xfd) {
		in->codec = STREAM_ZSTD;
		if (!(in->zd = ZSTD_createDCtx()))
			st = error_set(err, CLARO_ERR_NOMEM, "could not start zstd decompression");
		else
			ZSTD_DCtx_setParameter(in->zd, ZSTD_d_windowLogMax, 27); /* 128 MiB window at most */
		in->zstd_left = 1;
	}
	if (st != CLARO_OK) {
		in_stream_free(in);
		return st;
	}
	*out = in;
	return CLARO_OK;
}

enum claro_status in_stream_line(struct in_stream *in, char **line, size_t *len, struct error *err)
{
	enum claro_status st;

	*line = NULL;
	*len = 0;
	buf_reset(&in->line);
	for (;;) {
		unsigned char *start, *nl;
		size_t avail;

		if (in->out_pos >= in->out_len) {
			if (in->done)
				break;
			if ((st = refill(in, err)) != CLARO_OK)
				return st;
			continue;
		}
		start = in->out + in->out_pos;
		avail = in->out_len - in->out_pos;
		nl = memchr(start, '\n', avail);
		st = buf_append(&in->line, start, nl ? (size_t)(nl - start) : avail);
		in->out_pos += nl ? (size_t)(nl - start) + 1 : avail;
		if (st == CLARO_ERR_TOO_LARGE) {
			error_set(err, CLARO_ERR_TOO_LARGE, "could not read %s", in->name);
			error_detail(err, "Line %zu is longer than %zu bytes.", in->line_no + 1,
				     in->lim.max_line);
			error_hint(err,
				   "One record of an export is a vulnerability or an enrichment, never this "
				   "large; check where the file came from.");
			return st;
		}
		if (st != CLARO_OK)
			return error_set(err, st, "out of memory reading %s", in->name);
		if (nl) {
			in->line_no++;
			*line = in->line.data ? in->line.data : (char *)"";
			*len = in->line.len;
			return CLARO_OK;
		}
	}
	if (in->line.len > 0) { /* the last line, without a newline */
		in->line_no++;
		*line = in->line.data;
		*len = in->line.len;
	}
	return CLARO_OK;
}

size_t in_stream_line_number(const struct in_stream *in)
{
	return in->line_no;
}

enum stream_codec in_stream_codec(const struct in_stream *in)
{
	return in->codec;
}

void in_stream_free(struct in_stream *in)
{
	if (!in)
		return;
	if (in->codec == STREAM_GZIP)
		inflateEnd(&in->z);
	ZSTD_freeDCtx(in->zd);
	buf_free(&in->line);
	free(in->name);
	free(in);
}
