/* PEP 440 spelling of versions and PEP 503 spelling of project names.
 *
 * pyversion_canonical() accepts exactly the versions the reference
 * implementation accepts (packaging.version.VERSION_PATTERN, matched
 * case-insensitively between optional blanks) and writes the normalized
 * form PEP 440 defines, which is what str(packaging.version.Version(v))
 * and `pip list` print: "V1.0-ALPHA" -> "1.0a0", "2!01.2-1" -> "2!1.2.post1",
 * "1.0.dev" -> "1.0.dev0", "1.0+Ubuntu-01" -> "1.0+ubuntu.1". Ordering and
 * the 10-integer normalised form are the "pep440" version scheme's job
 * (host->version_scheme); this only spells.
 *
 * pyname_normalize() is PEP 503: lowercase, every run of "-", "_" and "."
 * becomes one "-" ("Foo_Bar.baz" -> "foo-bar-baz").
 *
 * Pure functions, no allocation.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PYTHON_PYVERSION_H
#define CLARO_PYTHON_PYVERSION_H

#include <stddef.h>

/* The buffer size that always suffices for the canonical form of an
 * n-byte version (with its NUL). */
#define PYVERSION_CANONICAL_MAX(n) ((n) + 32)

/* Write the canonical form of s[0..n) and a NUL into out (cap bytes, at
 * least PYVERSION_CANONICAL_MAX(n)). Returns its length, or -1 if s is not
 * a PEP 440 version (or cap is too small). */
long pyversion_canonical(const char *s, size_t n, char *out, size_t cap);

/* Write the PEP 503 form of s[0..n) and a NUL into out (at least n + 1
 * bytes). Returns its length. ASCII letters are lowercased; other bytes are
 * copied as they are. */
size_t pyname_normalize(const char *s, size_t n, char *out);

#endif /* CLARO_PYTHON_PYVERSION_H */
