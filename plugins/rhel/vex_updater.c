/* The rhel-vex updater set (reference §5.1 delta mode, §5.2): one delta
 * updater, "rhel-vex", over Red Hat's CSAF VEX feed at vex_url
 * (https://security.access.redhat.com/data/csaf/v2/vex/ by default),
 * fetched through host->http_fetch (proxy, airgap and mirror policy).
 *
 * The fingerprint is Clair's: "<changes.csv ETag>\<deletions.csv ETag>\
 * <request time, RFC 3339>\6". A run is a full load when there is no
 * fingerprint, it has no changes ETag, or its version is not 6:
 *
 *   1. archive_latest.txt names the archive; the archive's Last-Modified is
 *      the time the changes are read from;
 *   2. changes.csv (conditional on the fingerprint's ETag): documents
 *      changed at or after that time (years before 2015 skipped) are
 *      fetched one by one and replace their copy in the archive;
 *   3. deletions.csv (conditional likewise): documents deleted at or after
 *      that time become deletes (the CVE id from "<year>/cve-….json");
 *   4. the archive's documents (years from 2015), except the changed and
 *      deleted ones, then the changed ones, are converted (vex.c) and
 *      emitted; then the deletes.
 *
 * Otherwise it is a delta from the fingerprint's request time: only steps
 * 2 and 3; when neither list changed (304, or the same ETag) the run is
 * CLARO_ERR_UNCHANGED. The store carries the previous snapshot forward
 * except the names this run emits or deletes (CLARO_UPDATER_DELTA).
 *
 * Any failure (HTTP, a damaged archive, a malformed document or list, a
 * limit) is a three-part error, and the host stores nothing of the run.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r, strdup */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "labels.h"
#include "rhel.h"
#include "strmap.h"
#include "vex.h"
#include "vexfeed.h"

#define UPDATER      "rhel-vex"
#define FP_VERSION   "6"
#define MIN_YEAR     2015
#define DEFAULT_URL  "https://security.access.redhat.com/data/csaf/v2/vex/"
#define LATEST_FILE  "archive_latest.txt"
#define CHANGES_FILE "changes.csv"
#define DELETES_FILE "deletions.csv"

/* ---- configuration ---- */

#define KEY(var, n, t, d, doc) \
	const struct claro_cfg_key var = {sizeof(struct claro_cfg_key), n, t, d, 0, doc};
KEY(rhel_cfg_vex_url, "vex_url", CLARO_CFG_STRING, DEFAULT_URL,
    "base URL of Red Hat's CSAF VEX feed (archive_latest.txt, changes.csv, deletions.csv, <year>/<cve>.json)")
KEY(rhel_cfg_vex_timeout, "vex_timeout", CLARO_CFG_DURATION, "15m",
    "time limit of one download of the VEX feed")
KEY(rhel_cfg_vex_max_archive_bytes, "vex_max_archive_bytes", CLARO_CFG_INT, "2147483648",
    "largest compressed VEX archive accepted, in bytes")
KEY(rhel_cfg_vex_max_document_bytes, "vex_max_document_bytes", CLARO_CFG_INT, "67108864",
    "largest VEX document accepted, in bytes")
KEY(rhel_cfg_vex_max_total_bytes, "vex_max_total_bytes", CLARO_CFG_INT, "68719476736",
    "most bytes the VEX archive may decompress to")
KEY(rhel_cfg_vex_max_documents, "vex_max_documents", CLARO_CFG_INT, "1000000",
    "most documents accepted in the VEX archive")
KEY(rhel_cfg_ignore_unpatched, "ignore_unpatched", CLARO_CFG_BOOL, "false",
    "rhel matcher: report only advisories with a fixed version (Clair's ignore_unpatched)")
#undef KEY

static enum claro_status config_error(struct claro_ctx *ctx, const char *key, const char *detail,
				      const char *hint)
{
	ctx->host->error(ctx, CLARO_ERR_CONFIG, "invalid [plugin.rhel] %s", key);
	ctx->host->error_detail(ctx, "%s", detail);
	ctx->host->error_hint(ctx, "%s", hint);
	return CLARO_ERR_CONFIG;
}

static enum claro_status read_limit(struct claro_ctx *ctx, const char *key, uint64_t *out)
{
	int64_t v;
	enum claro_status st = ctx->host->cfg_int(ctx, key, &v);

	if (st != CLARO_OK)
		return st;
	if (v <= 0)
		return config_error(ctx, key, "The limit must be a positive number.",
				    "Set a value above 0, or remove the key for the default.");
	*out = (uint64_t)v;
	return CLARO_OK;
}

void rhel_vex_settings_free(struct rhel_vex_settings *s)
{
	free(s->base);
	memset(s, 0, sizeof(*s));
}

enum claro_status rhel_vex_settings_read(struct claro_ctx *ctx, struct rhel_vex_settings *out)
{
	const char *url;
	size_t n;
	enum claro_status st;

	memset(out, 0, sizeof(*out));
	if ((st = ctx->host->cfg_string(ctx, "vex_url", &url)) != CLARO_OK ||
	    (st = ctx->host->cfg_duration(ctx, "vex_timeout", &out->timeout)) != CLARO_OK ||
	    (st = read_limit(ctx, "vex_max_archive_bytes", &out->max_archive_bytes)) != CLARO_OK ||
	    (st = read_limit(ctx, "vex_max_document_bytes", &out->max_document_bytes)) != CLARO_OK ||
	    (st = read_limit(ctx, "vex_max_total_bytes", &out->max_total_bytes)) != CLARO_OK ||
	    (st = read_limit(ctx, "vex_max_documents", &out->max_documents)) != CLARO_OK)
		return st;
	if (out->timeout <= 0 || out->timeout > UINT32_MAX)
		return config_error(ctx, "vex_timeout", "The timeout is out of range.",
				    "Use a duration such as 15m.");
	if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
		return config_error(ctx, "vex_url", "The URL must start with http:// or https://.",
				    "Use Red Hat's feed (" DEFAULT_URL ") or a mirror with the same layout.");
	n = strlen(url);
	if (!(out->base = malloc(n + 2)))
		return ctx->host->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	memcpy(out->base, url, n + 1);
	if (url[n - 1] != '/')
		memcpy(out->base + n, "/", 2);
	return CLARO_OK;
}

/* ---- small helpers ---- */

/* A set of owned strings. */
struct strset {
	struct strmap m;
	char **own;
	size_t n, cap;
};

/* 1 added, 0 present already, -1 out of memory. */
static int strset_add(struct strset *s, const char *v)
{
	char *copy;

	if (strmap_get(&s->m, v))
		return 0;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 32;
		char **no = realloc(s->own, ncap * sizeof(*no));

		if (!no)
			return -1;
		s->own = no;
		s->cap = ncap;
	}
	if (!(copy = strdup(v)))
		return -1;
	if (strmap_put_first(&s->m, copy, copy) != 0) {
		free(copy);
		return -1;
	}
	s->own[s->n++] = copy;
	return 1;
}

static int strset_has(const struct strset *s, const char *v)
{
	return strmap_get(&s->m, v) != NULL;
}

static void strset_free(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->own[i]);
	free(s->own);
	strmap_free(&s->m);
	memset(s, 0, sizeof(*s));
}

/* Go's http.TimeFormat ("Mon, 02 Jan 2006 15:04:05 GMT"): 0 and *out, or -1. */
static int parse_http_date(const char *s, int64_t *out)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int day, year, hh, mm, ss, mon = -1;
	char mname[4], wday[4], zone[4];
	char rfc[40];

	if (strlen(s) != 29 ||
	    sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d %3s", wday, &day, mname, &year, &hh, &mm, &ss, zone) != 8)
		return -1;
	for (int i = 0; i < 12; i++)
		if (strncmp(months + 3 * i, mname, 3) == 0)
			mon = i + 1;
	if (mon < 0 || strcmp(zone, "GMT") != 0)
		return -1;
	snprintf(rfc, sizeof(rfc), "%04d-%02d-%02dT%02d:%02d:%02dZ", year, mon, day, hh, mm, ss);
	{
		int zero = 0;

		return rhcc_parse_time(rfc, out, &zero);
	}
}

static void format_rfc3339(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "1970-01-01T00:00:00Z");
}

/* A relative feed path safe to append to the base URL: [A-Za-z0-9._/-],
 * no "..", not absolute, not empty. */
static int safe_path(const char *p, int allow_slash)
{
	if (!*p || *p == '/' || *p == '.' || strlen(p) > 255 || strstr(p, ".."))
		return 0;
	for (; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || (allow_slash && c == '/')))
			return 0;
	}
	return 1;
}

/* claircore's cvePathRegex: "<4 digits>/cve-<4 digits>-<4+ digits>.json"
 * gives "CVE-…" (malloc'd); NULL when the path is not such a name. */
static char *cve_of_path(const char *path)
{
	const char *p = path, *id;
	char *out;
	size_t n;
	int digits;

	for (int i = 0; i < 4; i++, p++)
		if (*p < '0' || *p > '9')
			return NULL;
	if (strncmp(p, "/cve-", 5) != 0)
		return NULL;
	id = p + 1;
	p += 5;
	for (int i = 0; i < 4; i++, p++)
		if (*p < '0' || *p > '9')
			return NULL;
	if (*p++ != '-')
		return NULL;
	for (digits = 0; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (digits < 4 || strcmp(p, ".json") != 0)
		return NULL;
	n = (size_t)(p - id);
	if (!(out = malloc(n + 1)))
		return NULL;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(id[i] >= 'a' && id[i] <= 'z' ? id[i] - 'a' + 'A' : id[i]);
	out[n] = '\0';
	return out;
}

/* ---- one run ---- */

struct fingerprint {
	char *changes_etag, *deletions_etag;
	int64_t request_time;
	char version[32];
	int valid;
};

static void fingerprint_free(struct fingerprint *f)
{
	free(f->changes_etag);
	free(f->deletions_etag);
	memset(f, 0, sizeof(*f));
}

/* Clair's parseFingerprint: four fields split on '\'. */
static int fingerprint_parse(const char *s, struct fingerprint *f)
{
	const char *p[4], *e[4], *q = s;
	char tbuf[64];
	int zero = 0;

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < 4; i++) {
		const char *bs = strchr(q, '\\');

		p[i] = q;
		e[i] = bs ? bs : q + strlen(q);
		if (i < 3 && !bs)
			return -1;
		q = bs ? bs + 1 : e[i];
	}
	if (strchr(p[3], '\\') || (size_t)(e[2] - p[2]) >= sizeof(tbuf) ||
	    (size_t)(e[3] - p[3]) >= sizeof(f->version))
		return -1;
	memcpy(tbuf, p[2], (size_t)(e[2] - p[2]));
	tbuf[e[2] - p[2]] = '\0';
	if (rhcc_parse_time(tbuf, &f->request_time, &zero) != 0)
		return -1;
	memcpy(f->version, p[3], (size_t)(e[3] - p[3]));
	f->version[e[3] - p[3]] = '\0';
	if (!(f->changes_etag = malloc((size_t)(e[0] - p[0]) + 1)) ||
	    !(f->deletions_etag = malloc((size_t)(e[1] - p[1]) + 1))) {
		fingerprint_free(f);
		return -1;
	}
	memcpy(f->changes_etag, p[0], (size_t)(e[0] - p[0]));
	f->changes_etag[e[0] - p[0]] = '\0';
	memcpy(f->deletions_etag, p[1], (size_t)(e[1] - p[1]));
	f->deletions_etag[e[1] - p[1]] = '\0';
	f->valid = 1;
	return 0;
}

struct run {
	struct claro_ctx *ctx;
	struct claro_update *up;
	const struct rhel_vex_settings *s;
	int64_t since;         /* changes at or after this time count */
	struct strset changed; /* paths, in the order they were listed */
	struct strset deleted; /* CVE names */
	struct vex_stats stats;
	const char *list_source; /* the list being read, for errors */
	int year_filter;         /* changes.csv: skip years before MIN_YEAR */
	struct strset *into;     /* changed or deleted */
	size_t skipped_bad_name;
};

static enum claro_status report(struct claro_ctx *ctx, const struct vex_error *e)
{
	if (e->from_sink)
		return e->status; /* the host's own error is set */
	ctx->host->error(ctx, e->status, "%s", e->what);
	ctx->host->error_detail(ctx, "%s", e->detail);
	ctx->host->error_hint(ctx, "%s", e->hint);
	return e->status;
}

static enum claro_status sink_emit(void *arg, const struct claro_vulnerability *v)
{
	struct run *r = arg;

	return r->ctx->host->update_emit_vulnerability(r->ctx, r->up, v);
}

static enum claro_status sink_deleted(void *arg, const char *name)
{
	struct run *r = arg;

	return r->ctx->host->update_delete(r->ctx, r->up, name);
}

static enum claro_status fetch(struct run *r, const char *url, const char *if_none_match, uint64_t max,
			       struct claro_http_response **out)
{
	struct claro_http_request req;

	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.url = url;
	req.if_none_match = if_none_match && *if_none_match ? if_none_match : NULL;
	req.max_body = max;
	req.timeout_seconds = (uint32_t)r->s->timeout;
	return r->ctx->host->http_fetch(r->ctx, &req, out);
}

static enum claro_status unexpected_status(struct run *r, const struct claro_http_response *resp,
					   const char *url)
{
	const struct claro_host *h = r->ctx->host;

	h->error(r->ctx, CLARO_ERR_NETWORK, "unexpected HTTP status %ld from %s", resp->status, url);
	h->error_detail(r->ctx, "Red Hat's VEX feed answers 200 (or 304 to a conditional request).");
	h->error_hint(r->ctx,
		      "Check [plugin.rhel] vex_url and the mirror serving it; the previous snapshot is "
		      "kept and the next run retries.");
	return CLARO_ERR_NETWORK;
}

static char *join(const char *base, const char *path)
{
	size_t n = strlen(base) + strlen(path) + 1;
	char *u = malloc(n);

	if (u)
		snprintf(u, n, "%s%s", base, path);
	return u;
}

/* One record of changes.csv or deletions.csv. */
static enum claro_status list_entry(void *arg, size_t line, const char *path, const char *when,
				    struct vex_error *err)
{
	struct run *r = arg;
	int64_t t;
	long year;
	int zero = 0, added;
	char *name = NULL;

	if (r->year_filter) {
		if (vex_path_year(path, &year) != 0)
			return vex_error_set(err, CLARO_ERR_INVALID, "malformed VEX change list",
					     "The previous snapshot is kept; check the feed or its mirror.",
					     "%.200s, line %zu: \"%.200s\" is not in a year directory.",
					     r->list_source, line, path);
		if (year < MIN_YEAR)
			return CLARO_OK;
	}
	if (rhcc_parse_time(when, &t, &zero) != 0)
		return vex_error_set(err, CLARO_ERR_INVALID, "malformed VEX change list",
				     "The previous snapshot is kept; check the feed or its mirror.",
				     "%.200s, line %zu: \"%.100s\" is not an RFC 3339 time.", r->list_source,
				     line, when);
	if (t < r->since)
		return CLARO_OK;
	if (r->into == &r->changed) {
		if (!safe_path(path, 1))
			return vex_error_set(
			    err, CLARO_ERR_INVALID, "malformed VEX change list",
			    "The previous snapshot is kept; check the feed or its mirror.",
			    "%.200s, line %zu: \"%.200s\" is not a relative path of the feed.",
			    r->list_source, line, path);
		added = strset_add(&r->changed, path);
	} else {
		if (!(name = cve_of_path(path))) {
			/* Clair logs and writes an empty line, which then fails
			 * its whole update; a warning is enough. */
			r->skipped_bad_name++;
			return CLARO_OK;
		}
		added = strset_add(&r->deleted, name);
		free(name);
	}
	if (added < 0)
		return vex_error_set(err, CLARO_ERR_NOMEM, "out of memory", "Give the process more memory.",
				     "%.200s could not be read.", r->list_source);
	return CLARO_OK;
}

/* Read changes.csv or deletions.csv into r->changed or r->deleted.
 * *modified is 0 when the server says it has not changed; *etag becomes
 * the validator to store (malloc'd). */
static enum claro_status read_list(struct run *r, const char *file, const char *prev_etag,
				   struct strset *into, int year_filter, int *modified, char **etag)
{
	struct claro_http_response *resp = NULL;
	struct vex_error err;
	char *url = join(r->s->base, file);
	enum claro_status st;

	*modified = 0;
	*etag = NULL;
	if (!url)
		return r->ctx->host->error(r->ctx, CLARO_ERR_NOMEM, "out of memory");
	if ((st = fetch(r, url, prev_etag, r->s->max_document_bytes, &resp)) != CLARO_OK)
		goto out;
	if (resp->status == 304 || (resp->status == 200 && prev_etag && *prev_etag && resp->etag &&
				    strcmp(prev_etag, resp->etag) == 0)) {
		*etag = strdup(prev_etag ? prev_etag : "");
		goto out;
	}
	if (resp->status != 200) {
		st = unexpected_status(r, resp, url);
		goto out;
	}
	*modified = 1;
	*etag = strdup(resp->etag ? resp->etag : "");
	if (!resp->etag || !*resp->etag)
		r->ctx->host->log(r->ctx, CLARO_LOG_WARNING, "%s has no ETag: the next run reads it again%s",
				  url, into == &r->changed ? " and loads the whole archive" : "");
	r->list_source = url;
	r->year_filter = year_filter;
	r->into = into;
	memset(&err, 0, sizeof(err));
	if ((st = vex_csv_each((const char *)resp->body, resp->body_len, url, list_entry, r, &err)) !=
	    CLARO_OK)
		st = report(r->ctx, &err);
out:
	if (st == CLARO_OK && !*etag)
		st = r->ctx->host->error(r->ctx, CLARO_ERR_NOMEM, "out of memory");
	if (resp)
		r->ctx->host->http_response_free(resp);
	free(url);
	return st;
}

static const struct vex_sink *run_sink(struct run *r, struct vex_sink *s)
{
	s->emit = sink_emit;
	s->deleted = sink_deleted;
	s->arg = r;
	return s;
}

/* Whether a document of the feed is replaced or deleted by this run's lists. */
static int superseded(struct run *r, const char *path)
{
	char *name;
	int gone;

	if (strset_has(&r->changed, path))
		return 1;
	if (!(name = cve_of_path(path)))
		return 0;
	gone = strset_has(&r->deleted, name);
	free(name);
	return gone;
}

static enum claro_status archive_doc(void *arg, const char *path, const char *data, size_t len,
				     struct vex_error *err)
{
	struct run *r = arg;
	struct vex_sink sink;

	if (superseded(r, path))
		return CLARO_OK;
	return vex_convert(data, len, path, run_sink(r, &sink), &r->stats, err);
}

/* Steps 1 and 4a: the archive. */
static enum claro_status load_archive(struct run *r, struct claro_http_response *archive, const char *url)
{
	struct vex_limits lim = {r->s->max_documents, r->s->max_document_bytes, r->s->max_total_bytes};
	struct vex_archive_stats as;
	struct vex_error err;
	enum claro_status st;

	memset(&err, 0, sizeof(err));
	if ((st = vex_archive_walk(archive->body, archive->body_len, url, &lim, MIN_YEAR, archive_doc, r, &as,
				   &err)) != CLARO_OK)
		return report(r->ctx, &err);
	r->ctx->host->log(
	    r->ctx, CLARO_LOG_INFO,
	    "%s: %llu entries, %llu documents read, %llu of years before %d skipped, %llu bytes", url,
	    (unsigned long long)as.entries, (unsigned long long)as.documents, (unsigned long long)as.old,
	    MIN_YEAR, (unsigned long long)as.bytes);
	if (as.documents == 0)
		r->ctx->host->log(r->ctx, CLARO_LOG_WARNING, "%s holds no VEX document", url);
	return CLARO_OK;
}

/* Step 1: archive_latest.txt, then the archive it names. */
static enum claro_status fetch_archive(struct run *r, struct claro_http_response **archive,
				       char **archive_url)
{
	const struct claro_host *h = r->ctx->host;
	struct claro_http_response *latest = NULL;
	char *url = join(r->s->base, LATEST_FILE), *name = NULL;
	enum claro_status st;
	size_t b = 0, e;

	*archive = NULL;
	*archive_url = NULL;
	if (!url)
		return h->error(r->ctx, CLARO_ERR_NOMEM, "out of memory");
	if ((st = fetch(r, url, NULL, 4096, &latest)) != CLARO_OK)
		goto out;
	if (latest->status != 200) {
		st = unexpected_status(r, latest, url);
		goto out;
	}
	e = latest->body_len;
	while (b < e && (latest->body[b] == ' ' || latest->body[b] == '\t' || latest->body[b] == '\r' ||
			 latest->body[b] == '\n'))
		b++;
	while (e > b && (latest->body[e - 1] == ' ' || latest->body[e - 1] == '\t' ||
			 latest->body[e - 1] == '\r' || latest->body[e - 1] == '\n'))
		e--;
	if (!(name = malloc(e - b + 1))) {
		st = h->error(r->ctx, CLARO_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(name, latest->body + b, e - b);
	name[e - b] = '\0';
	if (strlen(name) != e - b || !safe_path(name, 0)) {
		st = h->error(r->ctx, CLARO_ERR_INVALID, "%s does not name an archive file", url);
		h->error_detail(r->ctx,
				"It must hold one file name of the feed's directory, such as "
				"csaf_vex_2024-01-01.tar.zst; it holds %zu bytes.",
				e - b);
		h->error_hint(r->ctx, "Check [plugin.rhel] vex_url and the mirror serving it.");
		goto out;
	}
	free(url);
	if (!(url = join(r->s->base, name))) {
		st = h->error(r->ctx, CLARO_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((st = fetch(r, url, NULL, r->s->max_archive_bytes, archive)) != CLARO_OK)
		goto out;
	if ((*archive)->status != 200) {
		st = unexpected_status(r, *archive, url);
		goto out;
	}
	if (!(*archive)->last_modified || parse_http_date((*archive)->last_modified, &r->since) != 0) {
		st = h->error(r->ctx, CLARO_ERR_NETWORK, "%s has no usable Last-Modified", url);
		h->error_detail(r->ctx,
				"Last-Modified: %s. The archive's time says which later changes apply.",
				(*archive)->last_modified ? (*archive)->last_modified : "(none)");
		h->error_hint(r->ctx,
			      "Serve the archive with its Last-Modified header (a mirror must keep it).");
		goto out;
	}
	*archive_url = url;
	url = NULL;
out:
	if (st != CLARO_OK && *archive) {
		h->http_response_free(*archive);
		*archive = NULL;
	}
	if (latest)
		h->http_response_free(latest);
	free(name);
	free(url);
	return st;
}

/* Step 4b: the changed documents, one fetch each. */
static enum claro_status load_changes(struct run *r)
{
	const struct claro_host *h = r->ctx->host;
	enum claro_status st = CLARO_OK;

	for (size_t i = 0; i < r->changed.n && st == CLARO_OK; i++) {
		const char *path = r->changed.own[i];
		struct claro_http_response *resp = NULL;
		struct vex_error err;
		struct vex_sink sink;
		char *url, *name = cve_of_path(path);
		int gone = name && strset_has(&r->deleted, name);

		free(name);
		if (gone)
			continue;
		if (!(url = join(r->s->base, path)))
			return h->error(r->ctx, CLARO_ERR_NOMEM, "out of memory");
		st = fetch(r, url, NULL, r->s->max_document_bytes, &resp);
		if (st == CLARO_OK && resp->status != 200)
			st = unexpected_status(r, resp, url);
		if (st == CLARO_OK) {
			memset(&err, 0, sizeof(err));
			if ((st = vex_convert((const char *)resp->body, resp->body_len, url,
					      run_sink(r, &sink), &r->stats, &err)) != CLARO_OK)
				st = report(r->ctx, &err);
		}
		if (resp)
			h->http_response_free(resp);
		free(url);
	}
	return st;
}

static void log_summary(struct run *r, int full)
{
	const struct vex_stats *s = &r->stats;

	r->ctx->host->log(
	    r->ctx, CLARO_LOG_INFO,
	    "%s run: %zu documents (%zu deleted, %zu without records), %zu changed and %zu deleted since the "
	    "last time; %zu records from %zu fixed and %zu known-affected products; %zu known-not-affected "
	    "products not stored; skipped: %zu without a repository relationship, %zu incomplete, %zu "
	    "kernel, "
	    "%zu other purl types, %zu source arch, %zu zero scores, %zu bad purls, %zu bad CPEs, %zu bad "
	    "modules, %zu bad scores, %zu bad tags, %zu deletion paths without a CVE name",
	    full ? "full" : "delta", s->documents, s->deleted_documents, s->empty_documents, r->changed.n,
	    r->deleted.n, s->records, s->fixed, s->affected, s->not_affected, s->unrelated, s->incomplete,
	    s->kernel, s->other_type, s->source_arch, s->zero_score, s->bad_purl, s->bad_cpe, s->bad_module,
	    s->bad_score, s->bad_tag, r->skipped_bad_name);
}

static enum claro_status vex_update(struct claro_ctx *ctx, const char *updater, struct claro_update *up)
{
	const struct claro_host *h = ctx->host;
	const struct rhel_plugin *pd = ctx->plugin_data;
	struct fingerprint fp;
	struct run r;
	struct claro_http_response *archive = NULL;
	char *archive_url = NULL, *changes_etag = NULL, *deletions_etag = NULL, *fpstr = NULL;
	const char *prev = h->update_prev_fingerprint(ctx, up);
	int full, changes_mod = 0, deletions_mod = 0;
	int64_t started = (int64_t)time(NULL);
	enum claro_status st;

	if (strcmp(updater, UPDATER) != 0) {
		h->error(ctx, CLARO_ERR_NOT_FOUND, "no updater \"%s\" in set rhel-vex", updater);
		h->error_detail(ctx, "The set has one updater, " UPDATER ".");
		h->error_hint(ctx, "Run the updater list() names.");
		return CLARO_ERR_NOT_FOUND;
	}
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.up = up;
	r.s = &pd->vex;
	memset(&fp, 0, sizeof(fp));
	if (prev && *prev && fingerprint_parse(prev, &fp) != 0) {
		h->log(ctx, CLARO_LOG_WARNING,
		       "the previous fingerprint \"%.80s\" is not rhel-vex's: loading the "
		       "whole archive",
		       prev);
		fingerprint_free(&fp);
	}
	full = !fp.valid || !*fp.changes_etag || strcmp(fp.version, FP_VERSION) != 0;
	if (full) {
		if ((st = fetch_archive(&r, &archive, &archive_url)) != CLARO_OK)
			goto out;
	} else {
		r.since = fp.request_time;
	}
	if ((st = read_list(&r, CHANGES_FILE, fp.changes_etag, &r.changed, 1, &changes_mod, &changes_etag)) !=
		CLARO_OK ||
	    (st = read_list(&r, DELETES_FILE, fp.deletions_etag, &r.deleted, 0, &deletions_mod,
			    &deletions_etag)) != CLARO_OK)
		goto out;
	if (!full && !changes_mod && !deletions_mod) {
		st = h->error(ctx, CLARO_ERR_UNCHANGED,
			      "Red Hat's VEX feed has not changed since the last run");
		h->error_detail(ctx, "changes.csv and deletions.csv answered with the fingerprint's ETags.");
		h->error_hint(ctx, "Nothing to do: the previous snapshot stays current.");
		goto out;
	}
	if (full && (st = load_archive(&r, archive, archive_url)) != CLARO_OK)
		goto out;
	if ((st = load_changes(&r)) != CLARO_OK)
		goto out;
	for (size_t i = 0; i < r.deleted.n && st == CLARO_OK; i++)
		st = h->update_delete(ctx, up, r.deleted.own[i]);
	if (st != CLARO_OK)
		goto out;
	{
		char when[40];
		size_t n;

		format_rfc3339(started, when, sizeof(when));
		n = strlen(changes_etag) + strlen(deletions_etag) + strlen(when) + sizeof(FP_VERSION) + 4;
		if (!(fpstr = malloc(n))) {
			st = h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
			goto out;
		}
		snprintf(fpstr, n, "%s\\%s\\%s\\%s", changes_etag, deletions_etag, when, FP_VERSION);
		st = h->update_set_fingerprint(ctx, up, fpstr);
	}
	if (st == CLARO_OK)
		log_summary(&r, full);
out:
	if (archive)
		h->http_response_free(archive);
	free(archive_url);
	free(changes_etag);
	free(deletions_etag);
	free(fpstr);
	fingerprint_free(&fp);
	strset_free(&r.changed);
	strset_free(&r.deleted);
	return st;
}

static enum claro_status vex_list(struct claro_ctx *ctx, struct claro_updater_list *out)
{
	return ctx->host->updater_add(ctx, out, UPDATER, CLARO_UPDATER_DELTA);
}

static const struct claro_updater_set_ops vex_ops = {
    sizeof(struct claro_updater_set_ops),
    vex_list,
    vex_update,
};

const struct claro_component rhel_vex_updater_set = {
    sizeof(struct claro_component), CLARO_KIND_UPDATER_SET, 0, "rhel-vex", "1", &vex_ops,
};
