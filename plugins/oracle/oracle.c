/* oracle: Clair's Oracle Linux distribution scanner, "oracle" version
 * v0.0.1 (reference §4.3; claircore:oracle/distributionscanner.go,
 * releases.go). It reads etc/os-release and etc/issue (Oracle Linux 5 has
 * only the latter) and matches, case-insensitively, Clair's regexps in this
 * order on each file's raw text:
 *
 *   5     Oracle Linux Server release ?5
 *   6..9  Oracle Linux Server N            (os-release's PRETTY_NAME)
 *
 * reporting Clair's record of that major release (minor releases share
 * Oracle's OVAL data): did "ol", name "Oracle Linux Server", version and
 * version_id N, version_code_name "Oracle Linux N", pretty_name
 * "Oracle Linux Server N", no CPE. etc/oracle-release is not read (Clair
 * does not), and Oracle Linux 10 is not among Clair's releases.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include <claro/plugin.h>

#include "relfile.h"

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive "oracle linux server " + (release: "release" + optional
 * space) + digit at p. */
static int match_at(const char *p, const char *end, int release, char digit)
{
	const char *lit = release ? "oracle linux server release" : "oracle linux server ";

	for (; *lit; lit++, p++)
		if (p >= end || lower(*p) != *lit)
			return 0;
	if (release && p < end && *p == ' ')
		p++;
	return p < end && *p == digit;
}

/* The major release the file names, or 0. */
static int release_of(const char *data, size_t len)
{
	static const struct {
		int release_word;
		char digit;
	} forms[] = {{1, '5'}, {0, '6'}, {0, '7'}, {0, '8'}, {0, '9'}};

	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
		for (const char *p = data; p < data + len; p++)
			if (match_at(p, data + len, forms[f].release_word, forms[f].digit))
				return forms[f].digit - '0';
	return 0;
}

static enum claro_status report(struct claro_ctx *ctx, struct claro_scan_result *out, int major)
{
	char n[16], code[32], pretty[48];
	struct claro_distribution d = {0};

	snprintf(n, sizeof(n), "%d", major);
	snprintf(code, sizeof(code), "Oracle Linux %d", major);
	snprintf(pretty, sizeof(pretty), "Oracle Linux Server %d", major);
	d.struct_size = sizeof(d);
	d.did = "ol";
	d.name = "Oracle Linux Server";
	d.version = n;
	d.version_code_name = code;
	d.version_id = n;
	d.pretty_name = pretty;
	return ctx->host->add_distribution(ctx, out, &d);
}

static enum claro_status oracle_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				     struct claro_scan_result *out)
{
	static const char *const paths[] = {"etc/os-release", "etc/issue"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *data = NULL;
		size_t len = 0;
		int major;
		enum claro_status st = relfile_read(ctx, layer, paths[i], &data, &len);

		if (st == CLARO_ERR_NOT_FOUND)
			continue;
		if (st != CLARO_OK)
			return st;
		major = release_of(data, len);
		ctx->host->free(data);
		if (major)
			return report(ctx, out, major);
	}
	return CLARO_OK;
}

static const struct claro_distribution_scanner_ops oracle_ops = {
    sizeof(struct claro_distribution_scanner_ops),
    oracle_scan,
};

static const struct claro_component oracle_scanner = {
    sizeof(struct claro_component), CLARO_KIND_DISTRIBUTION_SCANNER, 0, "oracle", "v0.0.1", &oracle_ops,
};

extern const struct claro_component oracle_matcher; /* matcher.c */

CLARO_PLUGIN_DEFINE(oracle, "1.0.0", "Apache-2.0",
		    "Detects Oracle Linux 5 to 9 from etc/os-release or etc/issue; the oracle matcher", NULL,
		    NULL, NULL, &oracle_scanner, &oracle_matcher)
