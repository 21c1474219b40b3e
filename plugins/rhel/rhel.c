/* rhel: the plugin module (components listed in rhel.h) and its
 * configuration, the [plugin.rhel] section:
 *
 *   repo2cpe_mapping_file  a local copy of Red Hat's repository-to-cpe.json
 *   repo2cpe_mapping_url   where to fetch it (default Red Hat's when neither
 *                          key is set; set only the file for no network)
 *   repo2cpe_timeout       per fetch (default 10s, Clair's)
 *   vex_*                  the rhel-vex updater (vex_updater.c)
 *   ignore_unpatched       the rhel matcher asks only for advisories with a
 *                          fixed version (Clair's option of the same name)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "rhel.h"

#define DAY     (24 * 60 * 60)
#define RETRY_S (5 * 60)

static const struct claro_cfg_key cfg_file = {
    sizeof(struct claro_cfg_key),
    "repo2cpe_mapping_file",
    CLARO_CFG_STRING,
    NULL,
    0,
    "Local copy of Red Hat's repository-to-cpe.json (no network needed); refreshed from the URL if one is "
    "set",
};
static const struct claro_cfg_key cfg_url = {
    sizeof(struct claro_cfg_key),
    "repo2cpe_mapping_url",
    CLARO_CFG_STRING,
    NULL,
    0,
    "Where to fetch repository-to-cpe.json (daily); default " REPO2CPE_DEFAULT_URL " when no file is set",
};
static const struct claro_cfg_key cfg_timeout = {
    sizeof(struct claro_cfg_key),
    "repo2cpe_timeout",
    CLARO_CFG_DURATION,
    "10s",
    0,
    "Time limit of one fetch of the repository-to-CPE mapping",
};
static const struct claro_cfg_key *const rhel_config[] = {&cfg_file,
							  &cfg_url,
							  &cfg_timeout,
							  &rhel_cfg_vex_url,
							  &rhel_cfg_vex_timeout,
							  &rhel_cfg_vex_max_archive_bytes,
							  &rhel_cfg_vex_max_document_bytes,
							  &rhel_cfg_vex_max_total_bytes,
							  &rhel_cfg_vex_max_documents,
							  &rhel_cfg_ignore_unpatched,
							  NULL};

static const char *cfg_string_or_null(struct claro_ctx *ctx, const char *key)
{
	const char *v = NULL;

	return ctx->host->cfg_string(ctx, key, &v) == CLARO_OK && v && *v ? v : NULL;
}

static enum claro_status rhel_init(struct claro_ctx *ctx)
{
	struct rhel_plugin *pd = calloc(1, sizeof(*pd));
	struct repo2cpe_config rc = {0};
	enum claro_status st;

	if (!pd)
		return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	rc.file = cfg_string_or_null(ctx, "repo2cpe_mapping_file");
	rc.url = cfg_string_or_null(ctx, "repo2cpe_mapping_url");
	if (ctx->host->cfg_duration(ctx, "repo2cpe_timeout", &rc.timeout_seconds) != CLARO_OK)
		rc.timeout_seconds = 10;
	rc.refresh_seconds = DAY;
	rc.retry_seconds = RETRY_S;
	if ((st = ctx->host->cfg_bool(ctx, "ignore_unpatched", &pd->ignore_unpatched)) != CLARO_OK ||
	    (st = rhel_vex_settings_read(ctx, &pd->vex)) != CLARO_OK) {
		rhel_vex_settings_free(&pd->vex);
		free(pd);
		return st;
	}
	if ((st = repo2cpe_new(ctx, &rc, &pd->mapping)) != CLARO_OK) {
		rhel_vex_settings_free(&pd->vex);
		free(pd);
		return st;
	}
	ctx->plugin_data = pd;
	return CLARO_OK;
}

static void rhel_fini(struct claro_ctx *ctx)
{
	struct rhel_plugin *pd = ctx->plugin_data;

	if (pd) {
		repo2cpe_free(pd->mapping);
		rhel_vex_settings_free(&pd->vex);
		free(pd);
		ctx->plugin_data = NULL;
	}
}

CLARO_PLUGIN_DEFINE(
    rhel, "1.0.0", "Apache-2.0",
    "Red Hat family: RHEL/UBI, CentOS, Rocky, Alma, Fedora detection; RHEL products; rhel and rhcc "
    "coalescers; Red Hat CSAF VEX advisories; the rhel matcher",
    rhel_config, rhel_init, rhel_fini, &rhel_dist_scanner, &centos_dist_scanner, &rocky_dist_scanner,
    &almalinux_dist_scanner, &fedora_dist_scanner, &rhel_repository_scanner, &rhel_coalescer,
    &rhcc_package_detector, &rhcc_repository_detector, &rhcc_coalescer, &rhel_matcher, &rhel_vex_updater_set)
