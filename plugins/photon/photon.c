/* photon: Clair's VMware Photon OS distribution scanner, "photon" version
 * v0.0.1 (reference §4.3; claircore:photon/distributionscanner.go,
 * releases.go). It reads etc/os-release, then etc/photon-release, and
 * matches Clair's regexps in order on each file's raw text:
 *
 *   1.0      ^.*"VMware Photon"\sVERSION="1.0"
 *   2.0-5.0  ^.*"VMware Photon OS"\sVERSION="N.0"
 *
 * (Go syntax without flags: "^" is the start of the file and ".*" does not
 * cross a newline, so NAME must be on the first line and VERSION follow it
 * after one blank; the '.' in "N.0" is any character but a newline.)
 * The record is Clair's: did "photon", name "VMware Photon OS", version and
 * version_id "N.0", pretty_name "VMware Photon OS/Linux", no CPE.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <claro/plugin.h>

#include "relfile.h"

/* RE2's \s */
static int re2_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* `^.*<name>\sVERSION="<major>.0"` on [data, end). */
static int matches(const char *data, const char *end, const char *name, char major)
{
	size_t n = strlen(name);

	for (const char *p = data; p < end && *p != '\n'; p++) {
		const char *q = p + n;

		if ((size_t)(end - p) < n || memcmp(p, name, n) != 0)
			continue;
		if (end - q >= 14 && re2_space(q[0]) && memcmp(q + 1, "VERSION=\"", 9) == 0 &&
		    q[10] == major && q[11] != '\n' && q[12] == '0' && q[13] == '"')
			return 1;
	}
	return 0;
}

static enum claro_status photon_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				     struct claro_scan_result *out)
{
	static const char *const paths[] = {"etc/os-release", "etc/photon-release"};
	static const char *const versions[] = {"1.0", "2.0", "3.0", "4.0", "5.0"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *data = NULL;
		size_t len = 0;
		int found = -1;
		enum claro_status st = relfile_read(ctx, layer, paths[i], &data, &len);

		if (st == CLARO_ERR_NOT_FOUND)
			continue;
		if (st != CLARO_OK)
			return st;
		for (int v = 0; v < 5 && found < 0; v++)
			if (matches(data, data + len, v == 0 ? "\"VMware Photon\"" : "\"VMware Photon OS\"",
				    (char)('1' + v)))
				found = v;
		ctx->host->free(data);
		if (found >= 0) {
			struct claro_distribution d = {0};

			d.struct_size = sizeof(d);
			d.did = "photon";
			d.name = "VMware Photon OS";
			d.version = versions[found];
			d.version_id = versions[found];
			d.pretty_name = "VMware Photon OS/Linux";
			return ctx->host->add_distribution(ctx, out, &d);
		}
	}
	return CLARO_OK;
}

static const struct claro_distribution_scanner_ops photon_ops = {
    sizeof(struct claro_distribution_scanner_ops),
    photon_scan,
};

static const struct claro_component photon_scanner = {
    sizeof(struct claro_component), CLARO_KIND_DISTRIBUTION_SCANNER, 0, "photon", "v0.0.1", &photon_ops,
};

extern const struct claro_component photon_matcher; /* matcher.c */

CLARO_PLUGIN_DEFINE(photon, "1.0.0", "Apache-2.0",
		    "Detects VMware Photon OS 1.0 to 5.0 from etc/os-release; the photon matcher", NULL, NULL,
		    NULL, &photon_scanner, &photon_matcher)
