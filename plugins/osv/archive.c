/* osv: the zip walker. libarchive's seekable zip reader reads the central
 * directory first, so a download cut short is refused before any entry is
 * used, and entry data is inflated in chunks into one reused buffer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "archive.h"

#define WHAT_ZIP    "unreadable OSV archive"
#define WHAT_LIMIT  "OSV archive over a limit"
#define HINT_ZIP    "The download is damaged or is not an OSV all.zip; the previous snapshot is kept."
#define HINT_LIMIT  "If the feed really grew, raise the limit in [plugin.osv]; the previous snapshot is kept."
#define CHUNK_BYTES (64u * 1024)

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static enum claro_status archive_failure(struct archive *a, struct osv_error *err, const char *where)
{
	const char *why = archive_error_string(a);
	char text[256], name[128];

	return osv_fail(err, CLARO_ERR_INVALID, WHAT_ZIP, HINT_ZIP, "%s: %s.",
			osv_printable(name, sizeof(name), where),
			osv_printable(text, sizeof(text), why ? why : "libarchive gave no reason"));
}

/* Read the current entry into *buf (grown as needed, up to the limits). */
static enum claro_status read_entry(struct archive *a, const char *name, const struct osv_limits *lim,
				    struct osv_archive_stats *stats, char **buf, size_t *cap, size_t *len,
				    struct osv_error *err)
{
	char shown[128];

	*len = 0;
	for (;;) {
		la_ssize_t got;
		if (*cap - *len < CHUNK_BYTES) {
			size_t want = *cap ? *cap * 2 : 4 * CHUNK_BYTES;
			char *grown;
			if (want > lim->max_entry_bytes + CHUNK_BYTES + 1)
				want = (size_t)lim->max_entry_bytes + CHUNK_BYTES + 1;
			if (want <= *cap)
				want = *cap + CHUNK_BYTES;
			if (!(grown = realloc(*buf, want)))
				return osv_fail(err, CLARO_ERR_NOMEM, "out of memory",
						"Give claro more memory.",
						"Reading %s of the OSV archive needed more memory.",
						osv_printable(shown, sizeof(shown), name));
			*buf = grown;
			*cap = want;
		}
		got = archive_read_data(a, *buf + *len, CHUNK_BYTES);
		if (got == 0)
			return CLARO_OK;
		if (got < 0)
			return archive_failure(a, err, name);
		*len += (size_t)got;
		stats->total_bytes += (uint64_t)got;
		if (*len > lim->max_entry_bytes)
			return osv_fail(err, CLARO_ERR_TOO_LARGE, WHAT_LIMIT, HINT_LIMIT,
					"%s inflates to more than max_entry_bytes (%llu bytes): a corrupt or "
					"hostile archive (zip bomb).",
					osv_printable(shown, sizeof(shown), name),
					(unsigned long long)lim->max_entry_bytes);
		if (stats->total_bytes > lim->max_total_bytes)
			return osv_fail(
			    err, CLARO_ERR_TOO_LARGE, WHAT_LIMIT, HINT_LIMIT,
			    "The entries inflate to more than max_total_bytes (%llu bytes) in total, "
			    "at %s: a corrupt or hostile archive (zip bomb).",
			    (unsigned long long)lim->max_total_bytes,
			    osv_printable(shown, sizeof(shown), name));
	}
}

enum claro_status osv_archive_walk(const void *zip, size_t len, const char *suffix,
				   const struct osv_limits *lim, osv_entry_fn fn, void *arg,
				   struct osv_archive_stats *stats, struct osv_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *entry;
	char *buf = NULL;
	size_t cap = 0, n;
	enum claro_status st = CLARO_OK;
	int r;

	memset(stats, 0, sizeof(*stats));
	if (!a)
		return osv_fail(err, CLARO_ERR_NOMEM, "out of memory", "Give claro more memory.",
				"libarchive could not allocate a reader.");
	if (len == 0) {
		archive_read_free(a);
		return osv_fail(err, CLARO_ERR_INVALID, WHAT_ZIP, HINT_ZIP,
				"The archive is empty (0 bytes).");
	}
	/* Only the zip reader: a feed in another format is refused. */
	if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
	    archive_read_open_memory(a, (void *)(uintptr_t)zip, len) != ARCHIVE_OK) {
		st = archive_failure(a, err,
				     "not a complete zip archive (no central directory: not a zip file, or a "
				     "download cut short)");
		archive_read_free(a);
		return st;
	}
	while (st == CLARO_OK && (r = archive_read_next_header(a, &entry)) != ARCHIVE_EOF) {
		const char *name;
		char shown[64];

		if (r != ARCHIVE_OK) {
			/* Before the first entry: no usable central directory. */
			st = archive_failure(a, err,
					     stats->entries
						 ? "archive"
						 : "not a complete zip archive (no central directory: not "
						   "a zip file, or a download cut short)");
			break;
		}
		if (++stats->entries > lim->max_entries) {
			st = osv_fail(err, CLARO_ERR_TOO_LARGE, WHAT_LIMIT, HINT_LIMIT,
				      "The archive has more than max_entries (%llu) entries.",
				      (unsigned long long)lim->max_entries);
			break;
		}
		name = archive_entry_pathname(entry);
		if (!name)
			name = "";
		if (archive_entry_filetype(entry) != AE_IFREG || !ends_with(name, suffix))
			continue;
		if (archive_entry_size_is_set(entry) && archive_entry_size(entry) >= 0 &&
		    (uint64_t)archive_entry_size(entry) > lim->max_entry_bytes) {
			st = osv_fail(err, CLARO_ERR_TOO_LARGE, WHAT_LIMIT, HINT_LIMIT,
				      "%s declares %lld bytes, more than max_entry_bytes (%llu).",
				      osv_printable(shown, sizeof(shown), name),
				      (long long)archive_entry_size(entry),
				      (unsigned long long)lim->max_entry_bytes);
			break;
		}
		if ((st = read_entry(a, name, lim, stats, &buf, &cap, &n, err)) != CLARO_OK)
			break;
		stats->matched++;
		st = fn(arg, name, buf, n, err);
	}
	free(buf);
	archive_read_free(a);
	return st;
}
