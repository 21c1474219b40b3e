/* claroctl's side of claro's HTTP API: requests to a clarod with libcurl,
 * JSON bodies with jansson, and Clair's error bodies {"code","message"}
 * turned into three-part errors.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_APICLIENT_H
#define CLARO_CORE_APICLIENT_H

#include <jansson.h>

#include "error.h"

#define APICLIENT_MAX_RESPONSE    (64u * 1024 * 1024) /* bytes of one response body */
#define APICLIENT_CONNECT_TIMEOUT 10L                 /* seconds */
#define APICLIENT_TIMEOUT         120L                /* seconds per request */

struct api_client {
	char *base; /* "http://127.0.0.1:6060", no trailing slash */
};

/* base_url must be http:// or https://. Call curl_global_init() first. */
enum claro_status api_client_init(struct api_client *c, const char *base_url, struct error *err);
void api_client_free(struct api_client *c);

/* GET base + path (path starts with "/"); on CLARO_OK *out is the parsed
 * JSON document (caller json_decref()s). A status >= 400 is an error carrying
 * the server's code and message. */
enum claro_status api_get_json(const struct api_client *c, const char *path, json_t **out, struct error *err);

/* As api_get_json, also giving the HTTP status (2xx); a 202 with an empty
 * body (Clair's "not ready") is CLARO_OK with *out NULL. */
enum claro_status api_get_json_status(const struct api_client *c, const char *path, long *status,
				      json_t **out, struct error *err);

/* POST body as JSON to base + path; the answer as for api_get_json. */
enum claro_status api_post_json(const struct api_client *c, const char *path, json_t *body, json_t **out,
				struct error *err);

#endif /* CLARO_CORE_APICLIENT_H */
