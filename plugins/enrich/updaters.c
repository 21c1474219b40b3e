/* enrich: the three enrichment updaters (enrich.h): fetch through the host,
 * decompress in a bounded stream (zstream.h), parse (cvss.h, epss.h, kev.h),
 * emit records with host->update_emit_enrichment.
 *
 * Change detection:
 *   clair.cvss  Clair's: every year's .meta is fetched and the fingerprint
 *               is the JSON map year -> sha256 ({"2002":"D165...",...}); if
 *               it equals the last run's, the update is unchanged and no
 *               feed is downloaded, otherwise every year is.
 *   claro.epss  conditional GET; the fingerprint is the ETag (as claircore's
 *               EPSS enricher keeps), else Last-Modified; 304 -> unchanged.
 *   claro.kev   conditional GET; the fingerprint is Last-Modified (CISA's
 *               server answers If-Modified-Since but not If-None-Match, as
 *               claircore's KEV enricher notes), else the ETag.
 *
 * An error anywhere fails the run with a three-part error; the host then
 * keeps the previous snapshot, so a half-read feed is never stored.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r, strdup */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cvss.h"
#include "enrich.h"
#include "epss.h"
#include "feedfetch.h"
#include "kev.h"
#include "zstream.h"

#define META_MAX_BODY (64u * 1024)

enum claro_status enrich_raise(struct claro_ctx *ctx, const struct enrich_error *e)
{
	const struct claro_host *h = ctx->host;

	if (!e->what[0])
		return e->status; /* a host service failed and reported it already */
	h->error(ctx, e->status, "%s", e->what);
	h->error_detail(ctx, "%s", e->detail);
	h->error_hint(ctx, "%s", e->hint);
	return e->status;
}

static enum claro_status read_stream(void *src, char *buf, size_t n, size_t *got, struct enrich_error *err)
{
	return zstream_read(src, buf, n, got, err);
}

struct emitter {
	struct claro_ctx *ctx;
	struct claro_update *up;
	uint64_t n;
};

static enum claro_status emit(void *arg, const char *tag, const char *json, struct enrich_error *err)
{
	struct emitter *em = arg;
	const char *tags[2] = {tag, NULL};
	enum claro_status st = em->ctx->host->update_emit_enrichment(em->ctx, em->up, tags, json);

	if (st != CLARO_OK && err->status == CLARO_OK)
		err->status = st; /* the host set the three-part error */
	em->n += st == CLARO_OK;
	return st;
}

static enum claro_status fetch(struct claro_ctx *ctx, const char *url, struct claro_update *up, uint64_t max,
			       struct claro_http_response **resp)
{
	struct feed_request req;

	memset(&req, 0, sizeof(req));
	req.url = url;
	req.max_body = max;
	req.update = up;
	return feed_fetch(ctx, &req, resp);
}

static enum claro_status nomem(struct claro_ctx *ctx)
{
	return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
}

/* ---- clair.cvss ---- */

static int current_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	return gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 2002;
}

static enum claro_status cvss_year(struct claro_ctx *ctx, const struct enrich_settings *s, int year,
				   struct emitter *em)
{
	const struct claro_host *h = ctx->host;
	struct claro_http_response *resp = NULL;
	struct zstream *z = NULL;
	struct enrich_error err = {CLARO_OK, "", "", ""};
	struct cvss_stats stats;
	char name[40];
	char *url;
	enum claro_status st;

	snprintf(name, sizeof(name), "nvdcve-2.0-%d.json.gz", year);
	if (!(url = feed_url(h, s->cvss_feed_root, name)))
		return nomem(ctx);
	if ((st = fetch(ctx, url, NULL, s->max_download_bytes, &resp)) == CLARO_OK &&
	    (st = zstream_open(resp->body, resp->body_len, s->max_uncompressed_bytes, url, &z, &err)) ==
		CLARO_OK)
		st = cvss_parse(read_stream, z, s->max_record_bytes, url, emit, em, &stats, &err);
	if (st == CLARO_OK) {
		h->log(ctx, CLARO_LOG_INFO,
		       "%s: %llu CVEs, %llu with a Primary CVSS 3.x, %llu rejected, %llu without", url,
		       (unsigned long long)stats.items, (unsigned long long)stats.emitted,
		       (unsigned long long)stats.rejected, (unsigned long long)stats.no_cvss3);
		if (stats.total_results >= 0 && (uint64_t)stats.total_results != stats.items)
			h->log(ctx, CLARO_LOG_WARNING, "%s says totalResults %lld but holds %llu CVEs", url,
			       (long long)stats.total_results, (unsigned long long)stats.items);
	} else if (err.status != CLARO_OK) {
		st = enrich_raise(ctx, &err);
	}
	zstream_close(z);
	if (resp)
		h->http_response_free(resp);
	h->free(url);
	return st;
}

/* The sha256 of one year's .meta into out. */
static enum claro_status cvss_meta(struct claro_ctx *ctx, const struct enrich_settings *s, int year,
				   char out[65])
{
	const struct claro_host *h = ctx->host;
	struct claro_http_response *resp = NULL;
	struct enrich_error err = {CLARO_OK, "", "", ""};
	char name[40];
	char *url;
	enum claro_status st;

	snprintf(name, sizeof(name), "nvdcve-2.0-%d.meta", year);
	if (!(url = feed_url(h, s->cvss_feed_root, name)))
		return nomem(ctx);
	st = fetch(ctx, url, NULL, META_MAX_BODY, &resp);
	if (st == CLARO_OK &&
	    cvss_meta_sha256((const char *)resp->body, resp->body_len, url, out, &err) != CLARO_OK)
		st = enrich_raise(ctx, &err);
	if (resp)
		h->http_response_free(resp);
	h->free(url);
	return st;
}

enum claro_status enrich_update_cvss(struct claro_ctx *ctx, const struct enrich_settings *s,
				     struct claro_update *up)
{
	const struct claro_host *h = ctx->host;
	int first = (int)s->cvss_first_year,
	    last = s->cvss_last_year ? (int)s->cvss_last_year : current_year();
	size_t years, cap;
	const char *prev;
	char *fp = NULL;
	size_t len = 0;
	struct emitter em = {ctx, up, 0};
	enum claro_status st = CLARO_OK;

	if (last < first) {
		h->error(ctx, CLARO_ERR_CONFIG, "no yearly NVD feeds to fetch");
		h->error_detail(ctx, "cvss_first_year %d is after the current year %d.", first, last);
		h->error_hint(ctx, "Lower cvss_first_year in [plugin.enrich].");
		return CLARO_ERR_CONFIG;
	}
	years = (size_t)(last - first + 1);
	/* {"YYYY":"<64 hex>",...}: 76 bytes a year, and the braces. */
	cap = years * 76 + 4;
	if (!(fp = h->alloc(cap)))
		return nomem(ctx);
	fp[len++] = '{';
	for (int y = first; st == CLARO_OK && y <= last; y++) {
		char sha[65];
		if ((st = cvss_meta(ctx, s, y, sha)) == CLARO_OK)
			len += (size_t)snprintf(fp + len, cap - len, "%s\"%d\":\"%s\"", y > first ? "," : "",
						y, sha);
	}
	if (st != CLARO_OK) {
		h->free(fp);
		return st;
	}
	fp[len++] = '}';
	fp[len] = '\0';
	prev = h->update_prev_fingerprint(ctx, up);
	if (prev && strcmp(prev, fp) == 0) {
		h->log(ctx, CLARO_LOG_INFO,
		       "no yearly NVD feed changed since the last run (%zu years checked)", years);
		h->free(fp);
		return CLARO_ERR_UNCHANGED;
	}
	for (int y = first; st == CLARO_OK && y <= last; y++)
		st = cvss_year(ctx, s, y, &em);
	if (st == CLARO_OK && em.n == 0) {
		h->error(ctx, CLARO_ERR_INVALID, "no CVSS records in the NVD feeds");
		h->error_detail(
		    ctx, "The %zu yearly feeds from %d to %d hold no CVE with a Primary CVSS 3.x metric.",
		    years, first, last);
		h->error_hint(ctx,
			      "Check cvss_feed_root in [plugin.enrich] (and the mirror directory, if one is "
			      "configured); refusing to replace the stored scores with nothing.");
		st = CLARO_ERR_INVALID;
	}
	if (st == CLARO_OK)
		st = h->update_set_fingerprint(ctx, up, fp);
	if (st == CLARO_OK)
		h->log(ctx, CLARO_LOG_INFO, "%llu CVSS records from %zu yearly feeds",
		       (unsigned long long)em.n, years);
	h->free(fp);
	return st;
}

/* ---- claro.epss ---- */

enum claro_status enrich_update_epss(struct claro_ctx *ctx, const struct enrich_settings *s,
				     struct claro_update *up)
{
	const struct claro_host *h = ctx->host;
	struct claro_http_response *resp = NULL;
	struct zstream *z = NULL;
	struct enrich_error err = {CLARO_OK, "", "", ""};
	struct epss_stats stats;
	struct emitter em = {ctx, up, 0};
	enum claro_status st;

	if ((st = fetch(ctx, s->epss_url, up, s->max_download_bytes, &resp)) != CLARO_OK)
		return st; /* CLARO_ERR_UNCHANGED on 304 */
	if ((st = zstream_open(resp->body, resp->body_len, s->max_uncompressed_bytes, s->epss_url, &z,
			       &err)) == CLARO_OK)
		st = epss_parse(read_stream, z, s->epss_url, emit, &em, &stats, &err);
	if (st != CLARO_OK && err.status != CLARO_OK)
		st = enrich_raise(ctx, &err);
	if (st == CLARO_OK)
		st = feed_set_fingerprint(ctx, up, resp, FEED_PREFER_ETAG);
	if (st == CLARO_OK)
		h->log(ctx, CLARO_LOG_INFO, "%llu EPSS scores, model %s, scored %s",
		       (unsigned long long)stats.rows, stats.model_version, stats.score_date);
	zstream_close(z);
	h->http_response_free(resp);
	return st;
}

/* ---- claro.kev ---- */

static enum claro_status kev_pass(struct claro_ctx *ctx, const struct enrich_settings *s,
				  const struct claro_http_response *resp, const char *version,
				  struct emitter *em, struct kev_stats *stats)
{
	struct zstream *z = NULL;
	struct enrich_error err = {CLARO_OK, "", "", ""};
	enum claro_status st;

	if ((st = zstream_open(resp->body, resp->body_len, s->max_uncompressed_bytes, s->kev_url, &z,
			       &err)) == CLARO_OK)
		st = kev_parse(read_stream, z, s->max_record_bytes, s->kev_url, version, em ? emit : NULL, em,
			       stats, &err);
	zstream_close(z);
	if (st != CLARO_OK && err.status != CLARO_OK)
		st = enrich_raise(ctx, &err);
	return st;
}

enum claro_status enrich_update_kev(struct claro_ctx *ctx, const struct enrich_settings *s,
				    struct claro_update *up)
{
	const struct claro_host *h = ctx->host;
	struct claro_http_response *resp = NULL;
	struct kev_stats checked, emitted;
	struct emitter em = {ctx, up, 0};
	enum claro_status st;

	if ((st = fetch(ctx, s->kev_url, up, s->max_download_bytes, &resp)) != CLARO_OK)
		return st; /* CLARO_ERR_UNCHANGED on 304 */
	/* Check everything first: catalogVersion may follow the entries. */
	if ((st = kev_pass(ctx, s, resp, NULL, NULL, &checked)) == CLARO_OK)
		st = kev_pass(ctx, s, resp, checked.catalog_version, &em, &emitted);
	if (st == CLARO_OK)
		st = feed_set_fingerprint(ctx, up, resp, FEED_PREFER_LAST_MODIFIED);
	if (st == CLARO_OK) {
		if (checked.count >= 0 && (uint64_t)checked.count != checked.entries)
			h->log(ctx, CLARO_LOG_WARNING, "%s says count %lld but holds %llu entries",
			       s->kev_url, (long long)checked.count, (unsigned long long)checked.entries);
		h->log(ctx, CLARO_LOG_INFO, "%llu KEV entries, catalog %s", (unsigned long long)em.n,
		       checked.catalog_version[0] ? checked.catalog_version : "(no version)");
	}
	h->http_response_free(resp);
	return st;
}
