/* oracle: Clair's Oracle Linux matcher (reference §6.3;
 * claircore:oracle/matcher.go):
 *
 *   filter      did "ol" or name "Oracle Linux Server";
 *   query       DistributionDID, DistributionName, DistributionVersion;
 *   vulnerable  the RPM rule with the arch test (plugins/common/rpmmatch.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <claro/plugin.h>

#include "rpmmatch.h"

static int is(const char *s, const char *want)
{
	return s && strcmp(s, want) == 0;
}

static int oracle_filter(struct claro_ctx *ctx, const struct claro_index_record *record)
{
	const struct claro_distribution *d = record ? record->distribution : NULL;

	(void)ctx;
	return d && (is(d->did, "ol") || is(d->name, "Oracle Linux Server"));
}

static uint32_t oracle_query(struct claro_ctx *ctx)
{
	(void)ctx;
	return CLARO_MATCH_DIST_DID | CLARO_MATCH_DIST_NAME | CLARO_MATCH_DIST_VERSION;
}

static const struct claro_matcher_ops oracle_matcher_ops = {
    sizeof(struct claro_matcher_ops), 0, oracle_filter, oracle_query, rpmmatch_vulnerable,
};

const struct claro_component oracle_matcher = {
    sizeof(struct claro_component), CLARO_KIND_MATCHER, 0, "oracle", "1", &oracle_matcher_ops,
};
