/* cpematch: how the rhel matcher relates an advisory's repository CPE to an
 * image's (claircore:toolkit/types/cpe/match.go, claircore:rhel/matcher.go):
 *
 *   - cpematch_is_superset: the CPE Name Comparison of NIST IR 7696 §6.2
 *     (table 6-2) attribute by attribute, source = the advisory's CPE taken
 *     as a match expression, target = the image's; true when every
 *     attribute is SUPERSET or EQUAL. Unset and ANY are the same (IR 7695
 *     §5.4.2); a target value holding a wildcard makes the relation
 *     undefined (false); a source value with a wildcard ('*' or '?'
 *     anywhere in the escaped value, as claircore tests it) is a
 *     case-insensitive glob.
 *   - cpematch_is_prefix: Red Hat's "CPE patterns" that do not use the
 *     matching syntax ("cpe:/a:redhat:openshift:4" for 4.13): the image's
 *     CPE bound as a 2.3 formatted string starts with the advisory's, once
 *     every trailing ':' and '*' is cut from the latter.
 *
 * Pure functions over plugins/common/cpe.c's WFNs (libc only).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RHEL_CPEMATCH_H
#define CLARO_PLUGINS_RHEL_CPEMATCH_H

#include "cpe.h"

/* The relation of each attribute (claircore's cpe.Relation). */
enum cpematch_relation {
	CPEMATCH_UNDEFINED = 0,
	CPEMATCH_SUPERSET,
	CPEMATCH_SUBSET,
	CPEMATCH_EQUAL,
	CPEMATCH_DISJOINT
};
void cpematch_relations(const struct cpe *source, const struct cpe *target,
			enum cpematch_relation out[CPE_NATTR]);

int cpematch_is_superset(const struct cpe *source, const struct cpe *target);

/* 1 when target's formatted string starts with source's trimmed one, 0 if
 * not, -1 when out of memory. */
int cpematch_is_prefix(const struct cpe *target, const struct cpe *source);

/* One attribute's glob test (exposed for the tests): the escaped value
 * pattern (leading '*' or run of '?', trailing '*' or run of '?') against
 * the escaped value, case-insensitively. */
int cpematch_glob(const char *pattern, const char *value);

#endif /* CLARO_PLUGINS_RHEL_CPEMATCH_H */
