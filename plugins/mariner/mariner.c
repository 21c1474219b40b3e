/* mariner: CBL-Mariner and Azure Linux distribution scanner, "mariner"
 * version 1 (beyond Clair, which has none). It reads etc/os-release (else
 * usr/lib/os-release) and, for ID "mariner" or "azurelinux" (any case),
 * reports one record per release, major.minor of VERSION_ID as Microsoft's
 * advisories are published per release ("1.0", "2.0", "3.0"):
 *
 *   ID mariner     did "mariner", name "CBL-Mariner",
 *                  pretty_name "CBL-Mariner X.Y"
 *   ID azurelinux  did "azurelinux", name "Azure Linux",
 *                  pretty_name "Azure Linux X.Y"
 *   version and version_id X.Y; no CPE (the files carry none).
 *
 * A malformed os-release is a three-part error, as for the other scanners
 * that parse it; a VERSION_ID that is not N.M is a warning and no record.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include <claro/plugin.h>

#include "osrelease.h"
#include "relfile.h"

/* "N.M" from the start of VERSION_ID ("2.0.20240123" too). */
static int major_minor(const char *v, char *buf, size_t size)
{
	size_t i = 0;

	if (!v || !(v[0] >= '0' && v[0] <= '9'))
		return 0;
	while (v[i] >= '0' && v[i] <= '9')
		i++;
	if (v[i] != '.' || !(v[i + 1] >= '0' && v[i + 1] <= '9'))
		return 0;
	i++;
	while (v[i] >= '0' && v[i] <= '9')
		i++;
	if (i >= size)
		return 0;
	memcpy(buf, v, i);
	buf[i] = '\0';
	return 1;
}

static enum claro_status mariner_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				      struct claro_scan_result *out)
{
	struct osrelease rel;
	const char *path = NULL, *id, *vid, *did = NULL, *name = NULL;
	char version[32], pretty[64];
	enum claro_status st = relfile_load_osrelease(ctx, layer, &rel, &path);

	if (st == CLARO_ERR_NOT_FOUND)
		return CLARO_OK;
	if (st != CLARO_OK)
		return st;
	id = osrelease_get(&rel, "ID");
	vid = osrelease_get(&rel, "VERSION_ID");
	if (relfile_equal_nocase(id, "mariner")) {
		did = "mariner";
		name = "CBL-Mariner";
	} else if (relfile_equal_nocase(id, "azurelinux")) {
		did = "azurelinux";
		name = "Azure Linux";
	}
	if (did && !major_minor(vid, version, sizeof(version))) {
		ctx->host->log(
		    ctx, CLARO_LOG_WARNING,
		    "%s says ID=%s but VERSION_ID \"%s\" is not a release like \"2.0\"; not recognised", path,
		    id, vid ? vid : "");
		did = NULL;
	}
	if (did) {
		struct claro_distribution d = {0};

		snprintf(pretty, sizeof(pretty), "%s %s", name, version);
		d.struct_size = sizeof(d);
		d.did = did;
		d.name = name;
		d.version = version;
		d.version_id = version;
		d.pretty_name = pretty;
		st = ctx->host->add_distribution(ctx, out, &d);
	}
	osrelease_free(&rel);
	return st;
}

static const struct claro_distribution_scanner_ops mariner_ops = {
    sizeof(struct claro_distribution_scanner_ops),
    mariner_scan,
};

static const struct claro_component mariner_scanner = {
    sizeof(struct claro_component), CLARO_KIND_DISTRIBUTION_SCANNER, 0, "mariner", "1", &mariner_ops,
};

CLARO_PLUGIN_DEFINE(mariner, "1.0.0", "Apache-2.0", "Detects CBL-Mariner and Azure Linux from etc/os-release",
		    NULL, NULL, NULL, &mariner_scanner)
