/* Does a whiteout delete a package database? The Linux coalescer goes past
 * Clair here (reference §3.5: Clair never consults whiteouts for OS
 * databases): when a later layer whites out a database, the packages the
 * layers below recorded for it are gone from the image.
 *
 * A package database is named as the scanners name it (package_db):
 * a path relative to the layer root, optionally prefixed with its kind,
 * "var/lib/dpkg/status", "lib/apk/db/installed", "bdb:var/lib/rpm".
 * A whiteout record (kind "whiteout", from the whiteout file scanner) is
 * the path of a ".wh.<name>" entry, relative to the layer root.
 *
 * A whiteout covers a database when it
 *   - is ".wh.<name>" of the database path itself or of any directory above
 *     it ("var/lib/dpkg/.wh.status", "var/lib/.wh.dpkg");
 *   - is ".wh..wh..opq" in any directory above the database, or in the
 *     database itself when the database is a directory ("bdb:var/lib/rpm");
 *   - for a directory-shaped database whose kind names its file (bdb:
 *     Packages, sqlite: rpmdb.sqlite, ndb: Packages.db), is ".wh.<that
 *     file>" inside the directory.
 * Other AUFS markers (".wh..wh.plnk", ".wh..wh.aufs") cover nothing.
 *
 * Depends only on libc; paths may come straight from a layer (untrusted):
 * no copies, no fixed buffers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_LINUX_DBWHITEOUT_H
#define CLARO_PLUGINS_LINUX_DBWHITEOUT_H

/* Non-zero when the whiteout at whiteout_path deletes package_db. NULL or
 * empty arguments cover nothing. */
int dbwhiteout_covers(const char *whiteout_path, const char *package_db);

#endif /* CLARO_PLUGINS_LINUX_DBWHITEOUT_H */
