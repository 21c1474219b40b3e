/* The ubuntu matcher (Clair's ubuntu-matcher, reference §6.3): Ubuntu
 * records, matched on distribution DID, name and VERSION_ID, installed <
 * fixed under dpkg's rules; "0" (OVAL's unfixed marker) means vulnerable.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "distmatch.h"
#include "ubuntu.h"

static const struct distmatch ubuntu_match = {
    "ubuntu", "Ubuntu", "dpkg", CLARO_MATCH_DIST_DID | CLARO_MATCH_DIST_NAME | CLARO_MATCH_DIST_VERSION_ID,
    1};

DISTMATCH_COMPONENT(ubuntu_matcher, "ubuntu-matcher", ubuntu_match);
