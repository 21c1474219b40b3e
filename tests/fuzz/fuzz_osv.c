/* Fuzz target: OSV records -> vulnerabilities (plugins/osv/record.c) and the
 * zip walker (plugins/osv/archive.c).
 *
 * An input starting with "PK" is walked as an OSV dump: every .json entry
 * goes through the converter, and every .zip entry is walked one level down
 * (claircore's test dumps are zips of all.zip files). Any other input is one
 * record. Each record is converted for every ecosystem, with stand-in
 * "semver" and ecosystem schemes (dotted numbers) so the range code runs.
 *
 * Invariants (abort on violation): a failure is CLARO_ERR_INVALID,
 * CLARO_ERR_TOO_LARGE or CLARO_ERR_NOMEM with a what, detail and hint; every
 * emitted vulnerability has a valid name, a package name, a repository, a
 * non-NULL fixed_in_version, and range bounds that are both set (same kind,
 * lower <= upper) or both empty.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/osv/archive.h"
#include "../../plugins/osv/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Dotted decimal numbers into v[1..] (semver's layout); anything else does
 * not parse. Enough to drive the range code. */
static enum claro_status dotted(const char *v, struct claro_normalized_version *out, const char *kind)
{
	int i = 1;

	memset(out, 0, sizeof(*out));
	if (*v == 'v')
		v++;
	if (!*v)
		return CLARO_ERR_INVALID;
	while (*v && i < CLARO_NORM_VERSION_LEN) {
		int64_t n = 0;
		if (*v < '0' || *v > '9')
			return CLARO_ERR_INVALID;
		while (*v >= '0' && *v <= '9') {
			n = n * 10 + (*v++ - '0');
			if (n > INT32_MAX - 1)
				return CLARO_ERR_INVALID;
		}
		out->v[i++] = (int32_t)n;
		if (*v == '.')
			v++;
		else
			break;
	}
	if (*v && *v != '-' && *v != '+')
		return CLARO_ERR_INVALID;
	out->kind = kind;
	return CLARO_OK;
}

static enum claro_status semver_normalize(const char *v, struct claro_normalized_version *out)
{
	return dotted(v, out, "semver");
}

static enum claro_status eco_normalize(const char *v, struct claro_normalized_version *out)
{
	return dotted(v, out, "fuzzver");
}

static const struct claro_version_scheme_ops semver_ops = {sizeof(semver_ops), NULL, semver_normalize};
static const struct claro_version_scheme_ops eco_ops = {sizeof(eco_ops), NULL, eco_normalize};

static int normalized_le(const struct claro_normalized_version *a, const struct claro_normalized_version *b)
{
	for (int i = 0; i < CLARO_NORM_VERSION_LEN; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i];
	return 1;
}

static enum claro_status check_vulnerability(void *arg, const struct claro_vulnerability *v)
{
	const char *lk = v->range_lower.kind, *uk = v->range_upper.kind;
	size_t n = v->name ? strlen(v->name) : 0;

	(void)arg;
	if (n == 0 || n > OSV_MAX_ID || !v->package || !v->package->name || !*v->package->name ||
	    !v->repository || !v->repository->name || !v->fixed_in_version || !v->links)
		abort();
	if ((lk && *lk) != (uk && *uk))
		abort();
	if (lk && *lk && (strcmp(lk, uk) != 0 || !normalized_le(&v->range_lower, &v->range_upper)))
		abort();
	if ((unsigned)v->normalized_severity > CLARO_SEVERITY_CRITICAL)
		abort();
	return CLARO_OK;
}

static void check_error(enum claro_status st, const struct osv_error *err)
{
	if (st == CLARO_OK)
		return;
	if (st != CLARO_ERR_INVALID && st != CLARO_ERR_TOO_LARGE && st != CLARO_ERR_NOMEM)
		abort();
	if (err->status != st || !err->what[0] || !err->detail[0] || !err->hint[0])
		abort();
}

static enum claro_status one_record(void *arg, const char *name, const char *json, size_t len,
				    struct osv_error *unused)
{
	(void)arg;
	(void)unused;
	for (size_t i = 0; i < osv_n_ecosystems; i++) {
		struct osv_convert cv;
		struct osv_error err;
		enum claro_status st;

		memset(&cv, 0, sizeof(cv));
		memset(&err, 0, sizeof(err));
		cv.eco = &osv_ecosystems[i];
		cv.semver = &semver_ops;
		cv.eco_scheme = osv_ecosystems[i].scheme ? &eco_ops : NULL;
		cv.ecosystem_ranges = 1;
		cv.now = 1700000000;
		cv.emit = check_vulnerability;
		st = osv_convert_record(&cv, json, len, name, &err);
		check_error(st, &err);
	}
	return CLARO_OK; /* a bad record must not stop the walk over the others */
}

static const struct osv_limits limits = {100000, 16u << 20, 256u << 20};

static enum claro_status inner_zip(void *arg, const char *name, const char *data, size_t len,
				   struct osv_error *unused)
{
	struct osv_archive_stats stats;
	struct osv_error err;
	enum claro_status st;

	(void)arg;
	(void)name;
	(void)unused;
	memset(&err, 0, sizeof(err));
	st = osv_archive_walk(data, len, ".json", &limits, one_record, NULL, &stats, &err);
	check_error(st, &err);
	return CLARO_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct osv_archive_stats stats;
	struct osv_error err;
	enum claro_status st;

	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		memset(&err, 0, sizeof(err));
		st = osv_archive_walk(data, size, ".json", &limits, one_record, NULL, &stats, &err);
		check_error(st, &err);
		memset(&err, 0, sizeof(err));
		st = osv_archive_walk(data, size, ".zip", &limits, inner_zip, NULL, &stats, &err);
		check_error(st, &err);
		return 0;
	}
	one_record(NULL, "input", (const char *)data, size, NULL);
	return 0;
}
