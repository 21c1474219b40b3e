/* The debian matcher (Clair's debian-matcher, reference §6.3): Debian
 * records, matched on distribution DID, name and VERSION_ID, installed <
 * fixed under dpkg's rules; "0" means not affected.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "debian.h"
#include "distmatch.h"

static const struct distmatch debian_match = {
    "debian", "Debian GNU/Linux", "dpkg",
    CLARO_MATCH_DIST_DID | CLARO_MATCH_DIST_NAME | CLARO_MATCH_DIST_VERSION_ID, 0};

DISTMATCH_COMPONENT(debian_matcher, "debian-matcher", debian_match);
