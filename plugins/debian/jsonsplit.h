/* jsonsplit: walk the members of a JSON object without building it, so a
 * document far larger than memory allows can be decoded one member at a time
 * (the Debian security tracker's JSON is one object of ~40k source packages,
 * and the Linux kernel's member alone holds thousands of CVEs).
 *
 * The splitter checks the object's own syntax (braces, string keys, colons,
 * commas, nothing after the closing brace) and finds where each value ends
 * by scanning strings and brackets; it does not check the values' grammar --
 * the caller decodes each value (jansson) and that finds any error inside.
 * Nesting deeper than JSONSPLIT_MAX_DEPTH is refused, so hostile input
 * cannot make anything recurse.
 *
 * Pure library code (libc only).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_DEBIAN_JSONSPLIT_H
#define CLARO_PLUGINS_DEBIAN_JSONSPLIT_H

#include <stddef.h>

#include <claro/status.h>

#define JSONSPLIT_MAX_DEPTH 64

struct jsonsplit {
	const char *data;
	size_t len;
	size_t pos;
	int state; /* 0 before the first member, 1 between members, 2 done */
	size_t error_offset;
	const char *error; /* static text, or NULL */
};

/* One member: the key's JSON text (with its quotes, undecoded) and the
 * value's JSON text. */
struct jsonsplit_member {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
};

/* Start on data[0..len), which must hold one JSON object (surrounding
 * whitespace allowed). CLARO_ERR_INVALID if it does not start with '{'. */
enum claro_status jsonsplit_begin(struct jsonsplit *js, const char *data, size_t len);
/* The next member: CLARO_OK with *more = 1 and *m set, CLARO_OK with
 * *more = 0 after the last one (and only whitespace after the object), or
 * CLARO_ERR_INVALID with js->error and js->error_offset set. */
enum claro_status jsonsplit_next(struct jsonsplit *js, struct jsonsplit_member *m, int *more);

#endif /* CLARO_PLUGINS_DEBIAN_JSONSPLIT_H */
