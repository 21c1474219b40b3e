#!/bin/sh
# The python matcher's vulnerable() over a table derived from the real OSV
# PyPI advisories ($CLARO_TESTDATA/advisories/osv/PyPI-all.zip, the PyPA
# advisory database; ADVISORIES-SOURCES.md), against packaging (PyPA's
# reference PEP 440 implementation).
#
# pymatcher_oracle.py builds, from every advisory, the fixed_in_version
# query strings Clair's OSV updater stores for its ECOSYSTEM ranges and pairs
# each with every version the advisory's entry names (its "versions" list and
# the range bounds); it decides each pair with packaging. test_pyecosystem
# eval decides the same pairs with the python matcher loaded by the real
# loader (python.so + the versions plugin's pep440 scheme). Both must agree
# on every pair. The query strings are also checked against the ones Clair
# itself stored in its matcher fixture (clair-fixtures/matcher/python/RHEL8.txtar)
# for the advisories both hold.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
s=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
td=${CLARO_TESTDATA:-/work/shared/testdata}
PY=${PYTHON:-python3}
zip=$td/advisories/osv/PyPI-all.zip
fixture=$td/clair-fixtures/matcher/python/RHEL8.txtar
oracle=$s/plugins/python/pymatcher_oracle.py
tool=$b/plugins/python/test_pyecosystem
if [ ! -f "$zip" ] || [ ! -f "$fixture" ]; then
	echo "1..0 # SKIP no test data at $zip or $fixture"
	exit 0
fi
if [ ! -f "$b/plugins/versions/.libs/versions.so" ] || [ ! -f "$b/plugins/python/.libs/python.so" ]; then
	echo "1..0 # SKIP the python and versions plugins are not built"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! "$PY" -I "$oracle" table "$zip" "$tmp/table" >"$tmp/stats" 2>"$tmp/py.err"; then
	if grep -q 'packaging' "$tmp/py.err"; then
		echo "1..0 # SKIP no oracle: $PY with packaging ($(head -1 "$tmp/py.err"))"
		exit 0
	fi
	echo "1..1"
	echo "not ok 1 - the oracle builds the table"
	sed 's/^/#   /' "$tmp/py.err"
	exit 1
fi
stat() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/stats"; }

n=0
fails=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

pairs=$(stat pairs) vuln=$(stat vulnerable)
if [ "${pairs:-0}" -gt 10000 ] && [ "${vuln:-0}" -gt 1000 ] && [ $((pairs - vuln)) -gt 1000 ]; then
	pass "table from $(stat advisories) advisories: $(stat queries) ranges ($(stat distinct_queries) distinct query strings), $pairs (version, range) pairs, $vuln vulnerable by packaging"
else
	fail "table from the advisories has both outcomes in number (pairs $pairs, vulnerable $vuln)"
fi
echo "# OSV's own lists of affected versions: $(stat osv_agree) of $(stat osv_listed) fall in a range by packaging; $(stat invalid_versions) listed versions are no PEP 440 version (left out)"

# Clair's own strings for the same advisories
"$PY" -I "$oracle" clair "$zip" "$fixture" >"$tmp/clair" 2>&1
if [ "$(grep -c ' ok (' "$tmp/clair")" -ge 1 ] && ! grep -qv ' ok (' "$tmp/clair"; then
	pass "query strings equal Clair's own in RHEL8.txtar for the $(grep -c . "$tmp/clair") advisories both hold"
else
	fail "query strings equal Clair's own in RHEL8.txtar"
	sed 's/^/#   /' "$tmp/clair"
fi

cut -f1,2 "$tmp/table" | "$tool" eval >"$tmp/got" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$tmp/err" ]; then
	pass "vulnerable() decided all $pairs pairs without an error or a warning"
else
	fail "vulnerable() decided all pairs without an error or a warning (exit $rc)"
	head -20 "$tmp/err" | sed 's/^/#   /'
fi
if cmp -s "$tmp/got" "$tmp/table"; then
	pass "vulnerable() equals packaging on every pair ($vuln vulnerable, $((pairs - vuln)) not)"
else
	fail "vulnerable() equals packaging on every pair ($(diff "$tmp/table" "$tmp/got" | grep -c '^>') differ)"
	diff "$tmp/table" "$tmp/got" | head -30 | sed 's/^/#   /'
fi

echo "1..$n"
[ $fails -eq 0 ]
