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
 *   matcher                rhel                          matcher.c
 *   updater set            rhel-vex (Red Hat CSAF VEX)   vex_updater.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RHEL_H
#define CLARO_PLUGINS_RHEL_H

#include <stddef.h>
#include <stdint.h>

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
extern const struct claro_component rhel_matcher;
extern const struct claro_component rhel_vex_updater_set;

/* Repository keys of Red Hat products (CPE repositories) and of the Red Hat
 * Container Catalog, as Clair names them. */
#define RHEL_CPE_REPOSITORY_KEY "rhel-cpe-repository"
#define RHCC_REPOSITORY_KEY     "rhcc-container-repository"

/* The rhel-vex updater's settings ([plugin.rhel] vex_*). */
struct rhel_vex_settings {
	char *base;                  /* vex_url with a trailing '/' */
	int64_t timeout;             /* seconds, per download */
	uint64_t max_archive_bytes;  /* the compressed archive */
	uint64_t max_document_bytes; /* one document */
	uint64_t max_total_bytes;    /* everything the archive decompresses to */
	uint64_t max_documents;      /* entries of the archive */
};

/* What init() keeps in ctx->plugin_data. */
struct rhel_plugin {
	struct repo2cpe *mapping; /* the repoid -> CPE mapping (config) */
	int ignore_unpatched;     /* the rhel matcher asks for fixed advisories only */
	struct rhel_vex_settings vex;
};

/* Read the vex_* keys into pd->vex (init); a bad value is a three-part
 * CLARO_ERR_CONFIG. rhel_vex_settings_free releases them. */
enum claro_status rhel_vex_settings_read(struct claro_ctx *ctx, struct rhel_vex_settings *out);
void rhel_vex_settings_free(struct rhel_vex_settings *s);
/* The [plugin.rhel] keys of the rhel-vex updater and the rhel matcher
 * (vex_updater.c, rhel.c lists them). */
extern const struct claro_cfg_key rhel_cfg_vex_url, rhel_cfg_vex_timeout, rhel_cfg_vex_max_archive_bytes,
    rhel_cfg_vex_max_document_bytes, rhel_cfg_vex_max_total_bytes, rhel_cfg_vex_max_documents,
    rhel_cfg_ignore_unpatched;

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
