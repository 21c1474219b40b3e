/* Red Hat's image content manifests ("ICM", written by OSBS and Konflux at
 * root/buildinfo/content_manifests/<name>.json, usr/share/buildinfo/...): the
 * repository ids ("content sets") the image's rpms came from, and whether
 * dnf's history should be preferred (reference §4.1;
 * claircore:rhel/rhel.go contentManifest).
 *
 *   {"content_sets": ["rhel-8-for-x86_64-baseos-rpms", ...],
 *    "from_dnf_hint": true, "metadata": {...}}
 *
 * content_sets must be an array of strings (or absent / null), from_dnf_hint
 * a boolean (or absent / null); everything else is ignored. Outside data:
 * fuzzed by tests/fuzz/fuzz_rhel_buildinfo.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RHEL_CONTENTMANIFEST_H
#define CLARO_PLUGINS_RHEL_CONTENTMANIFEST_H

#include <stddef.h>

#include <claro/status.h>

struct content_manifest {
	char **content_sets; /* n_content_sets strings, in file order */
	size_t n_content_sets;
	int from_dnf_hint;
};

/* Parse len bytes of JSON. CLARO_OK; CLARO_ERR_INVALID with *why (a
 * sentence fragment, static or in reason[size]) when the bytes are not JSON
 * or the fields have the wrong types; CLARO_ERR_NOMEM. *out is empty on
 * failure and must be released with content_manifest_free on success. */
enum claro_status content_manifest_parse(const char *data, size_t len, struct content_manifest *out,
					 char *reason, size_t size);

void content_manifest_free(struct content_manifest *m);

#endif /* CLARO_PLUGINS_RHEL_CONTENTMANIFEST_H */
