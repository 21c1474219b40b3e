/* enrich: three-part errors of the host-independent parts (enrerr.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "enrerr.h"

enum claro_status enrich_fail(struct enrich_error *e, enum claro_status status, const char *what,
			      const char *hint, const char *detail_fmt, ...)
{
	va_list ap;

	if (e->status != CLARO_OK)
		return e->status; /* keep the first cause */
	e->status = status;
	snprintf(e->what, sizeof(e->what), "%s", what ? what : "");
	snprintf(e->hint, sizeof(e->hint), "%s", hint ? hint : "");
	va_start(ap, detail_fmt);
	vsnprintf(e->detail, sizeof(e->detail), detail_fmt, ap);
	va_end(ap);
	return status;
}

char *enrich_printable(char *out, size_t cap, const char *s, size_t len)
{
	size_t i = 0;

	if (cap == 0)
		return out;
	for (; s && i < len && i + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	out[i] = '\0';
	if (s && i < len && cap > 4)
		memcpy(out + cap - 4, "...", 4);
	return out;
}
