/* Byte streams for the advisory export and import: plain, gzip or zstd,
 * written by name suffix and read by magic bytes, with the limits an
 * import of untrusted files needs (line length, decompressed size, ratio).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_ADVISORY_STREAM_H
#define CLARO_CORE_ADVISORY_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

enum stream_codec { STREAM_PLAIN = 0, STREAM_GZIP, STREAM_ZSTD };

/* ---- Writing ---- */
struct out_stream;
/* path "-": stdout (plain unless codec says otherwise). Otherwise the data
 * goes to a temporary file beside path, renamed over it by
 * out_stream_close(ok = 1): a failed export leaves no half file. The codec
 * follows the suffix: .gz gzip, .zst zstd, else plain. */
enum claro_status out_stream_open(const char *path, struct out_stream **out, struct error *err);
enum claro_status out_stream_write(struct out_stream *o, const void *data, size_t n, struct error *err);
/* Finish the codec and the file; ok = 0 throws the output away. Frees o. */
enum claro_status out_stream_close(struct out_stream *o, int ok, struct error *err);

/* ---- Reading ---- */
struct in_limits {
	size_t max_line;    /* longest record; 0: 16 MiB */
	uint64_t max_total; /* decompressed bytes; 0: 64 GiB */
	uint64_t max_ratio; /* decompressed / compressed once past 64 MiB; 0: 1000 */
};
struct in_stream;
/* fp is read from its current position (not closed by in_stream_free);
 * name is for messages. The codec is sniffed from the first bytes. */
enum claro_status in_stream_open(FILE *fp, const char *name, const struct in_limits *limits,
				 struct in_stream **out, struct error *err);
/* The next line without its newline (NUL-terminated; borrowed until the
 * next call). *line = NULL at the end. A last line without a newline is
 * returned too. A compressed stream that ends early is an error. */
enum claro_status in_stream_line(struct in_stream *in, char **line, size_t *len, struct error *err);
size_t in_stream_line_number(const struct in_stream *in);
enum stream_codec in_stream_codec(const struct in_stream *in);
void in_stream_free(struct in_stream *in);

#endif /* CLARO_CORE_ADVISORY_STREAM_H */
