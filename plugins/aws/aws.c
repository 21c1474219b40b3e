/* aws: Clair's Amazon Linux distribution scanner, "aws" version 2
 * (reference §4.3; claircore:aws/distributionscanner.go, releases.go). It
 * reads etc/os-release and matches, in this order, Clair's regexps on the
 * raw file (Go syntax; '.' is any character but a newline):
 *
 *   AL1     CPE_NAME="cpe:/o:amazon:linux:201.\.0[39]:ga"
 *   AL2     CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2"
 *   AL2023  CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2023"
 *
 * and reports Clair's canonical record of that release (did "amzn"):
 *
 *   AL1     name "Amazon Linux AMI", version/version_id "2018.03",
 *           pretty "Amazon Linux AMI 2018.03",
 *           cpe "cpe:2.3:o:amazon:linux:2018.03:ga:*:*:*:*:*:*"
 *   AL2     name "Amazon Linux", "2", "Amazon Linux 2",
 *           cpe "cpe:2.3:o:amazon:amazon_linux:2:*:*:*:*:*:*:*"
 *   AL2023  name "Amazon Linux", "2023", "Amazon Linux 2023",
 *           cpe "cpe:2.3:o:amazon:amazon_linux:2023:*:*:*:*:*:*:*"
 *
 * (Every AL1 release, 2017.03 or 2018.03, maps to 2018.03, as in Clair.)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <claro/plugin.h>

#include "relfile.h"

struct release {
	/* the regexp as literal bytes, with '\x01' for Go's '.' (any byte but
	 * '\n') and '\x02' for the class [39] */
	const char *pattern;
	struct claro_distribution dist;
};

static const struct release releases[] = {
    {"CPE_NAME=\"cpe:/o:amazon:linux:201\x01"
     ".0\x02"
     ":ga\"",
     {sizeof(struct claro_distribution), "amzn", "Amazon Linux AMI", "2018.03", NULL, "2018.03", NULL,
      "cpe:2.3:o:amazon:linux:2018.03:ga:*:*:*:*:*:*", "Amazon Linux AMI 2018.03"}},
    {"CPE_NAME=\"cpe:2\x01"
     "3:o:amazon:amazon_linux:2\"",
     {sizeof(struct claro_distribution), "amzn", "Amazon Linux", "2", NULL, "2", NULL,
      "cpe:2.3:o:amazon:amazon_linux:2:*:*:*:*:*:*:*", "Amazon Linux 2"}},
    {"CPE_NAME=\"cpe:2\x01"
     "3:o:amazon:amazon_linux:2023\"",
     {sizeof(struct claro_distribution), "amzn", "Amazon Linux", "2023", NULL, "2023", NULL,
      "cpe:2.3:o:amazon:amazon_linux:2023:*:*:*:*:*:*:*", "Amazon Linux 2023"}},
};

static int match_at(const char *p, const char *end, const char *pat)
{
	for (; *pat; pat++, p++) {
		if (p >= end)
			return 0;
		if (*pat == '\x01') {
			if (*p == '\n')
				return 0;
		} else if (*pat == '\x02') {
			if (*p != '3' && *p != '9')
				return 0;
		} else if (*p != *pat) {
			return 0;
		}
	}
	return 1;
}

static int contains(const char *data, size_t len, const char *pat)
{
	for (const char *p = data; p < data + len; p++)
		if (match_at(p, data + len, pat))
			return 1;
	return 0;
}

static enum claro_status aws_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				  struct claro_scan_result *out)
{
	char *data = NULL;
	size_t len = 0;
	enum claro_status st = relfile_read(ctx, layer, "etc/os-release", &data, &len);

	if (st == CLARO_ERR_NOT_FOUND)
		return CLARO_OK;
	if (st != CLARO_OK)
		return st;
	for (size_t i = 0; i < sizeof(releases) / sizeof(releases[0]); i++) {
		if (contains(data, len, releases[i].pattern)) {
			st = ctx->host->add_distribution(ctx, out, &releases[i].dist);
			break;
		}
	}
	ctx->host->free(data);
	return st;
}

static const struct claro_distribution_scanner_ops aws_ops = {
    sizeof(struct claro_distribution_scanner_ops),
    aws_scan,
};

static const struct claro_component aws_scanner = {
    sizeof(struct claro_component), CLARO_KIND_DISTRIBUTION_SCANNER, 0, "aws", "2", &aws_ops,
};

extern const struct claro_component aws_matcher; /* matcher.c */

CLARO_PLUGIN_DEFINE(aws, "1.0.0", "Apache-2.0",
		    "Detects Amazon Linux 1, 2 and 2023 from etc/os-release; the aws-matcher", NULL, NULL,
		    NULL, &aws_scanner, &aws_matcher)
