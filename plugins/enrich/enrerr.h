/* enrich: the three-part error (what / detail / hint) that the
 * host-independent parsers (zstream, jsonscan, cvss, epss, kev) fill in, so
 * the fuzz targets use them without a host and the updaters hand them on
 * with host->error(), error_detail() and error_hint().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_ENRICH_ENRERR_H
#define CLARO_ENRICH_ENRERR_H

#include <stddef.h>

#include <claro/status.h>

#if defined(__GNUC__)
#define ENRICH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ENRICH_PRINTF(f, a)
#endif

struct enrich_error {
	enum claro_status status; /* CLARO_OK until something failed */
	char what[256];
	char detail[768];
	char hint[256];
};

/* Record a failure (the first one wins) and return status (the first
 * one's). what and hint are plain text; detail is formatted. Text taken
 * from a feed goes through enrich_printable() first. */
enum claro_status enrich_fail(struct enrich_error *e, enum claro_status status, const char *what,
			      const char *hint, const char *detail_fmt, ...) ENRICH_PRINTF(5, 6);

/* At most cap-1 bytes of s[0..len) for a message: control and non-ASCII
 * bytes become '?', a longer text ends in "...". Returns out. */
char *enrich_printable(char *out, size_t cap, const char *s, size_t len);

#endif /* CLARO_ENRICH_ENRERR_H */
