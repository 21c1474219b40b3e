/* tests/abi: marked strict, built against another build of claro.
 * SPDX-License-Identifier: Apache-2.0 */
#include "broken.h"

BROKEN_SCANNER(scanner, "strict_pkg");
static const struct claro_component *const components[] = {&scanner, NULL};

static const struct claro_module module = {
    .magic = CLARO_MODULE_MAGIC,
    .abi_major = CLARO_ABI_MAJOR,
    .abi_minor = CLARO_ABI_MINOR,
    .struct_size = sizeof(struct claro_module),
    .flags = CLARO_MODULE_STRICT,
    .name = "strict",
    .version = "1.0.0",
    .build_id = "claro-0.0.0-abi-1.0",
    .license = "Apache-2.0",
    .description = "deliberately broken",
    .components = components,
    .config = NULL,
    .init = NULL,
    .fini = NULL,
};

BROKEN_ENTRY(strict, &module)
