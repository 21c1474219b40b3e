/* alpine: Alpine Linux support -- the apk package scanner and the alpine
 * distribution scanner, under Clair's names and versions so cached layer
 * results stay comparable, and the secdb updater set.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "alpine.h"

static const struct claro_cfg_key *const alpine_config[] = {&alpine_cfg_url, NULL};

CLARO_PLUGIN_DEFINE(alpine, "1.1.0", "Apache-2.0",
		    "Alpine Linux: apk installed database, distribution detection, secdb updaters",
		    alpine_config, NULL, NULL, &alpine_apk_scanner, &alpine_dist_scanner,
		    &alpine_secdb_updaters, &alpine_matcher)
