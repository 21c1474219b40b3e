/* Fuzz target: the streaming OVAL (dpkginfo) parser with its decompressing
 * input (plugins/ubuntu/oval.c, plugins/common/feedstream.c), capped at
 * 64 MiB of XML. Any input must end in CLARO_OK, or in CLARO_ERR_INVALID /
 * CLARO_ERR_TOO_LARGE with a reason and no vulnerability reported (pass 1
 * reads the whole document first); every vulnerability reported has a
 * package name and non-NULL fields, and the count matches the statistics.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../plugins/ubuntu/oval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum claro_status count_vuln(void *arg, const struct oval_vuln *v)
{
	if (!v->package || !*v->package || !v->name || !v->description || !v->severity || !v->links ||
	    !v->fixed_version || !v->arch || (unsigned)v->arch_op > CLARO_ARCH_OP_PATTERN)
		abort(); /* a parser bug: make the fuzzer report it */
	(void)oval_ubuntu_severity(v->severity);
	(*(size_t *)arg)++;
	return CLARO_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oval_error err;
	struct oval_stats stats;
	size_t n = 0;
	enum claro_status st = oval_parse_dpkg(data, size, (uint64_t)64 << 20, count_vuln, &n, &stats, &err);

	if (st == CLARO_ERR_INVALID || st == CLARO_ERR_TOO_LARGE) {
		if (n != 0 || !err.detail[0])
			abort();
		return 0;
	}
	if (st == CLARO_OK && n != stats.vulnerabilities)
		abort();
	return 0;
}
