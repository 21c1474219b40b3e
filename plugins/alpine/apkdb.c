/* apkdb: parser for apk-tools' installed database (see apkdb.h for the rules).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "apkdb.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static struct apkdb_field trimmed(const char *p, size_t len)
{
	struct apkdb_field f;

	while (len && is_blank(*p)) {
		p++;
		len--;
	}
	while (len && is_blank(p[len - 1]))
		len--;
	f.ptr = p;
	f.len = len;
	return f;
}

/* The entry being assembled: fields plus whether any line was seen. */
struct entry_state {
	struct apkdb_entry entry;
	int open;
};

static enum claro_status fail(struct apkdb_error *err, size_t line, const char *reason)
{
	if (err) {
		err->line = line;
		err->reason = reason;
	}
	return CLARO_ERR_INVALID;
}

/* The 1-based line number of the byte at p. */
static size_t line_of(const char *data, const char *p)
{
	size_t line = 1;

	for (; data < p; data++)
		line += *data == '\n';
	return line;
}

/* Deliver the current entry, if any, and start a new one. */
static enum claro_status close_entry(struct entry_state *st, apkdb_entry_fn fn, void *arg,
				     struct apkdb_error *err)
{
	enum claro_status status;

	if (!st->open)
		return CLARO_OK;
	if (!st->entry.name.len)
		return fail(err, st->entry.line, "the package entry starting here has no name (P:)");
	if (!st->entry.version.len)
		return fail(err, st->entry.line, "the package entry starting here has no version (V:)");
	status = fn(&st->entry, arg);
	memset(st, 0, sizeof(*st));
	return status;
}

static void take_field(struct entry_state *st, const char *line, size_t len, size_t lineno)
{
	struct apkdb_field value = trimmed(line + 2, len - 2);

	if (!st->open) {
		st->open = 1;
		st->entry.line = lineno;
	}
	switch (line[0]) {
	case 'P': st->entry.name = value; break;
	case 'V': st->entry.version = value; break;
	case 'A': st->entry.arch = value; break;
	case 'o': st->entry.origin = value; break;
	case 'c': st->entry.commit = value; break;
	default: /* files, checksums, dependencies, ...: not needed */ break;
	}
}

enum claro_status apkdb_parse(const char *data, size_t len, apkdb_entry_fn fn, void *arg,
			      struct apkdb_error *err)
{
	struct entry_state st;
	size_t pos = 0, lineno = 0;
	const char *nul;
	enum claro_status status;

	memset(&st, 0, sizeof(st));
	if (len && (nul = memchr(data, '\0', len)) != NULL)
		return fail(err, line_of(data, nul), "the line contains a NUL byte");
	while (pos < len) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (n == 0) {
			if ((status = close_entry(&st, fn, arg, err)) != CLARO_OK)
				return status;
			continue;
		}
		if (n < 2)
			continue;
		if (line[1] != ':')
			return fail(err, lineno, "the line is not a \"K:value\" field");
		take_field(&st, line, n, lineno);
	}
	return close_entry(&st, fn, arg, err);
}
