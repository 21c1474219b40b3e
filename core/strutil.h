/* Small string helpers: allocation-checked printf, bounded copies, a growable
 * buffer with a hard maximum (curl's dynbuf), checked number parsing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_STRUTIL_H
#define CLARO_CORE_STRUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <claro/status.h>
#include <claro/plugin.h> /* CLARO_PRINTF */

/* Freshly allocated formatted string, or NULL on allocation failure. */
char *str_printf(const char *fmt, ...) CLARO_PRINTF(1, 2);
char *str_vprintf(const char *fmt, va_list ap) CLARO_PRINTF(1, 0);
/* strdup that accepts NULL (returns NULL) */
char *str_dup(const char *s);
char *str_ndup(const char *s, size_t n);
/* 1 if s starts with prefix / ends with suffix */
int str_has_prefix(const char *s, const char *prefix);
int str_has_suffix(const char *s, const char *suffix);
/* Copy into dst of size n, always NUL-terminated; returns CLARO_ERR_TOO_LARGE if truncated. */
enum claro_status str_copy(char *dst, size_t n, const char *src);

/* Checked parsers: whole string must be consumed; leading/trailing blanks are
 * an error. Return CLARO_ERR_INVALID on syntax, CLARO_ERR_TOO_LARGE on range. */
enum claro_status parse_int64(const char *s, int64_t *out);
enum claro_status parse_uint64(const char *s, uint64_t *out);
/* true/false, yes/no, on/off, 1/0 (case-insensitive) */
enum claro_status parse_bool(const char *s, int *out);
/* "90", "90s", "15m", "6h", "2d", "1h30m" -> seconds */
enum claro_status parse_duration(const char *s, int64_t *seconds);
/* "1048576", "512k", "64M", "1G" (binary multiples) -> bytes */
enum claro_status parse_size(const char *s, uint64_t *bytes);

/* Growable byte buffer with a hard maximum size. Always NUL-terminated. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0 = unlimited */
};

#define BUF_INIT(maxbytes)             \
	{                              \
		NULL, 0, 0, (maxbytes) \
	}

enum claro_status buf_append(struct buf *b, const void *data, size_t n);
enum claro_status buf_puts(struct buf *b, const char *s);
enum claro_status buf_printf(struct buf *b, const char *fmt, ...) CLARO_PRINTF(2, 3);
/* Give the data away (caller frees); the buffer is reset. Never NULL on success. */
char *buf_steal(struct buf *b);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

#endif /* CLARO_CORE_STRUTIL_H */
