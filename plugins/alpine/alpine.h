/* The alpine plugin's components, defined in their own files and gathered
 * into the module in alpine.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_ALPINE_H
#define CLARO_PLUGINS_ALPINE_H

#include <claro/plugin.h>

/* "apk" package scanner, version "v0.0.1" (apk_scanner.c). */
extern const struct claro_component alpine_apk_scanner;
/* "alpine" distribution scanner, version "3" (dist_scanner.c). */
extern const struct claro_component alpine_dist_scanner;
/* "alpine" updater set: the secdb updaters (secdb_updater.c). */
extern const struct claro_component alpine_secdb_updaters;
/* alpine-matcher (matcher.c) */
extern const struct claro_component alpine_matcher;
/* Its configuration key "url" (secdb_updater.c). */
extern const struct claro_cfg_key alpine_cfg_url;

#endif /* CLARO_PLUGINS_ALPINE_H */
