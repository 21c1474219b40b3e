/* The VEX feed's archive and CSV lists; see vexfeed.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "vexfeed.h"

#define FEED_HINT                                                                                       \
	"The previous snapshot is kept. Check that the configured vex_url serves Red Hat's VEX layout " \
	"(a mirror may hold a damaged copy); the next run retries."

int vex_path_year(const char *path, long *year)
{
	const char *slash = strrchr(path, '/'), *s = path, *e;
	long v = 0;
	int neg = 0;

	if (!slash)
		return -1;
	e = slash;
	while (e > s && e[-1] == '/')
		e--;
	while (e - s >= 2 && s[0] == '.' && s[1] == '/') {
		s += 2;
		while (s < e && *s == '/')
			s++;
	}
	if (s < e && (*s == '+' || *s == '-')) {
		neg = *s == '-';
		s++;
	}
	if (s == e)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (2147483647L - (*s - '0')) / 10)
			return -1; /* a year, not a 64-bit number: larger is no year */
		v = v * 10 + (*s - '0');
	}
	*year = neg ? -v : v;
	return 0;
}

/* ---- the archive ---- */

static enum claro_status archive_fail(struct vex_error *err, struct archive *a, const char *source,
				      const struct vex_archive_stats *st)
{
	const char *why = archive_error_string(a);

	return vex_error_set(
	    err, CLARO_ERR_INVALID, "damaged VEX archive", FEED_HINT,
	    "%.200s: %.200s (after %llu entries). The archive is truncated or not a tar.zst of "
	    "JSON documents.",
	    source, why ? why : "unreadable data", (unsigned long long)st->entries);
}

enum claro_status vex_archive_walk(const unsigned char *data, size_t len, const char *source,
				   const struct vex_limits *lim, long min_year, vex_doc_fn fn, void *arg,
				   struct vex_archive_stats *st, struct vex_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	enum claro_status rc = CLARO_OK;
	char *buf = NULL;
	int r;

	memset(st, 0, sizeof(*st));
	if (!a)
		return vex_error_set(err, CLARO_ERR_NOMEM, "out of memory", "Give the process more memory.",
				     "%.200s could not be read.", source);
	/* tar only, and only decompressors built into libarchive: no external
	 * program is ever started for data from the network. */
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_none(a) != ARCHIVE_OK) {
		rc = vex_error_set(err, CLARO_ERR_UNSUPPORTED, "this libarchive cannot read the VEX archive",
				   "Build claro against a libarchive with zstd support (libzstd).",
				   "%.200s: %.200s", source,
				   archive_error_string(a) ? archive_error_string(a) : "?");
		goto out;
	}
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		rc = archive_fail(err, a, source, st);
		goto out;
	}
	for (;;) {
		const char *path;
		la_int64_t size;
		size_t got = 0;
		long year;

		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			rc = archive_fail(err, a, source, st);
			goto out;
		}
		st->entries++;
		st->bytes = (uint64_t)archive_filter_bytes(a, 0);
		if (st->bytes > lim->max_total_bytes)
			goto too_much;
		path = archive_entry_pathname(e);
		size = archive_entry_size(e);
		if (size < 0 || (uint64_t)size > lim->max_document_bytes) {
			rc = vex_error_set(
			    err, CLARO_ERR_TOO_LARGE, "a VEX archive entry is too large",
			    "Raise [plugin.rhel] vex_max_document_bytes if the feed really has such "
			    "documents.",
			    "%.200s: entry %.200s has %lld bytes; the limit is %llu.", source,
			    path ? path : "?", (long long)size, (unsigned long long)lim->max_document_bytes);
			goto out;
		}
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (!path || vex_path_year(path, &year) != 0) {
			rc = vex_error_set(
			    err, CLARO_ERR_INVALID, "unexpected entry in the VEX archive", FEED_HINT,
			    "%.200s: entry \"%.200s\" is not in a year directory (<year>/<file>.json).",
			    source, path ? path : "");
			goto out;
		}
		if (year < min_year) {
			st->old++;
			continue;
		}
		if (++st->documents > lim->max_documents) {
			rc = vex_error_set(
			    err, CLARO_ERR_TOO_LARGE, "too many documents in the VEX archive",
			    "Raise [plugin.rhel] vex_max_documents if the feed really has that many.",
			    "%.200s has more than %llu documents.", source,
			    (unsigned long long)lim->max_documents);
			goto out;
		}
		if (!(buf = malloc((size_t)size + 1))) {
			rc = vex_error_set(err, CLARO_ERR_NOMEM, "out of memory",
					   "Give the process more memory.",
					   "%.200s: entry %.200s (%lld bytes) could not be read.", source,
					   path, (long long)size);
			goto out;
		}
		while (got < (size_t)size) {
			la_ssize_t n = archive_read_data(a, buf + got, (size_t)size - got);

			if (n < 0) {
				rc = archive_fail(err, a, source, st);
				goto out;
			}
			if (n == 0)
				break;
			got += (size_t)n;
		}
		if (got != (size_t)size) {
			rc = vex_error_set(
			    err, CLARO_ERR_INVALID, "damaged VEX archive", FEED_HINT,
			    "%.200s: entry %.200s ends after %zu of its %lld bytes (a truncated archive).",
			    source, path, got, (long long)size);
			goto out;
		}
		buf[got] = '\0';
		st->bytes = (uint64_t)archive_filter_bytes(a, 0);
		if (st->bytes > lim->max_total_bytes)
			goto too_much;
		if ((rc = fn(arg, path, buf, got, err)) != CLARO_OK)
			goto out;
		free(buf);
		buf = NULL;
	}
	goto out;
too_much:
	rc =
	    vex_error_set(err, CLARO_ERR_TOO_LARGE, "the VEX archive decompresses to too much data",
			  "Raise [plugin.rhel] vex_max_total_bytes if the feed really is that large; a small "
			  "archive that inflates past the limit is a decompression bomb.",
			  "%.200s: more than %llu bytes after decompression.", source,
			  (unsigned long long)lim->max_total_bytes);
out:
	free(buf);
	archive_read_free(a);
	return rc;
}

/* ---- changes.csv, deletions.csv ---- */

struct csv_field {
	char *s;
	size_t n, cap;
};

static int field_add(struct csv_field *f, char c)
{
	if (f->n + 1 >= f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 64;
		char *ns = realloc(f->s, ncap);

		if (!ns)
			return -1;
		f->s = ns;
		f->cap = ncap;
	}
	f->s[f->n++] = c;
	f->s[f->n] = '\0';
	return 0;
}

static enum claro_status csv_bad(struct vex_error *err, const char *source, size_t line, const char *why)
{
	return vex_error_set(err, CLARO_ERR_INVALID, "malformed VEX change list", FEED_HINT,
			     "%.200s, line %zu: %s.", source, line, why);
}

enum claro_status vex_csv_each(const char *data, size_t len, const char *source, vex_csv_fn fn, void *arg,
			       struct vex_error *err)
{
	struct csv_field f[2] = {{0}, {0}};
	const char *p = data, *e = data + len;
	size_t line = 1;
	enum claro_status rc = CLARO_OK;

	while (p < e) {
		size_t nf = 0, start = line;
		int end_of_record = 0;

		/* a blank line (LF or CRLF) is no record */
		if (*p == '\n' || (*p == '\r' && p + 1 < e && p[1] == '\n')) {
			p += *p == '\r' ? 2 : 1;
			line++;
			continue;
		}
		f[0].n = f[1].n = 0;
		if (f[0].s)
			f[0].s[0] = '\0';
		if (f[1].s)
			f[1].s[0] = '\0';
		while (!end_of_record) {
			/* fields past the second are only counted */
			struct csv_field *cur = nf < 2 ? &f[nf] : NULL;
			if (p < e && *p == '"') {
				p++;
				for (;;) {
					if (p >= e) {
						rc = csv_bad(err, source, start,
							     "a quoted field is not closed");
						goto out;
					}
					if (*p == '"') {
						if (p + 1 < e && p[1] == '"') {
							if (cur && field_add(cur, '"') != 0)
								goto nomem;
							p += 2;
							continue;
						}
						p++;
						break;
					}
					if (*p == '\r' && p + 1 < e && p[1] == '\n')
						p++;
					if (*p == '\n')
						line++;
					if (cur && field_add(cur, *p) != 0)
						goto nomem;
					p++;
				}
				if (p < e && *p == ',') {
					p++;
				} else if (p >= e || *p == '\n' ||
					   (*p == '\r' && p + 1 < e && p[1] == '\n') ||
					   (*p == '\r' && p + 1 == e)) {
					end_of_record = 1;
				} else {
					rc = csv_bad(err, source, line,
						     "a quote is followed by something else than a comma");
					goto out;
				}
			} else {
				while (p < e && *p != ',' && *p != '\n' &&
				       !(*p == '\r' && (p + 1 == e || p[1] == '\n'))) {
					if (*p == '"') {
						rc = csv_bad(err, source, line,
							     "a bare quote in an unquoted field");
						goto out;
					}
					if (cur && field_add(cur, *p) != 0)
						goto nomem;
					p++;
				}
				if (p < e && *p == ',')
					p++;
				else
					end_of_record = 1;
			}
			nf++;
			if (end_of_record) {
				if (p < e && *p == '\r')
					p++;
				if (p < e && *p == '\n') {
					p++;
					line++;
				}
			}
		}
		if (nf != 2) {
			rc = csv_bad(err, source, start,
				     nf < 2 ? "a record with one field (two expected)"
					    : "a record with more than two fields");
			goto out;
		}
		if ((rc = fn(arg, start, f[0].s ? f[0].s : "", f[1].s ? f[1].s : "", err)) != CLARO_OK)
			goto out;
	}
	goto out;
nomem:
	rc = vex_error_set(err, CLARO_ERR_NOMEM, "out of memory", "Give the process more memory.",
			   "%.200s could not be read.", source);
out:
	free(f[0].s);
	free(f[1].s);
	return rc;
}
