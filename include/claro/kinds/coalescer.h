/* claro plugin SDK: coalescers.
 *
 * A coalescer owns an ecosystem: it names the scanners whose per-layer
 * results it takes and turns them, in layer order, into packages with
 * environments for the whole image (Clair's Coalescer, reference §3.5).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_KINDS_COALESCER_H
#define CLARO_KINDS_COALESCER_H

#include <claro/status.h>
#include <claro/records.h>

struct claro_ctx;
struct claro_index_builder; /* the partial index report being built; host-owned */

/* One layer's scan results, restricted to the coalescer's scanners.
 * Borrowed until coalesce() returns. Since: ABI 1.0 */
struct claro_layer_artifacts {
	uint32_t struct_size;
	const char *layer_digest;
	const struct claro_package *const *packages;
	size_t n_packages;
	const struct claro_distribution *const *distributions;
	size_t n_distributions;
	const struct claro_repository *const *repositories;
	size_t n_repositories;
	const struct claro_file_record *const *files;
	size_t n_files;
};

/* CLARO_KIND_COALESCER. Since: ABI 1.0 */
struct claro_coalescer_ops {
	uint32_t struct_size;
	/* NULL-terminated names of the scanners this coalescer consumes. */
	const char *const *scanners;
	/* layers[0] is the bottom layer. Add each surviving package with
	 * host->index_add_package(). */
	enum claro_status (*coalesce)(struct claro_ctx *ctx,
				      const struct claro_layer_artifacts *const *layers, size_t n_layers,
				      struct claro_index_builder *out);
};

#endif /* CLARO_KINDS_COALESCER_H */
