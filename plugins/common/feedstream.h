/* feedstream: read a feed held in memory as a stream of decompressed bytes,
 * whatever the upstream serves: plain, gzip, bzip2, xz/lzma or zstd, told
 * apart by magic bytes (libarchive's raw format with only those filters
 * enabled, so no external program is ever run). The output is capped:
 * a stream that would yield more than max_out bytes fails with
 * CLARO_ERR_TOO_LARGE, which stops decompression bombs.
 *
 * Pure library code (libarchive and libc only), so parsers built on it can be
 * fuzzed without a host.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_FEEDSTREAM_H
#define CLARO_PLUGINS_FEEDSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include <claro/status.h>

struct feed_stream;

/* Open a stream over data[0..len) (borrowed until close). CLARO_ERR_NOMEM,
 * or CLARO_ERR_INVALID for data whose compression header is corrupt; *out
 * is NULL then and why[0..why_size) says why. An empty body is an empty
 * stream. */
enum claro_status feed_stream_open(const unsigned char *data, size_t len, uint64_t max_out,
				   struct feed_stream **out, char *why, size_t why_size);

/* Up to n bytes; *got == 0 only at the end. On error the stream is failed:
 * feed_stream_error() says why and every later read fails the same way. */
enum claro_status feed_stream_read(struct feed_stream *s, void *buf, size_t n, size_t *got);

/* "none", "gzip", "bzip2", "xz", "lzma" or "zstd". */
const char *feed_stream_compression(const struct feed_stream *s);
/* Bytes produced so far. */
uint64_t feed_stream_offset(const struct feed_stream *s);
/* Why the stream failed (static or owned by the stream), or NULL. */
const char *feed_stream_error(const struct feed_stream *s);

void feed_stream_close(struct feed_stream *s);

#endif /* CLARO_PLUGINS_FEEDSTREAM_H */
