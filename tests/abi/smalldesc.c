/* tests/abi: its descriptor is smaller than ABI 1.0's.
 * SPDX-License-Identifier: Apache-2.0 */
#include "broken.h"

BROKEN_SCANNER(scanner, "smalldesc_pkg");
static const struct claro_component *const components[] = {&scanner, NULL};

static const struct claro_module module = {
    .magic = CLARO_MODULE_MAGIC,
    .abi_major = CLARO_ABI_MAJOR,
    .abi_minor = CLARO_ABI_MINOR,
    .struct_size = 16,
    .flags = 0,
    .name = "smalldesc",
    .version = "1.0.0",
    .build_id = CLARO_BUILD_ID,
    .license = "Apache-2.0",
    .description = "deliberately broken",
    .components = components,
    .config = NULL,
    .init = NULL,
    .fini = NULL,
};

BROKEN_ENTRY(smalldesc, &module)
