/* Report formats (core/report_format.c) over the VulnerabilityReports Clair
 * itself expects in its matcher fixtures ($CLARO_TESTDATA/clair-fixtures/
 * matcher/<ecosystem>/<name>.txtar, section "Want"). Every format must list
 * exactly the report's (package, vulnerability) pairs: the expectations are
 * counted from the fixture JSON here, and the machine formats are parsed back
 * (jansson, libxml2) rather than compared as text.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "report_format.h"
#include "strutil.h"
#include "../tap.h"
#include "testutil.h"
#include "txtar.h"

static const char *const fixtures[] = {"matcher/ruby/BullseyeRuby.txtar",
				       "matcher/java/Jackson-Databind.txtar", "matcher/python/RHEL8.txtar",
				       "matcher/nodejs/Splunk.txtar"};

/* Render view in format into a string (caller frees). */
static char *render(const struct report_view *v, enum report_format f, const struct report_options *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct error err = ERROR_INIT;

	if (!fp)
		return NULL;
	if (report_write(fp, v, f, o, &err) != CLARO_OK)
		diag("report_write: %s", err.message);
	fclose(fp);
	error_clear(&err);
	return buf;
}

/* What the fixture says, counted independently of the view. */
struct expect {
	size_t pairs, packages, vulnerable_packages, unfixed_pairs;
	size_t by_sev[CLARO_SEVERITY_CRITICAL + 1];
};

static void count_expected(json_t *report, struct expect *e)
{
	json_t *pv = json_object_get(report, "package_vulnerabilities"), *ids, *id;
	json_t *vulns = json_object_get(report, "vulnerabilities");
	const char *pkg;
	size_t i;

	memset(e, 0, sizeof(*e));
	e->packages = json_object_size(json_object_get(report, "packages"));
	json_object_foreach(pv, pkg, ids)
	{
		if (json_array_size(ids))
			e->vulnerable_packages++;
		json_array_foreach(ids, i, id)
		{
			json_t *v = json_object_get(vulns, json_string_value(id));
			const char *sev = json_string_value(json_object_get(v, "normalized_severity"));
			const char *fixed = json_string_value(json_object_get(v, "fixed_in_version"));
			enum claro_severity s = CLARO_SEVERITY_UNKNOWN;
			struct error err = ERROR_INIT;

			if (sev && severity_parse(sev, &s, &err) != CLARO_OK)
				s = CLARO_SEVERITY_UNKNOWN;
			error_clear(&err);
			e->pairs++;
			e->by_sev[s]++;
			/* unfixed: no fixed version, or a range query without "fixed=" */
			if (!fixed || !*fixed || (strchr(fixed, '=') && !strstr(fixed, "fixed=")))
				e->unfixed_pairs++;
		}
	}
}

static void check_text(const struct report_view *v, json_t *report, const char *label)
{
	struct report_options o = {"img", 0, 0};
	char *text = render(v, REPORT_FORMAT_TEXT, &o), *want;
	json_t *vuln;
	const char *id;
	int all = 1;

	json_object_foreach(json_object_get(report, "vulnerabilities"), id, vuln)
	{
		if (!strstr(text ? text : "", json_string_value(json_object_get(vuln, "name")))) {
			diag("%s not in the table", json_string_value(json_object_get(vuln, "name")));
			all = 0;
		}
	}
	ok(all, "%s: text names every vulnerability", label);
	want = str_printf(
	    "img: %zu vulnerabilities in %zu of %zu packages (Critical %zu, High %zu, Medium %zu, Low "
	    "%zu, Negligible %zu, Unknown %zu)",
	    v->n_findings, v->n_vulnerable_packages, v->n_packages, v->by_severity[5], v->by_severity[4],
	    v->by_severity[3], v->by_severity[2], v->by_severity[1], v->by_severity[0]);
	like(text, want, "%s: text summary line", label);
	ok(text && !strchr(text, '\033'), "%s: no colour unless asked", label);
	free(want);
	free(text);
}

static void check_sarif(const struct report_view *v, const char *label)
{
	char *text = render(v, REPORT_FORMAT_SARIF, NULL);
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL, *run, *rules, *results, *r;
	size_t i;
	int refs_ok = 1;

	run = json_array_get(json_object_get(doc, "runs"), 0);
	rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	results = json_object_get(run, "results");
	is_str(json_string_value(json_object_get(doc, "version")), "2.1.0", "%s: SARIF version 2.1.0", label);
	is_int((long long)json_array_size(results), (long long)v->n_findings,
	       "%s: one SARIF result per finding", label);
	json_array_foreach(results, i, r)
	{
		json_t *rule =
		    json_array_get(rules, (size_t)json_integer_value(json_object_get(r, "ruleIndex")));
		const char *rid = json_string_value(json_object_get(r, "ruleId"));

		if (!rule || !rid || strcmp(rid, json_string_value(json_object_get(rule, "id"))) != 0)
			refs_ok = 0;
	}
	ok(refs_ok, "%s: every result's ruleIndex names its rule", label);
	json_decref(doc);
	free(text);
}

static void check_cyclonedx(const struct report_view *v, const char *label)
{
	char *text = render(v, REPORT_FORMAT_CYCLONEDX, NULL);
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL, *c, *vu;
	json_t *refs = json_object();
	size_t i;
	int affects_ok = 1;

	is_str(json_string_value(json_object_get(doc, "specVersion")), "1.5", "%s: CycloneDX 1.5", label);
	is_int((long long)json_array_size(json_object_get(doc, "components")), (long long)v->n_packages,
	       "%s: one component per package", label);
	json_array_foreach(json_object_get(doc, "components"), i, c)
	{
		json_object_set(refs, json_string_value(json_object_get(c, "bom-ref")), c);
	}
	is_int((long long)json_array_size(json_object_get(doc, "vulnerabilities")), (long long)v->n_findings,
	       "%s: one vulnerability entry per finding", label);
	json_array_foreach(json_object_get(doc, "vulnerabilities"), i, vu)
	{
		const char *ref = json_string_value(
		    json_object_get(json_array_get(json_object_get(vu, "affects"), 0), "ref"));

		if (!ref || !json_object_get(refs, ref))
			affects_ok = 0;
	}
	ok(affects_ok, "%s: every vulnerability affects a listed component", label);
	like(json_string_value(json_object_get(doc, "serialNumber")),
	     "urn:uuid:", "%s: serial number is a URN", label);
	json_decref(refs);
	json_decref(doc);
	free(text);
}

static void check_junit(const struct report_view *v, const char *label)
{
	char *text = render(v, REPORT_FORMAT_JUNIT, NULL);
	xmlDocPtr doc =
	    text ? xmlReadMemory(text, (int)strlen(text), "junit.xml", NULL, XML_PARSE_NONET) : NULL;
	xmlNodePtr suite = NULL, n;
	size_t cases = 0, failures = 0;

	ok(doc != NULL, "%s: JUnit output is well-formed XML", label);
	if (doc && xmlDocGetRootElement(doc))
		suite = xmlDocGetRootElement(doc)->children;
	while (suite && suite->type != XML_ELEMENT_NODE)
		suite = suite->next;
	for (n = suite ? suite->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "testcase"))
			continue;
		cases++;
		for (xmlNodePtr f = n->children; f; f = f->next) {
			if (f->type == XML_ELEMENT_NODE && !xmlStrcmp(f->name, BAD_CAST "failure"))
				failures++;
		}
	}
	is_int((long long)cases, (long long)v->n_packages, "%s: one test case per package", label);
	is_int((long long)failures, (long long)v->n_vulnerable_packages,
	       "%s: one failure per vulnerable package", label);
	if (doc)
		xmlFreeDoc(doc);
	free(text);
}

static void check_json(const struct report_view *v, json_t *report, const struct expect *e, const char *label)
{
	struct report_options keep = {NULL, 0, 0}, drop = {NULL, 1, 0};
	char *all = render(v, REPORT_FORMAT_JSON, &keep);
	json_t *back = all ? json_loads(all, 0, NULL) : NULL;
	struct report_view fixed_only;
	struct error err = ERROR_INIT;

	ok(back && json_equal(back, report), "%s: json is the report unchanged", label);
	json_decref(back);
	free(all);
	if (report_view_build(report, &drop, &fixed_only, &err) != CLARO_OK) {
		ok(0, "%s: view without unfixed: %s", label, err.message);
		error_clear(&err);
		return;
	}
	is_int((long long)fixed_only.n_findings, (long long)(e->pairs - e->unfixed_pairs),
	       "%s: --ignore-unfixed drops exactly the %zu unfixed pairs", label, e->unfixed_pairs);
	all = render(&fixed_only, REPORT_FORMAT_JSON, &drop);
	back = all ? json_loads(all, 0, NULL) : NULL;
	{
		struct expect e2;

		count_expected(back, &e2);
		is_int((long long)e2.pairs, (long long)fixed_only.n_findings,
		       "%s: --ignore-unfixed json lists the same pairs as the table", label);
	}
	json_decref(back);
	free(all);
	report_view_free(&fixed_only);
}

static void check_fixture(const char *rel)
{
	char *path = str_printf("%s/clair-fixtures/%s", testdata_dir(), rel);
	struct txtar *t = txtar_load(path);
	json_t *want = t ? txtar_json(t, "Want") : NULL;
	struct report_view v;
	struct expect e;
	struct error err = ERROR_INIT;
	int sorted = 1;

	if (!want) {
		ok(0, "%s: fixture loads", rel);
		goto out;
	}
	count_expected(want, &e);
	ok(report_view_build(want, NULL, &v, &err) == CLARO_OK, "%s: view builds", rel);
	is_int((long long)v.n_findings, (long long)e.pairs, "%s: %zu (package, vulnerability) pairs", rel,
	       e.pairs);
	is_int((long long)v.n_vulnerable_packages, (long long)e.vulnerable_packages,
	       "%s: vulnerable packages", rel);
	ok(memcmp(v.by_severity, e.by_sev, sizeof(e.by_sev)) == 0, "%s: counts by severity", rel);
	for (size_t i = 1; i < v.n_findings; i++) {
		const char *a = json_string_value(json_object_get(v.findings[i - 1].package, "name"));
		const char *b = json_string_value(json_object_get(v.findings[i].package, "name"));

		if (strcmp(a, b) > 0)
			sorted = 0;
	}
	ok(sorted, "%s: findings grouped by package name", rel);
	check_text(&v, want, rel);
	check_sarif(&v, rel);
	check_cyclonedx(&v, rel);
	check_junit(&v, rel);
	check_json(&v, want, &e, rel);
	report_view_free(&v);
out:
	error_clear(&err);
	json_decref(want);
	txtar_free(t);
	free(path);
}

/* A query-string fixed version (python, maven, gem) displays its fixed= part. */
static void check_query_string_fixed(void)
{
	json_t *r = json_pack("{s:{s:{s:s,s:s,s:s}}, s:{s:[{s:s,s:s}]}, s:{s:{s:s,s:s,s:s,s:s}}, s:{s:[s]}}",
			      "packages", "7", "id", "7", "name", "secure_headers", "version", "6.0.0",
			      "environments", "7", "package_db", "ruby:x", "introduced_in", "sha256:abc",
			      "vulnerabilities", "9", "id", "9", "name", "GHSA-1", "normalized_severity",
			      "High", "fixed_in_version", "introduced=6.0.0&fixed=6.3.0",
			      "package_vulnerabilities", "7", "9");
	struct report_view v;
	struct error err = ERROR_INIT;

	ok(r && report_view_build(r, NULL, &v, &err) == CLARO_OK && v.n_findings == 1 &&
	       strcmp(v.findings[0].fixed_in, "6.3.0") == 0,
	   "fixed=… is shown from a query string whatever its position");
	if (r && v.n_findings)
		report_view_free(&v);
	json_decref(r);
}

static void check_bad_input(void)
{
	struct report_view v;
	struct error err = ERROR_INIT;
	json_t *bad = json_pack("{s:[]}", "packages");
	FILE *full = fopen("/dev/full", "w");

	ok(report_view_build(bad, NULL, &v, &err) == CLARO_ERR_INVALID && err.detail && err.hint,
	   "a report whose packages is not an object is refused with detail and hint");
	error_clear(&err);
	json_decref(bad);
	bad = json_pack("{s:{}, s:{}}", "packages", "package_vulnerabilities");
	if (full && bad && report_view_build(bad, NULL, &v, &err) == CLARO_OK) {
		ok(report_write(full, &v, REPORT_FORMAT_TEXT, NULL, &err) == CLARO_ERR_IO && err.hint,
		   "a write error (/dev/full) is reported, not swallowed");
		report_view_free(&v);
	} else {
		ok(0, "/dev/full test could not run");
	}
	error_clear(&err);
	json_decref(bad);
	if (full)
		fclose(full);
	{
		enum claro_severity s;

		ok(severity_parse("HIGH", &s, &err) == CLARO_OK && s == CLARO_SEVERITY_HIGH,
		   "severities parse case-insensitively");
		ok(severity_parse("urgent", &s, &err) == CLARO_ERR_INVALID && err.hint,
		   "an unknown severity is "
		   "refused with a hint");
		error_clear(&err);
	}
}

int main(void)
{
	plan_no_plan();
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		check_fixture(fixtures[i]);
	check_query_string_fixed();
	check_bad_input();
	xmlCleanupParser();
	return done_testing();
}
