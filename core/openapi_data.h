/* Clair's OpenAPI document, embedded at build time from core/openapi/ into
 * the generated core/openapi_data.c. Each array ends in a NUL that the
 * length does not count. openapi_etag is Clair's fixed ETag for the JSON
 * form, quotes included.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_OPENAPI_DATA_H
#define CLARO_CORE_OPENAPI_DATA_H

#include <stddef.h>

extern const unsigned char openapi_json[];
extern const size_t openapi_json_len;
extern const unsigned char openapi_yaml[];
extern const size_t openapi_yaml_len;
extern const unsigned char openapi_etag[];
extern const size_t openapi_etag_len;

#endif /* CLARO_CORE_OPENAPI_DATA_H */
