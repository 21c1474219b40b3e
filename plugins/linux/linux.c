/* linux: the coalescers of the Linux package ecosystems, one component per
 * ecosystem, named after it (claircore:dpkg/ecosystem.go,
 * claircore:alpine/ecosystem.go; reference §3.2, §4.1). They share
 * linux_coalesce() and differ only in the scanners whose results they take.
 * Every list carries "whiteout" so whiteout records reach the coalescer
 * (coalescer.h: a whited-out package database loses its packages).
 *
 * The rpm ecosystem is shared with the rhel coalescer (plugins/rhel): both
 * take the "rpm" scanner, and rhelfamily_owns() decides which one reports an
 * image's rpm databases, so none is reported twice (plugins/rhel/README.md).
 * The rpm coalescer lists the rhel scanners only to see that evidence.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <claro/plugin.h>

#include "../common/rhelfamily.h"
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

static const char *const rpm_scanners[] = {
    "rpm",       /* bdb:, sqlite:, ndb: rpm databases */
    "aws",       /* distributions: Clair's rpm ecosystem */
    "oracle",    /*   ...                                 */
    "suse",      /*   ...                                 */
    "photon",    /*   ...                                 */
    "centos",    /* distributions beyond Clair */
    "rocky",     /*   ...                      */
    "almalinux", /*   ...                      */
    "fedora",    /*   ...                      */
    "mariner",   /*   ...                      */
    "rhel",      /* only to see that the image is the rhel coalescer's */
    "rhel-repository-scanner",
    "whiteout",
    NULL,
};

/* Red Hat's images are the rhel coalescer's; every other rpm image gets
 * Clair's Linux rules. */
static enum claro_status rpm_coalesce(struct claro_ctx *ctx,
				      const struct claro_layer_artifacts *const *layers, size_t n_layers,
				      struct claro_index_builder *out)
{
	if (rhelfamily_owns(layers, n_layers)) {
		ctx->host->log(
		    ctx, CLARO_LOG_DEBUG,
		    "a RHEL distribution or product repository: the rhel coalescer reports this image");
		return CLARO_OK;
	}
	return linux_coalesce(ctx, layers, n_layers, out);
}

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

static const struct claro_coalescer_ops rpm_ops = {
    sizeof(struct claro_coalescer_ops),
    rpm_scanners,
    rpm_coalesce,
};

static const struct claro_component dpkg_coalescer = {
    sizeof(struct claro_component), CLARO_KIND_COALESCER, 0, "dpkg", LINUX_COALESCER_VERSION, &dpkg_ops,
};

static const struct claro_component alpine_coalescer = {
    sizeof(struct claro_component), CLARO_KIND_COALESCER, 0, "alpine", LINUX_COALESCER_VERSION, &alpine_ops,
};

static const struct claro_component rpm_coalescer = {
    sizeof(struct claro_component), CLARO_KIND_COALESCER, 0, "rpm", LINUX_COALESCER_VERSION, &rpm_ops,
};

CLARO_PLUGIN_DEFINE(
    linux, "1.0.0", "Apache-2.0",
    "Coalescers of the Linux package ecosystems (dpkg, alpine, rpm): last layer wins per database", NULL,
    NULL, NULL, &dpkg_coalescer, &alpine_coalescer, &rpm_coalescer)
