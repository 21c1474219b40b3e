/* beta: a test-only plugin for the other kinds: a version scheme ("intver",
 * plain non-negative integers), a matcher that compares with it through
 * host->version_scheme(), an updater set that fetches a made-up feed through
 * host->http_fetch(), and an enricher that reads what the updater stored.
 *
 * Feed format (GET <url>/feed, conditional on the last ETag):
 *   NAME PACKAGE FIXED_IN SEVERITY      one vulnerability per line
 *   -NAME                               withdraw NAME (a delta)
 * Scores (GET <url>/scores): "NAME SCORE" per line, stored as enrichments
 * {"score": SCORE} tagged with NAME.
 * With full = true the set also offers beta/full: GET <url>/full in the feed
 * format, a whole snapshot each time (not a delta), for the updater runner's
 * tests.
 *
 * Config keys: url (string, required), timeout (duration), retries (int),
 * enabled (bool), full (bool). SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <claro/plugin.h>

#define FEED_MAX (1u << 20)

static const struct claro_cfg_key key_url = {sizeof(struct claro_cfg_key), "url", CLARO_CFG_STRING, NULL, 1,
					     "base URL of the feed"};
static const struct claro_cfg_key key_timeout = {
    sizeof(struct claro_cfg_key), "timeout", CLARO_CFG_DURATION, "30s", 0, "per request"};
static const struct claro_cfg_key key_retries = {
    sizeof(struct claro_cfg_key), "retries", CLARO_CFG_INT, "0", 0, "extra attempts after a network error"};
static const struct claro_cfg_key key_enabled = {
    sizeof(struct claro_cfg_key), "enabled", CLARO_CFG_BOOL, "true", 0, "offer the updaters at all"};
static const struct claro_cfg_key key_full = {sizeof(struct claro_cfg_key),
					      "full",
					      CLARO_CFG_BOOL,
					      "false",
					      0,
					      "also offer beta/full (whole snapshots)"};
static const struct claro_cfg_key *const beta_config[] = {&key_url,     &key_timeout, &key_retries,
							  &key_enabled, &key_full,    NULL};

/* ---- version scheme "intver" ---- */

static enum claro_status parse_intver(const char *s, int64_t *out)
{
	int64_t v = 0;

	if (!s || !*s)
		return CLARO_ERR_INVALID;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT32_MAX - 9) / 10)
			return CLARO_ERR_INVALID;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return CLARO_OK;
}

static enum claro_status intver_compare(const char *a, const char *b, int *cmp)
{
	int64_t x, y;

	if (parse_intver(a, &x) != CLARO_OK || parse_intver(b, &y) != CLARO_OK)
		return CLARO_ERR_INVALID;
	*cmp = (x > y) - (x < y);
	return CLARO_OK;
}

static enum claro_status intver_normalize(const char *v, struct claro_normalized_version *out)
{
	int64_t x;

	if (parse_intver(v, &x) != CLARO_OK)
		return CLARO_ERR_INVALID;
	memset(out, 0, sizeof(*out));
	out->kind = "intver";
	out->v[0] = (int32_t)x;
	return CLARO_OK;
}

/* ---- matcher ---- */

static int match_filter(struct claro_ctx *ctx, const struct claro_index_record *record)
{
	(void)ctx;
	return record->package && record->package->name && strncmp(record->package->name, "beta-", 5) == 0;
}

static uint32_t match_query(struct claro_ctx *ctx)
{
	(void)ctx;
	return CLARO_MATCH_PACKAGE_NAME;
}

static enum claro_status match_vulnerable(struct claro_ctx *ctx, const struct claro_index_record *record,
					  const struct claro_vulnerability *vuln, int *vulnerable)
{
	const struct claro_host *h = ctx->host;
	const struct claro_version_scheme_ops *scheme = h->version_scheme(ctx, "intver");
	int cmp;

	if (!scheme)
		return CLARO_ERR_NOT_FOUND; /* the host described it */
	if (!vuln->fixed_in_version || !*vuln->fixed_in_version) {
		*vulnerable = 1;
		return CLARO_OK;
	}
	if (scheme->compare(record->package->version, vuln->fixed_in_version, &cmp) != CLARO_OK) {
		h->error(ctx, CLARO_ERR_INVALID, "could not compare versions of %s", record->package->name);
		h->error_detail(ctx, "\"%s\" or \"%s\" is not an intver version.", record->package->version,
				vuln->fixed_in_version);
		h->error_hint(ctx, "intver versions are plain non-negative integers.");
		return CLARO_ERR_INVALID;
	}
	*vulnerable = cmp < 0;
	return CLARO_OK;
}

/* ---- updater set ---- */

static enum claro_status updaters_list(struct claro_ctx *ctx, struct claro_updater_list *out)
{
	const struct claro_host *h = ctx->host;
	int enabled, full;
	enum claro_status st;

	if ((st = h->cfg_bool(ctx, "enabled", &enabled)) != CLARO_OK ||
	    (st = h->cfg_bool(ctx, "full", &full)) != CLARO_OK)
		return st;
	if (!enabled)
		return CLARO_OK;
	if ((st = h->updater_add(ctx, out, "beta/feed", CLARO_UPDATER_DELTA)) != CLARO_OK)
		return st;
	if ((st = h->updater_add(ctx, out, "beta/scores", CLARO_UPDATER_ENRICHMENT)) != CLARO_OK)
		return st;
	return full ? h->updater_add(ctx, out, "beta/full", 0) : CLARO_OK;
}

/* GET <url><suffix>, conditional on the previous fingerprint, retried. */
static enum claro_status fetch(struct claro_ctx *ctx, struct claro_update *up, const char *suffix,
			       struct claro_http_response **resp)
{
	const struct claro_host *h = ctx->host;
	struct claro_http_request req;
	const char *base;
	int64_t timeout, retries;
	char *url;
	size_t n;
	enum claro_status st;

	if ((st = h->cfg_string(ctx, "url", &base)) != CLARO_OK ||
	    (st = h->cfg_duration(ctx, "timeout", &timeout)) != CLARO_OK ||
	    (st = h->cfg_int(ctx, "retries", &retries)) != CLARO_OK)
		return st;
	n = strlen(base) + strlen(suffix) + 1;
	if (!(url = h->alloc(n)))
		return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	snprintf(url, n, "%s%s", base, suffix);
	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.url = url;
	req.if_none_match = h->update_prev_fingerprint(ctx, up);
	req.max_body = FEED_MAX;
	req.timeout_seconds = (uint32_t)timeout;
	do {
		st = h->http_fetch(ctx, &req, resp);
		if (st == CLARO_ERR_NETWORK && retries > 0)
			h->log(ctx, CLARO_LOG_WARNING, "retrying %s", url);
	} while (st == CLARO_ERR_NETWORK && retries-- > 0);
	h->free(url);
	return st;
}

/* A private, NUL-terminated copy of a response body. */
static char *body_text(struct claro_ctx *ctx, const struct claro_http_response *resp)
{
	char *text = ctx->host->alloc(resp->body_len + 1);

	if (text) {
		memcpy(text, resp->body, resp->body_len);
		text[resp->body_len] = '\0';
	}
	return text;
}

static char *next_line(char **p)
{
	char *line = *p, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = line + strlen(line);
	}
	return line;
}

/* Next blank-separated word of *p, NUL-terminated in place. */
static char *next_word(char **p)
{
	char *w = *p;

	while (*w == ' ')
		w++;
	if (!*w)
		return NULL;
	*p = w;
	while (**p && **p != ' ')
		(*p)++;
	if (**p)
		*(*p)++ = '\0';
	return w;
}

static enum claro_status parse_feed(struct claro_ctx *ctx, struct claro_update *up, char *text)
{
	const struct claro_host *h = ctx->host;
	enum claro_status st = CLARO_OK;
	char *line;

	while (st == CLARO_OK && (line = next_line(&text)) != NULL) {
		struct claro_vulnerability v;
		struct claro_package pkg;
		char *f[5];
		int n = 0;

		if (*line == '-') {
			st = h->update_delete(ctx, up, line + 1);
			continue;
		}
		for (char *w = next_word(&line); w && n < 4; w = next_word(&line))
			f[n++] = w;
		if (n == 4 && next_word(&line))
			n++;
		if (n != 4) {
			st = h->error(ctx, CLARO_ERR_INVALID, "malformed feed line");
			h->error_detail(ctx, "A line has %d fields; the feed has 4 per line.", n);
			h->error_hint(ctx, "Check the feed server.");
			break;
		}
		memset(&pkg, 0, sizeof(pkg));
		pkg.struct_size = sizeof(pkg);
		pkg.name = f[1];
		pkg.kind = CLARO_PACKAGE_BINARY;
		memset(&v, 0, sizeof(v));
		v.struct_size = sizeof(v);
		v.name = f[0];
		v.package = &pkg;
		v.fixed_in_version = f[2];
		v.severity = f[3];
		v.issued = INT64_MIN;
		v.normalized_severity =
		    strcmp(f[3], "high") == 0 ? CLARO_SEVERITY_HIGH : CLARO_SEVERITY_UNKNOWN;
		st = h->update_emit_vulnerability(ctx, up, &v);
	}
	return st;
}

static enum claro_status parse_scores(struct claro_ctx *ctx, struct claro_update *up, char *text)
{
	const struct claro_host *h = ctx->host;
	enum claro_status st = CLARO_OK;
	char *line;

	while (st == CLARO_OK && (line = next_line(&text)) != NULL) {
		char *space = strchr(line, ' '), *json;
		const char *tags[2];
		size_t n;

		if (!space)
			continue;
		*space = '\0';
		/* The score goes in as a JSON number; the host validates the JSON. */
		n = strlen(space + 1) + sizeof("{\"score\": }");
		if (!(json = h->alloc(n)))
			return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
		snprintf(json, n, "{\"score\": %s}", space + 1);
		tags[0] = line;
		tags[1] = NULL;
		st = h->update_emit_enrichment(ctx, up, tags, json);
		h->free(json);
	}
	return st;
}

static enum claro_status updaters_update(struct claro_ctx *ctx, const char *updater, struct claro_update *up)
{
	const struct claro_host *h = ctx->host;
	int scores = strcmp(updater, "beta/scores") == 0, full = strcmp(updater, "beta/full") == 0;
	struct claro_http_response *resp;
	enum claro_status st;
	char *text;

	if (!scores && !full && strcmp(updater, "beta/feed") != 0) {
		h->error(ctx, CLARO_ERR_NOT_FOUND, "no updater \"%s\" in set beta", updater);
		h->error_detail(ctx, "This set offers beta/feed and beta/scores.");
		h->error_hint(ctx, "Run one of the updaters list() names.");
		return CLARO_ERR_NOT_FOUND;
	}
	if ((st = fetch(ctx, up, scores ? "/scores" : full ? "/full" : "/feed", &resp)) != CLARO_OK)
		return st;
	if (resp->status == 304) {
		h->http_response_free(resp);
		return CLARO_ERR_UNCHANGED;
	}
	text = body_text(ctx, resp);
	if (!text || (resp->etag && h->update_set_fingerprint(ctx, up, resp->etag) != CLARO_OK)) {
		h->free(text);
		h->http_response_free(resp);
		return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	}
	h->http_response_free(resp);
	st = scores ? parse_scores(ctx, up, text) : parse_feed(ctx, up, text);
	h->free(text);
	return st;
}

/* ---- enricher ---- */

static int first_json(void *arg, const char *json)
{
	*(const char **)arg = json;
	return 1;
}

static enum claro_status enrich(struct claro_ctx *ctx, const struct claro_vulnerability *const *vulns,
				size_t n_vulns, struct claro_enrichment_out *out)
{
	const struct claro_host *h = ctx->host;
	enum claro_status st = CLARO_OK;

	for (size_t i = 0; st == CLARO_OK && i < n_vulns; i++) {
		const char *json = NULL;

		st = h->enrichment_get(ctx, vulns[i]->name, first_json, &json);
		if (st == CLARO_OK && json)
			st = h->enrichment_add(ctx, out, vulns[i]->id ? vulns[i]->id : vulns[i]->name, json);
	}
	return st;
}

/* ---- the module ---- */

static const struct claro_version_scheme_ops intver_ops = {sizeof(intver_ops), intver_compare,
							   intver_normalize};
static const struct claro_matcher_ops matcher_ops = {sizeof(matcher_ops), 0, match_filter, match_query,
						     match_vulnerable};
static const struct claro_updater_set_ops updater_ops = {sizeof(updater_ops), updaters_list, updaters_update};
static const struct claro_enricher_ops enricher_ops = {
    sizeof(enricher_ops), "message/vnd.claro.test; enricher=beta", "beta/scores", enrich};

static const struct claro_component beta_intver = {
    sizeof(struct claro_component), CLARO_KIND_VERSION_SCHEME, 0, "intver", "1", &intver_ops};
static const struct claro_component beta_matcher = {
    sizeof(struct claro_component), CLARO_KIND_MATCHER, 0, "beta", "1", &matcher_ops};
static const struct claro_component beta_updaters = {
    sizeof(struct claro_component), CLARO_KIND_UPDATER_SET, 0, "beta", "1", &updater_ops};
static const struct claro_component beta_enricher = {
    sizeof(struct claro_component), CLARO_KIND_ENRICHER, 0, "beta", "1", &enricher_ops};

CLARO_PLUGIN_DEFINE(beta, "0.3.0", "Apache-2.0", "test plugin: version scheme, matcher, updaters, enricher",
		    beta_config, NULL, NULL, &beta_intver, &beta_matcher, &beta_updaters, &beta_enricher)
