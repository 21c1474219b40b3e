/* Where installed Python distributions record themselves in a file tree,
 * and which trees belong to the distribution's package manager.
 *
 * A metadata entry is what importlib.metadata finds in a sys.path
 * directory (Python 3.11 Lookup): a child whose name ends in ".dist-info"
 * or ".egg-info" (any case), or a child named "EGG-INFO" (any case) of a
 * directory whose name ends in ".egg". An entry that is a directory holds
 * METADATA (read first) or PKG-INFO; an entry that is a regular file is the
 * metadata itself (old setuptools wrote "<name>.egg-info" files). This is a
 * superset of claircore's python scanner (version 5), which takes only
 * ".dist-info/METADATA", ".egg-info", ".egg-info/PKG-INFO" and
 * ".egg/EGG-INFO/PKG-INFO" in exactly that case. Whiteout files (".wh.*")
 * are never entries.
 *
 * Distro-owned trees are skipped as claircore does, by the glob patterns
 * "usr/lib" "*" "/python[23].*" in a layer holding an RPM database (the
 * standard library and site-packages of the system Python, usr/lib64/python3.9
 * say) and "usr/lib" "*" "/python[23]" in a layer holding a dpkg status file
 * (Debian's usr/lib/python3/dist-packages); the RPM rule wins when both.
 *
 * Pure functions over layer-relative paths ("a/b/c", no leading "/").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PYTHON_LAYOUT_H
#define CLARO_PYTHON_LAYOUT_H

enum pylayout_entry {
	PYLAYOUT_NONE = 0,
	PYLAYOUT_DIST_INFO, /* <name>.dist-info */
	PYLAYOUT_EGG_INFO,  /* <name>.egg-info */
	PYLAYOUT_EGG        /* <name>.egg/EGG-INFO */
};

enum pylayout_distro { PYLAYOUT_NO_DISTRO = 0, PYLAYOUT_RPM, PYLAYOUT_DPKG };

/* What path is as a metadata entry (its type does not matter here). */
enum pylayout_entry pylayout_entry(const char *path);

/* 1 if path lies inside (strictly below) a tree the distro owns. */
int pylayout_distro_owned(const char *path, enum pylayout_distro distro);

/* The length of the directory part of path (the sys.path entry that holds
 * the metadata entry path): 0 for an entry at the layer root. */
unsigned long pylayout_parent_len(const char *path);

#endif /* CLARO_PYTHON_LAYOUT_H */
