/* Enrichers over a VulnerabilityReport (enrich.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include "enrich.h"

#include <string.h>

#include "log.h"

/* {"<vuln id>": [json, ...]} from one enricher's output; NULL when empty
 * or out of memory (*nomem says which). Unparsable JSON is skipped: the
 * sink accepted it as text, the report must stay valid JSON. */
static json_t *enrichment_map(const struct claro_enrichment_out *out, int *nomem)
{
	json_t *map = json_object();
	size_t n = enrichment_out_count(out);

	*nomem = !map;
	for (size_t i = 0; map && i < n; i++) {
		const char *id = enrichment_out_vuln_id(out, i);
		json_t *list = json_object_get(map, id),
		       *doc = json_loads(enrichment_out_json(out, i), 0, NULL);

		if (!doc)
			continue;
		if (!list && (!(list = json_array()) || json_object_set_new(map, id, list))) {
			json_decref(doc);
			*nomem = 1;
			break;
		}
		if (json_array_append_new(list, doc)) {
			*nomem = 1;
			break;
		}
	}
	if (*nomem || !json_object_size(map)) {
		json_decref(map);
		return NULL;
	}
	return map;
}

static enum claro_status run_enricher(const struct component_ref *ref, const struct enrichment_source *src,
				      struct claro_vulnerability *const *vulns, size_t n, json_t *enrichments,
				      struct error *err)
{
	const struct claro_enricher_ops *ops = ref->component->ops;
	struct claro_enrichment_out *out = enrichment_out_new();
	struct plugin_call call;
	struct error perr = ERROR_INIT;
	json_t *map;
	int nomem = 0;
	enum claro_status st;

	if (!out)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	plugin_call_begin(&call, ref);
	call.enrichments = src;
	st = plugin_call_end(
	    &call, ops->enrich(&call.ctx, (const struct claro_vulnerability *const *)vulns, n, out), &perr);
	if (st != CLARO_OK) {
		error_prefix(&perr, "enricher %s skipped", ref->component->name);
		log_error(CLARO_LOG_WARNING, &perr);
		error_clear(&perr);
		enrichment_out_free(out);
		return CLARO_OK;
	}
	map = enrichment_map(out, &nomem);
	enrichment_out_free(out);
	if (map && json_object_set_new(enrichments, ops->type, json_pack("[o]", map)))
		nomem = 1;
	return nomem ? error_set(err, CLARO_ERR_NOMEM, "out of memory while enriching the report") : CLARO_OK;
}

enum claro_status enrich_report(const struct registry *reg, const struct enrichment_source *src,
				struct claro_vulnerability *const *vulns, size_t n, json_t *report,
				struct error *err)
{
	json_t *enrichments = json_object_get(report, "enrichments");
	size_t count = registry_count(reg, CLARO_KIND_ENRICHER);
	enum claro_status st;

	if (!json_is_object(enrichments)) {
		if (!(enrichments = json_object()) || json_object_set_new(report, "enrichments", enrichments))
			return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	if (!n)
		return CLARO_OK;
	for (size_t i = 0; i < count; i++) {
		if ((st = run_enricher(registry_at(reg, CLARO_KIND_ENRICHER, i), src, vulns, n, enrichments,
				       err)) != CLARO_OK)
			return st;
	}
	return CLARO_OK;
}
