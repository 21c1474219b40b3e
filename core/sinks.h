/* In-memory sinks for what plugins hand to the host (the SDK's opaque
 * struct claro_scan_result, claro_index_builder, claro_updater_list,
 * claro_update and claro_enrichment_out), plus an in-memory enrichment
 * source for host->enrichment_get(). Each sink deep-copies every record it is
 * given (core/recordcopy.h), so a plugin's memory is never kept. The indexer
 * and matcher read the results back through the accessors and store them;
 * records returned by accessors are borrowed from the sink. The updater
 * runner has an update's records streamed to the store instead
 * (update_stream_to).
 *
 * A sink belongs to one call at a time: none of them locks.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_SINKS_H
#define CLARO_CORE_SINKS_H

#include <stddef.h>
#include <stdint.h>

#include <claro/plugin.h>

#include "error.h"

#define SINK_MAX_NAME 256 /* longest updater / vulnerability name accepted */

/* ---- scanner results: one (layer, scanner) pair ---- */
struct claro_scan_result *scan_result_new(void);
void scan_result_free(struct claro_scan_result *r);
enum claro_status scan_result_add_package(struct claro_scan_result *r, const struct claro_package *pkg,
					  struct error *err);
enum claro_status scan_result_add_distribution(struct claro_scan_result *r,
					       const struct claro_distribution *d, struct error *err);
enum claro_status scan_result_add_repository(struct claro_scan_result *r, const struct claro_repository *repo,
					     struct error *err);
enum claro_status scan_result_add_file(struct claro_scan_result *r, const struct claro_file_record *f,
				       struct error *err);
size_t scan_result_n_packages(const struct claro_scan_result *r);
size_t scan_result_n_distributions(const struct claro_scan_result *r);
size_t scan_result_n_repositories(const struct claro_scan_result *r);
size_t scan_result_n_files(const struct claro_scan_result *r);
const struct claro_package *scan_result_package(const struct claro_scan_result *r, size_t i);
const struct claro_distribution *scan_result_distribution(const struct claro_scan_result *r, size_t i);
const struct claro_repository *scan_result_repository(const struct claro_scan_result *r, size_t i);
const struct claro_file_record *scan_result_file(const struct claro_scan_result *r, size_t i);

/* ---- coalescer output: packages with their environments ---- */
struct claro_index_builder *index_builder_new(void);
void index_builder_free(struct claro_index_builder *b);
enum claro_status index_builder_add(struct claro_index_builder *b, const struct claro_package *pkg,
				    const struct claro_environment *env, struct error *err);
size_t index_builder_count(const struct claro_index_builder *b);
const struct claro_package *index_builder_package(const struct claro_index_builder *b, size_t i);
const struct claro_environment *index_builder_environment(const struct claro_index_builder *b, size_t i);

/* ---- updater sets: the names list() reported ---- */
struct claro_updater_list *updater_list_new(void);
void updater_list_free(struct claro_updater_list *l);
/* CLARO_ERR_CONFLICT for a name given twice, CLARO_ERR_INVALID for an empty
 * or overlong name or unknown flag bits. */
enum claro_status updater_list_add(struct claro_updater_list *l, const char *name, uint32_t flags,
				   struct error *err);
size_t updater_list_count(const struct claro_updater_list *l);
const char *updater_list_name(const struct claro_updater_list *l, size_t i);
uint32_t updater_list_flags(const struct claro_updater_list *l, size_t i);

/* ---- one run of one updater ----
 * By default the update keeps every record until it is freed (tests, tools
 * that print them). The updater runner streams them instead (see
 * update_stream_to): each record is checked and copied as always, handed to
 * the stream and dropped, so memory does not grow with the feed. Deletes and
 * the fingerprint are always kept. */
/* prev_fingerprint: what the last successful run stored, or NULL. */
struct claro_update *update_new(const char *updater, const char *prev_fingerprint);
void update_free(struct claro_update *up);
const char *update_updater(const struct claro_update *up);
const char *update_prev_fingerprint(const struct claro_update *up);
const char *update_fingerprint(const struct claro_update *up); /* set by the plugin, or NULL */
enum claro_status update_set_fingerprint(struct claro_update *up, const char *fingerprint, struct error *err);
/* The copy's updater is set to the update's; its id is cleared. */
enum claro_status update_add_vulnerability(struct claro_update *up, const struct claro_vulnerability *v,
					   struct error *err);
/* json must be one JSON object or array (checked with jansson, duplicate
 * keys refused); the text is kept as given. tags: NULL-terminated, 1 to 64. */
enum claro_status update_add_enrichment(struct claro_update *up, const char *const *tags, const char *json,
					struct error *err);
enum claro_status update_add_delete(struct claro_update *up, const char *name, struct error *err);
size_t update_n_vulnerabilities(const struct claro_update *up);
const struct claro_vulnerability *update_vulnerability(const struct claro_update *up, size_t i);
size_t update_n_enrichments(const struct claro_update *up);
const char *const *update_enrichment_tags(const struct claro_update *up, size_t i);
const char *update_enrichment_json(const struct claro_update *up, size_t i);
size_t update_n_deletes(const struct claro_update *up);
const char *update_delete_name(const struct claro_update *up, size_t i);

/* Where a streaming update hands its records. A NULL callback takes none of
 * that kind: such records are still checked and counted, then dropped (the
 * runner refuses a run whose kinds are wrong). The record and strings are
 * borrowed for the call. */
struct update_stream {
	enum claro_status (*vulnerability)(void *arg, const struct claro_vulnerability *v, struct error *err);
	enum claro_status (*enrichment)(void *arg, const char *const *tags, const char *json,
					struct error *err);
	void *arg;
};
/* From now on records go to stream (copied into up), not into memory: the
 * update_n_* counts go on counting them, update_vulnerability() and
 * update_enrichment_*() see only those kept before. */
void update_stream_to(struct claro_update *up, const struct update_stream *stream);
/* The first failure of the stream: once it failed, every later emit fails
 * the same way, and a plugin that ignored the error must not see its run
 * stored. CLARO_OK (err untouched) while none; else the status, with the
 * stream's error copied to err. */
enum claro_status update_stream_failure(const struct claro_update *up, struct error *err);

/* ---- enricher output: JSON per vulnerability id ---- */
struct claro_enrichment_out *enrichment_out_new(void);
void enrichment_out_free(struct claro_enrichment_out *o);
enum claro_status enrichment_out_add(struct claro_enrichment_out *o, const char *vuln_id, const char *json,
				     struct error *err);
size_t enrichment_out_count(const struct claro_enrichment_out *o);
const char *enrichment_out_vuln_id(const struct claro_enrichment_out *o, size_t i);
const char *enrichment_out_json(const struct claro_enrichment_out *o, size_t i);

/* ---- where host->enrichment_get() reads stored enrichments ----
 * The store implements this in a later stage; enrichment_memstore is the
 * in-memory one (tests, claroctl --local before a store exists). */
typedef int (*enrichment_fn)(void *arg, const char *json);
struct enrichment_source {
	/* Call fn for every enrichment stored by updater with tag, in the order
	 * stored; stop early (returning CLARO_OK) if fn returns non-zero. */
	enum claro_status (*get)(void *impl, const char *updater, const char *tag, enrichment_fn fn,
				 void *arg, struct error *err);
	void *impl;
};

struct enrichment_memstore;
struct enrichment_memstore *enrichment_memstore_new(void);
void enrichment_memstore_free(struct enrichment_memstore *ms);
/* Copy every enrichment the update emitted, under its updater's name. */
enum claro_status enrichment_memstore_add_update(struct enrichment_memstore *ms,
						 const struct claro_update *up, struct error *err);
size_t enrichment_memstore_count(const struct enrichment_memstore *ms);
/* A source reading ms; valid while ms lives. */
struct enrichment_source enrichment_memstore_source(struct enrichment_memstore *ms);

#endif /* CLARO_CORE_SINKS_H */
