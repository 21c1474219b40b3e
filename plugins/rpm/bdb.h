/* Berkeley DB hash databases as rpm wrote them ("Packages"): every value of
 * the hash is one package's header blob, keyed by its 32-bit instance
 * number; key 0 holds rpm's next instance number and is skipped.
 *
 * Read without libdb, from the on-disk format (libdb's db_page.h): page 0 is
 * the hash metadata page (magic 0x00061561 at offset 12, in the byte order of
 * the machine that wrote it, which every other field follows), and every
 * hash page (P_HASH, P_HASH_UNSORTED) holds key/data item pairs. A value is
 * either inline (H_KEYDATA) or an H_OFFPAGE reference to a chain of
 * P_OVERFLOW pages. Pages are visited in file order, as claircore does.
 *
 * Everything read from the file is bounds-checked: page numbers against the
 * file, item offsets against the page, each value against its declared
 * length and RPMDB_MAX_BLOB, and all overflow data together against the file
 * size (overflow pages belong to one item each, so more means a cycle).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RPM_BDB_H
#define CLARO_PLUGINS_RPM_BDB_H

#include <stddef.h>

#include "rpmdb_io.h"

/* 1 if the first 16 bytes of a file carry the hash magic at offset 12 in
 * either byte order (the test claircore applies to files named Packages). */
int bdb_is_hash(const unsigned char *head, size_t len);

/* Call fn for every package header blob. CLARO_ERR_INVALID with err set for
 * a malformed database, CLARO_ERR_UNSUPPORTED for encrypted or checksummed
 * ones, CLARO_ERR_NOMEM, or whatever fn or the reader returned. */
enum claro_status bdb_read_packages(const struct rpmdb_reader *r, rpmdb_blob_fn fn, void *arg,
				    struct rpmdb_error *err);

#endif /* CLARO_PLUGINS_RPM_BDB_H */
