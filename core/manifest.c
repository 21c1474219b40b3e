/* Manifest JSON: parsing and validation (reference §1.7).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "manifest.h"
#include "strutil.h"

static int is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

int manifest_digest_valid(const char *s)
{
	if (!s)
		return 0;
	if (strncmp(s, "sha256:", 7) == 0)
		return strlen(s + 7) == 64 && is_lower_hex(s + 7, 64);
	if (strncmp(s, "sha512:", 7) == 0)
		return strlen(s + 7) == 128 && is_lower_hex(s + 7, 128);
	return 0;
}

int manifest_layer_is_local(const struct manifest_layer *l)
{
	return l->media_type && strcmp(l->media_type, MANIFEST_MEDIA_FILESYSTEM) == 0;
}

static enum claro_status invalid(struct error *err, const char *fmt, ...) CLARO_PRINTF(2, 3);
static enum claro_status invalid(struct error *err, const char *fmt, ...)
{
	va_list ap;

	error_set(err, CLARO_ERR_INVALID, "invalid manifest");
	va_start(ap, fmt);
	error_detailv(err, fmt, ap);
	va_end(ap);
	error_hint(err,
		   "Send a JSON object {\"hash\": \"sha256:<64 hex>\", \"layers\": [{\"hash\": ..., \"uri\": "
		   "..., \"headers\": {\"Name\": [\"value\"]}}]} with at least one layer.");
	return CLARO_ERR_INVALID;
}

static enum claro_status nomem(struct error *err)
{
	return error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

static void layer_free(struct manifest_layer *l)
{
	free(l->hash);
	free(l->uri);
	free(l->media_type);
	for (size_t i = 0; i < l->n_headers; i++)
		free(l->headers[i]);
	free(l->headers);
}

void manifest_free(struct manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_layers; i++)
		layer_free(&m->layers[i]);
	free(m->layers);
	free(m->hash);
	memset(m, 0, sizeof(*m));
}

/* A header name is a token (RFC 9110); values may not break the line. */
static int header_name_ok(const char *name)
{
	if (!*name)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return 0;
	return 1;
}

static int header_value_ok(const char *v)
{
	return strpbrk(v, "\r\n") == NULL;
}

static enum claro_status parse_headers(json_t *obj, struct manifest_layer *l, struct error *err)
{
	const char *name;
	json_t *values;
	size_t n = 0;

	json_object_foreach(obj, name, values)
	{
		if (!json_is_array(values))
			return invalid(err, "The values of header \"%s\" are not an array of strings.", name);
		n += json_array_size(values);
	}
	if (n > MANIFEST_MAX_HEADERS)
		return invalid(err, "A layer has more than %d header lines.", MANIFEST_MAX_HEADERS);
	l->headers = calloc(n + 1, sizeof(*l->headers));
	if (!l->headers)
		return nomem(err);
	json_object_foreach(obj, name, values)
	{
		size_t i;
		json_t *v;

		if (!header_name_ok(name))
			return invalid(err, "The header name \"%s\" is not a valid HTTP token.", name);
		json_array_foreach(values, i, v)
		{
			if (!json_is_string(v) || !header_value_ok(json_string_value(v)))
				return invalid(err, "A value of header \"%s\" is not a single-line string.",
					       name);
			l->headers[l->n_headers] = str_printf("%s: %s", name, json_string_value(v));
			if (!l->headers[l->n_headers])
				return nomem(err);
			l->n_headers++;
		}
	}
	return CLARO_OK;
}

static enum claro_status dup_string(json_t *v, char **out, struct error *err)
{
	*out = str_dup(json_string_value(v));
	return *out ? CLARO_OK : nomem(err);
}

static enum claro_status parse_layer(json_t *obj, struct manifest_layer *l, struct error *err)
{
	json_t *hash = json_object_get(obj, "hash"), *uri = json_object_get(obj, "uri");
	json_t *headers = json_object_get(obj, "headers"), *media = json_object_get(obj, "media_type");
	enum claro_status st;

	if (!json_is_object(obj))
		return invalid(err, "A layer is not a JSON object.%s", "");
	if (!json_is_string(hash) || !manifest_digest_valid(json_string_value(hash)))
		return invalid(err, "A layer's hash \"%s\" is not a sha256 or sha512 digest.",
			       json_is_string(hash) ? json_string_value(hash) : "(missing)");
	if (uri && !json_is_null(uri) && !json_is_string(uri))
		return invalid(err, "The uri of layer %s is not a string.", json_string_value(hash));
	if (media && !json_is_null(media) && !json_is_string(media))
		return invalid(err, "The media_type of layer %s is not a string.", json_string_value(hash));
	if (headers && !json_is_null(headers) && !json_is_object(headers))
		return invalid(err, "The headers of layer %s are not an object.", json_string_value(hash));
	if ((st = dup_string(hash, &l->hash, err)) != CLARO_OK)
		return st;
	l->uri = str_dup(json_is_string(uri) ? json_string_value(uri) : "");
	if (!l->uri)
		return nomem(err);
	if (json_is_string(media) && (st = dup_string(media, &l->media_type, err)) != CLARO_OK)
		return st;
	if (json_is_object(headers))
		return parse_headers(headers, l, err);
	l->headers = calloc(1, sizeof(*l->headers));
	return l->headers ? CLARO_OK : nomem(err);
}

static enum claro_status parse_object(json_t *root, struct manifest *m, struct error *err)
{
	json_t *hash = json_object_get(root, "hash"), *layers = json_object_get(root, "layers");
	enum claro_status st;
	size_t n;

	if (!json_is_object(root))
		return invalid(err, "The manifest is not a JSON object%s.", "");
	if (!json_is_string(hash) || !manifest_digest_valid(json_string_value(hash)))
		return invalid(err, "The manifest hash \"%s\" is not a sha256 or sha512 digest.",
			       json_is_string(hash) ? json_string_value(hash) : "(missing)");
	if (!json_is_array(layers) || json_array_size(layers) == 0)
		return invalid(err, "The manifest %s has no layers.", json_string_value(hash));
	n = json_array_size(layers);
	if (n > MANIFEST_MAX_LAYERS)
		return invalid(err, "The manifest has more than %d layers.", MANIFEST_MAX_LAYERS);
	if ((st = dup_string(hash, &m->hash, err)) != CLARO_OK)
		return st;
	m->layers = calloc(n, sizeof(*m->layers));
	if (!m->layers)
		return nomem(err);
	for (size_t i = 0; i < n; i++) {
		m->n_layers = i + 1;
		if ((st = parse_layer(json_array_get(layers, i), &m->layers[i], err)) != CLARO_OK)
			return st;
	}
	return CLARO_OK;
}

enum claro_status manifest_parse(const char *json, size_t len, struct manifest *out, struct error *err)
{
	json_error_t jerr;
	json_t *root;
	enum claro_status st;

	memset(out, 0, sizeof(*out));
	root = json_loadb(json ? json : "", json ? len : 0, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		error_set(err, CLARO_ERR_INVALID, "invalid manifest");
		error_detail(err, "The body is not valid JSON: %s (line %d, column %d).", jerr.text,
			     jerr.line, jerr.column);
		error_hint(err, "Send the Manifest as a JSON object.");
		return CLARO_ERR_INVALID;
	}
	st = parse_object(root, out, err);
	json_decref(root);
	if (st != CLARO_OK)
		manifest_free(out);
	return st;
}
