/* The index of a tar file: one pass over its headers, then lookups by path.
 *
 * The tar is a spooled, decompressed layer on disk (any seekable fd). The
 * parser is hand-written and bounds-checked: ustar (name + prefix), POSIX pax
 * extended headers (path, linkpath, size, mtime; global headers are skipped),
 * GNU long names and long link targets ('L', 'K'), base-256 numbers, header
 * checksums. Entries are kept compactly: names and link targets live in one
 * arena, each entry is a small fixed record pointing into it.
 *
 * What the index holds, as extracting the tar would leave it:
 *   - Paths are normalised: no leading "/" or "./", no trailing "/", "." and
 *     empty components dropped, ".." applied lexically and never above the
 *     root. The root is the entry "" (always a directory).
 *   - A later entry with the same path replaces the earlier one.
 *   - A hardlink becomes a copy of its target as the target was at that
 *     point in the archive (data offset, size, type); a hardlink whose target
 *     does not precede it is kept as CLARO_FILE_OTHER and cannot be opened.
 *   - Directories implied by deeper paths exist (TARINDEX_IMPLIED).
 *   - Whiteouts (".wh.<name>", ".wh..wh..opq") stay in the index as the
 *     entries they are, flagged TARINDEX_WHITEOUT, so walks report them.
 *   - Symlink targets are kept verbatim; resolving them is layerfs.c's job.
 *
 * Entries are sorted bytewise by path, so a directory's subtree is one
 * contiguous range after it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_TARINDEX_H
#define CLARO_CORE_TARINDEX_H

#include <stddef.h>
#include <stdint.h>

#include <claro/plugin.h>

#include "error.h"

#define TARINDEX_NONE           UINT32_MAX /* no link target */
#define TARINDEX_MAX_EXT_HEADER (1u << 20) /* largest pax or GNU long-name payload accepted */

enum tarindex_flag {
	TARINDEX_WHITEOUT = 1u << 0, /* basename starts with ".wh." */
	TARINDEX_HARDLINK = 1u << 1, /* was a hardlink in the tar */
	TARINDEX_IMPLIED = 1u << 2,  /* a directory only implied by deeper paths */
	TARINDEX_DANGLING = 1u << 3  /* a hardlink whose target was not found */
};

struct tarindex_entry {
	uint64_t offset; /* of the data in the file (regular files) */
	uint64_t size;   /* of the data; 0 for non-regular entries */
	int64_t mtime;
	uint32_t name; /* arena offset of the normalised path */
	uint32_t link; /* arena offset of a symlink's target, or TARINDEX_NONE */
	uint32_t mode; /* permission bits (07777) */
	uint8_t type;  /* enum claro_file_type */
	uint8_t flags; /* enum tarindex_flag bits */
};

struct tarindex;

/* Index the tar in fd (read with pread; the fd is not kept). A malformed or
 * truncated tar is CLARO_ERR_INVALID with the offset in the detail. */
enum claro_status tarindex_build(int fd, struct tarindex **out, struct error *err);
void tarindex_free(struct tarindex *ix);

size_t tarindex_count(const struct tarindex *ix);
/* Entry i in path order (0 is the root ""). */
const struct tarindex_entry *tarindex_at(const struct tarindex *ix, size_t i);
const char *tarindex_name(const struct tarindex *ix, const struct tarindex_entry *e);
/* A symlink's target, or NULL. */
const char *tarindex_link(const struct tarindex *ix, const struct tarindex_entry *e);
/* The entry for a normalised path, or NULL. */
const struct tarindex_entry *tarindex_find(const struct tarindex *ix, const char *path);
/* The position of the first entry whose path is >= key (bytewise). */
size_t tarindex_lower_bound(const struct tarindex *ix, const char *key, size_t keylen);
/* Number of whiteout entries (for logs and tests). */
size_t tarindex_whiteouts(const struct tarindex *ix);

#endif /* CLARO_CORE_TARINDEX_H */
