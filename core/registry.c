/* The registry of loaded plugins: lookup by kind and name, the index state,
 * JSON for the API, the effective plugin configuration. Loading lives in
 * loader.c. SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "registry.h"
#include "strutil.h"

/* Clair's libindex versionMagic: part of the index state. */
#define INDEX_STATE_MAGIC "libindex number: 2\n"

static const char *const kind_names[CLARO_KIND_MAX + 1] = {
    [CLARO_KIND_PACKAGE_SCANNER] = "package_scanner",
    [CLARO_KIND_DISTRIBUTION_SCANNER] = "distribution_scanner",
    [CLARO_KIND_REPOSITORY_SCANNER] = "repository_scanner",
    [CLARO_KIND_FILE_SCANNER] = "file_scanner",
    [CLARO_KIND_COALESCER] = "coalescer",
    [CLARO_KIND_MATCHER] = "matcher",
    [CLARO_KIND_UPDATER_SET] = "updater_set",
    [CLARO_KIND_ENRICHER] = "enricher",
    [CLARO_KIND_VERSION_SCHEME] = "version_scheme",
};

/* Clair's Kind() strings of its scanners, used in the index state. */
static const char *const clair_scanner_kinds[CLARO_KIND_FILE_SCANNER + 1] = {
    [CLARO_KIND_PACKAGE_SCANNER] = "package",
    [CLARO_KIND_DISTRIBUTION_SCANNER] = "distribution",
    [CLARO_KIND_REPOSITORY_SCANNER] = "repository",
    [CLARO_KIND_FILE_SCANNER] = "file",
};

static const char *const cfg_type_names[] = {
    [CLARO_CFG_STRING] = "string",
    [CLARO_CFG_INT] = "integer",
    [CLARO_CFG_BOOL] = "boolean",
    [CLARO_CFG_DURATION] = "duration",
};

const char *registry_kind_name(enum claro_kind kind)
{
	if ((unsigned)kind == 0 || (unsigned)kind > CLARO_KIND_MAX)
		return "unknown";
	return kind_names[kind];
}

static int valid_kind(enum claro_kind kind)
{
	return (unsigned)kind >= 1 && (unsigned)kind <= CLARO_KIND_MAX;
}

/* Index of name in kind's sorted array, or where it would go (*found 0). */
static size_t locate(const struct registry *reg, enum claro_kind kind, const char *name, int *found)
{
	size_t lo = 0, hi = reg->n_by_kind[kind];

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(reg->by_kind[kind][mid].component->name, name);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct component_ref *registry_find(const struct registry *reg, enum claro_kind kind, const char *name)
{
	size_t i;
	int found;

	if (!reg || !name || !valid_kind(kind))
		return NULL;
	i = locate(reg, kind, name, &found);
	return found ? &reg->by_kind[kind][i] : NULL;
}

size_t registry_count(const struct registry *reg, enum claro_kind kind)
{
	return reg && valid_kind(kind) ? reg->n_by_kind[kind] : 0;
}

const struct component_ref *registry_at(const struct registry *reg, enum claro_kind kind, size_t i)
{
	if (!reg || !valid_kind(kind) || i >= reg->n_by_kind[kind])
		return NULL;
	return &reg->by_kind[kind][i];
}

const struct claro_plugin *registry_plugin(const struct registry *reg, const char *name)
{
	for (size_t i = 0; reg && name && i < reg->n_plugins; i++)
		if (strcmp(reg->plugins[i]->name, name) == 0)
			return reg->plugins[i];
	return NULL;
}

enum claro_status registry_insert(struct registry *reg, struct claro_plugin *plugin)
{
	const struct claro_component *const *comps = plugin->module->components;
	struct claro_plugin **plugins;
	size_t added = 0;

	plugins = realloc(reg->plugins, (reg->n_plugins + 1) * sizeof(*plugins));
	if (!plugins)
		return CLARO_ERR_NOMEM;
	reg->plugins = plugins;
	for (; comps[added]; added++) {
		const struct claro_component *c = comps[added];
		struct component_ref *refs;
		size_t at;
		int found;

		at = locate(reg, c->kind, c->name, &found);
		refs = realloc(reg->by_kind[c->kind], (reg->n_by_kind[c->kind] + 1) * sizeof(*refs));
		if (!refs)
			goto undo;
		reg->by_kind[c->kind] = refs;
		memmove(&refs[at + 1], &refs[at], (reg->n_by_kind[c->kind] - at) * sizeof(*refs));
		refs[at].component = c;
		refs[at].plugin = plugin;
		reg->n_by_kind[c->kind]++;
	}
	reg->plugins[reg->n_plugins++] = plugin;
	plugin->registry = reg;
	return CLARO_OK;
undo:
	/* Take back the components of this plugin added so far. */
	while (added-- > 0) {
		const struct claro_component *c = comps[added];
		int found;
		size_t at = locate(reg, c->kind, c->name, &found);
		memmove(&reg->by_kind[c->kind][at], &reg->by_kind[c->kind][at + 1],
			(reg->n_by_kind[c->kind] - at - 1) * sizeof(struct component_ref));
		reg->n_by_kind[c->kind]--;
	}
	return CLARO_ERR_NOMEM;
}

/* ---- index state ---- */

struct state_line {
	const char *name;
	const char *kind;
	const char *version;
};

static int compare_lines(const void *a, const void *b)
{
	const struct state_line *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->kind, y->kind);
}

static void hash_string(EVP_MD_CTX *md, const char *s)
{
	EVP_DigestUpdate(md, s, strlen(s));
}

void registry_index_state(const struct registry *reg, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	struct state_line *lines = NULL;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	size_t n = 0, total = 0;
	EVP_MD_CTX *md;

	out[0] = '\0';
	for (int k = CLARO_KIND_PACKAGE_SCANNER; k <= CLARO_KIND_FILE_SCANNER; k++)
		total += registry_count(reg, (enum claro_kind)k);
	if (total && !(lines = calloc(total, sizeof(*lines))))
		return;
	for (int k = CLARO_KIND_PACKAGE_SCANNER; k <= CLARO_KIND_FILE_SCANNER; k++) {
		for (size_t i = 0; i < registry_count(reg, (enum claro_kind)k); i++) {
			const struct claro_component *c = reg->by_kind[k][i].component;
			lines[n].name = c->name;
			lines[n].kind = clair_scanner_kinds[k];
			lines[n].version = c->version;
			n++;
		}
	}
	if (n > 1)
		qsort(lines, n, sizeof(*lines), compare_lines);
	md = EVP_MD_CTX_new();
	if (md && EVP_DigestInit_ex(md, EVP_md5(), NULL) == 1) {
		hash_string(md, INDEX_STATE_MAGIC);
		/* Clair: name + version + kind + "\n" per scanner, sorted by name. */
		for (size_t i = 0; i < n; i++) {
			hash_string(md, lines[i].name);
			hash_string(md, lines[i].version);
			hash_string(md, lines[i].kind);
			hash_string(md, "\n");
		}
		if (EVP_DigestFinal_ex(md, digest, &dlen) == 1 && dlen == 16) {
			for (unsigned i = 0; i < dlen; i++) {
				out[2 * i] = hex[digest[i] >> 4];
				out[2 * i + 1] = hex[digest[i] & 15];
			}
			out[32] = '\0';
		}
	}
	EVP_MD_CTX_free(md);
	free(lines);
}

/* ---- JSON ---- */

/* json_object_set_new that reports failure (value is consumed either way). */
static int set(json_t *obj, const char *key, json_t *value)
{
	return value && json_object_set_new(obj, key, value) == 0;
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *component_json(const struct claro_component *c)
{
	json_t *o = json_object();

	if (!o || !set(o, "kind", json_string(registry_kind_name(c->kind))) ||
	    !set(o, "name", json_string(c->name)) || !set(o, "version", json_string(c->version))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *plugin_json(const struct claro_plugin *p)
{
	const struct claro_module *m = p->module;
	json_t *o = json_object(), *comps = json_array();
	char abi[32];

	snprintf(abi, sizeof(abi), "%u.%u", (unsigned)m->abi_major, (unsigned)m->abi_minor);
	if (!o || !comps)
		goto fail;
	for (size_t i = 0; m->components[i]; i++) {
		json_t *c = component_json(m->components[i]);
		if (!c || json_array_append_new(comps, c) != 0)
			goto fail;
	}
	/* json_object_set_new takes the reference even when it fails. */
	if (json_object_set_new(o, "components", comps) != 0) {
		comps = NULL;
		goto fail;
	}
	comps = NULL;
	if (!set(o, "name", json_string(p->name)) || !set(o, "version", json_string(m->version)) ||
	    !set(o, "path", json_string(p->path)) || !set(o, "license", string_or_null(m->license)) ||
	    !set(o, "description", string_or_null(m->description)) || !set(o, "abi", json_string(abi)))
		goto fail;
	return o;
fail:
	json_decref(comps);
	json_decref(o);
	return NULL;
}

json_t *registry_to_json(const struct registry *reg)
{
	json_t *root = json_object(), *plugins = json_array();

	if (!root || !plugins)
		goto fail;
	for (size_t i = 0; reg && i < reg->n_plugins; i++) {
		json_t *p = plugin_json(reg->plugins[i]);
		if (!p || json_array_append_new(plugins, p) != 0)
			goto fail;
	}
	if (json_object_set_new(root, "plugins", plugins) != 0) {
		json_decref(root);
		return NULL;
	}
	return root;
fail:
	json_decref(plugins);
	json_decref(root);
	return NULL;
}

/* ---- configuration ---- */

void registry_print_config(const struct registry *reg, FILE *fp)
{
	for (size_t i = 0; reg && i < reg->n_plugins; i++) {
		const struct claro_plugin *p = reg->plugins[i];

		if (p->n_settings == 0)
			continue;
		fprintf(fp, "\n[plugin.%s]\n", p->name);
		for (size_t k = 0; k < p->n_settings; k++) {
			const struct plugin_setting *s = &p->settings[k];
			const struct claro_cfg_key *key = s->key;

			fprintf(fp, "# %s (%s%s", key->name, cfg_type_names[key->type],
				key->required ? ", required" : "");
			if (!key->required && key->default_value)
				fprintf(fp, ", default %s", key->default_value);
			fprintf(fp, ")%s%s\n", key->doc ? ": " : "", key->doc ? key->doc : "");
			if (s->value)
				fprintf(fp, "%s = %s\n", key->name, s->value);
			else
				fprintf(fp, "# %s =\n", key->name);
		}
	}
}
