/* Fuzz target: NVD CVE API 2.0 feeds -> clair.cvss records
 * (plugins/enrich/cvss.c over zstream.c and jsonscan.c), and the .meta
 * parser.
 *
 * The input is a feed as served: gzip (one or more members) or plain JSON.
 * Invariants (abort on violation): every record has a valid CVE id as tag
 * and JSON that json_check accepts, is an object and that jansson (the
 * host's sink, with JSON_REJECT_DUPLICATES) accepts too; a failure is
 * CLARO_ERR_INVALID, CLARO_ERR_TOO_LARGE or CLARO_ERR_NOMEM with what,
 * detail and hint; a .meta hash is 64 upper-case hex digits.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../plugins/enrich/cveid.h"
#include "../../plugins/enrich/cvss.h"
#include "../../plugins/enrich/zstream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_json(const char *json)
{
	size_t at;
	const char *why;
	json_t *j;
	struct jspan s = {json, strlen(json)};

	if (json_check(json, strlen(json), JSONSCAN_MAX_DEPTH, &at, &why) != CLARO_OK ||
	    jv_kind(s) != JV_OBJECT)
		abort();
	if (!(j = json_loads(json, JSON_REJECT_DUPLICATES, NULL)))
		abort();
	json_decref(j);
}

static enum claro_status on_record(void *arg, const char *tag, const char *json, struct enrich_error *err)
{
	(void)arg;
	(void)err;
	if (!cve_valid(tag, strlen(tag)))
		abort();
	check_json(json);
	return CLARO_OK;
}

static void check_error(enum claro_status st, const struct enrich_error *err)
{
	if (st == CLARO_OK)
		return;
	if (st != CLARO_ERR_INVALID && st != CLARO_ERR_TOO_LARGE && st != CLARO_ERR_NOMEM)
		abort();
	if (err->status != st || !err->what[0] || !err->detail[0] || !err->hint[0])
		abort();
}

static enum claro_status read_stream(void *src, char *buf, size_t n, size_t *got, struct enrich_error *err)
{
	return zstream_read(src, buf, n, got, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct enrich_error err;
	struct cvss_stats stats;
	struct zstream *z = NULL;
	char sha[65];
	enum claro_status st;

	memset(&err, 0, sizeof(err));
	st = cvss_meta_sha256((const char *)data, size, "input", sha, &err);
	check_error(st, &err);
	if (st == CLARO_OK)
		for (int i = 0; i < 64; i++)
			if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'A' && sha[i] <= 'F')) ||
			    sha[64])
				abort();

	memset(&err, 0, sizeof(err));
	st = zstream_open(data, size, 64u << 20, "input", &z, &err);
	if (st == CLARO_OK)
		st = cvss_parse(read_stream, z, 1u << 20, "input", on_record, NULL, &stats, &err);
	check_error(st, &err);
	if (st == CLARO_OK && stats.emitted + stats.rejected + stats.no_cvss3 != stats.items)
		abort();
	zstream_close(z);
	return 0;
}
