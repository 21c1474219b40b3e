/* osv: one OSV JSON record -> Clair's vulnerability records (reference
 * §5.2, claircore updater/osv), independent of the host so the fuzz target
 * can drive it.
 *
 * Per record: withdrawn records (withdrawn time in the past) and records
 * without affected entries are skipped. Per affected entry of the dump's own
 * ecosystem and per SEMVER or ECOSYSTEM range, the events are walked in file
 * order into intervals (introduced opens one, fixed or last_affected closes
 * it, an interval still open at the end has no upper bound); each interval
 * is one vulnerability:
 *   name = id, description = summary, issued = published, links =
 *   references then https://osv.dev/vulnerability/<alias> per alias,
 *   severity = the last valid CVSS vector of severity[] (normalised by its
 *   base score's band), else database_specific.severity (normalised by word),
 *   package = binary, named per ecosystem, repository = the ecosystem's.
 *   SEMVER: range [introduced, fixed) in the "semver" normalised form
 *     (last_affected: patch + 1; no upper: +inf), fixed_in_version = fixed;
 *     an inverted range drops the interval.
 *   ECOSYSTEM (PyPI, Maven, RubyGems): fixed_in_version is the URL query
 *     "fixed=..&introduced=..&lastAffected=.." (introduced "0" left out);
 *     with ecosystem_ranges and a scheme that normalises, also the range.
 *   ECOSYSTEM (Go, npm): skipped. (crates.io): fixed_in_version = fixed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_OSV_RECORD_H
#define CLARO_OSV_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <claro/records.h>
#include <claro/kinds/version.h>

#include "ecosystem.h"
#include "osverr.h"

/* Longest record id accepted (Clair's names are short: PYSEC-2021-1234). */
#define OSV_MAX_ID 255

typedef enum claro_status (*osv_emit_fn)(void *arg, const struct claro_vulnerability *v);

struct osv_stats {
	size_t records;         /* records read */
	size_t withdrawn;       /* skipped: withdrawn */
	size_t no_affected;     /* skipped: no affected entries */
	size_t no_ranges;       /* skipped: only GIT ranges, or none */
	size_t other_ecosystem; /* affected entries of another ecosystem */
	size_t no_name;         /* affected entries without a usable package name */
	size_t eco_skipped;     /* ECOSYSTEM ranges of Go and npm */
	size_t bad_version;     /* SEMVER intervals whose bounds did not normalise */
	size_t inverted;        /* SEMVER intervals with lower > upper */
	size_t no_semver;       /* SEMVER intervals emitted without a range: no "semver" scheme */
	size_t no_scheme;       /* ECOSYSTEM intervals without a range: the scheme is missing */
	size_t emitted;         /* vulnerabilities produced */
};

struct osv_convert {
	const struct osv_ecosystem *eco;
	const struct claro_version_scheme_ops *eco_scheme; /* ops of eco->scheme, or NULL */
	const struct claro_version_scheme_ops *semver;     /* ops of "semver", or NULL */
	int ecosystem_ranges;                              /* normalised ranges for ECOSYSTEM too */
	int64_t now;                                       /* seconds since the epoch (withdrawn) */
	osv_emit_fn emit;                                  /* NULL: check and count only */
	void *emit_arg;
	struct osv_stats stats;
};

/* Convert one record (json, len bytes, not NUL-terminated; source names it
 * in messages). CLARO_ERR_INVALID with err filled for malformed JSON or a
 * field of the wrong type; CLARO_ERR_NOMEM; or what emit returned. */
enum claro_status osv_convert_record(struct osv_convert *cv, const char *json, size_t len, const char *source,
				     struct osv_error *err);

/* Helpers, exposed for the tests. */
/* PEP 503: lowercase, every run of "-", "_" and "." becomes one "-".
 * Returns a malloc'd string or NULL. */
char *osv_pep503(const char *name);
/* RFC 3339 date-time -> seconds since the epoch; -1 if it does not parse. */
int osv_parse_time(const char *s, int64_t *out);

#endif /* CLARO_OSV_RECORD_H */
