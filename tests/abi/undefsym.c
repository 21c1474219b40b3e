/* tests/abi: needs a symbol nothing provides, so dlopen(RTLD_NOW) fails.
 * SPDX-License-Identifier: Apache-2.0 */
#include "broken.h"

void claro_test_no_such_function(void);

static enum claro_status undefsym_scan(struct claro_ctx *ctx, struct claro_layer *layer,
				       struct claro_scan_result *out)
{
	(void)ctx;
	(void)layer;
	(void)out;
	claro_test_no_such_function();
	return CLARO_OK;
}

static const struct claro_package_scanner_ops undefsym_ops = {sizeof(undefsym_ops), undefsym_scan, NULL};
static const struct claro_component undefsym_pkg = {
    sizeof(struct claro_component), CLARO_KIND_PACKAGE_SCANNER, 0, "undefsym_pkg", "1", &undefsym_ops};
static const struct claro_component *const components[] = {&undefsym_pkg, NULL};

static const struct claro_module module = {
    .magic = CLARO_MODULE_MAGIC,
    .abi_major = CLARO_ABI_MAJOR,
    .abi_minor = CLARO_ABI_MINOR,
    .struct_size = sizeof(struct claro_module),
    .flags = 0,
    .name = "undefsym",
    .version = "1.0.0",
    .build_id = CLARO_BUILD_ID,
    .license = "Apache-2.0",
    .description = "deliberately broken",
    .components = components,
    .config = NULL,
    .init = NULL,
    .fini = NULL,
};

BROKEN_ENTRY(undefsym, &module)
