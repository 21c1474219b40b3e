/* ubuntu: the distribution scanner for Ubuntu (Clair's "ubuntu", version 3;
 * reference §2, §4.3). It reads etc/lsb-release if the layer has one
 * (DISTRIB_ID, DISTRIB_RELEASE, DISTRIB_CODENAME), else etc/os-release (ID,
 * VERSION_ID, VERSION_CODENAME). When the ID is "ubuntu" (any case) and both
 * the release and the code name are set, it reports the canonical record the
 * Ubuntu updater also uses:
 *
 *   did ubuntu, name "Ubuntu", version_id "22.04",
 *   version "22.04 (Jammy)" (code name title-cased),
 *   version_code_name "jammy", pretty_name "Ubuntu 22.04".
 *
 * A malformed file is an error, as in Clair. The OVAL updater set is in
 * oval_updater.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <claro/plugin.h>

#include "osrelease.h"
#include "ubuntu.h"

#define LSB_RELEASE      "etc/lsb-release"
#define OS_RELEASE       "etc/os-release"
#define RELEASE_FILE_MAX ((size_t)1 << 20)

/* The keys of one kind of release file. */
struct release_keys {
	const char *path;
	const char *id;
	const char *release;
	const char *codename;
};

static const struct release_keys lsb_keys = {LSB_RELEASE, "DISTRIB_ID", "DISTRIB_RELEASE",
					     "DISTRIB_CODENAME"};
static const struct release_keys os_keys = {OS_RELEASE, "ID", "VERSION_ID", "VERSION_CODENAME"};

static int equal_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;

		if (x != y)
			return 0;
	}
	return *a == '\0' && *b == '\0';
}

static int is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char *ubuntu_version_string(const struct claro_host *h, const char *release, const char *codename)
{
	size_t rl = strlen(release), cl = strlen(codename);
	char *s = h->alloc(rl + cl + 4);
	char *w;
	int prev_letter = 0;

	if (s == NULL)
		return NULL;
	memcpy(s, release, rl);
	w = s + rl;
	*w++ = ' ';
	*w++ = '(';
	for (size_t i = 0; i < cl; i++) {
		char c = codename[i];

		if (!prev_letter && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		prev_letter = is_letter(codename[i]);
		*w++ = c;
	}
	*w++ = ')';
	*w = '\0';
	return s;
}

static enum claro_status report(struct claro_ctx *ctx, struct claro_scan_result *out, const char *release,
				const char *codename)
{
	const struct claro_host *h = ctx->host;
	struct claro_distribution d = {0};
	char *version = ubuntu_version_string(h, release, codename);
	char *pretty = h->alloc(strlen("Ubuntu ") + strlen(release) + 1);
	enum claro_status st;

	if (version == NULL || pretty == NULL) {
		h->free(version);
		h->free(pretty);
		return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	}
	memcpy(pretty, "Ubuntu ", strlen("Ubuntu "));
	memcpy(pretty + strlen("Ubuntu "), release, strlen(release) + 1);
	d.struct_size = sizeof(d);
	d.did = "ubuntu";
	d.name = "Ubuntu";
	d.version = version;
	d.version_code_name = codename;
	d.version_id = release;
	d.pretty_name = pretty;
	st = h->add_distribution(ctx, out, &d);
	h->free(version);
	h->free(pretty);
	return st;
}

/* Read and parse one release file into *rel. CLARO_ERR_NOT_FOUND when the
 * layer does not have it (no error set for the caller to report). */
static enum claro_status load(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
			      struct osrelease *rel)
{
	const struct claro_host *h = ctx->host;
	unsigned char *data = NULL;
	size_t len = 0;
	struct osrelease_error perr;
	enum claro_status st = h->fs_read_all(ctx, layer, path, RELEASE_FILE_MAX, &data, &len);

	if (st != CLARO_OK)
		return st;
	st = osrelease_parse((const char *)data, len, rel, &perr);
	h->free(data);
	if (st == CLARO_ERR_NOMEM)
		return h->error(ctx, st, "out of memory");
	if (st != CLARO_OK) {
		h->error(ctx, st, "could not parse %s", path);
		h->error_detail(ctx, "Line %zu: %s.", perr.line, perr.reason);
		h->error_hint(ctx, "Release files hold KEY=value lines; fix or remove the image's %s.", path);
	}
	return st;
}

static enum claro_status ubuntu_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				     struct claro_scan_result *out)
{
	const struct release_keys *keys = &lsb_keys;
	struct osrelease rel;
	const char *id, *release, *codename;
	enum claro_status st = load(ctx, layer, LSB_RELEASE, &rel);

	if (st == CLARO_ERR_NOT_FOUND) {
		keys = &os_keys;
		st = load(ctx, layer, OS_RELEASE, &rel);
	}
	if (st == CLARO_ERR_NOT_FOUND)
		return CLARO_OK;
	if (st != CLARO_OK)
		return st;
	id = osrelease_get(&rel, keys->id);
	release = osrelease_get(&rel, keys->release);
	codename = osrelease_get(&rel, keys->codename);
	if (id != NULL && equal_nocase(id, "ubuntu") && release != NULL && *release != '\0' &&
	    codename != NULL && *codename != '\0')
		st = report(ctx, out, release, codename);
	osrelease_free(&rel);
	return st;
}

static const struct claro_distribution_scanner_ops ubuntu_ops = {
    sizeof(struct claro_distribution_scanner_ops),
    ubuntu_scan,
};

static const struct claro_component ubuntu_scanner = {
    sizeof(struct claro_component), CLARO_KIND_DISTRIBUTION_SCANNER, 0, "ubuntu", "3", &ubuntu_ops,
};

static const struct claro_cfg_key *const ubuntu_config[] = {&ubuntu_cfg_url,           &ubuntu_cfg_name,
							    &ubuntu_cfg_oval_url,      &ubuntu_cfg_use_bzip2,
							    &ubuntu_cfg_max_feed_size, NULL};

CLARO_PLUGIN_DEFINE(ubuntu, "1.1.0", "Apache-2.0",
		    "Ubuntu: release detection from etc/lsb-release or etc/os-release, CVE OVAL updaters",
		    ubuntu_config, ubuntu_init, NULL, &ubuntu_scanner, &ubuntu_oval_updaters, &ubuntu_matcher)
