/* dpkg database parsing for the dpkg plugin: turns the bytes of a "status"
 * file (or one distroless "status.d" file) into package records, with the
 * rules of reference §4.2 and the answers of dpkg-query:
 *
 *   - paragraphs are read with plugins/common/rfc822; a malformed paragraph
 *     is skipped and counted (claircore's skip-and-restart);
 *   - DPKGDB_STATUS keeps a paragraph only when its Status field has both the
 *     words "ok" and "installed" ("install ok installed", "hold ok
 *     installed"); DPKGDB_DISTROLESS keeps every paragraph;
 *   - Package is required of every entry (as dpkg does), Version of every
 *     kept entry. When one is missing and the
 *     paragraph carries a vcpkg-only field (Port-Version, Default-Features,
 *     Feature), the whole file is "not a dpkg database" (no packages, no
 *     error); otherwise, in DPKGDB_STATUS mode the file is invalid, and in
 *     DPKGDB_DISTROLESS mode (where Clair never fails on content) the entry is
 *     skipped and counted. Architecture may be absent (dpkg only warns),
 *     giving an empty arch;
 *   - the source is "Source: name" or "Source: name (version)"; without a
 *     version it takes the binary's version, and without a Source field it is
 *     the binary's own name and version (dpkg-query's ${source:Package} and
 *     ${source:Version}).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_DPKGDB_H
#define CLARO_PLUGINS_DPKGDB_H

#include <stddef.h>

#include <claro/status.h>

enum dpkgdb_mode {
	DPKGDB_STATUS = 0,    /* var/lib/dpkg/status: apply the Status filter */
	DPKGDB_DISTROLESS = 1 /* var/lib/dpkg/status.d/<pkg>: take every paragraph */
};

struct dpkg_pkg {
	char *name;
	char *version;
	char *arch; /* "" when the paragraph has no Architecture */
	char *src_name;
	char *src_version;
	char hint[33]; /* md5 hex of the .md5sums file, "" when none */
};

struct dpkg_list {
	struct dpkg_pkg *items;
	size_t count;
	size_t capacity;
};

/* What the parse saw, for logs and error messages. Reasons are static. */
struct dpkgdb_report {
	size_t paragraphs;     /* well-formed paragraphs read */
	size_t malformed;      /* paragraphs skipped as malformed */
	size_t first_bad_line; /* line of the first malformed paragraph */
	const char *first_bad_reason;
	size_t incomplete;         /* DPKGDB_DISTROLESS: entries without Package or Version, skipped */
	int not_dpkg;              /* a vcpkg status file: nothing taken */
	size_t invalid_line;       /* CLARO_ERR_INVALID: paragraph's first line */
	const char *invalid_field; /* CLARO_ERR_INVALID: "Package" or "Version" */
};

/* Parse len bytes into *out (appending; out must be zeroed or hold earlier
 * results). CLARO_OK (possibly with malformed paragraphs skipped, or
 * rep->not_dpkg set), CLARO_ERR_INVALID (a kept paragraph lacks Package or
 * Version; nothing is appended), CLARO_ERR_NOMEM. rep must not be NULL. */
enum claro_status dpkgdb_parse(const char *data, size_t len, enum dpkgdb_mode mode, struct dpkg_list *out,
			       struct dpkgdb_report *rep);

/* Sort by name, then version (byte order), as Clair does. */
void dpkg_list_sort(struct dpkg_list *list);

void dpkg_list_free(struct dpkg_list *list);

#endif /* CLARO_PLUGINS_DPKGDB_H */
