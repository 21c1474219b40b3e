/* enrich: CVE ids.
 *
 *   - cve_find: Clair's loose search for CVE ids in free text
 *     (claircore enricher.CVERegexp, `(?i:cve)[-_][0-9]{4}[-_][0-9]{4,}`):
 *     "cve" in any case, '-' or '_', four digits, '-' or '_', four or more
 *     digits; leftmost matches, not overlapping, the last group greedy, no
 *     word boundaries. Matches are returned as written (Clair looks the raw
 *     match up as a tag, so "cve_2021_44228" finds nothing stored under
 *     "CVE-2021-44228"; claro does the same).
 *   - cve_valid: the strict form the feeds use as tags, CVE-YYYY-NNNN...
 *
 * Pure library code.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_ENRICH_CVEID_H
#define CLARO_ENRICH_CVEID_H

#include <stddef.h>

#define CVE_MAX_LEN 32 /* longest tag accepted from a feed ("CVE-" 4 "-" up to 19 digits) */

/* The next match in s[0..n) at or after *pos: 1 with *start and *len set
 * and *pos moved past it, or 0. */
int cve_find(const char *s, size_t n, size_t *pos, size_t *start, size_t *len);

/* s[0..n) is exactly CVE-<4 digits>-<4 to 19 digits>. */
int cve_valid(const char *s, size_t n);

#endif /* CLARO_ENRICH_CVEID_H */
