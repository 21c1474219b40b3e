/* Fuzz target: the apk installed-database parser (plugins/alpine/apkdb.c).
 * Any input must end in CLARO_OK or CLARO_ERR_INVALID with a reason and a
 * line inside the input, and every delivered entry must point into the input
 * and carry a name and a version.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../plugins/alpine/apkdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bounds {
	const char *begin, *end;
};

static int inside(const struct bounds *b, const struct apkdb_field *f)
{
	return f->len == 0 || (f->ptr >= b->begin && f->ptr + f->len <= b->end);
}

static enum claro_status check_entry(const struct apkdb_entry *e, void *arg)
{
	const struct bounds *b = arg;

	if (!e->name.len || !e->version.len || !inside(b, &e->name) || !inside(b, &e->version) ||
	    !inside(b, &e->arch) || !inside(b, &e->origin) || !inside(b, &e->commit) || e->line == 0)
		abort(); /* a parser bug: make the fuzzer report it */
	return CLARO_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bounds b = {(const char *)data, (const char *)data};
	struct apkdb_error err = {0, NULL};
	enum claro_status st;

	if (size)
		b.end += size; /* no arithmetic on a NULL empty input */
	st = apkdb_parse((const char *)data, size, check_entry, &b, &err);

	if (st != CLARO_OK &&
	    (st != CLARO_ERR_INVALID || !err.reason || err.line == 0 || err.line > size + 1))
		abort();
	return 0;
}
