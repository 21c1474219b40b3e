/* The CPE name comparison of the rhel matcher (cpematch.c) against
 * claircore's own test vectors (claircore:toolkit/types/cpe/match_test.go,
 * TestMatch and TestPatternCompare: the relation of every attribute) and the
 * Red Hat prefix rule of claircore:rhel/matcher.go (IsCPESubstringMatch,
 * whose doc comment gives "cpe:/a:redhat:openshift:4" matching
 * "cpe:/a:redhat:openshift:4.13::el8").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "cpematch.h"
#include "../../tests/tap.h"

#define E   CPEMATCH_EQUAL
#define SUB CPEMATCH_SUBSET
#define SUP CPEMATCH_SUPERSET
#define D   CPEMATCH_DISJOINT

static const struct {
	const char *source, *target;
	enum cpematch_relation want[CPE_NATTR];
} vectors[] = {
    {"cpe:/a:Adobe::9.%02::PalmOS", "cpe:/a::Reader:9.3.2:-:-", {E, SUB, SUP, SUP, SUP, D, E, E, E, E, E}},
    {"cpe:/o:redhat:enterprise_linux:8::baseos",
     "cpe:/o:redhat:enterprise_linux:8",
     {E, E, E, E, E, SUB, E, E, E, E, E}},
    {"cpe:2.3:o:redhat:enterprise_linux:8:*:baseos:*:*:*:*:*",
     "cpe:2.3:o:redhat:enterprise_linux:8:*:*:*:*:*:*:*",
     {E, E, E, E, E, SUB, E, E, E, E, E}},
    {"cpe:2.3:o:redhat:enterprise_linux:8:*:baseos:*:*:*:*:*",
     "cpe:/o:redhat:enterprise_linux:8",
     {E, E, E, E, E, SUB, E, E, E, E, E}},
    {"cpe:/o:redhat:enterprise_linux:8::baseos",
     "cpe:2.3:o:redhat:enterprise_linux:8:*:*:*:*:*:*:*",
     {E, E, E, E, E, SUB, E, E, E, E, E}},
    {"cpe:2.3:a:redhat:openshift:4.*:*:el8:*:*:*:*:*",
     "cpe:2.3:a:redhat:openshift:5.1:*:el8:*:*:*:*:*",
     {E, E, E, D, E, E, E, E, E, E, E}},
};

static int unbind(const char *s, struct cpe *c)
{
	const char *why = NULL;

	if (cpe_unbind(s, c, &why) != CLARO_OK) {
		diag("%s does not unbind: %s", s, why ? why : "?");
		return -1;
	}
	return 0;
}

int main(void)
{
	struct cpe a, b;

	plan_no_plan();
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		enum cpematch_relation got[CPE_NATTR];

		if (!ok(unbind(vectors[i].source, &a) == 0 && unbind(vectors[i].target, &b) == 0,
			"vector %zu unbinds", i))
			continue;
		cpematch_relations(&a, &b, got);
		ok(memcmp(got, vectors[i].want, sizeof(got)) == 0, "%s vs %s: claircore's relations",
		   vectors[i].source, vectors[i].target);
		cpe_free(&a);
		cpe_free(&b);
	}
	ok(!cpematch_glob("4\\.*", "5\\.1"), "claircore's pattern test: 4.* does not match 5.1");
	ok(cpematch_glob("4\\.*", "4\\.13"), "4.* matches 4.13");
	/* the Red Hat prefix rule */
	if (unbind("cpe:/a:redhat:openshift:4", &a) == 0 &&
	    unbind("cpe:/a:redhat:openshift:4.13::el8", &b) == 0) {
		ok(!cpematch_is_superset(&a, &b), "openshift:4 is no CPE superset of openshift:4.13::el8");
		ok(cpematch_is_prefix(&b, &a) == 1,
		   "but its prefix (claircore's IsCPESubstringMatch example)");
		ok(cpematch_is_prefix(&a, &b) == 0, "and not the other way round");
		cpe_free(&a);
		cpe_free(&b);
	}
	return done_testing();
}
