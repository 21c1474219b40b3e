/* dists: Debian release discovery as claircore's debian updater set does it
 * (reference §5.2): the suites are the links of the mirror's
 * <mirror>/debian/dists/ index page whose name is only lower-case letters
 * (so "bookworm" and "stable", not "bookworm-updates" or
 * "stable-backports"), except "experimental"; each suite's Release file
 * (its first 512 bytes are enough) names the code name and the version.
 * Suites without a version (testing, sid) are no release; aliases
 * ("stable" -> "bookworm") collapse into one.
 *
 * The canonical distribution record of a release is the one the debian
 * distribution scanner reports (debian.c): did "debian", name "Debian
 * GNU/Linux", version_id "12", version "12 (bookworm)", version_code_name
 * "bookworm", pretty_name "Debian GNU/Linux 12 (bookworm)".
 *
 * Pure library code (libc only): fuzzed with the tracker.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_DEBIAN_DISTS_H
#define CLARO_PLUGINS_DEBIAN_DISTS_H

#include <stddef.h>

#include <claro/records.h>
#include <claro/status.h>

#define DISTS_NAME_MAX 64 /* longest suite or code name accepted */
#define DISTS_MAX      128

/* A link target of the dists/ index ("bookworm/", "./bookworm/",
 * ".../dists/bookworm/") as a suite name into out; 0 if it is not one to
 * probe. */
int dists_suite_from_link(const char *href, size_t len, char out[DISTS_NAME_MAX]);

/* From a Release file's leading bytes: the Codename and the major version
 * (the digits of Version before its first '.'). 1 when both are there and
 * sane, 0 otherwise (no version: testing or sid; or not a Release file). */
int dists_parse_release(const char *data, size_t len, char codename[DISTS_NAME_MAX], int *major);

/* One known release. */
struct dists_release {
	char codename[DISTS_NAME_MAX];
	int major;
	char version_id[16];
	char version[DISTS_NAME_MAX + 24];
	char pretty_name[DISTS_NAME_MAX + 48];
};

/* Fill r for codename / major. */
void dists_release_init(struct dists_release *r, const char *codename, int major);
/* r's canonical distribution record; its strings point into r. */
void dists_release_record(const struct dists_release *r, struct claro_distribution *out);

#endif /* CLARO_PLUGINS_DEBIAN_DISTS_H */
