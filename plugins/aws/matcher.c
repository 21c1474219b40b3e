/* aws-matcher: Clair's Amazon Linux matcher (reference §6.3;
 * claircore:aws/matcher.go):
 *
 *   filter      the distribution is Amazon Linux: name "Amazon Linux AMI"
 *               (AL1) or "Amazon Linux" (AL2, AL2023), or did "amzn";
 *   query       DistributionDID, DistributionVersionID;
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

static int aws_filter(struct claro_ctx *ctx, const struct claro_index_record *record)
{
	const struct claro_distribution *d = record ? record->distribution : NULL;

	(void)ctx;
	return d && (is(d->name, "Amazon Linux AMI") || is(d->name, "Amazon Linux") || is(d->did, "amzn"));
}

static uint32_t aws_query(struct claro_ctx *ctx)
{
	(void)ctx;
	return CLARO_MATCH_DIST_DID | CLARO_MATCH_DIST_VERSION_ID;
}

static const struct claro_matcher_ops aws_matcher_ops = {
    sizeof(struct claro_matcher_ops), 0, aws_filter, aws_query, rpmmatch_vulnerable,
};

const struct claro_component aws_matcher = {
    sizeof(struct claro_component), CLARO_KIND_MATCHER, 0, "aws-matcher", "1", &aws_matcher_ops,
};
