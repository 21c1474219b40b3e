/* versions: the version schemes of the versions plugin, one file each, and
 * the few helpers they share (vercommon.c).
 *
 * Every compare is a pure function over two NUL-terminated strings: no
 * allocation, no state, safe from any thread (include/claro/kinds/version.h).
 * Numbers of any length compare exactly (as digit strings), so no version
 * overflows a comparison.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGIN_VERSIONS_H
#define CLARO_PLUGIN_VERSIONS_H

#include <stddef.h>
#include <stdint.h>

#include <claro/plugin.h>

/* The schemes, each as a compare and a normalize (the ops tables in
 * versions.c point at these; tests and fuzz targets call them directly). */
#define VERSIONS_DECLARE(name)                                                               \
	enum claro_status versions_##name##_compare(const char *a, const char *b, int *cmp); \
	enum claro_status versions_##name##_normalize(const char *v, struct claro_normalized_version *out);
VERSIONS_DECLARE(dpkg)
VERSIONS_DECLARE(rpm)
VERSIONS_DECLARE(apk)
VERSIONS_DECLARE(pep440)
VERSIONS_DECLARE(semver)
VERSIONS_DECLARE(maven)
VERSIONS_DECLARE(gem)
#undef VERSIONS_DECLARE

/* ---- helpers (vercommon.c) ---- */

static inline int vers_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int vers_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int vers_is_alnum(unsigned char c)
{
	return vers_is_digit(c) || vers_is_alpha(c);
}

static inline unsigned char vers_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static inline int vers_sign(int c)
{
	return (c > 0) - (c < 0);
}

/* Compare two runs of ASCII digits as unbounded non-negative integers
 * (leading zeros ignored; an empty run is 0). Returns <0, 0, >0. */
int vers_digits_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* Case-insensitive: does s start with the lowercase word w? Returns strlen(w)
 * or 0. */
size_t vers_prefix_ci(const char *s, const char *w);

/* Builds a normalised version (reference §4.4: kind + 10 int32) so that
 * a < b in the scheme implies norm(a) <= norm(b) lexicographically.
 * A number too large for int32 is clamped to INT32_MAX and every later slot
 * is set to INT32_MAX too: two versions that differ only past a clamped
 * number then normalise equal instead of in the wrong order. */
struct vers_norm {
	struct claro_normalized_version *out;
	int saturated; /* a slot was clamped: the rest are INT32_MAX */
};

void vers_norm_begin(struct vers_norm *n, struct claro_normalized_version *out, const char *kind);
/* V[i] = the digit run's value (clamped as above). No-op once saturated. */
void vers_norm_digits(struct vers_norm *n, int i, const char *s, size_t len);
/* V[i] = value. No-op once saturated. */
void vers_norm_set(struct vers_norm *n, int i, int32_t value);
/* V[from..9] = value. No-op once saturated. */
void vers_norm_fill(struct vers_norm *n, int from, int32_t value);
/* The clamped value of a digit run (INT32_MAX when it does not fit). */
int32_t vers_digits_i32(const char *s, size_t len, int *clamped);

#endif /* CLARO_PLUGIN_VERSIONS_H */
