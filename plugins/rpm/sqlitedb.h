/* rpm's SQLite database ("rpmdb.sqlite"): the header blobs are the "blob"
 * column of table Packages, read in "hnum" order as claircore does.
 *
 * SQLite reads the file through a read-only VFS of this module over a
 * struct rpmdb_reader (for the plugin: the host's fs_pread on the layer
 * file), so nothing is copied to disk or memory beyond SQLite's page cache,
 * and no path of the host is ever opened. The database is opened with
 * immutable=1: no locks, no journal, no -wal or -shm file. A database in WAL
 * mode has the two header bytes that say so (18 and 19) read as the
 * rollback-journal value; changes still sitting in a -wal file are not seen,
 * as in claircore, which copies only the main file.
 *
 * The VFS is registered with SQLite once per module that compiles this file,
 * under a name unique to that module ("claro-rpmdb-<address>"). It is never
 * unregistered: its name and structure are heap memory that stays valid, and
 * nothing ever opens a database with that name after the module is gone.
 *
 * The input is untrusted: the connection runs with SQLITE_DBCONFIG_DEFENSIVE,
 * trusted_schema, triggers and views off, temporary storage in memory,
 * cell_size_check on and a bounded blob length; and Packages must be an
 * ordinary table, so a crafted schema cannot make the query run code of its
 * choosing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RPM_SQLITEDB_H
#define CLARO_PLUGINS_RPM_SQLITEDB_H

#include <stddef.h>

#include "rpmdb_io.h"

/* Call fn for every header blob of the SQLite database r reads.
 * CLARO_ERR_INVALID with err set for a file that is not an rpm SQLite
 * database or is damaged, CLARO_ERR_NOMEM, what the reader returned for an
 * I/O failure, or whatever fn returned. */
enum claro_status sqlitedb_read_packages(const struct rpmdb_reader *r, rpmdb_blob_fn fn, void *arg,
					 struct rpmdb_error *err);

#endif /* CLARO_PLUGINS_RPM_SQLITEDB_H */
