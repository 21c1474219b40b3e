/* linux: the coalescers of the Linux package ecosystems, one component per
 * ecosystem, named after it (claircore:dpkg/ecosystem.go,
 * claircore:alpine/ecosystem.go; reference §3.2, §4.1). They share
 * linux_coalesce() and differ only in the scanners whose results they take.
 * Every list carries "whiteout" so whiteout records reach the coalescer
 * (coalescer.h: a whited-out package database loses its packages).
 *
 * Adding an ecosystem (rpm: the "rpm" package scanner with the aws, oracle,
 * suse and photon distribution scanners) is one scanner list and one
 * component below.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <claro/plugin.h>

#include "coalescer.h"

/* Bump when the coalescing rules change (reported by GET /api/v1/plugins). */
#define LINUX_COALESCER_VERSION "1"

static const char *const dpkg_scanners[] = {
    "dpkg",            /* var/lib/dpkg/status */
    "dpkg-distroless", /* var/lib/dpkg/status.d/<package> */
    "debian",          /* distribution */
    "ubuntu",          /* distribution */
    "whiteout",
    NULL,
};

static const char *const alpine_scanners[] = {
    "apk",    /* lib/apk/db/installed */
    "alpine", /* distribution */
    "whiteout",
    NULL,
};

static const struct claro_coalescer_ops dpkg_ops = {
    sizeof(struct claro_coalescer_ops),
    dpkg_scanners,
    linux_coalesce,
};

static const struct claro_coalescer_ops alpine_ops = {
    sizeof(struct claro_coalescer_ops),
    alpine_scanners,
    linux_coalesce,
};

static const struct claro_component dpkg_coalescer = {
    sizeof(struct claro_component), CLARO_KIND_COALESCER, 0, "dpkg", LINUX_COALESCER_VERSION, &dpkg_ops,
};

static const struct claro_component alpine_coalescer = {
    sizeof(struct claro_component), CLARO_KIND_COALESCER, 0, "alpine", LINUX_COALESCER_VERSION, &alpine_ops,
};

CLARO_PLUGIN_DEFINE(linux, "1.0.0", "Apache-2.0",
		    "Coalescers of the Linux package ecosystems (dpkg, alpine): last layer wins per database",
		    NULL, NULL, NULL, &dpkg_coalescer, &alpine_coalescer)
