/* Clair's Alpine / Debian / Ubuntu matcher logic (distmatch.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "distmatch.h"

#include <string.h>

static int eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int distmatch_filter(const struct distmatch *d, const struct claro_index_record *record)
{
	const struct claro_distribution *dist = record->distribution;

	return dist && (eq(dist->did, d->did) || eq(dist->name, d->name));
}

enum claro_status distmatch_vulnerable(const struct distmatch *d, struct claro_ctx *ctx,
				       const struct claro_index_record *record,
				       const struct claro_vulnerability *vuln, int *vulnerable)
{
	const struct claro_host *h = ctx->host;
	const struct claro_version_scheme_ops *scheme;
	const char *fixed = vuln->fixed_in_version, *installed = record->package->version;
	int cmp = 0;

	*vulnerable = 0;
	if (!fixed || !*fixed) {
		*vulnerable = 1;
		return CLARO_OK;
	}
	if (strcmp(fixed, "0") == 0) {
		*vulnerable = d->zero_is_vulnerable;
		return CLARO_OK;
	}
	if (!(scheme = h->version_scheme(ctx, d->scheme))) {
		enum claro_status st =
		    h->error(ctx, CLARO_ERR_UNSUPPORTED, "version scheme \"%s\" is not loaded", d->scheme);

		h->error_detail(ctx, "The %s matcher compares versions with it.", d->did);
		h->error_hint(ctx, "Load the versions plugin ([plugins] load).");
		return st;
	}
	if (scheme->compare(installed ? installed : "", fixed, &cmp) != CLARO_OK) {
		h->log(ctx, CLARO_LOG_DEBUG, "%s: cannot compare \"%s\" with fixed \"%s\"; not reported",
		       vuln->name ? vuln->name : "?", installed ? installed : "", fixed);
		return CLARO_OK;
	}
	*vulnerable = cmp < 0;
	return CLARO_OK;
}
