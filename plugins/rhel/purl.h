/* purl: Package URLs as Red Hat's CSAF VEX documents carry them in product
 * identification helpers ("pkg:rpm/redhat/openssl@3.0.7-27.el9?arch=x86_64
 * &epoch=1"), parsed the way packageurl-go's FromString does (the library
 * claircore uses):
 *
 *   - the scheme is "pkg" (case-insensitively), then optional slashes;
 *   - '#' starts the subpath (slashes trimmed), '?' the qualifiers;
 *   - the type is up to the first '/', lower-cased; it and a name are
 *     required;
 *   - the namespace is up to the last '/', the version after the last '@'
 *     of the rest; both and the name are percent-decoded (a bad escape is
 *     an error; '+' stays '+');
 *   - qualifiers are "key=value" pairs split on '&' (a ';' is an error),
 *     query-unescaped ('+' is a space), keys lower-cased and made of
 *     [a-z0-9.-_] not starting with a digit, empty values dropped, order
 *     kept;
 *   - the rpm type's namespace is lower-cased;
 *   - control characters anywhere are an error (Go's url.Parse refuses them).
 *
 * Pure library code (libc only).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RHEL_PURL_H
#define CLARO_PLUGINS_RHEL_PURL_H

#include <stddef.h>

#include <claro/status.h>

struct purl_qualifier {
	char *key;
	char *value;
};

struct purl {
	char *type;
	char *namespace_; /* "" when none */
	char *name;
	char *version; /* "" when none */
	char *subpath; /* "" when none */
	struct purl_qualifier *q;
	size_t nq;
};

/* CLARO_OK fills *out (release with purl_free); CLARO_ERR_INVALID sets
 * *why to a static reason and leaves *out empty; CLARO_ERR_NOMEM. */
enum claro_status purl_parse(const char *s, struct purl *out, const char **why);

/* The value of qualifier key, or NULL. */
const char *purl_qualifier(const struct purl *p, const char *key);

void purl_free(struct purl *p);

#endif /* CLARO_PLUGINS_RHEL_PURL_H */
