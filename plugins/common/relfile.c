/* Release files from a layer; see relfile.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "relfile.h"

#include <string.h>

enum claro_status relfile_read(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
			       char **data, size_t *len)
{
	unsigned char *buf = NULL;
	enum claro_status st = ctx->host->fs_read_all(ctx, layer, path, RELFILE_MAX, &buf, len);

	*data = st == CLARO_OK ? (char *)buf : NULL;
	return st;
}

enum claro_status relfile_parse(struct claro_ctx *ctx, const char *path, const char *data, size_t len,
				struct osrelease *rel)
{
	const struct claro_host *h = ctx->host;
	struct osrelease_error perr;
	enum claro_status st = osrelease_parse(data, len, rel, &perr);

	if (st == CLARO_ERR_NOMEM)
		return h->error(ctx, st, "out of memory");
	if (st != CLARO_OK) {
		h->error(ctx, st, "could not parse %s", path);
		h->error_detail(ctx, "Line %zu: %s.", perr.line, perr.reason);
		h->error_hint(ctx, "os-release(5) files hold KEY=value lines; fix or remove the image's %s.",
			      path);
	}
	return st;
}

enum claro_status relfile_load(struct claro_ctx *ctx, struct claro_layer *layer, const char *path,
			       struct osrelease *rel)
{
	char *data = NULL;
	size_t len = 0;
	enum claro_status st = relfile_read(ctx, layer, path, &data, &len);

	memset(rel, 0, sizeof(*rel));
	if (st != CLARO_OK)
		return st;
	st = relfile_parse(ctx, path, data, len, rel);
	ctx->host->free(data);
	return st;
}

enum claro_status relfile_load_osrelease(struct claro_ctx *ctx, struct claro_layer *layer,
					 struct osrelease *rel, const char **path_out)
{
	static const char *const paths[] = {"etc/os-release", "usr/lib/os-release"};
	enum claro_status st = CLARO_ERR_NOT_FOUND;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && st == CLARO_ERR_NOT_FOUND; i++) {
		st = relfile_load(ctx, layer, paths[i], rel);
		if (path_out)
			*path_out = paths[i];
	}
	return st;
}

int relfile_equal_nocase(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	for (; *a && *b; a++, b++) {
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;

		if (x != y)
			return 0;
	}
	return *a == '\0' && *b == '\0';
}

int relfile_major(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	if (!s)
		return 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (n == 0 || n > 9 || n >= size)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 1;
}
