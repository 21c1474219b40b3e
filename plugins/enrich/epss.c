/* enrich: the EPSS CSV -> claro.epss records (epss.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cveid.h"
#include "epss.h"

#define BUF_SIZE    65536
#define MAX_COLUMNS 64
#define MAX_META    64

static const char hint_csv[] =
    "The feed is not FIRST's EPSS scores CSV: check epss_url in [plugin.enrich] (and "
    "the mirror directory, if one is configured), or retry if the download was cut.";

struct lines {
	jfeed_read_fn rd;
	void *src;
	const char *label;
	char buf[BUF_SIZE];
	size_t len, pos;
	int eof;
	uint64_t lineno;
};

/* The next line without its "\n" or "\r\n": *have = 0 at the end. */
static enum claro_status next_line(struct lines *L, char **line, size_t *n, int *have,
				   struct enrich_error *err)
{
	for (;;) {
		char *start = L->buf + L->pos, *nl = memchr(start, '\n', L->len - L->pos);
		size_t got = 0;
		enum claro_status st;

		if (nl || (L->eof && L->pos < L->len)) {
			*line = start;
			*n = nl ? (size_t)(nl - start) : L->len - L->pos;
			L->pos += *n + (nl ? 1 : 0);
			if (*n > 0 && start[*n - 1] == '\r')
				(*n)--;
			L->lineno++;
			if (*n > EPSS_MAX_LINE)
				break;
			*have = 1;
			return CLARO_OK;
		}
		if (L->eof) {
			*have = 0;
			return CLARO_OK;
		}
		if (L->len - L->pos > EPSS_MAX_LINE) {
			L->lineno++;
			break;
		}
		memmove(L->buf, start, L->len - L->pos);
		L->len -= L->pos;
		L->pos = 0;
		if ((st = L->rd(L->src, L->buf + L->len, sizeof(L->buf) - L->len, &got, err)) != CLARO_OK)
			return st;
		if (got == 0)
			L->eof = 1;
		L->len += got;
	}
	return enrich_fail(err, CLARO_ERR_INVALID, "malformed EPSS feed", hint_csv,
			   "Line %llu of %s is longer than %d bytes.", (unsigned long long)L->lineno,
			   L->label, EPSS_MAX_LINE);
}

static enum claro_status bad_line(struct lines *L, struct enrich_error *err, const char *why, const char *s,
				  size_t n)
{
	char shown[96];

	return enrich_fail(err, CLARO_ERR_INVALID, "malformed EPSS feed", hint_csv,
			   "Line %llu of %s: %s: \"%s\".", (unsigned long long)L->lineno, L->label, why,
			   enrich_printable(shown, sizeof(shown), s, n));
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* A metadata value we copy into JSON strings: printable ASCII without '"'
 * and '\\', 1 to MAX_META bytes. */
static int meta_value_ok(const char *s, size_t n)
{
	if (n == 0 || n > MAX_META)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '"' || s[i] == '\\')
			return 0;
	return 1;
}

static enum claro_status parse_meta(struct lines *L, const char *line, size_t n, struct epss_stats *stats,
				    struct enrich_error *err)
{
	size_t i = 0;

	if (n == 0 || line[0] != '#')
		return bad_line(
		    L, err, "the first line is not the \"#model_version:...,score_date:...\" line", line, n);
	while (i <= n) {
		size_t e = i, kn, vn;
		const char *k, *v, *colon;

		while (e < n && line[e] != ',')
			e++;
		k = line + i;
		kn = e - i;
		trim(&k, &kn);
		if (kn > 0 && k[0] == '#') {
			k++;
			kn--;
		}
		colon = memchr(k, ':', kn);
		if (colon) {
			v = colon + 1;
			vn = kn - (size_t)(v - k);
			kn = (size_t)(colon - k);
			trim(&k, &kn);
			trim(&v, &vn);
			if ((kn == 13 && memcmp(k, "model_version", 13) == 0) ||
			    (kn == 10 && memcmp(k, "score_date", 10) == 0)) {
				char *dst = kn == 13 ? stats->model_version : stats->score_date;
				if (!meta_value_ok(v, vn))
					return bad_line(L, err,
							"a metadata value is empty, too long or has odd "
							"characters",
							v, vn);
				memcpy(dst, v, vn);
				dst[vn] = '\0';
			}
		}
		i = e + 1;
	}
	if (!stats->model_version[0] || !stats->score_date[0])
		return bad_line(L, err, "the metadata line lacks model_version or score_date", line, n);
	return CLARO_OK;
}

/* Split on ',' into f[]; the count, or -1 for too many or a quote. */
static int split(const char *line, size_t n, const char **f, size_t *fl)
{
	int k = 0;
	size_t i = 0;

	if (memchr(line, '"', n))
		return -1;
	for (;;) {
		size_t e = i;
		while (e < n && line[e] != ',')
			e++;
		if (k == MAX_COLUMNS)
			return -1;
		f[k] = line + i;
		fl[k] = e - i;
		k++;
		if (e >= n)
			return k;
		i = e + 1;
	}
}

int epss_probability(const char *s, size_t n, char *out)
{
	size_t i = 0, int_end, frac_end;

	if (n == 0 || n > 32)
		return -1;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i != 1 || (s[0] != '0' && s[0] != '1'))
		return -1; /* one integer digit: 0 or 1 */
	int_end = i;
	frac_end = i;
	if (i < n && s[i] == '.') {
		size_t f = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == f)
			return -1;
		frac_end = i;
		while (frac_end > f && s[frac_end - 1] == '0')
			frac_end--;
		if (s[0] == '1' && frac_end > f)
			return -1; /* above 1 */
		if (frac_end == f)
			frac_end = int_end; /* "1.000" -> "1" */
	}
	if (i != n)
		return -1;
	memcpy(out, s, frac_end);
	out[frac_end] = '\0';
	return 0;
}

enum claro_status epss_parse(jfeed_read_fn rd, void *src, const char *label, epss_emit_fn emit, void *arg,
			     struct epss_stats *stats, struct enrich_error *err)
{
	struct lines *L = calloc(1, sizeof(*L));
	const char *f[MAX_COLUMNS];
	size_t fl[MAX_COLUMNS];
	int state = 0, ncols = 0; /* 0 metadata line, 1 header, 2 rows */
	enum claro_status st = CLARO_OK;

	memset(stats, 0, sizeof(*stats));
	if (!L)
		return enrich_fail(err, CLARO_ERR_NOMEM, "out of memory", "Give the process more memory.",
				   "Could not allocate the CSV line buffer.");
	L->rd = rd;
	L->src = src;
	L->label = label ? label : "the feed";
	for (;;) {
		char *line, json[320], epss[40], pct[40], cve[CVE_MAX_LEN + 1];
		size_t n;
		int have, k;

		if ((st = next_line(L, &line, &n, &have, err)) != CLARO_OK || !have)
			break;
		if (state == 0) {
			if (n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
				line += 3;
				n -= 3;
			}
			if ((st = parse_meta(L, line, n, stats, err)) != CLARO_OK)
				break;
			state = 1;
			continue;
		}
		if (n == 0 || line[0] == '#')
			continue;
		k = split(line, n, f, fl);
		if (k < 0) {
			st = bad_line(L, err, "quoted fields and more than 64 columns are not supported",
				      line, n);
			break;
		}
		if (state == 1) {
			if (k < 3 || fl[0] != 3 || memcmp(f[0], "cve", 3) != 0 || fl[1] != 4 ||
			    memcmp(f[1], "epss", 4) != 0 || fl[2] != 10 ||
			    memcmp(f[2], "percentile", 10) != 0) {
				st = bad_line(L, err, "the header is not \"cve,epss,percentile\"", line, n);
				break;
			}
			ncols = k;
			state = 2;
			continue;
		}
		if (k != ncols) {
			st = bad_line(L, err, "the row does not have as many fields as the header", line, n);
			break;
		}
		if (!cve_valid(f[0], fl[0])) {
			st = bad_line(L, err, "the first field is not a CVE id", f[0], fl[0]);
			break;
		}
		if (epss_probability(f[1], fl[1], epss) != 0 || epss_probability(f[2], fl[2], pct) != 0) {
			st = bad_line(L, err, "a score is not a decimal number between 0 and 1", line, n);
			break;
		}
		memcpy(cve, f[0], fl[0]);
		cve[fl[0]] = '\0';
		snprintf(
		    json, sizeof(json),
		    "{\"modelVersion\":\"%s\",\"date\":\"%s\",\"cve\":\"%s\",\"epss\":%s,\"percentile\":%s}",
		    stats->model_version, stats->score_date, cve, epss, pct);
		stats->rows++;
		if ((st = emit(arg, cve, json, err)) != CLARO_OK)
			break;
	}
	if (st == CLARO_OK && state < 2)
		st = enrich_fail(err, CLARO_ERR_INVALID, "malformed EPSS feed", hint_csv,
				 "%s ends before its %s line.", L->label, state == 0 ? "metadata" : "header");
	else if (st == CLARO_OK && stats->rows == 0)
		st = enrich_fail(err, CLARO_ERR_INVALID, "empty EPSS feed", hint_csv,
				 "%s has a header but no scores.", L->label);
	free(L);
	return st;
}
