/* osv: the ecosystem table. Repository names and URIs are Clair's
 * (claircore updater/osv LookupRepository); the semver scheme serves the
 * SEMVER ranges of every ecosystem.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>
#include <strings.h>

#include "ecosystem.h"

const struct osv_ecosystem osv_ecosystems[] = {
    {"PyPI", "osv/pypi", "pypi", "https://pypi.org/", "pep440", OSV_NAME_PEP503, OSV_ECO_QUERY},
    {"Go", "osv/go", "go", "https://pkg.go.dev/", NULL, OSV_NAME_VERBATIM, OSV_ECO_SKIP},
    {"npm", "osv/npm", "npm", "https://www.npmjs.com/", NULL, OSV_NAME_VERBATIM, OSV_ECO_SKIP},
    {"Maven", "osv/maven", "maven", "https://repo1.maven.apache.org/maven2", "maven", OSV_NAME_VERBATIM,
     OSV_ECO_QUERY},
    {"RubyGems", "osv/rubygems", "rubygems", "https://rubygems.org/gems/", "gem", OSV_NAME_VERBATIM,
     OSV_ECO_QUERY},
    {"crates.io", "osv/crates.io", "crates.io", "https://crates.io/", "semver", OSV_NAME_PURL, OSV_ECO_PLAIN},
};
const size_t osv_n_ecosystems = sizeof(osv_ecosystems) / sizeof(osv_ecosystems[0]);

const struct osv_ecosystem *osv_ecosystem_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < osv_n_ecosystems; i++) {
		const char *n = osv_ecosystems[i].osv;
		if (strlen(n) == len && strncasecmp(n, name, len) == 0)
			return &osv_ecosystems[i];
	}
	return NULL;
}

const struct osv_ecosystem *osv_ecosystem_by_updater(const char *updater)
{
	for (size_t i = 0; i < osv_n_ecosystems; i++)
		if (strcmp(osv_ecosystems[i].updater, updater) == 0)
			return &osv_ecosystems[i];
	return NULL;
}
