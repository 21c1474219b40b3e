/* tests/abi: a package scanner without a scan function.
 * SPDX-License-Identifier: Apache-2.0 */
#include "broken.h"

static const struct claro_package_scanner_ops noscan_ops = {sizeof(noscan_ops), NULL, NULL};
static const struct claro_component noscan = {
    sizeof(struct claro_component), CLARO_KIND_PACKAGE_SCANNER, 0, "noscan_pkg", "1", &noscan_ops};
static const struct claro_component *const components[] = {&noscan, NULL};

static const struct claro_module module = {
    .magic = CLARO_MODULE_MAGIC,
    .abi_major = CLARO_ABI_MAJOR,
    .abi_minor = CLARO_ABI_MINOR,
    .struct_size = sizeof(struct claro_module),
    .flags = 0,
    .name = "noscan",
    .version = "1.0.0",
    .build_id = CLARO_BUILD_ID,
    .license = "Apache-2.0",
    .description = "deliberately broken",
    .components = components,
    .config = NULL,
    .init = NULL,
    .fini = NULL,
};

BROKEN_ENTRY(noscan, &module)
