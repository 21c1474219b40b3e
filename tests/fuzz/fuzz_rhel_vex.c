/* Fuzz target: Red Hat CSAF VEX (plugins/rhel/vex.c, vexfeed.c, purl.c,
 * cpematch.c).
 *
 * An input starting with zstd's or gzip's magic, or a tar header, is walked
 * as a VEX archive (every document converted); any other input is converted
 * as one document, read as changes.csv, parsed as a purl, and (first line,
 * second line) compared as two CPEs.
 *
 * Invariants (abort on violation): a failure is CLARO_ERR_INVALID,
 * CLARO_ERR_TOO_LARGE, CLARO_ERR_UNSUPPORTED or CLARO_ERR_NOMEM with a what,
 * detail and hint; every record has the document's name, a package name, a
 * kind, a repository keyed rhel-cpe-repository or rhcc-container-repository
 * whose name is a CPE that unbinds, non-NULL links and fixed version, and a
 * range that is either empty or rhctag with lower <= upper; a deleted name
 * is not empty; a purl that parses has a type and a name; a CPE without
 * wildcards is a superset of itself, and every CPE a prefix of itself.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/common/cpe.h"
#include "../../plugins/rhel/cpematch.h"
#include "../../plugins/rhel/purl.h"
#include "../../plugins/rhel/vex.h"
#include "../../plugins/rhel/vexfeed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A CPE without wildcards is a superset of itself (with one, the relation
 * is undefined: NIST IR 7696 table 6-2). */
static int wild(const struct cpe *c)
{
	for (int i = 0; i < CPE_NATTR; i++)
		if (c->attr[i].kind == CPE_SET && strpbrk(c->attr[i].v, "*?"))
			return 1;
	return 0;
}

static void check_error(enum claro_status st, const struct vex_error *err)
{
	if (st == CLARO_OK)
		return;
	if (st != CLARO_ERR_INVALID && st != CLARO_ERR_TOO_LARGE && st != CLARO_ERR_NOMEM &&
	    st != CLARO_ERR_UNSUPPORTED)
		abort();
	if (err->from_sink || err->status != st || !err->what[0] || !err->detail[0] || !err->hint[0])
		abort();
}

static int le(const struct claro_normalized_version *a, const struct claro_normalized_version *b)
{
	for (int i = 0; i < CLARO_NORM_VERSION_LEN; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i];
	return 1;
}

static enum claro_status check_record(void *arg, const struct claro_vulnerability *v)
{
	const char *lk = v->range_lower.kind, *uk = v->range_upper.kind, *why;
	const struct claro_repository *r = v->repository;
	struct cpe c;

	(void)arg;
	if (!v->name || !*v->name || !v->package || !v->package->name || !*v->package->name ||
	    !v->package->kind || !v->links || !v->fixed_in_version || !v->severity || !r || !r->name ||
	    !r->key)
		abort();
	if (strcmp(r->key, "rhel-cpe-repository") != 0 && strcmp(r->key, "rhcc-container-repository") != 0)
		abort();
	if ((lk && *lk) != (uk && *uk))
		abort();
	if (lk && *lk &&
	    (strcmp(lk, "rhctag") != 0 || strcmp(uk, "rhctag") != 0 || !le(&v->range_lower, &v->range_upper)))
		abort();
	if ((unsigned)v->normalized_severity > CLARO_SEVERITY_CRITICAL)
		abort();
	/* the repository name is a CPE the rhel matcher can read back */
	if (cpe_unbind(r->name, &c, &why) != CLARO_OK)
		abort();
	if ((!wild(&c) && !cpematch_is_superset(&c, &c)) || cpematch_is_prefix(&c, &c) != 1)
		abort();
	cpe_free(&c);
	return CLARO_OK;
}

static enum claro_status check_deleted(void *arg, const char *name)
{
	(void)arg;
	if (!name || !*name)
		abort();
	return CLARO_OK;
}

static const struct vex_sink sink = {check_record, check_deleted, NULL};

static enum claro_status one_doc(void *arg, const char *path, const char *data, size_t len,
				 struct vex_error *unused)
{
	struct vex_stats *stats = arg;
	struct vex_error err;
	enum claro_status st;

	(void)unused;
	memset(&err, 0, sizeof(err));
	st = vex_convert(data, len, path, &sink, stats, &err);
	check_error(st, &err);
	return CLARO_OK; /* the walk goes on over the others */
}

static enum claro_status csv_row(void *arg, size_t line, const char *path, const char *time,
				 struct vex_error *err)
{
	long year;

	(void)arg;
	(void)err;
	if (line == 0 || !path || !time)
		abort();
	(void)vex_path_year(path, &year);
	return CLARO_OK;
}

static int is_archive(const uint8_t *d, size_t n)
{
	static const uint8_t zstd[] = {0x28, 0xb5, 0x2f, 0xfd};

	return (n >= 4 && memcmp(d, zstd, 4) == 0) || (n >= 2 && d[0] == 0x1f && d[1] == 0x8b) ||
	       (n >= 262 && memcmp(d + 257, "ustar", 5) == 0);
}

static void cpe_pair(const char *text)
{
	const char *nl = strchr(text, '\n'), *why;
	char *a, *b;
	struct cpe ca, cb;

	if (!nl)
		return;
	a = malloc((size_t)(nl - text) + 1);
	b = strdup(nl + 1);
	if (!a || !b) {
		free(a);
		free(b);
		return;
	}
	memcpy(a, text, (size_t)(nl - text));
	a[nl - text] = '\0';
	if (strchr(b, '\n'))
		*strchr(b, '\n') = '\0';
	if (cpe_unbind(a, &ca, &why) == CLARO_OK) {
		if (cpe_unbind(b, &cb, &why) == CLARO_OK) {
			(void)cpematch_is_superset(&ca, &cb);
			(void)cpematch_is_prefix(&cb, &ca);
			cpe_free(&cb);
		}
		if (!wild(&ca) && !cpematch_is_superset(&ca, &ca))
			abort();
		cpe_free(&ca);
	}
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vex_limits lim = {100000, 64u << 20, 512u << 20};
	struct vex_stats stats;
	struct vex_archive_stats as;
	struct vex_error err;
	enum claro_status st;
	char *text;

	memset(&stats, 0, sizeof(stats));
	memset(&err, 0, sizeof(err));
	if (is_archive(data, size)) {
		st = vex_archive_walk(data, size, "fuzz", &lim, 2015, one_doc, &stats, &as, &err);
		check_error(st, &err);
		return 0;
	}
	st = vex_convert((const char *)data, size, "fuzz", &sink, &stats, &err);
	check_error(st, &err);
	memset(&err, 0, sizeof(err));
	st = vex_csv_each((const char *)data, size, "fuzz", csv_row, NULL, &err);
	check_error(st, &err);
	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (strlen(text) == size) {
		struct purl p;
		const char *why;

		if (purl_parse(text, &p, &why) == CLARO_OK) {
			if (!p.type || !*p.type || !p.name || !*p.name)
				abort();
			purl_free(&p);
		}
		cpe_pair(text);
	}
	free(text);
	return 0;
}
