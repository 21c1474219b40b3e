/* Fuzz target: CISA's KEV catalog -> claro.kev records
 * (plugins/enrich/kev.c over zstream.c and jsonscan.c).
 *
 * The input is a catalog as served: gzip or plain JSON. It is read twice,
 * as the updater does: a checking pass, then an emitting pass with the
 * catalogVersion the first found. Invariants (abort on violation): both
 * passes agree; every record has a valid CVE id as tag and JSON that
 * json_check and jansson (JSON_REJECT_DUPLICATES) accept, an object whose
 * "cve" is the tag; a failure is CLARO_ERR_INVALID, CLARO_ERR_TOO_LARGE or
 * CLARO_ERR_NOMEM with what, detail and hint.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../plugins/enrich/cveid.h"
#include "../../plugins/enrich/kev.h"
#include "../../plugins/enrich/zstream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t records;

static enum claro_status on_record(void *arg, const char *tag, const char *json, struct enrich_error *err)
{
	size_t at;
	const char *why;
	json_t *j;

	(void)arg;
	(void)err;
	if (!cve_valid(tag, strlen(tag)) || json_check(json, strlen(json), 4, &at, &why) != CLARO_OK)
		abort();
	if (!(j = json_loads(json, JSON_REJECT_DUPLICATES, NULL)))
		abort();
	if (!json_is_string(json_object_get(j, "catalog_version")) ||
	    strcmp(json_string_value(json_object_get(j, "cve")), tag) != 0)
		abort();
	json_decref(j);
	records++;
	return CLARO_OK;
}

static enum claro_status read_stream(void *src, char *buf, size_t n, size_t *got, struct enrich_error *err)
{
	return zstream_read(src, buf, n, got, err);
}

static enum claro_status pass(const uint8_t *data, size_t size, const char *version, kev_emit_fn emit,
			      struct kev_stats *stats)
{
	struct enrich_error err;
	struct zstream *z = NULL;
	enum claro_status st;

	memset(&err, 0, sizeof(err));
	st = zstream_open(data, size, 64u << 20, "input", &z, &err);
	if (st == CLARO_OK)
		st = kev_parse(read_stream, z, 1u << 20, "input", version, emit, NULL, stats, &err);
	zstream_close(z);
	if (st != CLARO_OK) {
		if (st != CLARO_ERR_INVALID && st != CLARO_ERR_TOO_LARGE && st != CLARO_ERR_NOMEM)
			abort();
		if (err.status != st || !err.what[0] || !err.detail[0] || !err.hint[0])
			abort();
	}
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kev_stats checked, emitted;

	records = 0;
	if (pass(data, size, NULL, NULL, &checked) != CLARO_OK)
		return 0;
	if (pass(data, size, checked.catalog_version, on_record, &emitted) != CLARO_OK ||
	    emitted.entries != checked.entries || records != checked.entries || records == 0)
		abort();
	return 0;
}
