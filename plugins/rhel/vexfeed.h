/* vexfeed: the two container formats of Red Hat's VEX feed, read the way
 * claircore's rhel/vex fetcher reads them (reference §5.2):
 *
 *   - the archive (archive_latest.txt names it): a tar of
 *     "<year>/cve-....json" documents, zstd-compressed, walked in memory
 *     with libarchive (tar with the zstd, gzip or no filter; no external
 *     program). Every regular entry must sit in a year directory (Go's
 *     strconv.ParseInt of path.Dir); years before min_year are skipped.
 *     Limits stop hostile archives: entries, bytes per document (checked on
 *     the header before anything is read), and bytes decompressed in all
 *     (checked on libarchive's own count, so skipped entries count too: a
 *     decompression bomb stops there);
 *   - changes.csv and deletions.csv: CSV records of exactly two fields,
 *     "path","RFC 3339 time", as Go's encoding/csv reads them (quoted fields
 *     with "" inside, CRLF or LF, blank lines skipped; a bare or stray quote,
 *     or another number of fields, is an error).
 *
 * Pure library code (libarchive, libc), fuzzed with the documents.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RHEL_VEXFEED_H
#define CLARO_PLUGINS_RHEL_VEXFEED_H

#include <stddef.h>
#include <stdint.h>

#include "vex.h"

struct vex_limits {
	uint64_t max_documents;
	uint64_t max_document_bytes;
	uint64_t max_total_bytes;
};

struct vex_archive_stats {
	uint64_t entries;   /* headers read */
	uint64_t documents; /* regular entries handed to fn */
	uint64_t old;       /* regular entries of years before min_year */
	uint64_t bytes;     /* decompressed so far */
};

/* One document: path is the entry's name; data is NUL-terminated (len
 * excludes it). A non-OK return stops the walk and is returned. */
typedef enum claro_status (*vex_doc_fn)(void *arg, const char *path, const char *data, size_t len,
					struct vex_error *err);

/* Walk the archive in data[0..len). source names it in errors. */
enum claro_status vex_archive_walk(const unsigned char *data, size_t len, const char *source,
				   const struct vex_limits *lim, long min_year, vex_doc_fn fn, void *arg,
				   struct vex_archive_stats *st, struct vex_error *err);

/* The year a feed path ("2023/cve-2023-0044.json") lies under: 0 and *year,
 * or -1 when path.Dir of it is not a decimal integer. */
int vex_path_year(const char *path, long *year);

/* One CSV record: line is its first line (1-based); path and time are
 * NUL-terminated. */
typedef enum claro_status (*vex_csv_fn)(void *arg, size_t line, const char *path, const char *time,
					struct vex_error *err);

enum claro_status vex_csv_each(const char *data, size_t len, const char *source, vex_csv_fn fn, void *arg,
			       struct vex_error *err);

#endif /* CLARO_PLUGINS_RHEL_VEXFEED_H */
