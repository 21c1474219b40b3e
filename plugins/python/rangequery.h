/* The affected range an OSV advisory gives a Python package, as Clair's
 * OSV updater stores it in fixed_in_version: a URL query string
 * (url.Values.Encode(), keys sorted) with up to three keys,
 *
 *   introduced    the first affected version (absent: every version below)
 *   fixed         the first version that is no longer affected
 *   lastAffected  the last affected version (OSV's last_affected)
 *
 * e.g. "fixed=5.2b1&introduced=5.1". rangequery_parse() reads it exactly
 * as Go's url.ParseQuery followed by Values.Get does, which is what Clair's
 * python matcher (claircore:python/matcher.go) does:
 *
 *   - the string is split at "&"; empty parts are skipped;
 *   - a part holding ";" is an error ("invalid semicolon separator");
 *   - a part splits at its first "=" into key and value (no "=": value "");
 *   - key and value are unescaped ("+" is a blank, "%XX" a byte); a "%" not
 *     followed by two hex digits is an error;
 *   - Get() returns the first value of a key, even an empty one;
 *   - any error makes the whole string an error (Clair then reports the
 *     advisory as not affecting the package).
 *
 * Pure function, libc only, no allocation: the caller provides the buffer
 * the decoded values are written to. Input is untrusted (advisory data).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PYTHON_RANGEQUERY_H
#define CLARO_PYTHON_RANGEQUERY_H

#include <stddef.h>

/* A decoded value: NULL when the key is absent. len is the decoded length;
 * the bytes are NUL-terminated, but a value may hold a NUL byte itself
 * ("%00"), so compare len with strlen() before treating it as a string. */
struct rangequery_value {
	const char *ptr;
	size_t len;
};

struct rangequery {
	struct rangequery_value introduced;
	struct rangequery_value fixed;
	struct rangequery_value last_affected;
};

/* The buffer size rangequery_parse() needs for an n-byte query. */
#define RANGEQUERY_BUF_SIZE(n) (2 * (n) + 8)

/* Parse q[0..n). buf (cap bytes, at least RANGEQUERY_BUF_SIZE(n)) receives
 * the decoded values out points into. Returns 0, or -1 with *why set to a
 * static description of the first error (Go's wording). */
int rangequery_parse(const char *q, size_t n, char *buf, size_t cap, struct rangequery *out,
		     const char **why);

#endif /* CLARO_PYTHON_RANGEQUERY_H */
