/* centos, rocky, almalinux, fedora: distribution scanners beyond Clair's set
 * (version 1; reference §12 lists Rocky, Alma and CentOS among the gaps).
 * Clair has none of them, so their records are claro's canonical ones, one
 * per major release like Clair's RHEL and Oracle records, because these
 * distributions publish advisories per major release:
 *
 *   did   name             version, version_id   cpe (2.3)
 *   centos "CentOS Linux"  major                 cpe:2.3:o:centos:centos:<major>:...
 *          or "CentOS Stream" (NAME says Stream)
 *   rocky "Rocky Linux"    major                 cpe:2.3:o:rocky:rocky:<major>:...
 *   almalinux "AlmaLinux"  major                 cpe:2.3:o:almalinux:almalinux:<major>:...
 *   fedora "Fedora Linux"  release               cpe:2.3:o:fedoraproject:fedora:<release>:...
 *   pretty_name is "<name> <version>"; no code name, no arch.
 *
 * Where: etc/os-release (else usr/lib/os-release) with ID equal to the did
 * (any case), the release being the leading digits of VERSION_ID. Only when
 * the layer has no os-release at all, the vendor's own release file
 * (etc/centos-release, etc/rocky-release, etc/almalinux-release,
 * etc/fedora-release) in the form "<Vendor> [Linux |Stream ]release N..."
 * (CentOS 6 has nothing else). A malformed os-release is a three-part error,
 * as for the debian and alpine scanners that read the same file.
 *
 * A file Clair's rhel scanner claims (its regexp matches, e.g. CentOS Stream's
 * REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux 9") is left to it: no two
 * scanners report the same file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "osrelease.h"
#include "relfile.h"
#include "rhel.h"

struct family {
	const char *did;
	const char *name;
	const char *stream_name;  /* name when NAME mentions "Stream", or NULL */
	const char *cpe_prefix;   /* "cpe:2.3:o:<vendor>:<product>:" */
	const char *release_file; /* the vendor's own release file */
	/* "<prefix>N" forms of the release file, tried in order; a form
	 * containing "Stream" gives stream_name */
	const char *const *release_forms;
};

static const char *const centos_forms[] = {"CentOS Linux release ", "CentOS Stream release ",
					   "CentOS release ", NULL};
static const char *const rocky_forms[] = {"Rocky Linux release ", NULL};
static const char *const alma_forms[] = {"AlmaLinux release ", NULL};
static const char *const fedora_forms[] = {"Fedora release ", NULL};

static const struct family centos = {
    "centos",    "CentOS Linux", "CentOS Stream", "cpe:2.3:o:centos:centos:", "etc/centos-release",
    centos_forms};
static const struct family rocky = {
    "rocky", "Rocky Linux", NULL, "cpe:2.3:o:rocky:rocky:", "etc/rocky-release", rocky_forms};
static const struct family alma = {
    "almalinux", "AlmaLinux", NULL, "cpe:2.3:o:almalinux:almalinux:", "etc/almalinux-release", alma_forms};
static const struct family fedora = {
    "fedora", "Fedora Linux", NULL, "cpe:2.3:o:fedoraproject:fedora:", "etc/fedora-release", fedora_forms};

static enum claro_status report(struct claro_ctx *ctx, struct claro_scan_result *out, const struct family *f,
				const char *name, const char *major)
{
	char pretty[96], cpe[128];
	struct claro_distribution d = {0};

	snprintf(pretty, sizeof(pretty), "%s %s", name, major);
	snprintf(cpe, sizeof(cpe), "%s%s:*:*:*:*:*:*:*", f->cpe_prefix, major);
	d.struct_size = sizeof(d);
	d.did = f->did;
	d.name = name;
	d.version = major;
	d.version_id = major;
	d.pretty_name = pretty;
	d.cpe = cpe;
	return ctx->host->add_distribution(ctx, out, &d);
}

/* The os-release decides: a record when it is this family's. */
static enum claro_status from_osrelease(struct claro_ctx *ctx, const struct family *f, const char *path,
					const char *data, size_t len, struct claro_scan_result *out)
{
	struct osrelease rel;
	const char *name, *version_id;
	char major[16];
	long rhel = 0;
	enum claro_status st = relfile_parse(ctx, path, data, len, &rel);

	if (st != CLARO_OK)
		return st;
	if (!relfile_equal_nocase(osrelease_get(&rel, "ID"), f->did))
		goto done;
	if (rhel_release_match(data, len, &rhel) != 0) {
		ctx->host->log(ctx, CLARO_LOG_DEBUG, "%s: Clair's rhel scanner claims this file; left to it",
			       path);
		goto done;
	}
	version_id = osrelease_get(&rel, "VERSION_ID");
	if (!relfile_major(version_id, major, sizeof(major))) {
		ctx->host->log(ctx, CLARO_LOG_WARNING,
			       "%s says ID=%s but VERSION_ID \"%s\" gives no release number; not recognised",
			       path, f->did, version_id ? version_id : "");
		goto done;
	}
	name = osrelease_get(&rel, "NAME");
	st = report(ctx, out, f, f->stream_name && name && strstr(name, "Stream") ? f->stream_name : f->name,
		    major);
done:
	osrelease_free(&rel);
	return st;
}

/* "<Vendor> ... release N" at the start of the vendor's release file. */
static enum claro_status from_release_file(struct claro_ctx *ctx, const struct family *f, const char *data,
					   struct claro_scan_result *out)
{
	for (size_t i = 0; f->release_forms[i]; i++) {
		size_t n = strlen(f->release_forms[i]);
		char major[16];

		if (strncmp(data, f->release_forms[i], n) != 0 ||
		    !relfile_major(data + n, major, sizeof(major)))
			continue;
		return report(ctx, out, f,
			      f->stream_name && strstr(f->release_forms[i], "Stream") ? f->stream_name
										      : f->name,
			      major);
	}
	ctx->host->log(ctx, CLARO_LOG_DEBUG, "%s does not name a %s release", f->release_file, f->name);
	return CLARO_OK;
}

static enum claro_status family_scan(struct claro_ctx *ctx, const struct family *f, struct claro_layer *layer,
				     struct claro_scan_result *out)
{
	static const char *const paths[] = {"etc/os-release", "usr/lib/os-release"};
	char *data = NULL;
	size_t len = 0;
	enum claro_status st = CLARO_ERR_NOT_FOUND;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && st == CLARO_ERR_NOT_FOUND; i++) {
		st = relfile_read(ctx, layer, paths[i], &data, &len);
		if (st == CLARO_OK) {
			st = from_osrelease(ctx, f, paths[i], data, len, out);
			ctx->host->free(data);
			return st;
		}
	}
	if (st != CLARO_ERR_NOT_FOUND)
		return st;
	st = relfile_read(ctx, layer, f->release_file, &data, &len);
	if (st == CLARO_ERR_NOT_FOUND)
		return CLARO_OK;
	if (st != CLARO_OK)
		return st;
	st = from_release_file(ctx, f, data, out);
	ctx->host->free(data);
	return st;
}

#define FAMILY_SCANNER(var, fam, name)                                                        \
	static enum claro_status fam##_scan(struct claro_ctx *ctx, struct claro_layer *layer, \
					    struct claro_scan_result *out)                    \
	{                                                                                     \
		return family_scan(ctx, &fam, layer, out);                                    \
	}                                                                                     \
	static const struct claro_distribution_scanner_ops fam##_ops = {                      \
	    sizeof(struct claro_distribution_scanner_ops), fam##_scan};                       \
	const struct claro_component var = {                                                  \
	    sizeof(struct claro_component), CLARO_KIND_DISTRIBUTION_SCANNER, 0, name, "1", &fam##_ops}

FAMILY_SCANNER(centos_dist_scanner, centos, "centos");
FAMILY_SCANNER(rocky_dist_scanner, rocky, "rocky");
FAMILY_SCANNER(almalinux_dist_scanner, alma, "almalinux");
FAMILY_SCANNER(fedora_dist_scanner, fedora, "fedora");
