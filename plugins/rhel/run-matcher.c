/* run-matcher: call one matcher component of a loaded plugin on index
 * records and advisories read from JSON lines, with the real loader and
 * host services (the rhel, aws, oracle, suse and photon matcher tests,
 * plugins/rhel/test-rpm-matchers.sh):
 *
 *   run-matcher PLUGIN_BUILD_DIR PLUGIN[,PLUGIN...] CASES
 *
 * Loads each PLUGIN from PLUGIN_BUILD_DIR/<name>/.libs (with the versions
 * plugin, whose "rpm" scheme the matchers use). Every line of CASES is
 * {"matcher": NAME, "record": {"package": {...}, "distribution": {...} or
 * null, "repository": {...} or null}, "vuln": {...} or null} with Clair's
 * field names (package: name, version, kind, arch, module, source {name,
 * kind}; vuln: name, package {name, version, kind, arch, module},
 * repository {name, key, cpe}, fixed_in_version, arch_op "" / "equals" /
 * "not equals" / "pattern match"). It prints, per case:
 *
 *   <filter 0|1> <query constraints, hex> <vulnerable 0|1|error|->
 *
 * ("-" when there is no vuln). Exit status: 0, 1 on a failure to load or
 * read, 2 usage.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "indexreport.h"
#include "log.h"
#include "registry.h"
#include "store_advisory.h"

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void package_from(json_t *o, struct claro_package *p, struct claro_package *src)
{
	json_t *s = json_object_get(o, "source");

	memset(p, 0, sizeof(*p));
	p->struct_size = sizeof(*p);
	p->name = jstr(o, "name");
	p->version = jstr(o, "version");
	p->kind = jstr(o, "kind");
	p->arch = jstr(o, "arch");
	p->module = jstr(o, "module");
	if (src && json_is_object(s) && *jstr(s, "name")) {
		memset(src, 0, sizeof(*src));
		src->struct_size = sizeof(*src);
		src->name = jstr(s, "name");
		src->version = jstr(s, "version");
		src->kind = jstr(s, "kind");
		p->source = src;
	}
}

static const struct claro_distribution *dist_from(json_t *o, struct claro_distribution *d)
{
	if (!json_is_object(o))
		return NULL;
	index_report_distribution_view(o, d);
	return d;
}

static const struct claro_repository *repo_from(json_t *o, struct claro_repository *r)
{
	if (!json_is_object(o))
		return NULL;
	index_report_repository_view(o, r);
	return r;
}

/* The store's own names ("" none, "equals", ...); anything else: none. */
static enum claro_arch_op arch_op(const char *s)
{
	enum claro_arch_op op = CLARO_ARCH_OP_NONE;

	return store_arch_op_parse(s, &op) == 0 ? op : CLARO_ARCH_OP_NONE;
}

static int run_case(const struct registry *reg, json_t *c)
{
	const char *name = jstr(c, "matcher");
	const struct component_ref *ref = registry_find(reg, CLARO_KIND_MATCHER, name);
	const struct claro_matcher_ops *ops;
	json_t *rec = json_object_get(c, "record"), *vj = json_object_get(c, "vuln");
	struct claro_package pkg, src, vpkg;
	struct claro_distribution dist, vdist;
	struct claro_repository repo, vrepo;
	struct claro_index_record r;
	struct claro_vulnerability v;
	struct plugin_call call;
	struct error err = ERROR_INIT;
	uint32_t q;
	int f, vulnerable = 0;
	enum claro_status st;

	if (!ref) {
		fprintf(stderr, "run-matcher: no matcher \"%s\" is loaded\n", name);
		return -1;
	}
	ops = ref->component->ops;
	package_from(json_object_get(rec, "package"), &pkg, &src);
	memset(&r, 0, sizeof(r));
	r.struct_size = sizeof(r);
	r.package = &pkg;
	r.distribution = dist_from(json_object_get(rec, "distribution"), &dist);
	r.repository = repo_from(json_object_get(rec, "repository"), &repo);
	plugin_call_begin(&call, ref);
	f = ops->filter(&call.ctx, &r);
	q = ops->query(&call.ctx);
	plugin_call_end(&call, CLARO_OK, NULL);
	printf("%d %x ", f != 0, (unsigned)q);
	if (!json_is_object(vj)) {
		printf("-\n");
		return 0;
	}
	package_from(json_object_get(vj, "package"), &vpkg, NULL);
	memset(&v, 0, sizeof(v));
	v.struct_size = sizeof(v);
	v.name = jstr(vj, "name");
	v.package = &vpkg;
	v.distribution = dist_from(json_object_get(vj, "distribution"), &vdist);
	v.repository = repo_from(json_object_get(vj, "repository"), &vrepo);
	v.fixed_in_version = jstr(vj, "fixed_in_version");
	v.arch_op = arch_op(jstr(vj, "arch_op"));
	v.issued = INT64_MIN;
	plugin_call_begin(&call, ref);
	st = plugin_call_end(&call, ops->vulnerable(&call.ctx, &r, &v, &vulnerable), &err);
	if (st != CLARO_OK) {
		printf("error\n");
		error_print(&err, stderr, "run-matcher");
		error_clear(&err);
		return 0;
	}
	printf("%d\n", vulnerable != 0);
	return 0;
}

int main(int argc, char **argv)
{
	struct registry reg = {0};
	struct error err = ERROR_INIT;
	char *names, *save = NULL, *name, *line = NULL;
	size_t cap = 0;
	FILE *f = NULL;
	int rc = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: run-matcher PLUGIN_BUILD_DIR PLUGIN[,PLUGIN...] CASES\n");
		return 2;
	}
	log_setup("run-matcher", CLARO_LOG_WARNING);
	if (!(names = malloc(strlen(argv[2]) + sizeof(",versions"))))
		return 1;
	snprintf(names, strlen(argv[2]) + sizeof(",versions"), "%s,versions", argv[2]);
	for (name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(argv[1]) + strlen(name) + 16;
		char *dir = malloc(n);

		if (!dir) {
			rc = 1;
			break;
		}
		snprintf(dir, n, "%s/%s/.libs", argv[1], name);
		if (registry_load_one(&reg, dir, name, NULL, &err) != CLARO_OK) {
			error_print(&err, stderr, "run-matcher");
			rc = 1;
		}
		error_clear(&err);
		free(dir);
	}
	free(names);
	if (rc == 0 && !(f = fopen(argv[3], "r"))) {
		perror(argv[3]);
		rc = 1;
	}
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		json_error_t jerr;
		json_t *c = json_loads(line, 0, &jerr);

		if (!c) {
			fprintf(stderr, "run-matcher: %s: %s\n", argv[3], jerr.text);
			rc = 1;
			break;
		}
		if (run_case(&reg, c) != 0)
			rc = 1;
		json_decref(c);
	}
	if (f)
		fclose(f);
	free(line);
	registry_free(&reg);
	return rc;
}
