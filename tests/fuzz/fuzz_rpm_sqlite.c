/* Fuzz target: the SQLite rpmdb reader (plugins/rpm/sqlitedb.c) with SQLite
 * itself reading the input as a database; every blob of the Packages table
 * goes through the header checks of fuzz_rpm.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "../../plugins/rpm/sqlitedb.h"
#include "fuzz_rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpmdb_reader r;
	struct rpmdb_memory m;
	struct rpmdb_error err = {{0}};

	rpmdb_reader_memory(&r, &m, data, size);
	fuzz_rpm_result(sqlitedb_read_packages(&r, fuzz_rpm_header, NULL, &err), &err);
	return 0;
}
