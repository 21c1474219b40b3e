/* The alpine matcher (Clair's alpine-matcher, reference §6.3): Alpine
 * records, matched on distribution DID, name and pretty name (secdb names
 * "Alpine Linux v3.10"), installed < fixed under apk's rules; "0" means not
 * affected.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "alpine.h"
#include "distmatch.h"

static const struct distmatch alpine_match = {
    "alpine", "Alpine Linux", "apk",
    CLARO_MATCH_DIST_DID | CLARO_MATCH_DIST_NAME | CLARO_MATCH_DIST_PRETTY_NAME, 0};

DISTMATCH_COMPONENT(alpine_matcher, "alpine-matcher", alpine_match);
