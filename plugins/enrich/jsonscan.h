/* enrich: JSON without building trees.
 *
 *   - json_check: validate one JSON text completely (RFC 8259 grammar, UTF-8,
 *     escapes and surrogate pairs, no \u0000, integers that fit in 64 bits,
 *     reals that fit in a double, nesting at most max_depth) without
 *     recursion. What it accepts, jansson (the host's sink) accepts too.
 *   - jv_*: look inside a text json_check accepted, returning spans of the
 *     original bytes, so numbers and strings are passed on exactly as the
 *     feed wrote them (re-encoding a double would turn 4.6 into
 *     4.5999999999999996).
 *   - json_compact: a checked text without insignificant whitespace.
 *   - jfeed_run: walk a top-level object read from a stream, handing every
 *     element of one array member (NVD's and CISA's "vulnerabilities") and
 *     every other member's value to callbacks, each checked with json_check,
 *     holding only one element in memory at a time (bounded by max_value).
 *
 * Keys are compared as raw bytes: a key spelled with escapes ("\u0069d")
 * does not match "id". Where a key repeats, the last one counts (as Go's
 * encoding/json decodes).
 *
 * Pure library code (libc only).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_ENRICH_JSONSCAN_H
#define CLARO_ENRICH_JSONSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "enrerr.h"

#define JSONSCAN_MAX_DEPTH 64 /* the most json_check accepts as max_depth */

struct jspan {
	const char *p;
	size_t n;
};

/* Validate s[0..n) as exactly one JSON value with optional surrounding
 * whitespace. On failure returns CLARO_ERR_INVALID with *why (static text)
 * and *at (byte offset) set. */
enum claro_status json_check(const char *s, size_t n, int max_depth, size_t *at, const char **why);

/* Kinds of a checked value, by its first byte. */
enum jv_kind { JV_NONE = 0, JV_OBJECT, JV_ARRAY, JV_STRING, JV_NUMBER, JV_TRUE, JV_FALSE, JV_NULL };
enum jv_kind jv_kind(struct jspan v);
/* The value of member key of object obj (the last one if repeated):
 * 1 found, 0 not (or obj is not an object). */
int jv_member(struct jspan obj, const char *key, struct jspan *val);
/* Iterate an array: start with *it = 0; 1 and *elem set while there is one. */
int jv_next(struct jspan arr, size_t *it, struct jspan *elem);
/* A string's raw contents between the quotes (escapes not decoded); 0 if v
 * is not a string. */
int jv_string_raw(struct jspan v, struct jspan *inner);
/* v is a string whose raw contents equal lit (ASCII case-insensitively when
 * nocase). */
int jv_string_is(struct jspan v, const char *lit, int nocase);

/* s[0..n) (checked) without whitespace outside strings, into out (n + 1
 * bytes suffice); NUL-terminated; returns the length. */
size_t json_compact(const char *s, size_t n, char *out);

/* ---- the streaming walk ---- */

/* Read up to n bytes; *got == 0 at the end. */
typedef enum claro_status (*jfeed_read_fn)(void *src, char *buf, size_t n, size_t *got,
					   struct enrich_error *err);

struct jfeed_ops {
	const char *array_key; /* the member whose array elements are handed out one by one */
	/* Every other top-level member (key is the raw text between quotes). May be NULL. */
	enum claro_status (*member)(void *arg, struct jspan key, struct jspan value,
				    struct enrich_error *err);
	/* Every element of array_key, in order. */
	enum claro_status (*element)(void *arg, struct jspan elem, uint64_t index, struct enrich_error *err);
	void *arg;
	size_t max_value;  /* largest element or member value accepted, in bytes */
	int max_depth;     /* nesting accepted inside one element or value (<= JSONSCAN_MAX_DEPTH) */
	const char *label; /* the feed, for messages */
};

/* Walk the stream: one JSON object, with array_key present and an array.
 * *elements counts the elements handed out. Errors: CLARO_ERR_INVALID
 * (syntax, with the byte offset in the stream), CLARO_ERR_TOO_LARGE
 * (max_value), CLARO_ERR_NOMEM, or what a callback or the reader returned. */
enum claro_status jfeed_run(jfeed_read_fn rd, void *src, const struct jfeed_ops *ops, uint64_t *elements,
			    struct enrich_error *err);

#endif /* CLARO_ENRICH_JSONSCAN_H */
