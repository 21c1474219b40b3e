/* enrich: FIRST's EPSS scores CSV -> claro.epss records.
 *
 * The feed (epss_scores-<date>.csv.gz, or -current) is one metadata line
 *   #model_version:v2023.03.01,score_date:2024-10-25T00:00:00+0000
 * a header "cve,epss,percentile" (further columns allowed), then one row per
 * CVE. Each row becomes a record tagged with its CVE id whose data is
 * claircore's EPSSItem shape:
 *   {"modelVersion":"v2023.03.01","date":"2024-10-25T00:00:00+0000",
 *    "cve":"CVE-1999-0005","epss":0.91963,"percentile":0.9903}
 * Scores are written as the CSV has them, trailing zeros dropped (what Go
 * prints for the same double).
 *
 * Stricter than claircore, which skips bad rows: a row with the wrong number
 * of fields, a quoted field, an id that is not a CVE id or a score that is
 * not a plain decimal between 0 and 1 (no sign, no exponent, at most 32
 * characters) fails the whole feed, as do a missing metadata field, a wrong
 * header, a line over EPSS_MAX_LINE bytes and a feed without rows. Blank
 * lines and further '#' lines are skipped (as Go's CSV reader does).
 *
 * Pure library code.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_ENRICH_EPSS_H
#define CLARO_ENRICH_EPSS_H

#include <stddef.h>
#include <stdint.h>

#include "enrerr.h"
#include "jsonscan.h"

#define EPSS_MAX_LINE 4096

typedef enum claro_status (*epss_emit_fn)(void *arg, const char *cve, const char *json,
					  struct enrich_error *err);

struct epss_stats {
	uint64_t rows;
	char model_version[65];
	char score_date[65];
};

/* Read the CSV from rd (decompressed) and emit every row. */
enum claro_status epss_parse(jfeed_read_fn rd, void *src, const char *label, epss_emit_fn emit, void *arg,
			     struct epss_stats *stats, struct enrich_error *err);

/* A score as EPSS writes it ("0.99030") -> its JSON number ("0.9903") in
 * out (at least 40 bytes). 0 ok, -1 not a plain decimal in [0, 1]. */
int epss_probability(const char *s, size_t n, char *out);

#endif /* CLARO_ENRICH_EPSS_H */
