/* whiteout: the file scanner recording OCI/AUFS whiteouts (Clair's
 * "whiteout" scanner, version 1, kind file). A later layer's ".wh.<name>"
 * deletes <name> from the layers below; ".wh..wh..opq" makes its directory
 * opaque. The whiteout resolver in the indexer uses these records to drop
 * packages whose files were deleted.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <claro/plugin.h>

#define WHITEOUT_PREFIX ".wh."

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

struct walk_state {
	struct claro_scan_result *out;
	enum claro_status status;
};

static int record_whiteout(struct claro_ctx *ctx, const struct claro_file_info *info, void *arg)
{
	struct walk_state *st = arg;
	struct claro_file_record rec = {sizeof(rec), NULL, CLARO_FILE_WHITEOUT};

	if (strncmp(base_name(info->path), WHITEOUT_PREFIX, sizeof(WHITEOUT_PREFIX) - 1) != 0)
		return 0;
	rec.path = info->path;
	st->status = ctx->host->add_file(ctx, st->out, &rec);
	return st->status != CLARO_OK; /* stop on the first failure */
}

static enum claro_status whiteout_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				       struct claro_scan_result *out)
{
	struct walk_state st = {out, CLARO_OK};
	enum claro_status walked = ctx->host->fs_walk(ctx, layer, "", record_whiteout, &st);

	return st.status != CLARO_OK ? st.status : walked;
}

static const struct claro_file_scanner_ops whiteout_ops = {
    sizeof(struct claro_file_scanner_ops),
    whiteout_scan,
};

static const struct claro_component whiteout_scanner = {
    sizeof(struct claro_component), CLARO_KIND_FILE_SCANNER, 0, "whiteout", "1", &whiteout_ops,
};

CLARO_PLUGIN_DEFINE(whiteout, "1.0.0", "Apache-2.0", "Records .wh.* whiteout files of each layer", NULL, NULL,
		    NULL, &whiteout_scanner)
