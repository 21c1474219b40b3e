/* scan-layer: run one scanner component of a plugin over an unpacked root
 * directory with the real loader, host services and layer filesystem, and
 * print what it found as tab-separated lines. Plugin tests compare this with
 * the real tools' oracles (dpkg-query, apk list, os-release expectations).
 *
 *   scan-layer PLUGIN_DIR PLUGIN[,PLUGIN...] KIND COMPONENT ROOT
 *
 * KIND is package, distribution, repository or file. Lines:
 *   package <TAB> name version kind arch source_name source_version module
 *           package_db repository_hint filepath normalized_version
 *   distribution <TAB> did name version version_code_name version_id arch cpe pretty_name
 *   repository <TAB> name key uri cpe
 *   file <TAB> path kind
 * Empty fields print as "". Exits 1 with the three-part error on failure.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "layerfs.h"
#include "log.h"
#include "registry.h"
#include "sinks.h"
#include "strutil.h"

static const char *s(const char *v)
{
	return v ? v : "";
}

static void print_normalized(const struct claro_normalized_version *nv)
{
	if (!nv->kind || !*nv->kind) {
		putchar('\n');
		return;
	}
	printf("%s:", nv->kind);
	for (int i = 0; i < CLARO_NORM_VERSION_LEN; i++)
		printf(i ? ".%d" : "%d", (int)nv->v[i]);
	putchar('\n');
}

static void print_results(const struct claro_scan_result *r)
{
	for (size_t i = 0; i < scan_result_n_packages(r); i++) {
		const struct claro_package *p = scan_result_package(r, i);
		const struct claro_package *src = p->source;
		printf("package\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t", s(p->name), s(p->version),
		       s(p->kind), s(p->arch), src ? s(src->name) : "", src ? s(src->version) : "",
		       s(p->module), s(p->package_db), s(p->repository_hint), s(p->filepath));
		print_normalized(&p->normalized_version);
	}
	for (size_t i = 0; i < scan_result_n_distributions(r); i++) {
		const struct claro_distribution *d = scan_result_distribution(r, i);
		printf("distribution\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s(d->did), s(d->name), s(d->version),
		       s(d->version_code_name), s(d->version_id), s(d->arch), s(d->cpe), s(d->pretty_name));
	}
	for (size_t i = 0; i < scan_result_n_repositories(r); i++) {
		const struct claro_repository *repo = scan_result_repository(r, i);
		printf("repository\t%s\t%s\t%s\t%s\n", s(repo->name), s(repo->key), s(repo->uri),
		       s(repo->cpe));
	}
	for (size_t i = 0; i < scan_result_n_files(r); i++) {
		const struct claro_file_record *f = scan_result_file(r, i);
		printf("file\t%s\t%s\n", s(f->path), s(f->kind));
	}
}

static int parse_kind(const char *name, enum claro_kind *kind)
{
	static const struct {
		const char *name;
		enum claro_kind kind;
	} kinds[] = {
	    {"package", CLARO_KIND_PACKAGE_SCANNER},
	    {"distribution", CLARO_KIND_DISTRIBUTION_SCANNER},
	    {"repository", CLARO_KIND_REPOSITORY_SCANNER},
	    {"file", CLARO_KIND_FILE_SCANNER},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(name, kinds[i].name) == 0) {
			*kind = kinds[i].kind;
			return 0;
		}
	}
	return -1;
}

static enum claro_status load_plugins(struct registry *reg, const char *dir, const char *list,
				      struct error *err)
{
	char *names = str_dup(list), *save = NULL;
	enum claro_status st = CLARO_OK;

	if (!names)
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	for (char *n = strtok_r(names, ",", &save); n && st == CLARO_OK; n = strtok_r(NULL, ",", &save))
		st = registry_load_one(reg, dir, n, NULL, err);
	free(names);
	return st;
}

static enum claro_status run_scan(const struct component_ref *ref, const char *root, struct error *err)
{
	const struct claro_package_scanner_ops *ops = ref->component->ops; /* every scanner starts alike */
	struct claro_layer *layer = NULL;
	struct claro_scan_result *result = NULL;
	struct plugin_call call;
	enum claro_status st;

	if ((st = layer_open_dir(root, NULL, &layer, err)) != CLARO_OK)
		return st;
	if (!(result = scan_result_new())) {
		layer_free(layer);
		return error_set(err, CLARO_ERR_NOMEM, "out of memory");
	}
	plugin_call_begin(&call, ref);
	st = plugin_call_end(&call, ops->scan(&call.ctx, layer, result), err);
	if (st == CLARO_OK)
		print_results(result);
	scan_result_free(result);
	layer_free(layer);
	return st;
}

int main(int argc, char **argv)
{
	struct registry reg = {0};
	struct error err = ERROR_INIT;
	const struct component_ref *ref;
	enum claro_kind kind;
	int rc = 0;

	if (argc != 6 || parse_kind(argv[3], &kind) != 0) {
		fprintf(stderr, "usage: scan-layer PLUGIN_DIR PLUGIN[,PLUGIN...] "
				"package|distribution|repository|file COMPONENT ROOT\n");
		return 2;
	}
	log_setup("scan-layer", CLARO_LOG_WARNING);
	if (load_plugins(&reg, argv[1], argv[2], &err) != CLARO_OK) {
		rc = 1;
	} else if (!(ref = registry_find(&reg, kind, argv[4]))) {
		error_set(&err, CLARO_ERR_NOT_FOUND, "no %s scanner named \"%s\"", argv[3], argv[4]);
		rc = 1;
	} else if (run_scan(ref, argv[5], &err) != CLARO_OK) {
		rc = 1;
	}
	if (rc)
		error_print(&err, stderr, "scan-layer");
	error_clear(&err);
	registry_free(&reg);
	return rc;
}
