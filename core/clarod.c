/* clarod: the claro daemon. Parses the command line, loads the configuration
 * and the plugins, prepares the store and serves until SIGTERM or SIGINT.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h> /* autoconf's; "config.h" is core/config.h, the INI module */

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon.h"
#include "error.h"
#include "httpclient.h"
#include "log.h"
#include "registry.h"
#include "strutil.h"
#include "updater_runner.h"

#ifndef CLARO_PLUGINDIR
#define CLARO_PLUGINDIR "/usr/local/lib/claro/plugins"
#endif
#ifndef CLARO_SYSCONFDIR
#define CLARO_SYSCONFDIR "/usr/local/etc"
#endif

/* What the command line asked for; NULL/-1 fields leave the file's value. */
struct options {
	const char *config_path;
	const char *mode;
	const char *db;
	const char *plugin_dir;
	const char *api_addr;
	const char *introspection_addr;
	const char *port_file;
	const char *log_level;
	int skip_broken;
	int check_config;
};

enum long_only {
	OPT_MODE = 256,
	OPT_DB,
	OPT_PLUGIN_DIR,
	OPT_API_ADDR,
	OPT_INTROSPECTION_ADDR,
	OPT_SKIP_BROKEN,
	OPT_CHECK_CONFIG,
	OPT_PORT_FILE,
	OPT_LOG_LEVEL,
};

static void usage(FILE *fp)
{
	char *db = config_default_db_path();

	fprintf(fp,
		"Usage: clarod [OPTION]...\n"
		"Run claro, a container-image vulnerability scanner that speaks Clair v4's HTTP API.\n"
		"In combo mode (the default) one process indexes images, matches them against\n"
		"vulnerability data and serves the API; other modes run one service each.\n"
		"\n"
		"Options (each overrides the configuration file):\n"
		"  -c, --config FILE          read the configuration from FILE (INI). Without -c,\n"
		"                             $CLARO_CONF is read if set; otherwise built-in defaults\n"
		"                             are used and no file is needed.\n"
		"      --mode MODE            combo (default), indexer, matcher or notifier\n"
		"      --db PATH              use the SQLite database PATH (created with its directory\n"
		"                             if missing); default %s\n"
		"      --plugin-dir DIR       load plugins from DIR; default %s\n"
		"      --api-addr ADDR        serve the API on host:port; default 127.0.0.1:6060\n"
		"                             (port 0 picks a free port; see --port-file)\n"
		"      --introspection-addr ADDR\n"
		"                             serve /healthz, /readyz and /metrics on host:port;\n"
		"                             default 127.0.0.1:8089; \"\" turns it off\n"
		"      --skip-broken-plugins  log and skip a plugin that fails to load instead of\n"
		"                             refusing to start\n"
		"      --check-config         load the configuration and the plugins (so plugin keys\n"
		"                             are checked), print the effective configuration and exit:\n"
		"                             0 if it is valid, 1 with the reason if not\n"
		"      --port-file FILE       once listening, write \"api=PORT\" and\n"
		"                             \"introspection=PORT\" lines to FILE\n"
		"      --log-level LEVEL      error, warning, notice, info (default) or debug\n"
		"  -h, --help                 show this help and exit\n"
		"  -V, --version              show the version and exit\n"
		"\n"
		"Configuration: every key, its default and what it does are listed in\n"
		"  %s/claro/clarod.ini.sample\n"
		"copy it to %s/claro/clarod.ini and start clarod with -c.\n"
		"\n"
		"Endpoints: Clair's API under /indexer/api/v1/ and /matcher/api/v1/, the OpenAPI\n"
		"document at /openapi/v1, the loaded plugins at /api/v1/plugins; health, readiness\n"
		"and Prometheus metrics on the introspection address.\n"
		"SIGTERM or SIGINT stops accepting, lets requests in flight finish and exits 0.\n"
		"Requests still running after shutdown_timeout (10 s by default) or at a second\n"
		"signal are abandoned and it exits 1.\n"
		"\n"
		"Examples:\n"
		"  clarod                                   # defaults, SQLite in your data directory\n"
		"  clarod -c /etc/claro/clarod.ini --check-config\n"
		"  clarod --api-addr 127.0.0.1:0 --introspection-addr 127.0.0.1:0 \\\n"
		"         --db /tmp/claro.db --port-file /tmp/clarod.ports\n",
		db ? db : "(unknown: set $HOME or $XDG_DATA_HOME)", CLARO_PLUGINDIR, CLARO_SYSCONFDIR,
		CLARO_SYSCONFDIR);
	free(db);
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "clarod: %s '%s'\nTry 'clarod --help' for more information.\n", what, arg);
	return 2;
}

/* 0 to go on, else the exit status (help, version, bad usage). */
static int parse_options(int argc, char **argv, struct options *o, int *exit_status)
{
	static const struct option longs[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"mode", required_argument, NULL, OPT_MODE},
	    {"db", required_argument, NULL, OPT_DB},
	    {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
	    {"api-addr", required_argument, NULL, OPT_API_ADDR},
	    {"introspection-addr", required_argument, NULL, OPT_INTROSPECTION_ADDR},
	    {"skip-broken-plugins", no_argument, NULL, OPT_SKIP_BROKEN},
	    {"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
	    {"port-file", required_argument, NULL, OPT_PORT_FILE},
	    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:hV", longs, NULL)) != -1) {
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case OPT_MODE: o->mode = optarg; break;
		case OPT_DB: o->db = optarg; break;
		case OPT_PLUGIN_DIR: o->plugin_dir = optarg; break;
		case OPT_API_ADDR: o->api_addr = optarg; break;
		case OPT_INTROSPECTION_ADDR: o->introspection_addr = optarg; break;
		case OPT_SKIP_BROKEN: o->skip_broken = 1; break;
		case OPT_CHECK_CONFIG: o->check_config = 1; break;
		case OPT_PORT_FILE: o->port_file = optarg; break;
		case OPT_LOG_LEVEL: o->log_level = optarg; break;
		case 'h':
			usage(stdout);
			*exit_status = 0;
			return 1;
		case 'V':
			printf("clarod (%s) %s, plugin ABI %d.%d\n", PACKAGE_NAME, PACKAGE_VERSION,
			       CLARO_ABI_MAJOR, CLARO_ABI_MINOR);
			*exit_status = 0;
			return 1;
		case ':': *exit_status = usage_error("missing value for option", argv[optind - 1]); return 1;
		default: *exit_status = usage_error("unknown option", argv[optind - 1]); return 1;
		}
	}
	if (optind < argc) {
		*exit_status = usage_error("unexpected argument", argv[optind]);
		return 1;
	}
	if (!o->config_path) {
		const char *env = getenv("CLARO_CONF");

		if (env && *env)
			o->config_path = env;
	}
	return 0;
}

static enum claro_status replace_string(char **slot, const char *value, struct error *err)
{
	char *copy = str_dup(value);

	if (!copy)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	free(*slot);
	*slot = copy;
	return CLARO_OK;
}

static enum claro_status parse_mode(const char *text, enum run_mode *mode, struct error *err)
{
	static const enum run_mode modes[] = {MODE_COMBO, MODE_INDEXER, MODE_MATCHER, MODE_NOTIFIER};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(text, config_mode_name(modes[i])) == 0) {
			*mode = modes[i];
			return CLARO_OK;
		}
	}
	error_set(err, CLARO_ERR_CONFIG, "invalid --mode \"%s\"", text);
	error_detail(err, "The modes are combo, indexer, matcher and notifier.");
	error_hint(err, "Use --mode combo to run every service in one process.");
	return CLARO_ERR_CONFIG;
}

static enum claro_status check_addr(const char *option, const char *value, struct error *err)
{
	enum claro_status st;

	if (!*value && strcmp(option, "--introspection-addr") == 0)
		return CLARO_OK; /* "" turns the introspection listener off */
	st = config_split_addr(value, NULL, NULL);
	if (st == CLARO_ERR_NOMEM)
		return error_set(err, st, "out of memory");
	if (st != CLARO_OK) {
		error_set(err, CLARO_ERR_CONFIG, "invalid %s \"%s\"", option, value);
		error_detail(err, "An address is host:port, [IPv6]:port or :port (every interface).");
		error_hint(err, "Write for example 127.0.0.1:6060; port 0 picks a free port.");
		return CLARO_ERR_CONFIG;
	}
	return CLARO_OK;
}

static enum claro_status apply_options(struct config *cfg, const struct options *o, struct error *err)
{
	enum claro_status st = CLARO_OK;

	if (o->mode)
		st = parse_mode(o->mode, &cfg->mode, err);
	if (st == CLARO_OK && o->db) {
		cfg->backend = STORE_SQLITE;
		st = replace_string(&cfg->sqlite_path, o->db, err);
	}
	if (st == CLARO_OK && o->plugin_dir)
		st = replace_string(&cfg->plugin_dir, o->plugin_dir, err);
	if (st == CLARO_OK && o->api_addr && (st = check_addr("--api-addr", o->api_addr, err)) == CLARO_OK)
		st = replace_string(&cfg->api_addr, o->api_addr, err);
	if (st == CLARO_OK && o->introspection_addr &&
	    (st = check_addr("--introspection-addr", o->introspection_addr, err)) == CLARO_OK)
		st = replace_string(&cfg->introspection_addr, o->introspection_addr, err);
	if (st == CLARO_OK && o->log_level) {
		int level = log_level_parse(o->log_level);

		if (level < 0) {
			error_set(err, CLARO_ERR_CONFIG, "invalid --log-level \"%s\"", o->log_level);
			error_detail(err, "The levels are error, warning, notice, info and debug.");
			error_hint(err, "Use --log-level debug to see every request.");
			return CLARO_ERR_CONFIG;
		}
		cfg->log_level = level;
	}
	return st;
}

static enum claro_status load_config(struct config *cfg, const struct options *o, struct error *err)
{
	enum claro_status st;

	if (o->config_path)
		st = config_load(cfg, o->config_path, err);
	else
		st = config_defaults(cfg, err);
	if (st != CLARO_OK)
		return st;
	st = apply_options(cfg, o, err);
	if (st != CLARO_OK)
		config_free(cfg);
	return st;
}

/* --check-config: the configuration is valid when it parses and every
 * plugin it names loads and accepts its [plugin.<name>] keys. */
static int check_config(struct config *cfg, unsigned flags)
{
	struct registry reg;
	struct error err = ERROR_INIT;
	enum claro_status st;

	memset(&reg, 0, sizeof(reg));
	st = registry_load(&reg, cfg, flags, &err);
	if (st != CLARO_OK) {
		error_print(&err, stderr, "clarod");
		error_clear(&err);
		registry_free(&reg);
		return 1;
	}
	config_print_core(cfg, stdout);
	registry_print_config(&reg, stdout);
	registry_free(&reg);
	return 0;
}

static int serve(struct config *cfg, const struct options *o, unsigned flags)
{
	struct daemon d;
	struct error err = ERROR_INIT;
	enum claro_status st;

	st = daemon_init(&d, cfg, &err);
	if (st == CLARO_OK)
		st = daemon_load_plugins(&d, flags, &err);
	if (st == CLARO_OK)
		st = daemon_prepare_store(&d, &err);
	if (st == CLARO_OK)
		st = daemon_start(&d, o->port_file, &err);
	if (st != CLARO_OK) {
		error_print(&err, stderr, "clarod");
		error_clear(&err);
		daemon_free(&d);
		return 1;
	}
	st = daemon_run(&d);
	if (st == CLARO_ERR_TIMEOUT) {
		/* Handlers are still running on workers and use everything the
		 * daemon owns: leave without freeing it. */
		log_err("exiting with requests unanswered after shutdown_timeout");
		fflush(NULL);
		_exit(1);
	}
	daemon_free(&d);
	return st == CLARO_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct options o;
	struct config cfg;
	struct error err = ERROR_INIT;
	unsigned flags;
	int status;

	log_setup("clarod", CLARO_LOG_INFO);
	if (parse_options(argc, argv, &o, &status))
		return status;
	if (load_config(&cfg, &o, &err) != CLARO_OK) {
		error_print(&err, stderr, "clarod");
		error_clear(&err);
		return 1;
	}
	log_setup("clarod", (enum claro_log_level)cfg.log_level);
	flags = o.skip_broken ? REGISTRY_SKIP_BROKEN : 0;
	/* Before any plugin loads: init() may already fetch through the host,
	 * under the configured airgap, mirror and rate limit. */
	if (httpclient_init(&err) != CLARO_OK || updaters_configure_http(&cfg, &err) != CLARO_OK) {
		error_print(&err, stderr, "clarod");
		error_clear(&err);
		config_free(&cfg);
		return 1;
	}
	if (o.check_config) {
		status = check_config(&cfg, flags);
		config_free(&cfg);
		httpclient_cleanup();
		return status;
	}
	/* A client that hangs up must not kill the daemon mid-write. */
	signal(SIGPIPE, SIG_IGN);
	status = serve(&cfg, &o, flags);
	httpclient_cleanup();
	libevent_global_shutdown();
	return status;
}
