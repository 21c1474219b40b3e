#!/bin/sh
# Benchmark (prints figures; not a pass/fail test): `claroctl vercmp SCHEME
# --batch` over 100,000 pairs per scheme (BENCH_VERCMP_PAIRS), taken from the
# scheme's real vector files in $CLARO_TESTDATA/vercmp and cycled to that
# count. Each figure is the median wall time of BENCH_VERCMP_RUNS runs
# (default 3), start-up (plugin loading) included; "compare only" subtracts
# the median time of a one-pair run.
#
# Baseline: `dpkg --compare-versions A lt B`, one process per pair, as a
# shell script would call it, over BENCH_VERCMP_BASELINE pairs (default
# 2000) of the dpkg vectors.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make bench-vercmp}
s=${abs_top_srcdir:?run through make bench-vercmp}
td=${CLARO_TESTDATA:-$s/../shared/testdata}
vd=$td/vercmp
pairs=${BENCH_VERCMP_PAIRS:-100000}
runs=${BENCH_VERCMP_RUNS:-3}
base_pairs=${BENCH_VERCMP_BASELINE:-2000}
ctl="$b/claroctl --plugin-dir $b/plugins/versions/.libs vercmp"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
tab=$(printf '\t')

now() { date +%s.%N; }
# calc EXPR: floating point arithmetic
calc() { awk "BEGIN { print $1 }"; }
# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# wall SCHEME FILE: median seconds of `vercmp SCHEME --batch < FILE`
wall() {
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now)
		$ctl "$1" --batch <"$2" >/dev/null || { echo "bench-vercmp: vercmp $1 failed" >&2; exit 1; }
		t1=$(now)
		calc "$t1 - $t0"
		i=$((i + 1))
	done | median
}
# input SCHEME FILES...: $pairs "a<TAB>b" lines from the vector files
input() {
	scheme=$1
	shift
	(cd "$vd" && sed -E 's/[[:space:]]+#.*$//' "$@") |
		awk '$1 !~ /^(#|\/\/)/ && NF == 3 && $2 ~ /^(<|>|=|==)$/ { print $1 "\t" $3 }' >"$tmp/src"
	[ -s "$tmp/src" ] || { echo "bench-vercmp: no $scheme vectors in $vd" >&2; exit 1; }
	awk -v n="$pairs" '{ v[NR] = $0 } END { for (i = 0; i < n; i++) print v[i % NR + 1] }' "$tmp/src" >"$tmp/$scheme"
}

input dpkg osv-scalibr/debian-versions-generated.txt
input rpm osv-scalibr/redhat-versions.txt rpm/rpmvercmp.txt claircore/rpmver/rpmvercmp
input apk osv-scalibr/alpine-versions-generated.txt apk/version-2.14-stable.data
input pep440 osv-scalibr/pypi-versions-generated.txt
input semver osv-scalibr/semver-versions.txt
input maven osv-scalibr/maven-versions-generated.txt
input gem osv-scalibr/rubygems-versions-generated.txt
printf '1\t2\n' >"$tmp/one"

echo "bench-vercmp: claroctl vercmp SCHEME --batch, $pairs pairs per scheme from the real vectors," \
	"median of $runs runs, $(nproc 2>/dev/null || echo '?') CPUs"
printf '%-8s %10s %14s %22s\n' scheme "wall (s)" "pairs/s" "pairs/s compare only"
for scheme in dpkg rpm apk pep440 semver maven gem; do
	w=$(wall "$scheme" "$tmp/$scheme")
	w1=$(wall "$scheme" "$tmp/one")
	rate=$(calc "$pairs / $w")
	only=$(calc "($w - $w1 > 0) ? $pairs / ($w - $w1) : 0")
	printf '%-8s %10.3f %14.0f %22.0f\n' "$scheme" "$w" "$rate" "$only"
	[ "$scheme" = dpkg ] && dpkg_rate=$rate
done

if command -v dpkg >/dev/null 2>&1; then
	head -n "$base_pairs" "$tmp/dpkg" >"$tmp/base"
	t0=$(now)
	while IFS="$tab" read -r x y; do
		dpkg --compare-versions "$x" lt "$y" 2>/dev/null
	done <"$tmp/base"
	t1=$(now)
	base=$(calc "$base_pairs / ($t1 - $t0)")
	printf 'baseline: dpkg --compare-versions, one process per pair: %.0f pairs/s (%d pairs)\n' "$base" "$base_pairs"
	printf 'claroctl vercmp dpkg --batch is %.0fx the baseline\n' "$(calc "$dpkg_rate / $base")"
else
	echo "baseline: dpkg not installed, skipped"
fi
