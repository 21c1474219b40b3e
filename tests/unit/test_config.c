/* Tests for core/config.c: defaults, a full file, every error with its exact
 * text (file:line, section, key), conninfo both ways, the print round trip,
 * the default database path, and the sample configuration staying complete.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h> /* autoconf's */

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/config.h"
#include "error.h"
#include "strutil.h"
#include "../tap.h"

static char tmpdir[] = "/tmp/claro-test-config-XXXXXX";
static int file_counter;

/* Write text to a fresh file in tmpdir; returns its path (caller frees). */
static char *write_file(const char *text, size_t len)
{
	char *path = str_printf("%s/t%d.ini", tmpdir, ++file_counter);
	FILE *fp;

	if (!path)
		return NULL;
	fp = fopen(path, "wb");
	if (!fp || fwrite(text, 1, len, fp) != len || fclose(fp) != 0) {
		diag("cannot write %s: %s", path, strerror(errno));
		exit(1);
	}
	return path;
}

static char *write_ini(const char *text)
{
	return write_file(text, strlen(text));
}

static char *print_to_string(const struct config *cfg)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (!fp)
		return NULL;
	config_print(cfg, fp);
	fclose(fp);
	return out;
}

static char *read_text(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = BUF_INIT(0);
	char chunk[4096];
	size_t n;

	if (!fp)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(&b, chunk, n) != CLARO_OK)
			break;
	fclose(fp);
	return buf_steal(&b);
}

/* Load text expecting CLARO_ERR_CONFIG with exactly this message, this
 * detail after "<path>:<line>: ", and this hint (NULL: any non-empty hint). */
static void expect_error(const char *what, const char *text, const char *message, int line,
			 const char *detail, const char *hint)
{
	char *path = write_ini(text), *want_detail;
	struct config cfg;
	struct error err = ERROR_INIT;
	enum claro_status st = config_load(&cfg, path, &err);

	want_detail = str_printf("%s:%d: %s", path, line, detail);
	is_int(st, CLARO_ERR_CONFIG, "%s: CLARO_ERR_CONFIG", what);
	is_str(err.message, message, "%s: message", what);
	is_str(err.detail, want_detail, "%s: detail names file and line", what);
	if (hint)
		is_str(err.hint, hint, "%s: hint", what);
	else
		ok(err.hint && *err.hint, "%s: has a hint", what);
	ok(cfg.api_addr == NULL && cfg.sections == NULL, "%s: cfg left empty", what);
	config_free(&cfg); /* safe after a failed load */
	error_clear(&err);
	free(want_detail);
	free(path);
}

static void test_defaults(void)
{
	struct config cfg, loaded;
	struct error err = ERROR_INIT;
	char *db = config_default_db_path(), *a, *b;

	is_int(config_defaults(&cfg, &err), CLARO_OK, "defaults: ok");
	is_int(cfg.mode, MODE_COMBO, "defaults: combo mode");
	is_str(cfg.api_addr, "127.0.0.1:6060", "defaults: api_addr is Clair's port on loopback");
	is_str(cfg.introspection_addr, "127.0.0.1:8089", "defaults: introspection_addr");
	is_str(cfg.plugin_dir, CLARO_PLUGINDIR, "defaults: plugin_dir is the build's plugin dir");
	is_int(cfg.log_level, CLARO_LOG_INFO, "defaults: log_level info");
	is_int(cfg.workers, 0, "defaults: workers 0 (2 x cores)");
	is_int(cfg.max_body, 16 * 1024 * 1024, "defaults: max_body 16 MiB");
	is_int(cfg.max_concurrent_requests, 0, "defaults: max_concurrent_requests 0 (4 x cores)");
	is_int(cfg.shutdown_timeout, 10, "defaults: shutdown_timeout 10s");
	is_int(cfg.backend, STORE_SQLITE, "defaults: sqlite");
	is_str(cfg.sqlite_path, db, "defaults: the shared default db path");
	ok(cfg.pg_keywords == NULL && cfg.pg_values == NULL, "defaults: no conninfo");
	ok(cfg.plugins_load == NULL, "defaults: load every plugin");
	is_int(cfg.debug_routes, 0, "defaults: no debug routes");
	ok(cfg.n_sections == 0 && cfg.path == NULL, "defaults: no plugin sections, no file");

	is_int(config_load(&loaded, NULL, &err), CLARO_OK, "config_load(NULL) runs on defaults");
	a = print_to_string(&cfg);
	b = print_to_string(&loaded);
	is_str(b, a, "config_load(NULL) equals config_defaults");
	free(a);
	free(b);
	config_free(&loaded);
	config_free(&cfg);
	free(db);
}

static void test_full_file(void)
{
	static const char text[] =
	    "; a full clarod.ini\n"
	    "# with comments of both kinds\n"
	    "\n"
	    "[clarod]\n"
	    "mode = indexer\n"
	    "api_addr = [::1]:0\n"
	    "introspection_addr =\n"
	    "plugin_dir = /opt/claro/plugins\n"
	    "log_level = debug\n"
	    "workers = 8 ; eight threads\n"
	    "max_body = 2M\n"
	    "max_concurrent_requests = -1\n"
	    "shutdown_timeout = 1m30s\n"
	    "debug_routes = yes\n"
	    "\n"
	    "[store]\n"
	    "backend = postgres\n"
	    "path = /srv/claro/claro.db\n"
	    "conninfo = postgresql://claro:s3cret@db.example:5433/claro?sslmode=require\n"
	    "conninfo.application_name = clarod\n"
	    "conninfo.connect_timeout = 5\n"
	    "\n"
	    "[plugins]\n"
	    "load = dpkg, rpm alpine\n"
	    "\n"
	    "[plugin.dpkg]\n"
	    "feed = https://example.com/feed ; the feed\n"
	    "interval = 6h\n"
	    "\n"
	    "[plugin.empty]\n";
	char *path = write_ini(text);
	struct config cfg;
	struct error err = ERROR_INIT;
	const struct config_section *s;

	if (!ok(config_load(&cfg, path, &err) == CLARO_OK, "full file loads")) {
		error_print(&err, stdout, "# ");
		return;
	}
	is_str(cfg.path, path, "full: path remembered");
	is_int(cfg.mode, MODE_INDEXER, "full: mode");
	is_str(cfg.api_addr, "[::1]:0", "full: api_addr");
	is_str(cfg.introspection_addr, "", "full: empty introspection_addr disables it");
	is_str(cfg.plugin_dir, "/opt/claro/plugins", "full: plugin_dir");
	is_int(cfg.log_level, CLARO_LOG_DEBUG, "full: log_level");
	is_int(cfg.workers, 8, "full: workers (inline comment stripped)");
	is_int(cfg.max_body, 2 * 1024 * 1024, "full: max_body");
	is_int(cfg.max_concurrent_requests, -1, "full: max_concurrent_requests");
	is_int(cfg.shutdown_timeout, 90, "full: shutdown_timeout");
	is_int(cfg.debug_routes, 1, "full: debug_routes (a boolean)");
	is_int(cfg.backend, STORE_POSTGRES, "full: backend");
	is_str(cfg.sqlite_path, "/srv/claro/claro.db", "full: path");
	is_int(cfg.pg_expand_dbname, 1, "full: conninfo string means expand_dbname");
	is_str(cfg.pg_keywords[0], "dbname", "full: conninfo goes first as dbname");
	is_str(cfg.pg_values[0], "postgresql://claro:s3cret@db.example:5433/claro?sslmode=require",
	       "full: conninfo passed whole");
	is_str(cfg.pg_keywords[1], "application_name", "full: pairs follow (they override the string)");
	is_str(cfg.pg_values[1], "clarod", "full: pair value");
	is_str(cfg.pg_keywords[2], "connect_timeout", "full: second pair");
	is_str(cfg.pg_values[2], "5", "full: second pair value");
	ok(cfg.pg_keywords[3] == NULL && cfg.pg_values[3] == NULL, "full: keyword arrays NULL-terminated");
	ok(cfg.plugins_load && cfg.plugins_load[0] && cfg.plugins_load[1] && cfg.plugins_load[2] &&
	       !cfg.plugins_load[3],
	   "full: three plugins to load");
	if (cfg.plugins_load && cfg.plugins_load[0] && cfg.plugins_load[1] && cfg.plugins_load[2]) {
		is_str(cfg.plugins_load[0], "dpkg", "full: load[0]");
		is_str(cfg.plugins_load[1], "rpm", "full: load[1] (comma separated)");
		is_str(cfg.plugins_load[2], "alpine", "full: load[2] (blank separated)");
	}
	is_int(cfg.n_sections, 2, "full: two plugin sections");
	s = config_plugin_section(&cfg, "dpkg");
	if (ok(s != NULL, "full: [plugin.dpkg] found")) {
		is_int(s->line, 26, "full: section header line");
		is_int(s->n_entries, 2, "full: two entries");
		is_str(s->entries[0].key, "feed", "full: entry key");
		is_str(s->entries[0].value, "https://example.com/feed",
		       "full: entry value without the comment");
		is_int(s->entries[0].line, 27, "full: entry line");
		is_str(s->entries[1].key, "interval", "full: second entry");
		is_int(s->entries[1].line, 28, "full: second entry line");
	}
	s = config_plugin_section(&cfg, "empty");
	ok(s && s->n_entries == 0 && s->line == 30, "full: an empty [plugin.empty] is kept, with its line");
	ok(config_plugin_section(&cfg, "rpm") == NULL, "full: no section for rpm");
	config_free(&cfg);
	free(path);
}

/* Line numbers stay exact across a BOM, CRLF line ends, blank and comment lines. */
static void test_line_numbers(void)
{
	static const char text[] =
	    "\xEF\xBB\xBF; bom\r\n[clarod]\r\n\r\n# c\r\n; c\r\nworkers = 2\r\nworkers = 3\r\n";
	char *path = write_ini(text), *detail;
	struct config cfg;
	struct error err = ERROR_INIT;

	is_int(config_load(&cfg, path, &err), CLARO_ERR_CONFIG, "bom/crlf: duplicate found");
	detail = str_printf("%s:7: \"workers\" was already set at line 6.", path);
	is_str(err.detail, detail, "bom/crlf: both line numbers exact");
	free(detail);
	error_clear(&err);
	free(path);

	path = write_ini("\xEF\xBB\xBF[clarod]\r\nworkers = 2\r\nmode = matcher\r\n");
	if (ok(config_load(&cfg, path, &err) == CLARO_OK, "bom/crlf: a clean file loads")) {
		is_int(cfg.workers, 2, "bom/crlf: value without the carriage return");
		is_int(cfg.mode, MODE_MATCHER, "bom/crlf: last line");
		config_free(&cfg);
	}
	free(path);

	path = write_ini("[clarod]\nmode = combo"); /* no final newline */
	if (ok(config_load(&cfg, path, &err) == CLARO_OK, "a last line without newline loads"))
		config_free(&cfg);
	free(path);
}

static void test_errors(void)
{
	/* unknown keys and sections */
	expect_error("unknown key near a known one", "[clarod]\nmode = combo\nwokers = 4\n",
		     "unknown key \"wokers\" in section [clarod]", 3, "[clarod] has no key \"wokers\".",
		     "Did you mean \"workers\"?");
	expect_error("unknown key far from all", "[plugins]\nautoload = yes\n",
		     "unknown key \"autoload\" in section [plugins]", 2, "[plugins] has no key \"autoload\".",
		     "The keys of [plugins] are load.");
	expect_error("unknown key in [store]", "[store]\nfile = x.db\n",
		     "unknown key \"file\" in section [store]", 2, "[store] has no key \"file\".",
		     "The keys of [store] are backend, path, conninfo and conninfo.<keyword>.");
	expect_error("keys are case-sensitive", "[clarod]\nMode = combo\n",
		     "unknown key \"Mode\" in section [clarod]", 2, "[clarod] has no key \"Mode\".",
		     "Did you mean \"mode\"?");
	expect_error("unknown section", "[server]\nport = 1\n", "unknown section [server]", 1,
		     "claro reads the sections [clarod], [store], [plugins], [plugin.<name>], [updaters] and "
		     "[updater.<name>].",
		     "Check the spelling against clarod.ini(5) or etc/clarod.ini.sample.");
	expect_error("unknown section near a known one", "\n[stor]\n", "unknown section [stor]", 2,
		     "claro reads the sections [clarod], [store], [plugins], [plugin.<name>], [updaters] and "
		     "[updater.<name>].",
		     "Did you mean [store]?");
	expect_error("plugins.<name> for plugin.<name>", "[plugins.dpkg]\n", "unknown section [plugins.dpkg]",
		     1,
		     "claro reads the sections [clarod], [store], [plugins], [plugin.<name>], [updaters] and "
		     "[updater.<name>].",
		     "Did you mean [plugin.dpkg]?");
	expect_error(
	    "bad plugin section name", "[plugin.Dpkg]\n", "invalid section name [plugin.Dpkg]", 1,
	    "\"Dpkg\" is not a plugin name; plugin names are lower-case letters, digits and underscores, at "
	    "most 63.",
	    "Name the section after the plugin's file: [plugin.<name>] for <name>.so.");
	expect_error(
	    "empty plugin section name", "[plugin.]\n", "invalid section name [plugin.]", 1,
	    "\"\" is not a plugin name; plugin names are lower-case letters, digits and underscores, at most "
	    "63.",
	    NULL);
	expect_error(
	    "plugin section name too long",
	    "[plugin.pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp]\n",
	    "invalid section name [plugin.pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp]",
	    1,
	    "\"pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp\" is not a plugin name; "
	    "plugin names are lower-case letters, digits and underscores, "
	    "at most 63.",
	    NULL);
	expect_error("key before any section", "workers = 2\n", "key \"workers\" outside any section", 1,
		     "\"workers\" comes before the first [section] header.",
		     "Move it into the section it belongs to, e.g. [clarod].");

	/* duplicates */
	expect_error("duplicate key", "[clarod]\nworkers = 2\nmode = combo\nworkers = 3\n",
		     "duplicate key \"workers\" in section [clarod]", 4,
		     "\"workers\" was already set at line 2.", "Keep one of the two lines.");
	expect_error("duplicate section", "[clarod]\n[store]\n[clarod]\n", "duplicate section [clarod]", 3,
		     "[clarod] was already opened at line 1.", "Merge the two sections into one.");
	expect_error("duplicate plugin section", "[plugin.a]\nx = 1\n[plugin.a]\n",
		     "duplicate section [plugin.a]", 3, "[plugin.a] was already opened at line 1.",
		     "Merge the two sections into one.");
	expect_error("duplicate plugin key", "[plugin.a]\nx = 1\nx = 2\n",
		     "duplicate key \"x\" in section [plugin.a]", 3, "\"x\" was already set at line 2.",
		     "Keep one of the two lines.");
	expect_error("duplicate conninfo keyword", "[store]\nconninfo.host = a\nconninfo.host = b\n",
		     "duplicate key \"conninfo.host\" in section [store]", 3,
		     "\"conninfo.host\" was already set at line 2.", "Keep one of the two lines.");

	/* bad values */
	expect_error("bad mode", "[clarod]\nmode = all\n", "invalid value for \"mode\" in section [clarod]",
		     2, "\"all\" is not one of combo, indexer, matcher, notifier.",
		     "Set mode to combo (every service in one process), indexer, matcher or notifier.");
	expect_error("bad integer", "[clarod]\n\n\nworkers = lots\n",
		     "invalid value for \"workers\" in section [clarod]", 4, "\"lots\" is not an integer.",
		     "Set workers to a number of threads, or 0 for two per CPU core.");
	expect_error("integer out of range", "[clarod]\nworkers = 5000\n",
		     "invalid value for \"workers\" in section [clarod]", 2,
		     "5000 is out of range: workers must be between 0 and 1024.", NULL);
	expect_error("negative workers", "[clarod]\nworkers = -1\n",
		     "invalid value for \"workers\" in section [clarod]", 2,
		     "-1 is out of range: workers must be between 0 and 1024.", NULL);
	expect_error(
	    "integer past int64", "[clarod]\nmax_concurrent_requests = 99999999999999999999\n",
	    "invalid value for \"max_concurrent_requests\" in section [clarod]", 2,
	    "99999999999999999999 is out of range: max_concurrent_requests must be between -2147483648 and "
	    "2147483647.",
	    NULL);
	expect_error("bad size", "[clarod]\nmax_body = 16 MB\n",
		     "invalid value for \"max_body\" in section [clarod]", 2, "\"16 MB\" is not a size.",
		     "Write a size in bytes with an optional k, M or G suffix, e.g. 16M.");
	expect_error("size too small", "[clarod]\nmax_body = 100\n",
		     "invalid value for \"max_body\" in section [clarod]", 2,
		     "100 is out of range: max_body must be at least 1k.", NULL);
	expect_error("bad duration", "[clarod]\nshutdown_timeout = soon\n",
		     "invalid value for \"shutdown_timeout\" in section [clarod]", 2,
		     "\"soon\" is not a duration.", "Write a duration such as 10s, 2m or 1h30m.");
	expect_error("duration too long", "[clarod]\nshutdown_timeout = 2d\n",
		     "invalid value for \"shutdown_timeout\" in section [clarod]", 2,
		     "2d is out of range: shutdown_timeout must be at most 1d.", NULL);
	expect_error("bad boolean", "[clarod]\ndebug_routes = maybe\n",
		     "invalid value for \"debug_routes\" in section [clarod]", 2,
		     "\"maybe\" is not a boolean.", "Write true or false (yes/no, on/off and 1/0 work too).");
	expect_error(
	    "plugin name too long in load",
	    "[plugins]\nload = "
	    "ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp\n",
	    "invalid value for \"load\" in section [plugins]", 2,
	    "\"ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp\" is not a plugin name "
	    "(lower-case letters, digits and underscores, at most 63).",
	    NULL);
	expect_error("bad log level", "[clarod]\nlog_level = loud\n",
		     "invalid value for \"log_level\" in section [clarod]", 2,
		     "\"loud\" is not one of error, warning, notice, info, debug.", NULL);
	expect_error(
	    "bad address", "[clarod]\napi_addr = localhost\n",
	    "invalid value for \"api_addr\" in section [clarod]", 2,
	    "\"localhost\" is not a host:port address.",
	    "Write host:port, e.g. 127.0.0.1:6060, [::1]:6060, or :6060 for every interface; port 0 picks a "
	    "free port.");
	expect_error("port out of range", "[clarod]\nintrospection_addr = 127.0.0.1:65536\n",
		     "invalid value for \"introspection_addr\" in section [clarod]", 2,
		     "\"127.0.0.1:65536\" is not a host:port address.", NULL);
	expect_error("bad backend", "[store]\nbackend = mysql\n",
		     "invalid value for \"backend\" in section [store]", 2,
		     "\"mysql\" is not one of sqlite, postgres.", NULL);
	expect_error("empty value", "[clarod]\nworkers =\n",
		     "missing value for \"workers\" in section [clarod]", 2, "\"workers\" is empty.",
		     "Give it a value, or delete the line to use the default.");
	expect_error("empty sqlite path", "[store]\nbackend = sqlite\npath =\n",
		     "missing value for \"path\" in section [store]", 3, "\"path\" is empty.", NULL);
	expect_error(
	    "postgres without conninfo", "[store]\npath = x.db\nbackend = postgres\n",
	    "missing value for \"conninfo\" in section [store]", 3,
	    "backend = postgres needs conninfo or conninfo.<keyword> keys, and there are none.",
	    "Add conninfo = postgresql://user@host/dbname to [store], or conninfo.host, conninfo.dbname, ... "
	    "keys.");
	expect_error("conninfo libpq cannot parse", "[store]\nconninfo = claro\n",
		     "invalid value for \"conninfo\" in section [store]", 2,
		     "libpq cannot parse it: missing \"=\" after \"claro\" in connection info string.", NULL);
	expect_error("unknown conninfo keyword", "[store]\nconninfo.hots = db\n",
		     "unknown key \"conninfo.hots\" in section [store]", 2,
		     "\"hots\" is not a libpq connection keyword.", "Did you mean \"conninfo.host\"?");
	expect_error("empty conninfo keyword value", "[store]\nconninfo.host =\n",
		     "missing value for \"conninfo.host\" in section [store]", 2,
		     "\"conninfo.host\" is empty.", NULL);
	expect_error("bad plugin name in load", "[plugins]\nload = dpkg, RPM\n",
		     "invalid value for \"load\" in section [plugins]", 2,
		     "\"RPM\" is not a plugin name (lower-case letters, digits and underscores, at most 63).",
		     NULL);
	expect_error("plugin listed twice", "[plugins]\nload = dpkg rpm dpkg\n",
		     "invalid value for \"load\" in section [plugins]", 2, "\"dpkg\" is listed twice.", NULL);
	expect_error("empty load list", "[plugins]\nload = ,\n",
		     "invalid value for \"load\" in section [plugins]", 2, "The list is empty.", NULL);
	expect_error("* mixed with names", "[plugins]\nload = * dpkg\n",
		     "invalid value for \"load\" in section [plugins]", 2,
		     "\"*\" is not a plugin name (lower-case letters, digits and underscores, at most 63).",
		     NULL);

	/* line shapes */
	expect_error(
	    "no = on the line", "[clarod]\nworkers 4\n", "syntax error in section [clarod]", 2,
	    "expected \"key = value\", found \"workers 4\".",
	    "Write one key = value pair per line; comments start with ; or # at the start of a line.");
	expect_error("colon is not a separator", "[clarod]\napi_addr: 127.0.0.1:1\n",
		     "syntax error in section [clarod]", 2,
		     "expected \"key = value\", found \"api_addr: 127.0.0.1:1\".", NULL);
	expect_error("unclosed header", "[clarod\n", "syntax error in configuration file", 1,
		     "expected a section header \"[name]\", found \"[clarod\".",
		     "Write a section header as [name] on a line of its own.");
	expect_error("text after a header", "[clarod] mode = combo\n", "syntax error in configuration file",
		     1, "expected nothing after \"]\", found \"[clarod] mode = combo\".", NULL);
	expect_error(
	    "indented key", "[clarod]\nmode = combo\n  workers = 4\n", "indented line in section [clarod]", 3,
	    "The line starts with white space, which the INI parser reads as the continuation of the "
	    "previous "
	    "value.",
	    "Remove the white space at the start of the line; every line starts in the first column.");

	/* inih passes keys whole (only section names are cut to its buffer). */
	{
		char *path =
		    write_ini("[plugin.x]\nkey_that_goes_on_and_on_and_on_and_on_and_on_and_on_and_on = 1\n");
		struct config cfg;
		struct error err = ERROR_INIT;

		if (ok(config_load(&cfg, path, &err) == CLARO_OK, "a 61-character key loads")) {
			is_str(cfg.sections[0].entries[0].key,
			       "key_that_goes_on_and_on_and_on_and_on_and_on_and_on_and_on",
			       "the long key is kept whole");
			config_free(&cfg);
		}
		error_clear(&err);
		free(path);
	}
	{
		struct buf b = BUF_INIT(0);
		char *path, *name;
		struct config cfg;
		struct error err = ERROR_INIT;

		buf_puts(&b, "[plugin.");
		for (int i = 0; i < 63; i++)
			buf_puts(&b, "p");
		buf_puts(&b, "]\nk = v\n");
		path = write_ini(b.data);
		if (ok(config_load(&cfg, path, &err) == CLARO_OK, "a 63-character plugin name loads")) {
			name = cfg.sections[0].plugin;
			ok(name && strlen(name) == 63,
			   "the section name is kept whole (inih would cut it at 49)");
			config_free(&cfg);
		}
		buf_free(&b);
		free(path);
	}

	/* a long line: inih's buffer would split it */
	{
		struct buf b = BUF_INIT(0);
		char *text;

		buf_puts(&b, "[plugin.x]\nkey = ");
		for (int i = 0; i < 300 - 6; i++)
			buf_puts(&b, "v");
		buf_puts(&b, "\n");
		text = buf_steal(&b);
		char *path = write_ini(text);
		struct config cfg;
		struct error err = ERROR_INIT;

		is_int(config_load(&cfg, path, &err), CLARO_ERR_CONFIG, "long line: refused");
		is_str(err.message, "line too long in section [plugin.x]", "long line: message");
		char *want =
		    str_printf("%s:2: The line has 300 characters; the INI parser reads at most ", path);
		ok(err.detail && str_has_prefix(err.detail, want),
		   "long line: detail with file, line and length");
		diag("%s", err.detail ? err.detail : "(null)");
		error_clear(&err);
		free(want);
		free(path);
		free(text);
	}
	{
		static const char nul[] = "[clarod]\nmode = co\0mbo\n";
		char *path = write_file(nul, sizeof(nul) - 1),
		     *want = str_printf("%s:2: The line contains a NUL byte.", path);
		struct config cfg;
		struct error err = ERROR_INIT;

		is_int(config_load(&cfg, path, &err), CLARO_ERR_CONFIG, "NUL byte: refused");
		is_str(err.detail, want, "NUL byte: detail");
		error_clear(&err);
		free(want);
		free(path);
	}
	{
		struct config cfg;
		struct error err = ERROR_INIT;
		char *path = str_printf("%s/missing.ini", tmpdir);

		is_int(config_load(&cfg, path, &err), CLARO_ERR_CONFIG, "missing file: CLARO_ERR_CONFIG");
		char *want = str_printf("could not open configuration file \"%s\"", path);
		is_str(err.message, want, "missing file: message");
		is_str(err.detail, "No such file or directory.", "missing file: detail");
		ok(err.hint != NULL, "missing file: hint");
		error_clear(&err);
		free(want);
		free(path);
	}
	{
		struct config cfg;
		struct error err = ERROR_INIT;

		is_int(config_load(&cfg, tmpdir, &err), CLARO_ERR_CONFIG, "a directory is refused");
		like(err.message, "could not read configuration file", "directory: message");
		error_clear(&err);
	}
}

static void test_conninfo_pairs(void)
{
	char *path =
	    write_ini("[store]\nbackend = postgres\nconninfo.host = /run/postgresql\nconninfo.dbname = "
		      "claro\nconninfo.password = hunter2\n");
	struct config cfg;
	struct error err = ERROR_INIT;
	char *out;

	if (!ok(config_load(&cfg, path, &err) == CLARO_OK, "conninfo pairs load")) {
		error_print(&err, stdout, "# ");
		return;
	}
	is_int(cfg.pg_expand_dbname, 0, "pairs only: no expand_dbname (a dbname is just a name)");
	is_str(cfg.pg_keywords[0], "host", "pairs: file order");
	is_str(cfg.pg_values[0], "/run/postgresql", "pairs: value");
	is_str(cfg.pg_keywords[1], "dbname", "pairs: dbname");
	is_str(cfg.pg_keywords[2], "password", "pairs: password");
	is_str(cfg.pg_values[2], "hunter2", "pairs: the real password is kept for libpq");
	ok(cfg.pg_keywords[3] == NULL, "pairs: NULL-terminated");
	out = print_to_string(&cfg);
	like(out, "conninfo.password = ****\n", "print masks the password");
	ok(out && !strstr(out, "hunter2"), "print never shows the password");
	like(out, "conninfo.host = /run/postgresql\n", "print shows the host");
	free(out);
	config_free(&cfg);
	free(path);
}

static void test_print_roundtrip(void)
{
	static const char text[] =
	    "[clarod]\nmode = notifier\napi_addr = :7000\nworkers = 3\nmax_body = 1536k\n"
	    "shutdown_timeout = 3700\nlog_level = WARNING\n"
	    "[store]\nbackend = postgres\n"
	    "conninfo = postgresql://claro:s3cret@db.example:5433/claro?sslmode=require\n"
	    "conninfo.port = 6543\n"
	    "[plugins]\nload = a,b\n"
	    "[plugin.a]\napi_token = abc\nurl = http://x/\n";
	char *path = write_ini(text), *first, *second, *path2;
	struct config cfg, again;
	struct error err = ERROR_INIT;

	if (!ok(config_load(&cfg, path, &err) == CLARO_OK, "round trip: file loads")) {
		error_print(&err, stdout, "# ");
		return;
	}
	first = print_to_string(&cfg);
	path2 = write_ini(first);
	if (!ok(config_load(&again, path2, &err) == CLARO_OK, "round trip: printed config loads")) {
		error_print(&err, stdout, "# ");
		diag("%s", first);
		return;
	}
	second = print_to_string(&again);
	is_str(second, first, "round trip: print -> load -> print is identical");
	like(first, "[clarod]\nmode = notifier\napi_addr = :7000\n", "print: [clarod] first, keys in order");
	like(first, "max_body = 1536k\n", "print: size in its largest exact unit");
	like(first, "shutdown_timeout = 1h1m40s\n", "print: duration spelled out");
	like(first, "log_level = warning\n", "print: log level by name");
	like(first, "introspection_addr = 127.0.0.1:8089\n", "print: defaults included");
	like(first, "conninfo.host = db.example\n", "print: conninfo expanded (host)");
	like(first, "conninfo.user = claro\n", "print: conninfo expanded (user)");
	like(first, "conninfo.port = 6543\n", "print: a pair overrides the string's port");
	like(first, "conninfo.sslmode = require\n", "print: URI parameters kept");
	like(first, "conninfo.password = ****\n", "print: password from the URI masked");
	ok(!strstr(first, "s3cret"), "print: the URI's password never shown");
	like(first, "load = a b\n", "print: plugin list");
	like(first, "[plugin.a]\napi_token = ****\nurl = http://x/\n", "print: plugin section, token masked");
	is_int(again.pg_expand_dbname, 0, "round trip: the reprint uses keyword pairs");
	config_free(&again);
	config_free(&cfg);
	free(first);
	free(second);
	free(path);
	free(path2);
}

static void test_default_db_path(void)
{
	char *p;
	const char *home = getenv("HOME");
	char *saved_home = home ? str_dup(home) : NULL;

	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	p = config_default_db_path();
	is_str(p, "/xdg/data/claro/claro.db", "db path: $XDG_DATA_HOME/claro/claro.db");
	free(p);
	setenv("XDG_DATA_HOME", "/xdg/data//", 1);
	p = config_default_db_path();
	is_str(p, "/xdg/data/claro/claro.db", "db path: trailing slashes dropped");
	free(p);
	setenv("HOME", "/home/someone", 1);
	setenv("XDG_DATA_HOME", "relative/dir", 1);
	p = config_default_db_path();
	is_str(p, "/home/someone/.local/share/claro/claro.db",
	       "db path: a relative XDG_DATA_HOME is ignored");
	free(p);
	unsetenv("XDG_DATA_HOME");
	p = config_default_db_path();
	is_str(p, "/home/someone/.local/share/claro/claro.db", "db path: ~/.local/share/claro/claro.db");
	free(p);
	unsetenv("HOME");
	p = config_default_db_path();
	{
		struct passwd *pw = getpwuid(getuid());
		char *want = pw && pw->pw_dir && pw->pw_dir[0] == '/'
				 ? str_printf("%s/.local/share/claro/claro.db", pw->pw_dir)
				 : str_dup("/var/lib/claro/claro.db");
		is_str(p, want, "db path: without HOME, the passwd entry's home");
		free(want);
	}
	free(p);
	setenv("HOME", "/home/someone", 1);
	setenv("CLARO_SYSTEM", "1", 1);
	p = config_default_db_path();
	is_str(p, "/var/lib/claro/claro.db", "db path: CLARO_SYSTEM=1 means /var/lib/claro");
	free(p);
	unsetenv("CLARO_SYSTEM");
	setenv("INVOCATION_ID", "0123456789abcdef", 1);
	p = config_default_db_path();
	is_str(p, getuid() == 0 ? "/var/lib/claro/claro.db" : "/home/someone/.local/share/claro/claro.db",
	       "db path: systemd service as root means /var/lib/claro");
	free(p);
	unsetenv("INVOCATION_ID");
	if (saved_home)
		setenv("HOME", saved_home, 1);
	else
		unsetenv("HOME");
	free(saved_home);
}

static void test_ensure_parent_dir(void)
{
	char *db = str_printf("%s/a/b/c/claro.db", tmpdir), *dir = str_printf("%s/a/b/c", tmpdir);
	char *blocked = str_printf("%s/t1.ini/x/claro.db", tmpdir);
	struct error err = ERROR_INIT;
	struct stat st;

	is_int(config_ensure_parent_dir(db, &err), CLARO_OK, "parent dir: created");
	ok(stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700,
	   "parent dir: nested directories, mode 0700");
	is_int(config_ensure_parent_dir(db, &err), CLARO_OK, "parent dir: existing is fine");
	is_int(config_ensure_parent_dir("claro.db", &err), CLARO_OK,
	       "parent dir: a bare file name needs none");
	is_int(config_ensure_parent_dir(blocked, &err), CLARO_ERR_IO,
	       "parent dir: a file in the way is an error");
	like(err.message, "could not create directory", "parent dir: message");
	ok(err.detail && err.hint, "parent dir: detail and hint");
	error_clear(&err);
	free(db);
	free(dir);
	free(blocked);
}

static void test_split_addr(void)
{
	char *host = NULL;
	unsigned port = 1;

	is_int(config_split_addr("127.0.0.1:6060", &host, &port), CLARO_OK, "addr: ipv4");
	is_str(host, "127.0.0.1", "addr: ipv4 host");
	is_int(port, 6060, "addr: port");
	free(host);
	is_int(config_split_addr("[::1]:0", &host, &port), CLARO_OK, "addr: ipv6 in brackets");
	is_str(host, "::1", "addr: brackets removed");
	is_int(port, 0, "addr: port 0");
	free(host);
	is_int(config_split_addr(":6060", &host, &port), CLARO_OK, "addr: every interface");
	is_str(host, "", "addr: empty host");
	free(host);
	is_int(config_split_addr("::1:80", NULL, NULL), CLARO_ERR_INVALID, "addr: bare ipv6 refused");
	is_int(config_split_addr("host:", NULL, NULL), CLARO_ERR_INVALID, "addr: no port");
	is_int(config_split_addr("host:65536", NULL, NULL), CLARO_ERR_INVALID, "addr: port too big");
	is_int(config_split_addr("host:-1", NULL, NULL), CLARO_ERR_INVALID, "addr: negative port");
	is_int(config_split_addr("a b:1", NULL, NULL), CLARO_ERR_INVALID, "addr: blank in host");
	is_int(config_split_addr("[]:1", NULL, NULL), CLARO_ERR_INVALID, "addr: empty brackets");
}

/* etc/clarod.ini.sample documents every key config.c knows, each with its
 * real default: uncommenting every ";key = value" line must give exactly the
 * built-in defaults. */
static void test_sample(void)
{
	const char *top = getenv("abs_top_srcdir");
	char *path = str_printf("%s/etc/clarod.ini.sample", top && *top ? top : "../..");
	char *text = read_text(path), *line, *save = NULL, *copy, *upath;
	struct buf uncommented = BUF_INIT(0);
	char section[64] = "";
	int *found = calloc(config_known_key_count(), sizeof(int)), stray = 0;
	struct config cfg, defaults;
	struct error err = ERROR_INIT;
	char *a, *b;

	if (!ok(text != NULL, "sample: %s readable", path)) {
		free(path);
		free(found);
		return;
	}
	is_int(config_load(&cfg, path, &err), CLARO_OK, "sample: parses as it is");
	is_int(cfg.n_sections, 0, "sample: its [plugin.example] is commented out");
	config_free(&cfg);

	copy = str_dup(text);
	for (line = copy; line; line = save) {
		char *nl = strchr(line, '\n'), *eq;
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (line[0] == '[' && strchr(line, ']')) {
			snprintf(section, sizeof(section), "%.*s", (int)(strchr(line, ']') - line - 1),
				 line + 1);
		} else if (line[0] == ';' && (eq = strstr(line, " =")) != NULL) {
			const char *key = line + 1, *value = eq[2] == ' ' ? eq + 3 : eq + 2;
			size_t klen = (size_t)(eq - key);
			int known = 0;

			for (size_t i = 0; i < config_known_key_count(); i++) {
				const struct config_key *k = config_known_key(i);
				if (strcmp(k->section, section) == 0 && strlen(k->name) == klen &&
				    strncmp(k->name, key, klen) == 0) {
					found[i]++;
					known = 1;
					if (k->default_value)
						is_str(value, k->default_value,
						       "sample: [%s] %s shows the default", section, k->name);
					else
						is_str(value, "",
						       "sample: [%s] %s (computed default) has no value",
						       section, k->name);
				}
			}
			if (!known) {
				stray++;
				diag("sample line not a known key: [%s] %s", section, line);
			}
			if (*value) {
				buf_puts(&uncommented, line + 1);
				buf_puts(&uncommented, "\n");
				continue;
			}
		}
		buf_puts(&uncommented, line);
		buf_puts(&uncommented, "\n");
	}
	for (size_t i = 0; i < config_known_key_count(); i++) {
		const struct config_key *k = config_known_key(i);
		is_int(found[i], 1, "sample: documents [%s] %s once", k->section, k->name);
		ok(k->doc && *k->doc && k->type && *k->type, "key table: [%s] %s has a type and a doc line",
		   k->section, k->name);
	}
	is_int(stray, 0, "sample: no line documents a key config.c does not know");
	ok(config_known_key(config_known_key_count()) == NULL, "key table: NULL past the end");

	upath = write_ini(uncommented.data ? uncommented.data : "");
	if (ok(config_load(&cfg, upath, &err) == CLARO_OK, "sample: loads with every default uncommented")) {
		config_defaults(&defaults, &err);
		a = print_to_string(&defaults);
		b = print_to_string(&cfg);
		is_str(b, a, "sample: the documented defaults are the built-in defaults");
		free(a);
		free(b);
		config_free(&defaults);
		config_free(&cfg);
	} else {
		error_print(&err, stdout, "# ");
		error_clear(&err);
	}
	buf_free(&uncommented);
	free(upath);
	free(copy);
	free(text);
	free(found);
	free(path);
}

static void remove_tree(const char *dir)
{
	char *cmd = str_printf("rm -rf '%s'", dir);

	if (cmd && system(cmd) != 0)
		diag("could not remove %s", dir);
	free(cmd);
}

int main(void)
{
	plan_no_plan();
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	/* The environment decides the default db path; start from a known one. */
	unsetenv("CLARO_SYSTEM");
	unsetenv("INVOCATION_ID");
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", tmpdir, 1);

	test_defaults();
	test_full_file();
	test_line_numbers();
	test_errors();
	test_conninfo_pairs();
	test_print_roundtrip();
	test_default_db_path();
	test_ensure_parent_dir();
	test_split_addr();
	test_sample();
	remove_tree(tmpdir);
	return done_testing();
}
