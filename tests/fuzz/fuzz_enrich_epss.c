/* Fuzz target: FIRST's EPSS scores CSV -> claro.epss records
 * (plugins/enrich/epss.c over zstream.c).
 *
 * The input is a feed as served: gzip or plain CSV. Invariants (abort on
 * violation): every record has a valid CVE id as tag and JSON that
 * json_check and jansson accept, an object whose epss and percentile are
 * numbers in [0, 1]; a failure is CLARO_ERR_INVALID, CLARO_ERR_TOO_LARGE or
 * CLARO_ERR_NOMEM with what, detail and hint; the row count matches.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../plugins/enrich/cveid.h"
#include "../../plugins/enrich/epss.h"
#include "../../plugins/enrich/zstream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t records;

static enum claro_status on_record(void *arg, const char *tag, const char *json, struct enrich_error *err)
{
	size_t at;
	const char *why;
	json_t *j, *e, *p;

	(void)arg;
	(void)err;
	if (!cve_valid(tag, strlen(tag)) || json_check(json, strlen(json), 4, &at, &why) != CLARO_OK)
		abort();
	if (!(j = json_loads(json, JSON_REJECT_DUPLICATES, NULL)))
		abort();
	e = json_object_get(j, "epss");
	p = json_object_get(j, "percentile");
	if (!json_is_number(e) || !json_is_number(p) || json_number_value(e) < 0 ||
	    json_number_value(e) > 1 || json_number_value(p) < 0 || json_number_value(p) > 1 ||
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct enrich_error err;
	struct epss_stats stats;
	struct zstream *z = NULL;
	enum claro_status st;

	memset(&err, 0, sizeof(err));
	records = 0;
	st = zstream_open(data, size, 64u << 20, "input", &z, &err);
	if (st == CLARO_OK)
		st = epss_parse(read_stream, z, "input", on_record, NULL, &stats, &err);
	if (st != CLARO_OK) {
		if (st != CLARO_ERR_INVALID && st != CLARO_ERR_TOO_LARGE && st != CLARO_ERR_NOMEM)
			abort();
		if (err.status != st || !err.what[0] || !err.detail[0] || !err.hint[0])
			abort();
	} else if (stats.rows != records || records == 0) {
		abort();
	}
	zstream_close(z);
	return 0;
}
