/* enrich: the plugin enrich.so: three pairs of an enrichment updater set and
 * an enricher (reference §5.2, §5.4):
 *
 *   clair.cvss  CVSS 3.x from NVD's yearly CVE API 2.0 feeds, as Clair's
 *               clair.cvss enricher (same updater name, type, records);
 *   claro.epss  FIRST's EPSS scores (CSV, gzip);
 *   claro.kev   CISA's Known Exploited Vulnerabilities catalog (JSON).
 *
 * Each set lists one updater of its own name (flag
 * CLARO_UPDATER_ENRICHMENT); the enricher of the same name reads what that
 * updater stored. Feeds come through host->http_fetch, so the daemon's proxy,
 * airgap and mirror policy apply; URLs and limits are keys of
 * [plugin.enrich].
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <claro/plugin.h>

#include "enrich.h"

#define DEFAULT_CVSS_ROOT "https://nvd.nist.gov/feeds/json/cve/2.0/"
#define DEFAULT_EPSS_URL  "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
#define DEFAULT_KEV_URL   "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"

#define KEY(n, t, d, doc) \
	static const struct claro_cfg_key key_##n = {sizeof(struct claro_cfg_key), #n, t, d, 0, doc};
KEY(cvss_feed_root, CLARO_CFG_STRING, DEFAULT_CVSS_ROOT,
    "clair.cvss: where nvdcve-2.0-<year>.meta and .json.gz are (Clair's feed_root)")
KEY(cvss_first_year, CLARO_CFG_INT, "2002", "clair.cvss: the first yearly feed fetched (NVD's start at 2002)")
KEY(cvss_last_year, CLARO_CFG_INT, "0",
    "clair.cvss: the last yearly feed fetched; 0 = the current year (UTC)")
KEY(epss_url, CLARO_CFG_STRING, DEFAULT_EPSS_URL, "claro.epss: FIRST's EPSS scores CSV (gzip or plain)")
KEY(kev_url, CLARO_CFG_STRING, DEFAULT_KEV_URL,
    "claro.kev: CISA's Known Exploited Vulnerabilities JSON catalog")
KEY(max_download_bytes, CLARO_CFG_INT, "268435456", "largest feed file downloaded, in bytes (compressed)")
KEY(max_uncompressed_bytes, CLARO_CFG_INT, "2147483648",
    "most bytes one feed file may decompress to (NVD's largest year is about 0.3 GB)")
KEY(max_record_bytes, CLARO_CFG_INT, "16777216",
    "largest single JSON record (one NVD CVE, one KEV entry), in bytes")
#undef KEY

static const struct claro_cfg_key *const enrich_config[] = {
    &key_cvss_feed_root,     &key_cvss_first_year,        &key_cvss_last_year,   &key_epss_url, &key_kev_url,
    &key_max_download_bytes, &key_max_uncompressed_bytes, &key_max_record_bytes, NULL};

static enum claro_status config_error(struct claro_ctx *ctx, const char *key, const char *detail)
{
	const struct claro_host *h = ctx->host;

	h->error(ctx, CLARO_ERR_CONFIG, "invalid %s in [plugin.enrich]", key);
	h->error_detail(ctx, "%s", detail);
	h->error_hint(ctx, "Fix the value or remove the key to use the default.");
	return CLARO_ERR_CONFIG;
}

static int http_url(const char *u)
{
	return strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0;
}

static enum claro_status read_int(struct claro_ctx *ctx, const char *key, int64_t min, int64_t max,
				  int64_t *out)
{
	enum claro_status st = ctx->host->cfg_int(ctx, key, out);

	if (st != CLARO_OK)
		return st;
	if (*out < min || *out > max)
		return config_error(ctx, key, "The value is out of range.");
	return CLARO_OK;
}

static enum claro_status enrich_init(struct claro_ctx *ctx)
{
	const struct claro_host *h = ctx->host;
	struct enrich_settings *s = h->calloc(1, sizeof(*s));
	int64_t v;
	enum claro_status st;

	if (!s)
		return h->error(ctx, CLARO_ERR_NOMEM, "out of memory");
	if ((st = h->cfg_string(ctx, "cvss_feed_root", &s->cvss_feed_root)) != CLARO_OK ||
	    (st = h->cfg_string(ctx, "epss_url", &s->epss_url)) != CLARO_OK ||
	    (st = h->cfg_string(ctx, "kev_url", &s->kev_url)) != CLARO_OK ||
	    (st = read_int(ctx, "cvss_first_year", 1999, 9999, &s->cvss_first_year)) != CLARO_OK ||
	    (st = read_int(ctx, "cvss_last_year", 0, 9999, &s->cvss_last_year)) != CLARO_OK ||
	    (st = read_int(ctx, "max_download_bytes", 1024, INT64_MAX, &v)) != CLARO_OK)
		goto fail;
	s->max_download_bytes = (uint64_t)v;
	if ((st = read_int(ctx, "max_uncompressed_bytes", 1024, INT64_MAX, &v)) != CLARO_OK)
		goto fail;
	s->max_uncompressed_bytes = (uint64_t)v;
	if ((st = read_int(ctx, "max_record_bytes", 1024, (int64_t)1 << 31, &v)) != CLARO_OK)
		goto fail;
	s->max_record_bytes = (size_t)v;
	if (!http_url(s->cvss_feed_root)) {
		st = config_error(ctx, "cvss_feed_root", "It must be an http:// or https:// URL.");
	} else if (!http_url(s->epss_url)) {
		st = config_error(ctx, "epss_url", "It must be an http:// or https:// URL.");
	} else if (!http_url(s->kev_url)) {
		st = config_error(ctx, "kev_url", "It must be an http:// or https:// URL.");
	} else if (s->cvss_last_year != 0 && s->cvss_last_year < s->cvss_first_year) {
		st = config_error(ctx, "cvss_last_year", "It is before cvss_first_year.");
	} else if (s->cvss_last_year - s->cvss_first_year > 200) {
		st = config_error(ctx, "cvss_first_year", "More than 200 yearly feeds would be fetched.");
	}
	if (st != CLARO_OK)
		goto fail;
	ctx->plugin_data = s;
	return CLARO_OK;
fail:
	h->free(s);
	return st;
}

static void enrich_fini(struct claro_ctx *ctx)
{
	ctx->host->free(ctx->plugin_data);
	ctx->plugin_data = NULL;
}

/* ---- updater sets: one updater each, named as the set ---- */

static enum claro_status set_list(struct claro_ctx *ctx, struct claro_updater_list *out)
{
	return ctx->host->updater_add(ctx, out, ctx->component->name, CLARO_UPDATER_ENRICHMENT);
}

static enum claro_status set_update(struct claro_ctx *ctx, const char *updater, struct claro_update *up)
{
	const struct enrich_settings *s = ctx->plugin_data;
	const struct claro_host *h = ctx->host;

	if (!s || strcmp(updater, ctx->component->name) != 0) {
		h->error(ctx, CLARO_ERR_NOT_FOUND, "no updater \"%s\" in set %s", updater,
			 ctx->component->name);
		h->error_detail(ctx, "The set %s has one updater, named like the set.", ctx->component->name);
		h->error_hint(ctx, "This is a bug in the caller: run the names list() gave.");
		return CLARO_ERR_NOT_FOUND;
	}
	if (strcmp(updater, ENRICH_CVSS) == 0)
		return enrich_update_cvss(ctx, s, up);
	if (strcmp(updater, ENRICH_EPSS) == 0)
		return enrich_update_epss(ctx, s, up);
	return enrich_update_kev(ctx, s, up);
}

static const struct claro_updater_set_ops set_ops = {sizeof(struct claro_updater_set_ops), set_list,
						     set_update};

/* ---- enrichers ---- */

static enum claro_status enrich_first(struct claro_ctx *ctx, const struct claro_vulnerability *const *vulns,
				      size_t n, struct claro_enrichment_out *out)
{
	return enrich_vulnerabilities(ctx, vulns, n, out, 1);
}

static enum claro_status enrich_all(struct claro_ctx *ctx, const struct claro_vulnerability *const *vulns,
				    size_t n, struct claro_enrichment_out *out)
{
	return enrich_vulnerabilities(ctx, vulns, n, out, 0);
}

static const struct claro_enricher_ops cvss_ops = {sizeof(struct claro_enricher_ops), ENRICH_CVSS_TYPE,
						   ENRICH_CVSS, enrich_first};
static const struct claro_enricher_ops epss_ops = {sizeof(struct claro_enricher_ops), ENRICH_EPSS_TYPE,
						   ENRICH_EPSS, enrich_all};
static const struct claro_enricher_ops kev_ops = {sizeof(struct claro_enricher_ops), ENRICH_KEV_TYPE,
						  ENRICH_KEV, enrich_all};

#define COMPONENT(var, kind, name, ops) \
	static const struct claro_component var = {sizeof(struct claro_component), kind, 0, name, "1", ops};
COMPONENT(cvss_set, CLARO_KIND_UPDATER_SET, ENRICH_CVSS, &set_ops)
COMPONENT(epss_set, CLARO_KIND_UPDATER_SET, ENRICH_EPSS, &set_ops)
COMPONENT(kev_set, CLARO_KIND_UPDATER_SET, ENRICH_KEV, &set_ops)
COMPONENT(cvss_enricher, CLARO_KIND_ENRICHER, ENRICH_CVSS, &cvss_ops)
COMPONENT(epss_enricher, CLARO_KIND_ENRICHER, ENRICH_EPSS, &epss_ops)
COMPONENT(kev_enricher, CLARO_KIND_ENRICHER, ENRICH_KEV, &kev_ops)
#undef COMPONENT

CLARO_PLUGIN_DEFINE(enrich, "1.0.0", "Apache-2.0", "CVSS (NVD), EPSS and CISA KEV enrichment", enrich_config,
		    enrich_init, enrich_fini, &cvss_set, &epss_set, &kev_set, &cvss_enricher, &epss_enricher,
		    &kev_enricher)
