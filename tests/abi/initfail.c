/* tests/abi: init() fails with a structured error.
 * SPDX-License-Identifier: Apache-2.0 */
#include "broken.h"

BROKEN_SCANNER(scanner, "initfail_pkg");
static const struct claro_component *const components[] = {&scanner, NULL};

static enum claro_status initfail_init(struct claro_ctx *ctx)
{
	const struct claro_host *h = ctx->host;

	h->error(ctx, CLARO_ERR_IO, "could not open %s", "/nonexistent/initfail.db");
	h->error_detail(ctx, "No such file or directory.");
	h->error_hint(ctx, "Create the database or set db_path in [plugin.initfail].");
	return CLARO_ERR_IO;
}

static const struct claro_module module = {
    .magic = CLARO_MODULE_MAGIC,
    .abi_major = CLARO_ABI_MAJOR,
    .abi_minor = CLARO_ABI_MINOR,
    .struct_size = sizeof(struct claro_module),
    .flags = 0,
    .name = "initfail",
    .version = "1.0.0",
    .build_id = CLARO_BUILD_ID,
    .license = "Apache-2.0",
    .description = "deliberately broken",
    .components = components,
    .config = NULL,
    .init = initfail_init,
    .fini = NULL,
};

BROKEN_ENTRY(initfail, &module)
