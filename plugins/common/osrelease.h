/* os-release / lsb-release KEY=value parser shared by the distribution
 * scanner plugins (debian, ubuntu, alpine, ...). Compiled into each plugin
 * that needs it; it depends only on libc.
 *
 * Format (os-release(5), as claircore reads it, reference §4.3):
 *   - one KEY=value per line; blank lines and lines whose first non-blank
 *     character is '#' are ignored; CR before LF is tolerated;
 *   - key and value are trimmed of surrounding blanks;
 *   - a value starting with a single quote has all leading and trailing
 *     single quotes removed, and the shell idiom '\'' becomes ';
 *   - a value starting with a double quote has all leading and trailing
 *     double quotes removed, and the escapes \` \\ \" \$ become ` \ " $
 *     (left to right, non-overlapping); other backslashes are kept;
 *   - any other value is taken verbatim;
 *   - when a key repeats, the last value wins (as in a shell).
 * A non-blank, non-comment line without '=' or with an empty key, or a NUL
 * byte anywhere, makes the whole file invalid (CLARO_ERR_INVALID) and
 * struct osrelease_error says on which line and why.
 *
 * Usage:
 *   struct osrelease rel;
 *   struct osrelease_error perr;
 *   enum claro_status st = osrelease_parse(buf, len, &rel, &perr);
 *   if (st == CLARO_OK) { const char *id = osrelease_get(&rel, "ID"); ...
 *                         osrelease_free(&rel); }
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_OSRELEASE_H
#define CLARO_PLUGINS_OSRELEASE_H

#include <stddef.h>

#include <claro/status.h>

/* One KEY=value assignment, both NUL-terminated and owned by the parse. */
struct osrelease_entry {
	char *key;
	char *value;
};

/* The parsed file: entries in file order (duplicates kept). */
struct osrelease {
	struct osrelease_entry *entries;
	size_t count;
	size_t capacity;
};

/* Where and why a parse failed. reason is a static string, lower case, no
 * period (e.g. "line has no '=' separator"); line is 1-based, 0 when the
 * failure is not tied to a line (allocation failure). */
struct osrelease_error {
	size_t line;
	const char *reason;
};

/* Parse len bytes of data (need not be NUL-terminated). On CLARO_OK, *out
 * holds the entries and must be released with osrelease_free(). On failure
 * (CLARO_ERR_INVALID, CLARO_ERR_NOMEM) *out is left empty (safe to free) and
 * *err, if not NULL, is filled in. */
enum claro_status osrelease_parse(const char *data, size_t len, struct osrelease *out,
				  struct osrelease_error *err);

/* The value of the last assignment to key (exact, case-sensitive match), or
 * NULL when the key is absent. The string lives as long as *rel. */
const char *osrelease_get(const struct osrelease *rel, const char *key);

/* Release everything osrelease_parse() allocated; leaves *rel empty. */
void osrelease_free(struct osrelease *rel);

#endif /* CLARO_PLUGINS_OSRELEASE_H */
