/* Core metadata of an installed Python distribution: the header section of
 * a METADATA (wheel, .dist-info) or PKG-INFO (egg, .egg-info) file.
 *
 * Both are RFC 822 style headers, read the way Python's own reader
 * (importlib.metadata on top of email.message_from_string, policy compat32)
 * reads them, so that claro finds the same Name and Version as the Python
 * interpreter in the image:
 *   - lines end in "\n", "\r\n" or "\r"; a UTF-8 byte order mark at the very
 *     start is skipped;
 *   - "Key: value" where Key is one or more printable ASCII characters other
 *     than ":" (no spaces); keys compare case-insensitively; the first
 *     occurrence of a key wins; leading blanks of the value are dropped;
 *   - a line starting with a space or tab continues the previous header;
 *   - "From " lines (mbox envelopes) are ignored;
 *   - the header section ends at the first empty line, or at the first line
 *     that is none of the above (a malformed line: what follows is body).
 *
 * Pure functions over a byte buffer: no allocation, no host. The strings
 * returned point into the caller's buffer and are NOT NUL-terminated.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PYTHON_PKGINFO_H
#define CLARO_PYTHON_PKGINFO_H

#include <stddef.h>

/* A header value: a span of the input. Continuation lines are part of it,
 * with their line breaks, as Python keeps them. */
struct pkginfo_value {
	const char *ptr; /* NULL: the header is absent */
	size_t len;
};

struct pkginfo {
	struct pkginfo_value name;
	struct pkginfo_value version;
	struct pkginfo_value metadata_version;
	size_t header_lines;  /* lines read as part of the header section */
	size_t bad_line;      /* 1-based line that ended the header section early, or 0 */
	const char *bad_what; /* why that line is malformed, or NULL */
};

/* Read the header section of data[0..len). Never fails: what is not there
 * is reported absent. */
void pkginfo_parse(const char *data, size_t len, struct pkginfo *out);

/* v without the blanks (space, tab, CR, LF) at both ends. */
struct pkginfo_value pkginfo_trim(struct pkginfo_value v);

/* 1 if [s, s+n) is well-formed UTF-8 without NUL or other C0 control
 * characters (tab excepted), else 0. Names and versions must be, to be
 * reported. */
int pkginfo_is_text(const char *s, size_t n);

#endif /* CLARO_PYTHON_PKGINFO_H */
