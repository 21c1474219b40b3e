#!/bin/sh
# The version schemes through `claroctl vercmp`, against the version vectors
# of $CLARO_TESTDATA/vercmp whose verdicts the native tools gave
# (ADVISORIES-SOURCES.md, "Version-vector verification"): every such vector
# must agree. Where a file also holds verdicts the native tool does not
# give, the check says which lines and why:
#   - apk: we follow apk-tools 2.x (2.14, the apk of every released Alpine
#     and of Clair's go-apk-version). version-master-v3.data is the 2.14
#     file plus apk v3 lines: its 5 comparisons that v3 changed must come
#     out as 2.14 has them, its fuzzy (~) and validity lines are v3 only.
#     alpine-versions.txt: apk 2.14 itself disagrees with 8 lines, all on
#     versions outside apk's grammar; we must disagree on exactly those.
#   - maven: Maven 3.8.7 (the native tool) disagrees with 18 + 1 + 1 lines
#     that newer Maven wrote; we follow 3.8.7 and must differ on exactly
#     those.
#   - pep440: packaging 23.0 refuses the legacy (non-PEP 440) lines (69 and
#     11); they must come out "invalid" and nothing else may.
#   - rubygems-versions.txt: Gem::Version refuses 2 lines; "invalid" here.
# semver, claircore's EVR lines and the rest have no native tool; they are
# checked all the same, exceptions stated. Then the command's own contract:
# verdicts, exit statuses, three-part errors, --batch line handling, and
# --normalize against the normalised versions in Clair's own reports.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
td=${CLARO_TESTDATA:-/work/shared/testdata}
vd=$td/vercmp
ctl="$b/claroctl --plugin-dir $b/plugins/versions/.libs"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# equal VALUE WANT DESCRIPTION
equal() { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3 (got \"$1\", want \"$2\")"; fi; }

# Vector lines "a OP b" (OP <, >, = or ==; '#' and '//' comments, trailing
# "# ..." dropped) -> "a<TAB>b<TAB>OP".
pairs() {
	sed -E 's/[[:space:]]+#.*$//' "$@" |
		awk '$1 !~ /^(#|\/\/)/ && NF == 3 && $2 ~ /^(<|>|=|==)$/ { print $1 "\t" $3 "\t" ($2 == "==" ? "=" : $2) }'
}
# verdicts SCHEME < pairs -> "a<TAB>b<TAB>OP<TAB>VERDICT"
verdicts() {
	cat >"$tmp/in"
	cut -f1,2 "$tmp/in" | $ctl vercmp "$1" --batch >"$tmp/out" 2>"$tmp/err"
	paste "$tmp/in" "$tmp/out"
}
differ() { awk -F'\t' '$3 != $4'; }
show() { sed 's/^/#   /' | head -"${1:-10}"; }

# agree SCHEME FILE CHECKED: every pair of FILE agrees, and there are as many
# as ADVISORIES-SOURCES.md says the native tool checked.
agree() {
	pairs "$vd/$2" | verdicts "$1" >"$tmp/v"
	total=$(grep -c . "$tmp/v")
	differ <"$tmp/v" >"$tmp/d"
	if [ "$total" -eq "$3" ] && [ ! -s "$tmp/d" ]; then
		ok "$1: $2: all $total pairs agree with the native tool"
	else
		not_ok "$1: $2: $(grep -c . "$tmp/d") of $total pairs differ (want 0 of $3)"
		show <"$tmp/d"
	fi
}

# every ordered pair of a strictly increasing list
ordered_pairs() {
	awk '{ v[NR] = $0 } END { for (i = 1; i <= NR; i++) for (j = 1; j <= NR; j++)
		print v[i] "\t" v[j] "\t" (i < j ? "<" : i > j ? ">" : "=") }' "$1"
}

echo "1..43"

# ---- dpkg: dpkg --compare-versions 1.21.22 -------------------------------------
agree dpkg osv-scalibr/debian-versions-generated.txt 14442
agree dpkg osv-scalibr/debian-versions.txt 30

# ---- rpm: rpm 4.18 rpm.vercmp / rpm.ver --------------------------------------
# (the rpmvercmp vectors hold no ':' or '-', so the EVR split leaves them whole)
agree rpm rpm/rpmvercmp.txt 91
agree rpm rpm/rpmvercmp-oddities.txt 12
agree rpm claircore/rpmver/rpmvercmp 113
agree rpm osv-scalibr/redhat-versions.txt 165
# claircore's NEVRA vectors carry names and arches (not an rpm primitive);
# its lines that are plain EVRs on both sides are checked as such.
pairs "$vd/claircore/rpmver/compare" |
	awk -F'\t' '$1 ~ /^([0-9]+:)?[0-9.]+-[0-9.]+$/ && $2 ~ /^([0-9]+:)?[0-9.]+-[0-9.]+$/' | verdicts rpm >"$tmp/v"
equal "$(grep -c . "$tmp/v"):$(differ <"$tmp/v" | grep -c .)" "3:0" "rpm: claircore rpmver/compare: its 3 EVR-only lines agree"

# ---- apk: apk version -t, apk-tools 2.14.10 ----------------------------------
agree apk apk/version-2.14-stable.data 733
agree apk osv-scalibr/alpine-versions-generated.txt 13979
# version-master-v3.data = the 2.14 file + apk v3's lines; the comparison
# lines among the additions are the ones v3 decides differently.
LC_ALL=C sort "$vd/apk/version-2.14-stable.data" >"$tmp/v2"
LC_ALL=C sort "$vd/apk/version-master-v3.data" | LC_ALL=C comm -13 "$tmp/v2" - >"$tmp/v3only"
pairs "$tmp/v3only" | sort >"$tmp/v3pairs"
pairs "$vd/apk/version-master-v3.data" | verdicts apk >"$tmp/v"
differ <"$tmp/v" | cut -f1-3 | sort >"$tmp/d"
equal "$(grep -c . "$tmp/v3pairs")" 5 "apk: version-master-v3.data adds 5 comparisons that apk v3 decides differently from 2.x"
check "apk: version-master-v3.data: all pairs agree but exactly those 5 (we follow apk 2.x)" cmp -s "$tmp/d" "$tmp/v3pairs"
equal "$(grep -cE '^!|^[^ #]+$|^[^ ]+ (~|<~|>~|!~) ' "$tmp/v3only")" 47 \
	"apk: version-master-v3.data's 47 fuzzy-match and validity lines need apk v3 and are not checked"
# alpine-versions.txt: apk 2.14 disagrees with the file on 8 lines, all on
# versions outside apk's grammar; those must be exactly our 8 as well.
grammar='^[0-9]+(\.[0-9]+)*[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*)*(-r[0-9]+)?$'
pairs "$vd/osv-scalibr/alpine-versions.txt" | verdicts apk >"$tmp/v"
differ <"$tmp/v" >"$tmp/d"
equal "$(grep -c . "$tmp/v"):$(grep -c . "$tmp/d")" "778:8" \
	"apk: osv-scalibr/alpine-versions.txt: 770 of 778 pairs agree, 8 differ (as apk 2.14.10 does)"
equal "$(awk -F'\t' -v g="$grammar" '$1 ~ g && $2 ~ g' "$tmp/d" | grep -c .)" 0 \
	"apk: each of those 8 has a version outside apk's grammar"

# ---- pep440: packaging 23.0 -----------------------------------------------------
ordered_pairs "$vd/pep440/pep440-ordered.txt" | verdicts pep440 >"$tmp/v"
equal "$(grep -c . "$tmp/v"):$(differ <"$tmp/v" | grep -c .)" "8464:0" \
	"pep440: pep440-ordered.txt: all 8464 ordered pairs of packaging's 92 versions agree"
for f in pypi-versions-generated.txt:12375:69 pypi-versions.txt:37:11; do
	file=${f%%:*} rest=${f#*:}
	pairs "$vd/osv-scalibr/$file" | verdicts pep440 >"$tmp/v"
	differ <"$tmp/v" >"$tmp/d"
	equal "$(grep -c . "$tmp/v"):$(grep -c . "$tmp/d")" "${rest%%:*}:${rest#*:}" \
		"pep440: $file: ${rest#*:} of ${rest%%:*} lines are legacy versions packaging refuses"
	equal "$(awk -F'\t' '$4 != "invalid"' "$tmp/d" | grep -c .)" 0 "pep440: $file: those come out invalid, all others agree"
done

# ---- maven: Maven 3.8.7 ComparableVersion -------------------------------------
pairs "$vd/osv-scalibr/maven-versions-generated.txt" | verdicts maven >"$tmp/v"
differ <"$tmp/v" >"$tmp/d"
equal "$(grep -c . "$tmp/v"):$(grep -c . "$tmp/d")" "14752:18" \
	"maven: maven-versions-generated.txt: 14734 pairs agree; 18 differ, as Maven 3.8.7 does"
check "maven: ... among them the two ADVISORIES-SOURCES.md names (2.9.0-1 vs 2.9.0.RC1, 1.2.31.sec10 vs 1.2.31_noneautotype)" \
	sh -c "grep -q '^2.9.0-1	2.9.0.RC1	' '$tmp/d' && grep -q '^1.2.31.sec10	1.2.31_noneautotype	' '$tmp/d'"
pairs "$vd/osv-scalibr/maven-versions.txt" | verdicts maven >"$tmp/v"
equal "$(grep -c . "$tmp/v"):$(differ <"$tmp/v" | cut -f1-3 | tr '\t' ' ')" "102:1-1 1-ga-1 =" \
	"maven: maven-versions.txt: 101 of 102 agree; Maven 3.8.7 differs on 1-1 = 1-ga-1, and so do we"
pairs "$vd/claircore/maven/compare.list" | verdicts maven >"$tmp/v"
equal "$(grep -c . "$tmp/v"):$(differ <"$tmp/v" | cut -f1-3 | tr '\t' ' ')" "84:2.0.a 2.0.0.a <" \
	"maven: claircore compare.list: 83 of 84 agree; Maven 3.8.7 differs on 2.0.a < 2.0.0.a, and so do we"

# ---- gem: RubyGems 3.3.15 Gem::Version -----------------------------------------
agree gem osv-scalibr/rubygems-versions-generated.txt 4098
pairs "$vd/osv-scalibr/rubygems-versions.txt" | verdicts gem >"$tmp/v"
differ <"$tmp/v" >"$tmp/d"
equal "$(grep -c . "$tmp/v"):$(grep -c . "$tmp/d"):$(awk -F'\t' '$4 != "invalid"' "$tmp/d" | grep -c .)" "25:2:0" \
	"gem: rubygems-versions.txt: 23 agree; the 2 versions Gem::Version refuses are invalid"

# ---- semver: no native tool ---------------------------------------------------
# Masterminds/semver (Clair's parser) refuses more than three numbers.
pairs "$vd/osv-scalibr/semver-versions.txt" | verdicts semver >"$tmp/v"
differ <"$tmp/v" >"$tmp/d"
equal "$(grep -c . "$tmp/v"):$(grep -c . "$tmp/d")" "86:1" "semver: semver-versions.txt: 85 of 86 agree"
equal "$(cut -f1,4 "$tmp/d" | tr '\t' ' ')" "1.1.3.4.5 invalid" \
	"semver: the other has four numbers and is invalid, as in Masterminds/semver"

# ---- normalised forms against Clair's own reports -----------------------------
# Every package with a pep440 or semver normalized_version in Clair's fixtures.
python3 - "$td/clair-fixtures" >"$tmp/norm" <<'EOF'
import json, os, sys
seen = set()
def walk(o):
    if isinstance(o, dict):
        nv, v = o.get("normalized_version"), o.get("version")
        if isinstance(nv, str) and isinstance(v, str) and nv.split(":")[0] in ("pep440", "semver"):
            seen.add((nv.split(":")[0], v, nv))
        for x in o.values(): walk(x)
    elif isinstance(o, list):
        for x in o: walk(x)
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        if f.endswith(".json"):
            try:
                walk(json.load(open(os.path.join(root, f), encoding="utf-8")))
            except ValueError:
                pass
for k, v, nv in sorted(seen):
    print(k + "\t" + v + "\t" + nv)
EOF
for k in pep440 semver; do
	awk -F'\t' -v k=$k '$1 == k { print $2 }' "$tmp/norm" >"$tmp/nv"
	awk -F'\t' -v k=$k '$1 == k { print $3 }' "$tmp/norm" >"$tmp/want"
	tr '\n' '\0' <"$tmp/nv" | xargs -0 $ctl vercmp $k --normalize >"$tmp/got" 2>"$tmp/err"
	if [ -s "$tmp/nv" ] && cmp -s "$tmp/got" "$tmp/want"; then
		ok "$k: --normalize equals Clair's normalized_version for all $(grep -c . "$tmp/nv") versions in its reports"
	else
		not_ok "$k: --normalize differs from Clair's normalized_version"
		paste "$tmp/nv" "$tmp/want" "$tmp/got" | awk -F'\t' '$2 != $3' | show
	fi
done

# ---- the command ---------------------------------------------------------------
$ctl vercmp --list >"$tmp/out"
equal "$(tr '\n' ' ' <"$tmp/out")" "apk dpkg gem maven pep440 rpm semver " "--list names the seven schemes"
equal "$($ctl vercmp pep440 1.0a1 1.0):$($ctl vercmp rpm 1:0.1 2.0):$($ctl vercmp dpkg 1.0 1.00)" "<:>:=" \
	"vercmp SCHEME A B prints <, > or ="
$ctl vercmp pep440 1.0 not-a-version >"$tmp/out" 2>"$tmp/err"
equal "$?:$(cat "$tmp/out")" "2:" "an invalid version: exit status 2, nothing on stdout"
check "... and a three-part error naming the version" sh -c "
	grep -q '^claroctl: invalid pep440 version \"not-a-version\"$' '$tmp/err' &&
	grep -q '^  detail: B is not a version' '$tmp/err' && grep -q '^  hint: ' '$tmp/err'"
$ctl vercmp semver x y >/dev/null 2>"$tmp/err"
check "two invalid versions: exit 2, both named" sh -c "[ $? -eq 2 ] && grep -q 'invalid semver versions \"x\" and \"y\"' '$tmp/err'"
$ctl vercmp nosuch 1 2 >/dev/null 2>"$tmp/err"
check "an unknown scheme: exit 2, the loaded ones listed" sh -c "[ $? -eq 2 ] &&
	grep -q 'unknown version scheme \"nosuch\"' '$tmp/err' && grep -q 'loaded: apk, dpkg, gem' '$tmp/err'"
$ctl vercmp pep440 1.0 >/dev/null 2>"$tmp/err"
check "one version only: usage error (exit 2)" sh -c "[ $? -eq 2 ] && grep -q 'missing versions' '$tmp/err'"
equal "$($ctl vercmp -- semver -1 1 2>&1; echo ":$?")" "claroctl: invalid semver version \"-1\"
  detail: A is not a version in the semver scheme's syntax (B \"1\" is).
  hint: See VERSION SCHEMES in claroctl(1) for what semver accepts, or compare under another scheme.
:2" "-- lets a version start with '-'"
printf '1.0\t2.0\n2.0\t1.0\n1.0\t1.0\r\nno tab\n1.0\t2.0\t3.0\n1.0\tbad\n\t1.0\n1.0\t2.0' |
	$ctl vercmp pep440 --batch >"$tmp/out"
equal "$?:$(tr '\n' ' ' <"$tmp/out")" "0:< > = invalid invalid invalid invalid < " \
	"--batch: a verdict a line; CRLF read; no or two tabs, bad or empty versions: invalid; last line without newline"
printf 'a\0b\t1\n1\t2\n' | $ctl vercmp dpkg --batch >"$tmp/out"
equal "$(tr '\n' ' ' <"$tmp/out")" "invalid < " "--batch: a NUL byte in a line makes it invalid, the next line still counts"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "1.%d\t1.%d\n", i, 100000 - i }' >"$tmp/many"
$ctl vercmp maven --batch <"$tmp/many" >"$tmp/out"
equal "$(sort "$tmp/out" | uniq -c | awk '{ printf "%s%s ", $1, $2 }')" "50000< 1= 49999> " \
	"--batch: 100000 pairs, 100000 verdicts"
equal "$($ctl vercmp pep440 --normalize 1.0rc2.post3 2>&1)" "pep440:0.1.0.0.0.0.-1.2.3.0" \
	"--normalize prints Clair's kind:v0...v9 form"
$ctl vercmp gem --normalize 1..0 >/dev/null 2>"$tmp/err"
check "--normalize of an invalid version: exit 2 and a three-part error" sh -c "[ $? -eq 2 ] &&
	grep -q 'invalid gem version \"1..0\"' '$tmp/err' && grep -q '  hint: ' '$tmp/err'"
"$b/claroctl" --host http://127.0.0.1:1 vercmp pep440 1 2 >/dev/null 2>"$tmp/err"
check "--host is refused (vercmp works in-process)" sh -c "[ $? -eq 2 ] && grep -q 'vercmp does not use --host' '$tmp/err'"
