/* The registry and the loader's config checks: loading a plugin directory,
 * [plugin.<name>] sections checked against the declared keys (unknown key,
 * bad type, duplicate, missing required value: file, line, section, key),
 * sections naming no loaded plugin, lookup, index state, JSON, printed
 * config, fini order. SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../tap.h"
#include "log.h"
#include "registry.h"
#include "strutil.h"
#include "testutil.h"

#define INI "/etc/claro/clarod.ini"

static char *dir;

/* A config with one section for plugin (entries NULL-terminated by key). */
struct cfg_builder {
	struct config cfg;
	struct config_section sections[4];
	struct config_entry entries[4][6];
};

static struct config *cfg_reset(struct cfg_builder *b)
{
	memset(b, 0, sizeof(*b));
	b->cfg.path = INI;
	b->cfg.plugin_dir = dir;
	b->cfg.sections = b->sections;
	return &b->cfg;
}

static void cfg_section(struct cfg_builder *b, const char *plugin, int line)
{
	struct config_section *s = &b->sections[b->cfg.n_sections];

	s->plugin = (char *)plugin;
	s->line = line;
	s->entries = b->entries[b->cfg.n_sections];
	b->cfg.n_sections++;
}

static void cfg_entry(struct cfg_builder *b, const char *key, const char *value, int line)
{
	struct config_section *s = &b->sections[b->cfg.n_sections - 1];
	struct config_entry *e = &s->entries[s->n_entries++];

	e->key = (char *)key;
	e->value = (char *)value;
	e->line = line;
}

static void expect(const struct config *cfg, const char *plugin, enum claro_status want, const char *message,
		   const char *detail, const char *hint)
{
	struct registry reg = {0};
	struct error err = ERROR_INIT;

	is_int(registry_load_one(&reg, dir, plugin, cfg, &err), want, "%s: %s", plugin, status_name(want));
	is_str(err.message, message, "  message");
	is_str(err.detail, detail, "  detail");
	is_str(err.hint, hint, "  hint");
	is_int(reg.n_plugins, 0, "  not loaded");
	error_clear(&err);
	registry_free(&reg);
}

static void test_config_errors(void)
{
	struct cfg_builder b;
	struct config *cfg;

	cfg = cfg_reset(&b);
	cfg_section(&b, "alpha", 11);
	cfg_entry(&b, "max_pakages", "3", 12);
	expect(cfg, "alpha", CLARO_ERR_CONFIG,
	       INI ":12: unrecognized key \"max_pakages\" in section [plugin.alpha]",
	       "Plugin \"alpha\" declares these keys: packages_path, max_packages, strict, cache_ttl.",
	       "Remove the line or correct the key's name; clarod --check-config lists every key with its "
	       "default.");

	cfg = cfg_reset(&b);
	cfg_section(&b, "alpha", 11);
	cfg_entry(&b, "max_packages", "ten", 13);
	expect(cfg, "alpha", CLARO_ERR_CONFIG,
	       INI ":13: invalid value for key \"max_packages\" in section [plugin.alpha]",
	       "\"ten\" is not an integer.", "Write max_packages as an integer, e.g. max_packages = 100.");

	cfg = cfg_reset(&b);
	cfg_section(&b, "alpha", 11);
	cfg_entry(&b, "max_packages", "", 13);
	expect(cfg, "alpha", CLARO_ERR_CONFIG,
	       INI ":13: invalid value for key \"max_packages\" in section [plugin.alpha]",
	       "\"\" is not an integer.", "Write max_packages as an integer, e.g. max_packages = 100.");

	cfg = cfg_reset(&b);
	cfg_section(&b, "alpha", 11);
	cfg_entry(&b, "max_packages", "99999999999999999999", 13);
	expect(cfg, "alpha", CLARO_ERR_CONFIG,
	       INI ":13: invalid value for key \"max_packages\" in section [plugin.alpha]",
	       "\"99999999999999999999\" is out of range for an integer.",
	       "Write max_packages as an integer, e.g. max_packages = 100.");

	cfg = cfg_reset(&b);
	cfg_section(&b, "alpha", 11);
	cfg_entry(&b, "strict", "maybe", 14);
	expect(cfg, "alpha", CLARO_ERR_CONFIG,
	       INI ":14: invalid value for key \"strict\" in section [plugin.alpha]",
	       "\"maybe\" is not a boolean (true/false, yes/no, on/off, 1/0).",
	       "Write strict as a boolean (true/false, yes/no, on/off, 1/0), e.g. strict = false.");

	cfg = cfg_reset(&b);
	cfg_section(&b, "alpha", 11);
	cfg_entry(&b, "cache_ttl", "soon", 15);
	expect(cfg, "alpha", CLARO_ERR_CONFIG,
	       INI ":15: invalid value for key \"cache_ttl\" in section [plugin.alpha]",
	       "\"soon\" is not a duration such as 90s, 15m, 6h or 2d.",
	       "Write cache_ttl as a duration such as 90s, 15m, 6h or 2d, e.g. cache_ttl = 1h.");

	cfg = cfg_reset(&b);
	cfg_section(&b, "alpha", 11);
	cfg_entry(&b, "strict", "yes", 16);
	cfg_entry(&b, "strict", "no", 17);
	expect(cfg, "alpha", CLARO_ERR_CONFIG, INI ":17: duplicate key \"strict\" in section [plugin.alpha]",
	       "It is already set on line 16.", "Keep only one of the two lines.");

	cfg = cfg_reset(&b);
	cfg_section(&b, "beta", 30);
	cfg_entry(&b, "retries", "2", 31);
	expect(cfg, "beta", CLARO_ERR_CONFIG,
	       INI ":30: missing required key \"url\" in section [plugin.beta]",
	       "Plugin \"beta\" requires url (base URL of the feed).",
	       "Add a line \"url = ...\" to [plugin.beta].");

	cfg = cfg_reset(&b);
	expect(cfg, "beta", CLARO_ERR_CONFIG, INI ": missing required key \"url\" in section [plugin.beta]",
	       "Plugin \"beta\" requires url (base URL of the feed), and there is no [plugin.beta] section.",
	       "Add a [plugin.beta] section with a line \"url = ...\".");
	expect(NULL, "beta", CLARO_ERR_CONFIG,
	       "(no configuration file): missing required key \"url\" in section [plugin.beta]",
	       "Plugin \"beta\" requires url (base URL of the feed), and there is no [plugin.beta] section.",
	       "Add a [plugin.beta] section with a line \"url = ...\".");

	/* Values that parse but the plugin's init() rejects. */
	cfg = cfg_reset(&b);
	cfg_section(&b, "alpha", 11);
	cfg_entry(&b, "max_packages", "0", 12);
	expect(cfg, "alpha", CLARO_ERR_CONFIG,
	       "could not load plugin \"alpha\": max_packages must be positive", "It is 0.",
	       "Set max_packages to 1 or more.");
}

static void test_load_directory(void)
{
	struct cfg_builder b;
	struct config *cfg = cfg_reset(&b);
	struct registry reg = {0};
	struct error err = ERROR_INIT;
	const struct component_ref *ref;
	struct tu_capture cap;
	char state[33], *log, *printed = NULL;
	size_t printed_len = 0;
	FILE *fp;
	json_t *doc;

	cfg_section(&b, "beta", 20);
	cfg_entry(&b, "url", "http://127.0.0.1:9/feeds", 21);
	cfg_section(&b, "alpha", 30);
	cfg_entry(&b, "max_packages", "7", 31);

	tu_capture_begin(&cap);
	is_int(registry_load(&reg, cfg, 0, &err), CLARO_OK, "every *.so of the plugin directory loads");
	log = tu_capture_end(&cap);
	if (err.message)
		diag("%s / %s", err.message, err.detail ? err.detail : "");
	is_int(reg.n_plugins, 3, "three plugins");
	is_str(reg.n_plugins == 3 ? reg.plugins[0]->name : NULL, "alpha", "in name order: alpha");
	is_str(reg.n_plugins == 3 ? reg.plugins[1]->name : NULL, "beta", "  beta");
	is_str(reg.n_plugins == 3 ? reg.plugins[2]->name : NULL, "good", "  good");
	like(log, "NOTICE: good: init: hello", "init() ran with the default greeting");
	free(log);

	is_int(registry_count(&reg, CLARO_KIND_PACKAGE_SCANNER), 2, "two package scanners");
	is_str(registry_at(&reg, CLARO_KIND_PACKAGE_SCANNER, 0)->component->name, "alpha_pkg",
	       "  sorted: alpha_pkg");
	is_str(registry_at(&reg, CLARO_KIND_PACKAGE_SCANNER, 1)->component->name, "good_pkg",
	       "  then good_pkg");
	ok(registry_at(&reg, CLARO_KIND_PACKAGE_SCANNER, 2) == NULL, "  and no third");
	ref = registry_find(&reg, CLARO_KIND_PACKAGE_SCANNER, "good_pkg");
	is_str(ref ? ref->plugin->name : NULL, "good", "find good_pkg: it belongs to good");
	ok(registry_find(&reg, CLARO_KIND_MATCHER, "good_pkg") == NULL, "names are per kind");
	ok(registry_find(&reg, (enum claro_kind)0, "good_pkg") == NULL, "kind 0 finds nothing");
	ok(registry_find(&reg, (enum claro_kind)99, "good_pkg") == NULL, "kind 99 finds nothing");
	is_int(registry_count(&reg, CLARO_KIND_ENRICHER), 1, "one enricher");
	is_str(registry_kind_name(CLARO_KIND_UPDATER_SET), "updater_set", "kind names");
	ok(registry_plugin(&reg, "beta") != NULL && registry_plugin(&reg, "gamma") == NULL,
	   "plugins by name");

	/* Clair's index state over these scanners (MD5 of the text below,
	 * computed independently with Python's hashlib). */
	registry_index_state(&reg, state);
	is_str(state, "a84b53a9e0d479688f1f09b27d43f898",
	       "index state = md5(\"libindex number: 2\\nalpha_dist1distribution\\nalpha_pkg3package\\n"
	       "alpha_repo1repository\\nalpha_whiteout2file\\ngood_pkg1package\\n\")");

	doc = registry_to_json(&reg);
	ok(doc && json_array_size(json_object_get(doc, "plugins")) == 3, "JSON lists three plugins");
	if (doc) {
		json_t *alpha = json_array_get(json_object_get(doc, "plugins"), 0);
		json_t *c0 = json_array_get(json_object_get(alpha, "components"), 0);
		char *path = str_printf("%s/alpha.so", dir);
		is_str(json_string_value(json_object_get(alpha, "name")), "alpha", "  alpha first");
		is_str(json_string_value(json_object_get(alpha, "version")), "1.0.0", "  its version");
		is_str(json_string_value(json_object_get(alpha, "abi")), "1.0", "  the ABI it was built for");
		is_str(json_string_value(json_object_get(alpha, "license")), "Apache-2.0", "  license");
		is_str(json_string_value(json_object_get(alpha, "path")), path, "  path");
		is_int(json_array_size(json_object_get(alpha, "components")), 5, "  five components");
		is_str(json_string_value(json_object_get(c0, "kind")), "package_scanner",
		       "  first a package_scanner");
		is_str(json_string_value(json_object_get(c0, "name")), "alpha_pkg", "  alpha_pkg");
		is_str(json_string_value(json_object_get(c0, "version")), "3", "  version 3");
		free(path);
	}
	json_decref(doc);

	fp = open_memstream(&printed, &printed_len);
	registry_print_config(&reg, fp);
	fclose(fp);
	like(printed,
	     "[plugin.alpha]\n"
	     "# packages_path (string, default etc/alpha/packages): where the package list lives in a layer\n"
	     "packages_path = etc/alpha/packages\n"
	     "# max_packages (integer, default 100): most packages read per layer\n"
	     "max_packages = 7\n",
	     "print_config shows defaults, docs and the file's values");
	like(
	    printed,
	    "[plugin.beta]\n# url (string, required): base URL of the feed\nurl = http://127.0.0.1:9/feeds\n",
	    "  and required keys");
	like(printed,
	     "[plugin.good]\n# greeting (string, default hello): what init() logs\ngreeting = hello\n",
	     "  for every plugin with keys");
	free(printed);

	tu_capture_begin(&cap);
	registry_free(&reg);
	log = tu_capture_end(&cap);
	{
		const char *good_fini = log ? strstr(log, "good: fini") : NULL;
		const char *alpha_fini = log ? strstr(log, "alpha: shutting down") : NULL;
		ok(good_fini && alpha_fini && good_fini < alpha_fini,
		   "fini() in reverse load order: good, then alpha");
	}
	free(log);
	ok(reg.n_plugins == 0 && reg.plugins == NULL, "registry_free leaves an empty registry");
	registry_index_state(&reg, state);
	is_str(state, "ebb5442d8fa1a1892125d15ed2c106d0",
	       "an empty registry's state is the MD5 of the magic line");
}

static void test_sections(void)
{
	struct cfg_builder b;
	struct config *cfg = cfg_reset(&b);
	struct registry reg = {0};
	struct error err = ERROR_INIT;
	char *load[] = {"alpha", "good", NULL};
	char *load_broken[] = {"alpha", "beta", NULL};
	struct tu_capture cap;
	char *log;

	cfg->plugins_load = load;
	cfg_section(&b, "alpha", 10);
	cfg_section(&b, "gamma", 40);
	is_int(registry_load(&reg, cfg, 0, &err), CLARO_ERR_CONFIG,
	       "a section for a plugin that is not loaded");
	is_str(err.message, INI ":40: section [plugin.gamma] names a plugin that is not loaded",
	       "  names file and line");
	is_str(err.detail, "The loaded plugins are: alpha, good.", "  lists what is loaded");
	is_str(err.hint,
	       "Remove the section, or load the plugin (plugin_dir in [clarod], load in [plugins]).",
	       "  hint");
	error_clear(&err);
	registry_free(&reg);

	/* beta has no url: skipped as broken, and its section is not reported. */
	cfg = cfg_reset(&b);
	cfg->plugins_load = load_broken;
	cfg_section(&b, "beta", 20);
	cfg_entry(&b, "retries", "1", 21);
	tu_capture_begin(&cap);
	is_int(registry_load(&reg, cfg, REGISTRY_SKIP_BROKEN, &err), CLARO_OK,
	       "with REGISTRY_SKIP_BROKEN a config error skips the plugin");
	log = tu_capture_end(&cap);
	is_int(reg.n_plugins, 1, "  only alpha loaded");
	like(log, "WARNING: " INI ":20: missing required key \"url\" in section [plugin.beta]",
	     "  the error is logged");
	free(log);
	registry_free(&reg);

	cfg = cfg_reset(&b);
	cfg->plugin_dir = "/nonexistent/claro/plugins";
	is_int(registry_load(&reg, cfg, 0, &err), CLARO_ERR_CONFIG, "a missing plugin directory");
	is_str(err.message, "could not read plugin directory /nonexistent/claro/plugins", "  is reported");
	is_str(err.detail, "opendir failed: No such file or directory.", "  with the reason");
	error_clear(&err);
	registry_free(&reg);
}

int main(void)
{
	char *plugins = tu_builddir_path("tests/plugins/.libs"), *abi = tu_builddir_path("tests/abi/.libs");
	char *tmp;

	if (!plugins || !abi)
		skip_all("abs_top_builddir is not set (run through make check)");
	log_setup("test_loader", CLARO_LOG_INFO);
	tmp = tu_mkdtemp();
	dir = str_printf("%s/plugins", tmp);
	{
		char *s[3] = {str_printf("%s/alpha.so", plugins), str_printf("%s/beta.so", plugins),
			      str_printf("%s/good.so", abi)};
		const char *names[3] = {"alpha", "beta", "good"};
		for (int i = 0; i < 3; i++) {
			char *d = str_printf("%s/%s.so", dir, names[i]);
			if (tu_copy_file(s[i], d, 0755) != 0) {
				printf("Bail out! cannot copy %s\n", s[i]);
				return 1;
			}
			free(d);
			free(s[i]);
		}
	}
	test_config_errors();
	test_load_directory();
	test_sections();
	tu_rmrf(tmp);
	free(tmp);
	free(dir);
	free(plugins);
	free(abi);
	return exit_status();
}
