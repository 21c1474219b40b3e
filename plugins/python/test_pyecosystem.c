/* The python plugin's coalescer and matcher, loaded with the real loader
 * (python.so and the versions plugin's pep440 scheme) and called through
 * struct plugin_call as the indexer and the matcher do.
 *
 *   test_pyecosystem        TAP: the matcher's filter and query, vulnerable()
 *                           on the edge cases of Clair's query strings (Go's
 *                           url.ParseQuery rules: "&" parts, first value
 *                           wins, escapes, ";" and bad escapes are errors),
 *                           the error without a pep440 scheme; the
 *                           coalescer on synthetic layers.
 *   test_pyecosystem eval   each stdin line "INSTALLED<TAB>FIXED_IN_VERSION"
 *                           -> the same line + "<TAB>1" (vulnerable) or
 *                           "<TAB>0"; test-pymatcher.sh compares that with
 *                           packaging over the real OSV PyPI advisories.
 *
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tests/tap.h"
#include "../../tests/unit/testutil.h"
#include "log.h"
#include "registry.h"
#include "sinks.h"
#include "strutil.h"

static struct registry reg;

/* ---- the matcher ---- */

struct verdict {
	enum claro_status status;
	int vulnerable;
	char *log;     /* what the call logged (stderr) */
	char *message; /* the error's three parts, "" when none */
};

static void verdict_free(struct verdict *v)
{
	free(v->log);
	free(v->message);
}

static const struct claro_matcher_ops *matcher_ops(const struct registry *r, const struct component_ref **ref)
{
	*ref = registry_find(r, CLARO_KIND_MATCHER, "python");
	return *ref ? (*ref)->component->ops : NULL;
}

/* vulnerable() for an installed version (normalized kind pep440) and a
 * fixed_in_version; the log is captured only when capture is set. */
static struct verdict judge(const struct registry *r, const char *installed, const char *fixed_in,
			    int capture)
{
	const struct component_ref *ref;
	const struct claro_matcher_ops *ops = matcher_ops(r, &ref);
	struct claro_package pkg = {sizeof(pkg), "pyyaml", installed, CLARO_PACKAGE_BINARY,
				    NULL,        NULL,     NULL,      NULL,
				    NULL,        NULL,     NULL,      {"pep440", {0}}};
	struct claro_repository repo = {sizeof(repo), "pypi", NULL, "https://pypi.org/simple", NULL};
	struct claro_index_record rec = {sizeof(rec), &pkg, NULL, &repo};
	struct claro_package vpkg = {sizeof(vpkg), "pyyaml", "",   CLARO_PACKAGE_BINARY,
				     NULL,         NULL,     NULL, NULL,
				     NULL,         NULL,     NULL, {NULL, {0}}};
	struct claro_vulnerability vuln;
	struct verdict v = {CLARO_ERR_INTERNAL, -1, NULL, NULL};
	struct error err = ERROR_INIT;
	struct plugin_call call;
	struct tu_capture cap;

	memset(&vuln, 0, sizeof(vuln));
	vuln.struct_size = sizeof(vuln);
	vuln.name = "TEST-0001";
	vuln.package = &vpkg;
	vuln.repository = &repo;
	vuln.fixed_in_version = fixed_in;
	if (!ops)
		return v;
	if (capture && tu_capture_begin(&cap) != 0)
		capture = 0;
	plugin_call_begin(&call, ref);
	v.status = plugin_call_end(&call, ops->vulnerable(&call.ctx, &rec, &vuln, &v.vulnerable), &err);
	if (capture)
		v.log = tu_capture_end(&cap);
	v.message = str_printf("%s|%s|%s", err.message ? err.message : "", err.detail ? err.detail : "",
			       err.hint ? err.hint : "");
	error_clear(&err);
	return v;
}

static int filter(const char *kind)
{
	const struct component_ref *ref;
	const struct claro_matcher_ops *ops = matcher_ops(&reg, &ref);
	struct claro_package pkg = {sizeof(pkg), "x",  "1.0", CLARO_PACKAGE_BINARY, NULL, NULL, NULL, NULL,
				    NULL,        NULL, NULL,  {kind, {0}}};
	struct claro_index_record rec = {sizeof(rec), &pkg, NULL, NULL};
	struct plugin_call call;
	int wanted;

	plugin_call_begin(&call, ref);
	wanted = ops->filter(&call.ctx, &rec);
	plugin_call_end(&call, CLARO_OK, NULL);
	return wanted;
}

static void test_filter_query(void)
{
	const struct component_ref *ref;
	const struct claro_matcher_ops *ops = matcher_ops(&reg, &ref);
	struct plugin_call call;
	uint32_t q;

	ok(filter("pep440") == 1, "filter: a pep440 normalized version is the python matcher's");
	ok(filter("") == 0 && filter(NULL) == 0, "filter: no normalized version is not");
	ok(filter("semver") == 0 && filter("rpm") == 0 && filter("unmatchable") == 0,
	   "filter: other schemes are not");
	plugin_call_begin(&call, ref);
	q = ops->query(&call.ctx);
	plugin_call_end(&call, CLARO_OK, NULL);
	is_int(q, CLARO_MATCH_REPOSITORY_NAME, "query: RepositoryName only (Clair's python matcher)");
	ok(!(ops->flags & (CLARO_MATCHER_VERSION_FILTER | CLARO_MATCHER_AUTHORITATIVE)),
	   "no version filter: every candidate goes through vulnerable()");
}

/* Edge cases of the query strings. want: 1 vulnerable, 0 not; logged: 1 when
 * the call must explain itself in a debug line (the string, a bound or the
 * installed version could not be read). Version order is PEP 440's. */
static const struct edge {
	const char *installed, *fixed_in;
	int want, logged;
	const char *what;
} edges[] = {
    {"5.1", "", 1, 0, "empty fixed_in_version: every version"},
    {"5.1", NULL, 1, 0, "no fixed_in_version: every version"},
    {"5.1", "fixed=5.2b1&introduced=5.1", 1, 0, "Clair's fixture: introduced <= installed < fixed"},
    {"5.0", "fixed=5.2b1&introduced=5.1", 0, 0, "below introduced"},
    {"5.2b1", "fixed=5.2b1&introduced=5.1", 0, 0, "the fixed version itself"},
    {"5.2a9", "fixed=5.2b1&introduced=5.1", 1, 0, "a pre-release below the fix"},
    {"1.0", "introduced=1.0", 1, 0, "introduced, no end: the introduced version itself"},
    {"0.9", "introduced=1.0", 0, 0, "introduced, no end: below it"},
    {"2.0", "lastAffected=2.0", 1, 0, "lastAffected: the version itself"},
    {"2.0.post1", "lastAffected=2.0", 0, 0, "lastAffected: a post-release after it"},
    {"1.7", "fixed=2.0&lastAffected=1.5", 1, 0, "fixed wins over lastAffected"},
    {"1.0", "fixed=0.5&fixed=2.0", 0, 0, "a repeated key: the first value counts (Values.Get)"},
    {"1.0", "fixed=&fixed=0.5", 1, 0, "a repeated key whose first value is empty: no fix"},
    {"1.0", "unknown=1&introduced=", 1, 0, "no known key with a value: every version"},
    {"1.0", "&&fixed=2.0&&", 1, 0, "empty parts are skipped"},
    {"1.0", "=&fixed=2.0", 1, 0, "an empty key is just a key"},
    {"1.0", "fixed=2%2E0", 1, 0, "escapes are decoded"},
    {"1.0", "fix%65d=0.5", 0, 0, "escapes in keys are decoded"},
    {"3.0", "fixed=2.0%2Blocal", 0, 0, "%2B is a \"+\": a local version label"},
    {"1!1.0", "fixed=2.0", 0, 0, "an epoch sorts first"},
    {"1.0+local", "fixed=1.0", 0, 0, "a local label sorts after its public version"},
    {"1.0", "fixed=2.0;introduced=0.5", 0, 1, "\";\" makes the string an error (Go 1.17+)"},
    {"1.0", "introduced=0.5&fixed=2.0&x=;", 0, 1, "\";\" anywhere makes the whole string an error"},
    {"1.0", "fixed=%zz", 0, 1, "a bad escape"},
    {"1.0", "fixed=2%2", 0, 1, "a truncated escape"},
    {"1.0", "fixed=2.0&%", 0, 1, "a bad escape in a key"},
    {"1.0", "fixed=2.0+local", 0, 1, "\"+\" is a blank: \"2.0 local\" is no version"},
    {"1.0", "fixed=2.0%00", 0, 1, "a NUL byte in a bound"},
    {"1.0", "fixed=banana", 0, 1, "a fixed version that is no PEP 440 version"},
    {"1.0", "introduced=banana&fixed=2.0", 0, 1, "an introduced version that is no PEP 440 version"},
    {"1.0", "lastAffected=1.0-final-final", 0, 1, "a lastAffected version that is no PEP 440 version"},
    {"xxx", "fixed=2.0", 0, 1, "an installed version that is no PEP 440 version"},
    {"xxx", "", 1, 0, "an installed version that is no PEP 440 version, advisory without a range"},
};

static void test_edges(void)
{
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		const struct edge *e = &edges[i];
		struct verdict v = judge(&reg, e->installed, e->fixed_in, 1);
		int logged = v.log && strstr(v.log, "DEBUG: python/python: pyyaml ") &&
			     strstr(v.log, "advisory TEST-0001: ") &&
			     strstr(v.log, "taken as not vulnerable");

		ok(v.status == CLARO_OK && v.vulnerable == e->want && logged == e->logged,
		   "vulnerable(%s, \"%s\") = %d%s: %s", e->installed, e->fixed_in ? e->fixed_in : "(null)",
		   e->want, e->logged ? ", with a debug line" : "", e->what);
		if (v.status != CLARO_OK || v.vulnerable != e->want || logged != e->logged)
			diag("got status %d, vulnerable %d, log: %s", (int)v.status, v.vulnerable,
			     v.log ? v.log : "(none)");
		verdict_free(&v);
	}
	{
		/* a long hostile string: bounded log line, no crash */
		size_t n = 100000;
		char *q = malloc(n + 1);
		struct verdict v;

		if (!q)
			return;
		memset(q, '%', n);
		q[n] = '\0';
		memcpy(q, "fixed=", 6);
		v = judge(&reg, "1.0", q, 1);
		ok(v.status == CLARO_OK && v.vulnerable == 0 && v.log && strlen(v.log) < 1024,
		   "100 kB of bad escapes: not vulnerable, one short debug line");
		verdict_free(&v);
		free(q);
	}
}

static void test_no_scheme(const char *plugin_dir)
{
	struct registry alone;
	struct error err = ERROR_INIT;
	char *dir = str_printf("%s/python/.libs", plugin_dir);
	struct verdict v;

	memset(&alone, 0, sizeof(alone));
	if (!ok(dir && registry_load_one(&alone, dir, "python", NULL, &err) == CLARO_OK,
		"python.so loads without the versions plugin")) {
		diag("%s", err.message ? err.message : "?");
		goto out;
	}
	v = judge(&alone, "1.0", "fixed=2.0", 0);
	ok(v.status == CLARO_ERR_NOT_FOUND && v.message &&
	       strstr(v.message, "cannot compare Python versions: no \"pep440\" version scheme is loaded|") &&
	       strstr(v.message, "|Load the versions plugin"),
	   "no pep440 scheme and an advisory with a range: an error in three parts, not a silent \"no\"");
	if (v.status != CLARO_ERR_NOT_FOUND)
		diag("status %d: %s", (int)v.status, v.message ? v.message : "");
	verdict_free(&v);
	v = judge(&alone, "1.0", "", 0);
	ok(v.status == CLARO_OK && v.vulnerable == 1,
	   "no pep440 scheme, advisory without a range: vulnerable");
	verdict_free(&v);
out:
	error_clear(&err);
	registry_free(&alone);
	free(dir);
}

/* ---- the coalescer ---- */

#define PKG(var, name, version, db, file)                                                          \
	static const struct claro_package var = {sizeof(var), name, version, CLARO_PACKAGE_BINARY, \
						 NULL,        NULL, NULL,    db,                   \
						 file,        NULL, NULL,    {"pep440", {0}}}
PKG(foo_site, "foo", "1.0", "python:site", "site/foo-1.0.dist-info/METADATA");
PKG(bar_site, "bar", "2.0", "python:site", "site/bar-2.0.dist-info/METADATA");
PKG(foo_venv, "foo", "1.0", "python:venv", "venv/foo-1.0.dist-info/METADATA");
PKG(foo_egg, "foo", "1.0", "python:site", "site/foo-1.0.egg-info/PKG-INFO");
PKG(baz_root, "baz", "1", "python:.", "baz-1.dist-info/METADATA");
static const struct claro_repository pypi = {sizeof(pypi), "pypi", NULL, "https://pypi.org/simple", NULL};

static enum claro_status coalesce(struct claro_layer_artifacts *const *layers, size_t n,
				  struct claro_index_builder *b, struct error *err, char **log)
{
	const struct component_ref *ref = registry_find(&reg, CLARO_KIND_COALESCER, "python");
	const struct claro_coalescer_ops *ops = ref ? ref->component->ops : NULL;
	struct plugin_call call;
	struct tu_capture cap;
	enum claro_status st;
	int captured = tu_capture_begin(&cap) == 0;

	if (!ops)
		return CLARO_ERR_NOT_FOUND;
	plugin_call_begin(&call, ref);
	st = plugin_call_end(
	    &call, ops->coalesce(&call.ctx, (const struct claro_layer_artifacts *const *)layers, n, b), err);
	*log = captured ? tu_capture_end(&cap) : NULL;
	return st;
}

/* "name version db introduced_in repo-names dist" per builder entry. */
static char *builder_text(const struct claro_index_builder *b)
{
	struct buf out = BUF_INIT(0);

	for (size_t i = 0; i < index_builder_count(b); i++) {
		const struct claro_package *p = index_builder_package(b, i);
		const struct claro_environment *e = index_builder_environment(b, i);

		buf_printf(&out, "%s %s %s %s [", p->name, p->version, e->package_db ? e->package_db : "-",
			   e->introduced_in ? e->introduced_in : "-");
		for (size_t r = 0; e->repositories && e->repositories[r]; r++)
			buf_printf(&out, "%s%s=%s", r ? "," : "", e->repositories[r]->name,
				   e->repositories[r]->uri);
		buf_printf(&out, "] %s|%s\n", e->distribution ? "dist" : "nodist", p->filepath);
	}
	return buf_steal(&out);
}

static void test_coalescer(void)
{
	const struct claro_package *l0[] = {&foo_site, &bar_site, &foo_egg};
	const struct claro_package *l2[] = {&foo_site, &foo_venv};
	const struct claro_package *l3[] = {&baz_root};
	const struct claro_repository *repos[] = {&pypi};
	struct claro_layer_artifacts a0 = {sizeof(a0), "sha256:aa", l0, 3, NULL, 0, repos, 1, NULL, 0};
	struct claro_layer_artifacts a1 = {sizeof(a1), "sha256:bb", NULL, 0, NULL, 0, NULL, 0, NULL, 0};
	struct claro_layer_artifacts a2 = {sizeof(a2), "sha256:cc", l2, 2, NULL, 0, repos, 1, NULL, 0};
	struct claro_layer_artifacts a3 = {sizeof(a3), "sha256:dd", l3, 1, NULL, 0, NULL, 0, NULL, 0};
	struct claro_layer_artifacts bad = {sizeof(bad), "sha256:ee", NULL, 1, NULL, 0, NULL, 0, NULL, 0};
	struct claro_layer_artifacts *layers[] = {&a0, &a1, &a2, &a3};
	struct claro_layer_artifacts *bad_layers[] = {&a0, &bad};
	struct claro_index_builder *b = index_builder_new();
	struct error err = ERROR_INIT;
	char *log = NULL, *got;
	enum claro_status st;

	if (!b)
		return;
	st = coalesce(layers, 4, b, &err, &log);
	got = builder_text(b);
	is_int(st, CLARO_OK, "coalesce four layers");
	is_str(got,
	       "bar 2.0 python:site sha256:aa [pypi=https://pypi.org/simple] "
	       "nodist|site/bar-2.0.dist-info/METADATA\n"
	       "foo 1.0 python:site sha256:aa [pypi=https://pypi.org/simple] "
	       "nodist|site/foo-1.0.egg-info/PKG-INFO\n"
	       "foo 1.0 python:site sha256:cc [pypi=https://pypi.org/simple] "
	       "nodist|site/foo-1.0.dist-info/METADATA\n"
	       "foo 1.0 python:venv sha256:cc [pypi=https://pypi.org/simple] "
	       "nodist|venv/foo-1.0.dist-info/METADATA\n"
	       "baz 1 python:. sha256:dd [] nodist|baz-1.dist-info/METADATA\n",
	       "every layer's packages with that layer, its package_db and repositories, no distribution; a "
	       "metadata file written again comes from the later layer; layers in order");
	ok(log &&
	       strstr(log, "WARNING: python/python: layer sha256:dd has 1 Python package but no repository"),
	   "a layer with packages but no repository: reported, with a warning");
	free(got);
	free(log);
	index_builder_free(b);

	b = index_builder_new();
	if (!b)
		return;
	st = coalesce(bad_layers, 2, b, &err, &log);
	ok(st == CLARO_ERR_INVALID && err.message && strcmp(err.message, "invalid layer artifacts") == 0 &&
	       err.detail && strstr(err.detail, "Layer 1 ") && err.hint && index_builder_count(b) == 0,
	   "a layer counting packages in a NULL array: an error in three parts, nothing added");
	error_clear(&err);
	free(log);
	index_builder_free(b);

	b = index_builder_new();
	if (!b)
		return;
	st = coalesce(NULL, 0, b, &err, &log);
	ok(st == CLARO_OK && index_builder_count(b) == 0, "no layers: nothing");
	error_clear(&err);
	free(log);
	index_builder_free(b);
}

/* ---- eval ---- */

static int eval_lines(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		char *tab;
		struct verdict v;

		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (!(tab = strchr(line, '\t'))) {
			fprintf(stderr, "test_pyecosystem: no tab in \"%s\"\n", line);
			rc = 1;
			break;
		}
		*tab = '\0';
		v = judge(&reg, line, tab + 1, 0);
		if (v.status != CLARO_OK) {
			fprintf(stderr, "test_pyecosystem: vulnerable(%s, %s) failed: %s\n", line, tab + 1,
				v.message ? v.message : "?");
			rc = 1;
		}
		printf("%s\t%s\t%d\n", line, tab + 1, v.status == CLARO_OK ? v.vulnerable : -1);
		verdict_free(&v);
	}
	free(line);
	return rc;
}

int main(int argc, char **argv)
{
	char *plugin_dir = tu_builddir_path("plugins");
	struct error err = ERROR_INIT;
	int eval = argc == 2 && strcmp(argv[1], "eval") == 0, rc;

	if (!plugin_dir) {
		if (eval) {
			fprintf(stderr, "test_pyecosystem: abs_top_builddir is not set\n");
			return 2;
		}
		skip_all("abs_top_builddir is not set (run through make check)");
	}
	log_setup("test_pyecosystem", eval ? CLARO_LOG_WARNING : CLARO_LOG_DEBUG);
	memset(&reg, 0, sizeof(reg));
	for (int i = 0; i < 2; i++) {
		static const char *const names[] = {"versions", "python"};
		char *dir = str_printf("%s/%s/.libs", plugin_dir, names[i]);

		if (!dir || registry_load_one(&reg, dir, names[i], NULL, &err) != CLARO_OK) {
			if (eval) {
				fprintf(stderr, "test_pyecosystem: %s\n", err.message ? err.message : "?");
				return 2;
			}
			printf("1..0 # SKIP plugin %s is not built (%s)\n", names[i],
			       err.message ? err.message : "?");
			return 0;
		}
		free(dir);
	}
	if (eval) {
		rc = eval_lines();
	} else {
		plan_no_plan();
		ok(registry_find(&reg, CLARO_KIND_MATCHER, "python") &&
		       registry_find(&reg, CLARO_KIND_COALESCER, "python") &&
		       registry_find(&reg, CLARO_KIND_PACKAGE_SCANNER, "python"),
		   "python.so carries the python scanner, coalescer and matcher");
		test_filter_query();
		test_edges();
		test_no_scheme(plugin_dir);
		test_coalescer();
		rc = done_testing();
	}
	registry_free(&reg);
	error_clear(&err);
	free(plugin_dir);
	return rc;
}
