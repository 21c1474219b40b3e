/* The Linux coalescer shared by the OS-package ecosystems (dpkg, alpine, and
 * rpm): Clair's claircore:linux/coalescer.go rules (reference §3.5)
 * plus whiteouts of whole package databases.
 *
 *   - Per package database (package_db), the packages come from the highest
 *     layer that reported any package for it: "last layer wins".
 *   - A database whited out by a layer above that one (dbwhiteout.h) is
 *     gone: none of its packages are reported.
 *   - introduced_in is the first layer where the same name + database +
 *     version appeared, searching no lower than the last layer (at or below
 *     the winning one) that whited the database out: a database deleted and
 *     written again starts afresh.
 *   - The distribution is the first one of the introduction layer; failing
 *     that the nearest layer below with one; failing that the nearest above.
 *   - No repositories.
 * Output order: databases by name (strcmp), then each database's packages in
 * the winning layer's order.
 *
 * An ecosystem is one coalescer component whose ops use linux_coalesce and
 * name its scanners (including "whiteout", so its records arrive here).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_LINUX_COALESCER_H
#define CLARO_PLUGINS_LINUX_COALESCER_H

#include <claro/plugin.h>

/* struct claro_coalescer_ops.coalesce for every Linux ecosystem. Adds each
 * surviving package with host->index_add_package(). CLARO_ERR_INVALID (three
 * parts) for malformed layer artifacts, CLARO_ERR_NOMEM, or the host's
 * status when adding fails. */
enum claro_status linux_coalesce(struct claro_ctx *ctx, const struct claro_layer_artifacts *const *layers,
				 size_t n_layers, struct claro_index_builder *out);

#endif /* CLARO_PLUGINS_LINUX_COALESCER_H */
