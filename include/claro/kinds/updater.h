/* claro plugin SDK: updater sets.
 *
 * An updater set names its updaters afresh on every run (new releases, new
 * ecosystems appear without a restart) and runs one updater at a time when the
 * host asks. An update fetches through host->http_fetch() (which applies the
 * proxy, airgap and mirror policy), emits records into the host's sink, and
 * sets a fingerprint the host hands back next time; returning
 * CLARO_ERR_UNCHANGED keeps the previous snapshot. The core owns storage: a
 * failed update never replaces the previous snapshot.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_KINDS_UPDATER_H
#define CLARO_KINDS_UPDATER_H

#include <claro/status.h>
#include <claro/records.h>

struct claro_ctx;
struct claro_updater_list; /* host-owned sink for list() */
struct claro_update;       /* one run of one updater; host-owned */

/* Updater flags, given to host->updater_add(). Since: ABI 1.0 */
#define CLARO_UPDATER_ENRICHMENT (1u << 0) /* emits enrichments, not vulnerabilities */
#define CLARO_UPDATER_DELTA      (1u << 1) /* emits changes; host carries the rest forward */

/* CLARO_KIND_UPDATER_SET. Since: ABI 1.0 */
struct claro_updater_set_ops {
	uint32_t struct_size;
	/* Name the updaters of this set with host->updater_add(). */
	enum claro_status (*list)(struct claro_ctx *ctx, struct claro_updater_list *out);
	/* Run one updater named by list(). */
	enum claro_status (*update)(struct claro_ctx *ctx, const char *updater, struct claro_update *up);
};

#endif /* CLARO_KINDS_UPDATER_H */
