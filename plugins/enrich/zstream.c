/* enrich: bounded gzip-or-plain streams over a body in memory (zstream.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "zstream.h"

struct zstream {
	const unsigned char *data;
	size_t len;
	const char *label;
	uint64_t max_out;
	uint64_t produced;
	int gzip;
	int member_ended; /* a gzip member ended; another may follow */
	int done;
	size_t plain_pos;
	z_stream zs;
};

static const char hint_feed[] = "The server sent a broken or incomplete file: retry later, or check the URL "
				"(and the mirror directory, if one is configured).";

enum claro_status zstream_open(const unsigned char *data, size_t len, uint64_t max_out, const char *label,
			       struct zstream **out, struct enrich_error *err)
{
	struct zstream *z = calloc(1, sizeof(*z));

	*out = NULL;
	if (!z)
		return enrich_fail(err, CLARO_ERR_NOMEM, "out of memory", "Give the process more memory.",
				   "Could not allocate a decompression stream.");
	z->data = data;
	z->len = len;
	z->label = label ? label : "the feed";
	z->max_out = max_out;
	z->gzip = len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	if (z->gzip) {
		z->zs.next_in = (unsigned char *)(uintptr_t)data;
		z->zs.avail_in = 0; /* fed in chunks below: avail_in is only 32 bits */
		if (inflateInit2(&z->zs, 15 + 16) != Z_OK) {
			free(z);
			return enrich_fail(err, CLARO_ERR_NOMEM, "out of memory",
					   "Give the process more memory.",
					   "zlib could not set up a gzip stream.");
		}
	}
	*out = z;
	return CLARO_OK;
}

int zstream_is_gzip(const struct zstream *z)
{
	return z->gzip;
}

uint64_t zstream_offset(const struct zstream *z)
{
	return z->produced;
}

/* Input consumed so far. */
static size_t consumed(const struct zstream *z)
{
	return (size_t)(z->zs.next_in - z->data);
}

/* Hand zlib at most 1 GiB at a time (avail_in is an unsigned int). */
static void feed_input(struct zstream *z)
{
	size_t left = z->len - consumed(z);

	if (z->zs.avail_in == 0 && left > 0)
		z->zs.avail_in = (uInt)(left > (1u << 30) ? (1u << 30) : left);
}

static enum claro_status count_output(struct zstream *z, size_t got, struct enrich_error *err)
{
	uint64_t in = z->gzip ? consumed(z) : z->produced + got;

	z->produced += got;
	if (z->produced > z->max_out)
		return enrich_fail(err, CLARO_ERR_TOO_LARGE, "feed too large when decompressed",
				   "Raise max_uncompressed_bytes in [plugin.enrich] if the feed really grew "
				   "this much.",
				   "%s decompresses to more than %llu bytes (max_uncompressed_bytes).",
				   z->label, (unsigned long long)z->max_out);
	if (z->gzip && z->produced > ZSTREAM_RATIO_AFTER && z->produced / (in ? in : 1) > ZSTREAM_MAX_RATIO)
		return enrich_fail(
		    err, CLARO_ERR_TOO_LARGE, "feed looks like a decompression bomb",
		    "Real feeds compress far less; check where the URL (or the mirror) points.",
		    "%s decompressed %llu bytes out of %llu, a ratio above %d:1.", z->label,
		    (unsigned long long)z->produced, (unsigned long long)in, ZSTREAM_MAX_RATIO);
	return CLARO_OK;
}

static enum claro_status read_gzip(struct zstream *z, char *buf, size_t n, size_t *got,
				   struct enrich_error *err)
{
	while (*got == 0 && !z->done) {
		int ret;

		if (z->member_ended) {
			size_t at = consumed(z), left = z->len - at;

			if (left == 0) {
				z->done = 1;
				break;
			}
			if (left < 2 || z->data[at] != 0x1f || z->data[at + 1] != 0x8b)
				return enrich_fail(
				    err, CLARO_ERR_INVALID, "corrupt gzip feed", hint_feed,
				    "%s has %zu bytes after the end of its gzip data that are not "
				    "another gzip member.",
				    z->label, left);
			if (inflateReset(&z->zs) != Z_OK)
				return enrich_fail(err, CLARO_ERR_INVALID, "corrupt gzip feed", hint_feed,
						   "zlib could not start the next gzip member of %s.",
						   z->label);
			z->member_ended = 0;
		}
		feed_input(z);
		z->zs.next_out = (unsigned char *)buf;
		z->zs.avail_out = (uInt)(n > (1u << 30) ? (1u << 30) : n);
		ret = inflate(&z->zs, Z_NO_FLUSH);
		*got = (size_t)((char *)z->zs.next_out - buf);
		if (ret == Z_STREAM_END) {
			z->member_ended = 1;
		} else if (ret == Z_BUF_ERROR && consumed(z) == z->len) {
			return enrich_fail(err, CLARO_ERR_INVALID, "truncated gzip feed", hint_feed,
					   "%s ends in the middle of its gzip data after %zu bytes.",
					   z->label, z->len);
		} else if (ret == Z_BUF_ERROR && z->zs.avail_in > 0) {
			return enrich_fail(err, CLARO_ERR_INVALID, "corrupt gzip feed", hint_feed,
					   "zlib made no progress on %s at compressed byte %zu.", z->label,
					   consumed(z));
		} else if (ret == Z_MEM_ERROR) {
			return enrich_fail(err, CLARO_ERR_NOMEM, "out of memory",
					   "Give the process more memory.",
					   "zlib ran out of memory inflating %s.", z->label);
		} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			return enrich_fail(err, CLARO_ERR_INVALID, "corrupt gzip feed", hint_feed,
					   "zlib failed on %s at compressed byte %zu: %s.", z->label,
					   consumed(z), z->zs.msg ? z->zs.msg : "invalid data");
		}
		if (*got > 0) {
			enum claro_status st = count_output(z, *got, err);
			if (st != CLARO_OK)
				return st;
		}
	}
	return CLARO_OK;
}

enum claro_status zstream_read(struct zstream *z, char *buf, size_t n, size_t *got, struct enrich_error *err)
{
	*got = 0;
	if (err->status != CLARO_OK)
		return err->status;
	if (n == 0)
		return CLARO_OK;
	if (z->gzip)
		return read_gzip(z, buf, n, got, err);
	if (z->plain_pos < z->len) {
		size_t k = z->len - z->plain_pos < n ? z->len - z->plain_pos : n;
		memcpy(buf, z->data + z->plain_pos, k);
		z->plain_pos += k;
		*got = k;
		return count_output(z, k, err);
	}
	return CLARO_OK;
}

void zstream_close(struct zstream *z)
{
	if (!z)
		return;
	if (z->gzip)
		inflateEnd(&z->zs);
	free(z);
}
