/* One record of an advisory export (see advisory_export.h): checked
 * against Clair's export-updaters shape. Kept apart from the import so the
 * fuzz target (tests/fuzz/fuzz_advisory_record.c) needs no store.
 * SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "advisory_export.h"
#include "strutil.h"

#define MAX_NAME 256
#define MAX_REF  64
#define MAX_TAGS 64

/* The span of the value of key in the JSON object text[0..len) (already
 * validated by jansson, so only well-formed text reaches here; every index
 * is still bounds-checked). 0 and the span when found, -1 otherwise
 * (including keys written with escapes: the caller falls back then). */
static size_t skip_ws(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/* Index after the string starting at t[i] == '"'; len if unterminated. */
static size_t skip_string(const char *t, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (t[i] == '\\')
			i++;
		else if (t[i] == '"')
			return i + 1;
	}
	return len;
}

static size_t skip_value(const char *t, size_t len, size_t i)
{
	size_t depth = 0;

	do {
		if (i >= len)
			return len;
		if (t[i] == '"') {
			i = skip_string(t, len, i);
			continue;
		}
		if (t[i] == '{' || t[i] == '[')
			depth++;
		else if (t[i] == '}' || t[i] == ']')
			depth--;
		else if (depth == 0) { /* a scalar: up to the next delimiter */
			while (i < len && !strchr(",}] \t\r\n", t[i]))
				i++;
			return i;
		}
		i++;
	} while (depth > 0);
	return i;
}

static int member_span(const char *t, size_t len, const char *key, size_t *start, size_t *end)
{
	size_t i = skip_ws(t, len, 0), klen = strlen(key);

	if (i >= len || t[i] != '{')
		return -1;
	i++;
	for (;;) {
		size_t k0, k1, v0, v1;

		i = skip_ws(t, len, i);
		if (i >= len || t[i] != '"')
			return -1;
		k0 = i + 1;
		i = skip_string(t, len, i);
		k1 = i - 1;
		i = skip_ws(t, len, i);
		if (i >= len || t[i] != ':')
			return -1;
		v0 = skip_ws(t, len, i + 1);
		v1 = skip_value(t, len, v0);
		if (v1 > len || v0 >= v1)
			return -1;
		if (k1 >= k0 && k1 - k0 == klen && memcmp(t + k0, key, klen) == 0) {
			*start = v0;
			*end = v1;
			return 0;
		}
		i = skip_ws(t, len, v1);
		if (i >= len || t[i] != ',')
			return -1;
		i++;
	}
}

static enum claro_status invalid(struct error *err, const char *fmt, ...) CLARO_PRINTF(2, 3);
static enum claro_status invalid(struct error *err, const char *fmt, ...)
{
	va_list ap;
	char *detail;

	va_start(ap, fmt);
	detail = str_vprintf(fmt, ap);
	va_end(ap);
	error_set(err, CLARO_ERR_INVALID, "invalid record");
	error_detail(err, "%s", detail ? detail : "The record is malformed.");
	error_hint(err, "Import files written by claroctl updaters export or clairctl export-updaters.");
	free(detail);
	return CLARO_ERR_INVALID;
}

/* A string member that must be there (unless allow_empty). */
static enum claro_status need_string(json_t *o, const char *key, size_t max, int allow_empty,
				     const char **out, struct error *err)
{
	json_t *m = json_object_get(o, key);
	size_t len;

	*out = "";
	if (!m && allow_empty)
		return CLARO_OK;
	if (!json_is_string(m))
		return invalid(err, "\"%s\" is %s, not a string.", key, m ? "another type" : "missing");
	*out = json_string_value(m);
	len = json_string_length(m);
	if (strlen(*out) != len)
		return invalid(err, "\"%s\" contains a NUL character.", key);
	if ((!allow_empty && len == 0) || len > max)
		return invalid(err, "\"%s\" must have %d to %zu bytes; it has %zu.", key, allow_empty ? 0 : 1,
			       max, len);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)(*out)[i] < 0x20)
			return invalid(err, "\"%s\" contains a control character.", key);
	return CLARO_OK;
}

static enum claro_status parse_enrichment(struct advisory_record *rec, const char *line, size_t len,
					  struct error *err)
{
	json_t *e = json_object_get(rec->obj, "Enrichment"), *tags, *data, *t;
	size_t a0, a1, b0, b1, i;

	if (!json_is_object(e))
		return invalid(err, "A record of kind enrichment needs an \"Enrichment\" object.");
	tags = json_object_get(e, "Tags");
	data = json_object_get(e, "Enrichment");
	if (!json_is_array(tags) || json_array_size(tags) < 1 || json_array_size(tags) > MAX_TAGS)
		return invalid(err, "\"Tags\" must be an array of 1 to %d strings.", MAX_TAGS);
	json_array_foreach(tags, i, t)
	{
		if (!json_is_string(t) || json_string_length(t) == 0 || json_string_length(t) > MAX_NAME ||
		    strlen(json_string_value(t)) != json_string_length(t))
			return invalid(err, "Tag %zu is not a string of 1 to %d bytes.", i + 1, MAX_NAME);
		rec->tags[i] = json_string_value(t);
	}
	rec->tags[json_array_size(tags)] = NULL;
	if (!json_is_object(data) && !json_is_array(data))
		return invalid(err, "The enrichment's \"Enrichment\" must be a JSON object or array.");
	/* Keep the enrichment's text as written (numbers included). */
	if (member_span(line, len, "Enrichment", &a0, &a1) == 0 &&
	    member_span(line + a0, a1 - a0, "Enrichment", &b0, &b1) == 0)
		rec->raw = str_ndup(line + a0 + b0, b1 - b0);
	else
		rec->raw = json_dumps(data, JSON_COMPACT);
	return rec->raw ? CLARO_OK : error_set(err, CLARO_ERR_NOMEM, "out of memory");
}

void advisory_record_free(struct advisory_record *rec)
{
	if (!rec)
		return;
	json_decref(rec->obj);
	free(rec->raw);
	memset(rec, 0, sizeof(*rec));
}

char *advisory_record_op_text(const char *line, size_t len, size_t *n)
{
	static const char *const keys[] = {"Updater", "Fingerprint", "Ref", "Kind"};
	size_t start[4], end[4], total = 0;
	char *out, *p;

	*n = 0;
	for (size_t i = 0; i < 4; i++) {
		if (member_span(line, len, keys[i], &start[i], &end[i]) != 0 || end[i] > len)
			return NULL;
		total += end[i] - start[i] + 1;
	}
	if (!(out = malloc(total)))
		return NULL;
	p = out;
	for (size_t i = 0; i < 4; i++) {
		memcpy(p, line + start[i], end[i] - start[i]);
		p += end[i] - start[i];
		*p++ = '\0';
	}
	*n = total;
	return out;
}

enum claro_status advisory_record_parse(const char *line, size_t len, struct advisory_record *rec,
					struct error *err)
{
	const char *date_text, *kind_text;
	json_error_t jerr;
	enum claro_status st;

	memset(rec, 0, sizeof(*rec));
	rec->obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!rec->obj)
		return invalid(err, "The record is not JSON: %s (column %d).", jerr.text, jerr.column);
	if (!json_is_object(rec->obj))
		st = invalid(err, "The record is not a JSON object.");
	else if ((st = need_string(rec->obj, "Updater", MAX_NAME, 0, &rec->updater, err)) == CLARO_OK &&
		 (st = need_string(rec->obj, "Fingerprint", 64 * 1024, 1, &rec->fingerprint, err)) ==
		     CLARO_OK &&
		 (st = need_string(rec->obj, "Date", 64, 0, &date_text, err)) == CLARO_OK &&
		 (st = need_string(rec->obj, "Ref", MAX_REF, 0, &rec->ref, err)) == CLARO_OK &&
		 (st = need_string(rec->obj, "Kind", 32, 0, &kind_text, err)) == CLARO_OK) {
		if (strcmp(kind_text, "vulnerability") == 0)
			rec->kind = STORE_KIND_VULNERABILITY;
		else if (strcmp(kind_text, "enrichment") == 0)
			rec->kind = STORE_KIND_ENRICHMENT;
		else
			st = invalid(err, "\"Kind\" is \"%s\", not vulnerability or enrichment.", kind_text);
		if (st == CLARO_OK &&
		    (vulnjson_parse_time(date_text, &rec->date) != 0 || rec->date == INT64_MIN))
			st = invalid(err, "\"Date\" is not an RFC 3339 time between the years 1 and 9999.");
		if (st == CLARO_OK && rec->kind == STORE_KIND_VULNERABILITY) {
			json_t *v = json_object_get(rec->obj, "Vuln");

			st = json_is_object(v)
				 ? vulnjson_decode(v, &rec->vuln, err)
				 : invalid(err, "A record of kind vulnerability needs a \"Vuln\" object.");
		} else if (st == CLARO_OK) {
			st = parse_enrichment(rec, line, len, err);
		}
	}
	if (st != CLARO_OK)
		advisory_record_free(rec);
	return st;
}
