/* suse: Clair's SUSE matcher (reference §6.3; claircore:suse/matcher.go):
 *
 *   filter      did "sles", "opensuse" or "opensuse-leap", or name "SLES" or
 *               "openSUSE Leap";
 *   query       DistributionDID, DistributionName, DistributionVersion;
 *   vulnerable  the RPM rule with the arch test (plugins/common/rpmmatch.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <claro/plugin.h>

#include "rpmmatch.h"

static int one_of(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static int suse_filter(struct claro_ctx *ctx, const struct claro_index_record *record)
{
	static const char *const ids[] = {"sles", "opensuse", "opensuse-leap", NULL};
	static const char *const names[] = {"SLES", "openSUSE Leap", NULL};
	const struct claro_distribution *d = record ? record->distribution : NULL;

	(void)ctx;
	return d && (one_of(d->did, ids) || one_of(d->name, names));
}

static uint32_t suse_query(struct claro_ctx *ctx)
{
	(void)ctx;
	return CLARO_MATCH_DIST_DID | CLARO_MATCH_DIST_NAME | CLARO_MATCH_DIST_VERSION;
}

static const struct claro_matcher_ops suse_matcher_ops = {
    sizeof(struct claro_matcher_ops), 0, suse_filter, suse_query, rpmmatch_vulnerable,
};

const struct claro_component suse_matcher = {
    sizeof(struct claro_component), CLARO_KIND_MATCHER, 0, "suse", "1", &suse_matcher_ops,
};
