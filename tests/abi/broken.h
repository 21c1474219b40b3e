/* Shared pieces of the deliberately broken plugins in tests/abi/. Each
 * plugin writes its module descriptor by hand (instead of with
 * CLARO_PLUGIN_DEFINE) so it can get exactly one thing wrong.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLARO_TESTS_ABI_BROKEN_H
#define CLARO_TESTS_ABI_BROKEN_H

#include <stddef.h>

#include <claro/plugin.h>

static inline enum claro_status broken_scan(struct claro_ctx *ctx, struct claro_layer *layer,
					    struct claro_scan_result *out)
{
	(void)ctx;
	(void)layer;
	(void)out;
	return CLARO_OK;
}

static const struct claro_package_scanner_ops broken_scanner_ops = {sizeof(struct claro_package_scanner_ops),
								    broken_scan, NULL};

/* A well-formed package scanner component named n. */
#define BROKEN_SCANNER(var, n)                      \
	static const struct claro_component var = { \
	    sizeof(struct claro_component), CLARO_KIND_PACKAGE_SCANNER, 0, n, "1", &broken_scanner_ops}

/* The exported entry point returning descriptor. */
#define BROKEN_ENTRY(pname, descriptor)                                              \
	CLARO_EXPORT const struct claro_module *claro_plugin_##pname##_module(void); \
	CLARO_EXPORT const struct claro_module *claro_plugin_##pname##_module(void)  \
	{                                                                            \
		return (descriptor);                                                 \
	}

#endif /* CLARO_TESTS_ABI_BROKEN_H */
