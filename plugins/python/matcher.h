/* The python matcher (Clair's claircore:python/matcher.go; reference §6.3,
 * the python row).
 *
 *   filter()      the package's normalized version is of kind "pep440"
 *                 (what the python scanner sets on every PEP 440 version)
 *   query()       RepositoryName: the advisory's repository name must equal
 *                 the record's ("pypi")
 *   vulnerable()  an empty fixed_in_version: vulnerable. Otherwise
 *                 fixed_in_version is the query string of Clair's OSV
 *                 updater (rangequery.h): the installed version must be
 *                 >= introduced (when given) and < fixed, or else
 *                 <= lastAffected; with neither, vulnerable. Versions are
 *                 compared with host->version_scheme(ctx, "pep440").
 *
 * Anything that cannot be read (the query string, the installed version, a
 * bound that is no PEP 440 version) means "not vulnerable" with a debug log,
 * as Clair decides; it is never an error. No pep440 scheme loaded while an
 * advisory needs a comparison is an error (three parts): saying "not
 * vulnerable" for every Python package would hide every finding.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PYTHON_MATCHER_H
#define CLARO_PYTHON_MATCHER_H

#include <claro/plugin.h>

/* Bump when the matching rules change (reported by GET /api/v1/plugins). */
#define PYTHON_MATCHER_VERSION "1"

/* The component: kind matcher, name "python". */
extern const struct claro_component python_matcher;

#endif /* CLARO_PYTHON_MATCHER_H */
