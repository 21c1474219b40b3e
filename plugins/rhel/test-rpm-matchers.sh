#!/bin/sh
# The RPM-family matchers -- rhel (plugin rhel), aws-matcher (aws), oracle,
# suse, photon -- loaded with the real loader (plugins/rhel/run-matcher) and
# called on records and advisories from real data (plugins/rhel/
# matcher_cases.py says which): Clair's index reports of amazonlinux:1,
# ubi8 and rhacs-main-rhel8, the SLE 15 BCI package list, the staged ALAS
# updateinfo, Oracle, SUSE and Photon OVAL files and Red Hat VEX documents,
# with the distribution records claro's own scanners give for the real
# os-release files of Oracle Linux, SLES, openSUSE Leap and Photon. The
# expected filter, query and vulnerable answers follow Clair's rules
# (reference §6.3) with versions compared by the real rpm.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
T=${CLARO_TESTDATA:-/work/shared/testdata}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ ! -d "$T/clair-fixtures" ] || [ ! -d "$T/advisories" ]; then
	echo "1..0 # SKIP no test data at $T"
	exit 0
fi
if ! command -v rpm >/dev/null 2>&1; then
	echo "1..0 # SKIP the rpm program is needed (rpm's own version comparison)"
	exit 0
fi
n=0
fails=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

# The distribution records of claro's scanners for real os-release files.
: >"$tmp/dists"
while read -r key plugin file; do
	root=$tmp/root-$key
	mkdir -p "$root/etc"
	cp "$T/pkgdb/osrelease/$file" "$root/etc/os-release"
	line=$("$b/tests/unit/scan-layer" "$b/plugins/$plugin/.libs" "$plugin" distribution "$plugin" "$root" 2>&1 |
		grep '^distribution	')
	if [ -z "$line" ]; then
		echo "Bail out! scanner $plugin gave no distribution for $file"
		exit 1
	fi
	printf '%s\t%s\n' "$key" "$(printf '%s' "$line" | cut -f2-)" >>"$tmp/dists"
done <<'EOF'
oracle oracle trivy/oracle.os-release
sles suse trivy/sles.os-release
leap suse trivy/opensuseleap-15.2.1.os-release
photon photon trivy/photon.os-release
EOF
sed 's/^/# dist: /' "$tmp/dists"

python3 "$src/plugins/rhel/matcher_cases.py" "$T" "$tmp/dists" "$tmp/cases" "$tmp/want" ||
	{ echo "Bail out! could not build the cases"; exit 1; }
"$b/plugins/rhel/run-matcher" "$b/plugins" rhel,aws,oracle,suse,photon "$tmp/cases" >"$tmp/got" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ]; then
	echo "Bail out! run-matcher exit $rc: $(head -3 "$tmp/err")"
	exit 1
fi

python3 - "$tmp/cases" "$tmp/want" "$tmp/got" >"$tmp/summary" <<'EOF'
import json, sys
cases = [json.loads(l) for l in open(sys.argv[1])]
want = open(sys.argv[2]).read().splitlines()
got = open(sys.argv[3]).read().splitlines()
assert len(want) == len(cases), (len(want), len(cases))
per = {}
for c, w, g in zip(cases, want, got + [""] * (len(cases) - len(got))):
    m = c["matcher"]
    s = per.setdefault(m, {"cases": 0, "bad": [], "in": 0, "vuln": 0, "not": 0})
    s["cases"] += 1
    wf = w.split()
    s["in"] += wf[0] == "1"
    s["vuln"] += wf[2] == "1"
    s["not"] += wf[2] == "0"
    if w != g:
        s["bad"].append((c, w, g))
for m in sorted(per):
    s = per[m]
    print("%s\t%d\t%d\t%d\t%d\t%d" % (m, s["cases"], s["in"], s["vuln"], s["not"], len(s["bad"])))
    for c, w, g in s["bad"][:5]:
        print("#\t%s want %s got %s" % (json.dumps(c)[:400], w, g))
EOF
while IFS='	' read -r m cases in vuln not bad; do
	case "$m" in
	'#') echo "#   $cases want $in" ;;
	*)
		if [ "$bad" = 0 ] && [ "$vuln" -gt 0 ] && [ "$not" -gt 0 ] && [ "$in" -gt 0 ] && [ "$in" -lt "$cases" ]; then
			pass "$m: $cases cases ($in accepted by the filter, $vuln vulnerable, $not not) as Clair's rules and rpm say"
		else
			fail "$m: $cases cases, $bad differ ($in filtered in, $vuln vulnerable, $not not)"
		fi
		;;
	esac
done <"$tmp/summary"
if grep -q . "$tmp/err"; then
	sed 's/^/# stderr: /' "$tmp/err" | head -5
fi
echo "1..$n"
[ $fails -eq 0 ]
