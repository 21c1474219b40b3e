/* osv: the OSV updater set (reference §5.2): one updater per ecosystem,
 * "osv/<ecosystem>" as Clair names them, each fetching OSV's
 * <url><Ecosystem>/all.zip with a conditional GET and turning its records
 * into vulnerabilities (record.c).
 *
 * An update reads the archive twice: the first pass checks every entry
 * (limits, checksums, JSON, field types) without emitting anything, the
 * second emits. So a truncated, corrupt or hostile archive ends in a
 * three-part error with nothing emitted, never in a partial snapshot.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <claro/plugin.h>

#include "archive.h"
#include "ecosystem.h"
#include "record.h"

#define DEFAULT_URL        "https://osv-vulnerabilities.storage.googleapis.com/"
#define DEFAULT_ECOSYSTEMS "PyPI,Go,npm,Maven,RubyGems,crates.io"
/* A fingerprint without an ETag: "Last-Modified: <date>". An ETag is stored
 * as it is (as Clair stores it), and always starts with '"' or "W/". */
#define LM_PREFIX "Last-Modified: "

#define KEY(n, t, d, doc) \
	static const struct claro_cfg_key key_##n = {sizeof(struct claro_cfg_key), #n, t, d, 0, doc};
KEY(url, CLARO_CFG_STRING, DEFAULT_URL, "base URL of OSV's bucket layout: <url><Ecosystem>/all.zip")
KEY(ecosystems, CLARO_CFG_STRING, DEFAULT_ECOSYSTEMS,
    "comma-separated ecosystems to update, of PyPI, Go, npm, Maven, RubyGems, crates.io")
KEY(ecosystem_ranges, CLARO_CFG_BOOL, "true",
    "also store normalised ranges for ECOSYSTEM ranges (PyPI, Maven, RubyGems) when the scheme normalises")
KEY(max_download_bytes, CLARO_CFG_INT, "536870912", "largest all.zip accepted, in bytes")
KEY(max_entries, CLARO_CFG_INT, "1000000", "most entries accepted in one all.zip")
KEY(max_entry_bytes, CLARO_CFG_INT, "16777216", "largest decompressed record accepted, in bytes")
KEY(max_total_bytes, CLARO_CFG_INT, "4294967296", "most decompressed bytes accepted from one all.zip")
KEY(timeout, CLARO_CFG_DURATION, "15m", "time limit of one download")
#undef KEY

static const struct claro_cfg_key *const osv_config[] = {&key_url,
							 &key_ecosystems,
							 &key_ecosystem_ranges,
							 &key_max_download_bytes,
							 &key_max_entries,
							 &key_max_entry_bytes,
							 &key_max_total_bytes,
							 &key_timeout,
							 NULL};

/* The plugin's settings, read once at init. */
struct osv_settings {
	char *base;      /* url with a trailing '/' */
	int enabled[16]; /* per osv_ecosystems[] */
	int ecosystem_ranges;
	uint64_t max_download;
	struct osv_limits limits;
	int64_t timeout;
};

static enum claro_status config_error(struct claro_ctx *ctx, const char *key, const char *detail,
				      const char *hint)
{
	const struct claro_host *h = ctx->host;

	h->error(ctx, CLARO_ERR_CONFIG, "invalid [plugin.osv] %s", key);
	h->error_detail(ctx, "%s", detail);
	h->error_hint(ctx, "%s", hint);
	return CLARO_ERR_CONFIG;
}

static enum claro_status read_limit(struct claro_ctx *ctx, const char *key, uint64_t *out)
{
	int64_t v;
	enum claro_status st = ctx->host->cfg_int(ctx, key, &v);

	if (st != CLARO_OK)
		return st;
	if (v <= 0)
		return config_error(ctx, key, "The limit must be a positive number of bytes or entries.",
				    "Set a value above 0, or remove the key for the default.");
	*out = (uint64_t)v;
	return CLARO_OK;
}

static enum claro_status parse_ecosystems(struct claro_ctx *ctx, const char *list, struct osv_settings *s)
{
	const char *p = list;
	int any = 0;

	while (*p) {
		size_t n = strcspn(p, ",");
		const char *start = p;
		const struct osv_ecosystem *eco;
		size_t len = n;

		while (len && (*start == ' ' || *start == '\t'))
			start++, len--;
		while (len && (start[len - 1] == ' ' || start[len - 1] == '\t'))
			len--;
		if (len) {
			char shown[64];
			if (!(eco = osv_ecosystem_by_name(start, len))) {
				snprintf(shown, sizeof(shown),
					 "\"%.*s\" is not an ecosystem this plugin updates.",
					 (int)(len > 40 ? 40 : len), start);
				return config_error(
				    ctx, "ecosystems", shown,
				    "Use names from: PyPI, Go, npm, Maven, RubyGems, crates.io.");
			}
			s->enabled[eco - osv_ecosystems] = 1;
			any = 1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	(void)any; /* an empty list is allowed: the set offers no updater */
	return CLARO_OK;
}

static void osv_fini(struct claro_ctx *ctx)
{
	struct osv_settings *s = ctx->plugin_data;

	if (s) {
		ctx->host->free(s->base);
		ctx->host->free(s);
		ctx->plugin_data = NULL;
	}
}

static enum claro_status osv_init(struct claro_ctx *ctx)
{
	const struct claro_host *h = ctx->host;
	struct osv_settings *s;
	const char *url, *list;
	int64_t max_download;
	size_t n;
	enum claro_status st;

	if (osv_n_ecosystems > sizeof(s->enabled) / sizeof(s->enabled[0]))
		return h->error(ctx, CLARO_ERR_INTERNAL, "osv: ecosystem table larger than its flags");
	if (!(s = h->calloc(1, sizeof(*s))))
		return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	ctx->plugin_data = s;
	if ((st = h->cfg_string(ctx, "url", &url)) != CLARO_OK ||
	    (st = h->cfg_string(ctx, "ecosystems", &list)) != CLARO_OK ||
	    (st = h->cfg_bool(ctx, "ecosystem_ranges", &s->ecosystem_ranges)) != CLARO_OK ||
	    (st = h->cfg_int(ctx, "max_download_bytes", &max_download)) != CLARO_OK ||
	    (st = read_limit(ctx, "max_entries", &s->limits.max_entries)) != CLARO_OK ||
	    (st = read_limit(ctx, "max_entry_bytes", &s->limits.max_entry_bytes)) != CLARO_OK ||
	    (st = read_limit(ctx, "max_total_bytes", &s->limits.max_total_bytes)) != CLARO_OK ||
	    (st = h->cfg_duration(ctx, "timeout", &s->timeout)) != CLARO_OK)
		goto fail;
	if (max_download <= 0) {
		st = config_error(ctx, "max_download_bytes", "The limit must be a positive number of bytes.",
				  "Set a value above 0, or remove the key for the default.");
		goto fail;
	}
	s->max_download = (uint64_t)max_download;
	if (s->timeout < 0 || s->timeout > UINT32_MAX) {
		st = config_error(ctx, "timeout", "The timeout is out of range.",
				  "Use a duration such as 15m.");
		goto fail;
	}
	if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0) {
		st = config_error(ctx, "url", "The URL must start with http:// or https://.",
				  "Use OSV's bucket (" DEFAULT_URL ") or a mirror with the same layout.");
		goto fail;
	}
	n = strlen(url);
	if (!(s->base = h->alloc(n + 2))) {
		st = h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
		goto fail;
	}
	memcpy(s->base, url, n + 1);
	if (n == 0 || url[n - 1] != '/')
		memcpy(s->base + n, "/", 2);
	if ((st = parse_ecosystems(ctx, list, s)) != CLARO_OK)
		goto fail;
	return CLARO_OK;
fail:
	osv_fini(ctx);
	return st;
}

static enum claro_status osv_list(struct claro_ctx *ctx, struct claro_updater_list *out)
{
	const struct osv_settings *s = ctx->plugin_data;
	enum claro_status st;

	for (size_t i = 0; i < osv_n_ecosystems; i++) {
		if (!s->enabled[i])
			continue;
		if ((st = ctx->host->updater_add(ctx, out, osv_ecosystems[i].updater, 0)) != CLARO_OK)
			return st;
	}
	return CLARO_OK;
}

/* ---- one update ---- */

struct emit_target {
	struct claro_ctx *ctx;
	struct claro_update *up;
};

static enum claro_status emit_to_host(void *arg, const struct claro_vulnerability *v)
{
	struct emit_target *t = arg;

	return t->ctx->host->update_emit_vulnerability(t->ctx, t->up, v);
}

static enum claro_status convert_entry(void *arg, const char *name, const char *data, size_t len,
				       struct osv_error *err)
{
	return osv_convert_record(arg, data, len, name, err);
}

/* Hand a plugin-side error to the host, naming the feed. */
static enum claro_status report(struct claro_ctx *ctx, const struct osv_error *e, const char *url)
{
	const struct claro_host *h = ctx->host;

	h->error(ctx, e->status, "%s (%s)", e->what, url);
	h->error_detail(ctx, "%s", e->detail);
	h->error_hint(ctx, "%s", e->hint);
	return e->status;
}

static enum claro_status fetch(struct claro_ctx *ctx, const struct osv_settings *s, const char *url,
			       const char *prev, struct claro_http_response **resp)
{
	struct claro_http_request req;

	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.url = url;
	if (prev && strncmp(prev, LM_PREFIX, strlen(LM_PREFIX)) == 0)
		req.if_modified_since = prev + strlen(LM_PREFIX);
	else if (prev && *prev)
		req.if_none_match = prev;
	req.max_body = s->max_download;
	req.timeout_seconds = (uint32_t)s->timeout;
	return ctx->host->http_fetch(ctx, &req, resp);
}

/* The fingerprint of a response: its ETag, else its Last-Modified. */
static char *fingerprint_of(const struct claro_host *h, const struct claro_http_response *resp)
{
	char *fp;
	size_t n;

	if (resp->etag && *resp->etag)
		return h->strdup(resp->etag);
	if (!resp->last_modified || !*resp->last_modified)
		return NULL;
	n = strlen(LM_PREFIX) + strlen(resp->last_modified) + 1;
	if ((fp = h->alloc(n)))
		snprintf(fp, n, "%s%s", LM_PREFIX, resp->last_modified);
	return fp;
}

static void log_summary(struct claro_ctx *ctx, const char *url, const struct osv_archive_stats *as,
			const struct osv_convert *cv)
{
	const struct osv_stats *st = &cv->stats;
	const struct claro_host *h = ctx->host;

	h->log(
	    ctx, CLARO_LOG_INFO,
	    "%s: %llu entries, %zu records, %zu vulnerabilities; skipped %zu withdrawn, %zu without affected "
	    "entries, %zu without SEMVER or ECOSYSTEM ranges, %zu affected entries of other ecosystems, %zu "
	    "without a package name, %zu ECOSYSTEM intervals of Go or npm (they use SEMVER), %zu intervals "
	    "with unreadable or inverted bounds",
	    url, (unsigned long long)as->entries, st->records, st->emitted, st->withdrawn, st->no_affected,
	    st->no_ranges, st->other_ecosystem, st->no_name, st->eco_skipped, st->bad_version + st->inverted);
	/* Once per run: a missing scheme costs the normalised ranges only. */
	if (st->no_semver)
		h->log(ctx, CLARO_LOG_WARNING,
		       "no version scheme \"semver\" is loaded: %zu SEMVER intervals stored without their "
		       "normalised range (load the versions plugin)",
		       st->no_semver);
	if (st->no_scheme)
		h->log(
		    ctx, CLARO_LOG_WARNING,
		    "no version scheme \"%s\" is loaded: %zu ECOSYSTEM intervals stored without a normalised "
		    "range (load the versions plugin)",
		    cv->eco->scheme, st->no_scheme);
}

static enum claro_status osv_update(struct claro_ctx *ctx, const char *updater, struct claro_update *up)
{
	const struct claro_host *h = ctx->host;
	const struct osv_settings *s = ctx->plugin_data;
	const struct osv_ecosystem *eco = osv_ecosystem_by_updater(updater);
	struct claro_http_response *resp = NULL;
	struct osv_convert cv;
	struct osv_archive_stats as;
	struct osv_error err;
	struct emit_target target = {ctx, up};
	const char *prev;
	char *url = NULL, *fp = NULL;
	size_t n, checked;
	enum claro_status st;

	if (!eco || !s->enabled[eco - osv_ecosystems]) {
		h->error(ctx, CLARO_ERR_NOT_FOUND, "no updater \"%s\" in set osv", updater);
		h->error_detail(ctx,
				"The set offers osv/<ecosystem> for the ecosystems enabled in [plugin.osv].");
		h->error_hint(ctx, "Run one of the updaters list() names, or enable the ecosystem.");
		return CLARO_ERR_NOT_FOUND;
	}
	n = strlen(s->base) + strlen(eco->osv) + sizeof("/all.zip");
	if (!(url = h->alloc(n)))
		return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	snprintf(url, n, "%s%s/all.zip", s->base, eco->osv);
	prev = h->update_prev_fingerprint(ctx, up);
	if ((st = fetch(ctx, s, url, prev, &resp)) != CLARO_OK)
		goto done; /* the host described it */
	if (resp->status == 304 || (prev && resp->etag && strcmp(prev, resp->etag) == 0)) {
		st = h->error(ctx, CLARO_ERR_UNCHANGED, "%s has not changed since the last run", url);
		h->error_detail(ctx, "The server answered %ld to the fingerprint %s.", resp->status, prev);
		h->error_hint(ctx, "Nothing to do: the previous snapshot stays current.");
		goto done;
	}
	if (resp->status != 200) {
		st =
		    h->error(ctx, CLARO_ERR_NETWORK, "unexpected HTTP status %ld from %s", resp->status, url);
		h->error_detail(ctx, "An OSV all.zip is fetched with a GET answered by 200 (or 304).");
		h->error_hint(ctx, "Check the url in [plugin.osv] and the mirror serving it.");
		goto done;
	}

	memset(&cv, 0, sizeof(cv));
	cv.eco = eco;
	cv.semver = h->version_scheme(ctx, "semver");
	cv.eco_scheme = eco->scheme ? h->version_scheme(ctx, eco->scheme) : NULL;
	cv.ecosystem_ranges = s->ecosystem_ranges;
	cv.now = (int64_t)time(NULL);
	memset(&err, 0, sizeof(err));

	/* Pass 1: check everything, emit nothing. */
	st = osv_archive_walk(resp->body, resp->body_len, ".json", &s->limits, convert_entry, &cv, &as, &err);
	if (st != CLARO_OK) {
		st = err.status != CLARO_OK ? report(ctx, &err, url) : st;
		goto done;
	}
	if (as.matched == 0) {
		st = h->error(ctx, CLARO_ERR_INVALID, "no OSV records in %s", url);
		h->error_detail(ctx, "The archive has %llu entries and none is a .json record.",
				(unsigned long long)as.entries);
		h->error_hint(ctx,
			      "An empty feed would wipe the ecosystem's advisories; the previous snapshot "
			      "is kept. Check the url in [plugin.osv].");
		goto done;
	}
	log_summary(ctx, url, &as, &cv);

	/* Pass 2: the same walk, emitting. */
	checked = cv.stats.emitted;
	memset(&cv.stats, 0, sizeof(cv.stats));
	cv.emit = emit_to_host;
	cv.emit_arg = &target;
	st = osv_archive_walk(resp->body, resp->body_len, ".json", &s->limits, convert_entry, &cv, &as, &err);
	if (st != CLARO_OK) {
		st = err.status != CLARO_OK ? report(ctx, &err, url) : st;
		goto done;
	}
	if (cv.stats.emitted != checked) {
		st = h->error(ctx, CLARO_ERR_INTERNAL, "the two passes over %s disagree", url);
		h->error_detail(ctx, "%zu vulnerabilities checked, %zu emitted.", checked, cv.stats.emitted);
		h->error_hint(ctx, "This is a bug in the osv plugin; please report it.");
		goto done;
	}
	if ((fp = fingerprint_of(h, resp)) != NULL)
		st = h->update_set_fingerprint(ctx, up, fp);
	else
		h->log(ctx, CLARO_LOG_WARNING,
		       "%s has neither ETag nor Last-Modified: the next run fetches it again", url);
done:
	h->free(fp);
	if (resp)
		h->http_response_free(resp);
	h->free(url);
	return st;
}

static const struct claro_updater_set_ops osv_set_ops = {
    sizeof(struct claro_updater_set_ops),
    osv_list,
    osv_update,
};

static const struct claro_component osv_set = {
    sizeof(struct claro_component), CLARO_KIND_UPDATER_SET, 0, "osv", "1", &osv_set_ops,
};

CLARO_PLUGIN_DEFINE(osv, "1.0.0", "Apache-2.0", "OSV advisories: PyPI, Go, npm, Maven, RubyGems, crates.io",
		    osv_config, osv_init, osv_fini, &osv_set)
