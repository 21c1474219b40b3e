/* The debian plugin's components defined outside debian.c, gathered into
 * the module there.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_DEBIAN_H
#define CLARO_PLUGINS_DEBIAN_H

#include <claro/plugin.h>

/* "debian" updater set: the security tracker JSON (tracker_updater.c). */
extern const struct claro_component debian_tracker_updaters;
/* debian-matcher (matcher.c) */
extern const struct claro_component debian_matcher;
/* Its configuration keys "mirror_url" and "json_url". */
extern const struct claro_cfg_key debian_cfg_mirror_url;
extern const struct claro_cfg_key debian_cfg_json_url;

#endif /* CLARO_PLUGINS_DEBIAN_H */
