/* tests/abi: a correct plugin, the control case. test_abi copies it to make
 * the file-level failures (symlink, writable, bad name); test_loader uses its
 * init/fini log lines to check the shutdown order.
 * SPDX-License-Identifier: Apache-2.0 */
#include "broken.h"

BROKEN_SCANNER(scanner, "good_pkg");
static const struct claro_component *const components[] = {&scanner, NULL};

static const struct claro_cfg_key key_greeting = {
    sizeof(struct claro_cfg_key), "greeting", CLARO_CFG_STRING, "hello", 0, "what init() logs"};
static const struct claro_cfg_key *const config[] = {&key_greeting, NULL};

static enum claro_status good_init(struct claro_ctx *ctx)
{
	const char *greeting;
	enum claro_status st = ctx->host->cfg_string(ctx, "greeting", &greeting);

	if (st == CLARO_OK)
		ctx->host->log(ctx, CLARO_LOG_NOTICE, "init: %s", greeting);
	return st;
}

static void good_fini(struct claro_ctx *ctx)
{
	ctx->host->log(ctx, CLARO_LOG_NOTICE, "fini");
}

static const struct claro_module module = {
    .magic = CLARO_MODULE_MAGIC,
    .abi_major = CLARO_ABI_MAJOR,
    .abi_minor = CLARO_ABI_MINOR,
    .struct_size = sizeof(struct claro_module),
    .flags = CLARO_MODULE_STRICT, /* and built against this very build */
    .name = "good",
    .version = "1.0.0",
    .build_id = CLARO_BUILD_ID,
    .license = "Apache-2.0",
    .description = "a correct plugin",
    .components = components,
    .config = config,
    .init = good_init,
    .fini = good_fini,
};

BROKEN_ENTRY(good, &module)
