#!/bin/sh
# The apk package scanner over real apk databases, compared with what apk-tools
# itself printed for them (the oracles named in $CLARO_TESTDATA/SOURCES.md):
#   - pkgdb/apk/apk-tools/query-installed.data vs. apk-tools' expected
#     `apk list --installed` ("name-version arch {origin} (license) [installed]");
#   - each Alpine minirootfs in images/alpine/, unpacked here, vs. its
#     `apk list --installed` and `apk info -v` ("name-version") oracles;
# then the record fields no oracle prints (kind, source version, package_db,
# hint), databases without an oracle (package count = their P: lines), and
# malformed databases, which must fail with a three-part error, never crash.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
td=${CLARO_TESTDATA:-/work/shared/testdata}
scan="$b/tests/unit/scan-layer $b/plugins/alpine/.libs alpine package apk"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
check() { n=$((n + 1)); if [ "$1" = "$2" ]; then echo "ok $n - $3"; else printf 'not ok %d - %s\n' $n "$3"; diff -u "$tmp/.want" "$tmp/.got" 2>/dev/null | sed 's/^/#   /' | head -20; fi; }
# compare two multi-line strings, showing a diff on mismatch
same() { printf '%s\n' "$1" >"$tmp/.got"; printf '%s\n' "$2" >"$tmp/.want"; check "$1" "$2" "$3"; }
# scanner TSV -> apk list's "name-version arch {origin}"
as_list() { awk -F'\t' '$1 == "package" { printf "%s-%s %s {%s}\n", $2, $3, $5, $6 }' | LC_ALL=C sort; }
as_info() { awk -F'\t' '$1 == "package" { printf "%s-%s\n", $2, $3 }' | LC_ALL=C sort; }
# apk list --installed line -> "name-version arch {origin}" (drop licence and [installed])
oracle_list() { sed -E 's/ \[installed\]$//; s/ \(.*\)$//' "$1" | LC_ALL=C sort; }
# a root with the given file as lib/apk/db/installed
mkroot() { rm -rf "$tmp/root"; mkdir -p "$tmp/root/lib/apk/db" && cp "$1" "$tmp/root/lib/apk/db/installed"; }
# fields no oracle prints: kind binary, source version = version, db path, 40-hex commit
bad_fields() {
	awk -F'\t' '$1 == "package" && ($4 != "binary" || $7 != $3 || $9 != "lib/apk/db/installed" ||
		$11 != "lib/apk/db/installed" || length($10) != 40 || $10 !~ /^[0-9a-f]+$/ || $6 == "") { print }' "$1"
}
# three-part error on stderr, exit 1, nothing on stdout
fails_clearly() {
	out=$($scan "$tmp/root" 2>"$tmp/err"); rc=$?
	if [ $rc -eq 1 ] && [ -z "$out" ] && grep -q "^scan-layer: $2" "$tmp/err" && grep -q '^  detail: ' "$tmp/err" &&
		grep -q '^  hint: ' "$tmp/err" && grep -q "$3" "$tmp/err"; then
		check ok ok "$1"
	else
		check "rc=$rc out=$out err=$(cat "$tmp/err")" "three-part error" "$1"
	fi
}

images=$(ls "$td"/images/alpine/*.tar.gz 2>/dev/null)
nimg=$(echo "$images" | grep -c .)
echo "1..$((3 + 4 * nimg + 13 + 6 + 13))"

# 1. apk-tools' own test database and its expected `apk list --installed`.
db="$td/pkgdb/apk/apk-tools/query-installed.data"
mkroot "$db"
$scan "$tmp/root" >"$tmp/q.tsv" 2>"$tmp/q.err"
same "$(as_list <"$tmp/q.tsv")" "$(oracle_list "$td/pkgdb/apk/apk-tools/query-installed.apk-list-installed.txt")" \
	"apk-tools query-installed: name-version arch {origin} equal apk list --installed ($(grep -c . "$tmp/q.tsv") packages)"
same "$(bad_fields "$tmp/q.tsv")" "" "apk-tools query-installed: binary kind, source at the binary's version, db path and commit hint"
same "$(awk -F'\t' '{ print $10 }' "$tmp/q.tsv" | LC_ALL=C sort)" "$(sed -n 's/^c://p' "$db" | LC_ALL=C sort)" \
	"apk-tools query-installed: every c: commit is some package's repository hint"

# 2. Alpine minirootfs images vs. their apk oracles.
for img in $images; do
	base=${img%.tar.gz}; name=$(basename "$base")
	rm -rf "$tmp/img" && mkdir "$tmp/img" && tar -xzf "$img" -C "$tmp/img" 2>"$tmp/tar.err" ||
		{ echo "# tar: $(cat "$tmp/tar.err")"; }
	$scan "$tmp/img" >"$tmp/img.tsv" 2>"$tmp/img.err"
	check "$?" 0 "$name: scan succeeds $(head -c 200 "$tmp/img.err")"
	same "$(as_list <"$tmp/img.tsv")" "$(oracle_list "$base.apk-list-installed.txt")" \
		"$name: equal apk list --installed ($(grep -c . "$tmp/img.tsv") packages)"
	same "$(as_info <"$tmp/img.tsv")" "$(LC_ALL=C sort "$base.apk-info-v.txt")" "$name: equal apk info -v"
	same "$(bad_fields "$tmp/img.tsv")" "" "$name: binary kind, source at the binary's version, db path and commit hint"
done

# 3. Real databases without an oracle: one package per P: line, no error.
for db in "$td"/pkgdb/apk/syft/single.installed "$td"/pkgdb/apk/syft/base.installed \
	"$td"/pkgdb/apk/syft/multiple-1.installed "$td"/pkgdb/apk/syft/multiple-2.installed \
	"$td"/pkgdb/apk/syft/empty-deps-and-provides.installed "$td"/pkgdb/apk/syft/extra-file-attributes.installed \
	"$td"/pkgdb/apk/osv-scalibr/single.installed "$td"/pkgdb/apk/osv-scalibr/installed.installed \
	"$td"/pkgdb/apk/osv-scalibr/different-arch.installed "$td"/pkgdb/apk/osv-scalibr/no-origin.installed \
	"$td"/pkgdb/apk/osv-scalibr/empty.installed; do
	mkroot "$db"
	got=$($scan "$tmp/root" 2>&1 | awk -F'\t' '$1 == "package" { c++ } $1 != "package" { print "unexpected: " $0 } END { print c + 0 }')
	check "$got" "$(grep -c '^P:' "$db")" "$(basename "$(dirname "$db")")/$(basename "$db"): one package per P: line"
done
mkroot "$td/pkgdb/apk/osv-scalibr/no-origin.installed"
same "$($scan "$tmp/root" 2>&1)" "$(printf 'package\tpkgname\t1.2.3\tbinary\tx86_64\t\t\t\tlib/apk/db/installed\t\tlib/apk/db/installed\t')" \
	"an entry without o: has no source package and no hint"
mkroot "$td/pkgdb/apk/osv-scalibr/different-arch.installed"
same "$($scan "$tmp/root" 2>&1 | cut -f5 | sort -u)" "$(sed -n 's/^A://p' "$td/pkgdb/apk/osv-scalibr/different-arch.installed" | sort -u)" \
	"the A: architecture is reported as is"

# 4. Malformed databases: a clear three-part error.
mkroot "$td/pkgdb/apk/syft/corrupt.installed"
fails_clearly "syft corrupt.installed (free text before the first entry) is refused" \
	'could not parse apk database "lib/apk/db/installed"' 'Line 1: the line is not a "K:value" field'
mkroot "$td/pkgdb/apk/osv-scalibr/invalid.installed"
fails_clearly "osv-scalibr invalid.installed is refused" 'could not parse apk database' 'Line 1:'
printf 'P:a\nV:1\nA:x86_64\n\nV:2\nA:x86_64\n' >"$tmp/nop" && mkroot "$tmp/nop"
fails_clearly "an entry without P: is refused, naming its first line" 'could not parse apk database' 'Line 5: .*no name'
printf 'P:a\nV:1\n\nP:b\no:b\n' >"$tmp/nov" && mkroot "$tmp/nov"
fails_clearly "an entry without V: is refused" 'could not parse apk database' 'Line 4: .*no version'
printf 'P:a\nV:1\nA:x86\0_64\n' >"$tmp/nul" && mkroot "$tmp/nul"
fails_clearly "a NUL byte is refused, naming its line" 'could not parse apk database' 'Line 3: .*NUL'
rm -rf "$tmp/root" && mkdir -p "$tmp/root/lib/apk/db/installed"
out=$($scan "$tmp/root" 2>"$tmp/err"); rc=$?
check "$rc:$out:$(grep -c . "$tmp/err")" "1::$(grep -c . "$tmp/err")" "a directory in place of the database is an error, not a crash"

# 5. Edge cases of the format.
printf 'P:a\r\nV:1.0-r0\r\nA:x86_64\r\no:src\r\nc:abc\r\n\r\nP:b\r\nV:2\r\n' >"$tmp/crlf" && mkroot "$tmp/crlf"
same "$($scan "$tmp/root" 2>&1 | cut -f2-7,10)" "$(printf 'a\t1.0-r0\tbinary\tx86_64\tsrc\t1.0-r0\tabc\nb\t2\tbinary\t\t\t\t')" \
	"CRLF line ends and blank CRLF separators"
printf 'P:a\nV:1\no:s' >"$tmp/noeol" && mkroot "$tmp/noeol"
same "$($scan "$tmp/root" 2>&1 | cut -f2,6,7)" "$(printf 'a\ts\t1')" "the last line counts without a final newline"
printf '\n\n\nP:a\nx\nV:1\n\n\n\nP:b\nV:2\n\n' >"$tmp/blanks" && mkroot "$tmp/blanks"
same "$($scan "$tmp/root" 2>&1 | cut -f2,3)" "$(printf 'a\t1\nb\t2')" "runs of blank lines and 1-byte lines are ignored"
printf 'P:a\nV:1\nV:2\nP:  b  \n' >"$tmp/rep" && mkroot "$tmp/rep"
same "$($scan "$tmp/root" 2>&1 | cut -f2,3)" "$(printf 'b\t2')" "repeated keys: the last wins; values are trimmed"
printf 'o:s\nP:a\nV:1\n' >"$tmp/order" && mkroot "$tmp/order"
same "$($scan "$tmp/root" 2>&1 | cut -f2,6,7)" "$(printf 'a\ts\t1')" "the source gets the binary's version whatever the field order"
printf 'P:z\nV:1\n\nP:a\nV:1\n\nP:m\nV:1\n' >"$tmp/fileorder" && mkroot "$tmp/fileorder"
same "$($scan "$tmp/root" 2>&1 | cut -f2)" "$(printf 'z\na\nm')" "packages are reported in file order (as Clair does)"
: >"$tmp/empty" && mkroot "$tmp/empty"
same "$($scan "$tmp/root" 2>&1)" "" "an empty database gives nothing"
rm -rf "$tmp/root" && mkdir -p "$tmp/root/etc"
same "$($scan "$tmp/root" 2>&1)" "" "a layer without lib/apk/db/installed gives nothing"
rm -rf "$tmp/root" && mkdir -p "$tmp/root/lib/apk/db" && ln -s /work/shared/testdata/pkgdb/apk/syft/single.installed "$tmp/root/lib/apk/db/installed"
same "$($scan "$tmp/root" 2>&1)" "" "an absolute symlink is resolved inside the layer, not on the host"
rm -rf "$tmp/root" && mkdir -p "$tmp/root/lib/apk/db" "$tmp/root/var" && cp "$td/pkgdb/apk/syft/single.installed" "$tmp/root/var/db" &&
	ln -s ../../../var/db "$tmp/root/lib/apk/db/installed"
same "$($scan "$tmp/root" 2>&1 | cut -f2)" "$(sed -n 's/^P://p' "$td/pkgdb/apk/syft/single.installed")" \
	"a relative symlink inside the layer is followed"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "P:p%d\nV:1.%d-r0\nA:x86_64\no:o%d\nc:%040d\n\n", i, i, i % 7, i }' >"$tmp/big" && mkroot "$tmp/big"
same "$($scan "$tmp/root" 2>&1 | grep -c '^package')" "20000" "a 20000-package database"
head -c 300000 /dev/urandom | tr -d '\000' >"$tmp/rand"; printf 'P:' | cat - "$tmp/rand" >"$tmp/rand2" && mkroot "$tmp/rand2"
$scan "$tmp/root" >/dev/null 2>&1; rc=$?
check "$([ $rc -le 1 ] && echo fine)" fine "random bytes end in success or a clean error (exit $rc), not a crash"
long=$(head -c 100000 /dev/zero | tr '\0' 'v')
printf 'P:a\nV:%s\n' "$long" >"$tmp/long" && mkroot "$tmp/long"
same "$($scan "$tmp/root" 2>&1 | cut -f3 | wc -c)" "100001" "a 100000-byte value is kept whole (no fixed buffers)"
