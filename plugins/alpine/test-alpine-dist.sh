#!/bin/sh
# The alpine distribution scanner (claircore's rules, reference §4.3) over
# claircore's and trivy's os-release/issue samples in
# $CLARO_TESTDATA/pkgdb/osrelease/, every other os-release sample there (not
# Alpine: nothing), and the unpacked Alpine minirootfs images. The expected
# records are written out below from each file's contents; fields printed are
# did, name, version, version_code_name, version_id, arch, cpe, pretty_name.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
td=${CLARO_TESTDATA:-/work/shared/testdata}
scan="$b/tests/unit/scan-layer $b/plugins/alpine/.libs alpine distribution alpine"
osr="$td/pkgdb/osrelease"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
check() { n=$((n + 1)); if [ "$1" = "$2" ]; then echo "ok $n - $3"; else printf 'not ok %d - %s\n#   got:      %s\n#   expected: %s\n' $n "$3" "$1" "$2"; fi; }
# dist "version" "pretty name" [name]: the expected TSV line
dist() { printf 'distribution\talpine\t%s\t%s\t\t\t\t\t%s' "${3-Alpine Linux}" "$1" "$2"; }
# root FILE-FOR-os-release FILE-FOR-issue ("-" = absent)
root() {
	rm -rf "$tmp/root" && mkdir -p "$tmp/root/etc"
	[ "$1" = - ] || cp "$1" "$tmp/root/etc/os-release"
	[ "$2" = - ] || cp "$2" "$tmp/root/etc/issue"
}
scan() { $scan "$tmp/root" 2>&1; }

# version of each claircore sample: VERSION_ID up to its last '.' (3.18.4 ->
# 3.18); the edge sample has PRETTY_NAME "Alpine Linux edge".
cc="3.3 3.4 3.5 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13 3.14 3.15 3.16 3.17 3.18"
# every sample not tested above (by file name, whatever the directory is called)
others=$(for f in "$osr"/claircore/etc/* "$osr"/trivy/*; do
	case ${f##*/} in
	alpine-*.os-release | alpine-*.issue | alpine.os-release | no-id.os-release | no-version.os-release | ubuntu-invalid) ;;
	*) echo "$f" ;;
	esac
done)
nothers=$(echo "$others" | grep -c .)
images=$(ls "$td"/images/alpine/*.tar.gz 2>/dev/null)
nimg=$(echo "$images" | grep -c .)
echo "1..$((3 * 16 + 3 + 4 + 7 + nothers + nimg + 2))"

for v in $cc; do
	root "$osr/claircore/etc/alpine-$v.os-release" -
	check "$(scan)" "$(dist "$v" "Alpine Linux v$v")" "claircore alpine-$v os-release"
	root - "$osr/claircore/etc/alpine-$v.issue"
	check "$(scan)" "$(dist "$v" "Alpine Linux v$v")" "claircore alpine-$v issue"
	root "$osr/claircore/etc/alpine-$v.os-release" "$osr/claircore/etc/alpine-$v.issue"
	check "$(scan)" "$(dist "$v" "Alpine Linux v$v")" "claircore alpine-$v os-release and issue: one record"
done
root "$osr/claircore/etc/alpine-edge.os-release" -
check "$(scan)" "$(dist edge "Alpine Linux edge")" "claircore alpine-edge os-release (VERSION_ID 3.19_alpha20230901)"
root - "$osr/claircore/etc/alpine-edge.issue"
check "$(scan)" "$(dist edge "Alpine Linux edge")" "claircore alpine-edge issue (\"... 3.19_alpha20230901 (edge)\")"
root "$osr/claircore/etc/alpine-edge.os-release" "$osr/claircore/etc/alpine-edge.issue"
check "$(scan)" "$(dist edge "Alpine Linux edge")" "claircore alpine-edge os-release and issue"

# trivy's samples: VERSION_ID 3.15.4; one without ID, one without VERSION_ID.
root "$osr/trivy/alpine.os-release" -
check "$(scan)" "$(dist 3.15 "Alpine Linux v3.15")" "trivy alpine.os-release (no final newline)"
root "$osr/trivy/no-id.os-release" -
check "$(scan)" "" "os-release without ID: not Alpine"
root "$osr/trivy/no-version.os-release" -
check "$(scan)" "" "ID=alpine without VERSION_ID and no issue: nothing"
root "$osr/trivy/no-version.os-release" "$osr/claircore/etc/alpine-3.9.issue"
check "$(scan)" "$(dist 3.9 "Alpine Linux v3.9")" "ID=alpine without VERSION_ID falls back to etc/issue"

# Rules at the edges, on hand-written files.
printf 'ID=alpine\nVERSION_ID=3\nPRETTY_NAME="Alpine Linux v3"\n' >"$tmp/os" && root "$tmp/os" -
check "$(scan)" "" "a VERSION_ID without '.' is not recognised (claircore: martian VERSION_ID)"
printf "NAME='My Alpine'\nID=\"alpine\"\nVERSION_ID=3.19.1.2\nPRETTY_NAME=\"Alpine \\\\\"X\\\\\" ed.\"\n" >"$tmp/os" && root "$tmp/os" -
check "$(scan)" "$(dist 3.19.1 'Alpine "X" ed.' 'My Alpine')" "quoted values; version is VERSION_ID up to its last '.'"
printf 'ID=debian\nVERSION_ID=12\n' >"$tmp/os" && root "$tmp/os" "$osr/claircore/etc/alpine-3.12.issue"
check "$(scan)" "$(dist 3.12 "Alpine Linux v3.12")" "a non-Alpine os-release still lets etc/issue decide (as claircore)"
printf 'Welcome to Alpine Linux 3.x\nthen Alpine Linux 3.17.2 and Alpine Linux 3.1\n' >"$tmp/issue" && root - "$tmp/issue"
check "$(scan)" "$(dist 3.17 "Alpine Linux v3.17")" "issue: the first \"Alpine Linux D.D\" wins"
printf 'Welcome to Alpine Linux 3.20\n' >"$tmp/issue" && root "$osr/claircore/etc/alpine-3.9.os-release" "$tmp/issue"
check "$(scan)" "$(dist 3.9 "Alpine Linux v3.9")" "os-release takes precedence over issue"
printf 'ID=alpine\nVERSION_ID=3.1.0\nthis line is not an assignment\n' >"$tmp/os" && root "$tmp/os" -
out=$($scan "$tmp/root" 2>"$tmp/err"); rc=$?
check "$rc|$out|$(grep -c -e '^scan-layer: could not parse "etc/os-release"' -e '^  detail: Line 3: ' -e '^  hint: ' "$tmp/err")" \
	"1||3" "a malformed os-release is a three-part error naming the line"
root "$osr/trivy/ubuntu-invalid" -
out=$($scan "$tmp/root" 2>"$tmp/err"); rc=$?
check "$rc|$(grep -c -e '^scan-layer: could not parse' -e '^  detail: Line 1: ' -e '^  hint: ' "$tmp/err")" "1|3" \
	"trivy ubuntu-invalid (\"invalid\") as os-release: three-part error (claircore fails too)"

# Every other sample: *.os-release as etc/os-release, any other release text
# (lsb-release, redhat-release, debian_version, ...) as etc/issue: nothing.
for f in $others; do
	case $f in
	*.os-release) root "$f" - ;;
	*) root - "$f" ;;
	esac
	check "$(scan)" "" "not Alpine: ${f#$osr/}"
done

# The minirootfs images, unpacked (etc/os-release is a symlink into usr/lib
# on the newer ones).
for img in $images; do
	name=$(basename "$img" .tar.gz)
	case $name in
	*-20240923-*) want=$(dist edge "Alpine Linux edge") ;;
	*-3.9.6-*) want=$(dist 3.9 "Alpine Linux v3.9") ;;
	*-3.16.9-*) want=$(dist 3.16 "Alpine Linux v3.16") ;;
	*-3.20.3-*) want=$(dist 3.20 "Alpine Linux v3.20") ;;
	*) want="unknown image $name: add it to this table" ;;
	esac
	rm -rf "$tmp/img" && mkdir "$tmp/img" && tar -xzf "$img" -C "$tmp/img"
	check "$($scan "$tmp/img" 2>&1)" "$want" "$name"
done

rm -rf "$tmp/root" && mkdir -p "$tmp/root/etc" && ln -s /work/shared/testdata/pkgdb/osrelease/trivy/alpine.os-release "$tmp/root/etc/os-release"
check "$(scan)" "" "an absolute os-release symlink is resolved inside the layer, not on the host"
rm -rf "$tmp/root" && mkdir -p "$tmp/root/etc" && head -c 2000000 /dev/zero | tr '\0' '#' >"$tmp/root/etc/os-release"
out=$($scan "$tmp/root" 2>"$tmp/err"); rc=$?
check "$rc|$(grep -c -e 'could not read "etc/os-release"' -e '^  detail: ' -e '^  hint: ' "$tmp/err")" "1|3" "an os-release over 1 MiB is refused clearly"
