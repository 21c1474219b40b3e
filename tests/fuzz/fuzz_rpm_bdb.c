/* Fuzz target: the Berkeley DB hash reader (plugins/rpm/bdb.c); the input is
 * a whole Packages file, each value found goes through the header checks of
 * fuzz_rpm.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "../../plugins/rpm/bdb.h"
#include "fuzz_rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpmdb_reader r;
	struct rpmdb_memory m;
	struct rpmdb_error err = {{0}};

	(void)bdb_is_hash(data, size);
	rpmdb_reader_memory(&r, &m, data, size);
	fuzz_rpm_result(bdb_read_packages(&r, fuzz_rpm_header, NULL, &err), &err);
	return 0;
}
