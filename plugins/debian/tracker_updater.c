/* tracker updater set ("debian"): one updater, "debian/updater", reading the
 * Debian security tracker's JSON as claircore's debian updater does
 * (reference §5.2, §5.3).
 *
 * update():
 *   1. GET <json_url>, conditional on the last run (claircore keeps the
 *      Last-Modified value and sends it back as If-Modified-Since);
 *      304 -> CLARO_ERR_UNCHANGED before anything else is fetched.
 *   2. Discover the releases (dists.h): the suites of <mirror_url>debian/dists/
 *      and the first 512 bytes of each suite's Release file.
 *   3. Parse (tracker.h): one vulnerability per (source package, id,
 *      discovered release) -- package kind source, fixed_in_version as the
 *      tracker gives it ("" unfixed, "0" not affected), severity the urgency
 *      text, normalised by tracker_severity(), link
 *      https://security-tracker.debian.org/tracker/<id>, distribution the
 *      release's canonical record. Releases the mirror does not list (sid,
 *      testing, archived ones) are left out, as in claircore.
 *
 * list() names the single updater without touching the network; discovery
 * happens in update(), where the releases are needed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "debian.h"
#include "dists.h"
#include "feedfetch.h"
#include "tracker.h"

#define UPDATER_NAME     "debian/updater"
#define LINK_PREFIX      "https://security-tracker.debian.org/tracker/"
#define INDEX_MAX_BODY   ((uint64_t)4 << 20)
#define RELEASE_MAX_BODY ((uint64_t)8 << 20) /* a server that ignores Range sends it all */

const struct claro_cfg_key debian_cfg_mirror_url = {
    sizeof(struct claro_cfg_key),
    "mirror_url",
    CLARO_CFG_STRING,
    "https://deb.debian.org/",
    0,
    "Debian mirror whose debian/dists/ names the releases to keep",
};
const struct claro_cfg_key debian_cfg_json_url = {
    sizeof(struct claro_cfg_key),
    "json_url",
    CLARO_CFG_STRING,
    "https://security-tracker.debian.org/tracker/data/json",
    0,
    "Debian security tracker JSON feed",
};

static enum claro_status nomem(struct claro_ctx *ctx)
{
	return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
}

struct discovery {
	char suites[DISTS_MAX][DISTS_NAME_MAX];
	size_t n_suites;
	struct dists_release releases[DISTS_MAX];
	size_t n_releases;
};

static enum claro_status add_suite(void *arg, const char *href, size_t len)
{
	struct discovery *d = arg;
	char name[DISTS_NAME_MAX];

	if (!dists_suite_from_link(href, len, name))
		return CLARO_OK;
	for (size_t i = 0; i < d->n_suites; i++)
		if (strcmp(d->suites[i], name) == 0)
			return CLARO_OK;
	if (d->n_suites < DISTS_MAX)
		memcpy(d->suites[d->n_suites++], name, sizeof(name));
	return CLARO_OK;
}

/* Fetch and read dists/<suite>/Release; adds a release when it names one. */
static enum claro_status probe_suite(struct claro_ctx *ctx, const char *dists_url, const char *suite,
				     struct discovery *d)
{
	static const char *const range[] = {"Range: bytes=0-512", NULL};
	const struct claro_host *h = ctx->host;
	struct feed_request req = {0};
	struct claro_http_response *resp;
	char path[DISTS_NAME_MAX + 16], codename[DISTS_NAME_MAX];
	char *url;
	int major, named;

	snprintf(path, sizeof(path), "%s/Release", suite);
	if (!(url = feed_url(h, dists_url, path)))
		return nomem(ctx);
	req.url = url;
	req.headers = range;
	req.max_body = RELEASE_MAX_BODY;
	if (feed_fetch(ctx, &req, &resp) != CLARO_OK) {
		/* Like claircore: a suite without a readable Release is skipped. */
		h->log(ctx, CLARO_LOG_DEBUG, "no Release file at %s: skipping suite %s", url, suite);
		h->free(url);
		return CLARO_OK;
	}
	named = dists_parse_release((const char *)resp->body, resp->body_len, codename, &major);
	h->http_response_free(resp);
	if (!named || strcmp(codename, "sid") == 0) {
		h->log(ctx, CLARO_LOG_DEBUG, "%s names no released version: skipping suite %s", url, suite);
		h->free(url);
		return CLARO_OK;
	}
	h->free(url);
	for (size_t i = 0; i < d->n_releases; i++)
		if (strcmp(d->releases[i].codename, codename) == 0)
			return CLARO_OK; /* an alias of one seen already ("stable") */
	if (d->n_releases < DISTS_MAX)
		dists_release_init(&d->releases[d->n_releases++], codename, major);
	return CLARO_OK;
}

static enum claro_status discover(struct claro_ctx *ctx, struct discovery *d)
{
	const struct claro_host *h = ctx->host;
	struct feed_request req = {0};
	struct claro_http_response *resp;
	const char *mirror;
	char *dists_url;
	enum claro_status st;

	if ((st = h->cfg_string(ctx, "mirror_url", &mirror)) != CLARO_OK)
		return st;
	if (!(dists_url = feed_url(h, mirror, "debian/dists/")))
		return nomem(ctx);
	req.url = dists_url;
	req.max_body = INDEX_MAX_BODY;
	if ((st = feed_fetch(ctx, &req, &resp)) != CLARO_OK) {
		h->free(dists_url);
		return st;
	}
	st = feed_links(resp->body, resp->body_len, add_suite, d);
	h->http_response_free(resp);
	for (size_t i = 0; st == CLARO_OK && i < d->n_suites; i++)
		st = probe_suite(ctx, dists_url, d->suites[i], d);
	if (st == CLARO_OK && d->n_releases == 0) {
		h->error(ctx, CLARO_ERR_NOT_FOUND, "could not find any Debian release at %s", dists_url);
		h->error_detail(ctx,
				"The index lists %zu suites, but no suite's Release file names a code name "
				"and a version.",
				d->n_suites);
		h->error_hint(ctx, "Point the debian plugin's mirror_url at a Debian mirror (the directory "
				   "that holds debian/dists/).");
		st = CLARO_ERR_NOT_FOUND;
	}
	h->free(dists_url);
	return st;
}

struct emit_state {
	struct claro_ctx *ctx;
	struct claro_update *up;
	const struct discovery *d;
	char *link;
	size_t link_cap;
	size_t count;
};

static const struct dists_release *find_release(const struct discovery *d, const char *codename)
{
	for (size_t i = 0; i < d->n_releases; i++)
		if (strcmp(d->releases[i].codename, codename) == 0)
			return &d->releases[i];
	return NULL;
}

static int want_release(void *arg, const char *release)
{
	const struct emit_state *es = arg;

	return find_release(es->d, release) != NULL;
}

static enum claro_status emit_record(void *arg, const struct tracker_record *r)
{
	struct emit_state *es = arg;
	const struct claro_host *h = es->ctx->host;
	const struct dists_release *rel = find_release(es->d, r->release);
	struct claro_distribution dist;
	struct claro_package pkg;
	struct claro_vulnerability v;
	size_t need = sizeof(LINK_PREFIX) + strlen(r->id);

	if (!rel)
		return CLARO_OK;
	if (need > es->link_cap) {
		char *p = h->realloc(es->link, need);
		if (!p)
			return nomem(es->ctx);
		es->link = p;
		es->link_cap = need;
	}
	snprintf(es->link, es->link_cap, "%s%s", LINK_PREFIX, r->id);
	dists_release_record(rel, &dist);
	memset(&pkg, 0, sizeof(pkg));
	pkg.struct_size = sizeof(pkg);
	pkg.name = r->package;
	pkg.kind = CLARO_PACKAGE_SOURCE;
	memset(&v, 0, sizeof(v));
	v.struct_size = sizeof(v);
	v.name = r->id;
	v.description = r->description;
	v.issued = INT64_MIN;
	v.links = es->link;
	v.severity = r->urgency;
	v.normalized_severity = tracker_severity(r->urgency);
	v.package = &pkg;
	v.distribution = &dist;
	v.fixed_in_version = r->fixed_version;
	es->count++;
	return h->update_emit_vulnerability(es->ctx, es->up, &v);
}

static enum claro_status tracker_list(struct claro_ctx *ctx, struct claro_updater_list *out)
{
	return ctx->host->updater_add(ctx, out, UPDATER_NAME, 0);
}

static enum claro_status tracker_update(struct claro_ctx *ctx, const char *updater, struct claro_update *up)
{
	const struct claro_host *h = ctx->host;
	struct feed_request req = {0};
	struct claro_http_response *resp;
	struct tracker_error terr;
	struct emit_state es;
	struct discovery *d;
	const char *json_url;
	enum claro_status st;

	if (strcmp(updater, UPDATER_NAME) != 0) {
		h->error(ctx, CLARO_ERR_NOT_FOUND, "no updater \"%s\" in the debian set", updater);
		h->error_detail(ctx, "The debian set has one updater, " UPDATER_NAME ".");
		h->error_hint(ctx, "Run the updater the set lists.");
		return CLARO_ERR_NOT_FOUND;
	}
	if ((st = h->cfg_string(ctx, "json_url", &json_url)) != CLARO_OK)
		return st;
	req.url = json_url;
	req.update = up;
	if ((st = feed_fetch(ctx, &req, &resp)) != CLARO_OK)
		return st;
	if (!(d = h->calloc(1, sizeof(*d)))) {
		h->http_response_free(resp);
		return nomem(ctx);
	}
	if ((st = discover(ctx, d)) != CLARO_OK) {
		h->free(d);
		h->http_response_free(resp);
		return st;
	}
	memset(&es, 0, sizeof(es));
	es.ctx = ctx;
	es.up = up;
	es.d = d;
	st = tracker_parse((const char *)resp->body, resp->body_len, want_release, emit_record, &es, &terr);
	if (st == CLARO_ERR_INVALID) {
		h->error(ctx, st, "could not read the Debian security tracker JSON %s", json_url);
		h->error_detail(ctx, "%s", terr.detail);
		h->error_hint(ctx, "The feed is not the tracker's data/json document; check the debian "
				   "plugin's json_url and the server behind it.");
	} else if (st == CLARO_ERR_NOMEM) {
		nomem(ctx);
	} else if (st == CLARO_OK) {
		st = feed_set_fingerprint(ctx, up, resp, FEED_PREFER_LAST_MODIFIED);
		h->log(ctx, CLARO_LOG_INFO, "%zu vulnerabilities for %zu releases from %s", es.count,
		       d->n_releases, json_url);
	}
	h->free(es.link);
	h->free(d);
	h->http_response_free(resp);
	return st;
}

static const struct claro_updater_set_ops tracker_ops = {
    sizeof(struct claro_updater_set_ops),
    tracker_list,
    tracker_update,
};

const struct claro_component debian_tracker_updaters = {
    sizeof(struct claro_component), CLARO_KIND_UPDATER_SET, 0, "debian", "1", &tracker_ops,
};
