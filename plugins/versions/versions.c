/* versions: the version schemes, one component each, named as the matchers
 * and updaters ask for them through host->version_scheme(): dpkg, rpm, apk,
 * pep440, semver, maven, gem. Each scheme lives in its own file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "versions.h"

#define SCHEME(name, ver)                                                                                   \
	static const struct claro_version_scheme_ops name##_ops = {sizeof(struct claro_version_scheme_ops), \
								   versions_##name##_compare,               \
								   versions_##name##_normalize};            \
	static const struct claro_component name##_scheme = {                                               \
	    sizeof(struct claro_component), CLARO_KIND_VERSION_SCHEME, 0, #name, ver, &name##_ops};

SCHEME(dpkg, "1")
SCHEME(rpm, "1")
SCHEME(apk, "1")
SCHEME(pep440, "1")
SCHEME(semver, "1")
SCHEME(maven, "1")
SCHEME(gem, "1")

CLARO_PLUGIN_DEFINE(versions, "1.0.0", "Apache-2.0",
		    "Version schemes: dpkg, rpm, apk, PEP 440, semver, Maven, RubyGems", NULL, NULL, NULL,
		    &dpkg_scheme, &rpm_scheme, &apk_scheme, &pep440_scheme, &semver_scheme, &maven_scheme,
		    &gem_scheme)
