/* osv: the three-part error (what / detail / hint) the host-independent
 * parts of the plugin (archive walker, record converter) fill in, so the
 * fuzz target can use them without a host and osv.c hands them on with
 * host->error(), error_detail() and error_hint().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_OSV_OSVERR_H
#define CLARO_OSV_OSVERR_H

#include <claro/status.h>

#if defined(__GNUC__)
#define OSV_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define OSV_PRINTF(f, a)
#endif

struct osv_error {
	enum claro_status status; /* CLARO_OK until something failed */
	char what[256];
	char detail[768];
	char hint[256];
};

/* Record a failure (the first one wins) and return status. what and hint are
 * plain text; detail is formatted. Text from the feed is passed through
 * osv_printable() first. */
enum claro_status osv_fail(struct osv_error *e, enum claro_status status, const char *what, const char *hint,
			   const char *detail_fmt, ...) OSV_PRINTF(5, 6);

/* Copy at most cap-1 bytes of s into out for a message: control bytes become
 * '?', a longer text ends in "...". Returns out. */
char *osv_printable(char *out, size_t cap, const char *s);

#endif /* CLARO_OSV_OSVERR_H */
