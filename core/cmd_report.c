/* claroctl report IMAGE: index an image, match it, print the vulnerability
 * report (text, json, sarif, cyclonedx, junit) and gate on severity.
 *
 * Honesty rules: an empty advisory database is an error (there is no
 * report to show, and "no vulnerabilities" would be a lie); a stale one is
 * a warning on stderr, and with --fail-on an error unless --allow-stale.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include "cmd_report.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apiclient.h"
#include "image.h"
#include "index_local.h"
#include "report_format.h"
#include "strutil.h"
#include "vulnreport.h"

#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_FOUND  2 /* --fail-on matched: what CI gates on */
#define EXIT_USAGE  64

struct report_cli {
	struct image_options image;
	enum report_format format;
	struct report_options render;
	int fail_on_set;
	enum claro_severity fail_on;
	int allow_stale;
	const char *output;
	int color; /* -1 auto */
};

static const char *prog = "claroctl";

static int fail(struct error *err)
{
	error_print(err, stderr, prog);
	error_clear(err);
	return EXIT_FAILED;
}

static int usage(const char *what, const char *hint)
{
	fprintf(stderr, "%s report: %s\n", prog, what);
	if (hint)
		fprintf(stderr, "  hint: %s\n", hint);
	return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct report_cli *c)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
					     {"output", required_argument, NULL, 'o'},
					     {"fail-on", required_argument, NULL, 'F'},
					     {"ignore-unfixed", no_argument, NULL, 'U'},
					     {"allow-stale", no_argument, NULL, 'S'},
					     {"color", required_argument, NULL, 'C'},
					     {"platform", required_argument, NULL, 'p'},
					     {"username", required_argument, NULL, 'u'},
					     {"password", required_argument, NULL, 'w'},
					     {"insecure", no_argument, NULL, 'k'},
					     {NULL, 0, NULL, 0}};
	struct error err = ERROR_INIT;
	int ch;

	memset(c, 0, sizeof(*c));
	c->color = -1;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+f:o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (report_format_parse(optarg, &c->format, &err) != CLARO_OK) {
				fail(&err);
				return EXIT_USAGE;
			}
			break;
		case 'o': c->output = optarg; break;
		case 'F':
			if (severity_parse(optarg, &c->fail_on, &err) != CLARO_OK) {
				fail(&err);
				return EXIT_USAGE;
			}
			c->fail_on_set = 1;
			break;
		case 'U': c->render.ignore_unfixed = 1; break;
		case 'S': c->allow_stale = 1; break;
		case 'C':
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
				return usage("--color takes auto, always or never", NULL);
			c->color = !strcmp(optarg, "always") ? 1 : !strcmp(optarg, "never") ? 0 : -1;
			break;
		case 'p': c->image.platform = optarg; break;
		case 'u': c->image.username = optarg; break;
		case 'w': c->image.password = optarg; break;
		case 'k': c->image.insecure = 1; break;
		default: return usage("unknown option", "See claroctl report --help.");
		}
	}
	if (!c->image.password && getenv("CLARO_REGISTRY_PASSWORD"))
		c->image.password = getenv("CLARO_REGISTRY_PASSWORD");
	if (c->image.password && !c->image.username)
		return usage("--password needs --username", "Add --username USER.");
	if (optind != argc - 1)
		return usage(optind >= argc ? "missing IMAGE" : "too many arguments",
			     "The command takes exactly one image.");
	return -1;
}

/* ---- getting the report ---- */

static enum claro_status report_local(const struct report_source *src, json_t *manifest, json_t **report,
				      int *db_empty, struct error *err)
{
	struct config cfg;
	struct local_session ls;
	char *index = NULL;
	const char *digest = json_string_value(json_object_get(manifest, "hash"));
	enum claro_status st;

	if ((st = src->local_config(src->arg, &cfg, err)) != CLARO_OK)
		return st;
	st = local_session_open(&ls, &cfg, err);
	config_free(&cfg);
	if (st != CLARO_OK)
		return st;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "%s: indexing %s\n", prog, src->image_name);
	if ((st = local_session_index(&ls, manifest, &index, err)) == CLARO_OK)
		st = vulnreport_build(&ls.reg, ls.store, digest, NULL, report, db_empty, err);
	free(index);
	local_session_close(&ls);
	return st;
}

static enum claro_status report_remote(const struct report_source *src, json_t *manifest, json_t **report,
				       int *db_empty, struct error *err)
{
	struct api_client client;
	json_t *index = NULL;
	const char *digest = json_string_value(json_object_get(manifest, "hash"));
	char *path = str_printf("/matcher/api/v1/vulnerability_report/%s", digest ? digest : "");
	long status = 0;
	enum claro_status st;

	*db_empty = 0;
	if (!path)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	if ((st = api_client_init(&client, src->host, err)) != CLARO_OK) {
		free(path);
		return st;
	}
	st = api_post_json(&client, "/indexer/api/v1/index_report", manifest, &index, err);
	if (st == CLARO_OK)
		st = api_get_json_status(&client, path, &status, report, err);
	if (st == CLARO_OK && status == 202) {
		*db_empty = 1;
		if (!*report) /* Clair's empty 202 */
			*report =
			    json_pack("{s:s}", "message", "the matcher has no advisories yet (HTTP 202)");
	}
	json_decref(index);
	api_client_free(&client);
	free(path);
	return st;
}

/* ---- freshness: warnings and the --fail-on gate ---- */

/* Print what is stale; returns 1 when the database is not fresh. */
static int warn_freshness(json_t *report)
{
	json_t *db = json_object_get(report, "advisory_database"), *u;
	const char *state = json_string_value(json_object_get(db, "state"));
	size_t i;

	if (!db) {
		fprintf(stderr,
			"%s: warning: the server did not say how fresh its advisories are (not a claro "
			"server?)\n",
			prog);
		return 0;
	}
	if (!state || strcmp(state, "fresh") == 0)
		return 0;
	fprintf(stderr, "%s: warning: the advisory database is %s; the report may miss vulnerabilities\n",
		prog, state);
	json_array_foreach(json_object_get(db, "updaters"), i, u)
	{
		const char *us = json_string_value(json_object_get(u, "state"));
		const char *when = json_string_value(json_object_get(u, "last_success"));
		const char *why = json_string_value(json_object_get(u, "error"));

		if (!us || strcmp(us, "fresh") == 0)
			continue;
		fprintf(stderr, "  %s: %s (last success %s)%s%s\n",
			json_string_value(json_object_get(u, "name")), us, when ? when : "never",
			why ? ": " : "", why ? why : "");
	}
	fprintf(stderr, "  hint: run `claroctl updaters run` (or import a mirror with `claroctl updaters "
			"import`), or pass --allow-stale to accept it.\n");
	return 1;
}

static int empty_database(json_t *body)
{
	const char *msg = json_string_value(json_object_get(body, "message"));

	fprintf(stderr, "%s: no vulnerability report: %s\n", prog,
		msg ? msg : "the advisory database is empty");
	fprintf(stderr,
		"  detail: Without advisories every image would look clean, so claro refuses to report.\n");
	fprintf(stderr, "  hint: Load advisories first: `claroctl updaters run` (network), or "
			"`claroctl updaters import FILE` / a mirror directory (air-gapped).\n");
	return EXIT_FAILED;
}

static int render(struct report_cli *c, json_t *report, const char *image_name)
{
	struct report_view view;
	struct error err = ERROR_INIT;
	FILE *fp = stdout;
	int rc = EXIT_OK, stale;

	c->render.image = image_name;
	if (c->output && !(fp = fopen(c->output, "w"))) {
		error_set(&err, CLARO_ERR_IO, "could not open \"%s\" for writing", c->output);
		error_hint(&err, "Give --output a path in a writable directory.");
		return fail(&err);
	}
	c->render.color =
	    c->color >= 0 ? c->color : (!c->output && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
	if (report_view_build(report, &c->render, &view, &err) != CLARO_OK ||
	    report_write(fp, &view, c->format, &c->render, &err) != CLARO_OK) {
		rc = fail(&err);
		goto out;
	}
	stale = warn_freshness(report);
	if (c->fail_on_set && report_view_count_at_least(&view, c->fail_on)) {
		fprintf(stderr, "%s: %zu vulnerabilities at or above %s\n", prog,
			report_view_count_at_least(&view, c->fail_on), severity_name(c->fail_on));
		rc = EXIT_FOUND;
	} else if (c->fail_on_set && stale && !c->allow_stale) {
		fprintf(stderr, "%s: refusing to pass --fail-on %s on a database that is not fresh\n", prog,
			severity_name(c->fail_on));
		rc = EXIT_FAILED;
	}
out:
	report_view_free(&view);
	if (fp != stdout && fclose(fp) != 0 && rc == EXIT_OK) {
		error_set(&err, CLARO_ERR_IO, "could not write \"%s\"", c->output);
		rc = fail(&err);
	}
	return rc;
}

int report_main(int argc, char **argv, const char *progname, const struct report_source *src)
{
	struct report_cli c;
	struct report_source s = *src;
	struct image img;
	struct error err = ERROR_INIT;
	json_t *report = NULL;
	int rc = parse_args(argc, argv, &c), db_empty = 0;
	enum claro_status st;

	prog = progname;
	if (rc >= 0)
		return rc;
	s.image_name = argv[optind];
	if (image_resolve(argv[optind], &c.image, &img, &err) != CLARO_OK)
		return fail(&err);
	st = src->local ? report_local(&s, img.manifest, &report, &db_empty, &err)
			: report_remote(&s, img.manifest, &report, &db_empty, &err);
	image_free(&img);
	if (st != CLARO_OK)
		rc = fail(&err);
	else if (db_empty)
		rc = empty_database(report);
	else
		rc = render(&c, report, s.image_name);
	json_decref(report);
	return rc;
}
