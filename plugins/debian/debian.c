/* debian: the distribution scanner for Debian (Clair's "debian", version 3;
 * reference §2, §4.3), and the security tracker updater set
 * (tracker_updater.c). It reads etc/os-release and, when ID is "debian" and
 * VERSION_ID is a release number, reports the canonical record that the
 * Debian updater also puts on vulnerabilities:
 *
 *   did debian, name "Debian GNU/Linux", version_id "12",
 *   version "12 (bookworm)", version_code_name "bookworm",
 *   pretty_name "Debian GNU/Linux 12 (bookworm)".
 *
 * The code name is VERSION_CODENAME, or else the word in parentheses in
 * VERSION (Debian 7 and 8, and distroless images, lack VERSION_CODENAME).
 * No VERSION_ID (testing, sid) means no record. A malformed os-release is an
 * error, as in Clair.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <claro/plugin.h>

#include "debian.h"
#include "osrelease.h"

#define OS_RELEASE     "etc/os-release"
#define OS_RELEASE_MAX ((size_t)1 << 20)
#define CODENAME_MAX   64

static int is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The first "(word)" in version, copied into buf; 0 when there is none. */
static int codename_from_version(const char *version, char *buf, size_t size)
{
	for (const char *p = strchr(version, '('); p != NULL; p = strchr(p + 1, '(')) {
		const char *q = p + 1;

		while (is_word_char(*q))
			q++;
		if (q > p + 1 && *q == ')' && (size_t)(q - p - 1) < size) {
			memcpy(buf, p + 1, (size_t)(q - p - 1));
			buf[q - p - 1] = '\0';
			return 1;
		}
	}
	return 0;
}

/* VERSION_ID as a non-negative release number; -1 when it is not one. */
static long release_number(const char *s)
{
	long n = 0;

	if (*s == '\0' || strlen(s) > 9)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n;
}

static enum claro_status report(struct claro_ctx *ctx, struct claro_scan_result *out, long number,
				const char *codename)
{
	char id[24], version[96], pretty[128];
	struct claro_distribution d = {0};

	snprintf(id, sizeof(id), "%ld", number);
	snprintf(version, sizeof(version), "%ld (%s)", number, codename);
	snprintf(pretty, sizeof(pretty), "Debian GNU/Linux %ld (%s)", number, codename);
	d.struct_size = sizeof(d);
	d.did = "debian";
	d.name = "Debian GNU/Linux";
	d.version = version;
	d.version_code_name = codename;
	d.version_id = id;
	d.pretty_name = pretty;
	return ctx->host->add_distribution(ctx, out, &d);
}

static enum claro_status detect(struct claro_ctx *ctx, const struct osrelease *rel,
				struct claro_scan_result *out)
{
	const char *id = osrelease_get(rel, "ID");
	const char *version_id = osrelease_get(rel, "VERSION_ID");
	const char *codename = osrelease_get(rel, "VERSION_CODENAME");
	const char *version = osrelease_get(rel, "VERSION");
	char buf[CODENAME_MAX];
	long number;

	if (id == NULL || strcmp(id, "debian") != 0 || version_id == NULL)
		return CLARO_OK;
	if ((number = release_number(version_id)) < 0) {
		ctx->host->error(ctx, CLARO_ERR_INVALID,
				 "could not read the Debian release from " OS_RELEASE);
		ctx->host->error_detail(ctx, "VERSION_ID is \"%s\", but Debian releases are whole numbers.",
					version_id);
		ctx->host->error_hint(ctx, "Check the image's " OS_RELEASE
					   "; a Debian image has VERSION_ID=\"12\" "
					   "or similar.");
		return CLARO_ERR_INVALID;
	}
	if (codename == NULL || *codename == '\0' || strlen(codename) >= CODENAME_MAX) {
		if (version == NULL || !codename_from_version(version, buf, sizeof(buf))) {
			ctx->host->log(ctx, CLARO_LOG_WARNING,
				       OS_RELEASE
				       " says Debian %ld but names no code name; no distribution reported",
				       number);
			return CLARO_OK;
		}
		codename = buf;
	}
	return report(ctx, out, number, codename);
}

static enum claro_status debian_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				     struct claro_scan_result *out)
{
	const struct claro_host *h = ctx->host;
	unsigned char *data = NULL;
	size_t len = 0;
	struct osrelease rel;
	struct osrelease_error perr;
	enum claro_status st = h->fs_read_all(ctx, layer, OS_RELEASE, OS_RELEASE_MAX, &data, &len);

	if (st == CLARO_ERR_NOT_FOUND)
		return CLARO_OK;
	if (st != CLARO_OK)
		return st;
	st = osrelease_parse((const char *)data, len, &rel, &perr);
	h->free(data);
	if (st == CLARO_ERR_NOMEM)
		return h->error(ctx, st, "out of memory");
	if (st != CLARO_OK) {
		h->error(ctx, st, "could not parse " OS_RELEASE);
		h->error_detail(ctx, "Line %zu: %s.", perr.line, perr.reason);
		h->error_hint(
		    ctx,
		    "os-release(5) files hold KEY=value lines; fix or remove the image's " OS_RELEASE ".");
		return st;
	}
	st = detect(ctx, &rel, out);
	osrelease_free(&rel);
	return st;
}

static const struct claro_distribution_scanner_ops debian_ops = {
    sizeof(struct claro_distribution_scanner_ops),
    debian_scan,
};

static const struct claro_component debian_scanner = {
    sizeof(struct claro_component), CLARO_KIND_DISTRIBUTION_SCANNER, 0, "debian", "3", &debian_ops,
};

static const struct claro_cfg_key *const debian_config[] = {&debian_cfg_mirror_url, &debian_cfg_json_url,
							    NULL};

CLARO_PLUGIN_DEFINE(debian, "1.1.0", "Apache-2.0",
		    "Debian: release detection from etc/os-release, security tracker updater", debian_config,
		    NULL, NULL, &debian_scanner, &debian_tracker_updaters, &debian_matcher)
