/* suse: Clair's SUSE distribution scanner, "suse" version v0.0.1 (reference
 * §4.3; claircore:suse/distributionscanner.go, releases.go). It reads
 * etc/os-release, else etc/SuSE-release, as KEY=value and unbinds CPE_NAME:
 *
 *   vendor opensuse, product leap: openSUSE Leap X.Y (the CPE version up to
 *     its second '.'): did "opensuse-leap", name "openSUSE Leap", version and
 *     version_id X.Y, pretty_name "openSUSE Leap X.Y";
 *   vendor suse, product sles: SLES at its major version N (digits before
 *     the first '.'): did "sles", name "SLES", version and version_id N,
 *     pretty_name "SUSE Linux Enterprise Server N" (SUSE's OVAL data covers
 *     all service packs of a major release);
 *   anything else (SLE Micro, Tumbleweed, ...): not recognised.
 *
 * A malformed etc/os-release is a three-part error, as for the other
 * scanners that parse it; a SuSE-release (SLES 11's, "SUSE Linux Enterprise
 * Server 11 (x86_64)" then "VERSION = 11") has no CPE_NAME and gives
 * nothing. An invalid CPE_NAME is a warning.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <claro/plugin.h>

#include "cpe.h"
#include "osrelease.h"
#include "relfile.h"

/* s up to (not including) its n-th '.'; copied into buf. */
static int up_to_dot(const char *s, int n, char *buf, size_t size)
{
	size_t len = 0;
	int dots = 0;

	while (s[len] && !(s[len] == '.' && ++dots == n))
		len++;
	if (len == 0 || len >= size)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 1;
}

static enum claro_status report(struct claro_ctx *ctx, struct claro_scan_result *out, const char *did,
				const char *name, const char *pretty_prefix, const char *version)
{
	char pretty[128];
	struct claro_distribution d = {0};

	snprintf(pretty, sizeof(pretty), "%s %s", pretty_prefix, version);
	d.struct_size = sizeof(d);
	d.did = did;
	d.name = name;
	d.version = version;
	d.version_id = version;
	d.pretty_name = pretty;
	return ctx->host->add_distribution(ctx, out, &d);
}

static enum claro_status from_cpe(struct claro_ctx *ctx, const char *path, const char *cpe_name,
				  struct claro_scan_result *out)
{
	struct cpe c;
	const char *why = NULL;
	char *vendor, *product, *version, ver[32];
	enum claro_status st = cpe_unbind(cpe_name, &c, &why);

	if (st == CLARO_ERR_NOMEM)
		return ctx->host->error(ctx, st, "out of memory");
	if (st != CLARO_OK) {
		ctx->host->log(ctx, CLARO_LOG_WARNING,
			       "%s: CPE_NAME \"%s\" is not a CPE (%s); not recognised", path, cpe_name, why);
		return CLARO_OK;
	}
	vendor = cpe_value_text(&c, CPE_VENDOR);
	product = cpe_value_text(&c, CPE_PRODUCT);
	version = cpe_value_text(&c, CPE_VERSION);
	cpe_free(&c);
	st = CLARO_OK;
	if (vendor && product && version) {
		if (strcmp(vendor, "opensuse") == 0 && strcmp(product, "leap") == 0 &&
		    up_to_dot(version, 2, ver, sizeof(ver)))
			st = report(ctx, out, "opensuse-leap", "openSUSE Leap", "openSUSE Leap", ver);
		else if (strcmp(vendor, "suse") == 0 && strcmp(product, "sles") == 0 &&
			 up_to_dot(version, 1, ver, sizeof(ver)))
			st = report(ctx, out, "sles", "SLES", "SUSE Linux Enterprise Server", ver);
	}
	free(vendor);
	free(product);
	free(version);
	return st;
}

static enum claro_status suse_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				   struct claro_scan_result *out)
{
	struct osrelease rel;
	char *data = NULL;
	size_t len = 0;
	const char *path = "etc/os-release", *cpe_name;
	enum claro_status st = relfile_load(ctx, layer, path, &rel);

	if (st == CLARO_ERR_NOT_FOUND) {
		path = "etc/SuSE-release";
		st = relfile_read(ctx, layer, path, &data, &len);
		if (st == CLARO_ERR_NOT_FOUND)
			return CLARO_OK;
		if (st != CLARO_OK)
			return st;
		st = osrelease_parse(data, len, &rel, NULL);
		ctx->host->free(data);
		if (st == CLARO_ERR_NOMEM)
			return ctx->host->error(ctx, st, "out of memory");
		if (st != CLARO_OK) {
			ctx->host->log(ctx, CLARO_LOG_DEBUG, "%s is not KEY=value; not recognised", path);
			return CLARO_OK;
		}
	} else if (st != CLARO_OK) {
		return st;
	}
	cpe_name = osrelease_get(&rel, "CPE_NAME");
	st = cpe_name && *cpe_name ? from_cpe(ctx, path, cpe_name, out) : CLARO_OK;
	osrelease_free(&rel);
	return st;
}

static const struct claro_distribution_scanner_ops suse_ops = {
    sizeof(struct claro_distribution_scanner_ops),
    suse_scan,
};

static const struct claro_component suse_scanner = {
    sizeof(struct claro_component), CLARO_KIND_DISTRIBUTION_SCANNER, 0, "suse", "v0.0.1", &suse_ops,
};

extern const struct claro_component suse_matcher; /* matcher.c */

CLARO_PLUGIN_DEFINE(suse, "1.0.0", "Apache-2.0",
		    "Detects SLES and openSUSE Leap from etc/os-release's CPE_NAME; the suse matcher", NULL,
		    NULL, NULL, &suse_scanner, &suse_matcher)
