/* osv: CVSS base scores.
 *
 * v2 and v3.x follow the formulas of their specifications (FIRST), v3.1 with
 * its Roundup, v3.0 with ceil to one decimal. v4.0 follows FIRST's reference
 * calculator: macrovector lookup, then interpolation by the severity distance
 * to the highest vector of the macrovector. The macrovector scores below are
 * the table of that calculator (FIRST, BSD-2-Clause), in tenths.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "cvss.h"

#define MAX_METRICS 40
#define MAX_VALUE   8

/* A metric of a vector: its key and the values it may take ("N,A,L,P"). */
struct metric_def {
	const char *key;
	const char *values;
	int base; /* required */
};

struct parsed {
	char val[MAX_METRICS][MAX_VALUE]; /* "" = absent */
};

/* Does the comma-separated list hold exactly v[0..n)? */
static int in_list(const char *list, const char *v, size_t n)
{
	while (*list) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);
		if (len == n && memcmp(list, v, n) == 0)
			return 1;
		if (!comma)
			break;
		list = comma + 1;
	}
	return 0;
}

/* Parse "K:V/K:V..." (after the version prefix) against defs. Any order; no
 * duplicates, no unknown keys, no empty parts; all base metrics present. */
static int parse_metrics(const char *s, const struct metric_def *defs, size_t n, struct parsed *out)
{
	memset(out, 0, sizeof(*out));
	if (n > MAX_METRICS || !*s)
		return -1;
	for (;;) {
		const char *slash = strchr(s, '/');
		size_t len = slash ? (size_t)(slash - s) : strlen(s);
		const char *colon = memchr(s, ':', len);
		size_t klen, vlen, i;

		if (!colon)
			return -1;
		klen = (size_t)(colon - s);
		vlen = len - klen - 1;
		if (klen == 0 || vlen == 0 || vlen >= MAX_VALUE)
			return -1;
		for (i = 0; i < n; i++)
			if (strlen(defs[i].key) == klen && memcmp(defs[i].key, s, klen) == 0)
				break;
		if (i == n || out->val[i][0] || !in_list(defs[i].values, colon + 1, vlen))
			return -1;
		memcpy(out->val[i], colon + 1, vlen);
		out->val[i][vlen] = '\0';
		if (!slash)
			break;
		s = slash + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (defs[i].base && !out->val[i][0])
			return -1;
	return 0;
}

static char v1(const struct parsed *p, size_t i)
{
	return p->val[i][0];
}

/* ---- v2 ---- */

static const struct metric_def v2_defs[] = {
    {"AV", "L,A,N", 1},       {"AC", "H,M,L", 1},
    {"Au", "M,S,N", 1},       {"C", "N,P,C", 1},
    {"I", "N,P,C", 1},        {"A", "N,P,C", 1},
    {"E", "U,POC,F,H,ND", 0}, {"RL", "OF,TF,W,U,ND", 0},
    {"RC", "UC,UR,C,ND", 0},  {"CDP", "N,L,LM,MH,H,ND", 0},
    {"TD", "N,L,M,H,ND", 0},  {"CR", "L,M,H,ND", 0},
    {"IR", "L,M,H,ND", 0},    {"AR", "L,M,H,ND", 0},
};

static double v2_cia(char c)
{
	return c == 'C' ? 0.660 : c == 'P' ? 0.275 : 0.0;
}

static int score_v2(const char *s, int *score10)
{
	struct parsed p;
	double av, ac, au, impact, expl, f, base;

	if (parse_metrics(s, v2_defs, sizeof(v2_defs) / sizeof(v2_defs[0]), &p) != 0)
		return -1;
	av = v1(&p, 0) == 'N' ? 1.0 : v1(&p, 0) == 'A' ? 0.646 : 0.395;
	ac = v1(&p, 1) == 'L' ? 0.71 : v1(&p, 1) == 'M' ? 0.61 : 0.35;
	au = v1(&p, 2) == 'N' ? 0.704 : v1(&p, 2) == 'S' ? 0.56 : 0.45;
	impact = 10.41 * (1 - (1 - v2_cia(v1(&p, 3))) * (1 - v2_cia(v1(&p, 4))) * (1 - v2_cia(v1(&p, 5))));
	expl = 20 * av * ac * au;
	f = impact == 0 ? 0 : 1.176;
	base = ((0.6 * impact) + (0.4 * expl) - 1.5) * f;
	if (base < 0)
		base = 0;
	*score10 = (int)floor(base * 10 + 0.5 + 1e-9);
	return 0;
}

/* ---- v3.0 / v3.1 ---- */

static const struct metric_def v3_defs[] = {
    {"AV", "N,A,L,P", 1},  {"AC", "L,H", 1},       {"PR", "N,L,H", 1},      {"UI", "N,R", 1},
    {"S", "U,C", 1},       {"C", "H,L,N", 1},      {"I", "H,L,N", 1},       {"A", "H,L,N", 1},
    {"E", "X,H,F,P,U", 0}, {"RL", "X,U,W,T,O", 0}, {"RC", "X,C,R,U", 0},    {"CR", "X,H,M,L", 0},
    {"IR", "X,H,M,L", 0},  {"AR", "X,H,M,L", 0},   {"MAV", "X,N,A,L,P", 0}, {"MAC", "X,L,H", 0},
    {"MPR", "X,N,L,H", 0}, {"MUI", "X,N,R", 0},    {"MS", "X,U,C", 0},      {"MC", "X,H,L,N", 0},
    {"MI", "X,H,L,N", 0},  {"MA", "X,H,L,N", 0},
};

/* CVSS v3.1 Roundup: the smallest one-decimal number >= x, computed on
 * integers so 4.000000001 does not become 4.1. */
static int roundup31(double x)
{
	long long i = llround(x * 100000.0);

	return i % 10000 == 0 ? (int)(i / 10000) : (int)(i / 10000) + 1;
}

static int roundup30(double x)
{
	return (int)ceil(x * 10.0 - 1e-9);
}

static double v3_cia(char c)
{
	return c == 'H' ? 0.56 : c == 'L' ? 0.22 : 0.0;
}

static int score_v3(const char *s, int v31, int *score10)
{
	struct parsed p;
	double av, ac, pr, ui, iss, impact, expl, sum;
	int changed;

	if (parse_metrics(s, v3_defs, sizeof(v3_defs) / sizeof(v3_defs[0]), &p) != 0)
		return -1;
	changed = v1(&p, 4) == 'C';
	av = v1(&p, 0) == 'N' ? 0.85 : v1(&p, 0) == 'A' ? 0.62 : v1(&p, 0) == 'L' ? 0.55 : 0.2;
	ac = v1(&p, 1) == 'L' ? 0.77 : 0.44;
	pr = v1(&p, 2) == 'N' ? 0.85 : v1(&p, 2) == 'L' ? (changed ? 0.68 : 0.62) : (changed ? 0.5 : 0.27);
	ui = v1(&p, 3) == 'N' ? 0.85 : 0.62;
	iss = 1 - (1 - v3_cia(v1(&p, 5))) * (1 - v3_cia(v1(&p, 6))) * (1 - v3_cia(v1(&p, 7)));
	impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
	expl = 8.22 * av * ac * pr * ui;
	if (impact <= 0) {
		*score10 = 0;
		return 0;
	}
	sum = changed ? 1.08 * (impact + expl) : impact + expl;
	if (sum > 10)
		sum = 10;
	*score10 = v31 ? roundup31(sum) : roundup30(sum);
	return 0;
}

/* ---- v4.0 ---- */

enum {
	V4_AV,
	V4_AC,
	V4_AT,
	V4_PR,
	V4_UI,
	V4_VC,
	V4_VI,
	V4_VA,
	V4_SC,
	V4_SI,
	V4_SA,
	V4_E,
	V4_CR,
	V4_IR,
	V4_AR,
	V4_MAV,
	V4_MAC,
	V4_MAT,
	V4_MPR,
	V4_MUI,
	V4_MVC,
	V4_MVI,
	V4_MVA,
	V4_MSC,
	V4_MSI,
	V4_MSA,
	V4_S,
	V4_AU,
	V4_R,
	V4_V,
	V4_RE,
	V4_U,
	V4_N4
};

static const struct metric_def v4_defs[V4_N4] = {
    {"AV", "N,A,L,P", 1},    {"AC", "L,H", 1},
    {"AT", "N,P", 1},        {"PR", "N,L,H", 1},
    {"UI", "N,P,A", 1},      {"VC", "H,L,N", 1},
    {"VI", "H,L,N", 1},      {"VA", "H,L,N", 1},
    {"SC", "H,L,N", 1},      {"SI", "H,L,N", 1},
    {"SA", "H,L,N", 1},      {"E", "X,A,P,U", 0},
    {"CR", "X,H,M,L", 0},    {"IR", "X,H,M,L", 0},
    {"AR", "X,H,M,L", 0},    {"MAV", "X,N,A,L,P", 0},
    {"MAC", "X,L,H", 0},     {"MAT", "X,N,P", 0},
    {"MPR", "X,N,L,H", 0},   {"MUI", "X,N,P,A", 0},
    {"MVC", "X,H,L,N", 0},   {"MVI", "X,H,L,N", 0},
    {"MVA", "X,H,L,N", 0},   {"MSC", "X,H,L,N", 0},
    {"MSI", "X,S,H,L,N", 0}, {"MSA", "X,S,H,L,N", 0},
    {"S", "X,N,P", 0},       {"AU", "X,N,Y", 0},
    {"R", "X,A,U,I", 0},     {"V", "X,D,C", 0},
    {"RE", "X,L,M,H", 0},    {"U", "X,Clear,Green,Amber,Red", 0},
};

/* Macrovector scores in tenths, indexed by eq1..eq6 (3x2x3x3x3x2); -1 where
 * no macrovector exists. */
static const signed char mv_table[324] = {
    100, 99, 98, 95, 95, 92, 100, 96, 93, 87, 91, 81, 93, 90, 89, 80, 81, 68, 98, 95, 95, 92, 90, 84, 93,
    92,  89, 81, 81, 65, 88, 80,  78, 70, 69, 48, -1, 92, -1, 82, -1, 72, -1, 79, -1, 69, -1, 50, -1, 69,
    -1,  55, -1, 27, 99, 97, 95,  92, 92, 85, 95, 91, 90, 83, 84, 71, 92, 81, 82, 71, 72, 53, 95, 93, 92,
    85,  85, 73, 92, 82, 80, 72,  70, 59, 84, 70, 71, 52, 50, 30, -1, 86, -1, 75, -1, 52, -1, 71, -1, 52,
    -1,  29, -1, 63, -1, 29, -1,  17, 98, 95, 94, 87, 91, 81, 94, 89, 86, 74, 77, 64, 87, 75, 74, 63, 63,
    49,  94, 89, 88, 77, 76, 67,  86, 76, 74, 58, 59, 50, 72, 57, 57, 52, 52, 25, -1, 83, -1, 70, -1, 54,
    -1,  65, -1, 58, -1, 26, -1,  53, -1, 21, -1, 13, 95, 90, 88, 76, 76, 70, 90, 77, 75, 62, 61, 53, 77,
    66,  68, 59, 52, 30, 89, 78,  76, 67, 62, 58, 74, 59, 57, 57, 47, 23, 61, 52, 57, 29, 24, 16, -1, 71,
    -1,  59, -1, 30, -1, 58, -1,  26, -1, 15, -1, 23, -1, 13, -1, 6,  93, 87, 86, 72, 75, 58, 86, 74, 74,
    61,  56, 34, 70, 54, 52, 40,  40, 22, 85, 75, 74, 55, 62, 51, 72, 57, 55, 41, 46, 19, 53, 36, 34, 19,
    19,  8,  -1, 64, -1, 51, -1,  20, -1, 47, -1, 21, -1, 11, -1, 24, -1, 9,  -1, 4,  88, 75, 73, 53, 60,
    50,  73, 55, 59, 40, 41, 20,  54, 43, 45, 22, 20, 11, 75, 55, 58, 45, 40, 21, 61, 51, 48, 18, 20, 9,
    46,  18, 17, 7,  8,  2,  -1,  53, -1, 24, -1, 14, -1, 24, -1, 12, -1, 5,  -1, 10, -1, 3,  -1, 1,
};

static int mv_score(int e1, int e2, int e3, int e4, int e5, int e6)
{
	if (e1 < 0 || e1 > 2 || e2 < 0 || e2 > 1 || e3 < 0 || e3 > 2 || e4 < 0 || e4 > 2 || e5 < 0 ||
	    e5 > 2 || e6 < 0 || e6 > 1)
		return -1;
	return mv_table[((((e1 * 2 + e2) * 3 + e3) * 3 + e4) * 3 + e5) * 2 + e6];
}

/* The effective value of a v4 metric: the modified one when set, E
 * defaulting to A and CR/IR/AR to H (FIRST's calculator). */
static char v4_val(const struct parsed *p, int m)
{
	static const int modified[V4_N4] = {
	    [V4_AV] = V4_MAV, [V4_AC] = V4_MAC, [V4_AT] = V4_MAT, [V4_PR] = V4_MPR,
	    [V4_UI] = V4_MUI, [V4_VC] = V4_MVC, [V4_VI] = V4_MVI, [V4_VA] = V4_MVA,
	    [V4_SC] = V4_MSC, [V4_SI] = V4_MSI, [V4_SA] = V4_MSA};
	char c = v1(p, (size_t)m);

	if (m == V4_E && (c == 'X' || c == 0))
		return 'A';
	if ((m == V4_CR || m == V4_IR || m == V4_AR) && (c == 'X' || c == 0))
		return 'H';
	if (m <= V4_SA && modified[m] && v1(p, (size_t)modified[m]) && v1(p, (size_t)modified[m]) != 'X')
		return v1(p, (size_t)modified[m]);
	return c;
}

/* Severity levels of FIRST's distance computation, in tenths. */
static int v4_level(int m, char c)
{
	switch (m) {
	case V4_AV: return c == 'N' ? 0 : c == 'A' ? 1 : c == 'L' ? 2 : 3;
	case V4_PR: return c == 'N' ? 0 : c == 'L' ? 1 : 2;
	case V4_UI: return c == 'N' ? 0 : c == 'P' ? 1 : 2;
	case V4_AC: return c == 'L' ? 0 : 1;
	case V4_AT: return c == 'N' ? 0 : 1;
	case V4_VC:
	case V4_VI:
	case V4_VA: return c == 'H' ? 0 : c == 'L' ? 1 : 2;
	case V4_SC: return c == 'H' ? 1 : c == 'L' ? 2 : 3;
	case V4_SI:
	case V4_SA: return c == 'S' ? 0 : c == 'H' ? 1 : c == 'L' ? 2 : 3;
	case V4_CR:
	case V4_IR:
	case V4_AR: return c == 'H' ? 0 : c == 'M' ? 1 : 2;
	default: return 0;
	}
}

/* The highest-severity vectors of each equivalence class (FIRST's
 * max_composed), one value letter per metric of the class's list. */
static const int eq1_metrics[] = {V4_AV, V4_PR, V4_UI};
static const char *const eq1_max[3][3] = {{"NNN", NULL}, {"ANN", "NLN", "NNP"}, {"PNN", "ALP", NULL}};
static const int eq2_metrics[] = {V4_AC, V4_AT};
static const char *const eq2_max[2][2] = {{"LN", NULL}, {"HN", "LP"}};
static const int eq36_metrics[] = {V4_VC, V4_VI, V4_VA, V4_CR, V4_IR, V4_AR};
static const char *const eq36_max[3][2][5] = {
    {{"HHHHHH", NULL}, {"HHLMMH", "HHHMMM", NULL}},
    {{"LHHHHH", "HLHHHH", NULL}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
    {{NULL}, {"LLLHHH", NULL}},
};
static const int eq4_metrics[] = {V4_SC, V4_SI, V4_SA};
static const char *const eq4_max[3] = {"HSS", "HHH", "LLL"};
static const int eq1_sev[3] = {1, 4, 5}, eq2_sev[2] = {1, 2}, eq4_sev[3] = {6, 5, 4};
static const int eq36_sev[3][2] = {{7, 6}, {8, 8}, {0, 10}};

static int v4_eq(const struct parsed *p, int *e)
{
	char av = v4_val(p, V4_AV), pr = v4_val(p, V4_PR), ui = v4_val(p, V4_UI), ac = v4_val(p, V4_AC),
	     at = v4_val(p, V4_AT), vc = v4_val(p, V4_VC), vi = v4_val(p, V4_VI), va = v4_val(p, V4_VA),
	     sc = v4_val(p, V4_SC), si = v4_val(p, V4_SI), sa = v4_val(p, V4_SA), ex = v4_val(p, V4_E),
	     cr = v4_val(p, V4_CR), ir = v4_val(p, V4_IR), ar = v4_val(p, V4_AR);
	char msi = v1(p, V4_MSI), msa = v1(p, V4_MSA);

	if (av == 'N' && pr == 'N' && ui == 'N')
		e[0] = 0;
	else if ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P')
		e[0] = 1;
	else
		e[0] = 2;
	e[1] = (ac == 'L' && at == 'N') ? 0 : 1;
	e[2] = (vc == 'H' && vi == 'H') ? 0 : (vc == 'H' || vi == 'H' || va == 'H') ? 1 : 2;
	e[3] = (msi == 'S' || msa == 'S') ? 0 : (sc == 'H' || si == 'H' || sa == 'H') ? 1 : 2;
	e[4] = ex == 'A' ? 0 : ex == 'P' ? 1 : 2;
	e[5] = ((cr == 'H' && vc == 'H') || (ir == 'H' && vi == 'H') || (ar == 'H' && va == 'H')) ? 0 : 1;
	return 0;
}

/* Distance (in tenths) of the vector's metrics from a max vector of a
 * class; *below is cleared when a metric is above the max vector. */
static int class_distance(const struct parsed *p, const int *metrics, size_t n, const char *max, int *below)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int d = v4_level(metrics[i], v4_val(p, metrics[i])) - v4_level(metrics[i], max[i]);
		if (d < 0)
			*below = 0;
		sum += d;
	}
	return sum;
}

/* FIRST's search: the first max vector (over all combinations, in its
 * order) that no metric of the vector exceeds; per-class distances go to
 * d[0..3] (those of the last candidate if none fits, as FIRST does). */
static void v4_distances(const struct parsed *p, const int *e, int *d)
{
	const char *const *m1 = eq1_max[e[0]], *const *m2 = eq2_max[e[1]], *const *m36 = eq36_max[e[2]][e[5]];
	const char *m4 = eq4_max[e[3]];

	d[0] = d[1] = d[2] = d[3] = 0;
	for (size_t a = 0; a < 3 && m1[a]; a++)
		for (size_t b = 0; b < 2 && m2[b]; b++)
			for (size_t c = 0; c < 5 && m36[c]; c++) {
				int below = 1;
				d[0] = class_distance(p, eq1_metrics, 3, m1[a], &below);
				d[1] = class_distance(p, eq2_metrics, 2, m2[b], &below);
				d[2] = class_distance(p, eq36_metrics, 6, m36[c], &below);
				d[3] = class_distance(p, eq4_metrics, 3, m4, &below);
				if (below)
					return;
			}
}

static int score_v4(const char *s, int *score10)
{
	struct parsed p;
	int e[6], d[4], value, lower[5], maxsev[4], n = 0;
	double sum = 0, result;

	if (parse_metrics(s, v4_defs, V4_N4, &p) != 0)
		return -1;
	if (v4_val(&p, V4_VC) == 'N' && v4_val(&p, V4_VI) == 'N' && v4_val(&p, V4_VA) == 'N' &&
	    v4_val(&p, V4_SC) == 'N' && v4_val(&p, V4_SI) == 'N' && v4_val(&p, V4_SA) == 'N') {
		*score10 = 0;
		return 0;
	}
	v4_eq(&p, e);
	if ((value = mv_score(e[0], e[1], e[2], e[3], e[4], e[5])) < 0)
		return -1;
	lower[0] = mv_score(e[0] + 1, e[1], e[2], e[3], e[4], e[5]);
	lower[1] = mv_score(e[0], e[1] + 1, e[2], e[3], e[4], e[5]);
	if (e[2] == 0 && e[5] == 0) {
		int l = mv_score(e[0], e[1], e[2], e[3], e[4], e[5] + 1);
		int r = mv_score(e[0], e[1], e[2] + 1, e[3], e[4], e[5]);
		lower[2] = l > r ? l : r;
	} else if (e[2] == 1 && e[5] == 0) {
		lower[2] = mv_score(e[0], e[1], e[2], e[3], e[4], e[5] + 1);
	} else {
		lower[2] = mv_score(e[0], e[1], e[2] + 1, e[3], e[4], e[5]);
	}
	lower[3] = mv_score(e[0], e[1], e[2], e[3] + 1, e[4], e[5]);
	lower[4] = mv_score(e[0], e[1], e[2], e[3], e[4] + 1, e[5]);
	v4_distances(&p, e, d);
	maxsev[0] = eq1_sev[e[0]];
	maxsev[1] = eq2_sev[e[1]];
	maxsev[2] = eq36_sev[e[2]][e[5]];
	maxsev[3] = eq4_sev[e[3]];
	for (int i = 0; i < 5; i++) {
		int avail;
		if (lower[i] < 0)
			continue; /* no lower macrovector in this class */
		avail = value - lower[i];
		if (avail < 0)
			continue;
		n++;
		if (i < 4 && maxsev[i] > 0)
			sum += (double)avail * ((double)d[i] / (double)maxsev[i]);
	}
	/* value and distances are in tenths: the mean is too */
	result = (double)value - (n ? sum / n : 0.0);
	if (result < 0)
		result = 0;
	if (result > 100)
		result = 100;
	*score10 = (int)floor(result + 0.5 + 1e-6);
	return 0;
}

int osv_cvss_base_score(const char *vector, int *score10)
{
	if (!vector)
		return -1;
	if (strncmp(vector, "CVSS:3.1/", 9) == 0)
		return score_v3(vector + 9, 1, score10);
	if (strncmp(vector, "CVSS:3.0/", 9) == 0)
		return score_v3(vector + 9, 0, score10);
	if (strncmp(vector, "CVSS:4.0/", 9) == 0)
		return score_v4(vector + 9, score10);
	if (strncmp(vector, "CVSS:", 5) == 0)
		return -1; /* a version we do not know */
	return score_v2(vector, score10);
}

enum claro_severity osv_cvss_band(int score10)
{
	if (score10 <= 0)
		return CLARO_SEVERITY_NEGLIGIBLE;
	if (score10 < 40)
		return CLARO_SEVERITY_LOW;
	if (score10 < 70)
		return CLARO_SEVERITY_MEDIUM;
	if (score10 < 90)
		return CLARO_SEVERITY_HIGH;
	return CLARO_SEVERITY_CRITICAL;
}
