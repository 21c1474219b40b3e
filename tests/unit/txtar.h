/* Clair's matcher fixtures are txtar archives ("-- name --" sections) whose
 * JSON documents point at each other with {"$ref": "file:<section>"}. This
 * loads one and returns a section with every reference resolved.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLARO_TESTS_TXTAR_H
#define CLARO_TESTS_TXTAR_H

#include <jansson.h>

struct txtar;

/* NULL (with a TAP diag line) if the file cannot be read. */
struct txtar *txtar_load(const char *path);
void txtar_free(struct txtar *t);
/* The raw text of a section, or NULL. Borrowed. */
const char *txtar_section(const struct txtar *t, const char *name);
/* The section parsed as JSON with every $ref resolved (new reference), or
 * NULL with a diag line on a parse error, a missing section or a cycle. */
json_t *txtar_json(const struct txtar *t, const char *name);

#endif /* CLARO_TESTS_TXTAR_H */
