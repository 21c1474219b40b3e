/* VulnerabilityReport → text, JSON, SARIF 2.1.0, CycloneDX 1.5, JUnit.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include "report_format.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/rand.h>

#include "store_advisory.h"
#include "strutil.h"

/* The names are the store's (one table, core/vulnjson.c). */
const char *severity_name(enum claro_severity sev)
{
	return store_severity_name(sev);
}

enum claro_status severity_parse(const char *name, enum claro_severity *out, struct error *err)
{
	for (size_t i = 0; i <= CLARO_SEVERITY_CRITICAL; i++) {
		if (name && strcasecmp(name, store_severity_name((enum claro_severity)i)) == 0) {
			*out = (enum claro_severity)i;
			return CLARO_OK;
		}
	}
	error_set(err, CLARO_ERR_INVALID, "unknown severity \"%s\"", name ? name : "");
	error_detail(err, "Severities are Clair's normalized severities.");
	error_hint(err, "Use one of: critical, high, medium, low, negligible, unknown.");
	return CLARO_ERR_INVALID;
}

static const char *const format_names[] = {"text", "json", "sarif", "cyclonedx", "junit"};

enum claro_status report_format_parse(const char *name, enum report_format *out, struct error *err)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (name && strcmp(name, format_names[i]) == 0) {
			*out = (enum report_format)i;
			return CLARO_OK;
		}
	}
	error_set(err, CLARO_ERR_INVALID, "unknown report format \"%s\"", name ? name : "");
	error_hint(err, "Use one of: text, json, sarif, cyclonedx, junit.");
	return CLARO_ERR_INVALID;
}

/* ---- the view ---- */

static const char *jstr(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

static enum claro_severity severity_of(json_t *vuln)
{
	enum claro_severity sev = CLARO_SEVERITY_UNKNOWN;

	if (store_severity_parse(jstr(vuln, "normalized_severity"), &sev) != 0)
		sev = CLARO_SEVERITY_UNKNOWN;
	return sev;
}

/* Some ecosystems (python, maven, gem) store "fixed=X&introduced=Y" in
 * fixed_in_version (reference §6.3). Show X; "" when the query has no fixed. */
static enum claro_status fixed_for_display(const char *raw, const char **out, char **owned)
{
	const char *p;
	size_t n;

	*owned = NULL;
	*out = raw;
	if (!strchr(raw, '=') ||
	    (!str_has_prefix(raw, "fixed=") && !strstr(raw, "&fixed=") &&
	     !str_has_prefix(raw, "introduced=") && !str_has_prefix(raw, "lastAffected=")))
		return CLARO_OK;
	*out = "";
	p = str_has_prefix(raw, "fixed=") ? raw + 6 : strstr(raw, "&fixed=");
	if (!p)
		return CLARO_OK;
	if (*p == '&')
		p += 7;
	n = strcspn(p, "&");
	if (!(*owned = str_ndup(p, n)))
		return CLARO_ERR_NOMEM;
	*out = *owned;
	return CLARO_OK;
}

static const char *first_layer(json_t *report, const char *pkg_id, const char **package_db)
{
	json_t *envs = json_object_get(json_object_get(report, "environments"), pkg_id);
	json_t *env = json_array_get(envs, 0);

	*package_db = jstr(env, "package_db");
	return jstr(env, "introduced_in");
}

static int finding_cmp(const void *a, const void *b)
{
	const struct report_finding *x = a, *y = b;
	int c = strcmp(jstr(x->package, "name"), jstr(y->package, "name"));

	if (c)
		return c;
	if ((c = strcmp(jstr(x->package, "version"), jstr(y->package, "version"))))
		return c;
	if ((c = strcmp(x->package_id, y->package_id)))
		return c;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return strcmp(jstr(x->vulnerability, "name"), jstr(y->vulnerability, "name"));
}

static enum claro_status view_add(struct report_view *v, size_t *cap, const struct report_finding *f)
{
	if (v->n_findings == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct report_finding *n = realloc(v->findings, ncap * sizeof(*n));

		if (!n)
			return CLARO_ERR_NOMEM;
		v->findings = n;
		*cap = ncap;
	}
	v->findings[v->n_findings++] = *f;
	return CLARO_OK;
}

static enum claro_status report_shape_error(struct error *err, const char *what)
{
	error_set(err, CLARO_ERR_INVALID, "malformed vulnerability report");
	error_detail(err, "The report's \"%s\" is missing or not a JSON object.", what);
	error_hint(err, "Check that the server is a Clair v4 compatible matcher.");
	return CLARO_ERR_INVALID;
}

static enum claro_status view_add_package(struct report_view *v, size_t *cap, const char *pkg_id, json_t *ids,
					  const struct report_options *o, struct error *err)
{
	json_t *report = v->report, *pkgs = json_object_get(report, "packages");
	json_t *vulns = json_object_get(report, "vulnerabilities"), *id;
	size_t i, before = v->n_findings;

	json_array_foreach(ids, i, id)
	{
		struct report_finding f = {0};

		f.package_id = pkg_id;
		f.package = json_object_get(pkgs, pkg_id);
		f.vulnerability_id = json_string_value(id);
		f.vulnerability = f.vulnerability_id ? json_object_get(vulns, f.vulnerability_id) : NULL;
		if (!f.package || !f.vulnerability)
			continue; /* a dangling id: nothing to show for it */
		f.severity = severity_of(f.vulnerability);
		f.layer = first_layer(report, pkg_id, &f.package_db);
		if (fixed_for_display(jstr(f.vulnerability, "fixed_in_version"), &f.fixed_in,
				      &f.fixed_owned) != CLARO_OK)
			return error_set(err, CLARO_ERR_NOMEM, "out of memory");
		if (o && o->ignore_unfixed && !*f.fixed_in) {
			free(f.fixed_owned);
			continue;
		}
		if (view_add(v, cap, &f) != CLARO_OK) {
			free(f.fixed_owned);
			return error_set(err, CLARO_ERR_NOMEM, "out of memory");
		}
	}
	if (v->n_findings > before)
		v->n_vulnerable_packages++;
	return CLARO_OK;
}

enum claro_status report_view_build(json_t *report, const struct report_options *opts,
				    struct report_view *view, struct error *err)
{
	json_t *pv, *ids;
	const char *pkg_id;
	size_t cap = 0;
	enum claro_status st;

	memset(view, 0, sizeof(*view));
	view->report = report;
	if (!json_is_object(report))
		return report_shape_error(err, "report");
	if (!json_is_object(json_object_get(report, "packages")))
		return report_shape_error(err, "packages");
	pv = json_object_get(report, "package_vulnerabilities");
	if (pv && !json_is_object(pv) && !json_is_null(pv))
		return report_shape_error(err, "package_vulnerabilities");
	if (json_object_size(pv) && !json_is_object(json_object_get(report, "vulnerabilities")))
		return report_shape_error(err, "vulnerabilities");
	view->n_packages = json_object_size(json_object_get(report, "packages"));
	json_object_foreach(pv, pkg_id, ids)
	{
		if (!json_is_array(ids))
			continue;
		if ((st = view_add_package(view, &cap, pkg_id, ids, opts, err)) != CLARO_OK) {
			report_view_free(view);
			return st;
		}
	}
	if (view->n_findings)
		qsort(view->findings, view->n_findings, sizeof(*view->findings), finding_cmp);
	for (size_t i = 0; i < view->n_findings; i++) {
		enum claro_severity s = view->findings[i].severity;

		view->by_severity[s]++;
		if (s > view->max_severity)
			view->max_severity = s;
	}
	return CLARO_OK;
}

void report_view_free(struct report_view *view)
{
	for (size_t i = 0; i < view->n_findings; i++)
		free(view->findings[i].fixed_owned);
	free(view->findings);
	view->findings = NULL;
	view->n_findings = 0;
}

size_t report_view_count_at_least(const struct report_view *view, enum claro_severity sev)
{
	size_t n = 0;

	for (int s = (int)sev; s <= CLARO_SEVERITY_CRITICAL; s++)
		n += view->by_severity[s];
	return n;
}

/* ---- text ---- */

static const char *severity_colour(enum claro_severity s)
{
	switch (s) {
	case CLARO_SEVERITY_CRITICAL: return "\033[1;31m";
	case CLARO_SEVERITY_HIGH: return "\033[31m";
	case CLARO_SEVERITY_MEDIUM: return "\033[33m";
	case CLARO_SEVERITY_LOW: return "\033[34m";
	default: return "";
	}
}

/* Short layer digest for the table: the first 12 hex digits. */
static void short_digest(const char *digest, char out[13])
{
	const char *hex = strchr(digest, ':');

	hex = hex ? hex + 1 : digest;
	snprintf(out, 13, "%s", hex);
}

struct text_widths {
	int pkg, ver, vuln, sev, fixed;
};

static int width_of(const char *s, int cur, int cap)
{
	int n = (int)strlen(s);

	if (n > cap)
		n = cap;
	return n > cur ? n : cur;
}

static void text_widths(const struct report_view *v, struct text_widths *w)
{
	w->pkg = 7; /* "PACKAGE" */
	w->ver = 9;
	w->vuln = 13;
	w->sev = 10;
	w->fixed = 8;
	for (size_t i = 0; i < v->n_findings; i++) {
		const struct report_finding *f = &v->findings[i];

		w->pkg = width_of(jstr(f->package, "name"), w->pkg, 40);
		w->ver = width_of(jstr(f->package, "version"), w->ver, 40);
		w->vuln = width_of(jstr(f->vulnerability, "name"), w->vuln, 40);
		w->fixed = width_of(f->fixed_in, w->fixed, 40);
	}
}

static void text_summary(FILE *fp, const struct report_view *v, const struct report_options *o)
{
	int first = 1;

	if (!v->n_findings) {
		fprintf(fp, "%s: no vulnerabilities found in %zu packages%s\n",
			o && o->image ? o->image : "image", v->n_packages,
			o && o->ignore_unfixed ? " (unfixed ones ignored)" : "");
		return;
	}
	fprintf(fp, "\n%s: %zu vulnerabilities in %zu of %zu packages (", o && o->image ? o->image : "image",
		v->n_findings, v->n_vulnerable_packages, v->n_packages);
	for (int s = CLARO_SEVERITY_CRITICAL; s >= CLARO_SEVERITY_UNKNOWN; s--) {
		fprintf(fp, "%s%s %zu", first ? "" : ", ", severity_name((enum claro_severity)s),
			v->by_severity[s]);
		first = 0;
	}
	fprintf(fp, ")%s\n", o && o->ignore_unfixed ? ", unfixed ones ignored" : "");
}

static void write_text(FILE *fp, const struct report_view *v, const struct report_options *o)
{
	struct text_widths w;
	const char *prev_pkg = NULL;
	int color = o && o->color;

	text_widths(v, &w);
	if (v->n_findings)
		fprintf(fp, "%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w.pkg, "PACKAGE", w.ver, "INSTALLED",
			w.vuln, "VULNERABILITY", w.sev, "SEVERITY", w.fixed, "FIXED IN", "LAYER");
	for (size_t i = 0; i < v->n_findings; i++) {
		const struct report_finding *f = &v->findings[i];
		int same = prev_pkg && strcmp(prev_pkg, f->package_id) == 0;
		const char *c = color ? severity_colour(f->severity) : "";
		char layer[13];

		short_digest(f->layer, layer);
		fprintf(fp, "%-*.*s  %-*.*s  %-*.*s  %s%-*s%s  %-*.*s  %s\n", w.pkg, w.pkg,
			same ? "" : jstr(f->package, "name"), w.ver, w.ver,
			same ? "" : jstr(f->package, "version"), w.vuln, w.vuln,
			jstr(f->vulnerability, "name"), c, w.sev, severity_name(f->severity),
			*c ? "\033[0m" : "", w.fixed, w.fixed, *f->fixed_in ? f->fixed_in : "-",
			same ? "" : layer);
		prev_pkg = f->package_id;
	}
	text_summary(fp, v, o);
}

/* ---- JSON (Clair's VulnerabilityReport, filtered like the view) ---- */

static enum claro_status write_json(FILE *fp, const struct report_view *v, const struct report_options *o)
{
	json_t *out, *pv, *vulns;
	int rc;

	if (!o || !o->ignore_unfixed)
		return json_dumpf(v->report, fp, JSON_INDENT(2)) == 0 ? CLARO_OK : CLARO_ERR_IO;
	/* Keep only what the view kept: the same findings as every other format. */
	if (!(out = json_copy(v->report)))
		return CLARO_ERR_NOMEM;
	pv = json_object();
	vulns = json_object();
	if (!pv || !vulns)
		goto nomem;
	for (size_t i = 0; i < v->n_findings; i++) {
		const struct report_finding *f = &v->findings[i];
		json_t *list = json_object_get(pv, f->package_id);

		if (!list && (!(list = json_array()) || json_object_set_new(pv, f->package_id, list)))
			goto nomem;
		if (json_array_append_new(list, json_string(f->vulnerability_id)) ||
		    json_object_set(vulns, f->vulnerability_id, f->vulnerability))
			goto nomem;
	}
	if (json_object_set_new(out, "package_vulnerabilities", pv) ||
	    json_object_set_new(out, "vulnerabilities", vulns)) {
		pv = vulns = NULL;
		goto nomem;
	}
	rc = json_dumpf(out, fp, JSON_INDENT(2));
	json_decref(out);
	return rc == 0 ? CLARO_OK : CLARO_ERR_IO;
nomem:
	json_decref(pv);
	json_decref(vulns);
	json_decref(out);
	return CLARO_ERR_NOMEM;
}

/* ---- shared helpers for the machine formats ---- */

/* The first URL of a space-separated links string, or NULL. */
static char *first_link(json_t *vuln)
{
	const char *links = jstr(vuln, "links");
	size_t n;

	links += strspn(links, " ");
	n = strcspn(links, " ");
	return n ? str_ndup(links, n) : NULL;
}

static int append_new(json_t *array, json_t *v)
{
	return v ? json_array_append_new(array, v) : -1;
}

static int set_new(json_t *obj, const char *key, json_t *v)
{
	return v ? json_object_set_new(obj, key, v) : -1;
}

static enum claro_status dump_new(FILE *fp, json_t *doc)
{
	int rc;

	if (!doc)
		return CLARO_ERR_NOMEM;
	rc = json_dumpf(doc, fp, JSON_INDENT(2));
	json_decref(doc);
	if (rc == 0 && fputc('\n', fp) == EOF)
		rc = -1;
	return rc == 0 ? CLARO_OK : CLARO_ERR_IO;
}

/* ---- SARIF 2.1.0 ---- */

static const char *sarif_level(enum claro_severity s)
{
	if (s >= CLARO_SEVERITY_HIGH)
		return "error";
	if (s == CLARO_SEVERITY_MEDIUM)
		return "warning";
	return "note";
}

/* GitHub code scanning reads properties.security-severity as a CVSS-like score. */
static const char *sarif_score(enum claro_severity s)
{
	static const char *const scores[] = {"0.0", "1.0", "3.0", "5.5", "8.0", "9.5"};

	return scores[(unsigned)s <= CLARO_SEVERITY_CRITICAL ? s : 0];
}

static json_t *sarif_rule(const struct report_finding *f)
{
	const char *name = jstr(f->vulnerability, "name"), *desc = jstr(f->vulnerability, "description");
	char *help = first_link(f->vulnerability);
	json_t *rule = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:[s,s]}}", "id", name, "name", name,
				 "shortDescription", "text", name, "fullDescription", "text",
				 *desc ? desc : name, "properties", "security-severity",
				 sarif_score(f->severity), "tags", "security", "vulnerability");

	if (rule && help && set_new(rule, "helpUri", json_string(help))) {
		json_decref(rule);
		rule = NULL;
	}
	free(help);
	return rule;
}

static json_t *sarif_result(const struct report_finding *f, size_t rule_index, const struct report_options *o)
{
	const char *name = jstr(f->vulnerability, "name");
	const char *uri = *f->package_db ? f->package_db : (o && o->image ? o->image : "image");
	char *text = str_printf("%s %s is affected by %s (%s); %s%s", jstr(f->package, "name"),
				jstr(f->package, "version"), name, severity_name(f->severity),
				*f->fixed_in ? "fixed in " : "no fixed version", f->fixed_in);
	json_t *res;

	if (!text)
		return NULL;
	res = json_pack("{s:s, s:I, s:s, s:{s:s}, s:[{s:{s:{s:s}}, s:[{s:s, s:s}]}]}", "ruleId", name,
			"ruleIndex", (json_int_t)rule_index, "level", sarif_level(f->severity), "message",
			"text", text, "locations", "physicalLocation", "artifactLocation", "uri", uri,
			"logicalLocations", "name", jstr(f->package, "name"), "kind", "package");
	free(text);
	return res;
}

static json_t *sarif_document(const struct report_view *v, const struct report_options *o)
{
	json_t *doc, *rules = json_array(), *results = json_array(), *index = json_object();

	if (!rules || !results || !index)
		goto fail;
	for (size_t i = 0; i < v->n_findings; i++) {
		const struct report_finding *f = &v->findings[i];
		const char *name = jstr(f->vulnerability, "name");
		json_t *idx = json_object_get(index, name);
		size_t ri;

		if (!idx) {
			ri = json_array_size(rules);
			if (append_new(rules, sarif_rule(f)) ||
			    set_new(index, name, json_integer((json_int_t)ri)))
				goto fail;
		} else {
			ri = (size_t)json_integer_value(idx);
		}
		if (append_new(results, sarif_result(f, ri, o)))
			goto fail;
	}
	json_decref(index);
	doc = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, s:o}]}", "$schema",
			"https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool",
			"driver", "name", "claro", "version", PACKAGE_VERSION, "informationUri",
			"https://github.com/claro-scanner/claro", "rules", rules, "results", results);
	return doc;
fail:
	json_decref(rules);
	json_decref(results);
	json_decref(index);
	return NULL;
}

/* ---- CycloneDX 1.5 ---- */

/* purl components percent-encode everything but unreserved characters. */
static int purl_append(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
			if (buf_append(b, s, 1) != CLARO_OK)
				return -1;
		} else if (buf_printf(b, "%%%02X", c) != CLARO_OK) {
			return -1;
		}
	}
	return 0;
}

/* The purl type for a package database path (reference §1.7 package_db). */
static const char *purl_type(const char *db)
{
	if (strstr(db, "dpkg"))
		return "deb";
	if (strstr(db, "apk/db"))
		return "apk";
	if (str_has_prefix(db, "bdb:") || str_has_prefix(db, "sqlite:") || str_has_prefix(db, "ndb:") ||
	    strstr(db, "rpm"))
		return "rpm";
	if (str_has_prefix(db, "python:"))
		return "pypi";
	if (str_has_prefix(db, "maven:") || str_has_prefix(db, "jar:"))
		return "maven";
	if (str_has_prefix(db, "go:"))
		return "golang";
	if (str_has_prefix(db, "nodejs:"))
		return "npm";
	if (str_has_prefix(db, "ruby:") || strstr(db, "gem"))
		return "gem";
	return NULL;
}

/* pkg:<type>/[<distro did>/]<name>@<version>[?arch=<arch>]; NULL when unknown. */
static char *package_purl(json_t *report, const char *pkg_id, json_t *pkg)
{
	json_t *env = json_array_get(json_object_get(json_object_get(report, "environments"), pkg_id), 0);
	const char *type = purl_type(jstr(env, "package_db")), *did;
	struct buf b = BUF_INIT(0);
	int fail;

	if (!type)
		return NULL;
	did = jstr(json_object_get(json_object_get(report, "distributions"), jstr(env, "distribution_id")),
		   "did");
	fail = buf_printf(&b, "pkg:%s/", type) != CLARO_OK;
	if (!fail && *did && (!strcmp(type, "deb") || !strcmp(type, "apk") || !strcmp(type, "rpm")))
		fail = purl_append(&b, did) || buf_puts(&b, "/") != CLARO_OK;
	fail = fail || purl_append(&b, jstr(pkg, "name")) || buf_puts(&b, "@") != CLARO_OK ||
	       purl_append(&b, jstr(pkg, "version"));
	if (!fail && *jstr(pkg, "arch"))
		fail = buf_puts(&b, "?arch=") != CLARO_OK || purl_append(&b, jstr(pkg, "arch"));
	if (fail) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static const char *cdx_severity(enum claro_severity s)
{
	static const char *const names[] = {"unknown", "info", "low", "medium", "high", "critical"};

	return names[(unsigned)s <= CLARO_SEVERITY_CRITICAL ? s : 0];
}

static json_t *cdx_component(json_t *report, const char *id, json_t *pkg)
{
	char *ref = str_printf("pkg:%s", id), *purl = package_purl(report, id, pkg);
	json_t *c = ref ? json_pack("{s:s, s:s, s:s, s:s}", "type", "library", "bom-ref", ref, "name",
				    jstr(pkg, "name"), "version", jstr(pkg, "version"))
			: NULL;

	if (c && purl && set_new(c, "purl", json_string(purl))) {
		json_decref(c);
		c = NULL;
	}
	free(ref);
	free(purl);
	return c;
}

static json_t *cdx_vulnerability(const struct report_finding *f)
{
	char *ref = str_printf("vuln:%s:pkg:%s", f->vulnerability_id, f->package_id);
	char *affects = str_printf("pkg:%s", f->package_id), *link = first_link(f->vulnerability);
	json_t *v = NULL;

	if (ref && affects)
		v = json_pack("{s:s, s:s, s:{s:s}, s:[{s:s, s:s}], s:s, s:[{s:s}]}", "bom-ref", ref, "id",
			      jstr(f->vulnerability, "name"), "source", "name",
			      jstr(f->vulnerability, "updater"), "ratings", "severity",
			      cdx_severity(f->severity), "vector", jstr(f->vulnerability, "severity"),
			      "description", jstr(f->vulnerability, "description"), "affects", "ref",
			      affects);
	if (v && link && set_new(v, "advisories", json_pack("[{s:s}]", "url", link))) {
		json_decref(v);
		v = NULL;
	}
	if (v && *f->fixed_in) {
		char *rec = str_printf("Upgrade %s to %s or later.", jstr(f->package, "name"), f->fixed_in);

		if (!rec || set_new(v, "recommendation", json_string(rec))) {
			json_decref(v);
			v = NULL;
		}
		free(rec);
	}
	free(ref);
	free(affects);
	free(link);
	return v;
}

/* An RFC 4122 version 4 UUID for serialNumber. */
static int random_uuid(char out[37])
{
	unsigned char r[16];

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1],
		 r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
	return 0;
}

static json_t *cdx_metadata(const struct report_view *v, const struct report_options *o)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	const char *image = o && o->image ? o->image : jstr(v->report, "manifest_hash");

	if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return NULL;
	return json_pack("{s:s, s:{s:[{s:s, s:s, s:s}]}, s:{s:s, s:s, s:s}}", "timestamp", stamp, "tools",
			 "components", "type", "application", "name", "claro", "version", PACKAGE_VERSION,
			 "component", "type", "container", "bom-ref", jstr(v->report, "manifest_hash"),
			 "name", image);
}

static json_t *cdx_document(const struct report_view *v, const struct report_options *o)
{
	json_t *components = json_array(), *vulns = json_array(), *pkg;
	const char *id;
	char uuid[37], serial[46];

	if (!components || !vulns || random_uuid(uuid))
		goto fail;
	snprintf(serial, sizeof(serial), "urn:uuid:%s", uuid);
	json_object_foreach(json_object_get(v->report, "packages"), id, pkg)
	{
		if (append_new(components, cdx_component(v->report, id, pkg)))
			goto fail;
	}
	for (size_t i = 0; i < v->n_findings; i++) {
		if (append_new(vulns, cdx_vulnerability(&v->findings[i])))
			goto fail;
	}
	return json_pack("{s:s, s:s, s:s, s:i, s:o?, s:o, s:o}", "bomFormat", "CycloneDX", "specVersion",
			 "1.5", "serialNumber", serial, "version", 1, "metadata", cdx_metadata(v, o),
			 "components", components, "vulnerabilities", vulns);
fail:
	json_decref(components);
	json_decref(vulns);
	return NULL;
}

/* ---- JUnit XML: one test case per package, failing when it has findings ---- */

static void xml_escaped(FILE *fp, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&apos;", fp); break;
		default:
			/* XML 1.0 forbids most control characters even escaped. */
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				fputc('?', fp);
			else
				fputc(c, fp);
		}
	}
}

static int package_name_cmp(const void *a, const void *b)
{
	json_t *const *x = a, *const *y = b;
	int c = strcmp(jstr(*x, "name"), jstr(*y, "name"));

	return c ? c : strcmp(jstr(*x, "id"), jstr(*y, "id"));
}

static void junit_failure(FILE *fp, const struct report_view *v, size_t first, size_t end)
{
	fprintf(fp, "      <failure type=\"%s\" message=\"%zu vulnerabilit%s\">",
		severity_name(v->findings[first].severity), end - first, end - first == 1 ? "y" : "ies");
	for (size_t i = first; i < end; i++) {
		const struct report_finding *f = &v->findings[i];

		xml_escaped(fp, jstr(f->vulnerability, "name"));
		fprintf(fp, " (%s): ", severity_name(f->severity));
		xml_escaped(fp, *f->fixed_in ? "fixed in " : "no fixed version");
		xml_escaped(fp, f->fixed_in);
		fputc('\n', fp);
	}
	fputs("</failure>\n", fp);
}

static enum claro_status write_junit(FILE *fp, const struct report_view *v, const struct report_options *o)
{
	json_t *pkgs = json_object_get(v->report, "packages"), *pkg, **sorted;
	size_t n = json_object_size(pkgs), k = 0;
	const char *id;

	if (!(sorted = calloc(n ? n : 1, sizeof(*sorted))))
		return CLARO_ERR_NOMEM;
	json_object_foreach(pkgs, id, pkg)
	{
		sorted[k++] = pkg;
	}
	qsort(sorted, n, sizeof(*sorted), package_name_cmp);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp, "<testsuites name=\"claro\" tests=\"%zu\" failures=\"%zu\">\n", n,
		v->n_vulnerable_packages);
	fputs("  <testsuite name=\"", fp);
	xml_escaped(fp, o && o->image ? o->image : jstr(v->report, "manifest_hash"));
	fprintf(fp, "\" tests=\"%zu\" failures=\"%zu\">\n", n, v->n_vulnerable_packages);
	for (size_t i = 0; i < n; i++) {
		const char *pid = jstr(sorted[i], "id");
		size_t first = 0, end;

		/* findings are sorted by package name, version, id: find this package's run */
		while (first < v->n_findings && strcmp(v->findings[first].package_id, pid) != 0)
			first++;
		for (end = first; end < v->n_findings && strcmp(v->findings[end].package_id, pid) == 0; end++)
			;
		fputs("    <testcase classname=\"", fp);
		xml_escaped(fp, jstr(sorted[i], "name"));
		fputs("\" name=\"", fp);
		xml_escaped(fp, jstr(sorted[i], "name"));
		fputc(' ', fp);
		xml_escaped(fp, jstr(sorted[i], "version"));
		if (first == end) {
			fputs("\"/>\n", fp);
			continue;
		}
		fputs("\">\n", fp);
		junit_failure(fp, v, first, end);
		fputs("    </testcase>\n", fp);
	}
	fputs("  </testsuite>\n</testsuites>\n", fp);
	free(sorted);
	return CLARO_OK;
}

enum claro_status report_write(FILE *fp, const struct report_view *view, enum report_format format,
			       const struct report_options *opts, struct error *err)
{
	enum claro_status st = CLARO_OK;

	switch (format) {
	case REPORT_FORMAT_TEXT: write_text(fp, view, opts); break;
	case REPORT_FORMAT_JSON:
		if ((st = write_json(fp, view, opts)) == CLARO_OK && fputc('\n', fp) == EOF)
			st = CLARO_ERR_IO;
		break;
	case REPORT_FORMAT_SARIF: st = dump_new(fp, sarif_document(view, opts)); break;
	case REPORT_FORMAT_CYCLONEDX: st = dump_new(fp, cdx_document(view, opts)); break;
	case REPORT_FORMAT_JUNIT: st = write_junit(fp, view, opts); break;
	}
	if (st == CLARO_OK && (fflush(fp) != 0 || ferror(fp)))
		st = CLARO_ERR_IO;
	if (st == CLARO_ERR_NOMEM)
		return error_set(err, st, "out of memory while writing the %s report", format_names[format]);
	if (st != CLARO_OK) {
		error_set(err, st, "could not write the %s report", format_names[format]);
		error_detail(err, "The output stream reported an error.");
		error_hint(err, "Check that the output file or pipe is writable and the disk is not full.");
	}
	return st;
}
