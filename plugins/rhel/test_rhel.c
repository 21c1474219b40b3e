/* The rhel plugin with the real loader and host services:
 *
 *  - its components and their names, versions and kinds (Clair's);
 *  - the rhel-repository-scanner over claircore's real test layers
 *    ($CLARO_TESTDATA/images/edge/claircore/rhel/, the .tar files) with claircore's test
 *    mapping, expecting claircore's own results (rhel/repositoryscanner_test.go),
 *    with the mapping from a file, from a URL (a loopback server) and with no
 *    network (a warning, no repositories, no error);
 *  - the same scanner over a content manifest naming real repository ids,
 *    with Red Hat's real repository-to-cpe.json: every CPE the mapping gives
 *    them, bound as 2.3 strings;
 *  - the rhel coalescer over synthetic layer artifacts: claircore's coalescer
 *    test cases (rhel/coalescer_test.go) and claro's rules beyond them, and
 *    next to plugins/linux's rpm coalescer: every rpm package is reported by
 *    exactly one of the two.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "../../tests/tap.h"
#include "../../tests/unit/http_fixture.h"
#include "../../tests/unit/testutil.h"
#include "config.h"
#include "cpe.h"
#include "httpclient.h"
#include "layerfs.h"
#include "layerfs_tar.h"
#include "log.h"
#include "registry.h"
#include "sinks.h"
#include "strutil.h"

/* claircore's mapping of its repository scanner test */
static const char test_mapping[] =
    "{\"data\": {"
    "\"content-set-1\": {\"cpes\": [\"cpe:/o:redhat:enterprise_linux:6::server\", "
    "\"cpe:/o:redhat:enterprise_linux:7::server\"]},"
    "\"content-set-2\": {\"cpes\": [\"cpe:/o:redhat:enterprise_linux:7::server\", "
    "\"cpe:/o:redhat:enterprise_linux:8::server\"]},"
    "\"content-set-3\": {\"cpes\": [\"cpe:/o:redhat:enterprise_linux:8::server\", "
    "\"cpe:/o:redhat:enterprise_linux:9::server\"]},"
    "\"content-set-4\": {\"cpes\": [\"cpe:/o:redhat:enterprise_linux:9::server\", "
    "\"cpe:/o:redhat:enterprise_linux:10::server\"]}}}";

/* claircore's expected repositories for the content-set-1/2 layers */
static const char want_cs12[] =
    "cpe:2.3:o:redhat:enterprise_linux:6:*:server:*:*:*:*:* repoid=content-set-1\n"
    "cpe:2.3:o:redhat:enterprise_linux:7:*:server:*:*:*:*:* repoid=content-set-1\n"
    "cpe:2.3:o:redhat:enterprise_linux:7:*:server:*:*:*:*:* repoid=content-set-2\n"
    "cpe:2.3:o:redhat:enterprise_linux:8:*:server:*:*:*:*:* repoid=content-set-2\n";

static char *tmpdir;

static void *must(void *p)
{
	if (!p) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	return p;
}

static const char *s(const char *v)
{
	return v && *v ? v : "-";
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Lines sorted, each ending with "\n". Frees the lines. */
static char *join_sorted(char **lines, size_t n)
{
	struct buf b = BUF_INIT(0);

	if (n > 1)
		qsort(lines, n, sizeof(*lines), cmp_line);
	for (size_t i = 0; i < n; i++) {
		if (buf_puts(&b, lines[i]) != CLARO_OK || buf_puts(&b, "\n") != CLARO_OK)
			must(NULL);
		free(lines[i]);
	}
	return n ? must(buf_steal(&b)) : must(str_dup(""));
}

/* is_str on a malloc'd string, which is then freed. */
#define is_owned(got, want, ...)                   \
	do {                                       \
		char *owned_ = (got);              \
		is_str(owned_, want, __VA_ARGS__); \
		free(owned_);                      \
	} while (0)

/* ---- loading the plugin with a configuration ---- */

static enum claro_status load(struct registry *reg, const char *plugins, const char *ini, struct error *err)
{
	struct config cfg;
	char *path = must(str_printf("%s/clarod.ini", tmpdir)),
	     *dir = must(str_printf("%s/rhel/.libs", plugins));
	char *ldir = must(str_printf("%s/linux/.libs", plugins));
	enum claro_status st;

	memset(reg, 0, sizeof(*reg));
	if (tu_write_file(path, ini, 0600) != 0)
		must(NULL);
	st = config_load(&cfg, path, err);
	if (st == CLARO_OK)
		st = registry_load_one(reg, dir, "rhel", &cfg, err);
	if (st == CLARO_OK)
		st = registry_load_one(reg, ldir, "linux", &cfg, err);
	config_free(&cfg);
	free(path);
	free(dir);
	free(ldir);
	return st;
}

static void test_components(struct registry *reg)
{
	static const struct {
		enum claro_kind kind;
		const char *name, *version;
	} want[] = {
	    {CLARO_KIND_DISTRIBUTION_SCANNER, "rhel", "3"},
	    {CLARO_KIND_DISTRIBUTION_SCANNER, "centos", "1"},
	    {CLARO_KIND_DISTRIBUTION_SCANNER, "rocky", "1"},
	    {CLARO_KIND_DISTRIBUTION_SCANNER, "almalinux", "1"},
	    {CLARO_KIND_DISTRIBUTION_SCANNER, "fedora", "1"},
	    {CLARO_KIND_REPOSITORY_SCANNER, "rhel-repository-scanner", "3"},
	    {CLARO_KIND_COALESCER, "rhel", "1"},
	    {CLARO_KIND_PACKAGE_SCANNER, "rhel_package_container_detector", "2"},
	    {CLARO_KIND_REPOSITORY_SCANNER, "rhel_repo_container_detector", "1"},
	    {CLARO_KIND_COALESCER, "rhcc", "1"},
	};
	const struct component_ref *ref = registry_find(reg, CLARO_KIND_COALESCER, "rhel");
	const struct claro_coalescer_ops *ops = ref ? ref->component->ops : NULL;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct component_ref *r = registry_find(reg, want[i].kind, want[i].name);

		ok(r && strcmp(r->component->version, want[i].version) == 0, "%s %s, version %s",
		   registry_kind_name(want[i].kind), want[i].name, want[i].version);
	}
	ok(ops && ops->scanners && strcmp(ops->scanners[0], "rpm") == 0 &&
	       strcmp(ops->scanners[1], "rhel") == 0 &&
	       strcmp(ops->scanners[2], "rhel-repository-scanner") == 0 && ops->scanners[3] == NULL,
	   "the rhel coalescer takes rpm, rhel and rhel-repository-scanner (claircore's rhel ecosystem)");
}

/* ---- the repository scanner ---- */

/* "name uri" per repository (name must equal cpe, key rhel-cpe-repository),
 * or "error: <message>". */
static char *scan_repos(struct registry *reg, struct claro_layer *layer)
{
	const struct component_ref *ref =
	    registry_find(reg, CLARO_KIND_REPOSITORY_SCANNER, "rhel-repository-scanner");
	const struct claro_repository_scanner_ops *ops = ref->component->ops;
	struct claro_scan_result *res = must(scan_result_new());
	struct error err = ERROR_INIT;
	struct plugin_call call;
	char *text;

	plugin_call_begin(&call, ref);
	if (plugin_call_end(&call, ops->scan(&call.ctx, layer, res), &err) != CLARO_OK) {
		text = must(str_printf("error: %s", s(err.message)));
	} else {
		size_t n = scan_result_n_repositories(res);
		char **lines = must(calloc(n ? n : 1, sizeof(*lines)));

		for (size_t i = 0; i < n; i++) {
			const struct claro_repository *r = scan_result_repository(res, i);
			int consistent = r->name && r->cpe && strcmp(r->name, r->cpe) == 0 && r->key &&
					 strcmp(r->key, "rhel-cpe-repository") == 0;

			lines[i] = must(
			    str_printf("%s %s%s", s(r->name), s(r->uri), consistent ? "" : " !inconsistent"));
		}
		text = join_sorted(lines, n);
		free(lines);
	}
	error_clear(&err);
	scan_result_free(res);
	return text;
}

static struct claro_layer *open_tar(const char *path)
{
	struct claro_layer *layer = NULL;
	struct error err = ERROR_INIT;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || layer_open_tar(fd, "sha256:test", &layer, &err) != CLARO_OK) {
		diag("cannot open %s: %s", path, s(err.message));
		layer = NULL;
	}
	if (fd >= 0)
		close(fd);
	error_clear(&err);
	return layer;
}

/* Scan a claircore test layer; frees nothing of the registry. */
static char *scan_tar(struct registry *reg, const char *name, char **warnings)
{
	char *path = must(str_printf("%s/images/edge/claircore/rhel/%s", testdata_dir(), name));
	struct claro_layer *layer = open_tar(path);
	struct tu_capture cap;
	char *text;

	free(path);
	if (!layer)
		return must(str_dup("error: no layer"));
	tu_capture_begin(&cap);
	text = scan_repos(reg, layer);
	if (warnings)
		*warnings = tu_capture_end(&cap);
	else
		free(tu_capture_end(&cap));
	layer_free(layer);
	return text;
}

static void test_claircore_layers(struct registry *reg, const char *how)
{
	char *warn = NULL;

	is_owned(scan_tar(reg, "layer-with-embedded-cs.tar", NULL), want_cs12,
		 "%s: layer-with-embedded-cs.tar gives claircore's four repositories", how);
	is_owned(scan_tar(reg, "rhcos-layer-with-embedded-cs.tar", NULL), want_cs12,
		 "%s: rhcos-layer-with-embedded-cs.tar (usr/share/buildinfo/*.json) gives them too", how);
	is_owned(scan_tar(reg, "rhcos-layer-with-conflicting-files.tar", NULL), want_cs12,
		 "%s: rhcos-layer-with-conflicting-files.tar: root/buildinfo wins, same four", how);
	is_owned(scan_tar(reg, "layer-with-no-cpe-info.tar", NULL), "",
		 "%s: layer-with-no-cpe-info.tar: nothing", how);
	is_owned(scan_tar(reg, "layer-with-cpe.tar", NULL), "",
		 "%s: layer-with-cpe.tar (a Dockerfile only; no container API): nothing", how);
	is_owned(scan_tar(reg, "layer-with-invalid-content-manifests-json.tar", &warn), "",
		 "%s: layer-with-invalid-content-manifests-json.tar: nothing, as claircore", how);
	like(warn,
	     "content manifest root/buildinfo/content_manifests/ubi8-container-8.7-1112.json cannot be used "
	     "(not JSON",
	     "  with a warning naming the file");
	free(warn);
}

/* A directory layer with a content manifest listing ids. */
static struct claro_layer *manifest_layer(const char *json)
{
	char *root = must(str_printf("%s/layer", tmpdir));
	char *file = must(str_printf("%s/root/buildinfo/content_manifests/test-1-1.json", root));
	struct claro_layer *layer = NULL;
	struct error err = ERROR_INIT;

	tu_rmrf(root);
	if (tu_write_file(file, json, 0644) != 0 ||
	    layer_open_dir(root, "sha256:dir", &layer, &err) != CLARO_OK)
		diag("cannot make the layer: %s", s(err.message));
	error_clear(&err);
	free(root);
	free(file);
	return layer;
}

/* Every CPE of ids in Red Hat's file, as the scanner must report them. */
static char *expected_from_mapping(const char *mapping_path, const char *const *ids)
{
	json_error_t jerr;
	json_t *root = json_load_file(mapping_path, 0, &jerr), *data = json_object_get(root, "data");
	char **lines = NULL;
	size_t n = 0;
	char *text;

	for (size_t i = 0; ids[i]; i++) {
		json_t *cpes = json_object_get(json_object_get(data, ids[i]), "cpes"), *c;
		size_t k;

		json_array_foreach(cpes, k, c)
		{
			char *fs = NULL;
			const char *why;

			if (cpe_to_fs(json_string_value(c), &fs, &why) != CLARO_OK)
				continue;
			lines = must(realloc(lines, (n + 1) * sizeof(*lines)));
			lines[n++] = must(str_printf("%s repoid=%s", fs, ids[i]));
			free(fs);
		}
	}
	json_decref(root);
	/* duplicates (one CPE under one id twice) are reported once */
	if (n > 1)
		qsort(lines, n, sizeof(*lines), cmp_line);
	{
		size_t k = 0;

		for (size_t i = 0; i < n; i++) {
			if (k && strcmp(lines[k - 1], lines[i]) == 0) {
				free(lines[i]);
				continue;
			}
			lines[k++] = lines[i];
		}
		n = k;
	}
	text = join_sorted(lines, n);
	free(lines);
	return text;
}

static void test_real_mapping(const char *plugins)
{
	static const char *const ids[] = {"rhel-8-for-x86_64-baseos-rpms", "rhel-8-for-x86_64-appstream-rpms",
					  "ubi-8-baseos-rpms", "ubi-8-appstream-rpms", NULL};
	char *mapping =
	    must(str_printf("%s/advisories/rhel/repository-to-cpe/repository-to-cpe.json", testdata_dir()));
	char *ini = must(str_printf("[plugin.rhel]\nrepo2cpe_mapping_file = %s\n", mapping));
	struct registry reg;
	struct error err = ERROR_INIT;
	struct claro_layer *layer;
	char *want, *got;

	if (!ok(load(&reg, plugins, ini, &err) == CLARO_OK,
		"Red Hat's repository-to-cpe.json loads as the file"))
		diag("%s / %s", s(err.message), s(err.detail));
	layer = manifest_layer("{\"metadata\": {\"icm_version\": 1, \"image_layer_index\": 0},\n"
			       " \"content_sets\": [\"rhel-8-for-x86_64-baseos-rpms\", "
			       "\"rhel-8-for-x86_64-appstream-rpms\", \"ubi-8-baseos-rpms\", "
			       "\"ubi-8-appstream-rpms\", \"no-such-repository\"]}\n");
	want = expected_from_mapping(mapping, ids);
	got = layer ? scan_repos(&reg, layer) : must(str_dup("no layer"));
	ok(strlen(want) > 0 && strstr(want, "cpe:2.3:o:redhat:enterprise_linux:8:*:baseos:*:*:*:*:* "
					    "repoid=rhel-8-for-x86_64-baseos-rpms\n"),
	   "the mapping gives rhel-8 baseos cpe:/o:redhat:enterprise_linux:8::baseos (as bound in Clair's "
	   "ubi8 "
	   "index report)");
	is_str(got, want, "a manifest of four real ids and an unknown one: every CPE the mapping gives them");
	free(got);
	free(want);
	if (layer)
		layer_free(layer);
	layer = manifest_layer("{\"from_dnf_hint\": true, \"content_sets\": [\"ubi-8-baseos-rpms\"]}");
	got = layer ? scan_repos(&reg, layer) : must(str_dup("no layer"));
	ok(strstr(got, "repoid=ubi-8-baseos-rpms") != NULL,
	   "from_dnf_hint: the content sets are used (claro reads no dnf history yet)");
	free(got);
	if (layer)
		layer_free(layer);
	layer = manifest_layer("{\"content_sets\": \"rhel-8-for-x86_64-baseos-rpms\"}");
	got = layer ? scan_repos(&reg, layer) : must(str_dup("no layer"));
	is_owned(got, "", "content_sets that is not an array: nothing (a warning), not a failed index");
	if (layer)
		layer_free(layer);
	error_clear(&err);
	registry_free(&reg);
	free(ini);
	free(mapping);
}

static void test_url(const char *plugins)
{
	struct http_fixture *srv = http_fixture_start();
	char *ini, *warn;
	struct registry reg;
	struct error err = ERROR_INIT;

	if (!srv) {
		ok(0, "the loopback HTTP server starts");
		return;
	}
	http_fixture_route(srv, "/repository-2-cpe.json", 200, NULL, "Mon, 02 Jan 2006 15:04:05 GMT",
			   test_mapping);
	ini = must(str_printf("[plugin.rhel]\nrepo2cpe_mapping_url = %s/repository-2-cpe.json\n",
			      http_fixture_url(srv)));
	ok(load(&reg, plugins, ini, &err) == CLARO_OK, "the plugin loads with a mapping URL");
	is_int(http_fixture_hits(srv, "/repository-2-cpe.json"), 0, "  nothing is fetched at start-up");
	test_claircore_layers(&reg, "from a URL");
	is_int(http_fixture_hits(srv, "/repository-2-cpe.json"), 1,
	       "  the mapping was fetched once for all the scans (the next fetch is due in a day)");
	registry_free(&reg);
	free(ini);

	/* a URL nothing answers: a warning and no repositories, never an error */
	ini = must(
	    str_printf("[plugin.rhel]\nrepo2cpe_mapping_url = %s/missing.json\n", http_fixture_url(srv)));
	ok(load(&reg, plugins, ini, &err) == CLARO_OK,
	   "the plugin loads with a mapping URL that answers 404");
	is_owned(scan_tar(&reg, "layer-with-embedded-cs.tar", &warn), "",
		 "no mapping: the content sets give no repositories and the scan succeeds");
	like(warn, "could not fetch the repository-to-CPE mapping from", "  with a warning naming the URL");
	like(warn, "repo2cpe_mapping_file", "  and saying how to work without the network");
	free(warn);
	registry_free(&reg);
	free(ini);
	http_fixture_stop(srv);
	error_clear(&err);
}

static void test_config_errors(const char *plugins)
{
	struct registry reg;
	struct error err = ERROR_INIT;
	char *ini = must(str_printf("[plugin.rhel]\nrepo2cpe_mapping_file = %s/no-such-file.json\n", tmpdir));
	char *bad = must(str_printf("%s/bad.json", tmpdir));

	is_int(load(&reg, plugins, ini, &err), CLARO_ERR_CONFIG,
	       "a mapping file that does not exist stops start-up");
	like(err.message, "no-such-file.json", "  the message names the file");
	ok(err.detail && err.hint, "  with a detail and a hint");
	registry_free(&reg);
	error_clear(&err);
	free(ini);
	tu_write_file(bad, "{\"data\": [1, 2]}", 0644);
	ini = must(str_printf("[plugin.rhel]\nrepo2cpe_mapping_file = %s\n", bad));
	is_int(load(&reg, plugins, ini, &err), CLARO_ERR_CONFIG, "a mapping file without a data object too");
	like(err.detail, "no \"data\" object", "  the detail says what is wrong");
	registry_free(&reg);
	error_clear(&err);
	free(ini);
	free(bad);
}

/* ---- CPE binding (plugins/common/cpe.c) ---- */

/* Clair's own bindings: every product repository in its index report
 * fixtures has the URI as name and the 2.3 string as cpe. */
static void test_cpe_fixtures(void)
{
	static const char *const files[] = {
	    "clair-fixtures/datastore-postgres/main/rhacs-main-rhel8.index.json",
	    "clair-fixtures/datastore-postgres/stable-1.5.44/registry.access.redhat.com-ubi8-ubi.index.json",
	    "clair-fixtures/test-rhel/clair-rhel8-v3.5.5-4-labels-indexreport.json",
	};
	size_t checked = 0, agreed = 0;

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char *path = must(str_printf("%s/%s", testdata_dir(), files[f]));
		json_error_t jerr;
		json_t *root = json_load_file(path, 0, &jerr), *repos = json_object_get(root, "repository"),
		       *r;
		const char *id;

		json_object_foreach(repos, id, r)
		{
			const char *name = json_string_value(json_object_get(r, "name"));
			const char *want = json_string_value(json_object_get(r, "cpe"));
			char *got = NULL;
			const char *why;

			if (!name || !want || !*want || strncmp(name, "cpe:", 4) != 0)
				continue;
			checked++;
			if (cpe_to_fs(name, &got, &why) == CLARO_OK && strcmp(got, want) == 0)
				agreed++;
			else
				diag("%s: %s -> %s, Clair: %s", files[f], name, got ? got : why, want);
			free(got);
		}
		json_decref(root);
		free(path);
	}
	ok(checked >= 7 && agreed == checked,
	   "%zu of %zu CPEs of Clair's index reports bind as Clair bound them", agreed, checked);
}

/* NIST IR 7695 §6.1.3.3's examples of unbinding URIs, bound as 2.3. */
static void test_cpe_nist(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
	     "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*"},
	    {"cpe:/a:microsoft:internet_explorer:8.%02:sp%01",
	     "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*"},
	    {"cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~",
	     "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*"},
	    {"cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~",
	     "cpe:2.3:a:hp:openview_network_manager:7.51:-:*:*:*:linux:*:*"},
	    {"cpe:/a:foo~bar:big%7emoney_2010", "cpe:2.3:a:foo\\~bar:big\\~money_2010:*:*:*:*:*:*:*:*"},
	    {"cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~", NULL},
	    {"cpe:/a:foo:bar:12.%02.1234", NULL},
	    {"cpe:/o:redhat:enterprise_linux:7.7:GA:server",
	     "cpe:2.3:o:redhat:enterprise_linux:7.7:ga:server:*:*:*:*:*"},
	    {"cpe:/a:redhat:openshift:4.*", NULL},
	    {"cpe:/x:redhat:rhel", NULL},
	    {"cpe:/a:b:c:d:e:f:g:h", NULL},
	    {"cpe:2.3:o:amazon:amazon_linux:2", "cpe:2.3:o:amazon:amazon_linux:2:*:*:*:*:*:*:*"},
	    {"cpe:2.3:a:redhat:quay:3:*:el8:*:*:*:*:*", "cpe:2.3:a:redhat:quay:3:*:el8:*:*:*:*:*"},
	    {"cpe:2.3:a:x:y:1:*:*:*:*:*:*:*:extra", NULL},
	    {"cpe:2.3:a:x:y z", NULL},
	    {"not a cpe", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = NULL;
		const char *why = NULL;
		enum claro_status st = cpe_to_fs(cases[i].in, &got, &why);

		if (cases[i].want)
			is_str(st == CLARO_OK ? got : why, cases[i].want, "CPE %s binds as %s", cases[i].in,
			       cases[i].want);
		else
			ok(st == CLARO_ERR_INVALID && why && !got, "CPE %s is refused (%s)", cases[i].in,
			   why ? why : "?");
		free(got);
	}
}

/* ---- the coalescer ---- */

struct tlayer {
	struct claro_layer_artifacts a;
	char *digest;
	const struct claro_package **pkgs;
	size_t n_pkgs;
	const struct claro_distribution **dists;
	size_t n_dists;
	const struct claro_repository **repos;
	size_t n_repos;
};

static void push(void *arrayp, size_t *n, const void *item)
{
	const void ***array = arrayp;

	*array = must(realloc(*array, (*n + 1) * sizeof(**array)));
	(*array)[(*n)++] = item;
}

static struct tlayer *tl_new(const char *digest)
{
	struct tlayer *t = must(calloc(1, sizeof(*t)));

	t->digest = must(str_dup(digest));
	return t;
}

/* kind binary, arch x86_64, no source */
static void tl_pkg(struct tlayer *t, const char *name, const char *version, const char *db, const char *hint)
{
	struct claro_package *p = must(calloc(1, sizeof(*p)));

	p->struct_size = sizeof(*p);
	p->name = must(str_dup(name));
	p->version = must(str_dup(version));
	p->kind = CLARO_PACKAGE_BINARY;
	p->arch = "x86_64";
	p->package_db = must(str_dup(db));
	p->repository_hint = hint ? must(str_dup(hint)) : NULL;
	push(&t->pkgs, &t->n_pkgs, p);
}

static void tl_free(struct tlayer *t)
{
	for (size_t i = 0; i < t->n_pkgs; i++) {
		free((char *)t->pkgs[i]->name);
		free((char *)t->pkgs[i]->version);
		free((char *)t->pkgs[i]->package_db);
		free((char *)t->pkgs[i]->repository_hint);
		free((void *)t->pkgs[i]);
	}
	free(t->pkgs);
	free(t->dists);
	free(t->repos);
	free(t->digest);
	free(t);
}

static const struct claro_layer_artifacts *tl_artifacts(struct tlayer *t)
{
	memset(&t->a, 0, sizeof(t->a));
	t->a.struct_size = sizeof(t->a);
	t->a.layer_digest = t->digest;
	t->a.packages = t->pkgs;
	t->a.n_packages = t->n_pkgs;
	t->a.distributions = t->dists;
	t->a.n_distributions = t->n_dists;
	t->a.repositories = t->repos;
	t->a.n_repositories = t->n_repos;
	return &t->a;
}

static struct registry reg;

/* "name version db intro did [repo,repo]" per entry, or "error: ...". */
static char *run(const char *coalescer, struct tlayer **ls, size_t n)
{
	const struct component_ref *ref = registry_find(&reg, CLARO_KIND_COALESCER, coalescer);
	const struct claro_coalescer_ops *ops = ref->component->ops;
	const struct claro_layer_artifacts **arts = must(calloc(n ? n : 1, sizeof(*arts)));
	struct claro_index_builder *ib = must(index_builder_new());
	struct error err = ERROR_INIT;
	struct plugin_call call;
	char *text;

	for (size_t i = 0; i < n; i++)
		arts[i] = tl_artifacts(ls[i]);
	plugin_call_begin(&call, ref);
	if (plugin_call_end(&call, ops->coalesce(&call.ctx, arts, n, ib), &err) != CLARO_OK) {
		text = must(str_printf("error: %s", s(err.message)));
	} else {
		size_t m = index_builder_count(ib);
		char **lines = must(calloc(m ? m : 1, sizeof(*lines)));

		for (size_t i = 0; i < m; i++) {
			const struct claro_package *p = index_builder_package(ib, i);
			const struct claro_environment *e = index_builder_environment(ib, i);
			struct buf rb = BUF_INIT(0);
			char **names, *joined;
			size_t k = 0;

			while (e->repositories && e->repositories[k])
				k++;
			names = must(calloc(k ? k : 1, sizeof(*names)));
			for (size_t j = 0; j < k; j++)
				names[j] = must(str_dup(s(e->repositories[j]->name)));
			if (k > 1)
				qsort(names, k, sizeof(*names), cmp_line);
			for (size_t j = 0; j < k; j++) {
				if ((j && buf_puts(&rb, ",") != CLARO_OK) ||
				    buf_puts(&rb, names[j]) != CLARO_OK)
					must(NULL);
				free(names[j]);
			}
			free(names);
			joined = k ? must(buf_steal(&rb)) : NULL;
			lines[i] = must(str_printf("%s %s %s %s %s [%s]", s(p->name), s(p->version),
						   s(e->package_db), s(e->introduced_in),
						   e->distribution ? s(e->distribution->did) : "-",
						   joined ? joined : ""));
			free(joined);
			buf_free(&rb);
		}
		text = join_sorted(lines, m);
		free(lines);
	}
	error_clear(&err);
	index_builder_free(ib);
	free(arts);
	return text;
}

static void expect(char *got, const char *const *want, const char *fmt, ...) CLARO_PRINTF(3, 4);
static void expect(char *got, const char *const *want, const char *fmt, ...)
{
	size_t n = 0;
	char **lines, *text, *what;
	va_list ap;

	va_start(ap, fmt);
	what = must(str_vprintf(fmt, ap));
	va_end(ap);
	while (want[n])
		n++;
	lines = must(calloc(n ? n : 1, sizeof(*lines)));
	for (size_t i = 0; i < n; i++)
		lines[i] = must(str_dup(want[i]));
	text = join_sorted(lines, n);
	is_str(got, text, "%s", what);
	free(lines);
	free(text);
	free(what);
	free(got);
}

#define LINES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOTHING    ((const char *const[]){NULL})

#define DIST(var, did, v)                                                                        \
	static const struct claro_distribution var = {sizeof(var), did,  "Test " did, v,   NULL, \
						      v,           NULL, NULL,        NULL}
DIST(dist1, "rhel", "8");
DIST(dist2, "rhel", "9");
DIST(amzn2, "amzn", "2");

#define REPO(var, cpe, repoid)                                                               \
	static const struct claro_repository var = {sizeof(var), cpe, "rhel-cpe-repository", \
						    "repoid=" repoid, cpe}
/* the repositories of claircore's coalescer tests */
REPO(repo1, "cpe:/o:redhat:enterprise_linux:8::baseos", "rhel-8-for-x86_64-baseos-rpms");
REPO(repo2, "cpe:/a:redhat:enterprise_linux:8::appstream", "rhel-8-for-x86_64-appstream-rpms");
REPO(repo3, "cpe:/a:redhat:enterprise_linux:8.0::appstream", "rhel-8-for-x86_64-appstream-rpms");
REPO(repo3b, "cpe:/a:redhat:enterprise_linux:8.1::appstream", "rhel-8-for-x86_64-appstream-rpms");
REPO(repo3c, "cpe:/a:redhat:enterprise_linux:8.2::appstream", "rhel-8-for-x86_64-appstream-rpms");

static void free_layers(struct tlayer **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tl_free(l[i]);
}

/* claircore's "Simple" and "CPERepos": package i in layers i.., each in its
 * own database; distributions in layers 2 and 4. Every package survives; 0-3
 * get the first distribution, the later ones the second. */
static void test_clair_simple(int with_repos)
{
	struct tlayer *l[6];
	size_t n = with_repos ? 5 : 6;
	char name[8], db[24];

	for (size_t i = 0; i < n; i++) {
		char dg[8];

		snprintf(dg, sizeof(dg), "L%zu", i);
		l[i] = tl_new(dg);
		for (size_t k = 0; k <= i; k++) {
			snprintf(name, sizeof(name), "p%zu", k);
			snprintf(db, sizeof(db), "package-db-%zu", k);
			tl_pkg(l[i], name, "1", db, NULL);
		}
	}
	push(&l[2]->dists, &l[2]->n_dists, &dist1);
	push(&l[4]->dists, &l[4]->n_dists, &dist2);
	if (!with_repos) {
		/* Clair runs this without any product: here a RHEL distribution
		 * makes it Red Hat's (the rpm coalescer's otherwise) */
		expect(run("rhel", l, n),
		       LINES("p0 1 package-db-0 L0 rhel []", "p1 1 package-db-1 L1 rhel []",
			     "p2 1 package-db-2 L2 rhel []", "p3 1 package-db-3 L3 rhel []",
			     "p4 1 package-db-4 L4 rhel []", "p5 1 package-db-5 L5 rhel []"),
		       "claircore Simple: all six packages, introduced where they appear");
	} else {
		push(&l[1]->repos, &l[1]->n_repos, &repo1);
		push(&l[1]->repos, &l[1]->n_repos, &repo2);
		push(&l[2]->repos, &l[2]->n_repos, &repo3);
		expect(run("rhel", l, n),
		       LINES("p0 1 package-db-0 L0 rhel [cpe:/a:redhat:enterprise_linux:8::appstream,"
			     "cpe:/o:redhat:enterprise_linux:8::baseos]",
			     "p1 1 package-db-1 L1 rhel [cpe:/a:redhat:enterprise_linux:8::appstream,"
			     "cpe:/o:redhat:enterprise_linux:8::baseos]",
			     "p2 1 package-db-2 L2 rhel [cpe:/a:redhat:enterprise_linux:8.0::appstream]",
			     "p3 1 package-db-3 L3 rhel [cpe:/a:redhat:enterprise_linux:8.0::appstream]",
			     "p4 1 package-db-4 L4 rhel [cpe:/a:redhat:enterprise_linux:8.0::appstream]"),
		       "claircore CPERepos: products shared down to layer 0 and up from layer 2");
	}
	free_layers(l, n);
}

/* The distribution each package gets, by version: claircore Simple's
 * expectation that 0-3 get dists[1] and 4-5 dists[2]. */
static void test_clair_simple_distributions(void)
{
	struct tlayer *l[6];
	static const char *const want = "p0=8 p1=8 p2=8 p3=8 p4=9 p5=9";
	const struct component_ref *ref = registry_find(&reg, CLARO_KIND_COALESCER, "rhel");
	const struct claro_coalescer_ops *ops = ref->component->ops;
	const struct claro_layer_artifacts *arts[6];
	struct claro_index_builder *ib = must(index_builder_new());
	struct error err = ERROR_INIT;
	struct plugin_call call;
	char *lines[6];
	size_t m;

	for (size_t i = 0; i < 6; i++) {
		char dg[8], name[8], db[24];

		snprintf(dg, sizeof(dg), "L%zu", i);
		l[i] = tl_new(dg);
		for (size_t k = 0; k <= i; k++) {
			snprintf(name, sizeof(name), "p%zu", k);
			snprintf(db, sizeof(db), "package-db-%zu", k);
			tl_pkg(l[i], name, "1", db, NULL);
		}
	}
	push(&l[2]->dists, &l[2]->n_dists, &dist1);
	push(&l[4]->dists, &l[4]->n_dists, &dist2);
	for (size_t i = 0; i < 6; i++)
		arts[i] = tl_artifacts(l[i]);
	plugin_call_begin(&call, ref);
	plugin_call_end(&call, ops->coalesce(&call.ctx, arts, 6, ib), &err);
	m = index_builder_count(ib);
	for (size_t i = 0; i < m && i < 6; i++) {
		const struct claro_environment *e = index_builder_environment(ib, i);

		lines[i] = must(str_printf("%s=%s", s(index_builder_package(ib, i)->name),
					   e->distribution ? s(e->distribution->version_id) : "-"));
	}
	{
		char *joined = join_sorted(lines, m < 6 ? m : 6);

		for (char *p = joined; *p; p++)
			if (*p == '\n')
				*p = p[1] ? ' ' : '\0';
		is_str(joined, want, "claircore Simple: the distribution of layer n applies to layers 0..n");
		free(joined);
	}
	error_clear(&err);
	index_builder_free(ib);
	free_layers(l, 6);
}

/* claircore's UpgradedPackage, DowngradedPackage and RemovedPackage. */
static void test_clair_changes(void)
{
	static const char *const names[][2] = {{"foo", "1.0-1"}, {"foo", "2.0-1"}, {"bar", "1.0-1"}};
	/* {lower package, upper package, expected line} */
	static const struct {
		int lower, upper;
		const char *what, *want;
	} cases[] = {
	    {0, 1, "UpgradedPackage",
	     "foo 2.0-1 fixture:/var/lib/rpm L2 - [cpe:/a:redhat:enterprise_linux:8::appstream]"},
	    {2, 0, "DowngradedPackage",
	     "foo 1.0-1 fixture:/var/lib/rpm L2 - [cpe:/a:redhat:enterprise_linux:8::appstream]"},
	    {0, 2, "RemovedPackage",
	     "bar 1.0-1 fixture:/var/lib/rpm L2 - [cpe:/a:redhat:enterprise_linux:8::appstream]"},
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct tlayer *l[3] = {tl_new("L0"), tl_new("L1"), tl_new("L2")};

		tl_pkg(l[0], names[cases[c].lower][0], names[cases[c].lower][1], "fixture:/var/lib/rpm",
		       NULL);
		push(&l[0]->repos, &l[0]->n_repos, &repo1);
		tl_pkg(l[2], names[cases[c].upper][0], names[cases[c].upper][1], "fixture:/var/lib/rpm",
		       NULL);
		push(&l[2]->repos, &l[2]->n_repos, &repo2);
		expect(run("rhel", l, 3), LINES(cases[c].want),
		       "claircore %s: only the upper package, with its repository", cases[c].what);
		free_layers(l, 3);
	}
}

/* claircore's WithDNF, WithDNFUnknownRepo and MultiCPEForOneRepoID. */
static void test_clair_repoid_hint(void)
{
	struct tlayer *l[1] = {tl_new("L0")};

	tl_pkg(l[0], "hello", "1.0-1", "fixture:/var/lib/rpm", "repoid=rhel-8-for-x86_64-appstream-rpms");
	push(&l[0]->repos, &l[0]->n_repos, &repo2);
	push(&l[0]->repos, &l[0]->n_repos, &repo1);
	expect(run("rhel", l, 1),
	       LINES("hello 1.0-1 fixture:/var/lib/rpm L0 - [cpe:/a:redhat:enterprise_linux:8::appstream]"),
	       "claircore WithDNF: the hint's repoid picks the repository with that repoid");
	free_layers(l, 1);

	l[0] = tl_new("L0");
	tl_pkg(l[0], "hello", "1.0-1", "fixture:/var/lib/rpm", "repoid=does-not-exist");
	push(&l[0]->repos, &l[0]->n_repos, &repo2);
	expect(run("rhel", l, 1), LINES("hello 1.0-1 fixture:/var/lib/rpm L0 - []"),
	       "claircore WithDNFUnknownRepo: an unknown repoid gets no repository");
	free_layers(l, 1);

	l[0] = tl_new("L0");
	tl_pkg(l[0], "hello", "1.0-1", "fixture:/var/lib/rpm", "repoid=rhel-8-for-x86_64-appstream-rpms");
	push(&l[0]->repos, &l[0]->n_repos, &repo3);
	push(&l[0]->repos, &l[0]->n_repos, &repo3b);
	push(&l[0]->repos, &l[0]->n_repos, &repo3c);
	expect(run("rhel", l, 1),
	       LINES("hello 1.0-1 fixture:/var/lib/rpm L0 - [cpe:/a:redhat:enterprise_linux:8.0::appstream,"
		     "cpe:/a:redhat:enterprise_linux:8.1::appstream,cpe:/"
		     "a:redhat:enterprise_linux:8.2::appstream]"),
	       "claircore MultiCPEForOneRepoID: every repository of the repoid");
	free_layers(l, 1);

	l[0] = tl_new("L0");
	tl_pkg(l[0], "hello", "1.0-1", "fixture:/var/lib/rpm",
	       "hash=sha256%3Aabc&key=199e2f91fd431d51&repoid=rhel-8-for-x86_64-baseos-rpms");
	push(&l[0]->repos, &l[0]->n_repos, &repo1);
	push(&l[0]->repos, &l[0]->n_repos, &repo2);
	expect(run("rhel", l, 1),
	       LINES("hello 1.0-1 fixture:/var/lib/rpm L0 - [cpe:/o:redhat:enterprise_linux:8::baseos]"),
	       "a full rpm hint (hash, key, repoid): the repoid decides");
	free_layers(l, 1);
}

/* claro's rules beyond claircore's cases. */
static void test_beyond(void)
{
	struct tlayer *l[3] = {tl_new("L0"), tl_new("L1"), tl_new("L2")};

	/* two databases; the top layer writes only one of them */
	push(&l[0]->dists, &l[0]->n_dists, &dist1);
	tl_pkg(l[0], "bash", "5.1-1", "bdb:var/lib/rpm", NULL);
	tl_pkg(l[0], "gone", "1-1", "bdb:var/lib/rpm", NULL);
	tl_pkg(l[1], "bash", "5.1-1", "bdb:var/lib/rpm", NULL);
	tl_pkg(l[1], "tool", "2-1", "sqlite:opt/app/rpm", NULL);
	tl_pkg(l[2], "tool", "3-1", "sqlite:opt/app/rpm", NULL);
	expect(run("rhel", l, 3),
	       LINES("bash 5.1-1 bdb:var/lib/rpm L0 rhel []", "tool 3-1 sqlite:opt/app/rpm L2 rhel []"),
	       "per database: bdb:var/lib/rpm keeps its newest copy (L1) though L2 writes only the other one "
	       "(Clair would drop bash)");
	free_layers(l, 3);

	l[0] = tl_new("L0");
	l[1] = tl_new("L1");
	tl_pkg(l[0], "bash", "5.1-1", "bdb:var/lib/rpm", NULL);
	tl_pkg(l[0], "bash", "5.1-1", "bdb:var/lib/rpm", NULL);
	push(&l[1]->dists, &l[1]->n_dists, &dist2);
	expect(run("rhel", l, 2), LINES("bash 5.1-1 bdb:var/lib/rpm L0 rhel []"),
	       "a package listed twice in one database is reported once; the only distribution is above");
	free_layers(l, 2);
}

/* Every rpm package is reported by exactly one of rhel and rpm. */
static void test_ownership(void)
{
	struct tlayer *l[2] = {tl_new("L0"), tl_new("L1")};

	tl_pkg(l[0], "bash", "4.2.46-34.amzn2", "bdb:var/lib/rpm", NULL);
	push(&l[0]->dists, &l[0]->n_dists, &amzn2);
	tl_pkg(l[1], "bash", "4.2.46-34.amzn2", "bdb:var/lib/rpm", NULL);
	expect(run("rhel", l, 2), NOTHING, "Amazon Linux: the rhel coalescer reports nothing");
	expect(run("rpm", l, 2), LINES("bash 4.2.46-34.amzn2 bdb:var/lib/rpm L0 amzn []"),
	       "  the rpm coalescer reports the package, with its distribution");
	free_layers(l, 2);

	l[0] = tl_new("L0");
	l[1] = tl_new("L1");
	tl_pkg(l[0], "bash", "5.1.8-6.el9", "sqlite:var/lib/rpm", NULL);
	push(&l[0]->dists, &l[0]->n_dists, &dist2);
	tl_pkg(l[1], "bash", "5.1.8-6.el9", "sqlite:var/lib/rpm", NULL);
	push(&l[1]->repos, &l[1]->n_repos, &repo1);
	expect(run("rpm", l, 2), NOTHING, "RHEL: the rpm coalescer reports nothing");
	expect(
	    run("rhel", l, 2),
	    LINES("bash 5.1.8-6.el9 sqlite:var/lib/rpm L0 rhel [cpe:/o:redhat:enterprise_linux:8::baseos]"),
	    "  the rhel coalescer reports the package once, with distribution and product");
	l[0]->n_dists = 0;
	expect(run("rpm", l, 2), NOTHING,
	       "a product repository without a RHEL distribution: still not the rpm one's");
	expect(run("rhel", l, 2),
	       LINES("bash 5.1.8-6.el9 sqlite:var/lib/rpm L0 - [cpe:/o:redhat:enterprise_linux:8::baseos]"),
	       "  but the rhel one's");
	l[1]->n_repos = 0;
	expect(run("rhel", l, 2), NOTHING, "no RHEL evidence at all: not the rhel one's");
	expect(run("rpm", l, 2), LINES("bash 5.1.8-6.el9 sqlite:var/lib/rpm L0 - []"), "  but the rpm one's");
	free_layers(l, 2);
}

static void test_invalid(void)
{
	const struct component_ref *ref = registry_find(&reg, CLARO_KIND_COALESCER, "rhel");
	const struct claro_coalescer_ops *ops = ref->component->ops;
	const struct claro_layer_artifacts *arts[1] = {NULL};
	struct claro_index_builder *ib = must(index_builder_new());
	struct error err = ERROR_INIT;
	struct plugin_call call;

	plugin_call_begin(&call, ref);
	is_int(plugin_call_end(&call, ops->coalesce(&call.ctx, arts, 1, ib), &err), CLARO_ERR_INVALID,
	       "a NULL layer is refused");
	ok(err.message && err.detail && err.hint, "  with a three-part error");
	error_clear(&err);
	plugin_call_begin(&call, ref);
	is_int(plugin_call_end(&call, ops->coalesce(&call.ctx, NULL, 0, ib), &err), CLARO_OK,
	       "no layers at all is fine");
	is_int(index_builder_count(ib), 0, "  and gives nothing");
	error_clear(&err);
	index_builder_free(ib);
}

/* ---- rhcc: labels.json ---- */

/* A directory layer with one file. */
static struct claro_layer *file_layer(const char *rel, const char *content)
{
	char *root = must(str_printf("%s/layer", tmpdir)), *file = must(str_printf("%s/%s", root, rel));
	struct claro_layer *layer = NULL;
	struct error err = ERROR_INIT;

	tu_rmrf(root);
	if (tu_write_file(file, content, 0644) != 0 ||
	    layer_open_dir(root, "sha256:rhcc", &layer, &err) != CLARO_OK)
		diag("cannot make the layer: %s", s(err.message));
	error_clear(&err);
	free(root);
	free(file);
	return layer;
}

/* "kind name version arch db hint source normalized" per package and
 * "repo name key cpe" per repository, of both rhcc detectors. */
static char *scan_rhcc(struct claro_layer *layer)
{
	static const struct {
		enum claro_kind kind;
		const char *name;
	} scanners[] = {{CLARO_KIND_PACKAGE_SCANNER, "rhel_package_container_detector"},
			{CLARO_KIND_REPOSITORY_SCANNER, "rhel_repo_container_detector"}};
	char **lines = NULL;
	size_t n = 0;
	char *text;

	for (size_t k = 0; k < 2; k++) {
		const struct component_ref *ref = registry_find(&reg, scanners[k].kind, scanners[k].name);
		const struct claro_package_scanner_ops *ops = ref->component->ops;
		struct claro_scan_result *res = must(scan_result_new());
		struct error err = ERROR_INIT;
		struct plugin_call call;

		plugin_call_begin(&call, ref);
		if (plugin_call_end(&call, ops->scan(&call.ctx, layer, res), &err) != CLARO_OK) {
			lines = must(realloc(lines, (n + 1) * sizeof(*lines)));
			lines[n++] = must(str_printf("error: %s", s(err.message)));
		}
		for (size_t i = 0; i < scan_result_n_packages(res); i++) {
			const struct claro_package *p = scan_result_package(res, i);
			const struct claro_normalized_version *nv = &p->normalized_version;

			lines = must(realloc(lines, (n + 1) * sizeof(*lines)));
			lines[n++] =
			    must(str_printf("%s %s %s %s %s %s %s %s:%d.%d.%d", s(p->kind), s(p->name),
					    s(p->version), s(p->arch), s(p->package_db),
					    s(p->repository_hint), p->source ? s(p->source->kind) : "-",
					    s(nv->kind), (int)nv->v[0], (int)nv->v[1], (int)nv->v[2]));
		}
		for (size_t i = 0; i < scan_result_n_repositories(res); i++) {
			const struct claro_repository *r = scan_result_repository(res, i);

			lines = must(realloc(lines, (n + 1) * sizeof(*lines)));
			lines[n++] = must(str_printf("repo %s %s %s", s(r->name), s(r->key), s(r->cpe)));
		}
		error_clear(&err);
		scan_result_free(res);
	}
	text = join_sorted(lines, n);
	free(lines);
	return text;
}

static void test_rhcc(void)
{
	/* claircore's expectations for its simple_labels.json (rhel/rhcc/detector_test.go), plus the
	 * ancestry package of version 2 */
	static const char want[] =
	    "ancestry openshift-gitops-1/gitops-rhel8-operator 1744596866 x86_64 %s rhcc source "
	    "rhctag:1744596866.0.0\n"
	    "binary openshift-gitops-1/gitops-rhel8-operator 1744596866 x86_64 %s rhcc source "
	    "rhctag:1744596866.0.0\n"
	    "repo cpe:2.3:a:redhat:openshift_gitops:1.16:*:el8:*:*:*:*:* rhcc-container-repository "
	    "cpe:2.3:a:redhat:openshift_gitops:1.16:*:el8:*:*:*:*:*\n"
	    "source openshift-gitops-1/gitops-rhel8-operator 1744596866 x86_64 %s rhcc - "
	    "rhctag:1744596866.0.0\n";
	static const char *const files[] = {"simple_labels.json", "quoted_labels.json"};

	for (size_t f = 0; f < 2; f++) {
		for (size_t where = 0; where < 2; where++) {
			const char *rel =
			    where ? "usr/share/buildinfo/labels.json" : "root/buildinfo/labels.json";
			char *path = must(
			    str_printf("%s/advisories/rhel/claircore-rhcc/%s", testdata_dir(), files[f]));
			char *content = tu_read_file(path);
			struct claro_layer *layer = content ? file_layer(rel, content) : NULL;
			char *w = must(str_printf(want, rel, rel, rel));

			is_owned(
			    layer ? scan_rhcc(layer) : must(str_dup("no layer")), w,
			    "rhcc: claircore's %s at %s: source, binary, ancestry and the CPE repository",
			    files[f], rel);
			if (layer)
				layer_free(layer);
			free(w);
			free(content);
			free(path);
		}
	}
	{
		struct claro_layer *layer = file_layer("root/buildinfo/labels.json",
						       "{\"name\": \"x\", \"architecture\": \"x86_64\"}");

		is_owned(scan_rhcc(layer), "", "rhcc: no creation time: nothing (a warning), as Clair");
		layer_free(layer);
		layer = file_layer(
		    "root/buildinfo/labels.json",
		    "{\"name\": \"x\", \"architecture\": \"x86_64\", "
		    "\"org.opencontainers.image.created\": \"yesterday\", \"cpe\": \"cpe:/a:redhat:x:1\"}");
		is_owned(scan_rhcc(layer), "",
			 "rhcc: a creation time that is not RFC 3339: nothing (a warning)");
		layer_free(layer);
		layer = file_layer("root/buildinfo/labels.json",
				   "{\"Name\": \"x\", \"ARCHITECTURE\": \"aarch64\", "
				   "\"org.opencontainers.image.created\": \"1970-01-02T01:00:00+01:00\"}");
		is_owned(scan_rhcc(layer),
			 "ancestry x 86400 aarch64 root/buildinfo/labels.json rhcc source rhctag:86400.0.0\n"
			 "binary x 86400 aarch64 root/buildinfo/labels.json rhcc source rhctag:86400.0.0\n"
			 "source x 86400 aarch64 root/buildinfo/labels.json rhcc - rhctag:86400.0.0\n",
			 "rhcc: keys match case-insensitively (Go's encoding/json), offsets count; no cpe, "
			 "no repository");
		layer_free(layer);
	}
}

static void test_rhcc_coalescer(void)
{
	static const struct claro_repository rhcc_repo = {
	    sizeof(rhcc_repo), "cpe:2.3:a:redhat:quay:3:*:el8:*:*:*:*:*", "rhcc-container-repository", NULL,
	    "cpe:2.3:a:redhat:quay:3:*:el8:*:*:*:*:*"};
	struct tlayer *l[3] = {tl_new("L0"), tl_new("L1"), tl_new("L2")};

	tl_pkg(l[0], "ubi8", "1626828523", "root/buildinfo/labels.json", "rhcc");
	tl_pkg(l[0], "bash", "4.4.20-1.el8_4", "sqlite:var/lib/rpm", NULL);
	tl_pkg(l[1], "quay/clair-rhel8", "1634738116", "root/buildinfo/labels.json", "rhcc");
	push(&l[1]->repos, &l[1]->n_repos, &rhcc_repo);
	tl_pkg(l[2], "quay/clair-rhel8", "1634738116", "root/buildinfo/labels.json", "rhcc");
	expect(run("rhcc", l, 3),
	       LINES("quay/clair-rhel8 1634738116 root/buildinfo/labels.json L1 - "
		     "[cpe:2.3:a:redhat:quay:3:*:el8:*:*:*:*:*]"),
	       "rhcc coalescer: only rhcc packages of layers with a repository (claircore's rule)");
	push(&l[2]->repos, &l[2]->n_repos, &rhcc_repo);
	push(&l[0]->repos, &l[0]->n_repos, &rhcc_repo);
	expect(
	    run("rhcc", l, 3),
	    LINES(
		"quay/clair-rhel8 1634738116 root/buildinfo/labels.json L2 - "
		"[cpe:2.3:a:redhat:quay:3:*:el8:*:*:*:*:*]",
		"ubi8 1626828523 root/buildinfo/labels.json L0 - [cpe:2.3:a:redhat:quay:3:*:el8:*:*:*:*:*]"),
	    "  a package in several such layers keeps the highest one (Clair's map assignment)");
	free_layers(l, 3);
}

/* ---- real databases through the real scanners ---- */

struct real_layer {
	struct claro_scan_result *res;
	struct claro_layer_artifacts a;
	const struct claro_package **pkgs;
	const struct claro_distribution **dists;
	const struct claro_repository **repos;
};

/* Every scanner named (kind:name) over the directory root into one result. */
static int scan_real(struct registry *r, const char *root, const char *digest, struct real_layer *rl)
{
	static const struct {
		enum claro_kind kind;
		const char *name;
	} scanners[] = {{CLARO_KIND_PACKAGE_SCANNER, "rpm"},
			{CLARO_KIND_DISTRIBUTION_SCANNER, "rhel"},
			{CLARO_KIND_DISTRIBUTION_SCANNER, "mariner"},
			{CLARO_KIND_REPOSITORY_SCANNER, "rhel-repository-scanner"}};
	struct claro_layer *layer = NULL;
	struct error err = ERROR_INIT;
	int good = 1;
	size_t n;

	memset(rl, 0, sizeof(*rl));
	rl->res = must(scan_result_new());
	if (layer_open_dir(root, digest, &layer, &err) != CLARO_OK)
		good = 0;
	for (size_t k = 0; good && k < sizeof(scanners) / sizeof(scanners[0]); k++) {
		const struct component_ref *ref = registry_find(r, scanners[k].kind, scanners[k].name);
		const struct claro_package_scanner_ops *ops = ref ? ref->component->ops : NULL;
		struct plugin_call call;

		if (!ops) {
			good = 0;
			break;
		}
		plugin_call_begin(&call, ref);
		if (plugin_call_end(&call, ops->scan(&call.ctx, layer, rl->res), &err) != CLARO_OK) {
			diag("%s over %s: %s", scanners[k].name, root, s(err.message));
			good = 0;
		}
	}
	if (layer)
		layer_free(layer);
	error_clear(&err);
	n = scan_result_n_packages(rl->res);
	rl->pkgs = must(calloc(n + 1, sizeof(*rl->pkgs)));
	for (size_t i = 0; i < n; i++)
		rl->pkgs[i] = scan_result_package(rl->res, i);
	rl->dists = must(calloc(scan_result_n_distributions(rl->res) + 1, sizeof(*rl->dists)));
	for (size_t i = 0; i < scan_result_n_distributions(rl->res); i++)
		rl->dists[i] = scan_result_distribution(rl->res, i);
	rl->repos = must(calloc(scan_result_n_repositories(rl->res) + 1, sizeof(*rl->repos)));
	for (size_t i = 0; i < scan_result_n_repositories(rl->res); i++)
		rl->repos[i] = scan_result_repository(rl->res, i);
	rl->a = (struct claro_layer_artifacts){sizeof(rl->a), digest,
					       rl->pkgs,      n,
					       rl->dists,     scan_result_n_distributions(rl->res),
					       rl->repos,     scan_result_n_repositories(rl->res),
					       NULL,          0};
	return good;
}

static void real_free(struct real_layer *rl)
{
	scan_result_free(rl->res);
	free(rl->pkgs);
	free(rl->dists);
	free(rl->repos);
}

/* "name-version.arch dist [repos]" of what a coalescer made of the layers. */
static char *coalesce_real(struct registry *r, const char *coalescer, struct real_layer *rl, size_t n)
{
	const struct component_ref *ref = registry_find(r, CLARO_KIND_COALESCER, coalescer);
	const struct claro_coalescer_ops *ops = ref->component->ops;
	const struct claro_layer_artifacts *arts[4];
	struct claro_index_builder *ib = must(index_builder_new());
	struct error err = ERROR_INIT;
	struct plugin_call call;
	char **lines;
	size_t m;
	char *text;

	for (size_t i = 0; i < n; i++)
		arts[i] = &rl[i].a;
	plugin_call_begin(&call, ref);
	if (plugin_call_end(&call, ops->coalesce(&call.ctx, arts, n, ib), &err) != CLARO_OK)
		diag("%s: %s", coalescer, s(err.message));
	m = index_builder_count(ib);
	lines = must(calloc(m ? m : 1, sizeof(*lines)));
	for (size_t i = 0; i < m; i++) {
		const struct claro_package *p = index_builder_package(ib, i);
		const struct claro_environment *e = index_builder_environment(ib, i);
		const struct claro_distribution *d = e->distribution;

		lines[i] = must(
		    str_printf("%s-%s.%s %s:%s %s %s", s(p->name), s(p->version), s(p->arch),
			       d ? s(d->did) : "-", d ? s(d->version_id) : "-", s(e->introduced_in),
			       e->repositories && e->repositories[0] ? s(e->repositories[0]->name) : "-"));
	}
	text = join_sorted(lines, m);
	free(lines);
	error_clear(&err);
	index_builder_free(ib);
	return text;
}

/* The rpm -qa oracle as "name-[epoch:]version-release.arch <suffix>" lines. */
static char *oracle_lines(const char *tsv, const char *suffix)
{
	char *text = tu_read_file(tsv), *save = NULL, **lines = NULL;
	size_t n = 0;
	char *out;

	for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[7] = {0}, *q = line;

		for (int i = 0; i < 7 && q; i++) {
			f[i] = q;
			q = strchr(q, '\t');
			if (q)
				*q++ = '\0';
		}
		if (!f[4])
			continue;
		lines = must(realloc(lines, (n + 1) * sizeof(*lines)));
		lines[n++] = must(str_printf("%s-%s%s%s-%s.%s %s", f[1], strcmp(f[0], "(none)") ? f[0] : "",
					     strcmp(f[0], "(none)") ? ":" : "", f[2], f[3], f[4], suffix));
	}
	out = join_sorted(lines, n);
	free(lines);
	free(text);
	return out;
}

static void test_real_images(const char *plugins)
{
	char *mapping =
	    must(str_printf("%s/advisories/rhel/repository-to-cpe/repository-to-cpe.json", testdata_dir()));
	char *ini = must(str_printf("[plugin.rhel]\nrepo2cpe_mapping_file = %s\n", mapping));
	char *rpmdir = must(str_printf("%s/rpm/.libs", plugins)),
	     *mdir = must(str_printf("%s/mariner/.libs", plugins));
	char *root = must(str_printf("%s/real", tmpdir)), *path, *want, *got;
	struct registry r;
	struct error err = ERROR_INIT;
	struct real_layer rl[2];
	struct stat st;

	path = must(str_printf("%s/rpm.so", rpmdir));
	if (stat(path, &st) != 0) {
		ok(1, "# SKIP the rpm plugin is not built");
		free(path);
		goto out;
	}
	free(path);
	if (load(&r, plugins, ini, &err) != CLARO_OK ||
	    registry_load_one(&r, rpmdir, "rpm", NULL, &err) != CLARO_OK ||
	    registry_load_one(&r, mdir, "mariner", NULL, &err) != CLARO_OK) {
		ok(0, "rhel, linux, rpm and mariner load: %s", s(err.message));
		registry_free(&r);
		goto out;
	}

	/* CBL-Mariner 2.0: the real rpmdb.sqlite and a real os-release in one layer */
	tu_rmrf(root);
	{
		char *src =
		    must(str_printf("%s/pkgdb/rpm/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite", testdata_dir()));
		char *dst = must(str_printf("%s/usr/lib/sysimage/rpm/rpmdb.sqlite", root));
		char *osr =
		    must(str_printf("%s/pkgdb/osrelease/trivy/mariner-2.0.os-release", testdata_dir()));
		char *osd = must(str_printf("%s/etc/os-release", root));

		tu_mkparents(dst);
		tu_copy_file(src, dst, 0644);
		tu_mkparents(osd);
		tu_copy_file(osr, osd, 0644);
		free(src);
		free(dst);
		free(osr);
		free(osd);
	}
	ok(scan_real(&r, root, "sha256:mariner", &rl[0]), "CBL-Mariner 2.0 layer: rpm, rhel, mariner and "
							  "rhel-repository-scanner scan it");
	path =
	    must(str_printf("%s/pkgdb/rpm/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite.rpm-qa.tsv", testdata_dir()));
	want = oracle_lines(path, "mariner:2.0 sha256:mariner -");
	free(path);
	got = coalesce_real(&r, "rpm", rl, 1);
	is_str(got, want, "the rpm coalescer: rpm -qa's 129 packages, each once, with CBL-Mariner 2.0");
	free(got);
	free(want);
	is_owned(coalesce_real(&r, "rhel", rl, 1), "", "the rhel coalescer: none of them");
	real_free(&rl[0]);

	/* RHEL 8: a real el8_8 BDB rpmdb and RHEL 8's os-release below, the
	 * content manifest only in the layer above (products shared down) */
	tu_rmrf(root);
	{
		char *src = must(str_printf("%s/pkgdb/rpm/go-rpmdb/libuuid/Packages", testdata_dir()));
		char *dst = must(str_printf("%s/l0/var/lib/rpm/Packages", root));
		char *osr =
		    must(str_printf("%s/pkgdb/osrelease/claircore/etc/rhel-8.os-release", testdata_dir()));
		char *osd = must(str_printf("%s/l0/etc/os-release", root));
		char *cm = must(str_printf(
		    "%s/l1/root/buildinfo/content_manifests/ubi8-minimal-container-8.8-1.json", root));
		char *l0 = must(str_printf("%s/l0", root)), *l1 = must(str_printf("%s/l1", root));

		tu_mkparents(dst);
		tu_copy_file(src, dst, 0644);
		tu_mkparents(osd);
		tu_copy_file(osr, osd, 0644);
		tu_write_file(cm, "{\"content_sets\": [\"rhel-8-for-x86_64-baseos-rpms\"]}", 0644);
		ok(scan_real(&r, l0, "sha256:base", &rl[0]) && scan_real(&r, l1, "sha256:top", &rl[1]),
		   "RHEL 8 layers: the rpm scanner reads the BDB Packages, rhel the os-release, "
		   "rhel-repository-scanner the manifest");
		free(src);
		free(dst);
		free(osr);
		free(osd);
		free(cm);
		free(l0);
		free(l1);
	}
	path = must(str_printf("%s/pkgdb/rpm/go-rpmdb/libuuid/Packages.rpm-qa.tsv", testdata_dir()));
	want =
	    oracle_lines(path, "rhel:8 sha256:base cpe:2.3:o:redhat:enterprise_linux:8:*:baseos:*:*:*:*:*");
	free(path);
	got = coalesce_real(&r, "rhel", rl, 2);
	is_str(got, want,
	       "the rhel coalescer: rpm -qa's package with RHEL 8 and the baseos product found in the layer "
	       "above");
	free(got);
	free(want);
	is_owned(coalesce_real(&r, "rpm", rl, 2), "", "the rpm coalescer: nothing (no package twice)");
	real_free(&rl[0]);
	real_free(&rl[1]);
	registry_free(&r);
out:
	error_clear(&err);
	tu_rmrf(root);
	free(root);
	free(rpmdir);
	free(mdir);
	free(ini);
	free(mapping);
}

int main(void)
{
	char *plugins = tu_builddir_path("plugins");
	char *mapping, *ini;
	struct error err = ERROR_INIT;

	if (!plugins)
		skip_all("abs_top_builddir is not set (run through make check)");
	log_setup("test_rhel", CLARO_LOG_WARNING);
	if (httpclient_init(&err) != CLARO_OK)
		skip_all("no HTTP client");
	tmpdir = must(tu_mkdtemp());
	mapping = must(str_printf("%s/repository-2-cpe.json", tmpdir));
	tu_write_file(mapping, test_mapping, 0644);
	ini = must(str_printf("[plugin.rhel]\nrepo2cpe_mapping_file = %s\n", mapping));
	if (!ok(load(&reg, plugins, ini, &err) == CLARO_OK,
		"rhel.so and linux.so load with the real loader")) {
		diag("%s / %s", s(err.message), s(err.detail));
		return exit_status();
	}
	test_components(&reg);
	test_claircore_layers(&reg, "from a file");
	test_real_mapping(plugins);
	test_url(plugins);
	test_config_errors(plugins);
	test_cpe_fixtures();
	test_cpe_nist();
	test_clair_simple(0);
	test_clair_simple_distributions();
	test_clair_simple(1);
	test_clair_changes();
	test_clair_repoid_hint();
	test_beyond();
	test_ownership();
	test_invalid();
	test_rhcc();
	test_rhcc_coalescer();
	test_real_images(plugins);
	registry_free(&reg);
	httpclient_cleanup();
	tu_rmrf(tmpdir);
	free(tmpdir);
	free(mapping);
	free(ini);
	free(plugins);
	error_clear(&err);
	return exit_status();
}
