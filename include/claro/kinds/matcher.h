/* claro plugin SDK: matchers.
 *
 * Clair's Filter / Query / Vulnerable semantics (reference §3.6, §6): filter()
 * says whether an index record concerns this matcher, query() which fields
 * the store must match on, vulnerable() the final decision for each candidate
 * advisory the store returned. The core writes and runs every query.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_KINDS_MATCHER_H
#define CLARO_KINDS_MATCHER_H

#include <claro/status.h>
#include <claro/records.h>

struct claro_ctx;

/* Match constraints (bit flags, Clair's driver.MatchConstraint). Values are
 * ABI. Since: ABI 1.0 */
#define CLARO_MATCH_PACKAGE_SOURCE_NAME    (1u << 0)
#define CLARO_MATCH_PACKAGE_NAME           (1u << 1)
#define CLARO_MATCH_PACKAGE_MODULE         (1u << 2)
#define CLARO_MATCH_DIST_DID               (1u << 3)
#define CLARO_MATCH_DIST_NAME              (1u << 4)
#define CLARO_MATCH_DIST_VERSION           (1u << 5)
#define CLARO_MATCH_DIST_VERSION_CODE_NAME (1u << 6)
#define CLARO_MATCH_DIST_VERSION_ID        (1u << 7)
#define CLARO_MATCH_DIST_ARCH              (1u << 8)
#define CLARO_MATCH_DIST_CPE               (1u << 9)
#define CLARO_MATCH_DIST_PRETTY_NAME       (1u << 10)
#define CLARO_MATCH_REPOSITORY_NAME        (1u << 11)
#define CLARO_MATCH_REPOSITORY_KEY         (1u << 12)
#define CLARO_MATCH_HAS_FIXED_IN_VERSION   (1u << 13)

/* Matcher flags. Since: ABI 1.0 */
#define CLARO_MATCHER_VERSION_FILTER (1u << 0) /* store filters on normalised ranges */
#define CLARO_MATCHER_AUTHORITATIVE  (1u << 1) /* ...and that filter is final: vulnerable() skipped */

/* CLARO_KIND_MATCHER. Since: ABI 1.0 */
struct claro_matcher_ops {
	uint32_t struct_size;
	uint32_t flags; /* CLARO_MATCHER_* */
	/* Non-zero if the record concerns this matcher. */
	int (*filter)(struct claro_ctx *ctx, const struct claro_index_record *record);
	/* The CLARO_MATCH_* constraints for the store query (may depend on config). */
	uint32_t (*query)(struct claro_ctx *ctx);
	/* Set *vulnerable to 1 if the advisory applies to the record, else 0. */
	enum claro_status (*vulnerable)(struct claro_ctx *ctx, const struct claro_index_record *record,
					const struct claro_vulnerability *vuln, int *vulnerable);
};

#endif /* CLARO_KINDS_MATCHER_H */
