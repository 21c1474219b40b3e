/* Shared helpers of the rpm database readers; see rpmdb_io.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rpmdb_io.h"

void rpmdb_errorf(struct rpmdb_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

enum claro_status rpmdb_read_exact(const struct rpmdb_reader *r, void *buf, size_t n, uint64_t offset,
				   const char *what, struct rpmdb_error *err)
{
	size_t got = 0;
	enum claro_status st;

	if (offset > r->size || n > r->size - offset) {
		rpmdb_errorf(err, "%s at offset %llu (%zu bytes) lies past the end of the %llu-byte file",
			     what, (unsigned long long)offset, n, (unsigned long long)r->size);
		return CLARO_ERR_INVALID;
	}
	st = r->pread(r->arg, buf, n, offset, &got);
	if (st != CLARO_OK) {
		rpmdb_errorf(err, "reading %s at offset %llu failed", what, (unsigned long long)offset);
		return st;
	}
	if (got != n) {
		rpmdb_errorf(err, "%s at offset %llu (%zu bytes) lies past the end of the file", what,
			     (unsigned long long)offset, n);
		return CLARO_ERR_INVALID;
	}
	return CLARO_OK;
}

static enum claro_status memory_pread(void *arg, void *buf, size_t n, uint64_t offset, size_t *got)
{
	const struct rpmdb_memory *m = arg;

	*got = 0;
	if (offset >= m->len)
		return CLARO_OK;
	if (n > m->len - offset)
		n = m->len - (size_t)offset;
	if (n)
		memcpy(buf, m->data + offset, n);
	*got = n;
	return CLARO_OK;
}

void rpmdb_reader_memory(struct rpmdb_reader *r, struct rpmdb_memory *m, const void *data, size_t len)
{
	m->data = data;
	m->len = len;
	r->pread = memory_pread;
	r->arg = m;
	r->size = len;
}
