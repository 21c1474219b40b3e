/* alpine: Alpine Linux support -- the apk package scanner and the alpine
 * distribution scanner, under Clair's names and versions so cached layer
 * results stay comparable.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "alpine.h"

CLARO_PLUGIN_DEFINE(alpine, "1.0.0", "Apache-2.0",
		    "Alpine Linux: apk installed database and distribution detection", NULL, NULL, NULL,
		    &alpine_apk_scanner, &alpine_dist_scanner)
