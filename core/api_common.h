/* Helpers every Clair API handler shares: content negotiation with Clair's
 * 415 text, the worker's store connection, the {digest} path segment and
 * error bodies built from a struct error.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_API_COMMON_H
#define CLARO_CORE_API_COMMON_H

#include "error.h"
#include "httpd.h"
#include "store.h"

/* Pick a response type from types (NULL-terminated, at least two); on
 * failure reply 415 and return 0. */
int api_negotiate(struct http_exchange *x, const char *const *types, const char **type);
/* This worker's store connection, or NULL after replying 500. */
struct store *api_thread_store(struct http_exchange *x);
/* After a store call failed with st: a broken connection is reopened next time. */
void api_store_failed(struct http_exchange *x, enum claro_status st);
/* The validated {digest} path parameter, or NULL after replying 400. */
const char *api_path_digest(struct http_exchange *x);
/* "<message>: <detail>" for an error body (caller frees; NULL if out of memory). */
char *api_error_text(const struct error *err);

#endif /* CLARO_CORE_API_COMMON_H */
