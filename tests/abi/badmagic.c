/* tests/abi: its descriptor does not start with the magic.
 * SPDX-License-Identifier: Apache-2.0 */
#include "broken.h"

BROKEN_SCANNER(scanner, "badmagic_pkg");
static const struct claro_component *const components[] = {&scanner, NULL};

static const struct claro_module module = {
    .magic = 0x12345678u,
    .abi_major = CLARO_ABI_MAJOR,
    .abi_minor = CLARO_ABI_MINOR,
    .struct_size = sizeof(struct claro_module),
    .flags = 0,
    .name = "badmagic",
    .version = "1.0.0",
    .build_id = CLARO_BUILD_ID,
    .license = "Apache-2.0",
    .description = "deliberately broken",
    .components = components,
    .config = NULL,
    .init = NULL,
    .fini = NULL,
};

BROKEN_ENTRY(badmagic, &module)
