/* Structured errors. SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strutil.h"

static const struct {
	const char *name;
	const char *text;
} status_table[] = {
    [CLARO_OK] = {"CLARO_OK", "success"},
    [CLARO_ERR_NOMEM] = {"CLARO_ERR_NOMEM", "out of memory"},
    [CLARO_ERR_INVALID] = {"CLARO_ERR_INVALID", "invalid input"},
    [CLARO_ERR_NOT_FOUND] = {"CLARO_ERR_NOT_FOUND", "not found"},
    [CLARO_ERR_IO] = {"CLARO_ERR_IO", "input/output error"},
    [CLARO_ERR_UNSUPPORTED] = {"CLARO_ERR_UNSUPPORTED", "not supported"},
    [CLARO_ERR_TOO_LARGE] = {"CLARO_ERR_TOO_LARGE", "too large"},
    [CLARO_ERR_NETWORK] = {"CLARO_ERR_NETWORK", "network error"},
    [CLARO_ERR_CONFIG] = {"CLARO_ERR_CONFIG", "configuration error"},
    [CLARO_ERR_ABI] = {"CLARO_ERR_ABI", "incompatible plugin"},
    [CLARO_ERR_BUSY] = {"CLARO_ERR_BUSY", "busy"},
    [CLARO_ERR_CONFLICT] = {"CLARO_ERR_CONFLICT", "conflict"},
    [CLARO_ERR_TIMEOUT] = {"CLARO_ERR_TIMEOUT", "timed out"},
    [CLARO_ERR_CANCELLED] = {"CLARO_ERR_CANCELLED", "cancelled"},
    [CLARO_ERR_UNCHANGED] = {"CLARO_ERR_UNCHANGED", "unchanged"},
    [CLARO_ERR_STORE] = {"CLARO_ERR_STORE", "database error"},
    [CLARO_ERR_DENIED] = {"CLARO_ERR_DENIED", "denied"},
    [CLARO_ERR_INTERNAL] = {"CLARO_ERR_INTERNAL", "internal error"},
};

const char *status_name(enum claro_status status)
{
	if ((unsigned)status > CLARO_STATUS_MAX)
		return "CLARO_ERR_UNKNOWN";
	return status_table[status].name;
}

const char *status_text(enum claro_status status)
{
	if ((unsigned)status > CLARO_STATUS_MAX)
		return "unknown error";
	return status_table[status].text;
}

static void replace(char **slot, char *value)
{
	free(*slot);
	*slot = value;
}

enum claro_status error_setv(struct error *e, enum claro_status status, const char *fmt, va_list ap)
{
	if (!e)
		return status;
	e->status = status;
	replace(&e->message, str_vprintf(fmt, ap));
	replace(&e->detail, NULL);
	replace(&e->hint, NULL);
	return status;
}

enum claro_status error_set(struct error *e, enum claro_status status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_setv(e, status, fmt, ap);
	va_end(ap);
	return status;
}

void error_detailv(struct error *e, const char *fmt, va_list ap)
{
	if (e)
		replace(&e->detail, str_vprintf(fmt, ap));
}

void error_detail(struct error *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_detailv(e, fmt, ap);
	va_end(ap);
}

void error_hintv(struct error *e, const char *fmt, va_list ap)
{
	if (e)
		replace(&e->hint, str_vprintf(fmt, ap));
}

void error_hint(struct error *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_hintv(e, fmt, ap);
	va_end(ap);
}

void error_prefix(struct error *e, const char *fmt, ...)
{
	va_list ap;
	char *prefix, *joined;

	if (!e)
		return;
	va_start(ap, fmt);
	prefix = str_vprintf(fmt, ap);
	va_end(ap);
	if (!prefix)
		return;
	joined = str_printf("%s: %s", prefix, e->message ? e->message : status_text(e->status));
	free(prefix);
	if (joined)
		replace(&e->message, joined);
}

void error_move(struct error *dst, struct error *src)
{
	error_clear(dst);
	*dst = *src;
	src->status = CLARO_OK;
	src->message = src->detail = src->hint = NULL;
}

void error_clear(struct error *e)
{
	if (!e)
		return;
	e->status = CLARO_OK;
	replace(&e->message, NULL);
	replace(&e->detail, NULL);
	replace(&e->hint, NULL);
}

void error_print(const struct error *e, FILE *fp, const char *prog)
{
	const char *msg = e->message ? e->message : status_text(e->status);

	if (prog)
		fprintf(fp, "%s: %s\n", prog, msg);
	else
		fprintf(fp, "%s\n", msg);
	if (e->detail)
		fprintf(fp, "  detail: %s\n", e->detail);
	if (e->hint)
		fprintf(fp, "  hint: %s\n", e->hint);
}
