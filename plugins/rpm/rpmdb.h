/* rpm databases in a layer, through the host's layer filesystem: finding
 * them as claircore does (claircore:internal/rpm/find.go) and reading their
 * headers with the format readers (bdb.c, ndb.c, sqlitedb.c, rpmhdr.c).
 *
 * A database is any file, anywhere in the layer, named
 *   Packages      with the Berkeley DB hash magic ("bdb"),
 *   rpmdb.sqlite  ("sqlite"), or
 *   Packages.db   with the ndb magic "RpmP" ("ndb"),
 * found by a walk of the whole layer in path order. A symlink counts when it
 * resolves inside the layer to a regular file; a dangling one is skipped (as
 * claircore skips a database it cannot open). Each database is named
 * "<kind>:<directory>" (the directory "." at the layer root): the package_db
 * of its packages.
 *
 * Used by the rpm package scanner and by the RPM-owned path set
 * (rpm_pathset.h), which other plugins compile in.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RPM_RPMDB_H
#define CLARO_PLUGINS_RPM_RPMDB_H

#include <claro/plugin.h>

#include "rpmhdr.h"

enum rpmdb_kind { RPMDB_BDB = 1, RPMDB_SQLITE = 2, RPMDB_NDB = 3 };

struct rpmdb_found {
	enum rpmdb_kind kind;
	char *file;       /* the database file, e.g. "var/lib/rpm/Packages" */
	char *package_db; /* "<kind>:<directory>", e.g. "bdb:var/lib/rpm" */
	uint64_t size;    /* of the file (or of the file a symlink resolves to) */
};

struct rpmdb_list {
	struct rpmdb_found *v;
	size_t n, cap;
};

/* "bdb", "sqlite" or "ndb". */
const char *rpmdb_kind_name(enum rpmdb_kind kind);

/* Every database in the layer, in path order (none: out->n == 0). Errors are
 * described with host->error. Free the list with rpmdb_list_free. */
enum claro_status rpmdb_find(struct claro_ctx *ctx, struct claro_layer *layer, struct rpmdb_list *out);
void rpmdb_list_free(struct claro_ctx *ctx, struct rpmdb_list *list);

/* Receives each package header of a database (gpg-pubkey entries, which are
 * keys, not packages, are left out). ordinal counts headers from 1. */
typedef enum claro_status (*rpmdb_header_fn)(void *arg, const struct rpmhdr *h, size_t ordinal);

/* Read every header of db. A malformed database or header fails with a
 * three-part error naming the file and the header; errors fn returns pass
 * through unchanged (fn describes them itself). */
enum claro_status rpmdb_read(struct claro_ctx *ctx, struct claro_layer *layer, const struct rpmdb_found *db,
			     rpmdb_header_fn fn, void *arg);

#endif /* CLARO_PLUGINS_RPM_RPMDB_H */
