/* The rhel plugin: Red Hat's family of distributions and Red Hat's container
 * build metadata. Components (reference §3.2, §3.5, §4.1, §4.3):
 *
 *   distribution scanners  rhel (3, Clair's), centos, rocky, almalinux,
 *                          fedora (1, beyond Clair)      dist_rhel.c, dist_family.c
 *   repository scanner     rhel-repository-scanner (3)   repo_scanner.c
 *   coalescer              rhel                          coalescer.c
 *   rhcc ecosystem         rhel_package_container_detector (2, package),
 *                          rhel_repo_container_detector (1, repository),
 *                          coalescer rhcc                rhcc.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RHEL_H
#define CLARO_PLUGINS_RHEL_H

#include <stddef.h>

#include <claro/plugin.h>

#include "repo2cpe.h"

extern const struct claro_component rhel_dist_scanner;
extern const struct claro_component centos_dist_scanner;
extern const struct claro_component rocky_dist_scanner;
extern const struct claro_component almalinux_dist_scanner;
extern const struct claro_component fedora_dist_scanner;
extern const struct claro_component rhel_repository_scanner;
extern const struct claro_component rhel_coalescer;
extern const struct claro_component rhcc_package_detector;
extern const struct claro_component rhcc_repository_detector;
extern const struct claro_component rhcc_coalescer;

/* What init() keeps in ctx->plugin_data. */
struct rhel_plugin {
	struct repo2cpe *mapping; /* the repoid -> CPE mapping (config) */
};

/* Clair's RHEL release regexp, `Red Hat Enterprise Linux (?:Server|Atomic
 * Host)?\s*(?:release)?\s*(\d+)`, applied to a whole file: 1 and the major
 * release in *major when it matches, 0 when not, -1 when it matches with a
 * number too long to be a release. */
int rhel_release_match(const char *text, size_t len, long *major);

/* Go's url.ParseQuery(s).Get(key): the first value of key in an
 * "a=b&c=d" query, unescaped (malloc'd); NULL when absent (or no memory). */
char *rhel_query_get(const char *query, const char *key);

/* Go's url.QueryEscape (malloc'd), for "repoid=<id>" repository URIs. */
char *rhel_query_escape(const char *s);

#endif /* CLARO_PLUGINS_RHEL_H */
