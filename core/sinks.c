/* In-memory sinks for plugin output. SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "recordcopy.h"
#include "sinks.h"

#define MAX_TAGS 64

/* A growable array of owned pointers. */
struct vec {
	void **v;
	size_t n;
	size_t cap;
};

static enum claro_status vec_push(struct vec *vec, void *p)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 8;
		void **v = realloc(vec->v, cap * sizeof(*v));
		if (!v)
			return CLARO_ERR_NOMEM;
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = p;
	return CLARO_OK;
}

static void vec_free(struct vec *vec, void (*free_item)(void *))
{
	for (size_t i = 0; i < vec->n; i++)
		free_item(vec->v[i]);
	free(vec->v);
	vec->v = NULL;
	vec->n = vec->cap = 0;
}

static const void *vec_at(const struct vec *vec, size_t i)
{
	return i < vec->n ? vec->v[i] : NULL;
}

static enum claro_status nomem(struct error *err)
{
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

/* Push p, or free it with free_item and report out of memory. */
static enum claro_status push_or_free(struct vec *vec, void *p, void (*free_item)(void *), struct error *err)
{
	if (vec_push(vec, p) != CLARO_OK) {
		free_item(p);
		return nomem(err);
	}
	return CLARO_OK;
}

static void free_package(void *p)
{
	record_free_package(p);
}
static void free_distribution(void *p)
{
	record_free_distribution(p);
}
static void free_repository(void *p)
{
	record_free_repository(p);
}
static void free_file(void *p)
{
	record_free_file(p);
}
static void free_vulnerability(void *p)
{
	record_free_vulnerability(p);
}

/* A name an updater or a delete refers to: non-empty, bounded, printable. */
static enum claro_status check_name(const char *name, const char *what, struct error *err)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > SINK_MAX_NAME) {
		error_set(err, CLARO_ERR_INVALID, "invalid %s name", what);
		error_detail(err, "A %s name must have 1 to %d bytes; this one has %zu.", what, SINK_MAX_NAME,
			     len);
		return CLARO_ERR_INVALID;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f) {
			error_set(err, CLARO_ERR_INVALID, "invalid %s name", what);
			error_detail(err, "The name contains the control character 0x%02x.", c);
			return CLARO_ERR_INVALID;
		}
	}
	return CLARO_OK;
}

/* A copy of json if it is one JSON object or array. The text is kept as the
 * plugin wrote it: re-encoding would rewrite numbers (0.97 comes back as
 * 0.96999999999999997 from jansson). */
static enum claro_status checked_json(const char *json, char **out, struct error *err)
{
	json_error_t jerr;
	json_t *j;

	*out = NULL;
	if (!json) {
		error_set(err, CLARO_ERR_INVALID, "invalid enrichment JSON");
		error_detail(err, "The plugin passed NULL instead of a JSON text.");
		return CLARO_ERR_INVALID;
	}
	j = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		error_set(err, CLARO_ERR_INVALID, "invalid enrichment JSON");
		error_detail(err, "Line %d, column %d: %s.", jerr.line, jerr.column, jerr.text);
		return CLARO_ERR_INVALID;
	}
	if (!json_is_object(j) && !json_is_array(j)) {
		json_decref(j);
		error_set(err, CLARO_ERR_INVALID, "invalid enrichment JSON");
		error_detail(err, "An enrichment must be a JSON object or array.");
		return CLARO_ERR_INVALID;
	}
	json_decref(j);
	*out = strdup(json);
	return *out ? CLARO_OK : nomem(err);
}

/* ==== scan results ==== */

struct claro_scan_result {
	struct vec packages;
	struct vec distributions;
	struct vec repositories;
	struct vec files;
};

struct claro_scan_result *scan_result_new(void)
{
	return calloc(1, sizeof(struct claro_scan_result));
}

void scan_result_free(struct claro_scan_result *r)
{
	if (!r)
		return;
	vec_free(&r->packages, free_package);
	vec_free(&r->distributions, free_distribution);
	vec_free(&r->repositories, free_repository);
	vec_free(&r->files, free_file);
	free(r);
}

enum claro_status scan_result_add_package(struct claro_scan_result *r, const struct claro_package *pkg,
					  struct error *err)
{
	struct claro_package *copy;
	enum claro_status st = record_copy_package(pkg, &copy, err);

	return st != CLARO_OK ? st : push_or_free(&r->packages, copy, free_package, err);
}

enum claro_status scan_result_add_distribution(struct claro_scan_result *r,
					       const struct claro_distribution *d, struct error *err)
{
	struct claro_distribution *copy;
	enum claro_status st = record_copy_distribution(d, &copy, err);

	return st != CLARO_OK ? st : push_or_free(&r->distributions, copy, free_distribution, err);
}

enum claro_status scan_result_add_repository(struct claro_scan_result *r, const struct claro_repository *repo,
					     struct error *err)
{
	struct claro_repository *copy;
	enum claro_status st = record_copy_repository(repo, &copy, err);

	return st != CLARO_OK ? st : push_or_free(&r->repositories, copy, free_repository, err);
}

enum claro_status scan_result_add_file(struct claro_scan_result *r, const struct claro_file_record *f,
				       struct error *err)
{
	struct claro_file_record *copy;
	enum claro_status st = record_copy_file(f, &copy, err);

	return st != CLARO_OK ? st : push_or_free(&r->files, copy, free_file, err);
}

size_t scan_result_n_packages(const struct claro_scan_result *r)
{
	return r->packages.n;
}
size_t scan_result_n_distributions(const struct claro_scan_result *r)
{
	return r->distributions.n;
}
size_t scan_result_n_repositories(const struct claro_scan_result *r)
{
	return r->repositories.n;
}
size_t scan_result_n_files(const struct claro_scan_result *r)
{
	return r->files.n;
}
const struct claro_package *scan_result_package(const struct claro_scan_result *r, size_t i)
{
	return vec_at(&r->packages, i);
}
const struct claro_distribution *scan_result_distribution(const struct claro_scan_result *r, size_t i)
{
	return vec_at(&r->distributions, i);
}
const struct claro_repository *scan_result_repository(const struct claro_scan_result *r, size_t i)
{
	return vec_at(&r->repositories, i);
}
const struct claro_file_record *scan_result_file(const struct claro_scan_result *r, size_t i)
{
	return vec_at(&r->files, i);
}

/* ==== index builder ==== */

struct index_entry {
	struct claro_package *package;
	struct claro_environment *environment;
};

struct claro_index_builder {
	struct vec entries;
};

static void free_index_entry(void *p)
{
	struct index_entry *e = p;

	record_free_package(e->package);
	record_free_environment(e->environment);
	free(e);
}

struct claro_index_builder *index_builder_new(void)
{
	return calloc(1, sizeof(struct claro_index_builder));
}

void index_builder_free(struct claro_index_builder *b)
{
	if (!b)
		return;
	vec_free(&b->entries, free_index_entry);
	free(b);
}

enum claro_status index_builder_add(struct claro_index_builder *b, const struct claro_package *pkg,
				    const struct claro_environment *env, struct error *err)
{
	struct index_entry *e = calloc(1, sizeof(*e));
	enum claro_status st;

	if (!e)
		return nomem(err);
	if (!env) {
		free(e);
		error_set(err, CLARO_ERR_INVALID, "invalid environment record");
		error_detail(err,
			     "Every package a coalescer adds needs an environment (where it was found).");
		return CLARO_ERR_INVALID;
	}
	st = record_copy_package(pkg, &e->package, err);
	if (st == CLARO_OK)
		st = record_copy_environment(env, &e->environment, err);
	if (st != CLARO_OK) {
		free_index_entry(e);
		return st;
	}
	return push_or_free(&b->entries, e, free_index_entry, err);
}

size_t index_builder_count(const struct claro_index_builder *b)
{
	return b->entries.n;
}

const struct claro_package *index_builder_package(const struct claro_index_builder *b, size_t i)
{
	const struct index_entry *e = vec_at(&b->entries, i);
	return e ? e->package : NULL;
}

const struct claro_environment *index_builder_environment(const struct claro_index_builder *b, size_t i)
{
	const struct index_entry *e = vec_at(&b->entries, i);
	return e ? e->environment : NULL;
}

/* ==== updater list ==== */

struct updater_entry {
	char *name;
	uint32_t flags;
};

struct claro_updater_list {
	struct vec entries;
};

static void free_updater_entry(void *p)
{
	struct updater_entry *e = p;

	free(e->name);
	free(e);
}

struct claro_updater_list *updater_list_new(void)
{
	return calloc(1, sizeof(struct claro_updater_list));
}

void updater_list_free(struct claro_updater_list *l)
{
	if (!l)
		return;
	vec_free(&l->entries, free_updater_entry);
	free(l);
}

enum claro_status updater_list_add(struct claro_updater_list *l, const char *name, uint32_t flags,
				   struct error *err)
{
	const uint32_t known = CLARO_UPDATER_ENRICHMENT | CLARO_UPDATER_DELTA;
	struct updater_entry *e;
	enum claro_status st;

	if ((st = check_name(name, "updater", err)) != CLARO_OK)
		return st;
	if (flags & ~known) {
		error_set(err, CLARO_ERR_INVALID, "invalid flags for updater \"%s\"", name);
		error_detail(err, "Flags 0x%x are not defined in this plugin ABI.", flags & ~known);
		return CLARO_ERR_INVALID;
	}
	for (size_t i = 0; i < l->entries.n; i++) {
		const struct updater_entry *have = l->entries.v[i];
		if (strcmp(have->name, name) == 0) {
			error_set(err, CLARO_ERR_CONFLICT, "duplicate updater \"%s\"", name);
			error_detail(err, "The updater set named \"%s\" twice in one list().", name);
			return CLARO_ERR_CONFLICT;
		}
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->name = strdup(name))) {
		free(e);
		return nomem(err);
	}
	e->flags = flags;
	return push_or_free(&l->entries, e, free_updater_entry, err);
}

size_t updater_list_count(const struct claro_updater_list *l)
{
	return l->entries.n;
}

const char *updater_list_name(const struct claro_updater_list *l, size_t i)
{
	const struct updater_entry *e = vec_at(&l->entries, i);
	return e ? e->name : NULL;
}

uint32_t updater_list_flags(const struct claro_updater_list *l, size_t i)
{
	const struct updater_entry *e = vec_at(&l->entries, i);
	return e ? e->flags : 0;
}

/* ==== update ==== */

struct enrichment_entry {
	char *updater;
	char **tags; /* NULL-terminated */
	char *json;
};

static void free_enrichment_entry(void *p)
{
	struct enrichment_entry *e = p;

	if (e->tags)
		for (size_t i = 0; e->tags[i]; i++)
			free(e->tags[i]);
	free(e->tags);
	free(e->updater);
	free(e->json);
	free(e);
}

static enum claro_status copy_tags(const char *const *tags, char ***out, struct error *err)
{
	size_t n = 0;
	char **copy;

	*out = NULL;
	while (tags && n <= MAX_TAGS && tags[n])
		n++;
	if (n == 0 || n > MAX_TAGS) {
		error_set(err, CLARO_ERR_INVALID, "invalid enrichment tags");
		error_detail(err, "An enrichment needs 1 to %d tags; %s.", MAX_TAGS,
			     n ? "more were given" : "none were given");
		return CLARO_ERR_INVALID;
	}
	copy = calloc(n + 1, sizeof(*copy));
	if (!copy)
		return nomem(err);
	for (size_t i = 0; i < n; i++) {
		if (!(copy[i] = strdup(tags[i]))) {
			for (size_t j = 0; j < i; j++)
				free(copy[j]);
			free(copy);
			return nomem(err);
		}
	}
	*out = copy;
	return CLARO_OK;
}

static void free_string(void *p)
{
	free(p);
}

struct claro_update {
	char *updater;
	char *prev_fingerprint;
	char *fingerprint;
	struct vec vulnerabilities; /* kept (not streamed) records */
	struct vec enrichments;
	struct vec deletes;
	size_t n_vulnerabilities; /* emitted, kept or streamed */
	size_t n_enrichments;
	int streaming;
	struct update_stream stream;
	struct error stream_err; /* the stream's first failure */
};

struct claro_update *update_new(const char *updater, const char *prev_fingerprint)
{
	struct claro_update *up = calloc(1, sizeof(*up));

	if (!up)
		return NULL;
	up->updater = strdup(updater ? updater : "");
	if (prev_fingerprint)
		up->prev_fingerprint = strdup(prev_fingerprint);
	if (!up->updater || (prev_fingerprint && !up->prev_fingerprint)) {
		update_free(up);
		return NULL;
	}
	return up;
}

void update_free(struct claro_update *up)
{
	if (!up)
		return;
	free(up->updater);
	free(up->prev_fingerprint);
	free(up->fingerprint);
	vec_free(&up->vulnerabilities, free_vulnerability);
	vec_free(&up->enrichments, free_enrichment_entry);
	vec_free(&up->deletes, free_string);
	error_clear(&up->stream_err);
	free(up);
}

const char *update_updater(const struct claro_update *up)
{
	return up->updater;
}

const char *update_prev_fingerprint(const struct claro_update *up)
{
	return up->prev_fingerprint;
}

const char *update_fingerprint(const struct claro_update *up)
{
	return up->fingerprint;
}

enum claro_status update_set_fingerprint(struct claro_update *up, const char *fingerprint, struct error *err)
{
	char *copy = NULL;

	if (fingerprint && !(copy = strdup(fingerprint)))
		return nomem(err);
	free(up->fingerprint);
	up->fingerprint = copy;
	return CLARO_OK;
}

/* dst = a copy of src (its message, detail and hint). */
static void error_copy(struct error *dst, const struct error *src)
{
	error_set(dst, src->status != CLARO_OK ? src->status : CLARO_ERR_INTERNAL, "%s",
		  src->message ? src->message : status_text(src->status));
	if (src->detail)
		error_detail(dst, "%s", src->detail);
	if (src->hint)
		error_hint(dst, "%s", src->hint);
}

/* The stream failed before: this emit fails the same way. */
static enum claro_status stream_failed(const struct claro_update *up, struct error *err)
{
	error_copy(err, &up->stream_err);
	return up->stream_err.status;
}

/* Keep the stream's failure (err holds it) for later emits and the runner. */
static enum claro_status stream_result(struct claro_update *up, enum claro_status st, struct error *err)
{
	if (st != CLARO_OK && up->stream_err.status == CLARO_OK) {
		if (err->status == CLARO_OK)
			error_set(err, st, "could not store the updater's records");
		error_copy(&up->stream_err, err);
		up->stream_err.status = st;
	}
	return st;
}

enum claro_status update_add_vulnerability(struct claro_update *up, const struct claro_vulnerability *v,
					   struct error *err)
{
	struct claro_vulnerability *copy;
	enum claro_status st;

	if (up->stream_err.status != CLARO_OK)
		return stream_failed(up, err);
	if ((st = record_copy_vulnerability(v, &copy, err)) != CLARO_OK)
		return st;
	if (record_set_string(&copy->id, NULL) != CLARO_OK ||
	    record_set_string(&copy->updater, up->updater) != CLARO_OK) {
		record_free_vulnerability(copy);
		return nomem(err);
	}
	if (!up->streaming) {
		if ((st = push_or_free(&up->vulnerabilities, copy, free_vulnerability, err)) == CLARO_OK)
			up->n_vulnerabilities++;
		return st;
	}
	up->n_vulnerabilities++;
	st = up->stream.vulnerability ? up->stream.vulnerability(up->stream.arg, copy, err) : CLARO_OK;
	record_free_vulnerability(copy);
	return stream_result(up, st, err);
}

enum claro_status update_add_enrichment(struct claro_update *up, const char *const *tags, const char *json,
					struct error *err)
{
	struct enrichment_entry *e;
	enum claro_status st;

	if (up->stream_err.status != CLARO_OK)
		return stream_failed(up, err);
	if (!(e = calloc(1, sizeof(*e))))
		return nomem(err);
	st = copy_tags(tags, &e->tags, err);
	if (st == CLARO_OK)
		st = checked_json(json, &e->json, err);
	if (st == CLARO_OK && !(e->updater = strdup(up->updater)))
		st = nomem(err);
	if (st != CLARO_OK) {
		free_enrichment_entry(e);
		return st;
	}
	if (!up->streaming) {
		if ((st = push_or_free(&up->enrichments, e, free_enrichment_entry, err)) == CLARO_OK)
			up->n_enrichments++;
		return st;
	}
	up->n_enrichments++;
	st = up->stream.enrichment
		 ? up->stream.enrichment(up->stream.arg, (const char *const *)e->tags, e->json, err)
		 : CLARO_OK;
	free_enrichment_entry(e);
	return stream_result(up, st, err);
}

enum claro_status update_add_delete(struct claro_update *up, const char *name, struct error *err)
{
	char *copy;
	enum claro_status st;

	if ((st = check_name(name, "vulnerability", err)) != CLARO_OK)
		return st;
	if (!(copy = strdup(name)))
		return nomem(err);
	return push_or_free(&up->deletes, copy, free_string, err);
}

size_t update_n_vulnerabilities(const struct claro_update *up)
{
	return up->n_vulnerabilities;
}

const struct claro_vulnerability *update_vulnerability(const struct claro_update *up, size_t i)
{
	return vec_at(&up->vulnerabilities, i);
}

size_t update_n_enrichments(const struct claro_update *up)
{
	return up->n_enrichments;
}

const char *const *update_enrichment_tags(const struct claro_update *up, size_t i)
{
	const struct enrichment_entry *e = vec_at(&up->enrichments, i);
	return e ? (const char *const *)e->tags : NULL;
}

const char *update_enrichment_json(const struct claro_update *up, size_t i)
{
	const struct enrichment_entry *e = vec_at(&up->enrichments, i);
	return e ? e->json : NULL;
}

size_t update_n_deletes(const struct claro_update *up)
{
	return up->deletes.n;
}

const char *update_delete_name(const struct claro_update *up, size_t i)
{
	return vec_at(&up->deletes, i);
}

void update_stream_to(struct claro_update *up, const struct update_stream *stream)
{
	up->streaming = 1;
	up->stream = *stream;
}

enum claro_status update_stream_failure(const struct claro_update *up, struct error *err)
{
	if (up->stream_err.status == CLARO_OK)
		return CLARO_OK;
	return stream_failed(up, err);
}

/* ==== enrichment output ==== */

struct enrichment_item {
	char *vuln_id;
	char *json;
};

struct claro_enrichment_out {
	struct vec items;
};

static void free_enrichment_item(void *p)
{
	struct enrichment_item *it = p;

	free(it->vuln_id);
	free(it->json);
	free(it);
}

struct claro_enrichment_out *enrichment_out_new(void)
{
	return calloc(1, sizeof(struct claro_enrichment_out));
}

void enrichment_out_free(struct claro_enrichment_out *o)
{
	if (!o)
		return;
	vec_free(&o->items, free_enrichment_item);
	free(o);
}

enum claro_status enrichment_out_add(struct claro_enrichment_out *o, const char *vuln_id, const char *json,
				     struct error *err)
{
	struct enrichment_item *it;
	enum claro_status st;

	if ((st = check_name(vuln_id, "vulnerability id", err)) != CLARO_OK)
		return st;
	it = calloc(1, sizeof(*it));
	if (!it)
		return nomem(err);
	st = checked_json(json, &it->json, err);
	if (st == CLARO_OK && !(it->vuln_id = strdup(vuln_id)))
		st = nomem(err);
	if (st != CLARO_OK) {
		free_enrichment_item(it);
		return st;
	}
	return push_or_free(&o->items, it, free_enrichment_item, err);
}

size_t enrichment_out_count(const struct claro_enrichment_out *o)
{
	return o->items.n;
}

const char *enrichment_out_vuln_id(const struct claro_enrichment_out *o, size_t i)
{
	const struct enrichment_item *it = vec_at(&o->items, i);
	return it ? it->vuln_id : NULL;
}

const char *enrichment_out_json(const struct claro_enrichment_out *o, size_t i)
{
	const struct enrichment_item *it = vec_at(&o->items, i);
	return it ? it->json : NULL;
}

/* ==== in-memory enrichment store ==== */

struct enrichment_memstore {
	struct vec entries; /* struct enrichment_entry */
};

struct enrichment_memstore *enrichment_memstore_new(void)
{
	return calloc(1, sizeof(struct enrichment_memstore));
}

void enrichment_memstore_free(struct enrichment_memstore *ms)
{
	if (!ms)
		return;
	vec_free(&ms->entries, free_enrichment_entry);
	free(ms);
}

enum claro_status enrichment_memstore_add_update(struct enrichment_memstore *ms,
						 const struct claro_update *up, struct error *err)
{
	for (size_t i = 0; i < up->enrichments.n; i++) {
		const struct enrichment_entry *src = up->enrichments.v[i];
		struct enrichment_entry *e = calloc(1, sizeof(*e));
		enum claro_status st;

		if (!e)
			return nomem(err);
		st = copy_tags((const char *const *)src->tags, &e->tags, err);
		if (st == CLARO_OK &&
		    (!(e->updater = strdup(src->updater)) || !(e->json = strdup(src->json))))
			st = nomem(err);
		if (st != CLARO_OK) {
			free_enrichment_entry(e);
			return st;
		}
		if ((st = push_or_free(&ms->entries, e, free_enrichment_entry, err)) != CLARO_OK)
			return st;
	}
	return CLARO_OK;
}

size_t enrichment_memstore_count(const struct enrichment_memstore *ms)
{
	return ms->entries.n;
}

static int has_tag(char *const *tags, const char *tag)
{
	for (size_t i = 0; tags[i]; i++)
		if (strcmp(tags[i], tag) == 0)
			return 1;
	return 0;
}

static enum claro_status memstore_get(void *impl, const char *updater, const char *tag, enrichment_fn fn,
				      void *arg, struct error *err)
{
	const struct enrichment_memstore *ms = impl;

	(void)err;
	for (size_t i = 0; i < ms->entries.n; i++) {
		const struct enrichment_entry *e = ms->entries.v[i];
		if (strcmp(e->updater, updater) == 0 && has_tag(e->tags, tag) && fn(arg, e->json) != 0)
			break;
	}
	return CLARO_OK;
}

struct enrichment_source enrichment_memstore_source(struct enrichment_memstore *ms)
{
	struct enrichment_source src = {memstore_get, ms};
	return src;
}
