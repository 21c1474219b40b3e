/* run-enrich: the enrichment path end to end, without a database: run
 * enrichment updaters of a plugin with the real loader, host services and
 * HTTP client, keep what they emitted in core/sinks.h's enrichment_memstore,
 * then run every enricher of the plugin over a set of vulnerabilities with
 * core/enrich.c (the code the matcher runs) and print the report's
 * "enrichments".
 *
 *   run-enrich [-c CONFIG] [-m MIRROR_DIR] PLUGIN_DIR PLUGIN VULNS.json UPDATER...
 *
 * CONFIG: a clarod.ini whose [plugin.<PLUGIN>] section sets the feed URLs.
 * MIRROR_DIR: serve every URL from this air-gapped mirror directory (the
 * HTTP client's mirror_dir policy, with airgap on) instead of the network.
 * VULNS.json: an array of {"id", "name", "description", "links"}.
 * Each UPDATER is an updater set of the plugin with one updater of the same
 * name.
 *
 * Prints one JSON object (sorted keys):
 *   {"updates": {UPDATER: {"records": N, "fingerprint": F}},
 *    "enrichments": {TYPE: [{VULN_ID: [JSON, ...]}]}}
 * Exit 0; 1 when an updater fails (its three-part error on stderr); 2 usage.
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
#include "../../core/enrich.h"
#include "error.h"
#include "httpclient.h"
#include "log.h"
#include "registry.h"
#include "sinks.h"

static enum claro_status run_updater(const struct registry *reg, const char *name,
				     struct enrichment_memstore *ms, json_t *updates, struct error *err)
{
	const struct component_ref *ref = registry_find(reg, CLARO_KIND_UPDATER_SET, name);
	struct claro_update *up;
	struct plugin_call call;
	enum claro_status st;

	if (!ref)
		return error_set(err, CLARO_ERR_NOT_FOUND, "no updater set named \"%s\"", name);
	if (!(up = update_new(name, NULL)))
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	plugin_call_begin(&call, ref);
	st = plugin_call_end(
	    &call, ((const struct claro_updater_set_ops *)ref->component->ops)->update(&call.ctx, name, up),
	    err);
	if (st == CLARO_OK)
		st = enrichment_memstore_add_update(ms, up, err);
	if (st == CLARO_OK &&
	    json_object_set_new(updates, name,
				json_pack("{s:I,s:s?}", "records", (json_int_t)update_n_enrichments(up),
					  "fingerprint", update_fingerprint(up))))
		st = error_set(err, CLARO_ERR_NOMEM, "out of memory");
	update_free(up);
	return st;
}

static const char *text(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

int main(int argc, char **argv)
{
	struct registry reg = {0};
	struct config cfg;
	struct error err = ERROR_INIT;
	struct enrichment_memstore *ms = NULL;
	struct enrichment_source src;
	struct claro_vulnerability *records = NULL, **vulns = NULL;
	const char *config_path = NULL, *mirror = NULL;
	json_t *in = NULL, *report = NULL, *updates = json_object(), *out;
	json_error_t jerr;
	size_t n = 0;
	int opt, rc = 0;
	enum claro_status st;
	char *dump;

	while ((opt = getopt(argc, argv, "c:m:")) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'm': mirror = optarg; break;
		default:
			fprintf(stderr,
				"usage: run-enrich [-c CONFIG] [-m MIRROR_DIR] PLUGIN_DIR PLUGIN VULNS.json "
				"UPDATER...\n");
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 4) {
		fprintf(stderr, "usage: run-enrich [-c CONFIG] [-m MIRROR_DIR] PLUGIN_DIR PLUGIN VULNS.json "
				"UPDATER...\n");
		return 2;
	}
	log_setup("run-enrich", CLARO_LOG_WARNING);
	memset(&cfg, 0, sizeof(cfg));
	if ((st = httpclient_init(&err)) == CLARO_OK && mirror) {
		struct httpclient_options o;
		memset(&o, 0, sizeof(o));
		o.mirror_dir = mirror;
		o.airgap = 1;
		st = httpclient_configure(&o, &err);
	}
	if (st == CLARO_OK)
		st = config_path ? config_load(&cfg, config_path, &err) : config_defaults(&cfg, &err);
	if (st == CLARO_OK)
		st = registry_load_one(&reg, argv[0], argv[1], &cfg, &err);
	if (st == CLARO_OK && (!(ms = enrichment_memstore_new()) || !updates))
		st = error_set(&err, CLARO_ERR_NOMEM, "out of memory");
	for (int i = 3; st == CLARO_OK && i < argc; i++)
		st = run_updater(&reg, argv[i], ms, updates, &err);
	if (st == CLARO_OK && !(in = json_load_file(argv[2], 0, &jerr)))
		st = error_set(&err, CLARO_ERR_INVALID, "%s: %s", argv[2], jerr.text);
	if (st == CLARO_OK && !json_is_array(in))
		st = error_set(&err, CLARO_ERR_INVALID, "%s is not a JSON array", argv[2]);
	if (st == CLARO_OK) {
		n = json_array_size(in);
		records = calloc(n ? n : 1, sizeof(*records));
		vulns = calloc(n ? n : 1, sizeof(*vulns));
		if (!records || !vulns)
			st = error_set(&err, CLARO_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; st == CLARO_OK && i < n; i++) {
		json_t *v = json_array_get(in, i);
		records[i].struct_size = sizeof(records[i]);
		records[i].id = text(v, "id");
		records[i].name = text(v, "name");
		records[i].description = text(v, "description");
		records[i].links = text(v, "links");
		records[i].issued = INT64_MIN;
		vulns[i] = &records[i];
	}
	if (st == CLARO_OK) {
		src = enrichment_memstore_source(ms);
		if (!(report = json_object()))
			st = error_set(&err, CLARO_ERR_NOMEM, "out of memory");
		else
			st = enrich_report(&reg, &src, vulns, n, report, &err);
	}
	if (st == CLARO_OK) {
		out = json_pack("{s:O,s:O}", "updates", updates, "enrichments",
				json_object_get(report, "enrichments"));
		dump = out ? json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		if (!dump) {
			st = error_set(&err, CLARO_ERR_NOMEM, "out of memory");
		} else {
			puts(dump);
			free(dump);
		}
		json_decref(out);
	}
	if (st != CLARO_OK) {
		error_print(&err, stderr, "run-enrich");
		rc = 1;
	}
	free(records);
	free(vulns);
	json_decref(in);
	json_decref(report);
	json_decref(updates);
	enrichment_memstore_free(ms);
	error_clear(&err);
	registry_free(&reg);
	config_free(&cfg);
	httpclient_cleanup();
	return rc;
}
