/* Fuzz target: the advisory import's reading side (core/advisory_stream.c,
 * core/advisory_record.c, core/vulnjson.c). Each input is
 *   - read as an export file through the stream reader (plain, gzip or
 *     zstd by magic bytes, 64 KiB lines at most, a small size and ratio
 *     limit), every line parsed as an export record, each record's
 *     vulnerability encoded back to JSON;
 *   - parsed as one JSON value and, when it is an object, decoded as a
 *     Clair Vulnerability and encoded back.
 * Seeds: claircore's matcher test archives (their vulnerability sections are
 * Clair's own JSON) and the OSV updater's test data.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../core/advisory_export.h"
#include "../../core/advisory_stream.h"
#include "../../core/vulnjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void encode_back(const struct claro_vulnerability *v)
{
	json_t *again = vulnjson_encode(v);
	char *text = again ? json_dumps(again, JSON_COMPACT) : NULL;

	free(text);
	json_decref(again);
}

static void fuzz_stream(const uint8_t *data, size_t size)
{
	struct in_limits lim = {64 * 1024, 16u << 20, 1000};
	struct in_stream *in = NULL;
	struct error err = ERROR_INIT;
	FILE *fp = fmemopen((void *)(uintptr_t)data, size, "rb");
	char *line;
	size_t len;

	if (!fp)
		return;
	if (in_stream_open(fp, "fuzz", &lim, &in, &err) == CLARO_OK) {
		while (in_stream_line(in, &line, &len, &err) == CLARO_OK && line) {
			struct advisory_record rec;

			if (advisory_record_parse(line, len, &rec, &err) != CLARO_OK) {
				error_clear(&err);
				continue;
			}
			if (rec.kind == STORE_KIND_VULNERABILITY)
				encode_back(&rec.vuln.v);
			advisory_record_free(&rec);
		}
	}
	error_clear(&err);
	in_stream_free(in);
	fclose(fp);
}

static void fuzz_vulnerability(const uint8_t *data, size_t size)
{
	json_t *obj = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	struct vulnjson_view view;
	struct error err = ERROR_INIT;

	if (json_is_object(obj) && vulnjson_decode(obj, &view, &err) == CLARO_OK)
		encode_back(&view.v);
	error_clear(&err);
	json_decref(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	fuzz_stream(data, size);
	fuzz_vulnerability(data, size);
	return 0;
}
