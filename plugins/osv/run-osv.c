/* run-osv: run one updater of a loaded updater set with the real loader,
 * host services and HTTP client, and print what it emitted as JSON lines,
 * for plugins/osv/test-osv.sh (a minimal stand-in for a general updater
 * driver).
 *
 *   run-osv PLUGIN_DIR PLUGIN[,PLUGIN...] INI UPDATER [PREV_FINGERPRINT]
 *
 * The set is the part of UPDATER before '/'. Line 1 is a summary:
 *   {"status": "OK"|"UNCHANGED"|"INVALID"|... (status name without CLARO_ERR_),
 *    "message", "detail", "hint",
 *    "fingerprint", "count", "emitted" (what the plugin emitted, kept or not),
 *    "updaters": [names list() gave]}
 * then one object per emitted vulnerability, in emission order, with the
 * record's fields (range bounds as "<kind>:<v0>.<v1>...<v9>", "" when
 * none). Exits 0 on OK or UNCHANGED, 1 on an error, 2 on bad usage.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "error.h"
#include "httpclient.h"
#include "log.h"
#include "registry.h"
#include "sinks.h"
#include "strutil.h"

static const char *s(const char *v)
{
	return v ? v : "";
}

static char *normalized(const struct claro_normalized_version *nv)
{
	char *out, *p;
	size_t n;

	if (!nv->kind || !*nv->kind)
		return str_dup("");
	n = strlen(nv->kind) + 1 + CLARO_NORM_VERSION_LEN * 12 + 1;
	if (!(out = malloc(n)))
		return NULL;
	p = out + snprintf(out, n, "%s:", nv->kind);
	for (int i = 0; i < CLARO_NORM_VERSION_LEN; i++)
		p += snprintf(p, n - (size_t)(p - out), i ? ".%d" : "%d", (int)nv->v[i]);
	return out;
}

static const char *severity_name(enum claro_severity sev)
{
	static const char *const names[] = {"Unknown", "Negligible", "Low", "Medium", "High", "Critical"};

	return (unsigned)sev < sizeof(names) / sizeof(names[0]) ? names[sev] : "Unknown";
}

static int print_vulnerability(const struct claro_vulnerability *v)
{
	char *lower = normalized(&v->range_lower), *upper = normalized(&v->range_upper);
	const struct claro_package *p = v->package;
	const struct claro_repository *r = v->repository;
	json_t *o;
	char *text = NULL;
	int rc = -1;

	o = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "updater",
	    s(v->updater), "name", s(v->name), "description", s(v->description), "links", s(v->links),
	    "severity", s(v->severity), "normalized_severity", severity_name(v->normalized_severity),
	    "package_name", p ? s(p->name) : "", "package_version", p ? s(p->version) : "", "package_kind",
	    p ? s(p->kind) : "", "repository_hint", p ? s(p->repository_hint) : "", "repository_name",
	    r ? s(r->name) : "", "repository_uri", r ? s(r->uri) : "", "fixed_in_version",
	    s(v->fixed_in_version), "range_lower", lower ? lower : "", "range_upper", upper ? upper : "");
	if (o &&
	    json_object_set_new(o, "issued",
				v->issued == INT64_MIN ? json_null() : json_integer((json_int_t)v->issued)) ==
		0 &&
	    json_object_set_new(o, "has_distribution", json_boolean(v->distribution != NULL)) == 0 &&
	    (text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII)) != NULL) {
		puts(text);
		rc = 0;
	}
	free(text);
	json_decref(o);
	free(lower);
	free(upper);
	return rc;
}

static enum claro_status load_plugins(struct registry *reg, const char *dir, const char *list,
				      const struct config *cfg, struct error *err)
{
	char *names = str_dup(list), *save = NULL;
	enum claro_status st = CLARO_OK;

	if (!names)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	for (char *n = strtok_r(names, ",", &save); n && st == CLARO_OK; n = strtok_r(NULL, ",", &save))
		st = registry_load_one(reg, dir, n, cfg, err);
	free(names);
	return st;
}

int main(int argc, char **argv)
{
	struct registry reg = {0};
	struct config cfg;
	struct error err = ERROR_INIT;
	const struct component_ref *ref = NULL;
	struct claro_updater_list *list = NULL;
	struct claro_update *up = NULL;
	struct plugin_call call;
	json_t *summary, *names;
	char *set = NULL, *text;
	const char *status;
	enum claro_status st;
	int rc;

	if (argc < 5 || argc > 6) {
		fprintf(stderr,
			"usage: run-osv PLUGIN_DIR PLUGIN[,PLUGIN...] INI UPDATER [PREV_FINGERPRINT]\n");
		return 2;
	}
	log_setup("run-osv", CLARO_LOG_INFO);
	memset(&cfg, 0, sizeof(cfg));
	if ((st = httpclient_init(&err)) != CLARO_OK || (st = config_load(&cfg, argv[3], &err)) != CLARO_OK ||
	    (st = load_plugins(&reg, argv[1], argv[2], &cfg, &err)) != CLARO_OK)
		goto out;
	if (!(set = str_dup(argv[4])) || !(list = updater_list_new())) {
		st = error_set(&err, CLARO_ERR_NOMEM, "out of memory");
		goto out;
	}
	set[strcspn(set, "/")] = '\0';
	if (!(ref = registry_find(&reg, CLARO_KIND_UPDATER_SET, set))) {
		st = error_set(&err, CLARO_ERR_NOT_FOUND, "no updater set named \"%s\"", set);
		goto out;
	}
	plugin_call_begin(&call, ref);
	st = plugin_call_end(
	    &call, ((const struct claro_updater_set_ops *)ref->component->ops)->list(&call.ctx, list), &err);
	if (st != CLARO_OK)
		goto out;
	if (!(up = update_new(argv[4], argc == 6 ? argv[5] : NULL))) {
		st = error_set(&err, CLARO_ERR_NOMEM, "out of memory");
		goto out;
	}
	plugin_call_begin(&call, ref);
	st = plugin_call_end(
	    &call,
	    ((const struct claro_updater_set_ops *)ref->component->ops)->update(&call.ctx, argv[4], up),
	    &err);
out:
	names = json_array();
	for (size_t i = 0; list && names && i < updater_list_count(list); i++)
		json_array_append_new(names, json_string(updater_list_name(list, i)));
	status = st == CLARO_OK ? "OK" : status_name(st);
	if (strncmp(status, "CLARO_ERR_", 10) == 0)
		status += 10;
	summary = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:o}", "status", status, "message", s(err.message), "detail",
	    s(err.detail), "hint", s(err.hint), "fingerprint", up ? s(update_fingerprint(up)) : "", "count",
	    (json_int_t)(up && st == CLARO_OK ? update_n_vulnerabilities(up) : 0), "emitted",
	    (json_int_t)(up ? update_n_vulnerabilities(up) : 0), "updaters", names ? names : json_array());
	rc = st == CLARO_OK || st == CLARO_ERR_UNCHANGED ? 0 : 1;
	if (!summary || !(text = json_dumps(summary, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII))) {
		fprintf(stderr, "run-osv: out of memory\n");
		rc = 1;
	} else {
		puts(text);
		free(text);
	}
	json_decref(summary);
	/* What an update emitted counts only when it succeeded: a failed run
	 * keeps the previous snapshot. */
	for (size_t i = 0; up && st == CLARO_OK && i < update_n_vulnerabilities(up); i++)
		if (print_vulnerability(update_vulnerability(up, i)) != 0)
			rc = 1;
	if (rc == 1 && err.message)
		error_print(&err, stderr, "run-osv");
	update_free(up);
	updater_list_free(list);
	free(set);
	error_clear(&err);
	registry_free(&reg);
	config_free(&cfg);
	httpclient_cleanup();
	return rc;
}
