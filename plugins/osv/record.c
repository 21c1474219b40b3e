/* osv: one OSV JSON record -> vulnerability records. See record.h for the
 * mapping and where it comes from.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cvss.h"
#include "record.h"

#define WHAT_BAD  "malformed OSV record"
#define HINT_FEED "The OSV feed file is damaged or is not OSV JSON; the previous snapshot is kept."
#define ALIAS_URL "https://osv.dev/vulnerability/"

/* Version bound values above this are "+inf" in Clair's ranges. */
#define RANGE_INF 65535

/* Everything one record shares across its vulnerabilities. */
struct record_ctx {
	struct osv_convert *cv;
	struct osv_error *err;
	const char *source;
	const char *id;
	const char *summary;
	int64_t issued;
	char *links;
	const char *severity;
	enum claro_severity normalized;
};

/* ---- small helpers ---- */

char *osv_pep503(const char *name)
{
	size_t n = strlen(name), j = 0;
	char *out = malloc(n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (c == '-' || c == '_' || c == '.') {
			if (j == 0 || out[j - 1] != '-')
				out[j++] = '-';
			continue;
		}
		out[j++] = (char)tolower((unsigned char)c);
	}
	out[j] = '\0';
	return out;
}

static char *copy_string(const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = malloc(n);

	if (out)
		memcpy(out, s, n);
	return out;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int osv_parse_time(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p;

	if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
	return 0;
}

/* Go's url.QueryEscape: unreserved bytes as they are, ' ' as '+', the rest
 * as %XX. Appends to out (which has room: 3 bytes per input byte). */
static size_t query_escape(char *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t j = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			out[j++] = (char)c;
		} else if (c == ' ') {
			out[j++] = '+';
		} else {
			out[j++] = '%';
			out[j++] = hex[c >> 4];
			out[j++] = hex[c & 15];
		}
	}
	return j;
}

/* Clair's ECOSYSTEM fixed_in_version: url.Values{...}.Encode(), keys sorted
 * (fixed, introduced, lastAffected). NULL values are left out. */
static char *range_query(const char *introduced, const char *fixed, const char *last_affected)
{
	size_t n = 1;
	char *out;
	size_t j = 0;

	n += introduced ? 12 + 3 * strlen(introduced) : 0;
	n += fixed ? 7 + 3 * strlen(fixed) : 0;
	n += last_affected ? 14 + 3 * strlen(last_affected) : 0;
	if (!(out = malloc(n)))
		return NULL;
	if (fixed) {
		memcpy(out + j, "fixed=", 6);
		j += 6;
		j += query_escape(out + j, fixed);
	}
	if (introduced) {
		if (j)
			out[j++] = '&';
		memcpy(out + j, "introduced=", 11);
		j += 11;
		j += query_escape(out + j, introduced);
	}
	if (last_affected) {
		if (j)
			out[j++] = '&';
		memcpy(out + j, "lastAffected=", 13);
		j += 13;
		j += query_escape(out + j, last_affected);
	}
	out[j] = '\0';
	return out;
}

static enum claro_status nomem(struct osv_error *err)
{
	return osv_fail(err, CLARO_ERR_NOMEM, "out of memory", "Give claro more memory.",
			"Converting an OSV record needed more memory than was available.");
}

static enum claro_status type_error(struct record_ctx *rc, const char *field, const char *want)
{
	char id[64];

	return osv_fail(rc->err, CLARO_ERR_INVALID, WHAT_BAD, HINT_FEED, "%s (%s): \"%s\" is not %s.",
			rc->source, osv_printable(id, sizeof(id), rc->id ? rc->id : "?"), field, want);
}

/* An optional string member: NULL when absent or null, an error when it is
 * another type. */
static enum claro_status opt_string(struct record_ctx *rc, json_t *obj, const char *key, const char *field,
				    const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return CLARO_OK;
	if (!json_is_string(v))
		return type_error(rc, field, "a string");
	*out = json_string_value(v);
	return CLARO_OK;
}

/* An optional array member: NULL when absent or null. */
static enum claro_status opt_array(struct record_ctx *rc, json_t *obj, const char *key, const char *field,
				   json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return CLARO_OK;
	if (!json_is_array(v))
		return type_error(rc, field, "an array");
	*out = v;
	return CLARO_OK;
}

static int compare_normalized(const struct claro_normalized_version *a,
			      const struct claro_normalized_version *b)
{
	for (int i = 0; i < CLARO_NORM_VERSION_LEN; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return 0;
}

static void set_min(struct claro_normalized_version *nv, const char *kind)
{
	memset(nv, 0, sizeof(*nv));
	nv->kind = kind;
}

static void set_inf(struct claro_normalized_version *nv, const char *kind)
{
	memset(nv, 0, sizeof(*nv));
	nv->kind = kind;
	nv->v[0] = RANGE_INF;
}

static int normalize(const struct claro_version_scheme_ops *ops, const char *v,
		     struct claro_normalized_version *out)
{
	memset(out, 0, sizeof(*out));
	if (!ops || !ops->normalize || ops->normalize(v, out) != CLARO_OK || !out->kind || !*out->kind)
		return -1;
	return 0;
}

/* Masterminds semver IncPatch on the normalised form: a release gets patch
 * (V[3]) + 1; a pre-release only loses its pre-release part, which the
 * normalised form has already dropped. */
static int semver_has_prerelease(const char *v)
{
	size_t core = strcspn(v, "+");
	const char *dash = memchr(v, '-', core);

	return dash != NULL;
}

/* ---- one interval -> one vulnerability ---- */

struct interval {
	const char *introduced; /* "0" or a version; never NULL */
	const char *fixed;      /* or NULL */
	const char *last;       /* last_affected, or NULL */
};

static enum claro_status emit(struct record_ctx *rc, const char *pkg_name, const char *fixed_in_version,
			      const struct claro_normalized_version *lower,
			      const struct claro_normalized_version *upper)
{
	const struct osv_ecosystem *eco = rc->cv->eco;
	struct claro_package pkg;
	struct claro_repository repo;
	struct claro_vulnerability v;

	memset(&pkg, 0, sizeof(pkg));
	pkg.struct_size = sizeof(pkg);
	pkg.name = pkg_name;
	pkg.version = "";
	pkg.kind = CLARO_PACKAGE_BINARY;
	pkg.repository_hint = eco->osv;
	memset(&repo, 0, sizeof(repo));
	repo.struct_size = sizeof(repo);
	repo.name = eco->repo_name;
	repo.uri = eco->repo_uri;
	memset(&v, 0, sizeof(v));
	v.struct_size = sizeof(v);
	v.name = rc->id;
	v.description = rc->summary;
	v.issued = rc->issued;
	v.links = rc->links;
	v.severity = rc->severity;
	v.normalized_severity = rc->normalized;
	v.package = &pkg;
	v.repository = &repo;
	v.fixed_in_version = fixed_in_version ? fixed_in_version : "";
	v.arch_op = CLARO_ARCH_OP_NONE;
	if (lower && upper) {
		v.range_lower = *lower;
		v.range_upper = *upper;
	}
	rc->cv->stats.emitted++;
	return rc->cv->emit ? rc->cv->emit(rc->cv->emit_arg, &v) : CLARO_OK;
}

static enum claro_status semver_interval(struct record_ctx *rc, const char *pkg_name,
					 const struct interval *iv)
{
	const struct claro_version_scheme_ops *ops = rc->cv->semver;
	struct claro_normalized_version lower, upper;

	if (!ops || !ops->normalize) {
		rc->cv->stats.no_semver++;
		return emit(rc, pkg_name, iv->fixed, NULL, NULL);
	}
	if (strcmp(iv->introduced, "0") == 0) {
		set_min(&lower, "semver");
	} else if (normalize(ops, iv->introduced, &lower) != 0) {
		rc->cv->stats.bad_version++;
		return CLARO_OK;
	}
	if (iv->fixed) {
		if (normalize(ops, iv->fixed, &upper) != 0) {
			rc->cv->stats.bad_version++;
			return CLARO_OK;
		}
	} else if (iv->last) {
		if (normalize(ops, iv->last, &upper) != 0 || upper.v[3] == INT32_MAX) {
			rc->cv->stats.bad_version++;
			return CLARO_OK;
		}
		if (!semver_has_prerelease(iv->last))
			upper.v[3]++;
	} else {
		set_inf(&upper, lower.kind);
	}
	if (strcmp(lower.kind, upper.kind) != 0 || compare_normalized(&lower, &upper) > 0) {
		rc->cv->stats.inverted++;
		return CLARO_OK;
	}
	return emit(rc, pkg_name, iv->fixed, &lower, &upper);
}

/* The optional normalised range of an ECOSYSTEM interval; 0 if there is one. */
static int ecosystem_range(struct record_ctx *rc, const struct interval *iv,
			   struct claro_normalized_version *lower, struct claro_normalized_version *upper)
{
	const struct osv_convert *cv = rc->cv;

	if (!cv->ecosystem_ranges || !cv->eco->scheme)
		return -1;
	if (!cv->eco_scheme) {
		rc->cv->stats.no_scheme++;
		return -1;
	}
	if (!cv->eco_scheme->normalize || iv->last)
		return -1; /* no normalised form, or no exclusive upper bound */
	if (strcmp(iv->introduced, "0") == 0)
		set_min(lower, NULL);
	else if (normalize(cv->eco_scheme, iv->introduced, lower) != 0)
		return -1;
	if (iv->fixed) {
		if (normalize(cv->eco_scheme, iv->fixed, upper) != 0)
			return -1;
	} else {
		set_inf(upper, NULL);
	}
	if (!lower->kind)
		lower->kind = upper->kind ? upper->kind : cv->eco->scheme;
	if (!upper->kind)
		upper->kind = lower->kind;
	if (strcmp(lower->kind, upper->kind) != 0 || compare_normalized(lower, upper) > 0)
		return -1;
	return 0;
}

static enum claro_status ecosystem_interval(struct record_ctx *rc, const char *pkg_name,
					    const struct interval *iv)
{
	struct claro_normalized_version lower, upper;
	int has_range;
	char *fixed_in;
	enum claro_status st;

	switch (rc->cv->eco->eco_ranges) {
	case OSV_ECO_SKIP: rc->cv->stats.eco_skipped++; return CLARO_OK;
	case OSV_ECO_PLAIN: fixed_in = copy_string(iv->fixed ? iv->fixed : ""); break;
	default:
		fixed_in = range_query(strcmp(iv->introduced, "0") == 0 ? NULL : iv->introduced, iv->fixed,
				       iv->fixed ? NULL : iv->last);
		break;
	}
	if (!fixed_in)
		return nomem(rc->err);
	has_range = ecosystem_range(rc, iv, &lower, &upper) == 0;
	st = emit(rc, pkg_name, fixed_in, has_range ? &lower : NULL, has_range ? &upper : NULL);
	free(fixed_in);
	return st;
}

/* Walk one range's events in file order into intervals. */
static enum claro_status walk_range(struct record_ctx *rc, const char *pkg_name, json_t *range, int semver)
{
	json_t *events, *ev;
	size_t i;
	struct interval iv = {NULL, NULL, NULL};
	enum claro_status st;

	if ((st = opt_array(rc, range, "events", "affected[].ranges[].events", &events)) != CLARO_OK)
		return st;
	json_array_foreach(events, i, ev)
	{
		const char *introduced, *fixed, *last, *limit;

		if (!json_is_object(ev))
			return type_error(rc, "affected[].ranges[].events[]", "an object");
		if ((st = opt_string(rc, ev, "introduced", "events[].introduced", &introduced)) != CLARO_OK ||
		    (st = opt_string(rc, ev, "fixed", "events[].fixed", &fixed)) != CLARO_OK ||
		    (st = opt_string(rc, ev, "last_affected", "events[].last_affected", &last)) != CLARO_OK ||
		    (st = opt_string(rc, ev, "limit", "events[].limit", &limit)) != CLARO_OK)
			return st;
		if (introduced && *introduced) {
			if (!iv.introduced)
				iv.introduced = introduced;
			continue;
		}
		if (!iv.introduced)
			continue; /* a fix with nothing open: no interval */
		if (fixed && *fixed)
			iv.fixed = fixed;
		else if (last && *last)
			iv.last = last;
		else
			continue; /* limit or an empty event: Clair ignores both */
		st = semver ? semver_interval(rc, pkg_name, &iv) : ecosystem_interval(rc, pkg_name, &iv);
		if (st != CLARO_OK)
			return st;
		iv.introduced = iv.fixed = iv.last = NULL;
	}
	if (iv.introduced)
		return semver ? semver_interval(rc, pkg_name, &iv) : ecosystem_interval(rc, pkg_name, &iv);
	return CLARO_OK;
}

/* The package name of an affected entry per the ecosystem's rule; NULL in
 * *out (and CLARO_OK) when it has none. *owned is set when *out must be
 * freed. */
static enum claro_status package_name(struct record_ctx *rc, json_t *pkg, const char **out, char **owned)
{
	const char *name, *purl;
	enum claro_status st;

	*out = NULL;
	*owned = NULL;
	if ((st = opt_string(rc, pkg, "name", "affected[].package.name", &name)) != CLARO_OK ||
	    (st = opt_string(rc, pkg, "purl", "affected[].package.purl", &purl)) != CLARO_OK)
		return st;
	switch (rc->cv->eco->naming) {
	case OSV_NAME_PURL: *out = purl; break;
	case OSV_NAME_PEP503:
		if (name) {
			if (!(*owned = osv_pep503(name)))
				return nomem(rc->err);
			*out = *owned;
		}
		break;
	default: *out = name; break;
	}
	if (*out && !**out)
		*out = NULL;
	return CLARO_OK;
}

/* Is the affected entry's ecosystem the dump's own ("Go", or "Debian:12"
 * style with a suffix)? */
static int same_ecosystem(const char *eco, const char *want)
{
	size_t n = strcspn(eco, ":");

	return strlen(want) == n && strncmp(eco, want, n) == 0;
}

static enum claro_status convert_affected(struct record_ctx *rc, json_t *aff, size_t *ranges_seen)
{
	json_t *pkg, *ranges, *range;
	const char *eco, *pkg_name;
	char *owned = NULL;
	size_t i;
	enum claro_status st;

	if (!json_is_object(aff))
		return type_error(rc, "affected[]", "an object");
	pkg = json_object_get(aff, "package");
	if (pkg && !json_is_null(pkg) && !json_is_object(pkg))
		return type_error(rc, "affected[].package", "an object");
	if ((st = opt_array(rc, aff, "ranges", "affected[].ranges", &ranges)) != CLARO_OK)
		return st;
	eco = NULL;
	if (pkg && json_is_object(pkg) &&
	    (st = opt_string(rc, pkg, "ecosystem", "affected[].package.ecosystem", &eco)) != CLARO_OK)
		return st;
	json_array_foreach(ranges, i, range)
	{
		const char *type;
		if (!json_is_object(range))
			return type_error(rc, "affected[].ranges[]", "an object");
		if ((st = opt_string(rc, range, "type", "affected[].ranges[].type", &type)) != CLARO_OK)
			return st;
	}
	if (!eco || !same_ecosystem(eco, rc->cv->eco->osv)) {
		rc->cv->stats.other_ecosystem++;
		return CLARO_OK;
	}
	if ((st = package_name(rc, pkg, &pkg_name, &owned)) != CLARO_OK)
		return st;
	if (!pkg_name) {
		rc->cv->stats.no_name++;
		return CLARO_OK;
	}
	json_array_foreach(ranges, i, range)
	{
		const char *type = json_string_value(json_object_get(range, "type"));
		int semver;
		if (!type)
			continue;
		if (strcmp(type, "SEMVER") == 0)
			semver = 1;
		else if (strcmp(type, "ECOSYSTEM") == 0)
			semver = 0;
		else
			continue; /* GIT: Clair does not fetch sources */
		(*ranges_seen)++;
		if ((st = walk_range(rc, pkg_name, range, semver)) != CLARO_OK)
			break;
	}
	free(owned);
	return st;
}

/* ---- record-level fields ---- */

/* Space-separated reference URLs, then one osv.dev link per alias. */
static enum claro_status build_links(struct record_ctx *rc, json_t *refs, json_t *aliases)
{
	size_t n = 1, i, j = 0;
	json_t *item;
	const char *url;
	enum claro_status st;

	json_array_foreach(refs, i, item)
	{
		if (!json_is_object(item))
			return type_error(rc, "references[]", "an object");
		if ((st = opt_string(rc, item, "url", "references[].url", &url)) != CLARO_OK)
			return st;
		n += url ? strlen(url) + 1 : 0;
	}
	json_array_foreach(aliases, i, item)
	{
		if (!json_is_string(item))
			return type_error(rc, "aliases[]", "a string");
		n += strlen(ALIAS_URL) + strlen(json_string_value(item)) + 1;
	}
	if (!(rc->links = malloc(n)))
		return nomem(rc->err);
	json_array_foreach(refs, i, item)
	{
		if (!(url = json_string_value(json_object_get(item, "url"))) || !*url)
			continue;
		if (j)
			rc->links[j++] = ' ';
		memcpy(rc->links + j, url, strlen(url));
		j += strlen(url);
	}
	json_array_foreach(aliases, i, item)
	{
		const char *alias = json_string_value(item);
		if (!*alias)
			continue;
		if (j)
			rc->links[j++] = ' ';
		memcpy(rc->links + j, ALIAS_URL, strlen(ALIAS_URL));
		j += strlen(ALIAS_URL);
		memcpy(rc->links + j, alias, strlen(alias));
		j += strlen(alias);
	}
	rc->links[j] = '\0';
	return CLARO_OK;
}

static enum claro_severity severity_word(const char *s)
{
	static const struct {
		const char *word;
		enum claro_severity sev;
	} words[] = {
	    {"none", CLARO_SEVERITY_NEGLIGIBLE},   {"negligible", CLARO_SEVERITY_NEGLIGIBLE},
	    {"low", CLARO_SEVERITY_LOW},           {"moderate", CLARO_SEVERITY_MEDIUM},
	    {"medium", CLARO_SEVERITY_MEDIUM},     {"high", CLARO_SEVERITY_HIGH},
	    {"critical", CLARO_SEVERITY_CRITICAL},
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i].word) == 0)
			return words[i].sev;
	return CLARO_SEVERITY_UNKNOWN;
}

/* The last valid CVSS vector of severity[], else database_specific.severity. */
static enum claro_status pick_severity(struct record_ctx *rc, json_t *root)
{
	json_t *sev, *item, *db;
	size_t i;
	const char *type, *score;
	enum claro_status st;

	rc->severity = NULL;
	rc->normalized = CLARO_SEVERITY_UNKNOWN;
	if ((st = opt_array(rc, root, "severity", "severity", &sev)) != CLARO_OK)
		return st;
	json_array_foreach(sev, i, item)
	{
		int score10;
		if (!json_is_object(item))
			return type_error(rc, "severity[]", "an object");
		if ((st = opt_string(rc, item, "type", "severity[].type", &type)) != CLARO_OK ||
		    (st = opt_string(rc, item, "score", "severity[].score", &score)) != CLARO_OK)
			return st;
		if (!type || !score ||
		    (strcmp(type, "CVSS_V2") != 0 && strcmp(type, "CVSS_V3") != 0 &&
		     strcmp(type, "CVSS_V4") != 0))
			continue;
		if (osv_cvss_base_score(score, &score10) != 0)
			continue;
		rc->severity = score;
		rc->normalized = osv_cvss_band(score10);
	}
	if (rc->severity)
		return CLARO_OK;
	db = json_object_get(root, "database_specific");
	if (json_is_object(db) && json_is_string(json_object_get(db, "severity"))) {
		rc->severity = json_string_value(json_object_get(db, "severity"));
		rc->normalized = severity_word(rc->severity);
	}
	return CLARO_OK;
}

static int valid_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > OSV_MAX_ID)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
			return 0;
	return 1;
}

static enum claro_status convert(struct record_ctx *rc, json_t *root)
{
	struct osv_convert *cv = rc->cv;
	json_t *affected, *aff, *refs, *aliases;
	const char *withdrawn, *published;
	size_t i, ranges_seen = 0;
	int64_t t;
	enum claro_status st;
	char id[64];

	if (!json_is_object(root))
		return osv_fail(rc->err, CLARO_ERR_INVALID, WHAT_BAD, HINT_FEED,
				"%s: the record is not a JSON object.", rc->source);
	if ((st = opt_string(rc, root, "id", "id", &rc->id)) != CLARO_OK)
		return st;
	if (!rc->id || !valid_id(rc->id))
		return osv_fail(rc->err, CLARO_ERR_INVALID, WHAT_BAD, HINT_FEED,
				"%s: the record has no usable \"id\" (1 to %d printable bytes): \"%s\".",
				rc->source, OSV_MAX_ID, osv_printable(id, sizeof(id), rc->id ? rc->id : ""));
	cv->stats.records++;
	if ((st = opt_string(rc, root, "withdrawn", "withdrawn", &withdrawn)) != CLARO_OK ||
	    (st = opt_string(rc, root, "summary", "summary", &rc->summary)) != CLARO_OK ||
	    (st = opt_string(rc, root, "published", "published", &published)) != CLARO_OK ||
	    (st = opt_array(rc, root, "affected", "affected", &affected)) != CLARO_OK ||
	    (st = opt_array(rc, root, "references", "references", &refs)) != CLARO_OK ||
	    (st = opt_array(rc, root, "aliases", "aliases", &aliases)) != CLARO_OK ||
	    (st = pick_severity(rc, root)) != CLARO_OK || (st = build_links(rc, refs, aliases)) != CLARO_OK)
		return st;
	/* An unreadable withdrawn time still says the record was withdrawn. */
	if (withdrawn && (osv_parse_time(withdrawn, &t) != 0 || t <= cv->now)) {
		cv->stats.withdrawn++;
		return CLARO_OK;
	}
	if (!affected || json_array_size(affected) == 0) {
		cv->stats.no_affected++;
		return CLARO_OK;
	}
	rc->issued = published && osv_parse_time(published, &t) == 0 ? t : INT64_MIN;
	json_array_foreach(affected, i, aff)
	{
		if ((st = convert_affected(rc, aff, &ranges_seen)) != CLARO_OK)
			return st;
	}
	if (ranges_seen == 0)
		cv->stats.no_ranges++;
	return CLARO_OK;
}

enum claro_status osv_convert_record(struct osv_convert *cv, const char *json, size_t len, const char *source,
				     struct osv_error *err)
{
	struct record_ctx rc;
	json_error_t jerr;
	json_t *root;
	enum claro_status st;

	memset(&rc, 0, sizeof(rc));
	rc.cv = cv;
	rc.err = err;
	rc.source = source ? source : "record";
	root = json_loadb(json, len, 0, &jerr);
	if (!root) {
		char text[160];
		return osv_fail(err, CLARO_ERR_INVALID, WHAT_BAD, HINT_FEED, "%s: line %d, column %d: %s.",
				rc.source, jerr.line, jerr.column,
				osv_printable(text, sizeof(text), jerr.text));
	}
	st = convert(&rc, root);
	free(rc.links);
	json_decref(root);
	return st;
}
