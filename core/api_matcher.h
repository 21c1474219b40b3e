/* Clair's matcher API (reference §1.3) on clarod's API listener, in combo
 * and matcher mode. See api_matcher.c for the routes and the differences
 * from Clair.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_API_MATCHER_H
#define CLARO_CORE_API_MATCHER_H

#include "daemon.h"
#include "router.h"

enum claro_status api_matcher_routes(struct daemon *d, struct router *r, struct error *err);

#endif /* CLARO_CORE_API_MATCHER_H */
