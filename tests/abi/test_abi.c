/* The loader refuses every kind of broken plugin with the exact three-part
 * message users will read (c-plugin-daemons.md §2.5). The broken plugins are
 * built from the sources in tests/abi/; this program copies them into a private plugin
 * directory (so permissions are under its control) and loads each one.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "../unit/testutil.h"
#include "error.h"
#include "log.h"
#include "registry.h"
#include "strutil.h"

static char *plugin_dir; /* tmp/plugins: copies of every built plugin, mode 0755 */
static char *tmp;

static const char *const built[] = {
    "good",     "wrongmajor", "newminor",   "badmagic",     "smalldesc",  "misnamed", "noversion", "strict",
    "dupother", "nosym",      "nullentry",  "nocomponents", "dupself",    "badkind",  "nullops",   "smallops",
    "noscan",   "undefsym",   "badcfgdecl", "initfail",     "initsilent", NULL,
};

/* Load name from dir into reg and compare the error with the three parts. */
static void expect_refusal(struct registry *reg, const char *dir, const char *name,
			   enum claro_status want_status, const char *want_message, char *want_detail,
			   char *want_hint)
{
	struct error err = ERROR_INIT;
	size_t before = reg->n_plugins;
	enum claro_status st = registry_load_one(reg, dir, name, NULL, &err);
	char *label = strdup(name);

	/* TAP descriptions are one line: show odd names with '?'. */
	for (char *c = label; c && *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			*c = '?';
	is_int(st, want_status, "%s: refused with %s", label, status_name(want_status));
	is_str(err.message, want_message, "%s: message", label);
	is_str(err.detail, want_detail, "%s: detail", label);
	is_str(err.hint, want_hint, "%s: hint", label);
	is_int(reg->n_plugins, before, "%s: nothing registered", label);
	error_clear(&err);
	free(label);
	free(want_detail);
	free(want_hint);
}

#define SDK_HINT "Rebuild the plugin against the installed SDK (pkg-config --modversion claro-plugin)."

static void test_file_checks(void)
{
	struct registry reg = {0};
	char *d, *p;

	expect_refusal(&reg, plugin_dir, "absent", CLARO_ERR_NOT_FOUND,
		       "could not load plugin \"absent\": plugin file not found",
		       str_printf("%s/absent.so does not exist.", plugin_dir),
		       str_printf("Check plugin_dir in [clarod] and the names listed in [plugins] load."));

	/* The name is refused before the file is looked at, even if it exists. */
	d = str_printf("%s/good.so", plugin_dir);
	p = str_printf("%s/Bad-Name.so", plugin_dir);
	ok(tu_copy_file(d, p, 0755) == 0, "copied good.so to Bad-Name.so");
	free(p);
	free(d);
	expect_refusal(
	    &reg, plugin_dir, "Bad-Name", CLARO_ERR_CONFIG,
	    "could not load plugin \"Bad-Name\": invalid plugin name",
	    str_printf("Plugin names are 1 to 63 characters from a-z, 0-9 and \"_\"; \"Bad-Name\" is not."),
	    str_printf(
		"Use the plugin's file name without \".so\", and rename files that do not follow the rule."));
	expect_refusal(
	    &reg, plugin_dir, "../plugins/good", CLARO_ERR_CONFIG,
	    "could not load plugin \"../plugins/good\": invalid plugin name",
	    str_printf(
		"Plugin names are 1 to 63 characters from a-z, 0-9 and \"_\"; \"../plugins/good\" is not."),
	    str_printf(
		"Use the plugin's file name without \".so\", and rename files that do not follow the rule."));
	expect_refusal(
	    &reg, plugin_dir, "bad\"name\n", CLARO_ERR_CONFIG,
	    "could not load plugin \"bad\\x22name\\x0a\": invalid plugin name",
	    str_printf(
		"Plugin names are 1 to 63 characters from a-z, 0-9 and \"_\"; \"bad\\x22name\\x0a\" is not."),
	    str_printf(
		"Use the plugin's file name without \".so\", and rename files that do not follow the rule."));

	/* A symlink to a perfectly good plugin. */
	d = str_printf("%s/linked", tmp);
	p = str_printf("%s/good.so", d);
	mkdir(d, 0755);
	{
		char *target = str_printf("%s/good.so", plugin_dir);
		ok(symlink(target, p) == 0, "made a symlink to good.so");
		free(target);
	}
	expect_refusal(
	    &reg, d, "good", CLARO_ERR_DENIED,
	    "could not load plugin \"good\": plugin file is a symbolic link",
	    str_printf(
		"%s is a symbolic link; plugins are loaded only from regular files in the plugin directory.",
		p),
	    str_printf("Install the plugin file itself into the plugin directory instead of a link to it."));
	free(p);
	free(d);

	/* Writable by the group, then by everybody. */
	static const mode_t modes[] = {0775, 0757, 0666};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char *src = str_printf("%s/good.so", plugin_dir);
		d = str_printf("%s/writable%zu", tmp, i);
		p = str_printf("%s/good.so", d);
		ok(tu_copy_file(src, p, modes[i]) == 0, "copied good.so with mode %04o", (unsigned)modes[i]);
		expect_refusal(
		    &reg, d, "good", CLARO_ERR_DENIED,
		    "could not load plugin \"good\": plugin file is writable by other users",
		    str_printf(
			"%s has mode %04o; a plugin file must not be writable by its group or by others.", p,
			(unsigned)modes[i]),
		    str_printf("Remove the write permission with chmod go-w %s.", p));
		free(src);
		free(p);
		free(d);
	}

	/* A directory where the file should be. */
	d = str_printf("%s/dironly", tmp);
	p = str_printf("%s/good.so", d);
	tu_mkparents(p);
	ok(mkdir(p, 0755) == 0, "made a directory named good.so");
	expect_refusal(
	    &reg, d, "good", CLARO_ERR_DENIED,
	    "could not load plugin \"good\": plugin file is not a regular file",
	    str_printf("%s is a directory.", p),
	    str_printf("Remove it from the plugin directory, or install the plugin's shared object there."));
	free(p);
	free(d);

	/* Not a shared object at all. */
	d = str_printf("%s/notelf", tmp);
	p = str_printf("%s/good.so", d);
	tu_write_file(
	    p, "This is a text file that merely ends in .so; the dynamic loader will not take it.\n", 0755);
	expect_refusal(
	    &reg, d, "good", CLARO_ERR_ABI, "could not load plugin \"good\": could not open shared object",
	    str_printf("dlopen failed: %s: invalid ELF header.", p),
	    str_printf("A library the plugin needs may be missing or too old; check ldd(1) on %s.", p));
	free(p);
	free(d);
	registry_free(&reg);
}

static void test_descriptor_checks(void)
{
	struct registry reg = {0};
	const char *D = plugin_dir;

	expect_refusal(
	    &reg, D, "undefsym", CLARO_ERR_ABI,
	    "could not load plugin \"undefsym\": could not open shared object",
	    str_printf("dlopen failed: %s/undefsym.so: undefined symbol: claro_test_no_such_function.", D),
	    str_printf(
		"A library the plugin needs may be missing or too old; check ldd(1) on %s/undefsym.so.", D));
	expect_refusal(
	    &reg, D, "nosym", CLARO_ERR_ABI, "could not load plugin \"nosym\": not a claro plugin",
	    str_printf("%s/nosym.so does not export claro_plugin_nosym_module().", D),
	    str_printf("Plugins must use CLARO_PLUGIN_DEFINE(nosym, ...) and link with -export-symbols-regex "
		       "(CLARO_PLUGIN_LDFLAGS from claro.m4)."));
	expect_refusal(
	    &reg, D, "nullentry", CLARO_ERR_ABI, "could not load plugin \"nullentry\": not a claro plugin",
	    str_printf("claro_plugin_nullentry_module() in %s/nullentry.so returned NULL instead of a module "
		       "descriptor.",
		       D),
	    str_printf("Plugins must use CLARO_PLUGIN_DEFINE(nullentry, ...)."));
	expect_refusal(
	    &reg, D, "badmagic", CLARO_ERR_ABI, "could not load plugin \"badmagic\": not a claro plugin",
	    str_printf("The module descriptor of %s/badmagic.so starts with 0x12345678, not claro's magic "
		       "0x636c7231.",
		       D),
	    str_printf("Build the plugin with CLARO_PLUGIN_DEFINE from the installed SDK."));
	expect_refusal(
	    &reg, D, "wrongmajor", CLARO_ERR_ABI,
	    "could not load plugin \"wrongmajor\": incompatible plugin ABI",
	    str_printf("%s/wrongmajor.so was built for plugin ABI %d.0; this claro provides ABI %d.%d.", D,
		       CLARO_ABI_MAJOR + 1, CLARO_ABI_MAJOR, CLARO_ABI_MINOR),
	    str_printf(SDK_HINT));
	expect_refusal(
	    &reg, D, "newminor", CLARO_ERR_ABI, "could not load plugin \"newminor\": incompatible plugin ABI",
	    str_printf("%s/newminor.so was built for plugin ABI %d.%d; this claro provides ABI %d.%d.", D,
		       CLARO_ABI_MAJOR, CLARO_ABI_MINOR + 1, CLARO_ABI_MAJOR, CLARO_ABI_MINOR),
	    str_printf(
		"Upgrade claro to a release that provides ABI %d.%d, or rebuild the plugin against the "
		"installed SDK (pkg-config --modversion claro-plugin).",
		CLARO_ABI_MAJOR, CLARO_ABI_MINOR + 1));
	/* At ABI 1.0 the descriptor ends with fini(): its sizeof is the 1.0 size. */
	expect_refusal(
	    &reg, D, "smalldesc", CLARO_ERR_ABI,
	    "could not load plugin \"smalldesc\": invalid module descriptor",
	    str_printf(
		"The module descriptor of %s/smalldesc.so is 16 bytes; plugin ABI 1.0 needs at least %zu.", D,
		sizeof(struct claro_module)),
	    str_printf("Build the plugin with CLARO_PLUGIN_DEFINE from the installed SDK."));
	expect_refusal(
	    &reg, D, "misnamed", CLARO_ERR_ABI,
	    "could not load plugin \"misnamed\": plugin name does not match its file",
	    str_printf(
		"%s/misnamed.so declares the name \"othername\"; a plugin's name must equal its file name "
		"without \".so\".",
		D),
	    str_printf("Rename the file to othername.so, or build the plugin with "
		       "CLARO_PLUGIN_DEFINE(misnamed, ...)."));
	expect_refusal(&reg, D, "noversion", CLARO_ERR_ABI,
		       "could not load plugin \"noversion\": invalid module descriptor",
		       str_printf("%s/noversion.so declares no version.", D),
		       str_printf("Give CLARO_PLUGIN_DEFINE a version string such as \"1.0.0\"."));
	expect_refusal(&reg, D, "nocomponents", CLARO_ERR_ABI,
		       "could not load plugin \"nocomponents\": invalid module descriptor",
		       str_printf("%s/nocomponents.so declares no components.", D),
		       str_printf("List at least one component in CLARO_PLUGIN_DEFINE."));
	expect_refusal(
	    &reg, D, "badkind", CLARO_ERR_ABI,
	    "could not load plugin \"badkind\": unrecognized component kind",
	    str_printf(
		"Component \"future\" of %s/badkind.so has kind 42; this claro (plugin ABI %d.%d) knows "
		"kinds 1 to 9.",
		D, CLARO_ABI_MAJOR, CLARO_ABI_MINOR),
	    str_printf(SDK_HINT));
	expect_refusal(&reg, D, "nullops", CLARO_ERR_ABI,
		       "could not load plugin \"nullops\": invalid component",
		       str_printf("The matcher \"noops\" of %s/nullops.so has no ops table.", D),
		       str_printf("Point the component's ops at a struct claro_matcher_ops."));
	expect_refusal(
	    &reg, D, "smallops", CLARO_ERR_ABI, "could not load plugin \"smallops\": invalid component",
	    str_printf(
		"The ops table of the matcher \"small\" of %s/smallops.so is 8 bytes; plugin ABI 1.0 needs "
		"at least %zu.",
		D, sizeof(struct claro_matcher_ops)),
	    str_printf("Set struct_size = sizeof(struct claro_matcher_ops)."));
	expect_refusal(&reg, D, "noscan", CLARO_ERR_ABI,
		       "could not load plugin \"noscan\": invalid component",
		       str_printf("The package_scanner \"noscan_pkg\" of %s/noscan.so has no scan().", D),
		       str_printf("Every package_scanner must provide scan() (see <claro/plugin.h>)."));
	expect_refusal(&reg, D, "dupself", CLARO_ERR_CONFLICT,
		       "could not load plugin \"dupself\": duplicate component",
		       str_printf("%s/dupself.so lists the package_scanner \"dup\" twice.", D),
		       str_printf("Give each component of a kind its own name."));
	expect_refusal(
	    &reg, D, "strict", CLARO_ERR_ABI, "could not load plugin \"strict\": incompatible plugin build",
	    str_printf(
		"%s/strict.so is marked strict and was built against claro build \"claro-0.0.0-abi-1.0\"; "
		"this is build \"%s\".",
		D, CLARO_BUILD_ID),
	    str_printf("Rebuild the plugin against this claro's SDK, or drop CLARO_MODULE_STRICT."));
	expect_refusal(
	    &reg, D, "badcfgdecl", CLARO_ERR_ABI,
	    "could not load plugin \"badcfgdecl\": invalid configuration declaration",
	    str_printf(
		"The default \"three\" of configuration key \"retries\" of plugin \"badcfgdecl\" is not an "
		"integer."),
	    str_printf("Fix the config array of the plugin; %s/badcfgdecl.so cannot be used as built.", D));
	expect_refusal(&reg, D, "initfail", CLARO_ERR_IO,
		       "could not load plugin \"initfail\": could not open /nonexistent/initfail.db",
		       str_printf("No such file or directory."),
		       str_printf("Create the database or set db_path in [plugin.initfail]."));
	expect_refusal(
	    &reg, D, "initsilent", CLARO_ERR_INTERNAL,
	    "could not load plugin \"initsilent\": initsilent failed: internal error",
	    str_printf("The plugin returned CLARO_ERR_INTERNAL without describing the error."),
	    str_printf("Report this to the plugin's authors: a plugin should describe its errors with "
		       "host->error()."));
	for (int k = 1; k <= CLARO_KIND_MAX; k++)
		is_int(registry_count(&reg, (enum claro_kind)k), 0, "no %s registered by refused plugins",
		       registry_kind_name((enum claro_kind)k));
	registry_free(&reg);
}

static void test_duplicates_across_plugins(void)
{
	struct registry reg = {0};
	struct error err = ERROR_INIT;
	const struct component_ref *ref;

	is_int(registry_load_one(&reg, plugin_dir, "good", NULL, &err), CLARO_OK,
	       "good (strict, this build) loads");
	if (err.message)
		diag("%s / %s / %s", err.message, err.detail ? err.detail : "", err.hint ? err.hint : "");
	error_clear(&err);
	expect_refusal(
	    &reg, plugin_dir, "dupother", CLARO_ERR_CONFLICT,
	    "could not load plugin \"dupother\": duplicate component",
	    str_printf(
		"The package_scanner \"good_pkg\" of %s/dupother.so is already provided by plugin \"good\" "
		"(%s/good.so).",
		plugin_dir, plugin_dir),
	    str_printf("Load only one of the two plugins (see load in [plugins])."));
	expect_refusal(&reg, plugin_dir, "good", CLARO_ERR_CONFLICT,
		       "could not load plugin \"good\": plugin already loaded",
		       str_printf("Plugin \"good\" was already loaded from %s/good.so.", plugin_dir),
		       str_printf("List each plugin only once in load in [plugins]."));
	ref = registry_find(&reg, CLARO_KIND_PACKAGE_SCANNER, "good_pkg");
	ok(ref && strcmp(ref->plugin->name, "good") == 0, "good_pkg still belongs to good");
	registry_free(&reg);
}

/* registry_load: start-up fails on a broken plugin unless told to skip it. */
static void test_skip_broken(void)
{
	char *load[] = {"good", "wrongmajor", "initfail", NULL};
	struct config cfg;
	struct registry reg = {0};
	struct error err = ERROR_INIT;
	struct tu_capture cap;
	char *log;
	enum claro_status st;

	memset(&cfg, 0, sizeof(cfg));
	cfg.plugin_dir = plugin_dir;
	cfg.plugins_load = load;

	st = registry_load(&reg, &cfg, 0, &err);
	is_int(st, CLARO_ERR_ABI, "without --skip-broken-plugins a broken plugin stops start-up");
	is_str(err.message, "could not load plugin \"wrongmajor\": incompatible plugin ABI",
	       "...with its message");
	is_int(reg.n_plugins, 1, "what loaded before it stays loaded (for registry_free)");
	error_clear(&err);
	registry_free(&reg);

	tu_capture_begin(&cap);
	st = registry_load(&reg, &cfg, REGISTRY_SKIP_BROKEN, &err);
	log = tu_capture_end(&cap);
	is_int(st, CLARO_OK, "with REGISTRY_SKIP_BROKEN start-up goes on");
	is_int(reg.n_plugins, 1, "only good is loaded");
	ok(registry_find(&reg, CLARO_KIND_PACKAGE_SCANNER, "good_pkg") != NULL,
	   "good's scanner is registered");
	like(log, "WARNING: could not load plugin \"wrongmajor\": incompatible plugin ABI\n  detail: ",
	     "the refusal is logged as a warning with its detail");
	like(log, "  hint: " SDK_HINT "\n", "...and its hint");
	like(log,
	     "WARNING: could not load plugin \"initfail\": could not open /nonexistent/initfail.db\n"
	     "  detail: No such file or directory.\n  hint: Create the database",
	     "init() failures are logged in three parts too");
	like(log, "skipping plugin \"initfail\"", "the skip itself is logged");
	free(log);
	registry_free(&reg);
}

int main(void)
{
	char *libs = tu_builddir_path("tests/abi/.libs");

	if (!libs)
		skip_all("abs_top_builddir is not set (run through make check)");
	log_setup("test_abi", CLARO_LOG_INFO);
	tmp = tu_mkdtemp();
	plugin_dir = str_printf("%s/plugins", tmp);
	for (size_t i = 0; built[i]; i++) {
		char *src = str_printf("%s/%s.so", libs, built[i]),
		     *dst = str_printf("%s/%s.so", plugin_dir, built[i]);
		if (tu_copy_file(src, dst, 0755) != 0) {
			printf("Bail out! could not copy %s (build the test plugins first)\n", src);
			return 1;
		}
		free(src);
		free(dst);
	}
	test_file_checks();
	test_descriptor_checks();
	test_duplicates_across_plugins();
	test_skip_broken();
	tu_rmrf(tmp);
	free(tmp);
	free(plugin_dir);
	free(libs);
	return exit_status();
}
