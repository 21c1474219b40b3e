/* Advisory locks for the SQLite store (see store.h for the design): a
 * process-wide table of held keys per database file, plus POSIX record locks
 * on one byte per key in a sidecar file "<database>-lock" so other processes
 * are excluded too.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_STORE_SQLITE_LOCK_H
#define CLARO_CORE_STORE_SQLITE_LOCK_H

#include "error.h"

struct sqlite_lockspace;

/* The lock space of the database at db_path (an absolute path as SQLite
 * reports it; "" or NULL for a database without a file). Shared by every
 * connection of the process to that file; each attach needs one detach. */
enum claro_status sqlite_lockspace_attach(const char *db_path, struct sqlite_lockspace **out,
					  struct error *err);
/* Release every lock owner holds, then drop this attachment. */
void sqlite_lockspace_detach(struct sqlite_lockspace *ls, const void *owner);

/* owner identifies the connection (its struct store). */
enum claro_status sqlite_lock_try(struct sqlite_lockspace *ls, const void *owner, const char *key,
				  int *acquired, struct error *err);
enum claro_status sqlite_lock_release(struct sqlite_lockspace *ls, const void *owner, const char *key,
				      int *held, struct error *err);

#endif /* CLARO_CORE_STORE_SQLITE_LOCK_H */
