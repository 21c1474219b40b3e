/* claroctl: the claro command-line client. It talks to a clarod over the
 * HTTP API (--host) or runs the same library in-process (--local).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h> /* autoconf's */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include <claro/abi.h>

#include "apiclient.h"
#include "cmd_report.h"
#include "cmd_updaters.h"
#include "cmd_vercmp.h"
#include "config.h"
#include "error.h"
#include "image.h"
#include "index_local.h"
#include "log.h"
#include "registry.h"
#include "strutil.h"

#define DEFAULT_HOST "http://127.0.0.1:6060"

/* Exit statuses (documented in claroctl(1)). */
#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2

/* Options before the command, shared by all commands. */
struct globals {
	const char *host;       /* --host, else $CLARO_HOST, else DEFAULT_HOST */
	int host_given;         /* --host was on the command line */
	int local;              /* --local */
	const char *db;         /* --db */
	const char *config;     /* -c/--config */
	const char *plugin_dir; /* --plugin-dir */
};

struct command {
	const char *name;
	int (*run)(struct globals *g, int argc, char **argv);
	const char *summary; /* NULL: not available yet */
	const char *usage;
};

static const char *progname = "claroctl";

static int fail(const struct error *err)
{
	error_print(err, stderr, progname);
	return EXIT_FAILED;
}

static int usage_error(const char *message, const char *detail, const char *hint)
{
	struct error err = ERROR_INIT;

	error_set(&err, CLARO_ERR_INVALID, "%s", message);
	if (detail)
		error_detail(&err, "%s", detail);
	error_hint(&err, "%s", hint ? hint : "Run claroctl --help for the commands and options.");
	error_print(&err, stderr, progname);
	error_clear(&err);
	return EXIT_USAGE;
}

/* Reset getopt for a fresh argument vector. */
static void reset_getopt(void)
{
#ifdef __GLIBC__
	optind = 0;
#else
	optind = 1;
#endif
}

/* getopt's own message has been printed; add where to look. */
static int bad_option(const char *command)
{
	fprintf(stderr, "  hint: Run claroctl %s%s--help for the options.\n", command ? command : "",
		command ? " " : "");
	return EXIT_USAGE;
}

/* ---- configuration for --local and check-config --------------------------- */

/* Defaults, or -c FILE; then --db (the SQLite file, so backend = sqlite)
 * and --plugin-dir on top. */
static enum claro_status local_config(const struct globals *g, struct config *cfg, struct error *err)
{
	enum claro_status st = g->config ? config_load(cfg, g->config, err) : config_defaults(cfg, err);

	if (st != CLARO_OK)
		return st;
	if (g->db) {
		char *copy = str_dup(g->db);
		if (!copy)
			goto nomem;
		free(cfg->sqlite_path);
		cfg->sqlite_path = copy;
		cfg->backend = STORE_SQLITE;
	}
	if (g->plugin_dir) {
		char *copy = str_dup(g->plugin_dir);
		if (!copy)
			goto nomem;
		free(cfg->plugin_dir);
		cfg->plugin_dir = copy;
	}
	return CLARO_OK;
nomem:
	config_free(cfg);
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

/* ---- version ---------------------------------------------------------------- */

static int cmd_version(struct globals *g, int argc, char **argv)
{
	(void)g;
	if (argc > 1)
		return usage_error("too many arguments for \"version\"", "version takes no arguments.", NULL);
	(void)argv;
	printf("claroctl %s (plugin ABI %d.%d)\n", PACKAGE_VERSION, CLARO_ABI_MAJOR, CLARO_ABI_MINOR);
	return EXIT_OK;
}

/* ---- plugins ---------------------------------------------------------------- */

static const char *str_or(json_t *obj, const char *key, const char *fallback)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : fallback;
}

/* The document is GET /api/v1/plugins's, or registry_to_json's: the same
 * shape, and possibly from another program, so every field is checked. */
static int print_plugins(json_t *doc, FILE *fp)
{
	json_t *plugins = json_object_get(doc, "plugins"), *p;
	size_t i;

	if (!json_is_array(plugins)) {
		struct error err = ERROR_INIT;
		error_set(&err, CLARO_ERR_INVALID, "the plugin list has an unexpected shape");
		error_detail(&err, "The document has no \"plugins\" array.");
		error_hint(
		    &err,
		    "Check that --host points at clarod; claroctl plugins --json shows the raw answer.");
		fail(&err);
		error_clear(&err);
		return EXIT_FAILED;
	}
	if (json_array_size(plugins) == 0)
		fputs("no plugins loaded\n", fp);
	json_array_foreach(plugins, i, p)
	{
		json_t *components = json_object_get(p, "components"), *c;
		size_t j;

		fprintf(fp, "%s %s (%s, ABI %s)\n", str_or(p, "name", "?"), str_or(p, "version", "?"),
			str_or(p, "license", "no licence given"), str_or(p, "abi", "?"));
		if (json_string_value(json_object_get(p, "description")))
			fprintf(fp, "  %s\n", str_or(p, "description", ""));
		if (json_string_value(json_object_get(p, "path")))
			fprintf(fp, "  %s\n", str_or(p, "path", ""));
		json_array_foreach(components, j, c)
		{
			fprintf(fp, "    %-22s %-24s %s\n", str_or(c, "kind", "?"), str_or(c, "name", "?"),
				str_or(c, "version", ""));
		}
	}
	return EXIT_OK;
}

static int plugins_local(struct globals *g, json_t **doc, struct error *err)
{
	struct config cfg;
	struct registry reg;
	enum claro_status st;

	memset(&reg, 0, sizeof(reg));
	if ((st = local_config(g, &cfg, err)) != CLARO_OK)
		return st;
	st = registry_load(&reg, &cfg, 0, err);
	if (st == CLARO_OK) {
		*doc = registry_to_json(&reg);
		if (!*doc)
			st = error_set(err, CLARO_ERR_NOMEM, "out of memory listing plugins");
	}
	registry_free(&reg);
	config_free(&cfg);
	return st;
}

static int plugins_remote(struct globals *g, json_t **doc, struct error *err)
{
	struct api_client client;
	enum claro_status st = api_client_init(&client, g->host, err);

	if (st == CLARO_OK)
		st = api_get_json(&client, "/api/v1/plugins", doc, err);
	api_client_free(&client);
	return st;
}

static int cmd_plugins(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	struct error err = ERROR_INIT;
	json_t *doc = NULL;
	int json = 0, c, rc;

	reset_getopt();
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else
			return bad_option("plugins");
	}
	if (optind < argc)
		return usage_error("too many arguments for \"plugins\"", "plugins takes no arguments.", NULL);
	if ((g->local ? plugins_local(g, &doc, &err) : plugins_remote(g, &doc, &err)) != CLARO_OK) {
		rc = fail(&err);
		error_clear(&err);
		return rc;
	}
	if (json) {
		rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? EXIT_OK
											: EXIT_FAILED;
		putchar('\n');
	} else {
		rc = print_plugins(doc, stdout);
	}
	json_decref(doc);
	return rc;
}

/* ---- check-config ----------------------------------------------------------- */

static int cmd_check_config(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
					     {"no-plugins", no_argument, NULL, 'n'},
					     {NULL, 0, NULL, 0}};
	struct error err = ERROR_INIT;
	struct config cfg;
	struct registry reg;
	int no_plugins = 0, c;
	enum claro_status st;

	reset_getopt();
	while ((c = getopt_long(argc, argv, "+c:", opts, NULL)) != -1) {
		if (c == 'c')
			g->config = optarg;
		else if (c == 'n')
			no_plugins = 1;
		else
			return bad_option("check-config");
	}
	if (optind < argc)
		return usage_error("too many arguments for \"check-config\"",
				   "check-config reads the file named with -c FILE.", NULL);
	if (g->host_given)
		return usage_error("check-config does not use --host", "It reads the file on this machine.",
				   "Leave --host out.");
	if (local_config(g, &cfg, &err) != CLARO_OK) {
		fail(&err);
		error_clear(&err);
		return EXIT_FAILED;
	}
	if (no_plugins) {
		config_print(&cfg, stdout);
		config_free(&cfg);
		return EXIT_OK;
	}
	/* Load the plugins so their [plugin.<name>] sections are checked
	 * against the keys they declare, and printed with every default. */
	memset(&reg, 0, sizeof(reg));
	st = registry_load(&reg, &cfg, 0, &err);
	if (st == CLARO_OK) {
		config_print_core(&cfg, stdout);
		registry_print_config(&reg, stdout);
	}
	registry_free(&reg);
	config_free(&cfg);
	if (st != CLARO_OK) {
		fail(&err);
		error_clear(&err);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/* ---- manifest and index: image inputs ------------------------------------------ */

/* Parse the image options of manifest/index; returns -1 when fine, else an
 * exit status. optind is left at the first operand. */
static int image_options(int argc, char **argv, const char *command, struct image_options *o)
{
	static const struct option opts[] = {{"platform", required_argument, NULL, 'p'},
					     {"username", required_argument, NULL, 'u'},
					     {"password", required_argument, NULL, 'w'},
					     {"insecure", no_argument, NULL, 'k'},
					     {NULL, 0, NULL, 0}};
	int c;

	memset(o, 0, sizeof(*o));
	reset_getopt();
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o->platform = optarg; break;
		case 'u': o->username = optarg; break;
		case 'w': o->password = optarg; break;
		case 'k': o->insecure = 1; break;
		default: return bad_option(command);
		}
	}
	if (!o->password && getenv("CLARO_REGISTRY_PASSWORD"))
		o->password = getenv("CLARO_REGISTRY_PASSWORD");
	if (o->password && !o->username)
		return usage_error("--password needs --username",
				   "A registry password belongs to a user name.", "Add --username USER.");
	if (optind != argc - 1)
		return usage_error(optind >= argc ? "missing IMAGE" : "too many arguments",
				   "The command takes exactly one image.", NULL);
	return -1;
}

static int print_json(json_t *doc)
{
	int rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? EXIT_OK : EXIT_FAILED;

	putchar('\n');
	return fflush(stdout) == 0 ? rc : EXIT_FAILED;
}

static int cmd_manifest(struct globals *g, int argc, char **argv)
{
	struct image_options o;
	struct image img;
	struct error err = ERROR_INIT;
	int rc = image_options(argc, argv, "manifest", &o);

	(void)g;
	if (rc >= 0)
		return rc;
	if (str_has_prefix(argv[optind], "docker-archive:"))
		return usage_error(
		    "manifest does not take docker-archive images",
		    "Their layers are extracted to temporary files that are gone when claroctl exits, "
		    "so the manifest's URIs would point nowhere.",
		    "Use claroctl index for an archive, or copy it to a layout first "
		    "(skopeo copy docker-archive:FILE oci:DIR:TAG) and give oci:DIR:TAG.");
	if (image_resolve(argv[optind], &o, &img, &err) != CLARO_OK) {
		rc = fail(&err);
		error_clear(&err);
		return rc;
	}
	rc = print_json(img.manifest);
	image_free(&img);
	return rc;
}

/* In-process: this process's plugins and store (index_local.c). */
static int index_local(struct globals *g, struct image *img)
{
	struct error err = ERROR_INIT;
	struct config cfg;
	char *report = NULL;
	json_t *doc;
	enum claro_status st;
	int rc = EXIT_FAILED;

	if ((st = local_config(g, &cfg, &err)) == CLARO_OK) {
		st = index_local_run(&cfg, img->manifest, &report, &err);
		config_free(&cfg);
	}
	/* A failed index still has a report (state IndexError): show it. */
	if (report && (doc = json_loads(report, 0, NULL)) != NULL) {
		rc = print_json(doc);
		json_decref(doc);
	}
	free(report);
	if (st != CLARO_OK) {
		rc = fail(&err);
		error_clear(&err);
	}
	return rc;
}

static int index_remote(struct globals *g, struct image *img)
{
	struct api_client client;
	struct error err = ERROR_INIT;
	json_t *report = NULL;
	enum claro_status st = api_client_init(&client, g->host, &err);
	int rc;

	if (st == CLARO_OK)
		st = api_post_json(&client, "/indexer/api/v1/index_report", img->manifest, &report, &err);
	api_client_free(&client);
	if (st != CLARO_OK) {
		rc = fail(&err);
		error_clear(&err);
		return rc;
	}
	rc = print_json(report);
	json_decref(report);
	return rc;
}

static int cmd_index(struct globals *g, int argc, char **argv)
{
	struct image_options o;
	struct image img;
	struct error err = ERROR_INIT;
	int rc = image_options(argc, argv, "index", &o);

	if (rc >= 0)
		return rc;
	if (image_resolve(argv[optind], &o, &img, &err) != CLARO_OK) {
		rc = fail(&err);
		error_clear(&err);
		return rc;
	}
	rc = g->local ? index_local(g, &img) : index_remote(g, &img);
	image_free(&img); /* removes extracted layers */
	return rc;
}

/* ---- vercmp (cmd_vercmp.c) ----------------------------------------------------- */

/* local_config for commands implemented in other files. */
static enum claro_status local_config_cb(void *arg, struct config *cfg, struct error *err)
{
	return local_config(arg, cfg, err);
}

static int cmd_vercmp(struct globals *g, int argc, char **argv)
{
	if (g->host_given)
		return usage_error("vercmp does not use --host", "It compares versions in this process.",
				   "Leave --host out.");
	return vercmp_main(argc, argv, progname, local_config_cb, g);
}

/* ---- report (cmd_report.c) ---------------------------------------------------- */

static int cmd_report(struct globals *g, int argc, char **argv)
{
	struct report_source src = {g->local, g->host, local_config_cb, g, NULL};

	return report_main(argc, argv, progname, &src);
}

/* ---- updaters (cmd_updaters.c) ------------------------------------------------- */

static int cmd_updaters(struct globals *g, int argc, char **argv)
{
	if (g->host_given)
		return usage_error(
		    "updaters does not use --host",
		    "It works on the database of -c FILE (or --db) in this process, as clairctl "
		    "import-updaters does.",
		    "Leave --host out; give -c FILE for a PostgreSQL database.");
	return updaters_main(argc, argv, progname, local_config_cb, g);
}

/* ---- the command table ------------------------------------------------------- */

static int cmd_help(struct globals *g, int argc, char **argv);

static const struct command commands[] = {
    {"version", cmd_version, "print claroctl's version", "claroctl version\n"},
    {"plugins", cmd_plugins, "list the plugins and their components",
     "claroctl [--host URL | --local [-c FILE] [--plugin-dir DIR]] plugins [--json]\n"
     "\n"
     "With --host (the default): GET /api/v1/plugins from a running clarod.\n"
     "With --local: load the plugins in-process from the plugin directory\n"
     "(--plugin-dir, else plugin_dir of -c FILE, else the built-in directory).\n"
     "\n"
     "  --json   print the JSON document instead of the table\n"},
    {"check-config", cmd_check_config, "check a clarod.ini and print the effective configuration",
     "claroctl [--db PATH] check-config [-c FILE] [--no-plugins]\n"
     "\n"
     "Read FILE (without -c: $CLARO_CONF, else the built-in defaults), load\n"
     "the plugins it names so their [plugin.<name>] sections are checked\n"
     "against the keys they declare, and print the effective configuration\n"
     "as INI. Exit status 0 when the configuration is valid, 1 with an error\n"
     "naming file, line, section and key when it is not.\n"
     "\n"
     "  -c, --config FILE  the clarod.ini to check\n"
     "  --no-plugins       do not load plugins; print their sections as written\n"},
    {"help", cmd_help, "help on a command", "claroctl help [COMMAND]\n"},
    {"index", cmd_index, "index an image and print its IndexReport",
     "claroctl [--host URL | --local [--db PATH]] index [OPTIONS] IMAGE\n"
     "\n"
     "Resolve IMAGE to a Clair Manifest and index it: with --host (the\n"
     "default), POST it to clarod's /indexer/api/v1/index_report and print the\n"
     "IndexReport JSON; with --local, index in this process.\n"
     "\n" IMAGE_FORMS_USAGE "\n" IMAGE_OPTIONS_USAGE},
    {"report", cmd_report, "index an image and print its vulnerability report",
     REPORT_USAGE "\n" IMAGE_FORMS_USAGE "\n" IMAGE_OPTIONS_USAGE},
    {"manifest", cmd_manifest, "print the Clair Manifest JSON of an image",
     "claroctl manifest [OPTIONS] IMAGE\n"
     "\n"
     "Resolve IMAGE and print its Clair Manifest: the image manifest's digest\n"
     "and each layer's blob digest, the URL a fetch of it ends at (redirects\n"
     "followed with a one-byte probe) and the headers that fetch needs (e.g. a\n"
     "registry token). Registry images, oci: layouts and dir: trees; not\n"
     "docker-archive: (its extracted layers are temporary).\n"
     "\n" IMAGE_FORMS_USAGE "\n" IMAGE_OPTIONS_USAGE},
    {"vercmp", cmd_vercmp, "compare versions under a version scheme", VERCMP_USAGE},
    {"updaters", cmd_updaters, "run, inspect, export and import the vulnerability updaters", UPDATERS_USAGE},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_help(FILE *fp)
{
	size_t unavailable = 0;

	fputs("claroctl: the claro command-line client\n"
	      "\n"
	      "Usage: claroctl [--host URL | --local [--db PATH]] COMMAND [ARGS...]\n"
	      "\n"
	      "claroctl talks to a running clarod over its HTTP API (--host), or runs\n"
	      "the same code in-process on the embedded SQLite store (--local), e.g.\n"
	      "as a one-shot scanner in CI.\n"
	      "\n"
	      "Options (before the command):\n"
	      "  --host URL         clarod's API address (default $CLARO_HOST, else\n"
	      "                     " DEFAULT_HOST ")\n"
	      "  --local            no daemon: work in this process\n"
	      "  --db PATH          the SQLite database for --local and check-config (default\n"
	      "                     $XDG_DATA_HOME/claro/claro.db, else\n"
	      "                     ~/.local/share/claro/claro.db; the same as clarod's)\n"
	      "  -c, --config FILE  read clarod.ini for --local (plugin_dir, [store], plugins);\n"
	      "                     default $CLARO_CONF, as clarod\n"
	      "  --plugin-dir DIR   load plugins from DIR (--local)\n"
	      "  -D, --debug        log debug messages\n"
	      "  -q, --quiet        log errors only\n"
	      "  -h, --help         print this help (claroctl help COMMAND: a command's usage)\n"
	      "  -V, --version      print the version\n"
	      "\n"
	      "Commands:\n",
	      fp);
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (commands[i].summary)
			fprintf(fp, "  %-14s %s\n", commands[i].name, commands[i].summary);
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (commands[i].summary)
			continue;
		if (!unavailable++)
			fputs("\nNot available yet (they fail with an error until a later release):\n ", fp);
		fprintf(fp, " %s", commands[i].name);
	}
	if (unavailable)
		fputc('\n', fp);
	fputs("\nExamples:\n"
	      "  claroctl plugins                      ask the clarod on " DEFAULT_HOST "\n"
	      "  claroctl --local plugins              list the installed plugins\n"
	      "  claroctl check-config -c /etc/claro/clarod.ini\n"
	      "\n"
	      "Exit status: 0 success, 1 failure, 2 usage error. See claroctl(1).\n",
	      fp);
}

static int cmd_help(struct globals *g, int argc, char **argv)
{
	const struct command *cmd;

	(void)g;
	if (argc < 2) {
		print_help(stdout);
		return EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return usage_error("unknown command", NULL, NULL);
	if (!cmd->usage) {
		printf("claroctl %s: not available yet.\n", cmd->name);
		return EXIT_OK;
	}
	printf("Usage: %s", cmd->usage);
	return EXIT_OK;
}

static int unknown_command(const char *name)
{
	char *message = str_printf("unknown command \"%s\"", name), *hint = NULL;
	int rc;

	/* A prefix either way is the likely typo ("plugin", "check"). */
	for (size_t i = 0; i < N_COMMANDS && !hint; i++)
		if (*name &&
		    (str_has_prefix(commands[i].name, name) || str_has_prefix(name, commands[i].name)))
			hint = str_printf("Did you mean \"%s\"? Run claroctl --help for the list.",
					  commands[i].name);
	rc =
	    usage_error(message ? message : "unknown command", "claroctl has no command by that name.", hint);
	free(message);
	free(hint);
	return rc;
}

/* A command's own --help, before its option parser sees it. */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"host", required_argument, NULL, 'H'},
	    {"local", no_argument, NULL, 'L'},
	    {"db", required_argument, NULL, 'd'},
	    {"config", required_argument, NULL, 'c'},
	    {"plugin-dir", required_argument, NULL, 'P'},
	    {"debug", no_argument, NULL, 'D'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct globals g;
	const struct command *cmd;
	enum claro_log_level level = CLARO_LOG_WARNING;
	int c, rc;

	memset(&g, 0, sizeof(g));
	log_setup(progname, level);
	while ((c = getopt_long(argc, argv, "+c:DqhV", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			g.host = optarg;
			g.host_given = 1;
			break;
		case 'L': g.local = 1; break;
		case 'd': g.db = optarg; break;
		case 'c': g.config = optarg; break;
		case 'P': g.plugin_dir = optarg; break;
		case 'D': level = CLARO_LOG_DEBUG; break;
		case 'q': level = CLARO_LOG_ERROR; break;
		case 'h': print_help(stdout); return EXIT_OK;
		case 'V': return cmd_version(&g, 1, argv);
		default: return bad_option(NULL);
		}
	}
	log_setup(progname, level);
	if (g.host_given && g.local)
		return usage_error("--host and --local exclude each other",
				   "--host talks to a clarod; --local works without one.",
				   "Give one of the two.");
	if (g.host_given && (g.db || g.plugin_dir))
		return usage_error(g.db ? "--db needs --local" : "--plugin-dir needs --local",
				   "With --host the daemon uses its own database and plugins.",
				   "Add --local, or leave the option out.");
	if (!g.config && getenv("CLARO_CONF") && *getenv("CLARO_CONF"))
		g.config = getenv("CLARO_CONF"); /* as clarod reads it */
	if (!g.host)
		g.host = getenv("CLARO_HOST") && *getenv("CLARO_HOST") ? getenv("CLARO_HOST") : DEFAULT_HOST;
	if (!g.local && !str_has_prefix(g.host, "http://") && !str_has_prefix(g.host, "https://"))
		return usage_error("invalid clarod address",
				   "--host (or CLARO_HOST) is not an http:// or https:// URL.",
				   "Give a URL such as " DEFAULT_HOST ".");
	if (optind >= argc) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (!cmd)
		return unknown_command(argv[optind]);
	if (cmd->usage && cmd->run != cmd_help && wants_help(argc - optind, argv + optind)) {
		printf("Usage: %s", cmd->usage);
		return EXIT_OK;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		struct error err = ERROR_INIT;
		error_set(&err, CLARO_ERR_INTERNAL, "could not initialise libcurl");
		error_detail(&err, "curl_global_init failed.");
		error_hint(&err, "Check the libcurl installation.");
		return fail(&err);
	}
	rc = cmd->run(&g, argc - optind, argv + optind);
	curl_global_cleanup();
	return rc;
}
