/* The ubuntu plugin's shared pieces: the canonical version string of a
 * release (ubuntu.c) and the components and configuration keys defined in
 * oval_updater.c, gathered into the module in ubuntu.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_UBUNTU_H
#define CLARO_PLUGINS_UBUNTU_H

#include <claro/plugin.h>

/* "<release> (<Codename>)", each word's first letter upper-cased as Go's
 * strings.Title does ("22.04 (Jammy)"). Caller frees with host->free; NULL
 * when out of memory. */
char *ubuntu_version_string(const struct claro_host *h, const char *release, const char *codename);

/* "ubuntu" updater set: the CVE OVAL feeds (oval_updater.c). */
extern const struct claro_component ubuntu_oval_updaters;
/* ubuntu-matcher (matcher.c) */
extern const struct claro_component ubuntu_matcher;
extern const struct claro_cfg_key ubuntu_cfg_url, ubuntu_cfg_name, ubuntu_cfg_oval_url, ubuntu_cfg_use_bzip2,
    ubuntu_cfg_max_feed_size;
/* Plugin init: sets up libxml2 once, before any worker thread parses. */
enum claro_status ubuntu_init(struct claro_ctx *ctx);

#endif /* CLARO_PLUGINS_UBUNTU_H */
