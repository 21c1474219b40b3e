/* rhel: Clair's RHEL distribution scanner, version 3 (reference §4.3,
 * claircore:rhel/distributionscanner.go). It reads etc/os-release, then
 * usr/lib/os-release, and on the first one that says so reports:
 *
 *   - Clair's release regexp matching anywhere in the file (rhel_release_match
 *     below): the canonical record of that major release, the one Clair's
 *     updaters use (claircore:rhel/releases.go):
 *       did rhel, name "Red Hat Enterprise Linux Server", version N,
 *       version_id N, pretty_name "Red Hat Enterprise Linux Server N",
 *       cpe "cpe:2.3:o:redhat:enterprise_linux:N:*:*:*:*:*:*:*";
 *   - else, when the file parses and ID is "hummingbird" (any case), the
 *     file's own ID, NAME, VERSION, VERSION_ID, PRETTY_NAME and CPE_NAME
 *     (bound as a 2.3 formatted string; an invalid one is left out with a
 *     warning).
 *
 * Version 3 reads no etc/redhat-release (RHEL 6 has no os-release and is not
 * detected, as in Clair). Because the regexp runs on the whole file, CentOS
 * Stream (REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux 8") is RHEL 8 here
 * as in Clair; the centos scanner leaves such files alone.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpe.h"
#include "osrelease.h"
#include "relfile.h"
#include "rhel.h"

#define RELEASE_DIGITS_MAX 18 /* Go's strconv.ParseInt(.., 64) limit, rounded down */

/* RE2's \s */
static int re2_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int has_prefix(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* The regexp at one position after "Red Hat Enterprise Linux ": the start
 * of the digits, or NULL. Go tries the alternatives in order and backtracks
 * into the next one when the rest does not match. */
static const char *release_digits(const char *q, const char *end)
{
	static const char *const variants[] = {"Server", "Atomic Host", ""};

	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		const char *r = q;

		if (!has_prefix(r, end, variants[v]))
			continue;
		r += strlen(variants[v]);
		while (r < end && re2_space(*r))
			r++;
		if (has_prefix(r, end, "release")) {
			const char *s = r + strlen("release");

			while (s < end && re2_space(*s))
				s++;
			if (s < end && *s >= '0' && *s <= '9')
				return s;
		}
		if (r < end && *r >= '0' && *r <= '9')
			return r;
	}
	return NULL;
}

int rhel_release_match(const char *text, size_t len, long *major)
{
	static const char lit[] = "Red Hat Enterprise Linux ";
	const char *end = text + len;

	for (const char *p = text; p < end; p++) {
		const char *d, *e;
		long n = 0;

		if (*p != 'R' || !has_prefix(p, end, lit) || !(d = release_digits(p + strlen(lit), end)))
			continue;
		for (e = d; e < end && *e >= '0' && *e <= '9'; e++)
			;
		if (e - d > RELEASE_DIGITS_MAX)
			return -1;
		for (const char *c = d; c < e; c++)
			n = n * 10 + (*c - '0');
		*major = n;
		return 1;
	}
	return 0;
}

static enum claro_status report_release(struct claro_ctx *ctx, struct claro_scan_result *out, long major)
{
	char n[24], pretty[64], cpe[80];
	struct claro_distribution d = {0};

	snprintf(n, sizeof(n), "%ld", major);
	snprintf(pretty, sizeof(pretty), "Red Hat Enterprise Linux Server %ld", major);
	snprintf(cpe, sizeof(cpe), "cpe:2.3:o:redhat:enterprise_linux:%ld:*:*:*:*:*:*:*", major);
	d.struct_size = sizeof(d);
	d.did = "rhel";
	d.name = "Red Hat Enterprise Linux Server";
	d.version = n;
	d.version_id = n;
	d.pretty_name = pretty;
	d.cpe = cpe;
	return ctx->host->add_distribution(ctx, out, &d);
}

static enum claro_status report_hummingbird(struct claro_ctx *ctx, const char *path,
					    const struct osrelease *rel, struct claro_scan_result *out)
{
	const char *cpe_name = osrelease_get(rel, "CPE_NAME");
	struct claro_distribution d = {0};
	char *cpe = NULL;
	enum claro_status st;

	if (cpe_name && *cpe_name) {
		const char *why = NULL;

		st = cpe_to_fs(cpe_name, &cpe, &why);
		if (st == CLARO_ERR_NOMEM)
			return ctx->host->error(ctx, st, "out of memory");
		if (st != CLARO_OK)
			ctx->host->log(ctx, CLARO_LOG_WARNING,
				       "%s: CPE_NAME \"%s\" is not a CPE (%s); the distribution has no CPE",
				       path, cpe_name, why);
	}
	d.struct_size = sizeof(d);
	d.did = osrelease_get(rel, "ID");
	d.name = osrelease_get(rel, "NAME");
	d.version = osrelease_get(rel, "VERSION");
	d.version_id = osrelease_get(rel, "VERSION_ID");
	d.pretty_name = osrelease_get(rel, "PRETTY_NAME");
	d.cpe = cpe;
	st = ctx->host->add_distribution(ctx, out, &d);
	free(cpe);
	return st;
}

/* One file: 1 when it decided (a record was added), 0 when it says nothing. */
static enum claro_status scan_file(struct claro_ctx *ctx, const char *path, const char *data, size_t len,
				   struct claro_scan_result *out, int *decided)
{
	struct osrelease rel;
	long major = 0;
	int m = rhel_release_match(data, len, &major);
	enum claro_status st = CLARO_OK;

	*decided = 0;
	if (m < 0) {
		ctx->host->log(
		    ctx, CLARO_LOG_WARNING,
		    "%s names a Red Hat Enterprise Linux release with a number of more than %d digits; "
		    "not recognised",
		    path, RELEASE_DIGITS_MAX);
		return CLARO_OK;
	}
	if (m > 0) {
		*decided = 1;
		return report_release(ctx, out, major);
	}
	/* Clair parses the file only for Hummingbird and skips it when that
	 * fails: no error here, unlike the scanners that need the fields. */
	if (osrelease_parse(data, len, &rel, NULL) != CLARO_OK)
		return CLARO_OK;
	if (relfile_equal_nocase(osrelease_get(&rel, "ID"), "hummingbird")) {
		*decided = 1;
		st = report_hummingbird(ctx, path, &rel, out);
	}
	osrelease_free(&rel);
	return st;
}

static enum claro_status rhel_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				   struct claro_scan_result *out)
{
	static const char *const paths[] = {"etc/os-release", "usr/lib/os-release"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *data = NULL;
		size_t len = 0;
		int decided = 0;
		enum claro_status st = relfile_read(ctx, layer, paths[i], &data, &len);

		if (st == CLARO_ERR_NOT_FOUND)
			continue;
		if (st != CLARO_OK)
			return st;
		st = scan_file(ctx, paths[i], data, len, out, &decided);
		ctx->host->free(data);
		if (st != CLARO_OK || decided)
			return st;
	}
	return CLARO_OK;
}

static const struct claro_distribution_scanner_ops rhel_dist_ops = {
    sizeof(struct claro_distribution_scanner_ops),
    rhel_scan,
};

const struct claro_component rhel_dist_scanner = {
    sizeof(struct claro_component), CLARO_KIND_DISTRIBUTION_SCANNER, 0, "rhel", "3", &rhel_dist_ops,
};
