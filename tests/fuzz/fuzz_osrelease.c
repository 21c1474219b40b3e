/* Fuzz target: the os-release / lsb-release parser shared by the
 * distribution scanners (plugins/common/osrelease.c). Any input must end in
 * CLARO_OK or CLARO_ERR_INVALID with a reason and a line inside the input;
 * on success every entry has a non-empty key without '=' and a value no
 * longer than the input, and lookups find every key.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/common/osrelease.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct osrelease rel;
	struct osrelease_error err;
	enum claro_status st = osrelease_parse((const char *)data, size, &rel, &err);
	size_t lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (st == CLARO_ERR_INVALID) {
		if (err.reason == NULL || err.line > lines || rel.count != 0)
			abort(); /* a parser bug: make the fuzzer report it */
		return 0;
	}
	if (st != CLARO_OK)
		return 0; /* out of memory */
	for (size_t i = 0; i < rel.count; i++) {
		const struct osrelease_entry *e = &rel.entries[i];

		if (!*e->key || strchr(e->key, '=') != NULL || strlen(e->key) > size ||
		    strlen(e->value) > size)
			abort();
		if (osrelease_get(&rel, e->key) == NULL)
			abort();
	}
	(void)osrelease_get(&rel, "ID");
	osrelease_free(&rel);
	return 0;
}
