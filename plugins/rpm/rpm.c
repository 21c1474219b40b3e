/* rpm: RPM support -- the package scanner for rpm databases (Berkeley DB,
 * SQLite and ndb), under Clair's name and version so cached layer results
 * stay comparable. The database readers also back the RPM-owned path set
 * (rpm_pathset.h) that language scanners compile in.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "rpm.h"

CLARO_PLUGIN_DEFINE(rpm, "1.0.0", "Apache-2.0",
		    "RPM: installed packages from Berkeley DB, SQLite and ndb rpm databases, without librpm",
		    NULL, NULL, NULL, &rpm_package_scanner)
