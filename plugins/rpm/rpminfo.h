/* What claircore makes of an RPM header (claircore:internal/rpm/info.go,
 * database.go, internal/rpmver): the strings the rpm scanner reports.
 * Every function returns a malloc'd string (free it) or NULL when out of
 * memory, except where said.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RPM_RPMINFO_H
#define CLARO_PLUGINS_RPM_RPMINFO_H

#include "rpmhdr.h"

/* "[epoch:]version-release", the epoch left out when it is 0 or absent. */
char *rpminfo_evr(const struct rpmhdr *h);

/* The source package named by SOURCERPM, parsed as claircore does: strip
 * ".rpm", then ".src", then ".nosrc"; the name is everything before the
 * second-to-last "-"; "[epoch:]version-release" follows, with a known
 * architecture suffix dropped from the release. Returns 1 with *name and
 * *evr set (free both), 0 when there is no usable source (absent, empty, or
 * fewer than two "-"), -1 when out of memory. */
int rpminfo_source(const char *sourcerpm, char **name, char **evr);

/* The module "name:stream" of a MODULARITYLABEL "name:stream:version:context":
 * everything before the second ":". NULL *out (and 0) when the label has
 * fewer than two ":"; -1 when out of memory. */
int rpminfo_module(const char *label, char **out);

/* The repository hint: URL query "hash=sha256%3A<payload digest>" (when the
 * digest algorithm is 8, SHA-256) and "key=<16 hex digits>" (the SIGPGP
 * issuer, see pgpsig.h), joined by "&"; "" when neither applies. */
char *rpminfo_hint(const struct rpmhdr *h);

#endif /* CLARO_PLUGINS_RPM_RPMINFO_H */
