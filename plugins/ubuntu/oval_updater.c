/* OVAL updater set ("ubuntu"): Ubuntu's CVE OVAL feeds, one updater per
 * active release, as claircore's ubuntu updaters read them (reference §5.2,
 * §5.3).
 *
 * list(): the releases are the active series of Launchpad's
 * <url><name>/series (JSON: entries[].{name, version, active}); each one whose
 * feed answers a HEAD probe gives the updater "ubuntu/updater/<codename>".
 * update(): the feed <oval_url>com.ubuntu.<codename>.cve.oval.xml (+ ".bz2"
 * with use_bzip2, the form Canonical publishes; any of gzip, bzip2, xz or
 * zstd is recognised by its magic bytes), conditional on the last ETag;
 * parsed by oval.c in bounded memory. Each (definition, dpkginfo criterion,
 * binary package) is one vulnerability with the release's canonical
 * distribution (did "ubuntu", name "Ubuntu", version_id "22.04", version
 * "22.04 (Jammy)", version_code_name "jammy", pretty_name "Ubuntu 22.04",
 * the record the ubuntu distribution scanner reports), severity the
 * advisory's, normalised one-to-one.
 *
 * Where claircore follows the Content-Location of a HEAD answer to find the
 * .bz2 file, claro asks for it directly (use_bzip2, claircore's own per-
 * updater key): host responses carry no Content-Location.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "feedfetch.h"
#include "oval.h"
#include "ubuntu.h"

#define NAME_PREFIX     "ubuntu/updater/"
#define SERIES_MAX_BODY ((uint64_t)16 << 20)
#define CODENAME_MAX    32
#define VERSION_MAX     16
#define MAX_SERIES      512

const struct claro_cfg_key ubuntu_cfg_url = {
    sizeof(struct claro_cfg_key),     "url", CLARO_CFG_STRING,
    "https://api.launchpad.net/1.0/", 0,     "Launchpad API root; <url><name>/series lists the releases",
};
const struct claro_cfg_key ubuntu_cfg_name = {
    sizeof(struct claro_cfg_key),           "name", CLARO_CFG_STRING, "ubuntu", 0,
    "the distribution's name in Launchpad",
};
const struct claro_cfg_key ubuntu_cfg_oval_url = {
    sizeof(struct claro_cfg_key),
    "oval_url",
    CLARO_CFG_STRING,
    "https://security-metadata.canonical.com/oval/",
    0,
    "directory of the com.ubuntu.<codename>.cve.oval.xml feeds",
};
const struct claro_cfg_key ubuntu_cfg_use_bzip2 = {
    sizeof(struct claro_cfg_key),
    "use_bzip2",
    CLARO_CFG_BOOL,
    "true",
    0,
    "fetch the .xml.bz2 form of each feed (what Canonical publishes)",
};
const struct claro_cfg_key ubuntu_cfg_max_feed_size = {
    sizeof(struct claro_cfg_key),
    "max_feed_size",
    CLARO_CFG_INT,
    "4294967296",
    0,
    "largest decompressed OVAL document accepted, in bytes (stops decompression bombs)",
};

enum claro_status ubuntu_init(struct claro_ctx *ctx)
{
	(void)ctx;
	xmlInitParser(); /* once, on the loading thread: libxml2 wants that */
	return CLARO_OK;
}

static enum claro_status nomem(struct claro_ctx *ctx)
{
	return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
}

struct series {
	char name[CODENAME_MAX];
	char version[VERSION_MAX];
};

struct series_list {
	struct series v[MAX_SERIES];
	size_t n, skipped;
};

static int all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* Launchpad's series collection; only active entries with a sane code name
 * (it ends up in URLs and updater names) and version are kept. */
static enum claro_status parse_series(struct claro_ctx *ctx, const char *url, const unsigned char *body,
				      size_t len, struct series_list *out)
{
	const struct claro_host *h = ctx->host;
	json_error_t jerr;
	json_t *root = json_loadb((const char *)body, len, 0, &jerr), *entries, *e;
	size_t i;

	if (!root) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return nomem(ctx);
		h->error(ctx, CLARO_ERR_INVALID, "could not read the Launchpad series list %s", url);
		h->error_detail(ctx, "Line %d, column %d: %s.", jerr.line, jerr.column, jerr.text);
		h->error_hint(ctx, "Check the ubuntu plugin's url and name: <url><name>/series must be "
				   "Launchpad's JSON collection of the distribution's series.");
		return CLARO_ERR_INVALID;
	}
	entries = json_object_get(root, "entries");
	if (!json_is_array(entries)) {
		json_decref(root);
		h->error(ctx, CLARO_ERR_INVALID, "could not read the Launchpad series list %s", url);
		h->error_detail(ctx, "The document has no \"entries\" array.");
		h->error_hint(ctx, "Check the ubuntu plugin's url and name: <url><name>/series must be "
				   "Launchpad's JSON collection of the distribution's series.");
		return CLARO_ERR_INVALID;
	}
	json_array_foreach(entries, i, e)
	{
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *version = json_string_value(json_object_get(e, "version"));

		if (!json_is_true(json_object_get(e, "active")))
			continue;
		if (!name || !version || strlen(name) >= CODENAME_MAX || strlen(version) >= VERSION_MAX ||
		    !all_of(name, "abcdefghijklmnopqrstuvwxyz") || !all_of(version, "0123456789.")) {
			out->skipped++;
			continue;
		}
		if (out->n < MAX_SERIES) {
			memcpy(out->v[out->n].name, name, strlen(name) + 1);
			memcpy(out->v[out->n].version, version, strlen(version) + 1);
			out->n++;
		}
	}
	json_decref(root);
	if (out->skipped)
		h->log(ctx, CLARO_LOG_WARNING, "%zu active series in %s have no usable name or version",
		       out->skipped, url);
	return CLARO_OK;
}

static enum claro_status fetch_series(struct claro_ctx *ctx, struct series_list *out)
{
	static const char *const accept[] = {"Accept: application/json", NULL};
	const struct claro_host *h = ctx->host;
	struct feed_request req = {0};
	struct claro_http_response *resp;
	const char *api, *name;
	char path[96];
	char *url;
	enum claro_status st;

	if ((st = h->cfg_string(ctx, "url", &api)) != CLARO_OK ||
	    (st = h->cfg_string(ctx, "name", &name)) != CLARO_OK)
		return st;
	if (!all_of(name, "abcdefghijklmnopqrstuvwxyz0123456789-") || strlen(name) > 64) {
		h->error(ctx, CLARO_ERR_CONFIG, "invalid name \"%s\" in the ubuntu plugin's configuration",
			 name);
		h->error_detail(ctx, "A Launchpad distribution name has lower-case letters, digits and '-'.");
		h->error_hint(ctx, "Set name = ubuntu, or the Launchpad name of the derivative.");
		return CLARO_ERR_CONFIG;
	}
	snprintf(path, sizeof(path), "%s/series", name);
	if (!(url = feed_url(h, api, path)))
		return nomem(ctx);
	req.url = url;
	req.headers = accept;
	req.max_body = SERIES_MAX_BODY;
	if ((st = feed_fetch(ctx, &req, &resp)) == CLARO_OK) {
		st = parse_series(ctx, url, resp->body, resp->body_len, out);
		h->http_response_free(resp);
	}
	if (st == CLARO_OK && out->n == 0) {
		h->error(ctx, CLARO_ERR_NOT_FOUND, "Launchpad lists no active %s release at %s", name, url);
		h->error_detail(ctx, "None of the series entries is active with a code name and a version.");
		h->error_hint(ctx, "Check the ubuntu plugin's url and name.");
		st = CLARO_ERR_NOT_FOUND;
	}
	h->free(url);
	return st;
}

static enum claro_status oval_feed_url(struct claro_ctx *ctx, const char *codename, char **url)
{
	const struct claro_host *h = ctx->host;
	const char *base;
	char file[CODENAME_MAX + 48];
	int bzip2;
	enum claro_status st;

	if ((st = h->cfg_string(ctx, "oval_url", &base)) != CLARO_OK ||
	    (st = h->cfg_bool(ctx, "use_bzip2", &bzip2)) != CLARO_OK)
		return st;
	snprintf(file, sizeof(file), "com.ubuntu.%s.cve.oval.xml%s", codename, bzip2 ? ".bz2" : "");
	if (!(*url = feed_url(h, base, file)))
		return nomem(ctx);
	return CLARO_OK;
}

static enum claro_status oval_list(struct claro_ctx *ctx, struct claro_updater_list *out)
{
	const struct claro_host *h = ctx->host;
	struct series_list *series;
	size_t added = 0;
	enum claro_status st;

	if (!(series = h->calloc(1, sizeof(*series))))
		return nomem(ctx);
	st = fetch_series(ctx, series);
	for (size_t i = 0; st == CLARO_OK && i < series->n; i++) {
		struct feed_request req = {0};
		struct claro_http_response *resp;
		char name[sizeof(NAME_PREFIX) + CODENAME_MAX];
		char *url;

		if ((st = oval_feed_url(ctx, series->v[i].name, &url)) != CLARO_OK)
			break;
		req.url = url;
		req.method = "HEAD";
		if (feed_fetch(ctx, &req, &resp) == CLARO_OK) {
			h->http_response_free(resp);
			snprintf(name, sizeof(name), NAME_PREFIX "%s", series->v[i].name);
			if ((st = h->updater_add(ctx, out, name, 0)) == CLARO_OK)
				added++;
		} else {
			h->log(ctx, CLARO_LOG_INFO, "no OVAL feed for %s at %s: skipping it",
			       series->v[i].name, url);
		}
		h->free(url);
	}
	if (st == CLARO_OK && added == 0) {
		h->error(ctx, CLARO_ERR_NOT_FOUND, "no Ubuntu OVAL feed found");
		h->error_detail(ctx,
				"Launchpad lists %zu active releases, but none has a feed under the "
				"configured oval_url.",
				series->n);
		h->error_hint(ctx, "Check the ubuntu plugin's oval_url and use_bzip2.");
		st = CLARO_ERR_NOT_FOUND;
	}
	h->free(series);
	return st;
}

struct emit_state {
	struct claro_ctx *ctx;
	struct claro_update *up;
	struct claro_distribution dist;
};

static enum claro_status emit_vuln(void *arg, const struct oval_vuln *ov)
{
	struct emit_state *es = arg;
	struct claro_package pkg;
	struct claro_vulnerability v;

	memset(&pkg, 0, sizeof(pkg));
	pkg.struct_size = sizeof(pkg);
	pkg.name = ov->package;
	pkg.kind = CLARO_PACKAGE_BINARY;
	pkg.arch = ov->arch;
	memset(&v, 0, sizeof(v));
	v.struct_size = sizeof(v);
	v.name = ov->name;
	v.description = ov->description;
	v.issued = ov->issued;
	v.links = ov->links;
	v.severity = ov->severity;
	v.normalized_severity = oval_ubuntu_severity(ov->severity);
	v.package = &pkg;
	v.distribution = &es->dist;
	v.fixed_in_version = ov->fixed_version;
	v.arch_op = ov->arch_op;
	return es->ctx->host->update_emit_vulnerability(es->ctx, es->up, &v);
}

static enum claro_status parse_feed(struct claro_ctx *ctx, struct claro_update *up, const char *url,
				    const struct series *rel, const struct claro_http_response *resp)
{
	const struct claro_host *h = ctx->host;
	struct emit_state es;
	struct oval_stats stats;
	struct oval_error oerr;
	int64_t max;
	char *version, *pretty;
	enum claro_status st;

	if ((st = h->cfg_int(ctx, "max_feed_size", &max)) != CLARO_OK)
		return st;
	if (max <= 0) {
		h->error(ctx, CLARO_ERR_CONFIG,
			 "invalid max_feed_size %lld in the ubuntu plugin's configuration", (long long)max);
		h->error_detail(ctx, "The limit is a number of bytes and must be positive.");
		h->error_hint(ctx, "Leave it unset (4 GiB) or give a byte count such as 1073741824.");
		return CLARO_ERR_CONFIG;
	}
	version = ubuntu_version_string(h, rel->version, rel->name);
	pretty = h->alloc(sizeof("Ubuntu ") + strlen(rel->version));
	if (!version || !pretty) {
		h->free(version);
		h->free(pretty);
		return nomem(ctx);
	}
	snprintf(pretty, sizeof("Ubuntu ") + strlen(rel->version), "Ubuntu %s", rel->version);
	memset(&es, 0, sizeof(es));
	es.ctx = ctx;
	es.up = up;
	es.dist.struct_size = sizeof(es.dist);
	es.dist.did = "ubuntu";
	es.dist.name = "Ubuntu";
	es.dist.version = version;
	es.dist.version_code_name = rel->name;
	es.dist.version_id = rel->version;
	es.dist.pretty_name = pretty;
	st = oval_parse_dpkg(resp->body, resp->body_len, (uint64_t)max, emit_vuln, &es, &stats, &oerr);
	if (st == CLARO_ERR_INVALID || st == CLARO_ERR_TOO_LARGE) {
		h->error(ctx, st, "could not read the Ubuntu OVAL feed %s", url);
		h->error_detail(ctx, "%s", oerr.detail);
		if (st == CLARO_ERR_TOO_LARGE)
			h->error_hint(ctx,
				      "If the feed is genuine, raise the ubuntu plugin's max_feed_size "
				      "(now %lld bytes).",
				      (long long)max);
		else
			h->error_hint(ctx,
				      "The file is not a CVE OVAL document as Canonical publishes it; check "
				      "the ubuntu plugin's oval_url and the server behind it.");
	} else if (st == CLARO_ERR_NOMEM) {
		nomem(ctx);
	} else if (st == CLARO_OK) {
		h->log(ctx, CLARO_LOG_INFO,
		       "%s: %zu definitions, %zu vulnerabilities, %zu of %zu criteria unresolved; %llu bytes "
		       "(%s), tables %zu bytes",
		       url, stats.definitions, stats.vulnerabilities, stats.unresolved, stats.criteria,
		       (unsigned long long)stats.bytes, stats.compression, stats.table_bytes);
		if (stats.vulnerabilities == 0)
			h->log(ctx, CLARO_LOG_WARNING, "%s yields no vulnerability", url);
	}
	h->free(version);
	h->free(pretty);
	return st;
}

static enum claro_status oval_update(struct claro_ctx *ctx, const char *updater, struct claro_update *up)
{
	const struct claro_host *h = ctx->host;
	struct feed_request req = {0};
	struct claro_http_response *resp;
	struct series_list *series;
	const struct series *rel = NULL;
	const char *codename = updater + strlen(NAME_PREFIX);
	char *url;
	enum claro_status st;

	if (strncmp(updater, NAME_PREFIX, strlen(NAME_PREFIX)) != 0 || strlen(codename) >= CODENAME_MAX ||
	    !all_of(codename, "abcdefghijklmnopqrstuvwxyz")) {
		h->error(ctx, CLARO_ERR_NOT_FOUND, "no updater \"%s\" in the ubuntu set", updater);
		h->error_detail(ctx, "Ubuntu updaters are named " NAME_PREFIX "<codename>.");
		h->error_hint(ctx, "Run one of the updaters the set lists.");
		return CLARO_ERR_NOT_FOUND;
	}
	/* The feed first: an unchanged feed needs nothing else. */
	if ((st = oval_feed_url(ctx, codename, &url)) != CLARO_OK)
		return st;
	req.url = url;
	req.update = up;
	if ((st = feed_fetch(ctx, &req, &resp)) != CLARO_OK) {
		h->free(url);
		return st;
	}
	if (!(series = h->calloc(1, sizeof(*series)))) {
		st = nomem(ctx);
	} else if ((st = fetch_series(ctx, series)) == CLARO_OK) {
		for (size_t i = 0; i < series->n; i++)
			if (strcmp(series->v[i].name, codename) == 0)
				rel = &series->v[i];
		if (!rel) {
			h->error(ctx, CLARO_ERR_NOT_FOUND, "Ubuntu %s is not an active release", codename);
			h->error_detail(ctx,
					"Launchpad's series list does not name %s as active, so its version "
					"(needed for the distribution records) is unknown.",
					codename);
			h->error_hint(ctx, "Run the updaters the set lists now; retired releases drop out.");
			st = CLARO_ERR_NOT_FOUND;
		}
	}
	if (st == CLARO_OK)
		st = parse_feed(ctx, up, url, rel, resp);
	if (st == CLARO_OK)
		st = feed_set_fingerprint(ctx, up, resp, FEED_PREFER_ETAG);
	h->http_response_free(resp);
	h->free(series);
	h->free(url);
	return st;
}

static const struct claro_updater_set_ops oval_ops = {
    sizeof(struct claro_updater_set_ops),
    oval_list,
    oval_update,
};

const struct claro_component ubuntu_oval_updaters = {
    sizeof(struct claro_component), CLARO_KIND_UPDATER_SET, 0, "ubuntu", "1", &oval_ops,
};
