/* Fuzz target: the ndb reader (plugins/rpm/ndb.c); the input is a whole
 * Packages.db file, each blob found goes through the header checks of
 * fuzz_rpm.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "../../plugins/rpm/ndb.h"
#include "fuzz_rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpmdb_reader r;
	struct rpmdb_memory m;
	struct rpmdb_error err = {{0}};

	(void)ndb_is_packages(data, size);
	rpmdb_reader_memory(&r, &m, data, size);
	fuzz_rpm_result(ndb_read_packages(&r, fuzz_rpm_header, NULL, &err), &err);
	return 0;
}
