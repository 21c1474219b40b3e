/* Deep copies of SDK records handed over by plugins.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "recordcopy.h"

#define MAX_ENV_REPOSITORIES 1024

#define PACKAGE_V10       RECORD_V10_END(struct claro_package, normalized_version)
#define DISTRIBUTION_V10  RECORD_V10_END(struct claro_distribution, pretty_name)
#define REPOSITORY_V10    RECORD_V10_END(struct claro_repository, cpe)
#define FILE_V10          RECORD_V10_END(struct claro_file_record, kind)
#define ENVIRONMENT_V10   RECORD_V10_END(struct claro_environment, repositories)
#define VULNERABILITY_V10 RECORD_V10_END(struct claro_vulnerability, range_upper)

/* Allocates dst and copies the part of src inside both its struct_size and
 * ours; the rest stays zero. The copy's struct_size is ours. */
static enum claro_status take(const void *src, size_t ours, size_t v10, const char *what, void **out,
			      struct error *err)
{
	uint32_t theirs;
	void *dst;

	*out = NULL;
	if (!src) {
		error_set(err, CLARO_ERR_INVALID, "invalid %s record", what);
		error_detail(err, "The plugin passed NULL instead of a %s.", what);
		return CLARO_ERR_INVALID;
	}
	memcpy(&theirs, src, sizeof(theirs));
	if (theirs < v10) {
		error_set(err, CLARO_ERR_INVALID, "invalid %s record", what);
		error_detail(err, "The record's struct_size is %u; plugin ABI 1.0 needs at least %zu.",
			     theirs, v10);
		error_hint(err, "Set struct_size = sizeof(struct claro_%s) when filling the record.", what);
		return CLARO_ERR_INVALID;
	}
	dst = calloc(1, ours);
	if (!dst)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	memcpy(dst, src, theirs < ours ? theirs : ours);
	memcpy(dst, &(uint32_t){(uint32_t)ours}, sizeof(uint32_t));
	*out = dst;
	return CLARO_OK;
}

/* Replaces a borrowed string pointer (just memcpy'd from the plugin) by an
 * owned copy. On failure the field is NULL. */
static int own(const char **field)
{
	char *copy;

	if (!*field)
		return 1;
	copy = strdup(*field);
	*field = copy;
	return copy != NULL;
}

static void release(const char *s)
{
	free((char *)s);
}

enum claro_status record_set_string(const char **field, const char *value)
{
	char *copy = NULL;

	if (value && !(copy = strdup(value)))
		return CLARO_ERR_NOMEM;
	release(*field);
	*field = copy;
	return CLARO_OK;
}

static enum claro_status nomem(struct error *err)
{
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

static enum claro_status missing(struct error *err, const char *what, const char *field)
{
	error_set(err, CLARO_ERR_INVALID, "invalid %s record", what);
	error_detail(err, "The %s has no %s.", what, field);
	return CLARO_ERR_INVALID;
}

/* depth guards a source package that names itself (or a long chain). */
static enum claro_status copy_package(const struct claro_package *src, int depth, struct claro_package **out,
				      struct error *err)
{
	struct claro_package *p;
	const struct claro_package *source;
	enum claro_status st;
	int ok;

	*out = NULL;
	st = take(src, sizeof(*p), PACKAGE_V10, "package", (void **)&p, err);
	if (st != CLARO_OK)
		return st;
	source = p->source;
	p->source = NULL;
	/* Strings first, so that record_free_package can run on any failure. */
	ok = own(&p->name) & own(&p->version) & own(&p->kind) & own(&p->arch) & own(&p->module) &
	     own(&p->cpe) & own(&p->package_db) & own(&p->filepath) & own(&p->repository_hint) &
	     own(&p->normalized_version.kind);
	if (!ok) {
		record_free_package(p);
		return nomem(err);
	}
	if (!p->name || !*p->name) {
		record_free_package(p);
		return missing(err, "package", "name");
	}
	if (source && depth < 2) {
		struct claro_package *s;
		st = copy_package(source, depth + 1, &s, err);
		if (st != CLARO_OK) {
			record_free_package(p);
			error_prefix(err, "in the source package of \"%s\"", src->name);
			return st;
		}
		p->source = s;
	}
	*out = p;
	return CLARO_OK;
}

enum claro_status record_copy_package(const struct claro_package *src, struct claro_package **out,
				      struct error *err)
{
	return copy_package(src, 0, out, err);
}

void record_free_package(struct claro_package *p)
{
	if (!p)
		return;
	release(p->name);
	release(p->version);
	release(p->kind);
	release(p->arch);
	release(p->module);
	release(p->cpe);
	release(p->package_db);
	release(p->filepath);
	release(p->repository_hint);
	release(p->normalized_version.kind);
	record_free_package((struct claro_package *)p->source);
	free(p);
}

enum claro_status record_copy_distribution(const struct claro_distribution *src,
					   struct claro_distribution **out, struct error *err)
{
	struct claro_distribution *d;
	enum claro_status st;
	int ok;

	st = take(src, sizeof(*d), DISTRIBUTION_V10, "distribution", (void **)&d, err);
	if (st != CLARO_OK)
		return st;
	ok = own(&d->did) & own(&d->name) & own(&d->version) & own(&d->version_code_name) &
	     own(&d->version_id) & own(&d->arch) & own(&d->cpe) & own(&d->pretty_name);
	if (!ok) {
		record_free_distribution(d);
		return nomem(err);
	}
	*out = d;
	return CLARO_OK;
}

void record_free_distribution(struct claro_distribution *d)
{
	if (!d)
		return;
	release(d->did);
	release(d->name);
	release(d->version);
	release(d->version_code_name);
	release(d->version_id);
	release(d->arch);
	release(d->cpe);
	release(d->pretty_name);
	free(d);
}

enum claro_status record_copy_repository(const struct claro_repository *src, struct claro_repository **out,
					 struct error *err)
{
	struct claro_repository *r;
	enum claro_status st;

	st = take(src, sizeof(*r), REPOSITORY_V10, "repository", (void **)&r, err);
	if (st != CLARO_OK)
		return st;
	if (!(own(&r->name) & own(&r->key) & own(&r->uri) & own(&r->cpe))) {
		record_free_repository(r);
		return nomem(err);
	}
	*out = r;
	return CLARO_OK;
}

void record_free_repository(struct claro_repository *r)
{
	if (!r)
		return;
	release(r->name);
	release(r->key);
	release(r->uri);
	release(r->cpe);
	free(r);
}

enum claro_status record_copy_file(const struct claro_file_record *src, struct claro_file_record **out,
				   struct error *err)
{
	struct claro_file_record *f;
	enum claro_status st;

	st = take(src, sizeof(*f), FILE_V10, "file_record", (void **)&f, err);
	if (st != CLARO_OK)
		return st;
	if (!(own(&f->path) & own(&f->kind))) {
		record_free_file(f);
		return nomem(err);
	}
	if (!f->path || !*f->path) {
		record_free_file(f);
		return missing(err, "file_record", "path");
	}
	*out = f;
	return CLARO_OK;
}

void record_free_file(struct claro_file_record *f)
{
	if (!f)
		return;
	release(f->path);
	release(f->kind);
	free(f);
}

enum claro_status record_copy_environment(const struct claro_environment *src, struct claro_environment **out,
					  struct error *err)
{
	struct claro_environment *e;
	const struct claro_distribution *dist;
	const struct claro_repository *const *repos;
	struct claro_repository **copies = NULL;
	enum claro_status st;
	size_t n = 0;

	st = take(src, sizeof(*e), ENVIRONMENT_V10, "environment", (void **)&e, err);
	if (st != CLARO_OK)
		return st;
	dist = e->distribution;
	repos = e->repositories;
	e->distribution = NULL;
	e->repositories = NULL;
	if (!(own(&e->package_db) & own(&e->introduced_in))) {
		record_free_environment(e);
		return nomem(err);
	}
	if (dist) {
		struct claro_distribution *d;
		if ((st = record_copy_distribution(dist, &d, err)) != CLARO_OK) {
			record_free_environment(e);
			return st;
		}
		e->distribution = d;
	}
	if (repos) {
		while (n < MAX_ENV_REPOSITORIES && repos[n])
			n++;
		copies = calloc(n + 1, sizeof(*copies));
		if (!copies) {
			record_free_environment(e);
			return nomem(err);
		}
		e->repositories = (const struct claro_repository *const *)copies;
		for (size_t i = 0; i < n; i++) {
			if ((st = record_copy_repository(repos[i], &copies[i], err)) != CLARO_OK) {
				record_free_environment(e);
				return st;
			}
		}
	}
	*out = e;
	return CLARO_OK;
}

void record_free_environment(struct claro_environment *e)
{
	if (!e)
		return;
	release(e->package_db);
	release(e->introduced_in);
	record_free_distribution((struct claro_distribution *)e->distribution);
	if (e->repositories) {
		struct claro_repository **r = (struct claro_repository **)e->repositories;
		for (size_t i = 0; r[i]; i++)
			record_free_repository(r[i]);
		free(r);
	}
	free(e);
}

enum claro_status record_copy_vulnerability(const struct claro_vulnerability *src,
					    struct claro_vulnerability **out, struct error *err)
{
	struct claro_vulnerability *v;
	const struct claro_package *pkg;
	const struct claro_distribution *dist;
	const struct claro_repository *repo;
	enum claro_status st;
	int ok;

	st = take(src, sizeof(*v), VULNERABILITY_V10, "vulnerability", (void **)&v, err);
	if (st != CLARO_OK)
		return st;
	pkg = v->package;
	dist = v->distribution;
	repo = v->repository;
	v->package = NULL;
	v->distribution = NULL;
	v->repository = NULL;
	ok = own(&v->id) & own(&v->updater) & own(&v->name) & own(&v->description) & own(&v->links) &
	     own(&v->severity) & own(&v->fixed_in_version) & own(&v->range_lower.kind) &
	     own(&v->range_upper.kind);
	if (!ok) {
		record_free_vulnerability(v);
		return nomem(err);
	}
	if (!v->name || !*v->name) {
		record_free_vulnerability(v);
		return missing(err, "vulnerability", "name");
	}
	if (pkg) {
		struct claro_package *p;
		if ((st = record_copy_package(pkg, &p, err)) != CLARO_OK)
			goto fail;
		v->package = p;
	}
	if (dist) {
		struct claro_distribution *d;
		if ((st = record_copy_distribution(dist, &d, err)) != CLARO_OK)
			goto fail;
		v->distribution = d;
	}
	if (repo) {
		struct claro_repository *r;
		if ((st = record_copy_repository(repo, &r, err)) != CLARO_OK)
			goto fail;
		v->repository = r;
	}
	*out = v;
	return CLARO_OK;
fail:
	error_prefix(err, "in vulnerability \"%s\"", v->name);
	record_free_vulnerability(v);
	return st;
}

void record_free_vulnerability(struct claro_vulnerability *v)
{
	if (!v)
		return;
	release(v->id);
	release(v->updater);
	release(v->name);
	release(v->description);
	release(v->links);
	release(v->severity);
	release(v->fixed_in_version);
	release(v->range_lower.kind);
	release(v->range_upper.kind);
	record_free_package((struct claro_package *)v->package);
	record_free_distribution((struct claro_distribution *)v->distribution);
	record_free_repository((struct claro_repository *)v->repository);
	free(v);
}
