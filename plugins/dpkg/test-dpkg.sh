#!/bin/sh
# The dpkg and dpkg-distroless package scanners against dpkg-query.
#
# For every dpkg-query oracle in $CLARO_TESTDATA/pkgdb/dpkg (see SOURCES.md:
# the oracle is `dpkg-query -W` over the file installed as <admindir>/status):
#   - the file is placed at var/lib/dpkg/status next to an info/ directory and
#     the dpkg scanner's (name, version, arch, source name, source version)
#     set must equal the oracle's rows whose status is installed and ok
#     (abbreviation "?i " : dpkg-query also lists config-files, unpacked and
#     reinstreq packages, which Clair's Status filter drops);
#   - where dpkg-query itself failed (exit status 2 in the .stderr file, empty
#     oracle), the scanner must either fail with a three-part error or report
#     nothing;
#   - files from status.d/ directories are also scanned in the distroless
#     layout by dpkg-distroless, which takes every entry that has a Package
#     and a Version (no Status filter): its set must contain every oracle row
#     and have as many packages as the file has such entries (counted here
#     with awk from the file itself).
# Then: the vcpkg database is "not a dpkg database" (no error, nothing), the
# md5sums repository hint, package_db/filepath, sort order, and malformed
# input (three-part errors, no crash).
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
D=${CLARO_TESTDATA:-/work/shared/testdata}/pkgdb/dpkg
scan="$b/tests/unit/scan-layer $b/plugins/dpkg/.libs dpkg package"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ ! -d "$D" ]; then
	echo "1..0 # SKIP no test data at $D"
	exit 0
fi
n=0
fails=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { if [ "$1" = "$2" ]; then pass "$3"; else fail "$3"; printf '#   got:\n%s\n#   expected:\n%s\n' "$1" "$2" | sed 's/^/# /'; fi; }
tab=$(printf '\t')

# scan COMPONENT ROOT -> $tmp/out (TSV) and $tmp/err; returns scan-layer's status
run_scan() { $scan "$1" "$2" >"$tmp/out" 2>"$tmp/err"; }
# name version arch srcname srcversion from scan-layer output, sorted
pkgset() { awk -F'\t' '$1 == "package" { print $2 "\t" $3 "\t" $5 "\t" $6 "\t" $7 }' "$1" | LC_ALL=C sort; }
# the same from an oracle; installed_only=1 keeps rows dpkg calls installed and ok
oracle_set() {
	awk -F'\t' -v only="$2" '{
		st = $6 "   "
		if (only == 1 && !(substr(st, 2, 1) == "i" && substr(st, 3, 1) == " ")) next
		print $1 "\t" $3 "\t" $2 "\t" $4 "\t" $5 }' "$1" | LC_ALL=C sort
}
three_part() { grep -q '^scan-layer: ' "$tmp/err" && grep -q '^  detail: ' "$tmp/err" && grep -q '^  hint: ' "$tmp/err"; }
dpkg_failed() { [ -f "$1" ] && grep -q '^exit status: [1-9]' "$1"; }
# entries of a deb822 file that have non-empty Package and Version fields
complete_entries() {
	awk 'BEGIN { RS = ""; c = 0 }
	     { if ($0 ~ /(^|\n)Package:[ \t]*[^ \t\n]/ && $0 ~ /(^|\n)Version:[ \t]*[^ \t\n]/) c++ }
	     END { print c }' "$1"
}

total=0
find "$D" -name '*.dpkg-query.tsv' | LC_ALL=C sort >"$tmp/oracles"
while read -r oracle; do
	stem=${oracle%.dpkg-query.tsv}
	rel=${stem#"$D"/}
	stderr_file=$stem.dpkg-query.stderr
	case $stem in
	*/status.d.dpkg-query/*) file=$(echo "$stem" | sed 's#/status.d.dpkg-query/#/status.d/#'); distroless=1 ;;
	*) if [ -f "$stem" ]; then file=$stem; else file=$stem.status; fi; distroless=0 ;;
	esac
	if [ ! -f "$file" ]; then
		fail "$rel: database file for the oracle exists"
		continue
	fi
	root=$tmp/root
	rm -rf "$root" && mkdir -p "$root/var/lib/dpkg/info" && cp "$file" "$root/var/lib/dpkg/status"
	want=$(oracle_set "$oracle" 1)
	if run_scan dpkg "$root"; then
		got=$(pkgset "$tmp/out")
		if dpkg_failed "$stderr_file" && [ -z "$want" ] && [ -n "$got" ]; then
			fail "$rel: dpkg-query rejects the file, the scanner reported packages"
			echo "$got" | sed 's/^/#   /'
		else
			check "$got" "$want" "dpkg: $rel equals dpkg-query ($(printf '%s' "$want" | grep -c .) installed packages)"
			total=$((total + $(printf '%s' "$want" | grep -c .)))
		fi
	elif dpkg_failed "$stderr_file" && [ -z "$want" ] && three_part; then
		pass "dpkg: $rel is rejected like dpkg-query rejects it, with a three-part error"
	else
		fail "dpkg: $rel scan failed"
		sed 's/^/#   /' "$tmp/err"
	fi
	if [ $distroless = 1 ]; then
		rm -rf "$root" && mkdir -p "$root/var/lib/dpkg/status.d"
		cp "$file" "$root/var/lib/dpkg/status.d/"
		[ -f "$file.md5sums" ] && cp "$file.md5sums" "$root/var/lib/dpkg/status.d/"
		if run_scan dpkg-distroless "$root"; then
			got=$(pkgset "$tmp/out")
			missing=$(oracle_set "$oracle" 0 | LC_ALL=C comm -23 - "$(printf '%s\n' "$got" >"$tmp/g"; echo "$tmp/g")")
			count=$(printf '%s' "$got" | grep -c .)
			expect=$(complete_entries "$file")
			if [ -z "$missing" ] && [ "$count" = "$expect" ]; then
				pass "dpkg-distroless: $rel has every dpkg-query row and $expect packages"
			else
				fail "dpkg-distroless: $rel (got $count packages, want $expect; missing oracle rows below)"
				printf '%s\n' "$missing" | sed 's/^/#   /'
			fi
		else
			fail "dpkg-distroless: $rel scan failed"
			sed 's/^/#   /' "$tmp/err"
		fi
	fi
done <"$tmp/oracles"
echo "# $total installed packages compared with dpkg-query"

# vcpkg: not a dpkg database, nothing reported and no error.
root=$tmp/vcpkg
mkdir -p "$root/installed/vcpkg/info" && cp "$D/claircore/vcpkg.status" "$root/installed/vcpkg/status"
if run_scan dpkg "$root" && [ ! -s "$tmp/out" ]; then pass "vcpkg status file: not a dpkg database, no packages, no error"
else fail "vcpkg status file: not a dpkg database"; sed 's/^/#   /' "$tmp/err" "$tmp/out"; fi

# Records: package_db and filepath are the status path, the hint is the MD5 of
# info/<pkg>:<arch>.md5sums (preferred) or info/<pkg>.md5sums, source kind.
root=$tmp/hint
mkdir -p "$root/var/lib/dpkg/info" "$root/opt/other/info"
cat >"$root/var/lib/dpkg/status" <<'EOS'
Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1

Package: bash
Status: hold ok installed
Architecture: amd64
Version: 5.2.15-2+b2

Package: apt
Status: install ok installed
Architecture: amd64
Version: 2.6.1

Package: gone
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0
EOS
printf 'abc  usr/bin/bash\n' >"$root/var/lib/dpkg/info/bash.md5sums"
printf 'zlib arch\n' >"$root/var/lib/dpkg/info/zlib1g:amd64.md5sums"
printf 'zlib plain\n' >"$root/var/lib/dpkg/info/zlib1g.md5sums"
printf 'Package: x\nStatus: install ok installed\nVersion: 1\n' >"$root/opt/other/status"
printf 'Package: y\nStatus: install ok installed\nVersion: 1\n' >"$root/opt/lonely-status"
md5() { printf "$1" | md5sum | cut -d' ' -f1; }
run_scan dpkg "$root"
got=$(cut -f2,3,4,5,6,7,9,10,11 "$tmp/out")
want=$(printf '%s\n' \
	"x${tab}1${tab}binary${tab}${tab}x${tab}1${tab}opt/other/status${tab}${tab}opt/other/status" \
	"apt${tab}2.6.1${tab}binary${tab}amd64${tab}apt${tab}2.6.1${tab}var/lib/dpkg/status${tab}${tab}var/lib/dpkg/status" \
	"bash${tab}5.2.15-2+b2${tab}binary${tab}amd64${tab}bash${tab}5.2.15-2+b2${tab}var/lib/dpkg/status${tab}$(md5 'abc  usr/bin/bash\n')${tab}var/lib/dpkg/status" \
	"zlib1g${tab}1:1.2.13.dfsg-1${tab}binary${tab}amd64${tab}zlib${tab}1:1.2.13.dfsg-1${tab}var/lib/dpkg/status${tab}$(md5 'zlib arch\n')${tab}var/lib/dpkg/status")
check "$got" "$want" "records: every database (status + info/), sorted by name, md5sums hint (arch-qualified first), hold kept, config-files dropped"

# Malformed status files: a clear three-part error, never a crash.
bad() {
	root=$tmp/bad
	rm -rf "$root" && mkdir -p "$root/var/lib/dpkg/info"
	printf "$1" >"$root/var/lib/dpkg/status"
	if run_scan dpkg "$root"; then fail "$2: expected an error"; sed 's/^/#   /' "$tmp/out"
	elif three_part && grep -q "$3" "$tmp/err"; then pass "$2: three-part error"
	else fail "$2: three-part error mentioning '$3'"; sed 's/^/#   /' "$tmp/err"; fi
}
bad 'garbage\nmore garbage\n' "no readable entry" "could not parse dpkg database var/lib/dpkg/status"
bad 'Package: a\nStatus: install ok installed\nVersion: 1\n\nStatus: install ok installed\nVersion: 2\n' \
	"an installed entry without Package" "no Package field"
bad 'Package: a\nStatus: install ok installed\n' "an installed entry without Version" "no Version field"
bad ' continuation first\n\x00\x01\n' "binary junk" "could not parse dpkg database"

# A malformed entry among good ones is skipped (claircore's skip-and-restart).
root=$tmp/skip
mkdir -p "$root/var/lib/dpkg/info"
printf 'Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: b\nno colon here\nStatus: install ok installed\nVersion: 2\n\nPackage: c\nStatus: install ok installed\nVersion: 3\n' \
	>"$root/var/lib/dpkg/status"
run_scan dpkg "$root"
check "$(cut -f2 "$tmp/out" | tr '\n' ' ')" "a c " "a malformed entry is skipped, the others are read"

# Continuation lines and case-insensitive field names.
printf 'package: a\nSTATUS: install\n ok installed\nDescription: x\n more\n .\nVersion: 1\nSource: s (0.9)\n' \
	>"$root/var/lib/dpkg/status"
run_scan dpkg "$root"
check "$(cut -f2,3,6,7 "$tmp/out")" "a${tab}1${tab}s${tab}0.9" "continuation lines and field names in any case"

echo "1..$n"
[ $fails -eq 0 ]
