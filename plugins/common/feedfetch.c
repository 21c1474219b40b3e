/* feedfetch: conditional feed fetching, fingerprints and index-page links
 * for the updater plugins (see feedfetch.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "feedfetch.h"

char *feed_url(const struct claro_host *h, const char *base, const char *path)
{
	size_t bl = strlen(base), pl;
	char *url;

	while (*path == '/')
		path++;
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	pl = strlen(path);
	if (!(url = h->alloc(bl + pl + 2)))
		return NULL;
	memcpy(url, base, bl);
	url[bl] = '/';
	memcpy(url + bl + 1, path, pl + 1);
	return url;
}

/* An HTTP-date ("Sun, 06 Nov 1994 08:49:37 GMT") rather than an ETag (which
 * is always quoted). */
static int is_http_date(const char *s)
{
	size_t n = strlen(s);

	return n > 4 && strcmp(s + n - 4, " GMT") == 0;
}

static int same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

enum claro_status feed_fetch(struct claro_ctx *ctx, const struct feed_request *req,
			     struct claro_http_response **out)
{
	const struct claro_host *h = ctx->host;
	const char *prev = req->update ? h->update_prev_fingerprint(ctx, req->update) : NULL;
	struct claro_http_request r;
	struct claro_http_response *resp;
	enum claro_status st;

	if (prev && !*prev)
		prev = NULL;
	memset(&r, 0, sizeof(r));
	r.struct_size = sizeof(r);
	r.method = req->method;
	r.url = req->url;
	r.headers = req->headers;
	r.max_body = req->max_body;
	if (prev && is_http_date(prev))
		r.if_modified_since = prev;
	else
		r.if_none_match = prev;
	*out = NULL;
	if ((st = h->http_fetch(ctx, &r, &resp)) != CLARO_OK)
		return st;
	if (prev && (resp->status == 304 ||
		     (resp->status == 200 && (same(resp->etag, prev) || same(resp->last_modified, prev))))) {
		h->log(ctx, CLARO_LOG_INFO, "%s unchanged since the last run", req->url);
		h->http_response_free(resp);
		return CLARO_ERR_UNCHANGED;
	}
	if (resp->status < 200 || resp->status > 299) {
		long status = resp->status;

		h->http_response_free(resp);
		h->error(ctx, CLARO_ERR_NETWORK, "could not fetch %s", req->url);
		h->error_detail(ctx, "The server answered with HTTP status %ld%s.", status,
				status == 304 ? " to a request that was not conditional" : "");
		h->error_hint(ctx, "Check the URL in the plugin's configuration and the server.");
		return CLARO_ERR_NETWORK;
	}
	*out = resp;
	return CLARO_OK;
}

enum claro_status feed_set_fingerprint(struct claro_ctx *ctx, struct claro_update *up,
				       const struct claro_http_response *resp, enum feed_validator prefer)
{
	const char *etag = resp->etag && *resp->etag ? resp->etag : NULL;
	const char *lm = resp->last_modified && *resp->last_modified ? resp->last_modified : NULL;
	const char *fp = prefer == FEED_PREFER_LAST_MODIFIED ? (lm ? lm : etag) : (etag ? etag : lm);

	if (!fp)
		return CLARO_OK;
	return ctx->host->update_set_fingerprint(ctx, up, fp);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum claro_status feed_links(const unsigned char *page, size_t len, feed_link_fn fn, void *arg)
{
	const char *p = (const char *)page;
	size_t i = 0;

	while (i + 4 < len) {
		size_t j, start;
		char quote;

		if (!(lower(p[i]) == 'h' && lower(p[i + 1]) == 'r' && lower(p[i + 2]) == 'e' &&
		      lower(p[i + 3]) == 'f')) {
			i++;
			continue;
		}
		j = i + 4;
		while (j < len && is_space(p[j]))
			j++;
		if (j >= len || p[j] != '=') {
			i += 4;
			continue;
		}
		j++;
		while (j < len && is_space(p[j]))
			j++;
		if (j >= len || (p[j] != '"' && p[j] != '\'')) {
			i = j;
			continue;
		}
		quote = p[j++];
		start = j;
		while (j < len && p[j] != quote)
			j++;
		if (j >= len)
			break; /* an unterminated attribute ends the page */
		{
			enum claro_status st = fn(arg, p + start, j - start);
			if (st != CLARO_OK)
				return st;
		}
		i = j + 1;
	}
	return CLARO_OK;
}
