/* rpm's native database ("ndb", Packages.db, SUSE's default), read without
 * librpm from its on-disk format (rpm's lib/backend/ndb/rpmpkg.c). All
 * fields are little-endian:
 *
 *   header   "RpmP", version 0, generation, slot pages, next package index
 *   slots    from byte 32 to the end of the slot pages, 16 bytes each:
 *            "Slot", package index, block offset, block count (16-byte
 *            blocks; offset 0 = a free slot)
 *   blob     "BlbS", package index, generation, length, the header blob,
 *            padding, then adler32, length, "BlbE" in the blob's last 12 bytes
 *
 * Every used slot is read, in slot order. (claircore stops at the slot of
 * the highest package index, which misses packages whose slots come after
 * it once rpm has reused freed slots.) Each blob's magic, package index,
 * lengths and adler32 checksum (over its header, data and padding) are
 * verified; blobs together may not cover more bytes than the file holds.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RPM_NDB_H
#define CLARO_PLUGINS_RPM_NDB_H

#include <stddef.h>

#include "rpmdb_io.h"

/* 1 if the file starts with the package database magic "RpmP". */
int ndb_is_packages(const unsigned char *head, size_t len);

/* Call fn for every package header blob. CLARO_ERR_INVALID with err set for
 * a malformed database, CLARO_ERR_NOMEM, or whatever fn or the reader
 * returned. */
enum claro_status ndb_read_packages(const struct rpmdb_reader *r, rpmdb_blob_fn fn, void *arg,
				    struct rpmdb_error *err);

#endif /* CLARO_PLUGINS_RPM_NDB_H */
