/* The matchers of the distributions whose advisories name a fixed version
 * of a (source) package per release: Alpine, Debian, Ubuntu (reference
 * §6.3). Each is a descriptor; one set of functions implements Clair's
 * Filter / Query / Vulnerable for all of them:
 *
 *   filter      the record's distribution has the DID or the name
 *   query       the descriptor's CLARO_MATCH_* constraints
 *   vulnerable  no fixed version: vulnerable; "0": the descriptor says
 *               (Debian and Alpine: not affected; Ubuntu: not fixed yet);
 *               otherwise installed < fixed under the version scheme. A
 *               version the scheme cannot parse is "not vulnerable" with a
 *               debug log, as Clair does, never an error.
 *
 * Compiled into each plugin that uses it (plugins/common).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_COMMON_DISTMATCH_H
#define CLARO_PLUGINS_COMMON_DISTMATCH_H

#include <claro/plugin.h>

struct distmatch {
	const char *did;    /* os-release ID, e.g. "debian" */
	const char *name;   /* os-release NAME, e.g. "Debian GNU/Linux" */
	const char *scheme; /* version scheme, e.g. "dpkg" */
	uint32_t constraints;
	int zero_is_vulnerable; /* fixed_in_version "0" means unfixed (Ubuntu) */
};

/* The ops of a matcher for d; use in a static struct claro_matcher_ops:
 *   static const struct claro_matcher_ops ops = DISTMATCH_OPS(filter, query, vulnerable);
 * where each function is a one-line wrapper passing the descriptor. */
int distmatch_filter(const struct distmatch *d, const struct claro_index_record *record);
enum claro_status distmatch_vulnerable(const struct distmatch *d, struct claro_ctx *ctx,
				       const struct claro_index_record *record,
				       const struct claro_vulnerability *vuln, int *vulnerable);

/* Define a matcher component `sym` named `cname` from descriptor `desc`. */
#define DISTMATCH_COMPONENT(sym, cname, desc)                                                                \
	static int sym##_filter(struct claro_ctx *ctx, const struct claro_index_record *r)                   \
	{                                                                                                    \
		(void)ctx;                                                                                   \
		return distmatch_filter(&(desc), r);                                                         \
	}                                                                                                    \
	static uint32_t sym##_query(struct claro_ctx *ctx)                                                   \
	{                                                                                                    \
		(void)ctx;                                                                                   \
		return (desc).constraints;                                                                   \
	}                                                                                                    \
	static enum claro_status sym##_vulnerable(struct claro_ctx *ctx, const struct claro_index_record *r, \
						  const struct claro_vulnerability *v, int *out)             \
	{                                                                                                    \
		return distmatch_vulnerable(&(desc), ctx, r, v, out);                                        \
	}                                                                                                    \
	static const struct claro_matcher_ops sym##_ops = {sizeof(struct claro_matcher_ops), 0,              \
							   sym##_filter, sym##_query, sym##_vulnerable};     \
	const struct claro_component sym = {                                                                 \
	    sizeof(struct claro_component), CLARO_KIND_MATCHER, 0, cname, "1", &sym##_ops}

#endif /* CLARO_PLUGINS_COMMON_DISTMATCH_H */
