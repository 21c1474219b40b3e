/* A test-only plugin ("rpmpaths") that uses the RPM-owned path set the way a
 * language scanner does: compiled into its own module from the rpm
 * plugin's sources. Its file scanner "rpm-owned-paths" loads the set of the
 * layer and reports every path as a file record of kind "rpm-owned", after
 * checking that rpm_pathset_has() answers yes for it (with and without a
 * leading "/") and no for a path that is not in it. test-rpm.sh compares the
 * paths with `rpm -qal`.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <claro/plugin.h>

#include "rpm_pathset.h"

struct report {
	struct claro_ctx *ctx;
	struct claro_scan_result *out;
	const struct rpm_pathset *set;
	enum claro_status st;
};

static int report_path(void *arg, const char *path)
{
	struct report *r = arg;
	const struct claro_host *host = r->ctx->host;
	struct claro_file_record rec = {sizeof(rec), path, "rpm-owned"};
	size_t n = strlen(path);
	char *slashed = host->alloc(n + 2), *longer = host->alloc(n + 3);

	if (!slashed || !longer) {
		r->st = host->error(r->ctx, CLARO_ERR_NOMEM, "out of memory");
	} else {
		slashed[0] = '/';
		memcpy(slashed + 1, path, n + 1);
		memcpy(longer, path, n);
		memcpy(longer + n, "/~", 3); /* no rpm file list has this below a file */
		if (!rpm_pathset_has(r->set, path) || !rpm_pathset_has(r->set, slashed) ||
		    rpm_pathset_has(r->set, longer))
			r->st = host->error(r->ctx, CLARO_ERR_INTERNAL,
					    "rpm_pathset_has is wrong about \"%s\"", path);
		else
			r->st = host->add_file(r->ctx, r->out, &rec);
	}
	host->free(slashed);
	host->free(longer);
	return r->st != CLARO_OK;
}

static enum claro_status scan(struct claro_ctx *ctx, struct claro_layer *layer, struct claro_scan_result *out)
{
	struct rpm_pathset *set = NULL;
	struct report r = {ctx, out, NULL, CLARO_OK};
	enum claro_status st = rpm_pathset_load(ctx, layer, &set);

	if (st != CLARO_OK)
		return st;
	if (!set) {
		ctx->host->log(ctx, CLARO_LOG_INFO, "no rpm database in the layer");
		return CLARO_OK;
	}
	r.set = set;
	rpm_pathset_each(set, report_path, &r);
	if (r.st == CLARO_OK && rpm_pathset_has(set, "\x01 not a path"))
		r.st = ctx->host->error(ctx, CLARO_ERR_INTERNAL,
					"rpm_pathset_has accepts a path not in the set");
	rpm_pathset_free(ctx, set);
	return r.st;
}

static const struct claro_file_scanner_ops ops = {sizeof(struct claro_file_scanner_ops), scan};

static const struct claro_component rpm_owned_paths = {
    sizeof(struct claro_component), CLARO_KIND_FILE_SCANNER, 0, "rpm-owned-paths", "1", &ops,
};

CLARO_PLUGIN_DEFINE(rpmpaths, "1.0.0", "Apache-2.0", "Test-only: the RPM-owned path set as a file scanner",
		    NULL, NULL, NULL, &rpm_owned_paths)
