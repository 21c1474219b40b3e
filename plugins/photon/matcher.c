/* photon: Clair's Photon OS matcher (reference §6.3;
 * claircore:photon/matcher.go):
 *
 *   filter      did "photon";
 *   query       DistributionDID, DistributionName, DistributionVersion;
 *   vulnerable  the RPM rule with the arch test (plugins/common/rpmmatch.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <claro/plugin.h>

#include "rpmmatch.h"

static int photon_filter(struct claro_ctx *ctx, const struct claro_index_record *record)
{
	const struct claro_distribution *d = record ? record->distribution : NULL;

	(void)ctx;
	return d && d->did && strcmp(d->did, "photon") == 0;
}

static uint32_t photon_query(struct claro_ctx *ctx)
{
	(void)ctx;
	return CLARO_MATCH_DIST_DID | CLARO_MATCH_DIST_NAME | CLARO_MATCH_DIST_VERSION;
}

static const struct claro_matcher_ops photon_matcher_ops = {
    sizeof(struct claro_matcher_ops), 0, photon_filter, photon_query, rpmmatch_vulnerable,
};

const struct claro_component photon_matcher = {
    sizeof(struct claro_component), CLARO_KIND_MATCHER, 0, "photon", "1", &photon_matcher_ops,
};
