/* claro plugin SDK: version schemes.
 *
 * Pure functions: no context, no allocation, safe from any thread. Matchers
 * reach schemes by name through host->version_scheme().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_KINDS_VERSION_H
#define CLARO_KINDS_VERSION_H

#include <claro/status.h>
#include <claro/records.h>

/* CLARO_KIND_VERSION_SCHEME. Since: ABI 1.0 */
struct claro_version_scheme_ops {
	uint32_t struct_size;
	/* *cmp < 0, 0, > 0 as a <, =, > b. CLARO_ERR_INVALID if either does not parse. */
	enum claro_status (*compare)(const char *a, const char *b, int *cmp);
	/* Optional (NULL): the 10-integer normalised form (reference §4.4). */
	enum claro_status (*normalize)(const char *v, struct claro_normalized_version *out);
};

#endif /* CLARO_KINDS_VERSION_H */
