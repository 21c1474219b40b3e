/* test_cvss: the CVSS base scores of plugins/osv/cvss.c against NVD's own.
 *
 * Every CVSS object in the NVD test data (API 2.0 "cvssData" and the older
 * feed's "cvssV2"/"cvssV3" objects: a vectorString next to a baseScore) is
 * scored by osv_cvss_base_score() and compared with NVD's baseScore; for
 * v3 and v4 also the band with NVD's baseSeverity (NONE is claro's
 * Negligible). Vectors NVD scored must parse; a few malformed variants of
 * each must not.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "../../tests/tap.h"
#include "cvss.h"

static const char *const nvd_files[] = {
    "advisories/nvd/claircore-enricher/cvss/feed.json",
    "advisories/nvd/vunnel/full-page.json",
    "advisories/nvd/vunnel/single-entry.json",
    "advisories/nvd/trivy-db/api/2020/CVE-2020-0001.json",
    "advisories/nvd/trivy-db/api/2023/CVE-2023-0001.json",
    "advisories/nvd/trivy-db/api/2024/CVE-2024-0069.json",
    "advisories/nvd/trivy-db/api/2024/CVE-2024-5732.json",
};

struct tally {
	int checked[5]; /* by major version: 2, 3, 4 */
	int seen;
};

static const char *band_word(enum claro_severity s)
{
	switch (s) {
	case CLARO_SEVERITY_NEGLIGIBLE: return "NONE";
	case CLARO_SEVERITY_LOW: return "LOW";
	case CLARO_SEVERITY_MEDIUM: return "MEDIUM";
	case CLARO_SEVERITY_HIGH: return "HIGH";
	case CLARO_SEVERITY_CRITICAL: return "CRITICAL";
	default: return "UNKNOWN";
	}
}

static void check_object(json_t *o, struct tally *t)
{
	const char *vec = json_string_value(json_object_get(o, "vectorString"));
	json_t *base = json_object_get(o, "baseScore");
	const char *sev = json_string_value(json_object_get(o, "baseSeverity"));
	int got = -1, want, major, rc;

	if (!vec || !json_is_number(base))
		return;
	t->seen++;
	want = (int)lround(json_number_value(base) * 10);
	major = strncmp(vec, "CVSS:3", 6) == 0 ? 3 : strncmp(vec, "CVSS:4", 6) == 0 ? 4 : 2;
	rc = osv_cvss_base_score(vec, &got);
	if (!ok(rc == 0 && got == want, "%s scores %d.%d (NVD: %.1f)", vec, got / 10, got % 10,
		json_number_value(base)))
		return;
	if (major != 2 && sev)
		ok(strcasecmp(band_word(osv_cvss_band(got)), sev) == 0, "  band %s", sev);
	t->checked[major]++;

	/* The same vector broken in three ways is refused. */
	{
		size_t n = strlen(vec);
		char *bad = malloc(n + 8);
		if (!bad)
			return;
		memcpy(bad, vec, n - 2);
		memcpy(bad + n - 2, ":Q", 3);
		ok(osv_cvss_base_score(bad, &got) != 0, "  a bad last value is refused");
		snprintf(bad, n + 8, "%s/%s", vec, strrchr(vec, '/') + 1);
		ok(osv_cvss_base_score(bad, &got) != 0, "  a repeated metric is refused");
		/* drop the first metric (AV, a base metric in every version) */
		{
			const char *first = major == 2 ? vec : strchr(vec, '/') + 1;
			const char *next = strchr(first, '/');
			size_t keep = (size_t)(first - vec);
			memcpy(bad, vec, keep);
			memcpy(bad + keep, next + 1, strlen(next + 1) + 1);
		}
		ok(osv_cvss_base_score(bad, &got) != 0, "  a missing base metric is refused");
		free(bad);
	}
}

static void walk(json_t *j, struct tally *t)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		check_object(j, t);
		json_object_foreach(j, key, v)
		{
			walk(v, t);
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
		{
			walk(v, t);
		}
	}
}

int main(void)
{
	const char *root = testdata_dir();
	struct tally t;
	int missing = 0;

	memset(&t, 0, sizeof(t));
	plan_no_plan();
	for (size_t i = 0; i < sizeof(nvd_files) / sizeof(nvd_files[0]); i++) {
		size_t n = strlen(root) + strlen(nvd_files[i]) + 2;
		char *path = malloc(n);
		json_error_t jerr;
		json_t *j = NULL;

		if (path) {
			snprintf(path, n, "%s/%s", root, nvd_files[i]);
			j = json_load_file(path, 0, &jerr);
		}
		if (!j) {
			diag("cannot read %s: %s", path ? path : nvd_files[i],
			     path ? jerr.text : "out of memory");
			free(path);
			missing++;
			continue;
		}
		free(path);
		walk(j, &t);
		json_decref(j);
	}
	if (missing == (int)(sizeof(nvd_files) / sizeof(nvd_files[0]))) {
		printf("1..0 # SKIP no NVD test data (is CLARO_TESTDATA set?)\n");
		return 0;
	}
	diag("NVD scores checked: v2 %d, v3 %d, v4 %d", t.checked[2], t.checked[3], t.checked[4]);
	ok(t.checked[2] > 0 && t.checked[3] > 0 && t.checked[4] > 0, "NVD data covers CVSS v2, v3 and v4");
	ok(osv_cvss_base_score("CVSS:5.0/AV:N", &(int){0}) != 0, "an unknown CVSS version is refused");
	ok(osv_cvss_base_score("", &(int){0}) != 0, "an empty vector is refused");
	return done_testing();
}
