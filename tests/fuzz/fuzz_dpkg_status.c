/* Fuzz target: the dpkg status / status.d parser (plugins/dpkg/dpkgdb.c on
 * top of plugins/common/rfc822.c), in both modes. Any input must end in
 * CLARO_OK or CLARO_ERR_INVALID (with the line and field of the bad entry);
 * every package delivered must have a non-empty name and version and a
 * source name and version, and the sort must not fault.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/dpkg/dpkgdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *data, size_t size, enum dpkgdb_mode mode)
{
	struct dpkg_list list = {0};
	struct dpkgdb_report rep;
	enum claro_status st = dpkgdb_parse(data, size, mode, &list, &rep);

	if (st == CLARO_ERR_INVALID) {
		if (list.count != 0 || rep.invalid_field == NULL || rep.invalid_line == 0)
			abort(); /* a parser bug: make the fuzzer report it */
	} else if (st != CLARO_OK && st != CLARO_ERR_NOMEM) {
		abort();
	}
	if (rep.malformed > 0 && (rep.first_bad_reason == NULL || rep.first_bad_line == 0))
		abort();
	for (size_t i = 0; i < list.count; i++) {
		const struct dpkg_pkg *p = &list.items[i];

		if (!*p->name || !*p->version || !*p->src_name || !*p->src_version || p->arch == NULL)
			abort();
	}
	dpkg_list_sort(&list);
	dpkg_list_free(&list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size, DPKGDB_STATUS);
	check((const char *)data, size, DPKGDB_DISTROLESS);
	return 0;
}
