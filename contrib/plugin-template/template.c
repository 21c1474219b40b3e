/* template: the smallest useful claro plugin, one package scanner. Copy this
 * directory, rename "template" everywhere (the file name of the .so, the
 * CLARO_PLUGIN_DEFINE name and the component names must agree), and build it
 * against the installed SDK. It reads a list of "name version" lines from a
 * file in each layer and reports them as packages.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <claro/plugin.h>

/* [plugin.template] list = <path in the layer> */
static const struct claro_cfg_key key_list = {
    sizeof(struct claro_cfg_key), "list", CLARO_CFG_STRING,
    "etc/template/packages",      0,      "file in each layer listing \"name version\" per line"};
static const struct claro_cfg_key *const template_config[] = {&key_list, NULL};

/* Cut the next line (or word) out of *p in place. */
static char *cut(char **p, char sep)
{
	char *start = *p, *end;

	if (!*start)
		return NULL;
	end = strchr(start, sep);
	if (end) {
		*end = '\0';
		*p = end + 1;
	} else {
		*p = start + strlen(start);
	}
	return start;
}

static enum claro_status scan(struct claro_ctx *ctx, struct claro_layer *layer, struct claro_scan_result *out)
{
	const struct claro_host *h = ctx->host;
	const char *list;
	unsigned char *data;
	size_t len;
	char *p, *line;
	enum claro_status st;

	if ((st = h->cfg_string(ctx, "list", &list)) != CLARO_OK)
		return st;
	st = h->fs_read_all(ctx, layer, list, 1 << 20, &data, &len);
	if (st == CLARO_ERR_NOT_FOUND)
		return CLARO_OK; /* nothing of ours in this layer */
	if (st != CLARO_OK)
		return st;
	p = (char *)data;
	while (st == CLARO_OK && (line = cut(&p, '\n')) != NULL) {
		char *name = cut(&line, ' '), *version = name ? cut(&line, ' ') : NULL;
		struct claro_package pkg;

		if (!name || !version || !*name || !*version)
			continue;
		memset(&pkg, 0, sizeof(pkg));
		pkg.struct_size = sizeof(pkg);
		pkg.name = name;
		pkg.version = version;
		pkg.kind = CLARO_PACKAGE_BINARY;
		pkg.package_db = list;
		st = h->add_package(ctx, out, &pkg);
	}
	h->free(data);
	return st;
}

static const struct claro_package_scanner_ops scanner_ops = {sizeof(scanner_ops), scan, NULL};

/* Bump the version whenever what the scanner reports changes: claro then
 * re-scans layers with it (and only with it). */
static const struct claro_component template_scanner = {
    sizeof(struct claro_component), CLARO_KIND_PACKAGE_SCANNER, 0, "template", "1", &scanner_ops};

CLARO_PLUGIN_DEFINE(template, "0.1.0", "Apache-2.0", "example out-of-tree package scanner", template_config,
		    NULL, NULL, &template_scanner)
