/* Fuzz target: the Manifest parser (core/manifest.c), which takes the body
 * of POST /indexer/api/v1/index_report from any client. Seeds are real JSON
 * documents of the test data: OCI layouts (index.json) and Clair's index
 * report fixtures.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../core/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	struct error err = ERROR_INIT;

	if (manifest_parse((const char *)data, size, &m, &err) == CLARO_OK) {
		/* a parsed manifest is fully validated */
		if (!manifest_digest_valid(m.hash) || m.n_layers == 0)
			__builtin_trap();
		for (size_t i = 0; i < m.n_layers; i++)
			if (!manifest_digest_valid(m.layers[i].hash) || !m.layers[i].uri ||
			    !m.layers[i].headers)
				__builtin_trap();
		manifest_free(&m);
	} else if (!err.message || !err.detail) {
		__builtin_trap(); /* every refusal explains itself */
	}
	error_clear(&err);
	return 0;
}
