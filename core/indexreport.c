/* The IndexReport model and its JSON (reference §1.7), built on jansson.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "indexreport.h"
#include "strutil.h"

struct index_report {
	json_t *root;
};

static enum claro_status nomem(struct error *err)
{
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

/* jansson's *_new reference stealing: a NULL value makes set_new fail. */
static int set_str(json_t *obj, const char *key, const char *value)
{
	return json_object_set_new(obj, key, json_string(value ? value : ""));
}

static int set_str_omitempty(json_t *obj, const char *key, const char *value)
{
	if (!value || !*value)
		return 0;
	return set_str(obj, key, value);
}

struct index_report *index_report_new(const char *manifest_hash)
{
	struct index_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->root = json_object();
	if (!r->root || set_str(r->root, "manifest_hash", manifest_hash) ||
	    set_str(r->root, "state", INDEX_STATE_CHECK_MANIFEST) ||
	    json_object_set_new(r->root, "packages", json_object()) ||
	    json_object_set_new(r->root, "distributions", json_object()) ||
	    json_object_set_new(r->root, "repository", json_object()) ||
	    json_object_set_new(r->root, "environments", json_object()) ||
	    json_object_set_new(r->root, "success", json_false()) || set_str(r->root, "err", "")) {
		index_report_free(r);
		return NULL;
	}
	return r;
}

void index_report_free(struct index_report *r)
{
	if (!r)
		return;
	json_decref(r->root);
	free(r);
}

enum claro_status index_report_set_state(struct index_report *r, const char *state, struct error *err)
{
	return set_str(r->root, "state", state) ? nomem(err) : CLARO_OK;
}

enum claro_status index_report_set_success(struct index_report *r, int success, struct error *err)
{
	return json_object_set_new(r->root, "success", json_boolean(success)) ? nomem(err) : CLARO_OK;
}

enum claro_status index_report_set_error(struct index_report *r, const char *text, struct error *err)
{
	if (set_str(r->root, "state", INDEX_STATE_INDEX_ERROR) || set_str(r->root, "err", text) ||
	    json_object_set_new(r->root, "success", json_false()))
		return nomem(err);
	return CLARO_OK;
}

char *index_report_normalized_version(const struct claro_normalized_version *v)
{
	struct buf b = BUF_INIT(256);

	if (!v->kind || !*v->kind)
		return str_dup("");
	if (buf_puts(&b, v->kind) != CLARO_OK || buf_puts(&b, ":") != CLARO_OK)
		goto fail;
	for (int i = 0; i < CLARO_NORM_VERSION_LEN; i++)
		if (buf_printf(&b, i ? ".%" PRId32 : "%" PRId32, v->v[i]) != CLARO_OK)
			goto fail;
	return buf_steal(&b);
fail:
	buf_free(&b);
	return NULL;
}

static char *id_text(int64_t id)
{
	return str_printf("%" PRId64, id);
}

/* One Package object (without its source). */
static json_t *package_json(int64_t id, const struct claro_package *pkg)
{
	json_t *o = json_object();
	char *idtext = id_text(id), *norm = index_report_normalized_version(&pkg->normalized_version);
	int bad = !o || !idtext || !norm;

	bad = bad || set_str(o, "id", idtext) || set_str(o, "name", pkg->name) ||
	      set_str(o, "version", pkg->version);
	bad = bad || set_str_omitempty(o, "kind", pkg->kind) ||
	      set_str_omitempty(o, "normalized_version", norm);
	bad = bad || set_str_omitempty(o, "module", pkg->module) || set_str_omitempty(o, "arch", pkg->arch);
	bad = bad || set_str_omitempty(o, "cpe", pkg->cpe);
	free(idtext);
	free(norm);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

enum claro_status index_report_add_package(struct index_report *r, int64_t id,
					   const struct claro_package *pkg, int64_t source_id,
					   const struct claro_package *src, struct error *err)
{
	json_t *packages = json_object_get(r->root, "packages"), *o;
	char *key = id_text(id);

	if (!key)
		return nomem(err);
	if (json_object_get(packages, key)) {
		free(key);
		return CLARO_OK;
	}
	o = package_json(id, pkg);
	if (o && src) {
		json_t *so = package_json(source_id, src);
		if (!so || json_object_set_new(o, "source", so)) {
			json_decref(o);
			o = NULL;
		}
	}
	if (!o || json_object_set_new(packages, key, o)) {
		free(key);
		return nomem(err);
	}
	free(key);
	return CLARO_OK;
}

/* Store o under map[key] unless building it failed (bad); takes o and key. */
static enum claro_status put_object(struct index_report *r, const char *map, char *key, json_t *o, int bad,
				    struct error *err)
{
	if (bad) {
		json_decref(o);
		free(key);
		return nomem(err);
	}
	bad = json_object_set_new(json_object_get(r->root, map), key, o); /* steals o, also on failure */
	free(key);
	return bad ? nomem(err) : CLARO_OK;
}

enum claro_status index_report_add_distribution(struct index_report *r, int64_t id,
						const struct claro_distribution *d, struct error *err)
{
	json_t *o = json_object();
	char *key = id_text(id);
	int bad = !o || !key;

	bad = bad || set_str(o, "id", key) || set_str(o, "did", d->did) || set_str(o, "name", d->name);
	bad =
	    bad || set_str(o, "version", d->version) || set_str(o, "version_code_name", d->version_code_name);
	bad = bad || set_str(o, "version_id", d->version_id) || set_str(o, "arch", d->arch);
	bad = bad || set_str(o, "cpe", d->cpe) || set_str(o, "pretty_name", d->pretty_name);
	return put_object(r, "distributions", key, o, bad, err);
}

enum claro_status index_report_add_repository(struct index_report *r, int64_t id,
					      const struct claro_repository *repo, struct error *err)
{
	json_t *o = json_object();
	char *key = id_text(id);
	int bad = !o || !key;

	bad = bad || set_str(o, "id", key) || set_str_omitempty(o, "name", repo->name);
	bad = bad || set_str_omitempty(o, "key", repo->key) || set_str_omitempty(o, "uri", repo->uri);
	bad = bad || set_str(o, "cpe", repo->cpe);
	return put_object(r, "repository", key, o, bad, err);
}

static json_t *environment_json(const char *package_db, const char *introduced_in, int64_t dist_id,
				const int64_t *repo_ids, size_t n_repo_ids)
{
	json_t *o = json_object(), *ids = json_array();
	char *dist = dist_id ? id_text(dist_id) : str_dup("");
	int bad = !o || !ids || !dist;

	for (size_t i = 0; !bad && i < n_repo_ids; i++) {
		char *t = id_text(repo_ids[i]);
		bad = !t || json_array_append_new(ids, json_string(t));
		free(t);
	}
	bad = bad || set_str(o, "package_db", package_db) || set_str(o, "introduced_in", introduced_in);
	bad = bad || set_str(o, "distribution_id", dist);
	if (!bad) {
		bad = json_object_set_new(o, "repository_ids", ids);
		ids = NULL;
	}
	json_decref(ids);
	free(dist);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

enum claro_status index_report_add_environment(struct index_report *r, int64_t package_id,
					       const char *package_db, const char *introduced_in,
					       int64_t dist_id, const int64_t *repo_ids, size_t n_repo_ids,
					       struct error *err)
{
	json_t *envs = json_object_get(r->root, "environments"), *list, *env, *e;
	char *key = id_text(package_id);
	size_t i;

	if (!key)
		return nomem(err);
	env = environment_json(package_db, introduced_in, dist_id, repo_ids, n_repo_ids);
	if (!env) {
		free(key);
		return nomem(err);
	}
	list = json_object_get(envs, key);
	if (!list) {
		list = json_array();
		if (!list || json_object_set_new(envs, key, list)) {
			json_decref(env);
			free(key);
			return nomem(err);
		}
	}
	free(key);
	json_array_foreach(list, i, e)
	{
		if (json_equal(e, env)) {
			json_decref(env);
			return CLARO_OK;
		}
	}
	return json_array_append_new(list, env) ? nomem(err) : CLARO_OK;
}

size_t index_report_n_packages(const struct index_report *r)
{
	return json_object_size(json_object_get(r->root, "packages"));
}

char *index_report_dump(const struct index_report *r)
{
	return json_dumps(r->root, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

static const char *view_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

void index_report_distribution_view(json_t *o, struct claro_distribution *d)
{
	memset(d, 0, sizeof(*d));
	d->struct_size = sizeof(*d);
	d->did = view_str(o, "did");
	d->name = view_str(o, "name");
	d->version = view_str(o, "version");
	d->version_code_name = view_str(o, "version_code_name");
	d->version_id = view_str(o, "version_id");
	d->arch = view_str(o, "arch");
	d->cpe = view_str(o, "cpe");
	d->pretty_name = view_str(o, "pretty_name");
}

void index_report_repository_view(json_t *o, struct claro_repository *r)
{
	memset(r, 0, sizeof(*r));
	r->struct_size = sizeof(*r);
	r->name = view_str(o, "name");
	r->key = view_str(o, "key");
	r->uri = view_str(o, "uri");
	r->cpe = view_str(o, "cpe");
}
