/* tests/abi: a component without an ops table.
 * SPDX-License-Identifier: Apache-2.0 */
#include "broken.h"

static const struct claro_component noops = {
    sizeof(struct claro_component), CLARO_KIND_MATCHER, 0, "noops", "1", NULL};
static const struct claro_component *const components[] = {&noops, NULL};

static const struct claro_module module = {
    .magic = CLARO_MODULE_MAGIC,
    .abi_major = CLARO_ABI_MAJOR,
    .abi_minor = CLARO_ABI_MINOR,
    .struct_size = sizeof(struct claro_module),
    .flags = 0,
    .name = "nullops",
    .version = "1.0.0",
    .build_id = CLARO_BUILD_ID,
    .license = "Apache-2.0",
    .description = "deliberately broken",
    .components = components,
    .config = NULL,
    .init = NULL,
    .fini = NULL,
};

BROKEN_ENTRY(nullops, &module)
