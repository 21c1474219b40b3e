/* Who coalesces an image's rpm databases: the "rhel" coalescer
 * (plugins/rhel) or the generic "rpm" one (plugins/linux). Both take the
 * "rpm" package scanner's results, so both must reach the same answer from
 * the same evidence, or a package would be reported twice (Clair reports it
 * twice on purpose, reference §3.5 "Overlap on RHEL-family images"; claro
 * does not, see plugins/rhel/README.md).
 *
 * An image is Red Hat's when any layer has a distribution found by the
 * "rhel" distribution scanner (did "rhel", or "hummingbird", the only two it
 * reports) or a repository found by the "rhel-repository-scanner" (key
 * "rhel-cpe-repository"). Both coalescers list those two scanners, so both
 * see that evidence in their layer artifacts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RHELFAMILY_H
#define CLARO_PLUGINS_RHELFAMILY_H

#include <stddef.h>
#include <string.h>

#include <claro/plugin.h>

/* The key of Red Hat's product (CPE) repositories (claircore's
 * rhel.repositoryKey). */
#define RHELFAMILY_REPOSITORY_KEY "rhel-cpe-repository"

/* Non-zero for a distribution the "rhel" scanner reports. */
static inline int rhelfamily_is_rhel_distribution(const struct claro_distribution *d)
{
	return d && d->did && (strcmp(d->did, "rhel") == 0 || strcmp(d->did, "hummingbird") == 0);
}

static inline int rhelfamily_is_rhel_repository(const struct claro_repository *r)
{
	return r && r->key && strcmp(r->key, RHELFAMILY_REPOSITORY_KEY) == 0;
}

/* Non-zero when the image is Red Hat's: the "rhel" coalescer owns its rpm
 * databases and the "rpm" coalescer reports none of them. */
static inline int rhelfamily_owns(const struct claro_layer_artifacts *const *layers, size_t n_layers)
{
	for (size_t l = 0; layers && l < n_layers; l++) {
		const struct claro_layer_artifacts *la = layers[l];

		if (!la)
			continue;
		for (size_t i = 0; la->distributions && i < la->n_distributions; i++)
			if (rhelfamily_is_rhel_distribution(la->distributions[i]))
				return 1;
		for (size_t i = 0; la->repositories && i < la->n_repositories; i++)
			if (rhelfamily_is_rhel_repository(la->repositories[i]))
				return 1;
	}
	return 0;
}

#endif /* CLARO_PLUGINS_RHELFAMILY_H */
