/* claroctl updaters (see cmd_updaters.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "advisory_export.h"
#include "cmd_updaters.h"
#include "registry.h"
#include "store.h"
#include "store_advisory.h"
#include "strutil.h"
#include "updater_runner.h"
#include "vulnjson.h"

#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2

struct session {
	const char *prog;
	struct config cfg;
	int have_cfg;
	struct store_params sp;
	struct store *store;
};

static int fail(struct session *x, struct error *err)
{
	error_print(err, stderr, x->prog);
	error_clear(err);
	return EXIT_FAILED;
}

static int usage(const char *prog, const char *message, const char *detail)
{
	struct error err = ERROR_INIT;

	error_set(&err, CLARO_ERR_INVALID, "%s", message);
	if (detail)
		error_detail(&err, "%s", detail);
	error_hint(&err, "Run claroctl updaters --help for the commands and options.");
	error_print(&err, stderr, prog);
	error_clear(&err);
	return EXIT_USAGE;
}

static void reset_getopt(void)
{
#ifdef __GLIBC__
	optind = 0;
#else
	optind = 1;
#endif
}

/* Configuration, HTTP policy and the migrated store. */
static enum claro_status session_open(struct session *x, updaters_config_fn load_config, void *arg,
				      struct error *err)
{
	enum claro_status st = load_config(arg, &x->cfg, err);

	if (st != CLARO_OK)
		return st;
	x->have_cfg = 1;
	x->sp.backend = x->cfg.backend;
	x->sp.sqlite_path = x->cfg.sqlite_path;
	x->sp.pg_keywords = (const char *const *)x->cfg.pg_keywords;
	x->sp.pg_values = (const char *const *)x->cfg.pg_values;
	x->sp.pg_expand_dbname = x->cfg.pg_expand_dbname;
	st = updaters_configure_http(&x->cfg, err);
	if (st == CLARO_OK && x->cfg.backend == STORE_SQLITE && strcmp(x->cfg.sqlite_path, ":memory:") != 0)
		st = config_ensure_parent_dir(x->cfg.sqlite_path, err);
	if (st == CLARO_OK)
		st = store_open(&x->store, &x->sp, err);
	if (st == CLARO_OK)
		st = store_migrate(x->store, err);
	return st;
}

static void session_close(struct session *x)
{
	store_close(x->store);
	if (x->have_cfg)
		config_free(&x->cfg);
}

/* ---- run ---------------------------------------------------------------------- */

static int cmd_run(struct session *x, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"force", no_argument, NULL, 'f'}, {"no-gc", no_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
	struct updater_run_options o;
	struct updater_round round;
	struct registry reg;
	struct error err = ERROR_INIT;
	int c, rc;

	memset(&o, 0, sizeof(o));
	reset_getopt();
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 'f')
			o.force = 1;
		else if (c == 'n')
			o.no_gc = 1;
		else
			return EXIT_USAGE;
	}
	o.cfg = &x->cfg.updaters;
	o.only = optind < argc ? (const char *const *)&argv[optind] : NULL; /* argv is NULL-terminated */
	memset(&reg, 0, sizeof(reg));
	if (registry_load(&reg, &x->cfg, 0, &err) != CLARO_OK) {
		registry_free(&reg);
		return fail(x, &err);
	}
	if (registry_count(&reg, CLARO_KIND_UPDATER_SET) == 0)
		fprintf(stderr, "%s: no loaded plugin has an updater set\n", x->prog);
	/* The runner opens its own connections. */
	if (updater_run_round(&reg, &x->sp, &o, &round, &err) != CLARO_OK) {
		registry_free(&reg);
		return fail(x, &err);
	}
	for (size_t i = 0; i < round.n; i++) {
		const struct updater_result *u = &round.v[i];

		printf("%-40s %-9s", u->name, updater_outcome_name(u->outcome));
		if (u->outcome == UPDATER_UPDATED)
			printf(" %zu records (%zu new, %zu carried, %zu skipped) in %.1fs", u->stored.records,
			       u->stored.new_rows, u->stored.carried, u->stored.skipped, u->seconds);
		else if (u->outcome == UPDATER_FAILED)
			printf(" %s%s%s", u->err.message ? u->err.message : "", u->err.detail ? ": " : "",
			       u->err.detail ? u->err.detail : "");
		putchar('\n');
	}
	if (round.gc_ran && round.gc.deleted_ops)
		printf("gc: deleted %zu operations, %zu vulnerabilities, %zu enrichments\n",
		       round.gc.deleted_ops, round.gc.deleted_vulns, round.gc.deleted_enrichments);
	if (round.n == 0)
		printf("no updater matched\n");
	rc = round.failed ? EXIT_FAILED : EXIT_OK;
	updater_round_free(&round);
	registry_free(&reg);
	return rc;
}

/* ---- status --------------------------------------------------------------------- */

static const char *state_of(const struct store_updater_summary *u)
{
	if (!u->has_status)
		return "imported";
	if (!u->status.last_run_succeeded)
		return "failing";
	return u->status.last_success ? "ok" : "never";
}

/* "3h ago", "-" for never. */
static void age(int64_t when, int64_t now, char *out, size_t n)
{
	int64_t d = now - when;

	if (when <= 0) {
		snprintf(out, n, "-");
		return;
	}
	if (d < 0)
		d = 0;
	if (d < 120)
		snprintf(out, n, "%llds ago", (long long)d);
	else if (d < 7200)
		snprintf(out, n, "%lldm ago", (long long)(d / 60));
	else if (d < 3 * 86400)
		snprintf(out, n, "%lldh ago", (long long)(d / 3600));
	else
		snprintf(out, n, "%lldd ago", (long long)(d / 86400));
}

static json_t *time_json(int64_t t)
{
	char text[32];

	if (t <= 0)
		return json_null();
	vulnjson_format_time(t, text);
	return json_string(text);
}

static int cmd_status(struct session *x, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	struct store_updater_summaries list;
	struct error err = ERROR_INIT;
	int64_t now = (int64_t)time(NULL);
	int json = 0, c, rc = EXIT_OK;

	reset_getopt();
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c != 'j')
			return EXIT_USAGE;
		json = 1;
	}
	if (optind < argc)
		return usage(x->prog, "too many arguments for \"updaters status\"", "status takes no names.");
	if (store_updater_summaries(x->store, 1, &list, &err) != CLARO_OK)
		return fail(x, &err);
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; arr && i < list.n; i++) {
			const struct store_updater_summary *u = &list.v[i];
			int64_t success = u->has_status ? u->status.last_success : u->op.date;
			json_t *o =
			    json_pack("{s:s, s:s, s:o, s:o, s:I, s:s, s:s?}", "name", u->updater, "state",
				      state_of(u), "last_success", time_json(success), "last_attempt",
				      time_json(u->has_status ? u->status.last_attempt : 0), "records",
				      (json_int_t)(u->has_op ? u->op.records : 0), "fingerprint",
				      u->has_op ? u->op.fingerprint : "", "error",
				      u->has_status ? u->status.last_error : NULL);
			if (!o || json_array_append_new(arr, o) != 0) {
				json_decref(arr);
				arr = NULL;
			}
		}
		if (!arr || json_dumpf(arr, stdout, JSON_INDENT(2)) != 0)
			rc = EXIT_FAILED;
		putchar('\n');
		json_decref(arr);
	} else {
		if (list.n == 0)
			printf("no updater has run or been imported yet\n");
		else
			printf("%-40s %-9s %-13s %-13s %9s  %s\n", "UPDATER", "STATE", "LAST SUCCESS",
			       "LAST ATTEMPT", "RECORDS", "LAST ERROR");
		for (size_t i = 0; i < list.n; i++) {
			const struct store_updater_summary *u = &list.v[i];
			char success[24], attempt[24];

			age(u->has_status ? u->status.last_success : u->op.date, now, success,
			    sizeof(success));
			age(u->has_status ? u->status.last_attempt : 0, now, attempt, sizeof(attempt));
			printf("%-40s %-9s %-13s %-13s %9zu  %s\n", u->updater, state_of(u), success, attempt,
			       u->has_op ? u->op.records : 0,
			       u->has_status && u->status.last_error ? u->status.last_error : "");
		}
	}
	store_updater_summaries_free(&list);
	return rc;
}

/* ---- export and import -------------------------------------------------------------- */

static int cmd_export(struct session *x, int argc, char **argv)
{
	static const struct option opts[] = {{"updater", required_argument, NULL, 'u'}, {NULL, 0, NULL, 0}};
	struct advisory_export_stats stats;
	struct error err = ERROR_INIT;
	const char **patterns = NULL;
	size_t n = 0;
	int c, rc = EXIT_OK;

	reset_getopt();
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		const char **grown;

		if (c != 'u') {
			free(patterns);
			return EXIT_USAGE;
		}
		grown = realloc(patterns, (n + 2) * sizeof(*grown));
		if (!grown) {
			free(patterns);
			error_set(&err, CLARO_ERR_NOMEM, "out of memory");
			return fail(x, &err);
		}
		patterns = grown;
		patterns[n++] = optarg;
		patterns[n] = NULL;
	}
	if (optind != argc - 1) {
		free(patterns);
		return usage(x->prog,
			     optind >= argc ? "missing FILE for \"updaters export\"" : "too many arguments",
			     "export writes one file (- for standard output).");
	}
	if (advisory_export(x->store, argv[optind], patterns, &stats, &err) != CLARO_OK)
		rc = fail(x, &err);
	else if (strcmp(argv[optind], "-") != 0)
		fprintf(stderr, "%s: exported %zu operations: %zu vulnerabilities, %zu enrichments\n",
			x->prog, stats.ops, stats.vulnerabilities, stats.enrichments);
	free(patterns);
	return rc;
}

static int cmd_import(struct session *x, int argc, char **argv)
{
	struct advisory_import_stats stats;
	struct error err = ERROR_INIT;
	enum claro_status st;

	if (argc != 2)
		return usage(x->prog,
			     argc < 2 ? "missing FILE for \"updaters import\"" : "too many arguments",
			     "import reads one file, URL or - (standard input).");
	st = advisory_import(x->store, argv[1], NULL, &stats, &err);
	fprintf(stderr, "%s: imported %zu operations (%zu records, %zu new rows); %zu already present\n",
		x->prog, stats.ops, stats.records, stats.new_rows, stats.skipped_ops);
	return st == CLARO_OK ? EXIT_OK : fail(x, &err);
}

int updaters_main(int argc, char **argv, const char *prog, updaters_config_fn load_config, void *arg)
{
	static const struct {
		const char *name;
		int (*run)(struct session *x, int argc, char **argv);
	} commands[] = {
	    {"run", cmd_run}, {"status", cmd_status}, {"export", cmd_export}, {"import", cmd_import}};
	struct session x;
	struct error err = ERROR_INIT;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	x.prog = prog;
	if (argc < 2)
		return usage(prog, "missing command for \"updaters\"",
			     "The commands are run, status, export and import.");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (session_open(&x, load_config, arg, &err) != CLARO_OK) {
			rc = fail(&x, &err);
		} else {
			rc = commands[i].run(&x, argc - 1, argv + 1);
			if (rc == EXIT_USAGE)
				fprintf(stderr, "  hint: Run claroctl updaters --help for the options.\n");
		}
		session_close(&x);
		return rc;
	}
	return usage(prog, "unknown command for \"updaters\"",
		     "The commands are run, status, export and import.");
}
