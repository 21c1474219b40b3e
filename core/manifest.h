/* The Manifest a client posts to the indexer (reference §1.7): a digest and
 * its layers in stacking order, each with a blob digest, a URI, the HTTP
 * headers to fetch it with and a media type. Parsed from JSON with jansson;
 * unknown fields are ignored, as Clair does.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_MANIFEST_H
#define CLARO_CORE_MANIFEST_H

#include <stddef.h>

#include "error.h"

/* claircore's media type for a layer that is a local directory ("file:" URI).
 * Only the in-process indexer (claroctl --local, tests) honours it; the HTTP
 * API refuses it. */
#define MANIFEST_MEDIA_FILESYSTEM "application/vnd.claircore.filesystem"

#define MANIFEST_MAX_LAYERS  1024 /* more layers than any runtime stacks */
#define MANIFEST_MAX_HEADERS 64   /* header lines per layer */

struct manifest_layer {
	char *hash;       /* "sha256:<64 hex>" or "sha512:<128 hex>" */
	char *uri;        /* never NULL ("" when absent) */
	char *media_type; /* NULL when absent */
	char **headers;   /* NULL-terminated "Name: value" lines; never NULL */
	size_t n_headers;
};

struct manifest {
	char *hash;
	struct manifest_layer *layers;
	size_t n_layers;
};

/* 1 when s is "sha256:" + 64 or "sha512:" + 128 lower-case hex digits. */
int manifest_digest_valid(const char *s);

/* Parse and validate a Manifest. CLARO_ERR_INVALID (three-part error) for
 * malformed JSON, a missing or malformed digest, zero layers, a layer
 * without a valid digest, a non-string uri or media_type, or headers that
 * are not an object of string arrays (or hold CR/LF). On failure *out is
 * left zeroed. */
enum claro_status manifest_parse(const char *json, size_t len, struct manifest *out, struct error *err);
void manifest_free(struct manifest *m);

/* 1 when the layer is a local directory (media type MANIFEST_MEDIA_FILESYSTEM). */
int manifest_layer_is_local(const struct manifest_layer *l);

#endif /* CLARO_CORE_MANIFEST_H */
