/* deb822 / RFC-822 style paragraph reader (dpkg "status" files and the
 * distroless "status.d" files). Compiled into each plugin that needs it;
 * depends only on libc.
 *
 * Format: paragraphs separated by one or more blank lines (a line that is
 * empty or holds only blanks). Each field is "Name: value"; a line starting
 * with a space or tab continues the previous field's value (joined with a
 * newline, its leading blanks removed). Names match case-insensitively, as
 * in dpkg; values are trimmed of surrounding blanks.
 *
 * A malformed paragraph (a line without ':', an empty or blank-containing
 * field name, a continuation line with no field before it, a NUL byte) is
 * reported as CLARO_ERR_INVALID with its line number; the reader has then
 * already skipped to the end of that paragraph, so the caller may log it and
 * call rfc822_next() again (claircore's "skip and restart").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RFC822_H
#define CLARO_PLUGINS_RFC822_H

#include <stddef.h>

#include <claro/status.h>

struct rfc822_field {
	char *name;
	char *value;
};

/* One paragraph: fields in file order. first_line is 1-based. */
struct rfc822_paragraph {
	struct rfc822_field *fields;
	size_t count;
	size_t capacity;
	size_t first_line;
};

/* Cursor over a borrowed buffer; the buffer must outlive the reader. */
struct rfc822_reader {
	const char *data;
	size_t len;
	size_t pos;
	size_t line; /* lines consumed so far */
};

/* Why a paragraph was rejected: reason is static, lower case, no period. */
struct rfc822_error {
	size_t line;
	const char *reason;
};

void rfc822_reader_init(struct rfc822_reader *rd, const char *data, size_t len);

/* Read the next paragraph into *out (which the function initialises).
 * CLARO_OK: *out holds at least one field; free it with
 * rfc822_paragraph_free(). CLARO_ERR_NOT_FOUND: no more paragraphs.
 * CLARO_ERR_INVALID: a malformed paragraph was skipped, *err says where.
 * CLARO_ERR_NOMEM: out of memory. On every non-OK status *out is empty. */
enum claro_status rfc822_next(struct rfc822_reader *rd, struct rfc822_paragraph *out,
			      struct rfc822_error *err);

/* Value of the first field called name (ASCII case-insensitive), or NULL. */
const char *rfc822_get(const struct rfc822_paragraph *p, const char *name);

void rfc822_paragraph_free(struct rfc822_paragraph *p);

#endif /* CLARO_PLUGINS_RFC822_H */
