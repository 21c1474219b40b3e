/* Clair's Vulnerability JSON (see vulnjson.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexreport.h" /* index_report_normalized_version */
#include "store_advisory.h"
#include "strutil.h"
#include "vulnjson.h"

#define S(v) ((v) ? (v) : "")

/* ---- Names (declared in store_advisory.h: the store writes them too) ---- */

static const char *const severity_names[] = {"Unknown", "Negligible", "Low", "Medium", "High", "Critical"};
static const char *const arch_op_names[] = {"", "equals", "not equals", "pattern match"};

const char *store_severity_name(enum claro_severity sev)
{
	return (unsigned)sev < 6 ? severity_names[sev] : severity_names[0];
}

int store_severity_parse(const char *name, enum claro_severity *out)
{
	for (int i = 0; i < 6; i++) {
		if (name && strcmp(name, severity_names[i]) == 0) {
			*out = (enum claro_severity)i;
			return 0;
		}
	}
	return -1;
}

const char *store_arch_op_name(enum claro_arch_op op)
{
	return (unsigned)op < 4 ? arch_op_names[op] : "";
}

int store_arch_op_parse(const char *name, enum claro_arch_op *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(S(name), arch_op_names[i]) == 0) {
			*out = (enum claro_arch_op)i;
			return 0;
		}
	}
	return -1;
}

/* ---- Time -------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), valid for every year we accept. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Years 1..9999: what RFC 3339 can write. */
#define MIN_TIME (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define MAX_TIME 253402300799LL   /* 9999-12-31T23:59:59Z */

void vulnjson_format_time(int64_t t, char out[32])
{
	int64_t y, days, secs;
	unsigned m, d;

	if (t == INT64_MIN || t < MIN_TIME)
		t = MIN_TIME;
	if (t > MAX_TIME)
		t = MAX_TIME;
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(out, 32, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02dZ", y, m, d, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60));
}

/* n decimal digits at *p. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int expect(const char **p, char c)
{
	if (**p != c && !(c == 'T' && (**p == 't' || **p == ' ')))
		return -1;
	(*p)++;
	return 0;
}

int vulnjson_parse_time(const char *s, int64_t *out)
{
	static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *p = s;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	int64_t t;

	if (!s || digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) || expect(&p, '-') ||
	    digits(&p, 2, &d) || expect(&p, 'T') || digits(&p, 2, &h) || expect(&p, ':') ||
	    digits(&p, 2, &mi) || expect(&p, ':') || digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		size_t n = 0;
		for (p++; *p >= '0' && *p <= '9'; p++)
			n++;
		if (n == 0 || n > 9)
			return -1;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) || expect(&p, ':') || digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p || y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	if (sec == 60)
		sec = 59; /* a leap second: the instant before is close enough */
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
	t -= (int64_t)sign * (oh * 3600 + om * 60);
	*out = t <= MIN_TIME ? INT64_MIN : t;
	return 0;
}

/* ---- Normalised versions ---------------------------------------------------------- */

int vulnjson_parse_normalized(const char *s, struct claro_normalized_version *out, char **kind_storage)
{
	const char *colon, *p;
	int i = 0;

	memset(out, 0, sizeof(*out));
	*kind_storage = NULL;
	out->kind = "";
	if (!s || !*s)
		return 0;
	colon = strchr(s, ':');
	if (!colon || colon == s || (size_t)(colon - s) > 64)
		return -1;
	for (p = colon + 1; i < CLARO_NORM_VERSION_LEN; i++) {
		int64_t v = 0;
		int neg = *p == '-', n = 0;

		if (neg)
			p++;
		for (; *p >= '0' && *p <= '9'; p++, n++) {
			v = v * 10 + (*p - '0');
			if (v > (int64_t)INT32_MAX + 1)
				return -1;
		}
		if (n == 0 || (!neg && v > INT32_MAX))
			return -1;
		out->v[i] = (int32_t)(neg ? -v : v);
		if (*p == '\0')
			break;
		if (*p++ != '.')
			return -1;
	}
	if (*p != '\0' && i >= CLARO_NORM_VERSION_LEN)
		return -1;
	if (!(*kind_storage = str_ndup(s, (size_t)(colon - s))))
		return -1;
	out->kind = *kind_storage;
	return 0;
}

/* ---- Encoding ------------------------------------------------------------------- */

static int set(json_t *o, const char *key, const char *value)
{
	return json_object_set_new(o, key, json_string(S(value)));
}

static int set_omitempty(json_t *o, const char *key, const char *value)
{
	return value && *value ? set(o, key, value) : 0;
}

static int all_empty(const char *const *values, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (values[i] && *values[i])
			return 0;
	return 1;
}

static json_t *package_json(const struct claro_package *p)
{
	json_t *o = json_object();
	char *norm = p ? index_report_normalized_version(&p->normalized_version) : str_dup("");
	int bad = !o || !norm;

	if (!bad)
		bad = set(o, "id", "") || set(o, "name", p ? p->name : "") ||
		      set(o, "version", p ? p->version : "") ||
		      set_omitempty(o, "kind", p ? p->kind : NULL) || set(o, "normalized_version", norm) ||
		      set_omitempty(o, "module", p ? p->module : NULL) ||
		      set_omitempty(o, "arch", p ? p->arch : NULL) || set(o, "cpe", p ? p->cpe : "");
	free(norm);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* 0 on success (nothing added for an empty distribution), -1 out of memory. */
static int add_distribution(json_t *v, const struct claro_distribution *d)
{
	json_t *o;
	const char *f[8];

	if (!d)
		return 0;
	f[0] = d->did, f[1] = d->name, f[2] = d->version, f[3] = d->version_code_name, f[4] = d->version_id,
	f[5] = d->arch, f[6] = d->cpe, f[7] = d->pretty_name;
	if (all_empty(f, 8))
		return 0;
	o = json_object();
	if (!o || set(o, "id", "") || set(o, "did", f[0]) || set(o, "name", f[1]) ||
	    set(o, "version", f[2]) || set(o, "version_code_name", f[3]) || set(o, "version_id", f[4]) ||
	    set(o, "arch", f[5]) || set(o, "cpe", f[6]) || set(o, "pretty_name", f[7])) {
		json_decref(o);
		return -1;
	}
	return json_object_set_new(v, "distribution", o);
}

static int add_repository(json_t *v, const struct claro_repository *r)
{
	json_t *o;
	const char *f[4];

	if (!r)
		return 0;
	f[0] = r->name, f[1] = r->key, f[2] = r->uri, f[3] = r->cpe;
	if (all_empty(f, 4))
		return 0;
	o = json_object();
	if (!o || set_omitempty(o, "name", f[0]) || set_omitempty(o, "key", f[1]) ||
	    set_omitempty(o, "uri", f[2]) || set(o, "cpe", f[3])) {
		json_decref(o);
		return -1;
	}
	return json_object_set_new(v, "repository", o);
}

static int add_range(json_t *v, const struct claro_vulnerability *vu)
{
	char *lower, *upper;
	json_t *o;
	int bad;

	if (!(vu->range_lower.kind && *vu->range_lower.kind) &&
	    !(vu->range_upper.kind && *vu->range_upper.kind))
		return 0;
	lower = index_report_normalized_version(&vu->range_lower);
	upper = index_report_normalized_version(&vu->range_upper);
	o = json_object();
	bad = !lower || !upper || !o || set(o, "[", lower) || set(o, ")", upper);
	free(lower);
	free(upper);
	if (bad) {
		json_decref(o);
		return -1;
	}
	return json_object_set_new(v, "range", o);
}

json_t *vulnjson_encode(const struct claro_vulnerability *v)
{
	json_t *o = json_object(), *pkg = package_json(v->package);
	char issued[32];

	vulnjson_format_time(v->issued, issued);
	if (!o || !pkg || set(o, "id", v->id) || set(o, "updater", v->updater) || set(o, "name", v->name) ||
	    set(o, "description", v->description) || set(o, "issued", issued) || set(o, "links", v->links) ||
	    set(o, "severity", v->severity) ||
	    set(o, "normalized_severity", store_severity_name(v->normalized_severity)) ||
	    json_object_set(o, "package", pkg) || add_distribution(o, v->distribution) ||
	    add_repository(o, v->repository) || set(o, "fixed_in_version", v->fixed_in_version) ||
	    add_range(o, v) || set_omitempty(o, "arch_op", store_arch_op_name(v->arch_op))) {
		json_decref(pkg);
		json_decref(o);
		return NULL;
	}
	json_decref(pkg);
	return o;
}

json_t *vulnerability_to_json(const struct claro_vulnerability *v)
{
	return vulnjson_encode(v);
}

/* ---- Decoding ---------------------------------------------------------------------- */

static enum claro_status bad(struct error *err, const char *key, const char *why)
{
	error_set(err, CLARO_ERR_INVALID, "invalid vulnerability record");
	error_detail(err, "\"%s\" %s.", key, why);
	return CLARO_ERR_INVALID;
}

/* A string member: "" when missing or null; an error for another type. */
static enum claro_status str_member(json_t *o, const char *key, const char **out, struct error *err)
{
	json_t *m = o ? json_object_get(o, key) : NULL;

	*out = "";
	if (!m || json_is_null(m))
		return CLARO_OK;
	if (!json_is_string(m))
		return bad(err, key, "is not a string");
	*out = json_string_value(m);
	if (strlen(*out) != json_string_length(m))
		return bad(err, key, "contains a NUL character");
	return CLARO_OK;
}

/* An object member: NULL when missing or null. */
static enum claro_status obj_member(json_t *o, const char *key, json_t **out, struct error *err)
{
	json_t *m = json_object_get(o, key);

	*out = NULL;
	if (!m || json_is_null(m))
		return CLARO_OK;
	if (!json_is_object(m))
		return bad(err, key, "is not an object");
	*out = m;
	return CLARO_OK;
}

#define STR(obj, key, field)                                                    \
	do {                                                                    \
		if ((rc = str_member((obj), (key), &(field), err)) != CLARO_OK) \
			return rc;                                              \
	} while (0)

/* A range bound: kind points into the JSON string, so parse into a copy
 * kept alive by storing it back in the object. */
static enum claro_status range_bound(json_t *range, const char *key, struct claro_normalized_version *out,
				     struct error *err)
{
	const char *text;
	char *kind = NULL;
	enum claro_status rc = str_member(range, key, &text, err);

	if (rc != CLARO_OK)
		return rc;
	if (vulnjson_parse_normalized(text, out, &kind) != 0)
		return bad(err, key,
			   "is not a normalized version \"kind:v0.v1...\" of at most 10 int32 parts");
	if (kind) {
		/* Keep the kind alive with the JSON object (its lifetime is the view's). */
		char slot[8];
		json_t *s;

		snprintf(slot, sizeof(slot), "\x01%s", key);
		s = json_string(kind);
		free(kind);
		if (!s || json_object_set_new(range, slot, s) != 0)
			return error_set(err, CLARO_ERR_NOMEM, "out of memory");
		out->kind = json_string_value(json_object_get(range, slot));
	}
	return CLARO_OK;
}

enum claro_status vulnjson_decode(json_t *obj, struct vulnjson_view *out, struct error *err)
{
	struct claro_vulnerability *v = &out->v;
	json_t *pkg, *dist, *repo, *range;
	const char *issued, *sev, *op;
	enum claro_severity severity;
	enum claro_arch_op arch_op;
	enum claro_status rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj))
		return bad(err, "Vuln", "is not an object");
	v->struct_size = sizeof(*v);
	out->pkg.struct_size = sizeof(out->pkg);
	out->dist.struct_size = sizeof(out->dist);
	out->repo.struct_size = sizeof(out->repo);
	out->pkg.normalized_version.kind = "";
	v->range_lower.kind = v->range_upper.kind = "";
	STR(obj, "id", v->id);
	STR(obj, "updater", v->updater);
	STR(obj, "name", v->name);
	STR(obj, "description", v->description);
	STR(obj, "links", v->links);
	STR(obj, "severity", v->severity);
	STR(obj, "fixed_in_version", v->fixed_in_version);
	STR(obj, "issued", issued);
	if (!*issued)
		v->issued = INT64_MIN;
	else if (vulnjson_parse_time(issued, &v->issued) != 0)
		return bad(err, "issued", "is not an RFC 3339 time between the years 1 and 9999");
	STR(obj, "normalized_severity", sev);
	severity = CLARO_SEVERITY_UNKNOWN;
	if (*sev && store_severity_parse(sev, &severity) != 0)
		return bad(err, "normalized_severity",
			   "is not one of Unknown, Negligible, Low, Medium, High, Critical");
	v->normalized_severity = severity;
	STR(obj, "arch_op", op);
	arch_op = CLARO_ARCH_OP_NONE;
	if (store_arch_op_parse(op, &arch_op) != 0)
		return bad(err, "arch_op", "is not one of \"equals\", \"not equals\", \"pattern match\"");
	v->arch_op = arch_op;

	if ((rc = obj_member(obj, "package", &pkg, err)) != CLARO_OK)
		return rc;
	if (pkg) {
		STR(pkg, "name", out->pkg.name);
		STR(pkg, "version", out->pkg.version);
		STR(pkg, "kind", out->pkg.kind);
		STR(pkg, "module", out->pkg.module);
		STR(pkg, "arch", out->pkg.arch);
		STR(pkg, "cpe", out->pkg.cpe);
		v->package = &out->pkg;
	}
	if ((rc = obj_member(obj, "distribution", &dist, err)) != CLARO_OK)
		return rc;
	if (dist) {
		STR(dist, "did", out->dist.did);
		STR(dist, "name", out->dist.name);
		STR(dist, "version", out->dist.version);
		STR(dist, "version_code_name", out->dist.version_code_name);
		STR(dist, "version_id", out->dist.version_id);
		STR(dist, "arch", out->dist.arch);
		STR(dist, "cpe", out->dist.cpe);
		STR(dist, "pretty_name", out->dist.pretty_name);
		v->distribution = &out->dist;
	}
	if ((rc = obj_member(obj, "repository", &repo, err)) != CLARO_OK)
		return rc;
	if (repo) {
		STR(repo, "name", out->repo.name);
		STR(repo, "key", out->repo.key);
		STR(repo, "uri", out->repo.uri);
		STR(repo, "cpe", out->repo.cpe);
		v->repository = &out->repo;
	}
	if ((rc = obj_member(obj, "range", &range, err)) != CLARO_OK)
		return rc;
	if (range) {
		if ((rc = range_bound(range, "[", &v->range_lower, err)) != CLARO_OK ||
		    (rc = range_bound(range, ")", &v->range_upper, err)) != CLARO_OK)
			return rc;
	}
	return CLARO_OK;
}
