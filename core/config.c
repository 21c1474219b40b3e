/* clarod.ini: reading (inih), defaults, validation and printing.
 *
 * inih does the INI splitting (sections, key = value, comments, BOM). It is
 * fed through ini_parse_stream() with a reader that hands it one physical
 * line at a time, so the line number of every key is known exactly even
 * with a libinih built without INI_HANDLER_LINENO (Debian's is). The reader
 * also rejects the line shapes inih would silently misread: indented lines
 * (inih's multi-line continuation), lines longer than inih's line buffer
 * (inih would split them), NUL bytes, and text after a section header.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h> /* autoconf's; "config.h" below is core/config.h */

#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <libpq-fe.h>

#include "log.h"
#include "strutil.h"

#ifndef CLARO_PLUGINDIR
#define CLARO_PLUGINDIR "/usr/local/lib/claro/plugins"
#endif

#define CONFIG_MAX_FILE    (1024 * 1024) /* a configuration file past this is a mistake */
#define CONFIG_MAX_WORKERS 1024
#define CONFIG_MIN_BODY    1024
#define CONFIG_MAX_TIMEOUT 86400 /* shutdown_timeout: one day */
#define CONFIG_MAX_NAME    63    /* plugin names, as REGISTRY_MAX_NAME */
#define CONFIG_MASK        "****"

#define DEFAULT_API_ADDR           "127.0.0.1:6060"
#define DEFAULT_INTROSPECTION_ADDR "127.0.0.1:8089"
#define DEFAULT_MAX_BODY           (16ull * 1024 * 1024)
#define DEFAULT_SHUTDOWN_TIMEOUT   10
#define SYSTEM_DB_PATH             "/var/lib/claro/claro.db"

enum section_kind {
	SECTION_NONE = 0,
	SECTION_CLAROD,
	SECTION_STORE,
	SECTION_PLUGINS,
	SECTION_PLUGIN,
	SECTION_UPDATERS,
	SECTION_UPDATER
};

#define DEFAULT_UPDATER_PERIOD      (6 * 3600)
#define DEFAULT_UPDATER_JITTER      60
#define DEFAULT_UPDATER_CONCURRENCY 4
#define DEFAULT_UPDATER_RETENTION   10
#define DEFAULT_UPDATER_RATE_LIMIT  10.0
#define MIN_UPDATER_PERIOD          60
#define MAX_UPDATER_NAME            256

/* One conninfo.<keyword> = value line of [store]. */
struct conn_pair {
	char *keyword;
	char *value;
	int line;
};

struct key_def;

/* Everything one config_load() call needs while inih runs. */
struct parse_ctx {
	struct config *cfg;
	const char *path;
	struct error *err;
	int failed;

	const char *text; /* the whole file */
	size_t len, pos;
	int line; /* the line last handed to inih */

	enum section_kind kind; /* the section that line is in */
	char *section;          /* its name, as written */
	struct config_section *plugin_section;
	int clarod_line, store_line, plugins_line; /* header lines, 0 = not seen */
	int updaters_line;
	struct config_updater *updater_section; /* the [updater.<name>] being read */
	int updater_enabled_line, updater_period_line;

	int *key_lines; /* per core key: line it was set on, 0 = not set */
	int backend_line;

	char *conninfo; /* conninfo = <DSN/URI> */
	struct conn_pair *pairs;
	size_t n_pairs;
	PQconninfoOption *pq_keywords; /* libpq's keywords, for validation */
};

typedef enum claro_status (*key_setter)(struct parse_ctx *pc, const struct key_def *def, const char *value);
typedef void (*key_printer)(const struct config *cfg, FILE *fp);

/* A core key: the public description plus how to set and print it. */
struct key_def {
	struct config_key pub;
	int allow_empty; /* "" is a meaningful value */
	key_setter set;
	key_printer print; /* NULL: printed by its section's own code */
};

/* ---- small helpers ------------------------------------------------------ */

static const char *section_label(const struct parse_ctx *pc)
{
	return pc->section ? pc->section : "";
}

static int is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_plugin_name(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!is_name_char((unsigned char)s[n]))
			return 0;
	return n > 0 && n <= CONFIG_MAX_NAME;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[65];

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The candidate within edit distance 2 of name, if any (the closest). */
static const char *closest(const char *name, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(name, candidates[i]);
		if (d < best_d && d < strlen(candidates[i])) {
			best = candidates[i];
			best_d = d;
		}
	}
	return best;
}

/* Set err to CLARO_ERR_CONFIG with "FILE:LINE: " before the detail. */
static enum claro_status fail_at(struct parse_ctx *pc, int line, const char *hint, const char *message,
				 const char *detail_fmt, ...) CLARO_PRINTF(5, 6);
static enum claro_status fail_at(struct parse_ctx *pc, int line, const char *hint, const char *message,
				 const char *detail_fmt, ...)
{
	va_list ap;
	char *detail;

	va_start(ap, detail_fmt);
	detail = str_vprintf(detail_fmt, ap);
	va_end(ap);
	pc->failed = 1;
	if (!detail)
		return error_set(pc->err, CLARO_ERR_NOMEM, "out of memory reading configuration file \"%s\"",
				 pc->path);
	error_set(pc->err, CLARO_ERR_CONFIG, "%s", message);
	error_detail(pc->err, "%s:%d: %s", pc->path, line, detail);
	if (hint)
		error_hint(pc->err, "%s", hint);
	free(detail);
	return CLARO_ERR_CONFIG;
}

static enum claro_status fail_nomem(struct parse_ctx *pc)
{
	pc->failed = 1;
	return error_set(pc->err, CLARO_ERR_NOMEM, "out of memory reading configuration file \"%s\"",
			 pc->path);
}

/* "invalid value for "<key>" in section [<section>]" */
static enum claro_status bad_value(struct parse_ctx *pc, const struct key_def *def, const char *hint,
				   const char *detail_fmt, ...) CLARO_PRINTF(4, 5);
static enum claro_status bad_value(struct parse_ctx *pc, const struct key_def *def, const char *hint,
				   const char *detail_fmt, ...)
{
	va_list ap;
	char *detail, *message;
	enum claro_status st;

	va_start(ap, detail_fmt);
	detail = str_vprintf(detail_fmt, ap);
	va_end(ap);
	message = str_printf("invalid value for \"%s\" in section [%s]", def->pub.name, def->pub.section);
	if (!detail || !message) {
		free(detail);
		free(message);
		return fail_nomem(pc);
	}
	st = fail_at(pc, pc->line, hint, message, "%s", detail);
	free(detail);
	free(message);
	return st;
}

static enum claro_status replace_str(struct parse_ctx *pc, char **slot, const char *value)
{
	char *copy = str_dup(value);

	if (!copy)
		return fail_nomem(pc);
	free(*slot);
	*slot = copy;
	return CLARO_OK;
}

static void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* ---- values ------------------------------------------------------------- */

static const char *const mode_names[] = {[MODE_COMBO] = "combo",
					 [MODE_INDEXER] = "indexer",
					 [MODE_MATCHER] = "matcher",
					 [MODE_NOTIFIER] = "notifier"};

const char *config_mode_name(enum run_mode mode)
{
	if ((unsigned)mode >= sizeof(mode_names) / sizeof(mode_names[0]))
		return "unknown";
	return mode_names[mode];
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

enum claro_status config_split_addr(const char *addr, char **host, unsigned *port)
{
	const char *colon = strrchr(addr, ':');
	const char *h = addr, *port_text;
	size_t hlen, plen;
	uint64_t p = 0;

	if (!colon)
		return CLARO_ERR_INVALID;
	port_text = colon + 1;
	plen = strlen(port_text);
	if (!all_digits(port_text, plen) || plen > 5)
		return CLARO_ERR_INVALID;
	for (size_t i = 0; i < plen; i++)
		p = p * 10 + (uint64_t)(port_text[i] - '0');
	if (p > 65535)
		return CLARO_ERR_INVALID;
	hlen = (size_t)(colon - addr);
	if (hlen > 0 && addr[0] == '[') {
		/* [IPv6]:port */
		if (hlen < 3 || addr[hlen - 1] != ']')
			return CLARO_ERR_INVALID;
		h = addr + 1;
		hlen -= 2;
	}
	for (size_t i = 0; i < hlen; i++) {
		unsigned char c = (unsigned char)h[i];
		if (c <= ' ' || c == '/' || c == '[' || c == ']' || c >= 0x7f || (c == ':' && h == addr))
			return CLARO_ERR_INVALID;
	}
	if (host) {
		*host = str_ndup(h, hlen);
		if (!*host)
			return CLARO_ERR_NOMEM;
	}
	if (port)
		*port = (unsigned)p;
	return CLARO_OK;
}

/* Sizes print in the largest binary unit that divides them: 16777216 -> 16M. */
static void print_size(FILE *fp, uint64_t v)
{
	static const struct {
		uint64_t unit;
		char suffix;
	} units[] = {{1ull << 30, 'G'}, {1ull << 20, 'M'}, {1ull << 10, 'k'}};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (v != 0 && v % units[i].unit == 0) {
			fprintf(fp, "%" PRIu64 "%c", v / units[i].unit, units[i].suffix);
			return;
		}
	}
	fprintf(fp, "%" PRIu64, v);
}

/* Durations print as parse_duration reads them: 5400 -> 1h30m. */
static void print_duration(FILE *fp, int64_t seconds)
{
	static const struct {
		int64_t unit;
		char suffix;
	} units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};

	if (seconds <= 0) {
		fputs("0s", fp);
		return;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (seconds >= units[i].unit) {
			fprintf(fp, "%" PRId64 "%c", seconds / units[i].unit, units[i].suffix);
			seconds %= units[i].unit;
		}
	}
}

/* Keys whose values are secrets in plugin sections: password, api_token, ... */
static int is_secret_key(const char *key)
{
	return str_has_suffix(key, "password") || str_has_suffix(key, "token") ||
	       str_has_suffix(key, "secret");
}

/* ---- [clarod] ----------------------------------------------------------- */

static enum claro_status set_mode(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (strcmp(value, mode_names[i]) == 0) {
			pc->cfg->mode = (enum run_mode)i;
			return CLARO_OK;
		}
	}
	return bad_value(pc, def,
			 "Set mode to combo (every service in one process), indexer, matcher or notifier.",
			 "\"%s\" is not one of combo, indexer, matcher, notifier.", value);
}

static enum claro_status set_addr(struct parse_ctx *pc, const struct key_def *def, const char *value,
				  char **slot)
{
	enum claro_status st;

	if (def->allow_empty && *value == '\0')
		return replace_str(pc, slot, value);
	st = config_split_addr(value, NULL, NULL);
	if (st == CLARO_ERR_NOMEM)
		return fail_nomem(pc);
	if (st != CLARO_OK)
		return bad_value(pc, def,
				 "Write host:port, e.g. 127.0.0.1:6060, [::1]:6060, or :6060 for every "
				 "interface; port 0 picks a free port.",
				 "\"%s\" is not a host:port address.", value);
	return replace_str(pc, slot, value);
}

static enum claro_status set_api_addr(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	return set_addr(pc, def, value, &pc->cfg->api_addr);
}

static enum claro_status set_introspection_addr(struct parse_ctx *pc, const struct key_def *def,
						const char *value)
{
	return set_addr(pc, def, value, &pc->cfg->introspection_addr);
}

static enum claro_status set_plugin_dir(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	(void)def;
	return replace_str(pc, &pc->cfg->plugin_dir, value);
}

static enum claro_status set_log_level(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	int level = log_level_parse(value);

	if (level < 0)
		return bad_value(pc, def, "Set log_level to error, warning, notice, info or debug.",
				 "\"%s\" is not one of error, warning, notice, info, debug.", value);
	pc->cfg->log_level = level;
	return CLARO_OK;
}

/* An integer in [lo, hi]. */
static enum claro_status parse_int_in(struct parse_ctx *pc, const struct key_def *def, const char *value,
				      int64_t lo, int64_t hi, const char *hint, int64_t *out)
{
	enum claro_status st = parse_int64(value, out);

	if (st == CLARO_ERR_INVALID)
		return bad_value(pc, def, hint, "\"%s\" is not an integer.", value);
	if (st != CLARO_OK || *out < lo || *out > hi)
		return bad_value(pc, def, hint,
				 "%s is out of range: %s must be between %" PRId64 " and %" PRId64 ".", value,
				 def->pub.name, lo, hi);
	return CLARO_OK;
}

static enum claro_status set_workers(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	int64_t v;
	enum claro_status st =
	    parse_int_in(pc, def, value, 0, CONFIG_MAX_WORKERS,
			 "Set workers to a number of threads, or 0 for two per CPU core.", &v);

	if (st == CLARO_OK)
		pc->cfg->workers = (int)v;
	return st;
}

static enum claro_status set_max_concurrent(struct parse_ctx *pc, const struct key_def *def,
					    const char *value)
{
	int64_t v;
	enum claro_status st =
	    parse_int_in(pc, def, value, INT_MIN, INT_MAX,
			 "Set max_concurrent_requests to a number, 0 for four per CPU core, or "
			 "-1 for no limit.",
			 &v);

	if (st == CLARO_OK)
		pc->cfg->max_concurrent_requests = (int)v;
	return st;
}

static enum claro_status set_max_body(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	static const char hint[] = "Write a size in bytes with an optional k, M or G suffix, e.g. 16M.";
	uint64_t v;
	enum claro_status st = parse_size(value, &v);

	if (st == CLARO_ERR_INVALID)
		return bad_value(pc, def, hint, "\"%s\" is not a size.", value);
	if (st != CLARO_OK || v < CONFIG_MIN_BODY || v > SIZE_MAX)
		return bad_value(pc, def, hint, "%s is out of range: max_body must be at least 1k.", value);
	pc->cfg->max_body = v;
	return CLARO_OK;
}

static enum claro_status set_shutdown_timeout(struct parse_ctx *pc, const struct key_def *def,
					      const char *value)
{
	static const char hint[] = "Write a duration such as 10s, 2m or 1h30m.";
	int64_t v;
	enum claro_status st = parse_duration(value, &v);

	if (st == CLARO_ERR_INVALID)
		return bad_value(pc, def, hint, "\"%s\" is not a duration.", value);
	if (st != CLARO_OK || v > CONFIG_MAX_TIMEOUT)
		return bad_value(pc, def, hint, "%s is out of range: shutdown_timeout must be at most 1d.",
				 value);
	pc->cfg->shutdown_timeout = v;
	return CLARO_OK;
}

static enum claro_status set_debug_routes(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	int v;

	if (parse_bool(value, &v) != CLARO_OK)
		return bad_value(pc, def, "Write true or false (yes/no, on/off and 1/0 work too).",
				 "\"%s\" is not a boolean.", value);
	pc->cfg->debug_routes = v;
	return CLARO_OK;
}

static void print_mode(const struct config *cfg, FILE *fp)
{
	fputs(config_mode_name(cfg->mode), fp);
}

static void print_api_addr(const struct config *cfg, FILE *fp)
{
	fputs(cfg->api_addr, fp);
}

static void print_introspection_addr(const struct config *cfg, FILE *fp)
{
	fputs(cfg->introspection_addr, fp);
}

static void print_plugin_dir(const struct config *cfg, FILE *fp)
{
	fputs(cfg->plugin_dir, fp);
}

static void print_log_level(const struct config *cfg, FILE *fp)
{
	fputs(log_level_name((enum claro_log_level)cfg->log_level), fp);
}

static void print_workers(const struct config *cfg, FILE *fp)
{
	fprintf(fp, "%d", cfg->workers);
}

static void print_max_body(const struct config *cfg, FILE *fp)
{
	print_size(fp, cfg->max_body);
}

static void print_max_concurrent(const struct config *cfg, FILE *fp)
{
	fprintf(fp, "%d", cfg->max_concurrent_requests);
}

static void print_shutdown_timeout(const struct config *cfg, FILE *fp)
{
	print_duration(fp, cfg->shutdown_timeout);
}

static void print_debug_routes(const struct config *cfg, FILE *fp)
{
	fputs(cfg->debug_routes ? "true" : "false", fp);
}

static enum claro_status set_airgap(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	int v;

	if (parse_bool(value, &v) != CLARO_OK)
		return bad_value(pc, def, "Write true or false (yes/no, on/off and 1/0 work too).",
				 "\"%s\" is not a boolean.", value);
	pc->cfg->airgap = v;
	return CLARO_OK;
}

static void print_airgap(const struct config *cfg, FILE *fp)
{
	fputs(cfg->airgap ? "true" : "false", fp);
}

/* ---- [store] ------------------------------------------------------------ */

static enum claro_status set_backend(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	if (strcmp(value, "sqlite") == 0)
		pc->cfg->backend = STORE_SQLITE;
	else if (strcmp(value, "postgres") == 0)
		pc->cfg->backend = STORE_POSTGRES;
	else
		return bad_value(pc, def,
				 "Set backend to sqlite (one file, one machine) or postgres (shared by many "
				 "clarod processes).",
				 "\"%s\" is not one of sqlite, postgres.", value);
	pc->backend_line = pc->line;
	return CLARO_OK;
}

static enum claro_status set_sqlite_path(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	(void)def;
	return replace_str(pc, &pc->cfg->sqlite_path, value);
}

static enum claro_status set_conninfo(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	char *errmsg = NULL;
	PQconninfoOption *opts = PQconninfoParse(value, &errmsg);
	enum claro_status st;

	if (!opts) {
		if (!errmsg)
			return fail_nomem(pc);
		/* libpq's message ends with a newline */
		errmsg[strcspn(errmsg, "\n")] = '\0';
		st = bad_value(pc, def,
			       "Write a libpq connection string (host=db dbname=claro) or URI "
			       "(postgresql://user@db/claro); a plain database name goes in conninfo.dbname.",
			       "libpq cannot parse it: %s.", errmsg);
		PQfreemem(errmsg);
		return st;
	}
	PQconninfoFree(opts);
	return replace_str(pc, &pc->conninfo, value);
}

static void print_backend(const struct config *cfg, FILE *fp)
{
	fputs(cfg->backend == STORE_POSTGRES ? "postgres" : "sqlite", fp);
}

static void print_sqlite_path(const struct config *cfg, FILE *fp)
{
	fputs(cfg->sqlite_path, fp);
}

/* ---- [plugins] ---------------------------------------------------------- */

static enum claro_status set_plugins_load(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	static const char hint[] = "List plugin names separated by spaces or commas, e.g. load = dpkg rpm "
				   "alpine, or load = * for every plugin in plugin_dir.";
	static const char seps[] = " \t,";
	char **names = NULL;
	size_t n = 0;
	const char *p = value;

	free_strv(pc->cfg->plugins_load);
	pc->cfg->plugins_load = NULL;
	if (strcmp(value, "*") == 0)
		return CLARO_OK;
	while (*(p += strspn(p, seps))) {
		size_t len = strcspn(p, seps);
		char *name = str_ndup(p, len), **grown;

		if (!name)
			goto nomem;
		if (!is_plugin_name(name)) {
			bad_value(pc, def, hint,
				  "\"%s\" is not a plugin name (lower-case letters, digits and "
				  "underscores, at most %d).",
				  name, CONFIG_MAX_NAME);
			free(name);
			goto fail;
		}
		for (size_t i = 0; i < n; i++) {
			if (strcmp(names[i], name) == 0) {
				bad_value(pc, def, hint, "\"%s\" is listed twice.", name);
				free(name);
				goto fail;
			}
		}
		grown = realloc(names, (n + 2) * sizeof(*names));
		if (!grown) {
			free(name);
			goto nomem;
		}
		names = grown;
		names[n++] = name;
		names[n] = NULL;
		p += len;
	}
	if (n == 0) {
		bad_value(pc, def, hint, "The list is empty.");
		goto fail;
	}
	pc->cfg->plugins_load = names;
	return CLARO_OK;
nomem:
	fail_nomem(pc);
fail:
	if (names)
		names[n] = NULL;
	free_strv(names);
	return pc->err->status;
}

static void print_plugins_load(const struct config *cfg, FILE *fp)
{
	if (!cfg->plugins_load) {
		fputc('*', fp);
		return;
	}
	for (char **p = cfg->plugins_load; *p; p++)
		fprintf(fp, "%s%s", p == cfg->plugins_load ? "" : " ", *p);
}

/* ---- [updaters] ---------------------------------------------------------- */

/* Words separated by blanks or commas, each checked by valid(); "*" (when
 * star_means_all) or "" gives NULL. */
static enum claro_status set_word_list(struct parse_ctx *pc, const struct key_def *def, const char *value,
				       int star_means_all, int (*valid)(const char *), const char *what,
				       const char *hint, char ***slot)
{
	static const char seps[] = " \t,";
	char **words = NULL;
	size_t n = 0;
	const char *p = value;

	free_strv(*slot);
	*slot = NULL;
	if (star_means_all && strcmp(value, "*") == 0)
		return CLARO_OK;
	while (*(p += strspn(p, seps))) {
		size_t len = strcspn(p, seps);
		char *word = str_ndup(p, len), **grown;

		if (!word)
			goto nomem;
		if (!valid(word)) {
			bad_value(pc, def, hint, "\"%s\" is not %s.", word, what);
			free(word);
			goto fail;
		}
		grown = realloc(words, (n + 2) * sizeof(*words));
		if (!grown) {
			free(word);
			goto nomem;
		}
		words = grown;
		words[n++] = word;
		words[n] = NULL;
		p += len;
	}
	*slot = words;
	return CLARO_OK;
nomem:
	fail_nomem(pc);
fail:
	if (words)
		words[n] = NULL;
	free_strv(words);
	return pc->err->status;
}

static int is_set_name(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if (!is_name_char((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return 0;
	return n > 0 && n <= CONFIG_MAX_NAME;
}

/* A fnmatch(3) pattern of updater names: printable, no blanks. */
static int is_pattern(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return n > 0 && n <= MAX_UPDATER_NAME && fnmatch(s, "", 0) != -1;
}

static enum claro_status set_bool(struct parse_ctx *pc, const struct key_def *def, const char *value,
				  int *slot)
{
	if (parse_bool(value, slot) != CLARO_OK)
		return bad_value(pc, def, "Write true or false (yes/no, on/off and 1/0 work too).",
				 "\"%s\" is not a boolean.", value);
	return CLARO_OK;
}

static enum claro_status set_updaters_enabled(struct parse_ctx *pc, const struct key_def *def,
					      const char *value)
{
	return set_bool(pc, def, value, &pc->cfg->updaters.enabled);
}

static enum claro_status set_updater_sets(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	return set_word_list(
	    pc, def, value, 1, is_set_name, "an updater set name",
	    "List updater-set component names (claroctl plugins shows them), e.g. sets = alpine "
	    "debian, or sets = * for all.",
	    &pc->cfg->updaters.sets);
}

static enum claro_status set_updater_skip(struct parse_ctx *pc, const struct key_def *def, const char *value)
{
	return set_word_list(
	    pc, def, value, 0, is_pattern, "an updater name pattern",
	    "List updater names or fnmatch(3) patterns separated by blanks, e.g. skip = osv/* "
	    "alpine-*-v3.1?-updater.",
	    &pc->cfg->updaters.skip);
}

/* A duration in [lo, hi] seconds. */
static enum claro_status duration_in(struct parse_ctx *pc, const struct key_def *def, const char *value,
				     int64_t lo, int64_t hi, int64_t *slot)
{
	static const char hint[] = "Write a duration such as 90s, 30m, 6h or 1d.";
	int64_t v;
	enum claro_status st = parse_duration(value, &v);

	if (st == CLARO_ERR_INVALID)
		return bad_value(pc, def, hint, "\"%s\" is not a duration.", value);
	if (st != CLARO_OK || v < lo || v > hi)
		return bad_value(pc, def, hint,
				 "%s is out of range: %s must be between %" PRId64 "s and %" PRId64 "s.",
				 value, def->pub.name, lo, hi);
	*slot = v;
	return CLARO_OK;
}

static enum claro_status set_updater_period(struct parse_ctx *pc, const struct key_def *def,
					    const char *value)
{
	return duration_in(pc, def, value, MIN_UPDATER_PERIOD, 366 * 86400, &pc->cfg->updaters.period);
}

static enum claro_status set_updater_jitter(struct parse_ctx *pc, const struct key_def *def,
					    const char *value)
{
	return duration_in(pc, def, value, 0, 86400, &pc->cfg->updaters.jitter);
}

static enum claro_status set_updater_concurrency(struct parse_ctx *pc, const struct key_def *def,
						 const char *value)
{
	int64_t v;
	enum claro_status st = parse_int_in(
	    pc, def, value, 1, 256, "Set concurrency to the number of updaters run at once, 1 to 256.", &v);

	if (st == CLARO_OK)
		pc->cfg->updaters.concurrency = (int)v;
	return st;
}

static enum claro_status set_updater_retention(struct parse_ctx *pc, const struct key_def *def,
					       const char *value)
{
	static const char hint[] = "Set retention to the update operations kept per updater (2 or more; "
				   "Clair keeps 10), or 0 to turn garbage collection off.";
	int64_t v;
	enum claro_status st = parse_int_in(pc, def, value, 0, 100000, hint, &v);

	if (st == CLARO_OK && v == 1)
		return bad_value(
		    pc, def, hint,
		    "1 would keep no previous operation to compare with (the notifier needs two).");
	if (st == CLARO_OK)
		pc->cfg->updaters.retention = (int)v;
	return st;
}

static enum claro_status set_updater_rate_limit(struct parse_ctx *pc, const struct key_def *def,
						const char *value)
{
	static const char hint[] =
	    "Set rate_limit to requests per second per host, e.g. 10 or 0.5; 0 for no limit.";
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (!end || *end || end == value || errno || !isfinite(v) || v < 0 || v > 100000)
		return bad_value(pc, def, hint, "\"%s\" is not a number between 0 and 100000.", value);
	pc->cfg->updaters.rate_limit = v;
	return CLARO_OK;
}

static enum claro_status set_updater_mirror_dir(struct parse_ctx *pc, const struct key_def *def,
						const char *value)
{
	(void)def;
	free(pc->cfg->updaters.mirror_dir);
	pc->cfg->updaters.mirror_dir = NULL;
	return *value ? replace_str(pc, &pc->cfg->updaters.mirror_dir, value) : CLARO_OK;
}

static void print_words(char **words, const char *none, FILE *fp)
{
	if (!words) {
		fputs(none, fp);
		return;
	}
	for (char **p = words; *p; p++)
		fprintf(fp, "%s%s", p == words ? "" : " ", *p);
}

static void print_updaters_enabled(const struct config *cfg, FILE *fp)
{
	fputs(cfg->updaters.enabled ? "true" : "false", fp);
}

static void print_updater_sets(const struct config *cfg, FILE *fp)
{
	print_words(cfg->updaters.sets, "*", fp);
}

static void print_updater_skip(const struct config *cfg, FILE *fp)
{
	print_words(cfg->updaters.skip, "", fp);
}

static void print_updater_period(const struct config *cfg, FILE *fp)
{
	print_duration(fp, cfg->updaters.period);
}

static void print_updater_jitter(const struct config *cfg, FILE *fp)
{
	print_duration(fp, cfg->updaters.jitter);
}

static void print_updater_concurrency(const struct config *cfg, FILE *fp)
{
	fprintf(fp, "%d", cfg->updaters.concurrency);
}

static void print_updater_retention(const struct config *cfg, FILE *fp)
{
	fprintf(fp, "%d", cfg->updaters.retention);
}

static void print_updater_rate_limit(const struct config *cfg, FILE *fp)
{
	fprintf(fp, "%g", cfg->updaters.rate_limit);
}

static void print_updater_mirror_dir(const struct config *cfg, FILE *fp)
{
	fputs(cfg->updaters.mirror_dir ? cfg->updaters.mirror_dir : "", fp);
}

/* ---- the key table -------------------------------------------------------- */

static const struct key_def key_table[] = {
    {{"clarod", "mode", "combo|indexer|matcher|notifier", "combo",
      "Which services this process runs; combo runs all of them."},
     0,
     set_mode,
     print_mode},
    {{"clarod", "api_addr", "host:port", DEFAULT_API_ADDR,
      "Address of the HTTP API (Clair v4 compatible); port 0 picks a free port."},
     0,
     set_api_addr,
     print_api_addr},
    {{"clarod", "introspection_addr", "host:port", DEFAULT_INTROSPECTION_ADDR,
      "Address of the health and metrics listener; empty disables it."},
     1,
     set_introspection_addr,
     print_introspection_addr},
    {{"clarod", "plugin_dir", "path", NULL, "Directory plugins are loaded from."},
     0,
     set_plugin_dir,
     print_plugin_dir},
    {{"clarod", "log_level", "error|warning|notice|info|debug", "info", "Least severe level logged."},
     0,
     set_log_level,
     print_log_level},
    {{"clarod", "workers", "integer", "0", "Worker threads; 0 means two per CPU core."},
     0,
     set_workers,
     print_workers},
    {{"clarod", "max_body", "size", "16M", "Largest request body accepted (413 beyond it)."},
     0,
     set_max_body,
     print_max_body},
    {{"clarod", "max_concurrent_requests", "integer", "0",
      "Requests in flight on the API listener before 429; 0 means four per CPU core, negative no limit."},
     0,
     set_max_concurrent,
     print_max_concurrent},
    {{"clarod", "shutdown_timeout", "duration", "10s",
      "How long SIGTERM waits for requests in flight before closing."},
     0,
     set_shutdown_timeout,
     print_shutdown_timeout},
    {{"clarod", "debug_routes", "boolean", "false",
      "TEST ONLY: adds POST /debug/sleep, which lets any client hold a worker; never in production."},
     0,
     set_debug_routes,
     print_debug_routes},
    {{"clarod", "airgap", "boolean", "false",
      "Outbound HTTP (plugins' feeds, registries) only to loopback, private and link-local addresses."},
     0,
     set_airgap,
     print_airgap},
    {{"store", "backend", "sqlite|postgres", "sqlite", "Which database holds claro's data."},
     0,
     set_backend,
     print_backend},
    {{"store", "path", "path", NULL, "SQLite database file (backend = sqlite); --db overrides it."},
     0,
     set_sqlite_path,
     print_sqlite_path},
    {{"store", "conninfo", "libpq connection string or URI", NULL,
      "PostgreSQL connection (backend = postgres), passed to PQconnectdbParams."},
     0,
     set_conninfo,
     NULL},
    {{"store", "conninfo.<keyword>", "string", NULL,
      "One libpq connection keyword (host, port, dbname, user, ...); overrides conninfo."},
     0,
     NULL,
     NULL},
    {{"plugins", "load", "names|*", "*", "Plugins to load, by name; * loads every plugin in plugin_dir."},
     0,
     set_plugins_load,
     print_plugins_load},
    {{"updaters", "enabled", "boolean", "true", "Run the updaters in combo and matcher mode."},
     0,
     set_updaters_enabled,
     print_updaters_enabled},
    {{"updaters", "sets", "names|*", "*",
      "Updater sets (plugin components) to run; * runs every loaded one."},
     0,
     set_updater_sets,
     print_updater_sets},
    {{"updaters", "skip", "patterns", "", "Updater names or fnmatch(3) patterns never run."},
     1,
     set_updater_skip,
     print_updater_skip},
    {{"updaters", "period", "duration", "6h", "Time between update rounds (at least 1m)."},
     0,
     set_updater_period,
     print_updater_period},
    {{"updaters", "jitter", "duration", "1m", "Up to this much is added at random to each wait."},
     0,
     set_updater_jitter,
     print_updater_jitter},
    {{"updaters", "concurrency", "integer", "4", "Updaters running at once."},
     0,
     set_updater_concurrency,
     print_updater_concurrency},
    {{"updaters", "retention", "integer", "10", "Update operations kept per updater; 0 turns GC off."},
     0,
     set_updater_retention,
     print_updater_retention},
    {{"updaters", "rate_limit", "number", "10", "HTTP requests per second per host; 0 for no limit."},
     0,
     set_updater_rate_limit,
     print_updater_rate_limit},
    {{"updaters", "mirror_dir", "path", "",
      "Air-gapped mirror: every URL is read from <mirror_dir>/<host>/<path>; empty fetches from the "
      "network."},
     1,
     set_updater_mirror_dir,
     print_updater_mirror_dir},
};

#define N_KEYS (sizeof(key_table) / sizeof(key_table[0]))

size_t config_known_key_count(void)
{
	return N_KEYS;
}

const struct config_key *config_known_key(size_t i)
{
	return i < N_KEYS ? &key_table[i].pub : NULL;
}

static const char *const section_names[] = {"clarod", "store", "plugins", "updaters"};

static const char *kind_name(enum section_kind kind)
{
	switch (kind) {
	case SECTION_CLAROD: return "clarod";
	case SECTION_STORE: return "store";
	case SECTION_PLUGINS: return "plugins";
	case SECTION_UPDATERS: return "updaters";
	default: return "";
	}
}

/* ---- defaults and freeing ------------------------------------------------ */

static char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && home[0] == '/')
		return str_dup(home);
	pw = getpwuid(getuid());
	if (pw && pw->pw_dir && pw->pw_dir[0] == '/')
		return str_dup(pw->pw_dir);
	return NULL;
}

/* dir without trailing slashes (but "/" stays "/"), then "/rest". */
static char *join_path(const char *dir, const char *rest)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return str_printf("%.*s/%s", (int)n, dir, rest);
}

char *config_default_db_path(void)
{
	const char *system = getenv("CLARO_SYSTEM");
	const char *xdg = getenv("XDG_DATA_HOME");
	char *home, *path;

	if ((system && strcmp(system, "1") == 0) || (getenv("INVOCATION_ID") && getuid() == 0))
		return str_dup(SYSTEM_DB_PATH);
	/* The XDG base directory spec ignores relative paths. */
	if (xdg && xdg[0] == '/')
		return join_path(xdg, "claro/claro.db");
	home = home_dir();
	if (!home)
		return str_dup(SYSTEM_DB_PATH);
	path = join_path(home, ".local/share/claro/claro.db");
	free(home);
	return path;
}

enum claro_status config_ensure_parent_dir(const char *path, struct error *err)
{
	char *dir = str_dup(path), *slash;
	struct stat st;

	if (!dir)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir); /* the current directory or "/" */
		return CLARO_OK;
	}
	*slash = '\0';
	/* mkdir -p: create each missing component from the top. */
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			int e = errno;
			error_set(err, CLARO_ERR_IO, "could not create directory \"%s\"", dir);
			error_detail(err, "mkdir failed: %s.", strerror(e));
			error_hint(
			    err,
			    "Create it yourself, or choose another database path with --db or [store] path.");
			free(dir);
			return CLARO_ERR_IO;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		error_set(err, CLARO_ERR_IO, "could not create directory \"%s\"", dir);
		error_detail(err, "The path exists and is not a directory.");
		error_hint(err, "Choose another database path with --db or [store] path.");
		free(dir);
		return CLARO_ERR_IO;
	}
	free(dir);
	return CLARO_OK;
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->api_addr);
	free(cfg->introspection_addr);
	free(cfg->plugin_dir);
	free(cfg->sqlite_path);
	free_strv(cfg->pg_keywords);
	free_strv(cfg->pg_values);
	free_strv(cfg->plugins_load);
	free_strv(cfg->updaters.sets);
	free_strv(cfg->updaters.skip);
	free(cfg->updaters.mirror_dir);
	for (size_t i = 0; i < cfg->updaters.n_overrides; i++)
		free(cfg->updaters.overrides[i].name);
	free(cfg->updaters.overrides);
	for (size_t i = 0; i < cfg->n_sections; i++) {
		struct config_section *s = &cfg->sections[i];
		for (size_t j = 0; j < s->n_entries; j++) {
			free(s->entries[j].key);
			free(s->entries[j].value);
		}
		free(s->entries);
		free(s->plugin);
	}
	free(cfg->sections);
	memset(cfg, 0, sizeof(*cfg));
}

enum claro_status config_defaults(struct config *cfg, struct error *err)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = MODE_COMBO;
	cfg->api_addr = str_dup(DEFAULT_API_ADDR);
	cfg->introspection_addr = str_dup(DEFAULT_INTROSPECTION_ADDR);
	cfg->plugin_dir = str_dup(CLARO_PLUGINDIR);
	cfg->log_level = CLARO_LOG_INFO;
	cfg->workers = 0;
	cfg->max_body = DEFAULT_MAX_BODY;
	cfg->max_concurrent_requests = 0;
	cfg->shutdown_timeout = DEFAULT_SHUTDOWN_TIMEOUT;
	cfg->backend = STORE_SQLITE;
	cfg->sqlite_path = config_default_db_path();
	cfg->updaters.enabled = 1;
	cfg->updaters.period = DEFAULT_UPDATER_PERIOD;
	cfg->updaters.jitter = DEFAULT_UPDATER_JITTER;
	cfg->updaters.concurrency = DEFAULT_UPDATER_CONCURRENCY;
	cfg->updaters.retention = DEFAULT_UPDATER_RETENTION;
	cfg->updaters.rate_limit = DEFAULT_UPDATER_RATE_LIMIT;
	if (!cfg->api_addr || !cfg->introspection_addr || !cfg->plugin_dir || !cfg->sqlite_path) {
		config_free(cfg);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory setting up the default configuration");
	}
	return CLARO_OK;
}

/* ---- section headers (seen by the reader, before inih) -------------------- */

static struct config_section *find_section(struct config *cfg, const char *plugin)
{
	for (size_t i = 0; i < cfg->n_sections; i++)
		if (strcmp(cfg->sections[i].plugin, plugin) == 0)
			return &cfg->sections[i];
	return NULL;
}

static enum claro_status open_plugin_section(struct parse_ctx *pc, const char *name)
{
	struct config *cfg = pc->cfg;
	struct config_section *grown, *s;

	if (!is_plugin_name(name)) {
		char *message = str_printf("invalid section name [%s]", pc->section);
		enum claro_status st;

		if (!message)
			return fail_nomem(pc);
		st = fail_at(pc, pc->line,
			     "Name the section after the plugin's file: [plugin.<name>] for <name>.so.",
			     message,
			     "\"%s\" is not a plugin name; plugin names are lower-case letters, digits and "
			     "underscores, at most %d.",
			     name, CONFIG_MAX_NAME);
		free(message);
		return st;
	}
	if ((s = find_section(cfg, name)) != NULL) {
		char *message = str_printf("duplicate section [%s]", pc->section);
		enum claro_status st;

		if (!message)
			return fail_nomem(pc);
		st = fail_at(pc, pc->line, "Merge the two sections into one.", message,
			     "[%s] was already opened at line %d.", pc->section, s->line);
		free(message);
		return st;
	}
	grown = realloc(cfg->sections, (cfg->n_sections + 1) * sizeof(*grown));
	if (!grown)
		return fail_nomem(pc);
	cfg->sections = grown;
	s = &cfg->sections[cfg->n_sections];
	memset(s, 0, sizeof(*s));
	s->plugin = str_dup(name);
	if (!s->plugin)
		return fail_nomem(pc);
	s->line = pc->line;
	cfg->n_sections++;
	pc->plugin_section = s;
	pc->kind = SECTION_PLUGIN;
	return CLARO_OK;
}

/* [updater.<name>]: the name as the updater set lists it (letters, digits and
 * ._-/:+ up to 256 bytes). */
static int is_updater_name(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("._-/:+", c)))
			return 0;
	}
	return n > 0 && n <= MAX_UPDATER_NAME;
}

static enum claro_status open_updater_section(struct parse_ctx *pc, const char *name)
{
	struct config_updaters *u = &pc->cfg->updaters;
	struct config_updater *grown, *e;
	char *message;
	enum claro_status st;

	if (!is_updater_name(name)) {
		if (!(message = str_printf("invalid section name [%s]", pc->section)))
			return fail_nomem(pc);
		st = fail_at(
		    pc, pc->line,
		    "Write the updater's name as its set lists it (claroctl updaters status shows them).",
		    message,
		    "\"%s\" is not an updater name: letters, digits and . _ - / : + only, 1 to %d bytes.",
		    name, MAX_UPDATER_NAME);
		free(message);
		return st;
	}
	for (size_t i = 0; i < u->n_overrides; i++) {
		if (strcmp(u->overrides[i].name, name) != 0)
			continue;
		if (!(message = str_printf("duplicate section [%s]", pc->section)))
			return fail_nomem(pc);
		st = fail_at(pc, pc->line, "Merge the two sections into one.", message,
			     "[%s] was already opened at line %d.", pc->section, u->overrides[i].line);
		free(message);
		return st;
	}
	grown = realloc(u->overrides, (u->n_overrides + 1) * sizeof(*grown));
	if (!grown)
		return fail_nomem(pc);
	u->overrides = grown;
	e = &grown[u->n_overrides];
	memset(e, 0, sizeof(*e));
	if (!(e->name = str_dup(name)))
		return fail_nomem(pc);
	e->line = pc->line;
	e->enabled = 1;
	u->n_overrides++;
	pc->updater_section = e;
	pc->updater_enabled_line = pc->updater_period_line = 0;
	pc->kind = SECTION_UPDATER;
	return CLARO_OK;
}

static enum claro_status unknown_section(struct parse_ctx *pc, const char *name)
{
	char *message = str_printf("unknown section [%s]", name), *hint = NULL;
	const char *near = closest(name, section_names, sizeof(section_names) / sizeof(section_names[0]));
	enum claro_status st;

	if (str_has_prefix(name, "plugins.") && name[8])
		hint = str_printf("Did you mean [plugin.%s]?", name + 8);
	else if (near)
		hint = str_printf("Did you mean [%s]?", near);
	else
		hint = str_dup("Check the spelling against clarod.ini(5) or etc/clarod.ini.sample.");
	if (!message || !hint) {
		free(message);
		free(hint);
		return fail_nomem(pc);
	}
	st = fail_at(pc, pc->line, hint, message,
		     "claro reads the sections [clarod], [store], [plugins], [plugin.<name>], [updaters] and "
		     "[updater.<name>].");
	free(message);
	free(hint);
	return st;
}

static enum claro_status open_section(struct parse_ctx *pc, const char *name)
{
	int *seen = NULL;
	enum section_kind kind = SECTION_NONE;

	if (replace_str(pc, &pc->section, name) != CLARO_OK)
		return CLARO_ERR_NOMEM;
	pc->plugin_section = NULL;
	pc->updater_section = NULL;
	if (str_has_prefix(name, "plugin."))
		return open_plugin_section(pc, name + 7);
	if (str_has_prefix(name, "updater."))
		return open_updater_section(pc, name + 8);
	if (strcmp(name, "clarod") == 0) {
		kind = SECTION_CLAROD;
		seen = &pc->clarod_line;
	} else if (strcmp(name, "store") == 0) {
		kind = SECTION_STORE;
		seen = &pc->store_line;
	} else if (strcmp(name, "plugins") == 0) {
		kind = SECTION_PLUGINS;
		seen = &pc->plugins_line;
	} else if (strcmp(name, "updaters") == 0) {
		kind = SECTION_UPDATERS;
		seen = &pc->updaters_line;
	} else {
		return unknown_section(pc, name);
	}
	if (*seen) {
		char *message = str_printf("duplicate section [%s]", name);
		enum claro_status st;

		if (!message)
			return fail_nomem(pc);
		st = fail_at(pc, pc->line, "Merge the two sections into one.", message,
			     "[%s] was already opened at line %d.", name, *seen);
		free(message);
		return st;
	}
	*seen = pc->line;
	pc->kind = kind;
	return CLARO_OK;
}

/* ---- the reader: one physical line per call ------------------------------- */

static enum claro_status syntax_error(struct parse_ctx *pc, const char *line, const char *hint,
				      const char *what)
{
	char *message = pc->section ? str_printf("syntax error in section [%s]", pc->section)
				    : str_dup("syntax error in configuration file");
	enum claro_status st;
	size_t n = strlen(line);

	if (!message)
		return fail_nomem(pc);
	/* Quote at most 60 characters of the line. */
	st = fail_at(pc, pc->line, hint, message, "%s, found \"%.*s%s\".", what, n > 60 ? 60 : (int)n, line,
		     n > 60 ? "..." : "");
	free(message);
	return st;
}

static int is_comment_start(int c)
{
	return c == ';' || c == '#';
}

/* Only blanks or a comment from s on. */
static int rest_is_empty(const char *s)
{
	s += strspn(s, " \t");
	return *s == '\0' || is_comment_start((unsigned char)*s);
}

static enum claro_status check_header(struct parse_ctx *pc, const char *line)
{
	const char *close = strchr(line, ']');
	char *name;
	enum claro_status st;

	if (!close)
		return syntax_error(pc, line, "Write a section header as [name] on a line of its own.",
				    "expected a section header \"[name]\"");
	if (!rest_is_empty(close + 1))
		return syntax_error(pc, line, "Put nothing but a comment after a section header's \"]\".",
				    "expected nothing after \"]\"");
	name = str_ndup(line + 1, (size_t)(close - line - 1));
	if (!name)
		return fail_nomem(pc);
	st = open_section(pc, name);
	free(name);
	return st;
}

/* A key = value line: the key is [A-Za-z0-9_.-]+ (anything else fails
 * later as an unknown key), then blanks, then "=". inih would also take
 * "key: value" and split a line without "=" at a colon; claro does not. */
static enum claro_status check_pair(struct parse_ctx *pc, const char *line)
{
	static const char key_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	size_t klen = strspn(line, key_chars);
	const char *p = line + klen;

	p += strspn(p, " \t");
	if (klen == 0 || *p != '=')
		return syntax_error(
		    pc, line,
		    "Write one key = value pair per line; comments start with ; or # at the start "
		    "of a line.",
		    "expected \"key = value\"");
	return CLARO_OK;
}

static enum claro_status check_line(struct parse_ctx *pc, const char *line)
{
	if (pc->line == 1 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
	    (unsigned char)line[2] == 0xBF)
		line += 3; /* UTF-8 byte order mark; inih skips it too */
	if (line[0] == ' ' || line[0] == '\t') {
		const char *s = line + strspn(line, " \t");
		char *message;
		enum claro_status st;

		if (*s == '\0' || is_comment_start((unsigned char)*s))
			return CLARO_OK;
		message = pc->section ? str_printf("indented line in section [%s]", pc->section)
				      : str_dup("indented line in configuration file");
		if (!message)
			return fail_nomem(pc);
		st = fail_at(
		    pc, pc->line,
		    "Remove the white space at the start of the line; every line starts in the first column.",
		    message,
		    "The line starts with white space, which the INI parser reads as the continuation of the "
		    "previous value.");
		free(message);
		return st;
	}
	if (line[0] == '\0' || is_comment_start((unsigned char)line[0]))
		return CLARO_OK;
	if (line[0] == '[')
		return check_header(pc, line);
	return check_pair(pc, line);
}

static enum claro_status line_too_long(struct parse_ctx *pc, size_t len, int max)
{
	char *message = pc->section ? str_printf("line too long in section [%s]", pc->section)
				    : str_dup("line too long in configuration file");
	enum claro_status st;

	if (!message)
		return fail_nomem(pc);
	st = fail_at(pc, pc->line,
		     "Shorten the value; a long PostgreSQL connection string can be split into "
		     "conninfo.<keyword> keys.",
		     message, "The line has %zu characters; the INI parser reads at most %d.", len, max);
	free(message);
	return st;
}

static char *read_line(char *str, int num, void *stream)
{
	struct parse_ctx *pc = stream;
	const char *start, *nl;
	size_t len, content;

	if (pc->failed || pc->pos >= pc->len)
		return NULL;
	start = pc->text + pc->pos;
	nl = memchr(start, '\n', pc->len - pc->pos);
	len = nl ? (size_t)(nl - start) : pc->len - pc->pos;
	pc->pos += len + (nl ? 1 : 0);
	pc->line++;
	content = len;
	if (content > 0 && start[content - 1] == '\r')
		content--;
	/* inih needs room for the newline and the terminating NUL. */
	if (num < 3 || content > (size_t)num - 2) {
		line_too_long(pc, content, num > 2 ? num - 2 : 0);
		return NULL;
	}
	if (memchr(start, '\0', content)) {
		fail_at(pc, pc->line, "Give the path of the text file clarod.ini.",
			"invalid configuration file", "The line contains a NUL byte.");
		return NULL;
	}
	memcpy(str, start, content);
	str[content] = '\0';
	if (check_line(pc, str) != CLARO_OK)
		return NULL;
	str[content] = '\n';
	str[content + 1] = '\0';
	return str;
}

/* ---- the handler: one key = value at a time -------------------------------- */

/* "<what> "<key>" in section [<section>]" */
static enum claro_status key_error(struct parse_ctx *pc, const char *what, const char *key, const char *hint,
				   const char *detail)
{
	char *message = str_printf("%s \"%s\" in section [%s]", what, key, section_label(pc));
	enum claro_status st;

	if (!message)
		return fail_nomem(pc);
	st = fail_at(pc, pc->line, hint, message, "%s", detail);
	free(message);
	return st;
}

static enum claro_status duplicate_key(struct parse_ctx *pc, const char *key, int first_line)
{
	char *detail = str_printf("\"%s\" was already set at line %d.", key, first_line);
	enum claro_status st;

	if (!detail)
		return fail_nomem(pc);
	st = key_error(pc, "duplicate key", key, "Keep one of the two lines.", detail);
	free(detail);
	return st;
}

static enum claro_status unknown_key(struct parse_ctx *pc, const char *key)
{
	const char *names[N_KEYS];
	size_t n = 0;
	const char *near;
	struct buf hint = BUF_INIT(0);
	char *detail;
	enum claro_status st = CLARO_OK;

	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(key_table[i].pub.section, kind_name(pc->kind)) == 0)
			names[n++] = key_table[i].pub.name;
	near = closest(key, names, n);
	if (near) {
		st = buf_printf(&hint, "Did you mean \"%s\"?", near);
	} else {
		st = buf_printf(&hint, "The keys of [%s] are ", section_label(pc));
		for (size_t i = 0; i < n && st == CLARO_OK; i++)
			st = buf_printf(&hint, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", names[i]);
		if (st == CLARO_OK)
			st = buf_puts(&hint, ".");
	}
	detail = str_printf("[%s] has no key \"%s\".", section_label(pc), key);
	if (st != CLARO_OK || !detail) {
		free(detail);
		buf_free(&hint);
		return fail_nomem(pc);
	}
	st = key_error(pc, "unknown key", key, hint.data, detail);
	free(detail);
	buf_free(&hint);
	return st;
}

static enum claro_status missing_value(struct parse_ctx *pc, const char *key)
{
	char *detail = str_printf("\"%s\" is empty.", key);
	enum claro_status st;

	if (!detail)
		return fail_nomem(pc);
	st = key_error(pc, "missing value for", key,
		       "Give it a value, or delete the line to use the default.", detail);
	free(detail);
	return st;
}

static enum claro_status store_conninfo_pair(struct parse_ctx *pc, const char *key, const char *value)
{
	const char *keyword = key + strlen("conninfo.");
	struct conn_pair *grown;
	int known = 0;

	/* Every keyword libpq knows, without PQconndefaults()'s environment and
	 * service-file lookups (which can fail for reasons unrelated to us). */
	if (!pc->pq_keywords && !(pc->pq_keywords = PQconninfoParse("", NULL)))
		return fail_nomem(pc);
	for (PQconninfoOption *o = pc->pq_keywords; o->keyword; o++)
		if (strcmp(o->keyword, keyword) == 0)
			known = 1;
	if (!known) {
		const char *near;
		char *hint, *detail;
		size_t n = 0, i = 0;
		const char **list;
		enum claro_status st;

		for (PQconninfoOption *o = pc->pq_keywords; o->keyword; o++)
			n++;
		list = calloc(n ? n : 1, sizeof(*list));
		if (!list)
			return fail_nomem(pc);
		for (PQconninfoOption *o = pc->pq_keywords; o->keyword; o++)
			list[i++] = o->keyword;
		near = closest(keyword, list, n);
		hint =
		    near
			? str_printf("Did you mean \"conninfo.%s\"?", near)
			: str_dup("See \"Parameter Key Words\" in the libpq documentation for the keywords.");
		detail = str_printf("\"%s\" is not a libpq connection keyword.", keyword);
		free(list);
		if (!hint || !detail) {
			free(hint);
			free(detail);
			return fail_nomem(pc);
		}
		st = key_error(pc, "unknown key", key, hint, detail);
		free(hint);
		free(detail);
		return st;
	}
	for (size_t i = 0; i < pc->n_pairs; i++)
		if (strcmp(pc->pairs[i].keyword, keyword) == 0)
			return duplicate_key(pc, key, pc->pairs[i].line);
	if (*value == '\0')
		return missing_value(pc, key);
	grown = realloc(pc->pairs, (pc->n_pairs + 1) * sizeof(*grown));
	if (!grown)
		return fail_nomem(pc);
	pc->pairs = grown;
	grown[pc->n_pairs].keyword = str_dup(keyword);
	grown[pc->n_pairs].value = str_dup(value);
	grown[pc->n_pairs].line = pc->line;
	if (!grown[pc->n_pairs].keyword || !grown[pc->n_pairs].value) {
		free(grown[pc->n_pairs].keyword);
		free(grown[pc->n_pairs].value);
		return fail_nomem(pc);
	}
	pc->n_pairs++;
	return CLARO_OK;
}

static enum claro_status store_plugin_entry(struct parse_ctx *pc, const char *key, const char *value)
{
	struct config_section *s = pc->plugin_section;
	struct config_entry *grown;

	for (size_t i = 0; i < s->n_entries; i++)
		if (strcmp(s->entries[i].key, key) == 0)
			return duplicate_key(pc, key, s->entries[i].line);
	grown = realloc(s->entries, (s->n_entries + 1) * sizeof(*grown));
	if (!grown)
		return fail_nomem(pc);
	s->entries = grown;
	grown[s->n_entries].key = str_dup(key);
	grown[s->n_entries].value = str_dup(value);
	grown[s->n_entries].line = pc->line;
	if (!grown[s->n_entries].key || !grown[s->n_entries].value) {
		free(grown[s->n_entries].key);
		free(grown[s->n_entries].value);
		return fail_nomem(pc);
	}
	s->n_entries++;
	return CLARO_OK;
}

/* A key of [updater.<name>]: enabled or period. */
static enum claro_status updater_pair(struct parse_ctx *pc, const char *key, const char *value)
{
	static const struct key_def enabled_def = {
	    {"updater.<name>", "enabled", "boolean", "true", ""}, 0, NULL, NULL};
	static const struct key_def period_def = {
	    {"updater.<name>", "period", "duration", "", ""}, 0, NULL, NULL};
	struct config_updater *u = pc->updater_section;
	int *line;

	if (strcmp(key, "enabled") == 0)
		line = &pc->updater_enabled_line;
	else if (strcmp(key, "period") == 0)
		line = &pc->updater_period_line;
	else
		return key_error(
		    pc, "unknown key", key, "The keys of an [updater.<name>] section are enabled and period.",
		    "An updater section sets only enabled and period; the updater's own options go in "
		    "its plugin's [plugin.<name>] section.");
	if (*line)
		return duplicate_key(pc, key, *line);
	*line = pc->line;
	if (*value == '\0')
		return missing_value(pc, key);
	if (line == &pc->updater_enabled_line)
		return set_bool(pc, &enabled_def, value, &u->enabled);
	return duration_in(pc, &period_def, value, MIN_UPDATER_PERIOD, 366 * 86400, &u->period);
}

static enum claro_status handle_pair(struct parse_ctx *pc, const char *key, const char *value)
{
	const char *section = kind_name(pc->kind);

	if (pc->kind == SECTION_NONE) {
		char *message = str_printf("key \"%s\" outside any section", key);
		enum claro_status st;

		if (!message)
			return fail_nomem(pc);
		st = fail_at(pc, pc->line, "Move it into the section it belongs to, e.g. [clarod].", message,
			     "\"%s\" comes before the first [section] header.", key);
		free(message);
		return st;
	}
	if (pc->kind == SECTION_PLUGIN)
		return store_plugin_entry(pc, key, value);
	if (pc->kind == SECTION_UPDATER)
		return updater_pair(pc, key, value);
	if (pc->kind == SECTION_STORE && str_has_prefix(key, "conninfo."))
		return store_conninfo_pair(pc, key, value);
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct key_def *def = &key_table[i];

		if (strcmp(def->pub.section, section) != 0 || strcmp(def->pub.name, key) != 0 || !def->set)
			continue;
		if (pc->key_lines[i])
			return duplicate_key(pc, key, pc->key_lines[i]);
		pc->key_lines[i] = pc->line;
		if (*value == '\0' && !def->allow_empty)
			return missing_value(pc, key);
		return def->set(pc, def, value);
	}
	return unknown_key(pc, key);
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *pc = user;

	(void)section; /* the reader tracked it; inih truncates long section names */
	if (pc->failed)
		return 0;
	return handle_pair(pc, name, value) == CLARO_OK;
}

/* ---- after the last line ----------------------------------------------- */

/* pg_keywords/pg_values for PQconnectdbParams: the conninfo string first as
 * "dbname" with expand_dbname (libpq expands it), then the conninfo.<keyword>
 * pairs, which thereby override what the string says. */
static enum claro_status build_conninfo(struct parse_ctx *pc)
{
	struct config *cfg = pc->cfg;
	size_t n = pc->n_pairs + (pc->conninfo ? 1 : 0), k = 0;

	if (n == 0)
		return CLARO_OK;
	cfg->pg_keywords = calloc(n + 1, sizeof(char *));
	cfg->pg_values = calloc(n + 1, sizeof(char *));
	if (!cfg->pg_keywords || !cfg->pg_values)
		return fail_nomem(pc);
	if (pc->conninfo) {
		cfg->pg_keywords[k] = str_dup("dbname");
		cfg->pg_values[k] = str_dup(pc->conninfo);
		if (!cfg->pg_keywords[k] || !cfg->pg_values[k])
			return fail_nomem(pc);
		k++;
		cfg->pg_expand_dbname = 1;
	}
	for (size_t i = 0; i < pc->n_pairs; i++, k++) {
		cfg->pg_keywords[k] = str_dup(pc->pairs[i].keyword);
		cfg->pg_values[k] = str_dup(pc->pairs[i].value);
		if (!cfg->pg_keywords[k] || !cfg->pg_values[k])
			return fail_nomem(pc);
	}
	return CLARO_OK;
}

static enum claro_status finish(struct parse_ctx *pc)
{
	if (pc->cfg->backend == STORE_POSTGRES && !pc->conninfo && pc->n_pairs == 0) {
		free(pc->section);
		pc->section = str_dup("store");
		if (!pc->section)
			return fail_nomem(pc);
		pc->line = pc->backend_line;
		return key_error(
		    pc, "missing value for", "conninfo",
		    "Add conninfo = postgresql://user@host/dbname to [store], or conninfo.host, "
		    "conninfo.dbname, ... keys.",
		    "backend = postgres needs conninfo or conninfo.<keyword> keys, and there are none.");
	}
	return build_conninfo(pc);
}

static enum claro_status read_file(const char *path, char **text, size_t *len, struct error *err)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = BUF_INIT(CONFIG_MAX_FILE);
	char chunk[8192];
	size_t n;
	enum claro_status st = CLARO_OK;

	if (!fp) {
		int e = errno;
		error_set(err, CLARO_ERR_CONFIG, "could not open configuration file \"%s\"", path);
		error_detail(err, "%s.", strerror(e));
		error_hint(err,
			   "Check the path given with -c, or leave -c out to run on the built-in defaults.");
		return CLARO_ERR_CONFIG;
	}
	while (st == CLARO_OK && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		st = buf_append(&b, chunk, n);
	if (st == CLARO_OK && ferror(fp)) {
		int e = errno;
		error_set(err, CLARO_ERR_CONFIG, "could not read configuration file \"%s\"", path);
		error_detail(err, "%s.", strerror(e));
		error_hint(err, "Give the path of a readable file.");
		st = CLARO_ERR_CONFIG;
	} else if (st == CLARO_ERR_TOO_LARGE) {
		error_set(err, CLARO_ERR_CONFIG, "configuration file \"%s\" is too large", path);
		error_detail(err, "It is larger than %d bytes.", CONFIG_MAX_FILE);
		error_hint(err, "Check that the path names clarod.ini and not another file.");
		st = CLARO_ERR_CONFIG;
	} else if (st != CLARO_OK) {
		error_set(err, st, "out of memory reading configuration file \"%s\"", path);
	}
	fclose(fp);
	if (st != CLARO_OK) {
		buf_free(&b);
		return st;
	}
	*len = b.len;
	*text = buf_steal(&b);
	if (!*text)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory reading configuration file \"%s\"",
				 path);
	return CLARO_OK;
}

static void parse_ctx_free(struct parse_ctx *pc)
{
	free(pc->section);
	free(pc->key_lines);
	free(pc->conninfo);
	for (size_t i = 0; i < pc->n_pairs; i++) {
		free(pc->pairs[i].keyword);
		free(pc->pairs[i].value);
	}
	free(pc->pairs);
	if (pc->pq_keywords)
		PQconninfoFree(pc->pq_keywords);
}

static enum claro_status parse_text(struct parse_ctx *pc)
{
	int rc;

	pc->key_lines = calloc(N_KEYS, sizeof(int));
	if (!pc->key_lines)
		return fail_nomem(pc);
	rc = ini_parse_stream(read_line, pc, on_pair, pc);
	if (pc->failed)
		return pc->err->status;
	if (rc == -2)
		return fail_nomem(pc);
	if (rc != 0) {
		/* A line shape the reader let through but inih refused. */
		pc->line = rc;
		return fail_at(pc, rc, "Write one key = value pair or [section] header per line.",
			       "syntax error in configuration file", "The INI parser rejected the line.");
	}
	return finish(pc);
}

enum claro_status config_load(struct config *cfg, const char *path, struct error *err)
{
	struct parse_ctx pc;
	char *text = NULL;
	size_t len = 0;
	enum claro_status st;

	if ((st = config_defaults(cfg, err)) != CLARO_OK || !path)
		return st;
	if ((st = read_file(path, &text, &len, err)) != CLARO_OK) {
		config_free(cfg);
		return st;
	}
	cfg->path = str_dup(path);
	if (!cfg->path) {
		free(text);
		config_free(cfg);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory reading configuration file \"%s\"",
				 path);
	}
	memset(&pc, 0, sizeof(pc));
	pc.cfg = cfg;
	pc.path = path;
	pc.err = err;
	pc.text = text;
	pc.len = len;
	st = parse_text(&pc);
	parse_ctx_free(&pc);
	free(text);
	if (st != CLARO_OK)
		config_free(cfg);
	return st;
}

const struct config_updater *config_updater_section(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->updaters.n_overrides; i++)
		if (strcmp(cfg->updaters.overrides[i].name, name) == 0)
			return &cfg->updaters.overrides[i];
	return NULL;
}

const struct config_section *config_plugin_section(const struct config *cfg, const char *plugin)
{
	for (size_t i = 0; i < cfg->n_sections; i++)
		if (strcmp(cfg->sections[i].plugin, plugin) == 0)
			return &cfg->sections[i];
	return NULL;
}

/* ---- printing ------------------------------------------------------------ */

/* The PostgreSQL connection as conninfo.<keyword> lines: the conninfo
 * string expanded by libpq, overlaid with the explicit pairs, secrets
 * masked. Printing keywords rather than the string is what lets a password
 * inside a URI be masked. */
static void print_conninfo(const struct config *cfg, FILE *fp)
{
	const char *dsn = cfg->pg_expand_dbname && cfg->pg_values ? cfg->pg_values[0] : "";
	size_t first_pair = cfg->pg_expand_dbname ? 1 : 0;
	char *errmsg = NULL;
	PQconninfoOption *opts;

	if (!cfg->pg_keywords)
		return;
	opts = PQconninfoParse(dsn, &errmsg);
	if (!opts) {
		fprintf(fp, "# conninfo could not be expanded: %s\n", errmsg ? errmsg : "out of memory");
		PQfreemem(errmsg);
		return;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		const char *value = o->val;

		for (size_t i = first_pair; cfg->pg_keywords[i]; i++)
			if (strcmp(cfg->pg_keywords[i], o->keyword) == 0)
				value = cfg->pg_values[i];
		if (!value || !*value)
			continue;
		fprintf(fp, "conninfo.%s = %s\n", o->keyword,
			o->dispchar && o->dispchar[0] == '*' ? CONFIG_MASK : value);
	}
	PQconninfoFree(opts);
}

static void print_section(const struct config *cfg, FILE *fp, const char *section)
{
	fprintf(fp, "[%s]\n", section);
	for (size_t i = 0; i < N_KEYS; i++) {
		if (strcmp(key_table[i].pub.section, section) != 0 || !key_table[i].print)
			continue;
		fprintf(fp, "%s = ", key_table[i].pub.name);
		key_table[i].print(cfg, fp);
		fputc('\n', fp);
	}
}

void config_print(const struct config *cfg, FILE *fp)
{
	config_print_core(cfg, fp);
	for (size_t i = 0; i < cfg->n_sections; i++) {
		const struct config_section *s = &cfg->sections[i];

		fprintf(fp, "\n[plugin.%s]\n", s->plugin);
		for (size_t j = 0; j < s->n_entries; j++)
			fprintf(fp, "%s = %s\n", s->entries[j].key,
				is_secret_key(s->entries[j].key) ? CONFIG_MASK : s->entries[j].value);
	}
}

void config_print_core(const struct config *cfg, FILE *fp)
{
	print_section(cfg, fp, "clarod");
	fputc('\n', fp);
	print_section(cfg, fp, "store");
	print_conninfo(cfg, fp);
	fputc('\n', fp);
	print_section(cfg, fp, "plugins");
	fputc('\n', fp);
	print_section(cfg, fp, "updaters");
	for (size_t i = 0; i < cfg->updaters.n_overrides; i++) {
		const struct config_updater *u = &cfg->updaters.overrides[i];

		fprintf(fp, "\n[updater.%s]\nenabled = %s\n", u->name, u->enabled ? "true" : "false");
		if (u->period > 0) {
			fputs("period = ", fp);
			print_duration(fp, u->period);
			fputc('\n', fp);
		}
	}
}
