/* The repository-to-CPE mapping; see repo2cpe.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include "repo2cpe.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct repo2cpe {
	pthread_mutex_t lock;
	json_t *data;        /* current "data" object, or NULL; guarded by lock */
	char *url;           /* NULL: never fetch */
	char *last_modified; /* of the last 200, for If-Modified-Since */
	int64_t timeout, refresh, retry;
	int fetching;  /* a worker is fetching now */
	int attempted; /* a fetch was tried at least once */
	int last_ok;   /* the last fetch succeeded (or said 304) */
	int64_t last_attempt;
};

static int64_t now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

enum claro_status repo2cpe_parse(const char *bytes, size_t len, json_t **data, char *reason, size_t size)
{
	json_error_t jerr;
	json_t *root = json_loadb(bytes, len, 0, &jerr), *d;

	*data = NULL;
	if (!root) {
		snprintf(reason, size, "not JSON (line %d: %s)", jerr.line, jerr.text);
		return CLARO_ERR_INVALID;
	}
	d = json_object_get(root, "data");
	if (!json_is_object(root) || !json_is_object(d)) {
		json_decref(root);
		snprintf(reason, size, "no \"data\" object at the top");
		return CLARO_ERR_INVALID;
	}
	*data = json_incref(d);
	json_decref(root);
	return CLARO_OK;
}

static enum claro_status load_file(struct claro_ctx *ctx, const char *path, json_t **data)
{
	const struct claro_host *h = ctx->host;
	FILE *fp = fopen(path, "rb");
	char *buf = NULL, reason[256];
	size_t len = 0, cap = 0;
	enum claro_status st;
	int saved;

	if (!fp) {
		saved = errno;
		h->error(ctx, CLARO_ERR_CONFIG, "could not open the repository-to-CPE mapping file %s", path);
		h->error_detail(ctx, "%s.", strerror(saved));
		h->error_hint(ctx,
			      "Set repo2cpe_mapping_file to a copy of Red Hat's repository-to-cpe.json "
			      "(%s), or remove the key to fetch it.",
			      REPO2CPE_DEFAULT_URL);
		return CLARO_ERR_CONFIG;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			char *grown;

			cap = cap ? cap * 2 : 1 << 16;
			if (cap > REPO2CPE_MAX_BYTES + 1 || !(grown = realloc(buf, cap))) {
				free(buf);
				fclose(fp);
				if (cap > REPO2CPE_MAX_BYTES + 1) {
					h->error(ctx, CLARO_ERR_CONFIG,
						 "the repository-to-CPE mapping file %s is too large", path);
					h->error_detail(ctx, "It is larger than %zu MiB.",
							REPO2CPE_MAX_BYTES >> 20);
					h->error_hint(ctx, "Point repo2cpe_mapping_file at Red Hat's "
							   "repository-to-cpe.json (a few MiB).");
					return CLARO_ERR_CONFIG;
				}
				return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
			}
			buf = grown;
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	saved = ferror(fp) ? errno : 0;
	fclose(fp);
	if (saved) {
		free(buf);
		h->error(ctx, CLARO_ERR_CONFIG, "could not read the repository-to-CPE mapping file %s", path);
		h->error_detail(ctx, "%s.", strerror(saved));
		h->error_hint(ctx, "Check the file named by repo2cpe_mapping_file.");
		return CLARO_ERR_CONFIG;
	}
	st = repo2cpe_parse(buf ? buf : "", len, data, reason, sizeof(reason));
	free(buf);
	if (st != CLARO_OK) {
		h->error(ctx, CLARO_ERR_CONFIG, "the repository-to-CPE mapping file %s is not one", path);
		h->error_detail(ctx, "It is %s.", reason);
		h->error_hint(ctx, "It must be Red Hat's repository-to-cpe.json: {\"data\": {\"<repoid>\": "
				   "{\"cpes\": [...]}}}.");
		return CLARO_ERR_CONFIG;
	}
	return CLARO_OK;
}

static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	if ((d = malloc(strlen(s) + 1)))
		memcpy(d, s, strlen(s) + 1);
	return d;
}

enum claro_status repo2cpe_new(struct claro_ctx *ctx, const struct repo2cpe_config *cfg,
			       struct repo2cpe **out)
{
	struct repo2cpe *m = calloc(1, sizeof(*m));
	const char *url = cfg->url && *cfg->url ? cfg->url : NULL;
	const char *file = cfg->file && *cfg->file ? cfg->file : NULL;
	enum claro_status st = CLARO_OK;

	*out = NULL;
	if (!m)
		return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	if (!url && !file)
		url = REPO2CPE_DEFAULT_URL;
	m->timeout = cfg->timeout_seconds;
	m->refresh = cfg->refresh_seconds;
	m->retry = cfg->retry_seconds;
	if (pthread_mutex_init(&m->lock, NULL) != 0) {
		free(m);
		return ctx->host->error(ctx, CLARO_ERR_NOMEM, "could not create a mutex");
	}
	if (url && !(m->url = dup_or_null(url)))
		st = ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	if (st == CLARO_OK && file)
		st = load_file(ctx, file, &m->data);
	if (st != CLARO_OK) {
		repo2cpe_free(m);
		return st;
	}
	if (file)
		ctx->host->log(
		    ctx, CLARO_LOG_INFO, "repository-to-CPE mapping: %zu repository ids from %s%s%s",
		    json_object_size(m->data), file, m->url ? ", refreshed from " : "", m->url ? m->url : "");
	*out = m;
	return CLARO_OK;
}

void repo2cpe_free(struct repo2cpe *m)
{
	if (!m)
		return;
	json_decref(m->data);
	free(m->url);
	free(m->last_modified);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static const char *status_words(enum claro_status st)
{
	switch (st) {
	case CLARO_ERR_DENIED: return "refused by the network policy (airgap?)";
	case CLARO_ERR_TIMEOUT: return "timed out";
	case CLARO_ERR_TOO_LARGE: return "the answer is too large";
	case CLARO_ERR_NOMEM: return "out of memory";
	default: return "the request failed (no network? HTTP error?)";
	}
}

/* Fetch outside the lock; *fresh is the new data, or NULL to keep the old. */
static int fetch(struct repo2cpe *m, struct claro_ctx *ctx, const char *since, json_t **fresh,
		 char **modified)
{
	const struct claro_host *h = ctx->host;
	struct claro_http_request req;
	struct claro_http_response *resp = NULL;
	char reason[256];
	enum claro_status st;

	*fresh = NULL;
	*modified = NULL;
	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.url = m->url;
	req.if_modified_since = since;
	req.max_body = REPO2CPE_MAX_BYTES;
	req.timeout_seconds = m->timeout > 0 && m->timeout < UINT32_MAX ? (uint32_t)m->timeout : 0;
	st = h->http_fetch(ctx, &req, &resp);
	if (st != CLARO_OK) {
		h->log(ctx, CLARO_LOG_WARNING,
		       "could not fetch the repository-to-CPE mapping from %s: %s; %s; set "
		       "repo2cpe_mapping_file to a "
		       "local copy for air-gapped use",
		       m->url, status_words(st),
		       m->data ? "the copy at hand stays in use"
			       : "RHEL layers get no product (CPE) repositories");
		return 0;
	}
	if (resp->status == 304) {
		h->http_response_free(resp);
		return 1;
	}
	st = repo2cpe_parse((const char *)resp->body, resp->body_len, fresh, reason, sizeof(reason));
	if (st != CLARO_OK) {
		h->log(ctx, CLARO_LOG_WARNING, "the repository-to-CPE mapping at %s is %s; %s", m->url,
		       reason,
		       m->data ? "the copy at hand stays in use"
			       : "RHEL layers get no product (CPE) repositories");
		h->http_response_free(resp);
		return 0;
	}
	*modified = dup_or_null(resp->last_modified);
	h->log(ctx, CLARO_LOG_INFO, "repository-to-CPE mapping: %zu repository ids from %s",
	       json_object_size(*fresh), m->url);
	h->http_response_free(resp);
	return 1;
}

json_t *repo2cpe_acquire(struct repo2cpe *m, struct claro_ctx *ctx)
{
	json_t *snap, *fresh = NULL;
	char *since = NULL, *modified = NULL;
	int due, ok, busy;
	int64_t now = now_seconds();

	pthread_mutex_lock(&m->lock);
	due = m->url && !m->fetching &&
	      (!m->attempted || now - m->last_attempt >= (m->last_ok ? m->refresh : m->retry));
	if (due) {
		m->fetching = 1;
		m->attempted = 1;
		m->last_attempt = now;
		since = dup_or_null(m->last_modified);
	}
	snap = json_incref(m->data);
	busy = m->fetching && !due;
	pthread_mutex_unlock(&m->lock);
	if (!due) {
		if (!snap)
			ctx->host->log(
			    ctx, CLARO_LOG_WARNING,
			    "no repository-to-CPE mapping (%s %s); RHEL layers get no product (CPE) "
			    "repositories",
			    busy ? "another scan is fetching it from" : "the last fetch failed from",
			    m->url ? m->url : "(none)");
		return snap;
	}
	ok = fetch(m, ctx, since, &fresh, &modified);
	free(since);
	pthread_mutex_lock(&m->lock);
	m->fetching = 0;
	m->last_ok = ok;
	if (fresh) {
		json_decref(m->data);
		m->data = fresh;
		free(m->last_modified);
		m->last_modified = modified;
		modified = NULL;
		json_decref(snap);
		snap = json_incref(fresh);
	}
	pthread_mutex_unlock(&m->lock);
	free(modified);
	return snap;
}

json_t *repo2cpe_cpes(json_t *mapping, const char *repoid)
{
	json_t *entry = json_object_get(mapping, repoid), *cpes = json_object_get(entry, "cpes");

	return json_is_array(cpes) ? cpes : NULL;
}
