/* osv: walking an OSV dump (a flat zip of <ID>.json files) with libarchive,
 * entry by entry from memory, with limits against hostile archives: entry
 * count, bytes per entry and bytes in total (decompressed, counted while
 * inflating, so a zip bomb stops at the limit, not at the end).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_OSV_ARCHIVE_H
#define CLARO_OSV_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "osverr.h"

struct osv_limits {
	uint64_t max_entries;     /* entries of any kind */
	uint64_t max_entry_bytes; /* decompressed bytes of one entry */
	uint64_t max_total_bytes; /* decompressed bytes of all entries */
};

struct osv_archive_stats {
	uint64_t entries;     /* entries seen */
	uint64_t matched;     /* entries handed to the callback */
	uint64_t total_bytes; /* decompressed bytes read */
};

/* Called per matching entry with its whole content (data is not
 * NUL-terminated and only valid during the call). */
typedef enum claro_status (*osv_entry_fn)(void *arg, const char *name, const char *data, size_t len,
					  struct osv_error *err);

/* Walk the zip archive zip[0..len). Entries that are not regular files or
 * whose names do not end in suffix (".json" for an OSV dump) are skipped. Returns CLARO_OK after the
 * last entry; CLARO_ERR_INVALID (not a zip, truncated, corrupt data, a bad
 * checksum), CLARO_ERR_TOO_LARGE (a limit), CLARO_ERR_NOMEM, or what fn
 * returned, with err filled. */
enum claro_status osv_archive_walk(const void *zip, size_t len, const char *suffix,
				   const struct osv_limits *lim, osv_entry_fn fn, void *arg,
				   struct osv_archive_stats *stats, struct osv_error *err);

#endif /* CLARO_OSV_ARCHIVE_H */
