/* Fuzz target: the Alpine secdb JSON parser (plugins/alpine/secdb.c). Any
 * input must end in CLARO_OK, or in CLARO_ERR_INVALID / CLARO_ERR_TOO_LARGE
 * with a reason and no fix reported (a bad document reports nothing); every
 * fix reported has a package name and an id, and a second parse reports the
 * same number of fixes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../plugins/alpine/secdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum claro_status count_fix(void *arg, const struct secdb_fix *fix)
{
	if (!fix->package || !*fix->package || !fix->id || !*fix->id || !fix->fixed_version)
		abort(); /* a parser bug: make the fuzzer report it */
	(*(size_t *)arg)++;
	return CLARO_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secdb_error err;
	size_t first = 0, second = 0;
	enum claro_status st = secdb_parse((const char *)data, size, count_fix, &first, &err);

	if (st == CLARO_ERR_INVALID || st == CLARO_ERR_TOO_LARGE) {
		if (first != 0 || !err.detail[0])
			abort();
		return 0;
	}
	if (st != CLARO_OK)
		return 0; /* out of memory */
	if (secdb_parse((const char *)data, size, count_fix, &second, &err) != CLARO_OK || second != first)
		abort();
	return 0;
}
