/* alpine: the distribution scanner (Clair's "alpine", version 3, kind
 * distribution). It reads etc/os-release and, when that does not name an
 * Alpine release, etc/issue (release.h has the rules). At most one
 * distribution per layer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "alpine.h"
#include "release.h"

#define OS_RELEASE_PATH "etc/os-release"
#define ISSUE_PATH      "etc/issue"
/* Both files are a few hundred bytes; anything past this is not one. */
#define RELEASE_FILE_MAX (1024u * 1024u)

/* Read a release file; *data NULL (and CLARO_OK) when the layer lacks it. */
static enum claro_status read_release_file(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
					   unsigned char **data, size_t *len)
{
	enum claro_status status = ctx->host->fs_read_all(ctx, layer, path, RELEASE_FILE_MAX, data, len);

	if (status == CLARO_ERR_NOT_FOUND) {
		*data = NULL;
		*len = 0;
		return CLARO_OK;
	}
	if (status == CLARO_ERR_TOO_LARGE) {
		ctx->host->error(ctx, status, "could not read \"%s\"", path);
		ctx->host->error_detail(ctx, "The file is larger than %u bytes, which no release file is.",
					RELEASE_FILE_MAX);
		ctx->host->error_hint(ctx, "Check the image: this layer's %s is not a release description.",
				      path);
	}
	return status;
}

static enum claro_status report(struct claro_ctx *ctx, struct claro_scan_result *out,
				const struct alpine_release *rel)
{
	struct claro_distribution dist;

	memset(&dist, 0, sizeof(dist));
	dist.struct_size = sizeof(dist);
	dist.did = rel->did;
	dist.name = rel->name;
	dist.version = rel->version;
	dist.pretty_name = rel->pretty_name;
	return ctx->host->add_distribution(ctx, out, &dist);
}

static enum claro_status nomem(struct claro_ctx *ctx)
{
	return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
}

static enum claro_status from_os_release(struct claro_ctx *ctx, struct claro_layer *layer,
					 struct alpine_release *rel)
{
	struct osrelease_error perr = {0, NULL};
	unsigned char *data;
	size_t len;
	enum claro_status status = read_release_file(ctx, layer, OS_RELEASE_PATH, &data, &len);

	if (status != CLARO_OK || !data)
		return status;
	status = alpine_release_from_os_release((const char *)data, len, rel, &perr);
	ctx->host->free(data);
	if (status == CLARO_ERR_NOMEM)
		return nomem(ctx);
	if (status != CLARO_OK) {
		ctx->host->error(ctx, status, "could not parse \"%s\"", OS_RELEASE_PATH);
		ctx->host->error_detail(ctx, "Line %zu: %s.", perr.line,
					perr.reason ? perr.reason : "the file is malformed");
		ctx->host->error_hint(ctx,
				      "Fix the image's %s: each line must be KEY=value, a comment or blank "
				      "(see os-release(5)).",
				      OS_RELEASE_PATH);
	}
	return status;
}

static enum claro_status from_issue(struct claro_ctx *ctx, struct claro_layer *layer,
				    struct alpine_release *rel)
{
	unsigned char *data;
	size_t len;
	enum claro_status status = read_release_file(ctx, layer, ISSUE_PATH, &data, &len);

	if (status != CLARO_OK || !data)
		return status;
	status = alpine_release_from_issue((const char *)data, len, rel);
	ctx->host->free(data);
	return status == CLARO_ERR_NOMEM ? nomem(ctx) : status;
}

static enum claro_status dist_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				   struct claro_scan_result *out)
{
	struct alpine_release rel;
	enum claro_status status;

	memset(&rel, 0, sizeof(rel));
	status = from_os_release(ctx, layer, &rel);
	if (status == CLARO_OK && !rel.did)
		status = from_issue(ctx, layer, &rel);
	if (status == CLARO_OK && rel.did)
		status = report(ctx, out, &rel);
	alpine_release_clear(&rel);
	return status;
}

static const struct claro_distribution_scanner_ops dist_ops = {
    sizeof(struct claro_distribution_scanner_ops),
    dist_scan,
};

const struct claro_component alpine_dist_scanner = {
    sizeof(struct claro_component), CLARO_KIND_DISTRIBUTION_SCANNER, 0, "alpine", "3", &dist_ops,
};
