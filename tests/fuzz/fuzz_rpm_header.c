/* Fuzz target: the RPM header parser (plugins/rpm/rpmhdr.c) and what the
 * scanner derives from a header (rpminfo.c, pgpsig.c); the input is one
 * header blob. The OpenPGP reader also gets the raw input as a signature.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fuzz_rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t key;

	fuzz_rpm_header(NULL, data, size);
	(void)pgpsig_issuer(data, size, &key);
	return 0;
}
