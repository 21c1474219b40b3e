/* The python coalescer: the Python ecosystem's packages for the whole image
 * (Clair's claircore:python/coalescer.go; reference §3.5, "Language
 * coalescers").
 *
 * Every layer the python scanner found packages in adds them, each with one
 * environment: its package_db, introduced_in = that layer's digest, the
 * layer's repositories (the scanner's default repository "pypi") and no
 * distribution. A package installed again in a later layer (the same
 * package_db, metadata file, name and version) is reported once, from the
 * highest such layer, as Clair's map of packages keeps the last layer's
 * entry. Packages a later layer deletes are not this coalescer's business:
 * the host's whiteout resolver (core/indexer.c) drops every package whose
 * metadata file, or whose package_db directory, a whiteout above the layer
 * removes, for every coalescer alike.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PYTHON_COALESCER_H
#define CLARO_PYTHON_COALESCER_H

#include <claro/plugin.h>

/* Bump when the coalescing rules change (reported by GET /api/v1/plugins). */
#define PYTHON_COALESCER_VERSION "1"

/* The component: kind coalescer, name "python", scanner "python". */
extern const struct claro_component python_coalescer;

#endif /* CLARO_PYTHON_COALESCER_H */
