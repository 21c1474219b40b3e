/* enrich: NVD feeds -> clair.cvss records (cvss.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cveid.h"
#include "cvss.h"

static const char hint_meta[] =
    "The .meta file is not NVD's: check cvss_feed_root in [plugin.enrich] (and the "
    "mirror directory, if one is configured).";
static const char hint_feed[] = "The feed is not NVD's CVE API 2.0 JSON: check cvss_feed_root in "
				"[plugin.enrich] (and the mirror directory, if one is configured).";

static int hexdigit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

enum claro_status cvss_meta_sha256(const char *text, size_t n, const char *label, char out[65],
				   struct enrich_error *err)
{
	size_t i = 0;

	out[0] = '\0';
	while (i < n) {
		size_t e = i, a, b;

		while (e < n && text[e] != '\n')
			e++;
		a = i;
		b = e;
		while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
			a++;
		while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
			b--;
		if (b - a >= 7 && memcmp(text + a, "sha256:", 7) == 0) {
			size_t v = a + 7, k;
			char shown[80];

			if (b - v != 64) {
				return enrich_fail(
				    err, CLARO_ERR_INVALID, "malformed NVD .meta file", hint_meta,
				    "The sha256 line of %s is not 64 hex digits: \"%s\".", label,
				    enrich_printable(shown, sizeof(shown), text + v, b - v));
			}
			for (k = 0; k < 64; k++) {
				char c = text[v + k];
				if (!hexdigit(c))
					return enrich_fail(
					    err, CLARO_ERR_INVALID, "malformed NVD .meta file", hint_meta,
					    "The sha256 line of %s is not 64 hex digits: \"%s\".", label,
					    enrich_printable(shown, sizeof(shown), text + v, b - v));
				out[k] = (c >= 'a' && c <= 'f') ? (char)(c - 'a' + 'A') : c;
			}
			out[64] = '\0';
		}
		i = e + 1;
	}
	if (!out[0])
		return enrich_fail(err, CLARO_ERR_INVALID, "malformed NVD .meta file", hint_meta,
				   "%s has no \"sha256:\" line (%zu bytes read).", label, n);
	return CLARO_OK;
}

struct walk {
	const char *label;
	cvss_emit_fn emit;
	void *arg;
	struct cvss_stats *stats;
	char *buf; /* compacted cvssData */
	size_t cap;
};

static enum claro_status wrong(struct walk *w, struct enrich_error *err, uint64_t index, const char *what)
{
	return enrich_fail(err, CLARO_ERR_INVALID, "malformed NVD feed", hint_feed, "Element %llu of %s: %s.",
			   (unsigned long long)index, w->label, what);
}

/* A member that must be absent, null or of kind k. 1 present with kind k,
 * 0 absent or null, -1 wrong kind. */
static int member_of(struct jspan obj, const char *key, enum jv_kind k, struct jspan *v)
{
	enum jv_kind got;

	if (!jv_member(obj, key, v))
		return 0;
	got = jv_kind(*v);
	if (got == JV_NULL)
		return 0;
	return got == k ? 1 : -1;
}

/* The first Primary metric of metrics[key]: 1 with *data (absent: n == 0),
 * 0 none, -1 wrong types (what says which). */
static int primary_in(struct jspan metrics, const char *key, struct jspan *data, const char **what)
{
	struct jspan arr, m, v;
	size_t it = 0;
	int r = member_of(metrics, key, JV_ARRAY, &arr);

	if (r <= 0) {
		*what = "a cvssMetricV3x member is not an array";
		return r;
	}
	while (jv_next(arr, &it, &m)) {
		if (jv_kind(m) != JV_OBJECT && jv_kind(m) != JV_NULL) {
			*what = "a CVSS metric is not an object";
			return -1;
		}
		if ((r = member_of(m, "type", JV_STRING, &v)) < 0) {
			*what = "a CVSS metric's type is not a string";
			return -1;
		}
		if (r == 0 || !jv_string_is(v, "Primary", 0))
			continue;
		data->n = 0;
		if ((r = member_of(m, "cvssData", JV_OBJECT, data)) < 0) {
			*what = "a Primary CVSS metric's cvssData is not an object";
			return -1;
		}
		if (r == 0)
			data->n = 0;
		return 1;
	}
	return 0;
}

#define MAX_CVSS_MEMBERS 64

/* cvssData is flat in NVD's schema (cvss-v3.x.json): check that, and that
 * no member name repeats or is escaped, so the record is one every JSON
 * reader (the host's sink among them) takes as it is. NULL if fine. */
static const char *flat_object_problem(struct jspan obj)
{
	struct jspan keys[MAX_CVSS_MEMBERS];
	size_t n = 0;
	const char *p = obj.p, *end = obj.p + obj.n;

	/* Walk "key": value pairs; the text is checked, so the shape holds. */
	while (p < end && *p != '{')
		p++;
	for (p++; p < end;) {
		const char *k;

		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ','))
			p++;
		if (p >= end || *p == '}')
			break;
		k = ++p; /* after the opening quote */
		while (p < end && *p != '"') {
			if (*p == '\\')
				return "a cvssData member name has an escape";
			p++;
		}
		if (n == MAX_CVSS_MEMBERS)
			return "cvssData has more than 64 members";
		keys[n].p = k;
		keys[n].n = (size_t)(p - k);
		for (size_t j = 0; j < n; j++)
			if (keys[j].n == keys[n].n && memcmp(keys[j].p, k, keys[n].n) == 0)
				return "a cvssData member name repeats";
		n++;
		p++; /* closing quote */
		while (p < end && *p != ':')
			p++;
		p++;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		if (p < end && (*p == '{' || *p == '['))
			return "a cvssData member is an object or array (NVD's cvssData is flat)";
		/* Skip the scalar: a string (with escapes) or a bare token. */
		if (p < end && *p == '"') {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
			p++;
		} else {
			while (p < end && *p != ',' && *p != '}' && *p != ' ' && *p != '\t' && *p != '\n' &&
			       *p != '\r')
				p++;
		}
	}
	return NULL;
}

static enum claro_status on_item(void *arg, struct jspan item, uint64_t index, struct enrich_error *err)
{
	struct walk *w = arg;
	struct jspan cve, id, status, metrics, data, raw;
	const char *what = NULL;
	char tag[CVE_MAX_LEN + 1], shown[64];
	int r;

	w->stats->items++;
	if (jv_kind(item) != JV_OBJECT)
		return wrong(w, err, index, "it is not an object");
	if (member_of(item, "cve", JV_OBJECT, &cve) != 1)
		return wrong(w, err, index, "it has no \"cve\" object");
	if (member_of(cve, "id", JV_STRING, &id) != 1 || !jv_string_raw(id, &raw))
		return wrong(w, err, index, "its cve.id is missing or not a string");
	if (!cve_valid(raw.p, raw.n)) {
		char msg[128];
		snprintf(msg, sizeof(msg), "its cve.id is not a CVE id: \"%s\"",
			 enrich_printable(shown, sizeof(shown), raw.p, raw.n));
		return wrong(w, err, index, msg);
	}
	memcpy(tag, raw.p, raw.n);
	tag[raw.n] = '\0';
	if ((r = member_of(cve, "vulnStatus", JV_STRING, &status)) < 0)
		return wrong(w, err, index, "its cve.vulnStatus is not a string");
	if (r == 1 && jv_string_is(status, "Rejected", 1)) {
		w->stats->rejected++;
		return CLARO_OK;
	}
	if ((r = member_of(cve, "metrics", JV_OBJECT, &metrics)) < 0)
		return wrong(w, err, index, "its cve.metrics is not an object");
	data.n = 0;
	if (r == 1) {
		/* CVSS 3.1 first, then 3.0 (claircore prefers 3.1). */
		if ((r = primary_in(metrics, "cvssMetricV31", &data, &what)) == 0)
			r = primary_in(metrics, "cvssMetricV30", &data, &what);
		if (r < 0)
			return wrong(w, err, index, what);
	}
	if (data.n == 0) {
		w->stats->no_cvss3++;
		return CLARO_OK;
	}
	if ((what = flat_object_problem(data)) != NULL)
		return wrong(w, err, index, what);
	if (data.n + 1 > w->cap) {
		char *nb = realloc(w->buf, data.n + 1);
		if (!nb)
			return enrich_fail(err, CLARO_ERR_NOMEM, "out of memory",
					   "Give the process more memory.",
					   "Could not hold a cvssData object of %zu bytes.", data.n);
		w->buf = nb;
		w->cap = data.n + 1;
	}
	json_compact(data.p, data.n, w->buf);
	w->stats->emitted++;
	return w->emit(w->arg, tag, w->buf, err);
}

static enum claro_status on_member(void *arg, struct jspan key, struct jspan value, struct enrich_error *err)
{
	struct walk *w = arg;

	(void)err;
	if (key.n == 12 && memcmp(key.p, "totalResults", 12) == 0 && jv_kind(value) == JV_NUMBER) {
		int64_t v = 0;
		for (size_t i = 0;
		     i < value.n && value.p[i] >= '0' && value.p[i] <= '9' && v < INT64_MAX / 10 - 9; i++)
			v = v * 10 + (value.p[i] - '0');
		w->stats->total_results = v;
	}
	return CLARO_OK;
}

enum claro_status cvss_parse(jfeed_read_fn rd, void *src, size_t max_record, const char *label,
			     cvss_emit_fn emit, void *arg, struct cvss_stats *stats, struct enrich_error *err)
{
	struct walk w = {label, emit, arg, stats, NULL, 0};
	struct jfeed_ops ops;
	uint64_t n = 0;
	enum claro_status st;

	memset(stats, 0, sizeof(*stats));
	stats->total_results = -1;
	memset(&ops, 0, sizeof(ops));
	ops.array_key = "vulnerabilities";
	ops.member = on_member;
	ops.element = on_item;
	ops.arg = &w;
	ops.max_value = max_record;
	ops.max_depth = JSONSCAN_MAX_DEPTH;
	ops.label = label;
	st = jfeed_run(rd, src, &ops, &n, err);
	free(w.buf);
	return st;
}
