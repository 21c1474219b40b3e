/* secdb updater set ("alpine"): Alpine's security database, as claircore's
 * alpine updaters read it (reference §5.2).
 *
 * list(): the releases are the "vX.Y/" and "edge/" links of the secdb index
 * page (<url>); each release with a <release>/main.json or
 * <release>/community.json (a HEAD probe answers 2xx) gives the updater
 * "alpine-<repo>-<release>-updater".
 * update(): GET <url><release>/<repo>.json, conditional on the last ETag
 * (or Last-Modified), parsed by secdb.c; each (origin package, fixed
 * version, id) becomes one vulnerability on the source package, with the
 * canonical distribution claircore gives the release (did "alpine", name
 * "Alpine Linux", version "3.10", pretty name "Alpine Linux v3.10"; edge:
 * version "edge", pretty name "Alpine Linux edge"), link
 * https://security.alpinelinux.org/vuln/<id>, severity Unknown.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alpine.h"
#include "feedfetch.h"
#include "secdb.h"

#define LINK_PREFIX    "https://security.alpinelinux.org/vuln/"
#define INDEX_MAX_BODY ((uint64_t)4 << 20)
#define MAX_RELEASES   256
#define RELEASE_MAX    16 /* "v999.999" or "edge" */

static const char *const repos[] = {"main", "community"};

/* A release as it appears in URLs: "v3.10" or "edge". major < 0 is edge. */
struct release {
	int major, minor;
	char name[RELEASE_MAX];
};

static int parse_number(const char **p, int *out)
{
	long v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > 999)
			return 0;
		s++;
	}
	*p = s;
	*out = (int)v;
	return 1;
}

/* "v3.10" or "edge" (exactly, length n) into *r. */
static int parse_release(const char *s, size_t n, struct release *r)
{
	char buf[RELEASE_MAX];
	const char *p = buf;

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (strcmp(buf, "edge") == 0) {
		r->major = r->minor = -1;
		memcpy(r->name, "edge", sizeof("edge"));
		return 1;
	}
	if (*p++ != 'v' || !parse_number(&p, &r->major) || *p++ != '.' || !parse_number(&p, &r->minor) || *p)
		return 0;
	snprintf(r->name, sizeof(r->name), "v%d.%d", r->major, r->minor);
	return strcmp(r->name, buf) == 0; /* no leading zeros: the name is the URL path */
}

static int release_cmp(const void *a, const void *b)
{
	const struct release *x = a, *y = b;

	if ((x->major < 0) != (y->major < 0))
		return x->major < 0 ? 1 : -1; /* edge last */
	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	return (x->minor > y->minor) - (x->minor < y->minor);
}

struct release_set {
	struct release v[MAX_RELEASES];
	size_t n;
};

/* Index links look like "v3.10/" (or a URL ending in it). */
static enum claro_status add_link(void *arg, const char *href, size_t len)
{
	struct release_set *set = arg;
	struct release r;
	size_t start;

	if (len < 2 || href[len - 1] != '/')
		return CLARO_OK;
	len--;
	start = len;
	while (start > 0 && href[start - 1] != '/')
		start--;
	if (!parse_release(href + start, len - start, &r))
		return CLARO_OK;
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i].name, r.name) == 0)
			return CLARO_OK;
	if (set->n < MAX_RELEASES)
		set->v[set->n++] = r;
	return CLARO_OK;
}

static enum claro_status nomem(struct claro_ctx *ctx)
{
	return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
}

static enum claro_status base_url(struct claro_ctx *ctx, const char **base)
{
	return ctx->host->cfg_string(ctx, "url", base);
}

/* HEAD <base><release>/<repo>.json: does the file exist? */
static int probe(struct claro_ctx *ctx, const char *base, const char *release, const char *repo)
{
	const struct claro_host *h = ctx->host;
	struct feed_request req = {0};
	struct claro_http_response *resp;
	char path[64];
	char *url;
	int found;

	snprintf(path, sizeof(path), "%s/%s.json", release, repo);
	if (!(url = feed_url(h, base, path)))
		return -1;
	req.url = url;
	req.method = "HEAD";
	found = feed_fetch(ctx, &req, &resp) == CLARO_OK;
	if (found)
		h->http_response_free(resp);
	else
		h->log(ctx, CLARO_LOG_DEBUG, "no %s: skipping it", url);
	h->free(url);
	return found;
}

static enum claro_status secdb_list(struct claro_ctx *ctx, struct claro_updater_list *out)
{
	const struct claro_host *h = ctx->host;
	struct feed_request req = {0};
	struct claro_http_response *resp;
	struct release_set *set;
	const char *base;
	size_t added = 0;
	enum claro_status st;

	if ((st = base_url(ctx, &base)) != CLARO_OK)
		return st;
	req.url = base;
	req.max_body = INDEX_MAX_BODY;
	if ((st = feed_fetch(ctx, &req, &resp)) != CLARO_OK)
		return st;
	if (!(set = h->calloc(1, sizeof(*set)))) {
		h->http_response_free(resp);
		return nomem(ctx);
	}
	st = feed_links(resp->body, resp->body_len, add_link, set);
	h->http_response_free(resp);
	if (st == CLARO_OK && set->n == 0) {
		h->error(ctx, CLARO_ERR_INVALID, "could not find any Alpine release in the secdb index %s",
			 base);
		h->error_detail(ctx, "The page links to no \"vX.Y/\" or \"edge/\" directory.");
		h->error_hint(ctx, "Point the alpine plugin's url at the secdb root, such as "
				   "https://secdb.alpinelinux.org/ or a mirror of it.");
		st = CLARO_ERR_INVALID;
	}
	if (st == CLARO_OK)
		qsort(set->v, set->n, sizeof(set->v[0]), release_cmp);
	for (size_t i = 0; st == CLARO_OK && i < set->n; i++) {
		for (size_t j = 0; st == CLARO_OK && j < sizeof(repos) / sizeof(repos[0]); j++) {
			char name[64];
			int found = probe(ctx, base, set->v[i].name, repos[j]);

			if (found < 0) {
				st = nomem(ctx);
			} else if (found) {
				snprintf(name, sizeof(name), "alpine-%s-%s-updater", repos[j],
					 set->v[i].name);
				if ((st = h->updater_add(ctx, out, name, 0)) == CLARO_OK)
					added++;
			}
		}
	}
	if (st == CLARO_OK && added == 0) {
		h->error(ctx, CLARO_ERR_NOT_FOUND, "no Alpine secdb file found under %s", base);
		h->error_detail(
		    ctx, "The index names %zu releases, but none has a main.json or community.json.", set->n);
		h->error_hint(ctx, "Check that the server or mirror at the alpine plugin's url serves the "
				   "secdb JSON files.");
		st = CLARO_ERR_NOT_FOUND;
	}
	if (st == CLARO_OK)
		h->log(ctx, CLARO_LOG_INFO, "%zu releases, %zu secdb files", set->n, added);
	h->free(set);
	return st;
}

/* "alpine-<repo>-<release>-updater" into its repo and release. */
static int parse_name(const char *name, const char **repo, struct release *r)
{
	const char *suffix = "-updater", *rest;
	size_t n = strlen(name), sl = strlen(suffix);

	if (strncmp(name, "alpine-", 7) != 0 || n <= 7 + sl || strcmp(name + n - sl, suffix) != 0)
		return 0;
	rest = name + 7;
	for (size_t j = 0; j < sizeof(repos) / sizeof(repos[0]); j++) {
		size_t rl = strlen(repos[j]);

		if (strncmp(rest, repos[j], rl) == 0 && rest[rl] == '-') {
			const char *rel = rest + rl + 1;

			*repo = repos[j];
			return parse_release(rel, (size_t)(name + n - sl - rel), r);
		}
	}
	return 0;
}

struct emit_state {
	struct claro_ctx *ctx;
	struct claro_update *up;
	struct claro_distribution dist;
	char *link;
	size_t link_cap;
	size_t count;
};

static enum claro_status emit_fix(void *arg, const struct secdb_fix *fix)
{
	struct emit_state *es = arg;
	const struct claro_host *h = es->ctx->host;
	struct claro_package pkg;
	struct claro_vulnerability v;
	size_t need = sizeof(LINK_PREFIX) + strlen(fix->id);

	if (need > es->link_cap) {
		char *p = h->realloc(es->link, need);
		if (!p)
			return nomem(es->ctx);
		es->link = p;
		es->link_cap = need;
	}
	snprintf(es->link, es->link_cap, "%s%s", LINK_PREFIX, fix->id);
	memset(&pkg, 0, sizeof(pkg));
	pkg.struct_size = sizeof(pkg);
	pkg.name = fix->package;
	pkg.kind = CLARO_PACKAGE_SOURCE;
	memset(&v, 0, sizeof(v));
	v.struct_size = sizeof(v);
	v.name = fix->id;
	v.issued = INT64_MIN;
	v.links = es->link;
	v.normalized_severity = CLARO_SEVERITY_UNKNOWN;
	v.package = &pkg;
	v.distribution = &es->dist;
	v.fixed_in_version = fix->fixed_version;
	es->count++;
	return h->update_emit_vulnerability(es->ctx, es->up, &v);
}

static enum claro_status secdb_update(struct claro_ctx *ctx, const char *updater, struct claro_update *up)
{
	const struct claro_host *h = ctx->host;
	struct feed_request req = {0};
	struct claro_http_response *resp;
	struct emit_state es;
	struct secdb_error serr;
	struct release rel;
	const char *repo, *base;
	char path[64], version[RELEASE_MAX], pretty[64];
	char *url;
	enum claro_status st;

	if (!parse_name(updater, &repo, &rel)) {
		h->error(ctx, CLARO_ERR_NOT_FOUND, "no updater \"%s\" in the alpine set", updater);
		h->error_detail(ctx,
				"Alpine updaters are named alpine-<main|community>-<vX.Y|edge>-updater.");
		h->error_hint(ctx, "Run one of the updaters the set lists.");
		return CLARO_ERR_NOT_FOUND;
	}
	if ((st = base_url(ctx, &base)) != CLARO_OK)
		return st;
	snprintf(path, sizeof(path), "%s/%s.json", rel.name, repo);
	if (!(url = feed_url(h, base, path)))
		return nomem(ctx);
	req.url = url;
	req.max_body = SECDB_MAX_BYTES;
	req.update = up;
	if ((st = feed_fetch(ctx, &req, &resp)) != CLARO_OK) {
		h->free(url);
		return st;
	}
	memset(&es, 0, sizeof(es));
	es.ctx = ctx;
	es.up = up;
	es.dist.struct_size = sizeof(es.dist);
	es.dist.did = "alpine";
	es.dist.name = "Alpine Linux";
	snprintf(version, sizeof(version), "%s", rel.major < 0 ? "edge" : rel.name + 1);
	snprintf(pretty, sizeof(pretty), "Alpine Linux %s", rel.name);
	es.dist.version = version;
	es.dist.pretty_name = pretty;
	st = secdb_parse((const char *)resp->body, resp->body_len, emit_fix, &es, &serr);
	if (st == CLARO_ERR_INVALID || st == CLARO_ERR_TOO_LARGE) {
		h->error(ctx, st, "could not read the Alpine secdb %s", url);
		h->error_detail(ctx, "%s", serr.detail);
		h->error_hint(ctx, "The file is not secdb JSON as secdb.alpinelinux.org serves it; check the "
				   "alpine plugin's url and the server behind it.");
	} else if (st == CLARO_ERR_NOMEM) {
		nomem(ctx);
	} else if (st == CLARO_OK) {
		st = feed_set_fingerprint(ctx, up, resp, FEED_PREFER_ETAG);
		h->log(ctx, CLARO_LOG_INFO, "%zu vulnerabilities from %s", es.count, url);
	}
	h->free(es.link);
	h->http_response_free(resp);
	h->free(url);
	return st;
}

static const struct claro_updater_set_ops secdb_ops = {
    sizeof(struct claro_updater_set_ops),
    secdb_list,
    secdb_update,
};

const struct claro_component alpine_secdb_updaters = {
    sizeof(struct claro_component), CLARO_KIND_UPDATER_SET, 0, "alpine", "1", &secdb_ops,
};

const struct claro_cfg_key alpine_cfg_url = {
    sizeof(struct claro_cfg_key),
    "url",
    CLARO_CFG_STRING,
    "https://secdb.alpinelinux.org/",
    0,
    "root of Alpine's security database (secdb JSON per release and repository)",
};
