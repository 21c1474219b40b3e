/* Shared pieces of the Clair API handlers (api_common.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include "api_common.h"

#include <stdlib.h>

#include "daemon.h"
#include "log.h"
#include "manifest.h"
#include "strutil.h"

int api_negotiate(struct http_exchange *x, const char *const *types, const char **type)
{
	*type = http_negotiate(x, types);
	if (*type)
		return 1;
	http_reply_error(x, 415, "unable to negotiate common media type for %s, %s", types[0], types[1]);
	return 0;
}

struct store *api_thread_store(struct http_exchange *x)
{
	struct error err = ERROR_INIT;
	struct store *s = daemon_thread_store(http_thread_data(x), &err);

	if (!s) {
		log_error(CLARO_LOG_ERROR, &err);
		http_reply_error(x, 500, "%s", err.message ? err.message : "could not open store");
	}
	error_clear(&err);
	return s;
}

void api_store_failed(struct http_exchange *x, enum claro_status st)
{
	if (st == CLARO_ERR_STORE)
		daemon_thread_store_failed(http_thread_data(x));
}

const char *api_path_digest(struct http_exchange *x)
{
	const char *d = http_param(x, "digest");

	if (!manifest_digest_valid(d)) {
		http_reply_error(x, 400, "malformed path: invalid digest \"%s\"", d ? d : "");
		return NULL;
	}
	return d;
}

char *api_error_text(const struct error *err)
{
	if (err->detail)
		return str_printf("%s: %s", err->message ? err->message : "error", err->detail);
	return str_dup(err->message ? err->message : "error");
}
