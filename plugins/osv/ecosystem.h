/* osv: the ecosystems the updater set knows, with Clair's updater names,
 * repositories, package naming and range encodings (reference §5.2).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_OSV_ECOSYSTEM_H
#define CLARO_OSV_ECOSYSTEM_H

#include <stddef.h>

/* How affected[].package becomes the vulnerability's package name. */
enum osv_naming {
	OSV_NAME_VERBATIM = 0, /* package.name as written (Go, npm, Maven, RubyGems) */
	OSV_NAME_PEP503 = 1,   /* PEP 503 normalised package.name (PyPI) */
	OSV_NAME_PURL = 2      /* package.purl (Clair's rule for other ecosystems: crates.io) */
};

/* What an ECOSYSTEM range becomes. */
enum osv_eco_ranges {
	OSV_ECO_QUERY = 0, /* fixed_in_version = "fixed=..&introduced=..&lastAffected=.." */
	OSV_ECO_SKIP = 1,  /* ignored: Go and npm publish SEMVER ranges (Clair since v1.5.53) */
	OSV_ECO_PLAIN = 2  /* fixed_in_version = the fixed version */
};

struct osv_ecosystem {
	const char *osv;       /* as OSV spells it: URL path segment, affected[].package.ecosystem */
	const char *updater;   /* Clair's updater name: "osv/" + lowercased */
	const char *repo_name; /* Vulnerability.repository.name */
	const char *repo_uri;  /* Vulnerability.repository.uri */
	const char *scheme;    /* version scheme of ECOSYSTEM ranges, or NULL */
	enum osv_naming naming;
	enum osv_eco_ranges eco_ranges;
};

/* Known ecosystems, in the order the updater set offers them. */
extern const struct osv_ecosystem osv_ecosystems[];
extern const size_t osv_n_ecosystems;

/* By OSV name ("PyPI"), case-insensitively; NULL if unknown. */
const struct osv_ecosystem *osv_ecosystem_by_name(const char *name, size_t len);
/* By updater name ("osv/pypi"); NULL if unknown. */
const struct osv_ecosystem *osv_ecosystem_by_updater(const char *updater);

#endif /* CLARO_OSV_ECOSYSTEM_H */
