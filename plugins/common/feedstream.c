/* feedstream: decompressing reader over a feed in memory (see feedstream.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "feedstream.h"

struct feed_stream {
	struct archive *a;
	uint64_t max_out;
	uint64_t offset;
	int eof;
	enum claro_status failed; /* CLARO_OK while healthy */
	const char *why;          /* static text, or why_buf */
	char why_buf[256];
	const char *compression;
};

/* The filters we accept, each built into libarchive. A filter that libarchive
 * could only provide through an external program (ARCHIVE_WARN from its
 * support call) is left out: a feed must never start a process. */
static const struct {
	int (*support)(struct archive *);
} filters[] = {
    {archive_read_support_filter_gzip}, {archive_read_support_filter_bzip2}, {archive_read_support_filter_xz},
    {archive_read_support_filter_lzma}, {archive_read_support_filter_zstd},
};
#define N_FILTERS (sizeof(filters) / sizeof(filters[0]))

static struct archive *new_reader(void)
{
	unsigned skip = 0;

	for (;;) {
		struct archive *a = archive_read_new();
		unsigned retry = 0;

		if (!a)
			return NULL;
		for (size_t i = 0; i < N_FILTERS; i++) {
			if (skip & (1u << i))
				continue;
			if (filters[i].support(a) != ARCHIVE_OK)
				retry |= 1u << i;
		}
		if (!retry) {
			if (archive_read_support_format_raw(a) != ARCHIVE_OK) {
				archive_read_free(a);
				return NULL;
			}
			return a;
		}
		archive_read_free(a);
		skip |= retry;
	}
}

static void set_why(struct feed_stream *s, const char *prefix, struct archive *a)
{
	const char *msg = a ? archive_error_string(a) : NULL;

	/* Copied: the archive's message dies with the archive. */
	if (msg)
		snprintf(s->why_buf, sizeof(s->why_buf), "%s: %s", prefix, msg);
	else
		snprintf(s->why_buf, sizeof(s->why_buf), "%s", prefix);
	s->why = s->why_buf;
}

static const char *name_compression(struct archive *a)
{
	int n = archive_filter_count(a);

	/* Filter 0 is the last applied; the outermost is n - 2 ("none" is n - 1). */
	for (int i = n - 1; i >= 0; i--) {
		switch (archive_filter_code(a, i)) {
		case ARCHIVE_FILTER_GZIP: return "gzip";
		case ARCHIVE_FILTER_BZIP2: return "bzip2";
		case ARCHIVE_FILTER_XZ: return "xz";
		case ARCHIVE_FILTER_LZMA: return "lzma";
		case ARCHIVE_FILTER_ZSTD: return "zstd";
		default: break;
		}
	}
	return "none";
}

enum claro_status feed_stream_open(const unsigned char *data, size_t len, uint64_t max_out,
				   struct feed_stream **out, char *why, size_t why_size)
{
	static const char empty[1];
	struct feed_stream *s = calloc(1, sizeof(*s));
	struct archive_entry *entry;
	int rc;

	*out = NULL;
	if (why_size)
		why[0] = '\0';
	if (!s || !(s->a = new_reader())) {
		free(s);
		return CLARO_ERR_NOMEM;
	}
	s->max_out = max_out;
	s->compression = "none";
	/* libarchive refuses a NULL buffer; an empty feed is an empty stream. */
	rc = archive_read_open_memory(s->a, len ? (const void *)data : (const void *)empty, len);
	if (rc == ARCHIVE_OK)
		rc = archive_read_next_header(s->a, &entry);
	if (rc == ARCHIVE_EOF) {
		s->eof = 1;
	} else if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
		set_why(s, "the data is not a readable stream", s->a);
		if (why_size)
			snprintf(why, why_size, "%s", s->why_buf);
		feed_stream_close(s);
		return CLARO_ERR_INVALID;
	}
	s->compression = name_compression(s->a);
	*out = s;
	return CLARO_OK;
}

enum claro_status feed_stream_read(struct feed_stream *s, void *buf, size_t n, size_t *got)
{
	la_ssize_t r;

	*got = 0;
	if (s->failed)
		return s->failed;
	if (s->eof || n == 0)
		return CLARO_OK;
	r = archive_read_data(s->a, buf, n);
	if (r < 0) {
		set_why(s, "the data is corrupt", s->a);
		return s->failed = CLARO_ERR_INVALID;
	}
	if (r == 0) {
		s->eof = 1;
		return CLARO_OK;
	}
	if ((uint64_t)r > s->max_out - s->offset) {
		snprintf(s->why_buf, sizeof(s->why_buf),
			 "it decompresses to more than %llu bytes (the configured limit)",
			 (unsigned long long)s->max_out);
		s->why = s->why_buf;
		return s->failed = CLARO_ERR_TOO_LARGE;
	}
	s->offset += (uint64_t)r;
	*got = (size_t)r;
	return CLARO_OK;
}

const char *feed_stream_compression(const struct feed_stream *s)
{
	return s->compression;
}

uint64_t feed_stream_offset(const struct feed_stream *s)
{
	return s->offset;
}

const char *feed_stream_error(const struct feed_stream *s)
{
	return s->failed ? s->why : NULL;
}

void feed_stream_close(struct feed_stream *s)
{
	if (!s)
		return;
	if (s->a)
		archive_read_free(s->a);
	free(s);
}
