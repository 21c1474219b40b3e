/* osv: three-part errors of the host-independent parts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "osverr.h"

static void copy_text(char *out, size_t cap, const char *s)
{
	snprintf(out, cap, "%s", s ? s : "");
}

enum claro_status osv_fail(struct osv_error *e, enum claro_status status, const char *what, const char *hint,
			   const char *detail_fmt, ...)
{
	va_list ap;

	if (e->status != CLARO_OK)
		return e->status; /* keep the first cause */
	e->status = status;
	copy_text(e->what, sizeof(e->what), what);
	copy_text(e->hint, sizeof(e->hint), hint);
	va_start(ap, detail_fmt);
	vsnprintf(e->detail, sizeof(e->detail), detail_fmt, ap);
	va_end(ap);
	return status;
}

char *osv_printable(char *out, size_t cap, const char *s)
{
	size_t i = 0;

	if (cap == 0)
		return out;
	for (; s && s[i] && i + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[i] = '\0';
	if (s && s[i] && cap > 4)
		memcpy(out + cap - 4, "...", 4);
	return out;
}
