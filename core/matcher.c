/* IndexReport → index records → matcher plugins → VulnerabilityReport.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include "matcher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexreport.h"
#include "log.h"
#include "recordcopy.h"
#include "strutil.h"
#include "vulnjson.h"

/* ---- index records from the IndexReport JSON (strings borrow from it) ---- */

#define KIND_MAX 32

struct record {
	struct claro_index_record r;
	struct claro_package pkg;
	struct claro_package src;
	struct claro_distribution dist;
	struct claro_repository repo;
	const char *package_id;
	char kind[KIND_MAX];
	char src_kind[KIND_MAX];
};

struct records {
	struct record *v;
	size_t n, cap;
};

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static void package_from_json(json_t *o, struct claro_package *p, char *kind_buf)
{
	char *kind = NULL;

	memset(p, 0, sizeof(*p));
	p->struct_size = sizeof(*p);
	p->name = jstr(o, "name");
	p->version = jstr(o, "version");
	p->kind = jstr(o, "kind");
	p->arch = jstr(o, "arch");
	p->module = jstr(o, "module");
	p->cpe = jstr(o, "cpe");
	if (vulnjson_parse_normalized(jstr(o, "normalized_version"), &p->normalized_version, &kind) != 0 ||
	    strlen(p->normalized_version.kind) >= KIND_MAX) {
		/* A report we did not write may carry other text: match without it. */
		memset(&p->normalized_version, 0, sizeof(p->normalized_version));
		kind_buf[0] = '\0';
	} else {
		snprintf(kind_buf, KIND_MAX, "%s", p->normalized_version.kind);
	}
	p->normalized_version.kind = kind_buf;
	free(kind);
}

static struct record *records_push(struct records *rs)
{
	if (rs->n == rs->cap) {
		size_t ncap = rs->cap ? rs->cap * 2 : 256;
		struct record *nv = realloc(rs->v, ncap * sizeof(*nv));

		if (!nv)
			return NULL;
		rs->v = nv;
		rs->cap = ncap;
	}
	memset(&rs->v[rs->n], 0, sizeof(rs->v[rs->n]));
	return &rs->v[rs->n++];
}

/* One record: package (with its source), the environment's distribution
 * and one of its repositories (repo may be NULL). */
static enum claro_status record_add(struct records *rs, const char *pkg_id, json_t *pkg, json_t *dist,
				    json_t *repo)
{
	struct record *rec = records_push(rs);
	json_t *src = json_object_get(pkg, "source");

	if (!rec)
		return CLARO_ERR_NOMEM;
	rec->package_id = pkg_id;
	package_from_json(pkg, &rec->pkg, rec->kind);
	if (json_is_object(src) && *jstr(src, "name")) {
		package_from_json(src, &rec->src, rec->src_kind);
		rec->pkg.source = &rec->src;
	}
	if (dist)
		index_report_distribution_view(dist, &rec->dist);
	if (repo)
		index_report_repository_view(repo, &rec->repo);
	return CLARO_OK;
}

/* Clair's IndexReport.IndexRecords(): per package, per environment, one
 * record per repository, or one without a repository. */
static enum claro_status records_build(json_t *report, struct records *rs)
{
	json_t *pkgs = json_object_get(report, "packages"), *pkg, *envs, *env, *rid;
	json_t *dists = json_object_get(report, "distributions"),
	       *repos = json_object_get(report, "repository");
	const char *pkg_id;
	size_t i, j;
	enum claro_status st;

	json_object_foreach(pkgs, pkg_id, pkg)
	{
		envs = json_object_get(json_object_get(report, "environments"), pkg_id);
		json_array_foreach(envs, i, env)
		{
			json_t *dist = json_object_get(dists, jstr(env, "distribution_id"));
			json_t *ids = json_object_get(env, "repository_ids");

			if (!json_array_size(ids)) {
				if ((st = record_add(rs, pkg_id, pkg, dist, NULL)) != CLARO_OK)
					return st;
				continue;
			}
			json_array_foreach(ids, j, rid)
			{
				json_t *repo = json_object_get(
				    repos, json_string_value(rid) ? json_string_value(rid) : "");

				if ((st = record_add(rs, pkg_id, pkg, dist, repo)) != CLARO_OK)
					return st;
			}
		}
	}
	/* Pointers into the array are stable only once it stops growing. */
	for (i = 0; i < rs->n; i++) {
		struct record *rec = &rs->v[i];

		if (rec->pkg.source)
			rec->pkg.source = &rec->src;
		rec->pkg.normalized_version.kind = rec->kind;
		rec->src.normalized_version.kind = rec->src_kind;
		rec->r.struct_size = sizeof(rec->r);
		rec->r.package = &rec->pkg;
		rec->r.distribution = rec->dist.struct_size ? &rec->dist : NULL;
		rec->r.repository = rec->repo.struct_size ? &rec->repo : NULL;
	}
	return CLARO_OK;
}

/* ---- running one matcher over the records ---- */

struct match_run {
	const struct component_ref *ref;
	const struct claro_matcher_ops *ops;
	const struct record *rec;
	json_t *vulns;    /* id → Vulnerability */
	json_t *pkgvulns; /* package id → [id] */
	struct matcher_stats *stats;
	struct matched_vulns *matched; /* or NULL */
	enum claro_status st;
	struct error *err;
};

static int id_listed(json_t *list, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
	{
		if (strcmp(json_string_value(v), id) == 0)
			return 1;
	}
	return 0;
}

static enum claro_status matched_add(struct matched_vulns *mv, const struct claro_vulnerability *v)
{
	struct error err = ERROR_INIT;
	enum claro_status st;

	if (mv->n == mv->cap) {
		size_t ncap = mv->cap ? mv->cap * 2 : 64;
		struct claro_vulnerability **nv = realloc(mv->v, ncap * sizeof(*nv));

		if (!nv)
			return CLARO_ERR_NOMEM;
		mv->v = nv;
		mv->cap = ncap;
	}
	st = record_copy_vulnerability(v, &mv->v[mv->n], &err);
	error_clear(&err);
	if (st == CLARO_OK)
		mv->n++;
	return st;
}

void matched_vulns_free(struct matched_vulns *mv)
{
	for (size_t i = 0; i < mv->n; i++)
		record_free_vulnerability(mv->v[i]);
	free(mv->v);
	memset(mv, 0, sizeof(*mv));
}

static enum claro_status report_add(struct match_run *m, const struct claro_vulnerability *v)
{
	const char *id = v->id ? v->id : "";
	json_t *list = json_object_get(m->pkgvulns, m->rec->package_id);

	if (!json_object_get(m->vulns, id)) {
		json_t *vj = vulnjson_encode(v);

		if (!vj || json_object_set_new(m->vulns, id, vj))
			return CLARO_ERR_NOMEM;
		if (m->matched && matched_add(m->matched, v) != CLARO_OK)
			return CLARO_ERR_NOMEM;
	}
	if (!list) {
		if (!(list = json_array()) || json_object_set_new(m->pkgvulns, m->rec->package_id, list))
			return CLARO_ERR_NOMEM;
	}
	if (id_listed(list, id))
		return CLARO_OK;
	if (json_array_append_new(list, json_string(id)))
		return CLARO_ERR_NOMEM;
	m->stats->matches++;
	return CLARO_OK;
}

/* store_vuln_fn: decide one candidate. Non-zero stops the read on error. */
static int on_candidate(void *arg, const struct claro_vulnerability *v)
{
	struct match_run *m = arg;
	int vulnerable = 1;

	m->stats->candidates++;
	/* An authoritative range filter is final (Clair's gobin); so is a
	 * matcher without vulnerable(). */
	if (m->ops->vulnerable && (!(m->ops->flags & CLARO_MATCHER_AUTHORITATIVE) ||
				   !(m->ops->flags & CLARO_MATCHER_VERSION_FILTER))) {
		struct plugin_call call;

		plugin_call_begin(&call, m->ref);
		m->st =
		    plugin_call_end(&call, m->ops->vulnerable(&call.ctx, &m->rec->r, v, &vulnerable), m->err);
		if (m->st != CLARO_OK)
			return 1;
	}
	if (vulnerable && (m->st = report_add(m, v)) != CLARO_OK) {
		error_set(m->err, m->st, "out of memory while building the vulnerability report");
		return 1;
	}
	return 0;
}

static int record_matchable(const struct record *rec)
{
	const char *kind = rec->pkg.normalized_version.kind;

	return !(kind && strcmp(kind, "unmatchable") == 0) && *rec->pkg.name;
}

/* A wanted record and what its query is grouped by. */
struct batch_item {
	const struct record *rec;
	uint32_t constraints;
	size_t order;
};

static int field_cmp(const char *a, const char *b)
{
	if (a == b) /* records of one environment share the report's strings */
		return 0;
	return strcmp(a ? a : "", b ? b : "");
}

/* The fields the constraints make part of the query, in the store's order. */
static int constrained_cmp(const struct record *a, const struct record *b, uint32_t c)
{
	static const struct claro_distribution none_d = {0};
	static const struct claro_repository none_r = {0};
	const struct claro_distribution *da = a->r.distribution ? a->r.distribution : &none_d;
	const struct claro_distribution *db = b->r.distribution ? b->r.distribution : &none_d;
	const struct claro_repository *ra = a->r.repository ? a->r.repository : &none_r;
	const struct claro_repository *rb = b->r.repository ? b->r.repository : &none_r;
	const struct {
		uint32_t bit;
		const char *x, *y;
	} f[] = {
	    {CLARO_MATCH_PACKAGE_MODULE, a->pkg.module, b->pkg.module},
	    {CLARO_MATCH_DIST_DID, da->did, db->did},
	    {CLARO_MATCH_DIST_NAME, da->name, db->name},
	    {CLARO_MATCH_DIST_VERSION, da->version, db->version},
	    {CLARO_MATCH_DIST_VERSION_CODE_NAME, da->version_code_name, db->version_code_name},
	    {CLARO_MATCH_DIST_VERSION_ID, da->version_id, db->version_id},
	    {CLARO_MATCH_DIST_ARCH, da->arch, db->arch},
	    {CLARO_MATCH_DIST_CPE, da->cpe, db->cpe},
	    {CLARO_MATCH_DIST_PRETTY_NAME, da->pretty_name, db->pretty_name},
	    {CLARO_MATCH_REPOSITORY_NAME, ra->name, rb->name},
	    {CLARO_MATCH_REPOSITORY_KEY, ra->key, rb->key},
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		int r = (c & f[i].bit) ? field_cmp(f[i].x, f[i].y) : 0;

		if (r)
			return r;
	}
	return 0;
}

/* The name most of a record's candidates are stored under: its source's
 * (distributions key advisories by source package) or its own. */
static const char *lookup_name(const struct record *rec)
{
	return rec->pkg.source && *rec->src.name ? rec->src.name : rec->pkg.name;
}

/* By the constrained fields (a group), then by lookup name, so the records
 * of one source fall in one batch and its rows are read once (in index
 * order, an image's subpackages were a batch apart: every batch read every
 * source's rows again). */
static int batch_item_cmp(const void *a, const void *b)
{
	const struct batch_item *x = a, *y = b;
	int r = constrained_cmp(x->rec, y->rec, x->constraints);

	if (r || (r = strcmp(lookup_name(x->rec), lookup_name(y->rec))) != 0)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Same group: the constrained fields agree. */
static int same_group(const struct batch_item *x, const struct batch_item *y)
{
	return constrained_cmp(x->rec, y->rec, x->constraints) == 0;
}

struct batch_run {
	struct match_run *m;
	const struct batch_item *items;
};

static int on_batch_candidate(void *arg, size_t i, const struct claro_vulnerability *v)
{
	struct batch_run *br = arg;

	br->m->rec = br->items[i].rec;
	return on_candidate(br->m, v);
}

/* One source query per group of records that agree on the constrained
 * fields, at most STORE_MATCH_BATCH_MAX records each: an image's packages
 * mostly share one distribution, so a 1,000-package report costs a handful
 * of round trips instead of 1,000. */
static enum claro_status match_batches(const struct matcher_source *src, struct batch_item *items, size_t n,
				       int version_filter, struct match_run *m, struct error *err)
{
	const struct claro_index_record *recs[STORE_MATCH_BATCH_MAX];
	size_t i = 0;

	qsort(items, n, sizeof(*items), batch_item_cmp);
	while (i < n) {
		struct store_match_batch b = {recs, 0, items[i].constraints, version_filter};
		struct batch_run br = {m, &items[i]};
		enum claro_status st;

		while (i + b.n < n && b.n < STORE_MATCH_BATCH_MAX && same_group(&items[i + b.n], &items[i])) {
			recs[b.n] = &items[i + b.n].rec->r;
			b.n++;
		}
		m->st = CLARO_OK;
		m->stats->queries++;
		if ((st = src->match_batch(src->arg, &b, on_batch_candidate, &br, err)) != CLARO_OK)
			return st;
		if (m->st != CLARO_OK)
			return m->st;
		i += b.n;
	}
	return CLARO_OK;
}

/* One match() per record (sources without match_batch). */
static enum claro_status match_each(const struct matcher_source *src, const struct batch_item *items,
				    size_t n, int version_filter, struct match_run *m, struct error *err)
{
	for (size_t i = 0; i < n; i++) {
		struct store_match_query q = {&items[i].rec->r, items[i].constraints, version_filter};
		enum claro_status st;

		m->rec = items[i].rec;
		m->st = CLARO_OK;
		m->stats->queries++;
		if ((st = src->match(src->arg, &q, on_candidate, m, err)) != CLARO_OK)
			return st;
		if (m->st != CLARO_OK)
			return m->st;
	}
	return CLARO_OK;
}

static enum claro_status run_matcher(const struct component_ref *ref, const struct matcher_source *src,
				     const struct records *rs, struct match_run *m, struct error *err)
{
	const struct claro_matcher_ops *ops = ref->component->ops;
	struct batch_item *items;
	struct plugin_call call;
	uint32_t constraints;
	size_t n = 0;
	int version_filter = (ops->flags & CLARO_MATCHER_VERSION_FILTER) != 0;
	enum claro_status st;

	m->ref = ref;
	m->ops = ops;
	plugin_call_begin(&call, ref);
	constraints = ops->query(&call.ctx);
	if ((st = plugin_call_end(&call, CLARO_OK, err)) != CLARO_OK)
		return st;
	if (!(items = calloc(rs->n ? rs->n : 1, sizeof(*items))))
		return error_set(err, CLARO_ERR_NOMEM,
				 "out of memory while building the vulnerability report");
	for (size_t i = 0; i < rs->n; i++) {
		int wanted;

		if (!record_matchable(&rs->v[i]))
			continue;
		plugin_call_begin(&call, ref);
		wanted = ops->filter(&call.ctx, &rs->v[i].r);
		if ((st = plugin_call_end(&call, CLARO_OK, err)) != CLARO_OK) {
			free(items);
			return st;
		}
		if (wanted) {
			items[n] = (struct batch_item){&rs->v[i], constraints, n};
			n++;
		}
	}
	st = src->match_batch ? match_batches(src, items, n, version_filter, m, err)
			      : match_each(src, items, n, version_filter, m, err);
	free(items);
	return st;
}

/* ---- the report ---- */

static json_t *report_skeleton(json_t *index_report)
{
	static const char *const keep[] = {"manifest_hash", "packages", "distributions", "repository",
					   "environments"};
	json_t *out = json_object();

	if (!out)
		return NULL;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		json_t *v = json_object_get(index_report, keep[i]);

		if (json_object_set_new(out, keep[i], v ? json_incref(v) : json_object())) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

enum claro_status matcher_report(const struct registry *reg, const struct matcher_source *src,
				 json_t *index_report, json_t **out, struct matcher_stats *stats,
				 struct matched_vulns *matched, struct error *err)
{
	struct records rs = {0};
	struct matcher_stats local = {0};
	struct match_run m = {0};
	json_t *report = NULL;
	enum claro_status st;
	size_t n = registry_count(reg, CLARO_KIND_MATCHER);
	int bad;

	*out = NULL;
	m.stats = stats ? stats : &local;
	memset(m.stats, 0, sizeof(*m.stats));
	m.err = err;
	m.matched = matched;
	if (!json_is_object(json_object_get(index_report, "packages"))) {
		error_set(err, CLARO_ERR_INVALID, "malformed index report");
		error_detail(err, "The report has no \"packages\" object.");
		return CLARO_ERR_INVALID;
	}
	if ((st = records_build(index_report, &rs)) != CLARO_OK)
		goto nomem;
	m.stats->records = rs.n;
	m.vulns = json_object();
	m.pkgvulns = json_object();
	if (!m.vulns || !m.pkgvulns)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		if ((st = run_matcher(registry_at(reg, CLARO_KIND_MATCHER, i), src, &rs, &m, err)) !=
		    CLARO_OK) {
			error_prefix(err, "matcher %s",
				     registry_at(reg, CLARO_KIND_MATCHER, i)->component->name);
			goto fail;
		}
	}
	if (!(report = report_skeleton(index_report)))
		goto nomem;
	/* set_new consumes its value even when it fails */
	bad = json_object_set_new(report, "vulnerabilities", m.vulns);
	bad |= json_object_set_new(report, "package_vulnerabilities", m.pkgvulns);
	bad |= json_object_set_new(report, "enrichments", json_object());
	m.vulns = m.pkgvulns = NULL;
	if (bad)
		goto nomem;
	free(rs.v);
	*out = report;
	return CLARO_OK;
nomem:
	st = error_set(err, CLARO_ERR_NOMEM, "out of memory while building the vulnerability report");
fail:
	json_decref(report);
	json_decref(m.vulns);
	json_decref(m.pkgvulns);
	free(rs.v);
	return st;
}

static enum claro_status store_match(void *arg, const struct store_match_query *q, store_vuln_fn fn,
				     void *fn_arg, struct error *err)
{
	return store_vulnerabilities_match(arg, q, fn, fn_arg, err);
}

static enum claro_status store_match_batch(void *arg, const struct store_match_batch *b,
					   store_batch_vuln_fn fn, void *fn_arg, struct error *err)
{
	return store_vulnerabilities_match_batch(arg, b, fn, fn_arg, err);
}

void matcher_store_source(struct matcher_source *src, struct store *s)
{
	src->match = store_match;
	src->match_batch = store_match_batch;
	src->arg = s;
}
