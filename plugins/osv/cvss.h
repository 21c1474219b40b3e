/* osv: CVSS base scores from vector strings (v2, v3.0, v3.1, v4.0), for the
 * normalised severity of OSV advisories (reference §5.2, §5.3: the
 * qualitative band of the computed base score, as claircore does).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_OSV_CVSS_H
#define CLARO_OSV_CVSS_H

#include <claro/records.h>

/* The base score of vector in tenths (0..100): "CVSS:3.0/", "CVSS:3.1/" and
 * "CVSS:4.0/" by prefix, anything else as CVSS v2. Every base metric must be
 * present once; temporal, environmental (and v4 supplemental) metrics must be
 * known and well-formed and do not change the base score. Returns 0, or -1
 * when vector is not a valid CVSS vector. */
int osv_cvss_base_score(const char *vector, int *score10);

/* The NVD band of a base score: 0 Negligible, 0.1-3.9 Low, 4.0-6.9 Medium,
 * 7.0-8.9 High, 9.0-10.0 Critical (claircore uses these for every version). */
enum claro_severity osv_cvss_band(int score10);

#endif /* CLARO_OSV_CVSS_H */
