/* tests/abi: declares an integer key whose default is not an integer.
 * SPDX-License-Identifier: Apache-2.0 */
#include "broken.h"

BROKEN_SCANNER(scanner, "badcfgdecl_pkg");
static const struct claro_component *const components[] = {&scanner, NULL};

static const struct claro_cfg_key key_retries = {
    sizeof(struct claro_cfg_key), "retries", CLARO_CFG_INT, "three", 0, "attempts"};
static const struct claro_cfg_key *const config[] = {&key_retries, NULL};

static const struct claro_module module = {
    .magic = CLARO_MODULE_MAGIC,
    .abi_major = CLARO_ABI_MAJOR,
    .abi_minor = CLARO_ABI_MINOR,
    .struct_size = sizeof(struct claro_module),
    .flags = 0,
    .name = "badcfgdecl",
    .version = "1.0.0",
    .build_id = CLARO_BUILD_ID,
    .license = "Apache-2.0",
    .description = "deliberately broken",
    .components = components,
    .config = config,
    .init = NULL,
    .fini = NULL,
};

BROKEN_ENTRY(badcfgdecl, &module)
