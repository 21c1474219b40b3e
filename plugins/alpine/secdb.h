/* secdb: Alpine's security database, one JSON document per release and
 * repository (https://secdb.alpinelinux.org/<release>/<repo>.json):
 *
 *   {"distroversion": "v3.10", "reponame": "main", ...,
 *    "packages": [{"pkg": {"name": "botan",
 *                          "secfixes": {"2.9.0-r0": ["CVE-2018-20187"], ...}}}, ...]}
 *
 * Each (package, fixed version, id) triple is one fix. The package is the
 * aports origin, i.e. the source package (claircore alpine/parser.go).
 * Typing follows Go's encoding/json as claircore decodes it: null stands for
 * an absent value, a value of another type is an error. Beyond that, claro
 * requires the "packages" member (an array, or null as the YAML form of an
 * empty repository has it) and non-empty package names and ids, so a
 * document that is not a secdb never passes for an empty one.
 *
 * The whole document is checked before the first fix is reported: a bad
 * document reports nothing. Pure library code (jansson and libc): fuzzed by
 * tests/fuzz/fuzz_alpine_secdb.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_ALPINE_SECDB_H
#define CLARO_PLUGINS_ALPINE_SECDB_H

#include <stddef.h>

#include <claro/status.h>

/* Larger documents are refused (the biggest real one is a few hundred KiB). */
#define SECDB_MAX_BYTES ((size_t)64 << 20)

struct secdb_fix {
	const char *package;       /* origin (source package) name */
	const char *fixed_version; /* apk version; "0" means not affected */
	const char *id;            /* CVE or other advisory id, verbatim */
};

/* Called once per fix, in document order; a non-OK return stops the walk and
 * is returned. */
typedef enum claro_status (*secdb_fix_fn)(void *arg, const struct secdb_fix *fix);

/* Why a document was refused: a sentence naming where, e.g.
 * "packages[3].pkg.secfixes: expected an object, found an array". */
struct secdb_error {
	char detail[320];
};

/* CLARO_OK, CLARO_ERR_INVALID (err says why; fn was never called),
 * CLARO_ERR_TOO_LARGE, CLARO_ERR_NOMEM, or what fn returned. */
enum claro_status secdb_parse(const char *data, size_t len, secdb_fix_fn fn, void *arg,
			      struct secdb_error *err);

#endif /* CLARO_PLUGINS_ALPINE_SECDB_H */
