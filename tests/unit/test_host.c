/* The host services as plugins see them: the test plugins alpha (package,
 * distribution, repository and file scanners, a coalescer) and beta (version
 * scheme, matcher, updater set, enricher) are loaded like real plugins and
 * driven through struct plugin_call, against a directory layer and a
 * loopback HTTP server. Every assertion is about what the plugin produced
 * through the host: the sinks' contents, the errors, the log lines.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "http_fixture.h"
#include "httpclient.h"
#include "layerfs.h"
#include "log.h"
#include "registry.h"
#include "sinks.h"
#include "strutil.h"
#include "testutil.h"

static char *tmp;
static struct http_fixture *srv;
static struct registry reg;

static const struct component_ref *find(enum claro_kind kind, const char *name)
{
	const struct component_ref *ref = registry_find(&reg, kind, name);

	if (!ref)
		printf("Bail out! %s %s is not registered\n", registry_kind_name(kind), name);
	return ref;
}

static void put(const char *root, const char *rel, const char *content)
{
	char *p = str_printf("%s/%s", root, rel);
	tu_write_file(p, content, 0644);
	free(p);
}

static struct claro_layer *make_layer(const char *name, const char *digest)
{
	struct claro_layer *layer = NULL;
	struct error err = ERROR_INIT;
	char *root = str_printf("%s/%s", tmp, name);

	{
		/* tu_write_file creates the root on the way. */
		char *marker = str_printf("%s/.keep", root);
		tu_write_file(marker, "", 0644);
		free(marker);
	}
	if (layer_open_dir(root, digest, &layer, &err) != CLARO_OK)
		printf("Bail out! %s\n", err.message);
	free(root);
	return layer;
}

/* Runs a scanner component on a layer into result. */
static enum claro_status scan(enum claro_kind kind, const char *name, struct claro_layer *layer,
			      struct claro_scan_result *result, struct error *err)
{
	const struct component_ref *ref = find(kind, name);
	const struct claro_package_scanner_ops *ops; /* every scanner kind starts the same way */
	struct plugin_call call;

	if (!ref)
		return CLARO_ERR_NOT_FOUND;
	ops = ref->component->ops;
	plugin_call_begin(&call, ref);
	return plugin_call_end(&call, ops->scan(&call.ctx, layer, result), err);
}

static void test_config_access(void)
{
	struct plugin_call call;
	const struct claro_host *h = host_services();
	const struct claro_plugin *alpha = registry_plugin(&reg, "alpha");
	const char *s = NULL;
	int64_t i = 0;
	int b = -1;
	struct error err = ERROR_INIT;

	plugin_call_begin_plugin(&call, (struct claro_plugin *)alpha);
	is_int(h->cfg_int(&call.ctx, "max_packages", &i), CLARO_OK, "cfg_int of a key set in the file");
	is_int(i, 2, "  the file's value");
	is_int(h->cfg_bool(&call.ctx, "strict", &b), CLARO_OK, "cfg_bool");
	is_int(b, 0, "  \"no\" is false");
	is_int(h->cfg_duration(&call.ctx, "cache_ttl", &i), CLARO_OK, "cfg_duration of a defaulted key");
	is_int(i, 3600, "  the default 1h in seconds");
	is_int(h->cfg_string(&call.ctx, "max_packages", &s), CLARO_OK, "cfg_string reads any key as text");
	is_str(s, "2", "  raw");
	is_int(h->cfg_bool(&call.ctx, "max_packages", &b), CLARO_ERR_INVALID, "cfg_bool of an integer key");
	is_str(call.err.message, "configuration key \"max_packages\" of plugin \"alpha\" is not a boolean",
	       "  says so");
	is_str(call.err.detail, "The plugin declares \"max_packages\" as an integer.", "  and what it is");
	is_int(h->cfg_int(&call.ctx, "nope", &i), CLARO_ERR_INVALID, "an undeclared key");
	is_str(call.err.message, "configuration key \"nope\" is not declared by plugin \"alpha\"",
	       "  is refused");
	is_int(plugin_call_end(&call, CLARO_ERR_INVALID, &err), CLARO_ERR_INVALID,
	       "the call ends with the status");
	is_str(err.message, "configuration key \"nope\" is not declared by plugin \"alpha\"",
	       "  and hands the last error over");
	error_clear(&err);

	plugin_call_begin_plugin(&call, (struct claro_plugin *)registry_plugin(&reg, "beta"));
	is_int(h->cfg_string(&call.ctx, "url", &s), CLARO_OK, "beta's required url");
	is_str(s, http_fixture_url(srv), "  is the one configured");
	plugin_call_end(&call, CLARO_OK, NULL);
}

static void test_scanners(void)
{
	struct claro_layer *layer = make_layer("layer1", "sha256:1111");
	struct claro_scan_result *r = scan_result_new();
	struct error err = ERROR_INIT;
	struct tu_capture cap;
	char *log;
	const struct claro_package *p;
	const struct claro_distribution *d;
	char *root = str_printf("%s/layer1", tmp);

	put(root, "etc/os-release",
	    "NAME=Alpha\nID=alpha\nVERSION_ID=\"3\"\nPRETTY_NAME=\"Alpha Linux 3 (a longer name)\"\n");
	put(root, "etc/alpha/packages", "# name version arch\nbeta-x 4 x86_64\nzlib 1\nthird 7\n");
	put(root, "etc/alpha/repos.d/main.repo", "https://alpha.example/main\n");
	put(root, "etc/alpha/repos.d/extra.repo", "https://alpha.example/extra\n");
	put(root, "etc/alpha/repos.d/notes.txt", "not a repo\n");
	put(root, "var/lib/.wh.old", "");
	put(root, "opt/.wh..wh..opq", "");

	tu_capture_begin(&cap);
	is_int(scan(CLARO_KIND_PACKAGE_SCANNER, "alpha_pkg", layer, r, &err), CLARO_OK,
	       "package scanner runs");
	log = tu_capture_end(&cap);
	is_int(scan_result_n_packages(r), 2, "  max_packages = 2 from [plugin.alpha] stops it at two");
	like(log, "WARNING: alpha/alpha_pkg: stopping after 2 packages",
	     "  and it logged why, as alpha/alpha_pkg");
	free(log);
	p = scan_result_package(r, 0);
	is_str(p ? p->name : NULL, "beta-x", "  first package name");
	is_str(p ? p->version : NULL, "4", "  version");
	is_str(p ? p->arch : NULL, "x86_64", "  arch");
	is_str(p ? p->kind : NULL, "binary", "  kind");
	is_str(p ? p->package_db : NULL, "etc/alpha/packages", "  package_db from the packages_path default");
	p = scan_result_package(r, 1);
	is_str(p ? p->name : NULL, "zlib", "  second package");
	ok(p && p->arch == NULL, "  without arch");

	is_int(scan(CLARO_KIND_DISTRIBUTION_SCANNER, "alpha_dist", layer, r, &err), CLARO_OK,
	       "distribution scanner (fs_stat, fs_open, fs_pread) runs");
	is_int(scan_result_n_distributions(r), 1, "  one distribution");
	d = scan_result_distribution(r, 0);
	is_str(d ? d->did : NULL, "alpha", "  ID");
	is_str(d ? d->version_id : NULL, "3", "  VERSION_ID unquoted");
	is_str(d ? d->pretty_name : NULL, "Alpha Linux 3 (a longer name)",
	       "  PRETTY_NAME read across many preads");
	is_str(d ? d->name : NULL, "Alpha", "  NAME");

	is_int(scan(CLARO_KIND_REPOSITORY_SCANNER, "alpha_repo", layer, r, &err), CLARO_OK,
	       "repository scanner (fs_glob, fs_read_all) runs");
	is_int(scan_result_n_repositories(r), 2, "  two *.repo files");
	is_str(scan_result_repository(r, 0) ? scan_result_repository(r, 0)->name : NULL, "extra",
	       "  in path order");
	is_str(scan_result_repository(r, 0) ? scan_result_repository(r, 0)->uri : NULL,
	       "https://alpha.example/extra", "  with its URI");
	is_str(scan_result_repository(r, 1) ? scan_result_repository(r, 1)->name : NULL, "main",
	       "  then main");

	is_int(scan(CLARO_KIND_FILE_SCANNER, "alpha_whiteout", layer, r, &err), CLARO_OK,
	       "file scanner (fs_walk) runs");
	is_int(scan_result_n_files(r), 2, "  two whiteouts");
	is_str(scan_result_file(r, 0) ? scan_result_file(r, 0)->path : NULL, "opt/.wh..wh..opq",
	       "  in walk order");
	is_str(scan_result_file(r, 1) ? scan_result_file(r, 1)->path : NULL, "var/lib/.wh.old", "  both");
	is_str(scan_result_file(r, 1) ? scan_result_file(r, 1)->kind : NULL, "whiteout", "  kind whiteout");
	scan_result_free(r);

	/* A malformed database: the plugin's three parts reach the caller. */
	put(root, "etc/alpha/packages", "broken\n");
	r = scan_result_new();
	is_int(scan(CLARO_KIND_PACKAGE_SCANNER, "alpha_pkg", layer, r, &err), CLARO_ERR_INVALID,
	       "a malformed package list fails the scan");
	is_str(err.message, "malformed package list etc/alpha/packages", "  message from host->error()");
	is_str(err.detail, "The entry for \"broken\" has no version.", "  detail from host->error_detail()");
	is_str(err.hint, "Write one \"name version [arch]\" per line.", "  hint from host->error_hint()");
	error_clear(&err);
	scan_result_free(r);
	layer_free(layer);

	/* An empty layer: every scanner finds nothing, successfully. */
	layer = make_layer("empty", "sha256:0000");
	r = scan_result_new();
	is_int(scan(CLARO_KIND_PACKAGE_SCANNER, "alpha_pkg", layer, r, &err) |
		   scan(CLARO_KIND_DISTRIBUTION_SCANNER, "alpha_dist", layer, r, &err) |
		   scan(CLARO_KIND_REPOSITORY_SCANNER, "alpha_repo", layer, r, &err) |
		   scan(CLARO_KIND_FILE_SCANNER, "alpha_whiteout", layer, r, &err),
	       CLARO_OK, "on an empty layer every scanner succeeds");
	is_int(scan_result_n_packages(r) + scan_result_n_distributions(r) + scan_result_n_repositories(r) +
		   scan_result_n_files(r),
	       0, "  and finds nothing");
	scan_result_free(r);
	layer_free(layer);
	free(root);
}

static void test_records_checked(void)
{
	const struct claro_host *h = host_services();
	struct claro_scan_result *r = scan_result_new();
	struct plugin_call call;
	struct claro_package small;

	memset(&small, 0, sizeof(small));
	small.struct_size = 8;
	small.name = "x";
	plugin_call_begin(&call, find(CLARO_KIND_PACKAGE_SCANNER, "alpha_pkg"));
	is_int(h->add_package(&call.ctx, r, &small), CLARO_ERR_INVALID,
	       "a package record smaller than ABI 1.0's");
	is_str(call.err.message, "invalid package record", "  is refused");
	like(call.err.detail, "struct_size is 8; plugin ABI 1.0 needs at least", "  detail gives the sizes");
	small.struct_size = sizeof(small);
	small.name = NULL;
	is_int(h->add_package(&call.ctx, r, &small), CLARO_ERR_INVALID,
	       "a package without a name is refused");
	is_int(h->add_package(&call.ctx, NULL, &small), CLARO_ERR_INVALID, "a NULL sink is refused");
	is_int(scan_result_n_packages(r), 0, "nothing was added");
	plugin_call_end(&call, CLARO_OK, NULL);
	scan_result_free(r);
}

/* Two layers through the coalescer: last writer wins, introduced_in where a
 * name+version first appeared. */
static void test_coalescer(void)
{
	const struct component_ref *ref = find(CLARO_KIND_COALESCER, "alpha");
	const struct claro_coalescer_ops *ops = ref ? ref->component->ops : NULL;
	struct claro_package a1 = {sizeof(a1),           "a",  "1",  "binary", NULL,       NULL, NULL,
				   "etc/alpha/packages", NULL, NULL, NULL,     {NULL, {0}}};
	struct claro_package b1 = a1, b2 = a1;
	struct claro_distribution dist = {sizeof(dist), "alpha", "Alpha", "3", NULL, "3", NULL, NULL, NULL};
	const struct claro_package *l1_pkgs[] = {&a1, &b1}, *l2_pkgs[] = {&a1, &b2};
	const struct claro_distribution *l1_dists[] = {&dist};
	struct claro_layer_artifacts l1, l2;
	const struct claro_layer_artifacts *layers[] = {&l1, &l2};
	struct claro_index_builder *ib = index_builder_new();
	struct plugin_call call;
	struct error err = ERROR_INIT;
	const struct claro_environment *env;

	if (!ops)
		return;
	b1.name = b2.name = "b";
	b2.version = "2";
	memset(&l1, 0, sizeof(l1));
	l1.struct_size = sizeof(l1);
	l1.layer_digest = "sha256:1111";
	l1.packages = l1_pkgs;
	l1.n_packages = 2;
	l1.distributions = l1_dists;
	l1.n_distributions = 1;
	l2 = l1;
	l2.layer_digest = "sha256:2222";
	l2.packages = l2_pkgs;
	l2.distributions = NULL;
	l2.n_distributions = 0;
	plugin_call_begin(&call, ref);
	is_int(plugin_call_end(&call, ops->coalesce(&call.ctx, layers, 2, ib), &err), CLARO_OK,
	       "coalescer runs");
	is_int(index_builder_count(ib), 2, "  two packages from the top layer");
	is_str(index_builder_package(ib, 1) ? index_builder_package(ib, 1)->version : NULL, "2",
	       "  b at version 2");
	env = index_builder_environment(ib, 0);
	is_str(env ? env->introduced_in : NULL, "sha256:1111", "  a was introduced in layer 1");
	is_str(env && env->distribution ? env->distribution->did : NULL, "alpha", "  with the distribution");
	is_str(env ? env->package_db : NULL, "etc/alpha/packages", "  and its package_db");
	env = index_builder_environment(ib, 1);
	is_str(env ? env->introduced_in : NULL, "sha256:2222", "  b 2 was introduced in layer 2");
	index_builder_free(ib);
}

static void test_version_scheme_and_matcher(void)
{
	const struct component_ref *vs = find(CLARO_KIND_VERSION_SCHEME, "intver");
	const struct component_ref *m = find(CLARO_KIND_MATCHER, "beta");
	const struct claro_version_scheme_ops *vops = vs ? vs->component->ops : NULL;
	const struct claro_matcher_ops *mops = m ? m->component->ops : NULL;
	const struct claro_host *h = host_services();
	struct claro_package pkg = {sizeof(pkg), "beta-x", "4",  "binary", NULL, NULL,
				    NULL,        NULL,     NULL, NULL,     NULL, {NULL, {0}}};
	struct claro_package other = pkg;
	struct claro_index_record rec = {sizeof(rec), &pkg, NULL, NULL},
				  rec_other = {sizeof(rec), &other, NULL, NULL};
	struct claro_vulnerability v;
	struct plugin_call call;
	struct error err = ERROR_INIT;
	int cmp = 0, vulnerable = -1;

	if (!vops || !mops)
		return;
	is_int(vops->compare("9", "10", &cmp), CLARO_OK, "intver compares");
	ok(cmp < 0, "  9 < 10 as integers, not as text");
	is_int(vops->compare("x", "1", &cmp), CLARO_ERR_INVALID, "  and refuses non-integers");

	other.name = "other";
	plugin_call_begin(&call, m);
	ok(h->version_scheme(&call.ctx, "intver") == vops,
	   "host->version_scheme finds intver through the registry");
	ok(h->version_scheme(&call.ctx, "nope") == NULL, "an unknown scheme is NULL");
	is_str(call.err.message, "no version scheme \"nope\" is loaded", "  with an error");
	ok(mops->filter(&call.ctx, &rec), "matcher filter takes beta-*");
	ok(!mops->filter(&call.ctx, &rec_other), "  and not others");
	is_int(mops->query(&call.ctx), CLARO_MATCH_PACKAGE_NAME, "query asks for package names");
	memset(&v, 0, sizeof(v));
	v.struct_size = sizeof(v);
	v.name = "CVE-1";
	v.fixed_in_version = "5";
	is_int(mops->vulnerable(&call.ctx, &rec, &v, &vulnerable), CLARO_OK, "vulnerable() runs");
	is_int(vulnerable, 1, "  4 < fixed 5: vulnerable");
	v.fixed_in_version = "4";
	mops->vulnerable(&call.ctx, &rec, &v, &vulnerable);
	is_int(vulnerable, 0, "  4 = fixed 4: not vulnerable");
	v.fixed_in_version = "4a";
	is_int(plugin_call_end(&call, mops->vulnerable(&call.ctx, &rec, &v, &vulnerable), &err),
	       CLARO_ERR_INVALID, "a version intver cannot read is an error");
	is_str(err.message, "could not compare versions of beta-x", "  described by the plugin");
	error_clear(&err);
}

static enum claro_status run_update(const char *updater, const char *prev, struct claro_update **out,
				    struct error *err)
{
	const struct component_ref *ref = find(CLARO_KIND_UPDATER_SET, "beta");
	const struct claro_updater_set_ops *ops = ref->component->ops;
	struct plugin_call call;

	*out = update_new(updater, prev);
	plugin_call_begin(&call, ref);
	return plugin_call_end(&call, ops->update(&call.ctx, updater, *out), err);
}

static void test_updaters_and_enricher(void)
{
	const struct component_ref *ref = find(CLARO_KIND_UPDATER_SET, "beta");
	const struct claro_updater_set_ops *ops = ref ? ref->component->ops : NULL;
	struct claro_updater_list *list = updater_list_new();
	struct claro_update *up = NULL;
	struct plugin_call call;
	struct error err = ERROR_INIT;
	const struct claro_vulnerability *v;
	struct tu_capture cap;
	char *log;
	int hits;

	if (!ops)
		return;
	plugin_call_begin(&call, ref);
	is_int(plugin_call_end(&call, ops->list(&call.ctx, list), &err), CLARO_OK, "updater set lists");
	is_int(updater_list_count(list), 2, "  two updaters");
	is_str(updater_list_name(list, 0), "beta/feed", "  beta/feed");
	is_int(updater_list_flags(list, 0), CLARO_UPDATER_DELTA, "  a delta updater");
	is_str(updater_list_name(list, 1), "beta/scores", "  beta/scores");
	is_int(updater_list_flags(list, 1), CLARO_UPDATER_ENRICHMENT, "  an enrichment updater");
	updater_list_free(list);

	http_fixture_route(srv, "/feed", 200, "\"f1\"", NULL,
			   "CVE-1 beta-x 5 high\nCVE-2 beta-y 7 low\n-CVE-0\n");
	is_int(run_update("beta/feed", NULL, &up, &err), CLARO_OK, "beta/feed fetches over http_fetch");
	is_int(update_n_vulnerabilities(up), 2, "  two vulnerabilities emitted");
	v = update_vulnerability(up, 0);
	is_str(v ? v->name : NULL, "CVE-1", "  first is CVE-1");
	is_str(v ? v->updater : NULL, "beta/feed", "  stamped with the updater by the host");
	is_str(v && v->package ? v->package->name : NULL, "beta-x", "  for beta-x");
	is_str(v ? v->fixed_in_version : NULL, "5", "  fixed in 5");
	is_int(v ? (long long)v->normalized_severity : -1, CLARO_SEVERITY_HIGH, "  severity high");
	ok(v && v->issued == INT64_MIN, "  issued unknown");
	is_int(update_n_deletes(up), 1, "  one withdrawal");
	is_str(update_delete_name(up, 0), "CVE-0", "  of CVE-0");
	is_str(update_fingerprint(up), "\"f1\"", "  fingerprint is the ETag");
	update_free(up);

	is_int(run_update("beta/feed", "\"f1\"", &up, &err), CLARO_ERR_UNCHANGED,
	       "with the previous fingerprint the server's 304 means unchanged");
	is_int(update_n_vulnerabilities(up), 0, "  and nothing is emitted");
	update_free(up);

	http_fixture_route(srv, "/feed", 200, NULL, NULL, "CVE-1 beta-x\n");
	is_int(run_update("beta/feed", NULL, &up, &err), CLARO_ERR_INVALID,
	       "a malformed feed fails the update");
	is_str(err.message, "malformed feed line", "  with the plugin's message");
	error_clear(&err);
	update_free(up);

	http_fixture_route(srv, "/feed", 500, NULL, NULL, "oops");
	hits = http_fixture_hits(srv, "/feed");
	tu_capture_begin(&cap);
	is_int(run_update("beta/feed", NULL, &up, &err), CLARO_ERR_NETWORK,
	       "a server error is CLARO_ERR_NETWORK");
	log = tu_capture_end(&cap);
	is_int(http_fixture_hits(srv, "/feed") - hits, 2, "  after retries = 1 from [plugin.beta]");
	like(log, "WARNING: beta/beta: retrying http://127.0.0.1:", "  logged as beta/beta");
	like(err.detail, "HTTP status 500", "  the host's detail names the status");
	free(log);
	error_clear(&err);
	update_free(up);

	is_int(run_update("beta/nope", NULL, &up, &err), CLARO_ERR_NOT_FOUND,
	       "an updater the set does not have");
	update_free(up);
	error_clear(&err);

	http_fixture_route(srv, "/scores", 200, "\"s1\"", NULL, "CVE-1 0.97\nCVE-2 0.1\n");
	is_int(run_update("beta/scores", NULL, &up, &err), CLARO_OK, "beta/scores emits enrichments");
	is_int(update_n_enrichments(up), 2, "  two");
	is_str(update_enrichment_tags(up, 0) ? update_enrichment_tags(up, 0)[0] : NULL, "CVE-1",
	       "  tagged CVE-1");
	is_str(update_enrichment_json(up, 0), "{\"score\": 0.97}", "  JSON kept as the plugin wrote it");

	/* The enricher reads them back through host->enrichment_get(). */
	{
		const struct component_ref *eref = find(CLARO_KIND_ENRICHER, "beta");
		const struct claro_enricher_ops *eops = eref ? eref->component->ops : NULL;
		struct enrichment_memstore *ms = enrichment_memstore_new();
		struct enrichment_source src;
		struct claro_enrichment_out *out = enrichment_out_new();
		struct claro_vulnerability v1, v9;
		const struct claro_vulnerability *vulns[] = {&v1, &v9};

		is_int(enrichment_memstore_add_update(ms, up, &err), CLARO_OK,
		       "store the enrichments in memory");
		src = enrichment_memstore_source(ms);
		memset(&v1, 0, sizeof(v1));
		v1.struct_size = sizeof(v1);
		v1.id = "17";
		v1.name = "CVE-1";
		v9 = v1;
		v9.id = "18";
		v9.name = "CVE-9";
		plugin_call_begin(&call, eref);
		is_int(plugin_call_end(&call, eops->enrich(&call.ctx, vulns, 2, out), &err),
		       CLARO_ERR_INTERNAL, "an enricher without a source attached fails loudly");
		error_clear(&err);
		plugin_call_begin(&call, eref);
		call.enrichments = &src;
		is_int(plugin_call_end(&call, eops->enrich(&call.ctx, vulns, 2, out), &err), CLARO_OK,
		       "enricher runs");
		is_int(enrichment_out_count(out), 1, "  one vulnerability has a score");
		is_str(enrichment_out_vuln_id(out, 0), "17", "  by id");
		is_str(enrichment_out_json(out, 0), "{\"score\": 0.97}", "  the stored JSON");
		enrichment_out_free(out);
		enrichment_memstore_free(ms);
	}
	update_free(up);

	http_fixture_route(srv, "/scores", 200, NULL, NULL, "CVE-3 notanumber\n");
	is_int(run_update("beta/scores", NULL, &up, &err), CLARO_ERR_INVALID,
	       "invalid enrichment JSON is refused");
	is_str(err.message, "invalid enrichment JSON", "  by the host");
	error_clear(&err);
	update_free(up);
}

int main(void)
{
	char *libs = tu_builddir_path("tests/plugins/.libs"), *dir, *log;
	struct config cfg;
	struct config_entry alpha_entries[] = {{"max_packages", "2", 10}, {"strict", "no", 11}};
	struct config_entry beta_entries[] = {{"url", NULL, 20}, {"retries", "1", 21}, {"timeout", "5s", 22}};
	struct config_section sections[] = {{"alpha", 9, alpha_entries, 2}, {"beta", 19, beta_entries, 3}};
	struct error err = ERROR_INIT;
	struct tu_capture cap;

	if (!libs)
		skip_all("abs_top_builddir is not set (run through make check)");
	setenv("no_proxy", "*", 1);
	log_setup("test_host", CLARO_LOG_INFO);
	tmp = tu_mkdtemp();
	dir = str_printf("%s/plugins", tmp);
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "beta" : "alpha";
		char *src = str_printf("%s/%s.so", libs, name), *dst = str_printf("%s/%s.so", dir, name);
		if (tu_copy_file(src, dst, 0755) != 0) {
			printf("Bail out! cannot copy %s\n", src);
			return 1;
		}
		free(src);
		free(dst);
	}
	if (httpclient_init(&err) != CLARO_OK || !(srv = http_fixture_start()))
		skip_all("no HTTP client or loopback server");
	beta_entries[0].value = (char *)http_fixture_url(srv);
	memset(&cfg, 0, sizeof(cfg));
	cfg.path = "/etc/claro/test.ini";
	cfg.plugin_dir = dir;
	cfg.sections = sections;
	cfg.n_sections = 2;

	tu_capture_begin(&cap);
	is_int(registry_load_one(&reg, dir, "alpha", &cfg, &err), CLARO_OK, "alpha loads");
	is_int(registry_load_one(&reg, dir, "beta", &cfg, &err), CLARO_OK, "beta loads");
	log = tu_capture_end(&cap);
	if (err.message)
		diag("%s / %s", err.message, err.detail ? err.detail : "");
	like(log, "INFO: alpha: ready: packages from etc/alpha/packages, at most 2, strict=0, ttl=3600s",
	     "alpha's init() read its config and logged with origin \"alpha\"");
	free(log);
	for (int k = 1; k <= CLARO_KIND_MAX; k++)
		ok(registry_count(&reg, (enum claro_kind)k) >= 1, "a %s is registered",
		   registry_kind_name((enum claro_kind)k));

	test_config_access();
	test_scanners();
	test_records_checked();
	test_coalescer();
	test_version_scheme_and_matcher();
	test_updaters_and_enricher();

	tu_capture_begin(&cap);
	registry_free(&reg);
	log = tu_capture_end(&cap);
	like(log, "INFO: alpha: shutting down", "fini() ran at registry_free");
	free(log);
	http_fixture_stop(srv);
	httpclient_cleanup();
	tu_rmrf(tmp);
	free(tmp);
	free(dir);
	free(libs);
	return exit_status();
}
