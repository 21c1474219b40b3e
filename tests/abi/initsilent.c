/* tests/abi: init() fails without saying why.
 * SPDX-License-Identifier: Apache-2.0 */
#include "broken.h"

BROKEN_SCANNER(scanner, "initsilent_pkg");
static const struct claro_component *const components[] = {&scanner, NULL};

static enum claro_status initsilent_init(struct claro_ctx *ctx)
{
	(void)ctx;
	return CLARO_ERR_INTERNAL;
}

static const struct claro_module module = {
    .magic = CLARO_MODULE_MAGIC,
    .abi_major = CLARO_ABI_MAJOR,
    .abi_minor = CLARO_ABI_MINOR,
    .struct_size = sizeof(struct claro_module),
    .flags = 0,
    .name = "initsilent",
    .version = "1.0.0",
    .build_id = CLARO_BUILD_ID,
    .license = "Apache-2.0",
    .description = "deliberately broken",
    .components = components,
    .config = NULL,
    .init = initsilent_init,
    .fini = NULL,
};

BROKEN_ENTRY(initsilent, &module)
