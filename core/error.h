/* Structured errors: status + message + detail + hint (PostgreSQL's style).
 *
 * Message style: the primary message is lower case, no trailing period, says
 * what failed ("could not open store"); detail says why, as a full sentence;
 * hint says what to do next, as a full sentence.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_ERROR_H
#define CLARO_CORE_ERROR_H

#include <stdio.h>

#include <claro/status.h>
#include <claro/plugin.h> /* CLARO_PRINTF */

struct error {
	enum claro_status status; /* CLARO_OK when no error is set */
	char *message;            /* owned; NULL when unset */
	char *detail;
	char *hint;
};

#define ERROR_INIT                         \
	{                                  \
		CLARO_OK, NULL, NULL, NULL \
	}

/* Set status and primary message, replacing any earlier error. Returns status.
 * If formatting itself runs out of memory the status is kept and the message
 * falls back to the status name. */
enum claro_status error_set(struct error *e, enum claro_status status, const char *fmt, ...)
    CLARO_PRINTF(3, 4);
enum claro_status error_setv(struct error *e, enum claro_status status, const char *fmt, va_list ap)
    CLARO_PRINTF(3, 0);
void error_detail(struct error *e, const char *fmt, ...) CLARO_PRINTF(2, 3);
void error_detailv(struct error *e, const char *fmt, va_list ap) CLARO_PRINTF(2, 0);
void error_hint(struct error *e, const char *fmt, ...) CLARO_PRINTF(2, 3);
void error_hintv(struct error *e, const char *fmt, va_list ap) CLARO_PRINTF(2, 0);
/* Prefix the primary message with "<prefix>: " (context while unwinding). */
void error_prefix(struct error *e, const char *fmt, ...) CLARO_PRINTF(2, 3);
/* Move src into dst (dst's old content is freed); src is left cleared. */
void error_move(struct error *dst, struct error *src);
void error_clear(struct error *e);
/* "<prog>: <message>\n  detail: ...\n  hint: ...\n" */
void error_print(const struct error *e, FILE *fp, const char *prog);
/* The enum's name, e.g. "CLARO_ERR_INVALID", and a short text ("invalid input"). */
const char *status_name(enum claro_status status);
const char *status_text(enum claro_status status);

#endif /* CLARO_CORE_ERROR_H */
