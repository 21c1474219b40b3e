/* release: which Alpine Linux release a layer's etc/os-release or etc/issue
 * names, by claircore's rules (reference §4.3, claircore alpine/
 * distributionscanner.go):
 *
 *   os-release: ID must be "alpine"; the version is VERSION_ID up to its last
 *     '.' ("3.18.4" -> "3.18"; no '.' means not recognised), or "edge" when
 *     PRETTY_NAME is "Alpine Linux edge"; name and pretty name are NAME and
 *     PRETTY_NAME verbatim.
 *   issue: "Alpine Linux <digits>.<word> (edge)" anywhere gives edge;
 *     otherwise the first "Alpine Linux <digits>.<digits>" gives that version,
 *     named "Alpine Linux" / "Alpine Linux v<version>".
 *
 * Pure functions over bytes: no host services, so they are easy to test and
 * fuzz. Strings in struct alpine_release are malloc'd and owned by it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_ALPINE_RELEASE_H
#define CLARO_PLUGINS_ALPINE_RELEASE_H

#include <stddef.h>

#include <claro/status.h>

#include "../common/osrelease.h"

#define ALPINE_DID              "alpine"
#define ALPINE_NAME             "Alpine Linux"
#define ALPINE_EDGE             "edge"
#define ALPINE_EDGE_PRETTY_NAME "Alpine Linux edge"

/* A detected release; all NULL when nothing was recognised. */
struct alpine_release {
	char *did;
	char *name;
	char *version;
	char *pretty_name;
};

/* Look at an os-release file. CLARO_OK with rel->did set when it names an
 * Alpine release, CLARO_OK with rel->did NULL when it does not, or
 * CLARO_ERR_INVALID (the file is malformed; *perr says where) /
 * CLARO_ERR_NOMEM. */
enum claro_status alpine_release_from_os_release(const char *data, size_t len, struct alpine_release *rel,
						 struct osrelease_error *perr);

/* Look at an issue file. CLARO_OK (rel->did NULL when not Alpine) or
 * CLARO_ERR_NOMEM. */
enum claro_status alpine_release_from_issue(const char *data, size_t len, struct alpine_release *rel);

/* Free the strings and reset *rel to all NULL. */
void alpine_release_clear(struct alpine_release *rel);

#endif /* CLARO_PLUGINS_ALPINE_RELEASE_H */
