/* run-updater: run one updater set of a plugin with the real loader, host
 * services and HTTP client, without the store or the updater runner, and
 * print what it emitted. The updater plugin tests point it at a loopback
 * server that serves the real feed files.
 *
 *   run-updater [-c CONFIG] [-p PREV_FINGERPRINT] [-s] [-v] PLUGIN_DIR PLUGIN SET list
 *   run-updater [-c CONFIG] [-p PREV_FINGERPRINT] [-s] [-v] PLUGIN_DIR PLUGIN SET update NAME
 *
 * CONFIG is a clarod.ini whose [plugin.<PLUGIN>] section configures the
 * plugin (feed URLs). list prints one line per updater: "updater<TAB>name
 * <TAB>flags". update prints one JSON object per line: every vulnerability
 * ({"kind": "vulnerability", "name", "description", "issued" (null or
 * seconds), "links", "severity", "normalized_severity" ("Unknown",
 * "Negligible", "Low", "Medium", "High", "Critical"), "package" {name,
 * version, kind, arch, module}, "distribution" {...} or null, "repository"
 * {...} or null, "fixed_in_version", "arch_op" ("", "equals", "not equals",
 * "pattern match")}), every enrichment ({"kind": "enrichment", "tags",
 * "json"}), every delete ({"kind": "delete", "name"}), then {"kind":
 * "fingerprint", "fingerprint": "..." or null}. With -s only a summary line
 * {"kind": "summary", "vulnerabilities": N, "enrichments": N, "deletes": N,
 * "fingerprint": ...} is printed.
 *
 * Exit status: 0 done, 3 unchanged (the plugin returned CLARO_ERR_UNCHANGED;
 * nothing printed), 1 failed (the three-part error on stderr, nothing on
 * stdout), 2 usage.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../../core/config.h"
#include "error.h"
#include "httpclient.h"
#include "log.h"
#include "registry.h"
#include "sinks.h"

static const char *const severity_names[] = {"Unknown", "Negligible", "Low", "Medium", "High", "Critical"};
static const char *const arch_op_names[] = {"", "equals", "not equals", "pattern match"};

static json_t *str_or_empty(const char *s)
{
	return json_string(s ? s : "");
}

static json_t *package_json(const struct claro_package *p)
{
	if (!p)
		return json_null();
	return json_pack("{s:o,s:o,s:o,s:o,s:o}", "name", str_or_empty(p->name), "version",
			 str_or_empty(p->version), "kind", str_or_empty(p->kind), "arch",
			 str_or_empty(p->arch), "module", str_or_empty(p->module));
}

static json_t *distribution_json(const struct claro_distribution *d)
{
	if (!d)
		return json_null();
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "did", str_or_empty(d->did), "name",
			 str_or_empty(d->name), "version", str_or_empty(d->version), "version_code_name",
			 str_or_empty(d->version_code_name), "version_id", str_or_empty(d->version_id),
			 "arch", str_or_empty(d->arch), "cpe", str_or_empty(d->cpe), "pretty_name",
			 str_or_empty(d->pretty_name));
}

static json_t *repository_json(const struct claro_repository *r)
{
	if (!r)
		return json_null();
	return json_pack("{s:o,s:o,s:o,s:o}", "name", str_or_empty(r->name), "key", str_or_empty(r->key),
			 "uri", str_or_empty(r->uri), "cpe", str_or_empty(r->cpe));
}

static json_t *vulnerability_json(const struct claro_vulnerability *v)
{
	unsigned sev = (unsigned)v->normalized_severity, op = (unsigned)v->arch_op;

	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:s}", "kind", "vulnerability", "name",
			 str_or_empty(v->name), "description", str_or_empty(v->description), "issued",
			 v->issued == INT64_MIN ? json_null() : json_integer(v->issued), "links",
			 str_or_empty(v->links), "severity", str_or_empty(v->severity), "normalized_severity",
			 sev < 6 ? severity_names[sev] : "?", "package", package_json(v->package),
			 "distribution", distribution_json(v->distribution), "repository",
			 repository_json(v->repository), "fixed_in_version",
			 str_or_empty(v->fixed_in_version), "arch_op", op < 4 ? arch_op_names[op] : "?");
}

static int print_json(json_t *j)
{
	char *s;

	if (!j)
		return -1;
	s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	if (!s)
		return -1;
	puts(s);
	free(s);
	return 0;
}

static json_t *fingerprint_json(const struct claro_update *up)
{
	const char *fp = update_fingerprint(up);

	return fp ? json_string(fp) : json_null();
}

static int print_update(const struct claro_update *up, int summary)
{
	int rc = 0;

	if (summary)
		return print_json(json_pack("{s:s,s:I,s:I,s:I,s:o}", "kind", "summary", "vulnerabilities",
					    (json_int_t)update_n_vulnerabilities(up), "enrichments",
					    (json_int_t)update_n_enrichments(up), "deletes",
					    (json_int_t)update_n_deletes(up), "fingerprint",
					    fingerprint_json(up)));
	for (size_t i = 0; rc == 0 && i < update_n_vulnerabilities(up); i++)
		rc = print_json(vulnerability_json(update_vulnerability(up, i)));
	for (size_t i = 0; rc == 0 && i < update_n_enrichments(up); i++) {
		const char *const *tags = update_enrichment_tags(up, i);
		json_t *t = json_array(), *data = json_loads(update_enrichment_json(up, i), 0, NULL);

		for (size_t k = 0; t && tags[k]; k++)
			json_array_append_new(t, json_string(tags[k]));
		rc = print_json(json_pack("{s:s,s:o,s:o}", "kind", "enrichment", "tags", t, "json", data));
	}
	for (size_t i = 0; rc == 0 && i < update_n_deletes(up); i++)
		rc = print_json(json_pack("{s:s,s:s}", "kind", "delete", "name", update_delete_name(up, i)));
	if (rc == 0)
		rc = print_json(
		    json_pack("{s:s,s:o}", "kind", "fingerprint", "fingerprint", fingerprint_json(up)));
	return rc;
}

static enum claro_status run_list(const struct component_ref *ref, struct error *err)
{
	const struct claro_updater_set_ops *ops = ref->component->ops;
	struct claro_updater_list *l = updater_list_new();
	struct plugin_call call;
	enum claro_status st;

	if (!l)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	plugin_call_begin(&call, ref);
	st = plugin_call_end(&call, ops->list(&call.ctx, l), err);
	for (size_t i = 0; st == CLARO_OK && i < updater_list_count(l); i++)
		printf("updater\t%s\t%u\n", updater_list_name(l, i), (unsigned)updater_list_flags(l, i));
	updater_list_free(l);
	return st;
}

static enum claro_status run_update(const struct component_ref *ref, const char *name, const char *prev,
				    int summary, struct error *err)
{
	const struct claro_updater_set_ops *ops = ref->component->ops;
	struct claro_update *up = update_new(name, prev);
	struct plugin_call call;
	enum claro_status st;

	if (!up)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	plugin_call_begin(&call, ref);
	st = ops->update(&call.ctx, name, up);
	if (st == CLARO_ERR_UNCHANGED) {
		plugin_call_end(&call, CLARO_OK, NULL);
		update_free(up);
		return st;
	}
	st = plugin_call_end(&call, st, err);
	if (st == CLARO_OK && print_update(up, summary) != 0)
		st = error_set(err, CLARO_ERR_NOMEM, "could not print the update");
	update_free(up);
	return st;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: run-updater [-c CONFIG] [-p PREV_FINGERPRINT] [-s] [-v] PLUGIN_DIR PLUGIN SET "
		"list|update NAME\n");
}

int main(int argc, char **argv)
{
	struct registry reg = {0};
	struct config cfg;
	struct error err = ERROR_INIT;
	const struct component_ref *ref;
	const char *config_path = NULL, *prev = NULL;
	int opt, summary = 0, verbose = 0, rc = 0, list;
	enum claro_status st;

	while ((opt = getopt(argc, argv, "c:p:sv")) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'p': prev = optarg; break;
		case 's': summary = 1; break;
		case 'v': verbose = 1; break;
		default: usage(); return 2;
		}
	}
	argc -= optind;
	argv += optind;
	list = argc == 4 && strcmp(argv[3], "list") == 0;
	if (!list && !(argc == 5 && strcmp(argv[3], "update") == 0)) {
		usage();
		return 2;
	}
	log_setup("run-updater", verbose ? CLARO_LOG_INFO : CLARO_LOG_WARNING);
	memset(&cfg, 0, sizeof(cfg));
	if ((st = httpclient_init(&err)) == CLARO_OK)
		st = config_path ? config_load(&cfg, config_path, &err) : config_defaults(&cfg, &err);
	if (st == CLARO_OK)
		st = registry_load_one(&reg, argv[0], argv[1], &cfg, &err);
	if (st == CLARO_OK && !(ref = registry_find(&reg, CLARO_KIND_UPDATER_SET, argv[2])))
		st = error_set(&err, CLARO_ERR_NOT_FOUND, "plugin %s has no updater set named \"%s\"",
			       argv[1], argv[2]);
	if (st == CLARO_OK)
		st = list ? run_list(ref, &err) : run_update(ref, argv[4], prev, summary, &err);
	if (st == CLARO_ERR_UNCHANGED) {
		rc = 3;
	} else if (st != CLARO_OK) {
		error_print(&err, stderr, "run-updater");
		rc = 1;
	}
	fflush(stdout);
	error_clear(&err);
	registry_free(&reg);
	config_free(&cfg);
	httpclient_cleanup();
	return rc;
}
