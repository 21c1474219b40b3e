/* The RPM-owned paths of a layer: every file that a package of any rpm
 * database in the layer lists (BASENAMES in DIRNAMES, or OLDFILENAMES), so
 * that language scanners can skip what the RPM database already reports
 * (claircore:internal/rpm/files.go; reference §4.2).
 *
 * To use it from another plugin, compile in plugins/rpm/rpm_pathset.c,
 * rpmdb.c, rpmdb_io.c, rpmhdr.c, bdb.c, ndb.c and sqlitedb.c, add
 * -I$(top_srcdir)/plugins/rpm, and link $(SQLITE3_LIBS) (with
 * $(SQLITE3_CFLAGS)). Build with -fvisibility=hidden like every plugin so
 * none of these symbols is exported.
 *
 * Paths are layer paths: relative to the layer root, without a leading "/",
 * "." and ".." resolved lexically and repeated "/" collapsed (what the host's
 * fs_walk reports). Unlike claircore, which keeps only paths matching a few
 * patterns (jars, egg-info PKG-INFO, package.json, gemspecs, executables),
 * the set holds every file, so any scanner can ask about any path.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RPM_PATHSET_H
#define CLARO_PLUGINS_RPM_PATHSET_H

#include <stddef.h>

#include <claro/plugin.h>

struct rpm_pathset;

/* Read every rpm database of the layer into a new set. *out is NULL (and the
 * result CLARO_OK) when the layer has no rpm database. A damaged database is
 * an error, described with host->error, as in claircore. */
enum claro_status rpm_pathset_load(struct claro_ctx *ctx, struct claro_layer *layer,
				   struct rpm_pathset **out);

/* 1 if an RPM package owns path (a leading "/" is ignored), else 0. s may be
 * NULL (no rpm database: owns nothing). */
int rpm_pathset_has(const struct rpm_pathset *s, const char *path);

/* Number of distinct paths in the set (0 for NULL). */
size_t rpm_pathset_count(const struct rpm_pathset *s);

/* Call fn for every path in the set, in no particular order; a non-zero
 * return stops. */
void rpm_pathset_each(const struct rpm_pathset *s, int (*fn)(void *arg, const char *path), void *arg);

void rpm_pathset_free(struct claro_ctx *ctx, struct rpm_pathset *s);

#endif /* CLARO_PLUGINS_RPM_PATHSET_H */
