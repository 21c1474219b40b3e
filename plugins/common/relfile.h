/* Reading a distribution's release files from a layer, for the distribution
 * scanners that do not parse KEY=value (Clair's regex scanners) and those
 * that do. Compiled into each plugin that uses it; everything goes through
 * the host (struct claro_host), nothing else is linked.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RELFILE_H
#define CLARO_PLUGINS_RELFILE_H

#include <stddef.h>

#include <claro/plugin.h>

#include "osrelease.h"

/* Release files are small; anything larger than this is refused by the host
 * with a three-part error (CLARO_ERR_TOO_LARGE). */
#define RELFILE_MAX ((size_t)1 << 20)

/* The whole file at path (NUL-terminated; free with host->free). CLARO_OK;
 * CLARO_ERR_NOT_FOUND when the layer does not have it (nothing to report);
 * any other status comes with the host's three-part error. */
enum claro_status relfile_read(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
			       char **data, size_t *len);

/* Parse data as os-release(5) into *rel. On failure the three-part error
 * names path and the line ("could not parse etc/os-release" / "Line 3: line
 * has no '=' separator." / a hint), as the debian and alpine scanners do. */
enum claro_status relfile_parse(struct claro_ctx *ctx, const char *path, const char *data, size_t len,
				struct osrelease *rel);

/* relfile_read then relfile_parse. CLARO_ERR_NOT_FOUND when absent. */
enum claro_status relfile_load(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
			       struct osrelease *rel);

/* relfile_load of etc/os-release, else (absent) of usr/lib/os-release, the
 * order os-release(5) gives. *path_out names the file read. */
enum claro_status relfile_load_osrelease(struct claro_ctx *ctx, struct claro_layer *layer,
					 struct osrelease *rel, const char **path_out);

/* Case-insensitive ASCII equality; NULL equals nothing. */
int relfile_equal_nocase(const char *a, const char *b);

/* The leading run of decimal digits of s ("9.4" -> "9", "42" -> "42"),
 * copied into buf (at most 9 digits); 0 when s does not start with a digit or
 * the run does not fit. */
int relfile_major(const char *s, char *buf, size_t size);

#endif /* CLARO_PLUGINS_RELFILE_H */
