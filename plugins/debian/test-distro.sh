#!/bin/sh
# The debian and ubuntu distribution scanners over every release file in
# $CLARO_TESTDATA/pkgdb/osrelease (each placed where it lives in an image:
# *.os-release and extensionless files at etc/os-release, *lsb-release at
# etc/lsb-release, the rest at etc/<suffix>), the os-release sections of
# Clair's txtar cases, and Clair's own fixture roots under
# clair-fixtures/os-release/{debian,ubuntu}/*/*/ scanned as they are.
# The expected records come from the table below, written from the files'
# contents and Clair's rules (reference §2, §4.3): Debian needs ID=debian and
# an integer VERSION_ID, the code name from VERSION_CODENAME or "(name)" in
# VERSION; Ubuntu reads etc/lsb-release first, then etc/os-release, and needs
# the id "ubuntu" plus a release and a code name (so old os-release files
# without VERSION_CODENAME give nothing on their own). Every file not in the
# table must give nothing from either scanner; "error" means a three-part
# error from both, "debian-error" one from the debian scanner only.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
T=${CLARO_TESTDATA:-/work/shared/testdata}
D=$T/pkgdb/osrelease
F=$T/clair-fixtures/os-release
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ ! -d "$D" ]; then
	echo "1..0 # SKIP no test data at $D"
	exit 0
fi
tab=$(printf '\t')
n=0
fails=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

cat >"$tmp/table" <<'EOT'
claircore/etc/debian-7.os-release	debian 7 wheezy
claircore/etc/debian-8.os-release	debian 8 jessie
claircore/etc/debian-9.os-release	debian 9 stretch
claircore/etc/debian-10.os-release	debian 10 buster
claircore/etc/debian-11.os-release	debian 11 bullseye
claircore/etc/debian-12.os-release	debian 12 bookworm
claircore/etc/debian-distroless-9.os-release	debian 9 stretch
claircore/etc/debian-distroless-10.os-release	debian 10 buster
claircore/etc/debian-distroless-11.os-release	debian 11 bullseye
claircore/etc/ubuntu-11.os-release	debian 11 bullseye
claircore/etc/ubuntu-10.04.lsb-release	ubuntu 10.04 lucid Lucid
claircore/etc/ubuntu-12.04.lsb-release	ubuntu 12.04 precise Precise
claircore/etc/ubuntu-12.10.lsb-release	ubuntu 12.10 quantal Quantal
claircore/etc/ubuntu-13.04.lsb-release	ubuntu 13.04 raring Raring
claircore/etc/ubuntu-13.10.lsb-release	ubuntu 13.10 saucy Saucy
claircore/etc/ubuntu-14.04.lsb-release	ubuntu 14.04 trusty Trusty
claircore/etc/ubuntu-14.10.lsb-release	ubuntu 14.10 utopic Utopic
claircore/etc/ubuntu-15.04.lsb-release	ubuntu 15.04 vivid Vivid
claircore/etc/ubuntu-15.10.lsb-release	ubuntu 15.10 wily Wily
claircore/etc/ubuntu-16.04.lsb-release	ubuntu 16.04 xenial Xenial
claircore/etc/ubuntu-16.10.lsb-release	ubuntu 16.10 yakkety Yakkety
claircore/etc/ubuntu-17.04.lsb-release	ubuntu 17.04 zesty Zesty
claircore/etc/ubuntu-17.10.lsb-release	ubuntu 17.10 artful Artful
claircore/etc/ubuntu-18.04.lsb-release	ubuntu 18.04 bionic Bionic
claircore/etc/ubuntu-18.10.lsb-release	ubuntu 18.10 cosmic Cosmic
claircore/etc/ubuntu-19.04.lsb-release	ubuntu 19.04 disco Disco
claircore/etc/ubuntu-19.10.lsb-release	ubuntu 19.10 eoan Eoan
claircore/etc/ubuntu-20.04.lsb-release	ubuntu 20.04 focal Focal
claircore/etc/ubuntu-20.10.lsb-release	ubuntu 20.10 groovy Groovy
claircore/etc/ubuntu-21.04.lsb-release	ubuntu 21.04 hirsute Hirsute
claircore/etc/ubuntu-21.10.lsb-release	ubuntu 21.10 impish Impish
claircore/etc/ubuntu-22.04.lsb-release	ubuntu 22.04 jammy Jammy
claircore/etc/ubuntu-22.10.lsb-release	ubuntu 22.10 kinetic Kinetic
claircore/etc/ubuntu-23.04.lsb-release	ubuntu 23.04 lunar Lunar
claircore/etc/ubuntu-23.10.lsb-release	ubuntu 23.10 mantic Mantic
claircore/etc/ubuntu-16.04.os-release	ubuntu 16.04 xenial Xenial
claircore/etc/ubuntu-16.10.os-release	ubuntu 16.10 yakkety Yakkety
claircore/etc/ubuntu-17.04.os-release	ubuntu 17.04 zesty Zesty
claircore/etc/ubuntu-17.10.os-release	ubuntu 17.10 artful Artful
claircore/etc/ubuntu-18.04.os-release	ubuntu 18.04 bionic Bionic
claircore/etc/ubuntu-18.10.os-release	ubuntu 18.10 cosmic Cosmic
claircore/etc/ubuntu-19.04.os-release	ubuntu 19.04 disco Disco
claircore/etc/ubuntu-19.10.os-release	ubuntu 19.10 eoan Eoan
claircore/etc/ubuntu-20.04.os-release	ubuntu 20.04 focal Focal
claircore/etc/ubuntu-20.10.os-release	ubuntu 20.10 groovy Groovy
claircore/etc/ubuntu-21.04.os-release	ubuntu 21.04 hirsute Hirsute
claircore/etc/ubuntu-21.10.os-release	ubuntu 21.10 impish Impish
claircore/etc/ubuntu-22.04.os-release	ubuntu 22.04 jammy Jammy
claircore/etc/ubuntu-22.10.os-release	ubuntu 22.10 kinetic Kinetic
claircore/etc/ubuntu-23.04.os-release	ubuntu 23.04 lunar Lunar
claircore/etc/ubuntu-23.10.os-release	ubuntu 23.10 mantic Mantic
trivy/ubuntu-lsb-release	ubuntu 18.04 bionic Bionic
trivy/ubuntu-invalid	error
txtar/Bionic	ubuntu 18.04 bionic Bionic
txtar/Buster	debian 10 buster
txtar/DistrolessCorrupt	debian 12 bookworm
txtar/DistrolessValid	debian 12 bookworm
fixture/debian/dist/7	debian 7 wheezy
fixture/debian/dist/8	debian 8 jessie
fixture/debian/dist/9	debian 9 stretch
fixture/debian/dist/10	debian 10 buster
fixture/debian/dist/11	debian 11 bullseye
fixture/debian/dist/12	debian 12 bookworm
fixture/debian/distroless_dist/9	debian 9 stretch
fixture/debian/distroless_dist/10	debian 10 buster
fixture/debian/distroless_dist/11	debian 11 bullseye
fixture/ubuntu/dist/11	debian 11 bullseye
fixture/ubuntu/dist/10.04	ubuntu 10.04 lucid Lucid
fixture/ubuntu/dist/12.04	ubuntu 12.04 precise Precise
fixture/ubuntu/dist/12.10	ubuntu 12.10 quantal Quantal
fixture/ubuntu/dist/13.04	ubuntu 13.04 raring Raring
fixture/ubuntu/dist/13.10	ubuntu 13.10 saucy Saucy
fixture/ubuntu/dist/14.04	ubuntu 14.04 trusty Trusty
fixture/ubuntu/dist/14.10	ubuntu 14.10 utopic Utopic
fixture/ubuntu/dist/15.04	ubuntu 15.04 vivid Vivid
fixture/ubuntu/dist/15.10	ubuntu 15.10 wily Wily
fixture/ubuntu/dist/16.04	ubuntu 16.04 xenial Xenial
fixture/ubuntu/dist/16.10	ubuntu 16.10 yakkety Yakkety
fixture/ubuntu/dist/17.04	ubuntu 17.04 zesty Zesty
fixture/ubuntu/dist/17.10	ubuntu 17.10 artful Artful
fixture/ubuntu/dist/18.04	ubuntu 18.04 bionic Bionic
fixture/ubuntu/dist/18.10	ubuntu 18.10 cosmic Cosmic
fixture/ubuntu/dist/19.04	ubuntu 19.04 disco Disco
fixture/ubuntu/dist/19.10	ubuntu 19.10 eoan Eoan
fixture/ubuntu/dist/20.04	ubuntu 20.04 focal Focal
fixture/ubuntu/dist/20.10	ubuntu 20.10 groovy Groovy
fixture/ubuntu/dist/21.04	ubuntu 21.04 hirsute Hirsute
fixture/ubuntu/dist/21.10	ubuntu 21.10 impish Impish
fixture/ubuntu/dist/22.04	ubuntu 22.04 jammy Jammy
fixture/ubuntu/dist/22.10	ubuntu 22.10 kinetic Kinetic
fixture/ubuntu/dist/23.04	ubuntu 23.04 lunar Lunar
fixture/ubuntu/dist/23.10	ubuntu 23.10 mantic Mantic
EOT

expectation() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$tmp/table"; }
# the canonical record as scan-layer prints it (reference §2)
debian_line() { printf 'distribution\tdebian\tDebian GNU/Linux\t%s (%s)\t%s\t%s\t\t\tDebian GNU/Linux %s (%s)' "$1" "$2" "$2" "$1" "$1" "$2"; }
ubuntu_line() { printf 'distribution\tubuntu\tUbuntu\t%s (%s)\t%s\t%s\t\t\tUbuntu %s' "$1" "$3" "$2" "$1" "$1"; }

# run_one KEY ROOT: both scanners over ROOT, compared with the table.
run_one() {
	echo "$1" >>"$tmp/ran"
	exp=$(expectation "$1")
	for s in debian ubuntu; do
		if "$b/tests/unit/scan-layer" "$b/plugins/$s/.libs" "$s" distribution "$s" "$2" >"$tmp/out" 2>"$tmp/err"; then
			got=$(cat "$tmp/out")
			rc=0
		else
			got=ERROR
			rc=1
		fi
		set -- "$1" "$2" $exp
		want=
		case ${3:-}:$s in
		debian:debian) want=$(debian_line "$4" "$5") ;;
		ubuntu:ubuntu) want=$(ubuntu_line "$4" "$5" "$6") ;;
		error:*) want=ERROR ;;
		debian-error:debian) want=ERROR ;;
		esac
		if [ "$got" = "$want" ]; then
			if [ $rc = 1 ] && ! { grep -q '^  detail: ' "$tmp/err" && grep -q '^  hint: ' "$tmp/err"; }; then
				fail "$s: $1: error has all three parts"
				sed 's/^/#   /' "$tmp/err"
			else
				pass "$s: $1 -> ${want:-nothing}"
			fi
		else
			fail "$s: $1"
			printf '#   got:      %s\n#   expected: %s\n' "$got" "${want:-nothing}"
			sed 's/^/#   /' "$tmp/err"
		fi
	done
}

find "$D" -type f ! -name '*.txtar' | LC_ALL=C sort >"$tmp/files"
while read -r f; do
	key=${f#"$D"/}
	base=${f##*/}
	root=$tmp/root
	rm -rf "$root" && mkdir -p "$root/etc"
	case $base in
	*.os-release) dest=os-release ;;
	*lsb-release) dest=lsb-release ;;
	*.*) dest=${base#*.} ;;
	*) dest=os-release ;;
	esac
	cp "$f" "$root/etc/$dest"
	run_one "$key" "$root"
done <"$tmp/files"

for f in "$D"/claircore/txtar/*.txtar; do
	name=${f##*/}
	root=$tmp/root
	rm -rf "$root" && mkdir -p "$root/etc"
	awk '/^-- .* --$/ { s = $2; next } s == "os-release"' "$f" >"$root/etc/os-release"
	run_one "txtar/${name%.txtar}" "$root"
done

if [ -d "$F" ]; then
	for dir in "$F"/debian/*/* "$F"/ubuntu/*/*; do
		[ -d "$dir/etc" ] && run_one "fixture/${dir#"$F"/}" "$dir"
	done
fi

# Every table entry named a file that exists and was scanned.
[ -d "$F" ] || sed -i '/^fixture\//d' "$tmp/table"
unrun=$(cut -f1 "$tmp/table" | LC_ALL=C sort | LC_ALL=C comm -23 - "$(LC_ALL=C sort "$tmp/ran" >"$tmp/ran.s"; echo "$tmp/ran.s")")
if [ -z "$unrun" ]; then pass "all $(wc -l <"$tmp/table") table entries were scanned"
else fail "table entries never scanned:"; echo "$unrun" | sed 's/^/#   /'; fi

# Edge cases of the rules, built here.
edge() { # KEY FILE CONTENT EXPECTATION [OS-RELEASE CONTENT]
	root=$tmp/edge
	rm -rf "$root" && mkdir -p "$root/etc"
	printf "$3" >"$root/etc/$2"
	[ $# -ge 5 ] && printf "$5" >"$root/etc/os-release"
	printf '%s\t%s\n' "$1" "$4" >>"$tmp/table"
	run_one "$1" "$root"
}
edge "debian sid (no VERSION_ID)" os-release 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=trixie\nID=debian\n' ""
edge "debian with a non-numeric VERSION_ID" os-release 'ID=debian\nVERSION_ID="12.1"\nVERSION_CODENAME=bookworm\n' "debian-error"
edge "single-quoted values, CRLF, comments, blank lines" os-release "# comment\r\n\r\nID='debian'\r\nVERSION_ID='13'\r\nVERSION_CODENAME='trixie'\r\n" "debian 13 trixie"
edge "lsb-release wins over os-release" lsb-release 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=24.04\nDISTRIB_CODENAME=noble\n' "ubuntu 24.04 noble Noble" \
	'ID=ubuntu\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n'
edge "ubuntu id in another case" os-release 'ID=UBUNTU\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\n' "ubuntu 24.04 noble Noble"
edge "ubuntu release without code name" os-release 'ID=ubuntu\nVERSION_ID="24.04"\n' ""
edge "os-release with an empty key" os-release '=x\nID=debian\n' "error"

echo "1..$n"
[ $fails -eq 0 ]
