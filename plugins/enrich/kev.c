/* enrich: the KEV catalog -> claro.kev records (kev.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cveid.h"
#include "kev.h"

static const char hint_kev[] =
    "The feed is not CISA's KEV catalog: check kev_url in [plugin.enrich] (and the "
    "mirror directory, if one is configured), or retry if the download was cut.";

/* The catalog fields copied into an entry, in kev.Entry's order. */
static const struct {
	const char *from, *to;
} fields[] = {
    {"cveID", "cve"},
    {"vulnerabilityName", "vulnerability_name"},
    {NULL, "catalog_version"},
    {"dateAdded", "date_added"},
    {"shortDescription", "short_description"},
    {"requiredAction", "required_action"},
    {"dueDate", "due_date"},
    {"knownRansomwareCampaignUse", "known_ransomware_campaign_use"},
};
/* Members kev.Vulnerability decodes as strings but the entry does not keep. */
static const char *const other_strings[] = {"vendorProject", "product", "notes"};

struct walk {
	const char *label;
	const char *catalog_version;
	kev_emit_fn emit;
	void *arg;
	struct kev_stats *stats;
	char *buf;
	size_t cap;
};

static enum claro_status wrong(struct walk *w, struct enrich_error *err, uint64_t index, const char *what,
			       const char *key)
{
	return enrich_fail(err, CLARO_ERR_INVALID, "malformed KEV catalog", hint_kev,
			   "Entry %llu of %s: %s%s%s.", (unsigned long long)index, w->label, what,
			   key ? " " : "", key ? key : "");
}

/* A string member or absent/null: 1 string (in *v), 0 absent, -1 wrong type. */
static int string_member(struct jspan obj, const char *key, struct jspan *v)
{
	enum jv_kind k;

	if (!jv_member(obj, key, v))
		return 0;
	k = jv_kind(*v);
	if (k == JV_NULL)
		return 0;
	return k == JV_STRING ? 1 : -1;
}

static enum claro_status on_entry(void *arg, struct jspan e, uint64_t index, struct enrich_error *err)
{
	struct walk *w = arg;
	struct jspan vals[sizeof(fields) / sizeof(fields[0])], v, raw, c;
	char cve[CVE_MAX_LEN + 1], shown[64];
	size_t need = 16, o = 0, it = 0;

	if (jv_kind(e) != JV_OBJECT)
		return wrong(w, err, index, "it is not an object", NULL);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		/* ,"to": and the value, at least "" */
		need += strlen(fields[i].to) + 6;
		vals[i].n = 0;
		if (!fields[i].from)
			continue;
		if (string_member(e, fields[i].from, &vals[i]) < 0)
			return wrong(w, err, index, "a string is expected in", fields[i].from);
		need += vals[i].n;
	}
	for (size_t i = 0; i < sizeof(other_strings) / sizeof(other_strings[0]); i++)
		if (string_member(e, other_strings[i], &v) < 0)
			return wrong(w, err, index, "a string is expected in", other_strings[i]);
	if (jv_member(e, "cwes", &v) && jv_kind(v) != JV_NULL) {
		if (jv_kind(v) != JV_ARRAY)
			return wrong(w, err, index, "an array of strings is expected in", "cwes");
		while (jv_next(v, &it, &c))
			if (jv_kind(c) != JV_STRING && jv_kind(c) != JV_NULL)
				return wrong(w, err, index, "an array of strings is expected in", "cwes");
	}
	if (vals[0].n == 0 || !jv_string_raw(vals[0], &raw))
		return wrong(w, err, index, "it has no cveID", NULL);
	if (!cve_valid(raw.p, raw.n)) {
		char msg[128];
		snprintf(msg, sizeof(msg), "its cveID is not a CVE id: \"%s\"",
			 enrich_printable(shown, sizeof(shown), raw.p, raw.n));
		return wrong(w, err, index, msg, NULL);
	}
	w->stats->entries++;
	if (!w->emit)
		return CLARO_OK;
	memcpy(cve, raw.p, raw.n);
	cve[raw.n] = '\0';
	need += strlen(w->catalog_version);
	if (need > w->cap) {
		char *nb = realloc(w->buf, need);
		if (!nb)
			return enrich_fail(err, CLARO_ERR_NOMEM, "out of memory",
					   "Give the process more memory.",
					   "Could not hold a KEV entry of %zu bytes.", need);
		w->buf = nb;
		w->cap = need;
	}
	w->buf[o++] = '{';
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *val = fields[i].from ? vals[i].p : w->catalog_version;
		size_t vl = fields[i].from ? vals[i].n : strlen(w->catalog_version),
		       kl = strlen(fields[i].to);

		if (i > 0)
			w->buf[o++] = ',';
		w->buf[o++] = '"';
		memcpy(w->buf + o, fields[i].to, kl);
		o += kl;
		w->buf[o++] = '"';
		w->buf[o++] = ':';
		if (vl == 0) {
			val = "\"\"";
			vl = 2;
		}
		memcpy(w->buf + o, val, vl);
		o += vl;
	}
	w->buf[o++] = '}';
	w->buf[o] = '\0';
	return w->emit(w->arg, cve, w->buf, err);
}

static enum claro_status on_member(void *arg, struct jspan key, struct jspan value, struct enrich_error *err)
{
	struct walk *w = arg;
	enum jv_kind k = jv_kind(value);

	if (key.n == 14 && memcmp(key.p, "catalogVersion", 14) == 0) {
		if (k == JV_NULL)
			return CLARO_OK;
		if (k != JV_STRING || value.n > KEV_MAX_VERSION)
			return enrich_fail(err, CLARO_ERR_INVALID, "malformed KEV catalog", hint_kev,
					   "The catalogVersion of %s is %s.", w->label,
					   k != JV_STRING ? "not a string" : "longer than 256 bytes");
		memcpy(w->stats->catalog_version, value.p, value.n);
		w->stats->catalog_version[value.n] = '\0';
	} else if (key.n == 5 && memcmp(key.p, "count", 5) == 0 && k != JV_NULL) {
		int64_t v = 0;
		size_t i = 0;
		if (k != JV_NUMBER)
			return enrich_fail(err, CLARO_ERR_INVALID, "malformed KEV catalog", hint_kev,
					   "The count of %s is not a number.", w->label);
		for (; i < value.n && value.p[i] >= '0' && value.p[i] <= '9'; i++)
			v = v * 10 + (value.p[i] - '0'); /* checked: fits in 64 bits */
		if (i != value.n)
			return enrich_fail(err, CLARO_ERR_INVALID, "malformed KEV catalog", hint_kev,
					   "The count of %s is not a whole number.", w->label);
		w->stats->count = v;
	} else if ((key.n == 5 && memcmp(key.p, "title", 5) == 0) ||
		   (key.n == 12 && memcmp(key.p, "dateReleased", 12) == 0)) {
		if (k != JV_STRING && k != JV_NULL)
			return enrich_fail(err, CLARO_ERR_INVALID, "malformed KEV catalog", hint_kev,
					   "The %.*s of %s is not a string.", (int)key.n, key.p, w->label);
	}
	return CLARO_OK;
}

enum claro_status kev_parse(jfeed_read_fn rd, void *src, size_t max_record, const char *label,
			    const char *catalog_version, kev_emit_fn emit, void *arg, struct kev_stats *stats,
			    struct enrich_error *err)
{
	struct walk w;
	struct jfeed_ops ops;
	uint64_t n = 0;
	enum claro_status st;

	memset(&w, 0, sizeof(w));
	memset(stats, 0, sizeof(*stats));
	stats->count = -1;
	w.label = label ? label : "the catalog";
	w.catalog_version = catalog_version ? catalog_version : "";
	w.emit = emit;
	w.arg = arg;
	w.stats = stats;
	memset(&ops, 0, sizeof(ops));
	ops.array_key = "vulnerabilities";
	ops.member = on_member;
	ops.element = on_entry;
	ops.arg = &w;
	ops.max_value = max_record;
	ops.max_depth = JSONSCAN_MAX_DEPTH;
	ops.label = w.label;
	st = jfeed_run(rd, src, &ops, &n, err);
	free(w.buf);
	if (st == CLARO_OK && stats->entries == 0)
		st = enrich_fail(err, CLARO_ERR_INVALID, "empty KEV catalog", hint_kev,
				 "%s has no entries in \"vulnerabilities\".", w.label);
	return st;
}
