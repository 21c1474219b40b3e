/* apk: the package scanner for apk-tools' installed database (Clair's "apk"
 * scanner, version v0.0.1, kind package). Every entry of
 * lib/apk/db/installed becomes a binary package; its origin (o:) becomes the
 * source package, at the binary's version; the aports commit (c:) is kept as
 * the repository hint. Packages are reported in file order, as Clair does.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "alpine.h"
#include "apkdb.h"

#define APK_INSTALLED_DB "lib/apk/db/installed"

struct apk_scan {
	struct claro_ctx *ctx;
	struct claro_scan_result *out;
};

/* Copy a field into dst as a NUL-terminated string; returns the next free byte. */
static char *put_field(char *dst, const struct apkdb_field *f, const char **out)
{
	if (f->len) /* an absent field has no pointer */
		memcpy(dst, f->ptr, f->len);
	dst[f->len] = '\0';
	*out = dst;
	return dst + f->len + 1;
}

static enum claro_status add_entry(const struct apkdb_entry *e, void *arg)
{
	struct apk_scan *scan = arg;
	const struct claro_host *host = scan->ctx->host;
	struct claro_package bin, src;
	size_t need = e->name.len + e->version.len + e->arch.len + e->origin.len + e->commit.len + 5;
	char *strings = host->alloc(need), *p;
	const char *origin;
	enum claro_status status;

	if (!strings)
		return host->error(scan->ctx, CLARO_ERR_NOMEM, "out of memory");
	memset(&bin, 0, sizeof(bin));
	memset(&src, 0, sizeof(src));
	bin.struct_size = sizeof(bin);
	bin.kind = CLARO_PACKAGE_BINARY;
	bin.package_db = APK_INSTALLED_DB;
	bin.filepath = APK_INSTALLED_DB;
	p = put_field(strings, &e->name, &bin.name);
	p = put_field(p, &e->version, &bin.version);
	p = put_field(p, &e->arch, &bin.arch);
	p = put_field(p, &e->commit, &bin.repository_hint);
	put_field(p, &e->origin, &origin);
	if (*origin) {
		src.struct_size = sizeof(src);
		src.kind = CLARO_PACKAGE_SOURCE;
		src.name = origin;
		src.version = bin.version;
		bin.source = &src;
	}
	status = host->add_package(scan->ctx, scan->out, &bin);
	host->free(strings);
	return status;
}

static enum claro_status apk_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				  struct claro_scan_result *out)
{
	const struct claro_host *host = ctx->host;
	struct apk_scan scan = {ctx, out};
	struct apkdb_error perr = {0, NULL};
	unsigned char *data = NULL;
	size_t len = 0;
	enum claro_status status;

	status = host->fs_read_all(ctx, layer, APK_INSTALLED_DB, 0, &data, &len);
	if (status == CLARO_ERR_NOT_FOUND)
		return CLARO_OK; /* not an apk system */
	if (status != CLARO_OK)
		return status;
	status = apkdb_parse((const char *)data, len, add_entry, &scan, &perr);
	host->free(data);
	if (status == CLARO_ERR_INVALID && perr.reason) {
		host->error(ctx, status, "could not parse apk database \"%s\"", APK_INSTALLED_DB);
		host->error_detail(ctx, "Line %zu: %s.", perr.line, perr.reason);
		host->error_hint(ctx,
				 "The layer's %s is damaged or is not an apk-tools installed database; "
				 "check the image, or rebuild it with apk so the database is rewritten.",
				 APK_INSTALLED_DB);
	}
	return status;
}

static const struct claro_package_scanner_ops apk_ops = {
    sizeof(struct claro_package_scanner_ops),
    apk_scan,
    NULL,
};

const struct claro_component alpine_apk_scanner = {
    sizeof(struct claro_component), CLARO_KIND_PACKAGE_SCANNER, 0, "apk", "v0.0.1", &apk_ops,
};
