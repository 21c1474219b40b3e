#!/bin/sh
# The distribution scanners of the rpm distributions (plugins rhel: rhel,
# centos, rocky, almalinux, fedora; aws; oracle; suse; photon; mariner) over
# every release file in $CLARO_TESTDATA/pkgdb/osrelease (placed where it
# lives in an image, as plugins/debian/test-distro.sh does: *.os-release and
# extensionless files at etc/os-release, *lsb-release at etc/lsb-release, the
# rest at etc/<suffix>), the os-release sections of Clair's txtar cases,
# Clair's own fixture roots clair-fixtures/os-release/rhel/*/ scanned as they
# are, Clair's inline test inputs (aws, oracle, photon, suse: real files from
# images, quoted below) and edge cases built here.
#
# The expected records: for Clair's scanners the canonical records of
# claircore's releases.go files (rhel, aws, oracle, suse, photon; reference
# §2, §4.3); for the others the rules in plugins/rhel/dist_family.c and
# plugins/mariner/mariner.c applied to the file's contents. Every file gets
# its record from exactly one scanner, or nothing from all ("not
# recognised"); a file given to one of these scanners must get nothing from
# debian, ubuntu and alpine either (no two scanners claim a file). "error"
# means a three-part error from every scanner that parses KEY=value.
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
n=0
fails=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

# plugin:scanner of every scanner here; the parsing ones give the error.
mine="rhel:rhel rhel:centos rhel:rocky rhel:almalinux rhel:fedora aws:aws oracle:oracle suse:suse photon:photon mariner:mariner"
parsers=" centos rocky almalinux fedora suse mariner "
others="debian:debian ubuntu:ubuntu alpine:alpine"

# Expected records: KEY <TAB> SCANNER ARGS (see want_line), or "error".
cat >"$tmp/table" <<'EOT'
claircore/etc/atomichost-7.os-release	rhel 7
claircore/etc/rhel-7.os-release	rhel 7
claircore/etc/rhel-8.os-release	rhel 8
claircore/etc/rhel-9.os-release	rhel 9
claircore/etc/hummingbird.os-release	hummingbird
trivy/rhel.os-release	rhel 9
trivy/centos-stream.os-release	rhel 8
trivy/centos.os-release	centos CentOS_Linux 7
trivy/centos.centos-release	centos CentOS_Linux 7
trivy/rocky.os-release	rocky 9
trivy/rocky.rocky-release	rocky 8
trivy/alma.os-release	almalinux 9
trivy/alma.almalinux-release	almalinux 8
trivy/fedora.os-release	fedora 42
trivy/fedora_29.fedora-release	fedora 29
trivy/oracle.os-release	oracle 8
trivy/opensuseleap-15.2.1.os-release	leap 15.2
trivy/opensuseleap-42.3.os-release	leap 42.3
trivy/sles.os-release	sles 15
trivy/photon.os-release	photon 4.0
trivy/mariner-1.0.os-release	mariner 1.0
trivy/mariner-2.0.os-release	mariner 2.0
trivy/azurelinux-3.0.os-release	azurelinux 3.0
trivy/ubuntu-invalid	error
txtar/Ubi8	rhel 8
txtar/EmptyKey	fedora 30
txtar/Silverblue	fedora 30
txtar/Toolbox	fedora 30
txtar/OpenSUSe	leap 15.1
fixture/rhel/7	rhel 7
fixture/rhel/8	rhel 8
fixture/rhel/9	rhel 9
fixture/rhel/atomichost-7	rhel 7
fixture/rhel/hummingbird	hummingbird
EOT

tab=$(printf '\t')
dist() { printf 'distribution\t%s\t%s\t%s\t%s\t%s\t\t%s\t%s' "$@"; }
# want_line SCANNER ARGS: the scanner that must report and its record
want_line() {
	case $1 in
	rhel) echo rhel; dist rhel "Red Hat Enterprise Linux Server" "$2" "" "$2" \
		"cpe:2.3:o:redhat:enterprise_linux:$2:*:*:*:*:*:*:*" "Red Hat Enterprise Linux Server $2" ;;
	hummingbird) echo rhel; dist hummingbird "Hummingbird OS" 20251124 "" 20251124 \
		"cpe:2.3:a:redhat:hummingbird:1:*:*:*:*:*:*:*" "Hummingbird OS 20251124" ;;
	centos) nm=$(echo "$2" | tr _ ' '); echo centos; dist centos "$nm" "$3" "" "$3" \
		"cpe:2.3:o:centos:centos:$3:*:*:*:*:*:*:*" "$nm $3" ;;
	rocky) echo rocky; dist rocky "Rocky Linux" "$2" "" "$2" "cpe:2.3:o:rocky:rocky:$2:*:*:*:*:*:*:*" "Rocky Linux $2" ;;
	almalinux) echo almalinux; dist almalinux AlmaLinux "$2" "" "$2" \
		"cpe:2.3:o:almalinux:almalinux:$2:*:*:*:*:*:*:*" "AlmaLinux $2" ;;
	fedora) echo fedora; dist fedora "Fedora Linux" "$2" "" "$2" \
		"cpe:2.3:o:fedoraproject:fedora:$2:*:*:*:*:*:*:*" "Fedora Linux $2" ;;
	oracle) echo oracle; dist ol "Oracle Linux Server" "$2" "Oracle Linux $2" "$2" "" "Oracle Linux Server $2" ;;
	leap) echo suse; dist opensuse-leap "openSUSE Leap" "$2" "" "$2" "" "openSUSE Leap $2" ;;
	sles) echo suse; dist sles SLES "$2" "" "$2" "" "SUSE Linux Enterprise Server $2" ;;
	photon) echo photon; dist photon "VMware Photon OS" "$2" "" "$2" "" "VMware Photon OS/Linux" ;;
	mariner) echo mariner; dist mariner CBL-Mariner "$2" "" "$2" "" "CBL-Mariner $2" ;;
	azurelinux) echo mariner; dist azurelinux "Azure Linux" "$2" "" "$2" "" "Azure Linux $2" ;;
	al1) echo aws; dist amzn "Amazon Linux AMI" 2018.03 "" 2018.03 "cpe:2.3:o:amazon:linux:2018.03:ga:*:*:*:*:*:*" \
		"Amazon Linux AMI 2018.03" ;;
	al2) echo aws; dist amzn "Amazon Linux" 2 "" 2 "cpe:2.3:o:amazon:amazon_linux:2:*:*:*:*:*:*:*" "Amazon Linux 2" ;;
	al2023) echo aws; dist amzn "Amazon Linux" 2023 "" 2023 "cpe:2.3:o:amazon:amazon_linux:2023:*:*:*:*:*:*:*" \
		"Amazon Linux 2023" ;;
	esac
}

scan() { # PLUGIN SCANNER ROOT -> prints output, or ERROR (stderr in $tmp/err)
	if out=$("$b/tests/unit/scan-layer" "$b/plugins/$1/.libs" "$1" distribution "$2" "$3" 2>"$tmp/err"); then
		printf '%s' "$out"
	else
		printf 'ERROR'
	fi
}
three_parts() { grep -q '^  detail: ' "$tmp/err" && grep -q '^  hint: ' "$tmp/err"; }

# run_one KEY ROOT [EXPECTATION]: every scanner over ROOT.
run_one() {
	echo "$1" >>"$tmp/ran"
	exp=${3-$(awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$tmp/table")}
	who=
	want=
	# shellcheck disable=SC2086
	[ -n "$exp" ] && [ "$exp" != error ] && { who=$(want_line $exp | head -n1); want=$(want_line $exp | tail -n +2); }
	bad=
	for p in $mine; do
		s=${p#*:}
		got=$(scan "${p%%:*}" "$s" "$2")
		if [ "$s" = "$who" ]; then w=$want
		elif [ "$exp" = error ] && case $parsers in *" $s "*) true ;; *) false ;; esac; then w=ERROR
		else w=; fi
		if [ "$got" != "$w" ]; then
			bad="$bad
#   $s: got:      $got
#   $s: expected: ${w:-nothing}"
			sed 's/^/#     /' "$tmp/err" >>"$tmp/diag"
		elif [ "$got" = ERROR ] && ! three_parts; then
			bad="$bad
#   $s: the error has not all three parts"
		fi
	done
	if [ -n "$who" ]; then
		for p in $others; do
			got=$(scan "${p%%:*}" "${p#*:}" "$2")
			[ -z "$got" ] || bad="$bad
#   ${p#*:} claims it too: $got"
		done
	fi
	if [ -z "$bad" ]; then
		pass "$1 -> ${who:-${exp:-nothing}}"
	else
		fail "$1"
		echo "$bad" | sed '/^$/d'
		[ -f "$tmp/diag" ] && cat "$tmp/diag" && rm -f "$tmp/diag"
	fi
	rm -f "$tmp/diag"
}

place() { # FILE -> root with FILE where it lives
	base=${1##*/}
	rm -rf "$tmp/root" && mkdir -p "$tmp/root/etc"
	case $base in
	*.os-release) dest=os-release ;;
	*lsb-release) dest=lsb-release ;;
	*.*) dest=${base#*.} ;;
	*) dest=os-release ;;
	esac
	cp "$1" "$tmp/root/etc/$dest"
}

find "$D" -type f ! -name '*.txtar' | LC_ALL=C sort >"$tmp/files"
while read -r f; do
	place "$f"
	run_one "${f#"$D"/}" "$tmp/root"
done <"$tmp/files"

for f in "$D"/claircore/txtar/*.txtar; do
	name=${f##*/}
	rm -rf "$tmp/root" && mkdir -p "$tmp/root/etc"
	awk '/^-- .* --$/ { s = $2; next } s == "os-release"' "$f" >"$tmp/root/etc/os-release"
	run_one "txtar/${name%.txtar}" "$tmp/root"
done

if [ -d "$F/rhel" ]; then
	for dir in "$F"/rhel/*; do
		run_one "fixture/rhel/${dir##*/}" "$dir"
	done
else
	sed -i '/^fixture\//d' "$tmp/table"
fi

unrun=$(cut -f1 "$tmp/table" | LC_ALL=C sort | LC_ALL=C comm -23 - "$(LC_ALL=C sort "$tmp/ran" >"$tmp/ran.s"; echo "$tmp/ran.s")")
if [ -z "$unrun" ]; then pass "all $(wc -l <"$tmp/table") table entries were scanned"
else fail "table entries never scanned:"; echo "$unrun" | sed 's/^/#   /'; fi

# Clair's own test inputs (claircore aws, oracle, photon and suse
# distributionscanner_test.go; the AL2023 file is amazonlinux:2023's) and
# edge cases of the rules. edge KEY EXPECTATION FILE CONTENT [FILE CONTENT...]
edge() {
	key=$1 exp=$2
	shift 2
	rm -rf "$tmp/root" && mkdir -p "$tmp/root/etc" "$tmp/root/usr/lib"
	while [ $# -ge 2 ]; do
		printf '%s' "$2" >"$tmp/root/$1"
		shift 2
	done
	run_one "$key" "$tmp/root" "$exp"
}
edge "claircore aws: Amazon Linux AMI 2018.03" al1 etc/os-release 'NAME="Amazon Linux AMI"
VERSION="2018.03"
ID="amzn"
ID_LIKE="rhel fedora"
VERSION_ID="2018.03"
PRETTY_NAME="Amazon Linux AMI 2018.03"
ANSI_COLOR="0;33"
CPE_NAME="cpe:/o:amazon:linux:2018.03:ga"
HOME_URL="http://aws.amazon.com/amazon-linux-ami/"'
edge "claircore aws: Amazon Linux 2" al2 etc/os-release 'NAME="Amazon Linux"
VERSION="2"
ID="amzn"
ID_LIKE="centos rhel fedora"
VERSION_ID="2"
PRETTY_NAME="Amazon Linux 2"
ANSI_COLOR="0;33"
CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2"
HOME_URL="https://amazonlinux.com/"'
edge "amazonlinux:2023 os-release" al2023 etc/os-release 'NAME="Amazon Linux"
VERSION="2023"
ID="amzn"
ID_LIKE="fedora"
VERSION_ID="2023"
PLATFORM_ID="platform:al2023"
PRETTY_NAME="Amazon Linux 2023"
ANSI_COLOR="0;33"
CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2023"
HOME_URL="https://aws.amazon.com/linux/"
BUG_REPORT_URL="https://github.com/amazonlinux/amazon-linux-2023"
SUPPORT_END="2028-03-15"
'
edge "Amazon Linux AMI 2017.09 maps to 2018.03 (Clair's regexp)" al1 etc/os-release \
	'ID="amzn"
CPE_NAME="cpe:/o:amazon:linux:2017.09:ga"
'
edge "AL2 CPE_NAME without quotes: not Clair's regexp" "" etc/os-release \
	'ID=amzn
CPE_NAME=cpe:2.3:o:amazon:amazon_linux:2
'
edge "claircore oracle: 9.2" "oracle 9" etc/os-release 'NAME="Oracle Linux Server"
VERSION="9.2"
ID="ol"
ID_LIKE="fedora"
VARIANT="Server"
VARIANT_ID="server"
VERSION_ID="9.2"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Oracle Linux Server 9.2"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:oracle:linux:9:2:server"'
edge "claircore oracle: 6.10" "oracle 6" etc/os-release 'NAME="Oracle Linux Server"
VERSION="6.10"
ID="ol"
VERSION_ID="6.10"
PRETTY_NAME="Oracle Linux Server 6.10"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:oracle:linux:6:10:server"'
edge "claircore oracle: 5.11 from etc/issue" "oracle 5" etc/issue '
Oracle Linux Server release 5.11
Kernel \r on an \m
'
edge "Oracle Linux 10 is not among Clair's releases" "" etc/os-release 'NAME="Oracle Linux Server"
ID="ol"
VERSION_ID="10.0"
PRETTY_NAME="Oracle Linux Server 10.0"
'
edge "claircore photon 1.0" "photon 1.0" etc/os-release 'NAME="VMware Photon"
VERSION="1.0"
ID=photon
VERSION_ID="1.0"
PRETTY_NAME="VMware Photon/Linux"'
for v in 2 3 5; do
	edge "claircore photon $v.0" "photon $v.0" etc/os-release "NAME=\"VMware Photon OS\"
VERSION=\"$v.0\"
ID=photon
VERSION_ID=\"$v.0\"
PRETTY_NAME=\"VMware Photon OS/Linux\""
done
edge "photon: NAME not on the first line (Clair's ^.*)" "" etc/os-release 'ID=photon
NAME="VMware Photon OS"
VERSION="4.0"
'
edge "claircore suse: SLES 15 SP4" "sles 15" etc/os-release 'NAME="SLES"
VERSION="15-SP4"
VERSION_ID="15.1"
PRETTY_NAME="SUSE Linux Enterprise Server 15 SP4"
ID="sles"
ID_LIKE="suse"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:suse:sles:15:sp4"'
edge "claircore suse: SLES 12 SP5" "sles 12" etc/os-release 'NAME="SLES"
VERSION="12-SP5"
VERSION_ID="12.5"
PRETTY_NAME="SUSE Linux Enterprise Server 12 SP5"
ID="sles"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:suse:sles:12:sp5"'
for v in 15.0 15.3 15.4; do
	edge "claircore suse: Leap $v" "leap $v" etc/os-release "NAME=\"openSUSE Leap\"
VERSION=\"$v\"
ID=\"opensuse-leap\"
ID_LIKE=\"suse opensuse\"
VERSION_ID=\"$v\"
PRETTY_NAME=\"openSUSE Leap $v\"
ANSI_COLOR=\"0;32\"
CPE_NAME=\"cpe:/o:opensuse:leap:$v\"
BUG_REPORT_URL=\"https://bugzilla.opensuse.org\"
HOME_URL=\"https://www.opensuse.org/\""
done
edge "suse: SuSE-release of SLES 11 has no CPE_NAME" "" etc/SuSE-release 'SUSE Linux Enterprise Server 11 (x86_64)
VERSION = 11
PATCHLEVEL = 4
'
edge "suse: an invalid CPE_NAME is not recognised" "" etc/os-release 'ID="sles"
CPE_NAME="cpe:/o:suse:sles 15"
'
edge "rhel: only usr/lib/os-release" "rhel 9" usr/lib/os-release 'NAME="Red Hat Enterprise Linux"
VERSION_ID="9.4"
PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"
'
edge "rhel: redhat-release alone is not read (Clair v3)" "" etc/redhat-release \
	'Red Hat Enterprise Linux Server release 6.10 (Santiago)
'
edge "rhel: a release number of 19 digits" "" etc/os-release \
	'PRETTY_NAME="Red Hat Enterprise Linux 1234567890123456789"
'
edge "malformed: the parsing scanners fail, rhel skips it as Clair" error etc/os-release 'this line has no equals sign
'
edge "centos: CentOS 6 centos-release" "centos CentOS_Linux 6" etc/centos-release 'CentOS release 6.10 (Final)
'
edge "centos: Stream 8 centos-release without os-release" "centos CentOS_Stream 8" etc/centos-release \
	'CentOS Stream release 8
'
edge "centos: os-release decides over centos-release" "" etc/os-release 'ID=debian
VERSION_ID="12"
' etc/centos-release 'CentOS Linux release 7.9.2009 (Core)
'
edge "centos: CentOS Stream 10 (not claimed by rhel)" "centos CentOS_Stream 10" etc/os-release \
	'NAME="CentOS Stream"
VERSION="10 (Coughlan)"
ID="centos"
VERSION_ID="10"
REDHAT_SUPPORT_PRODUCT="CentOS Stream"
'
edge "fedora: from usr/lib/os-release" "fedora 40" usr/lib/os-release 'NAME="Fedora Linux"
ID=fedora
VERSION_ID=40
'
edge "rocky: ID in capitals" "rocky 8" etc/os-release 'ID="ROCKY"
VERSION_ID="8.10"
'
edge "almalinux: no VERSION_ID" "" etc/os-release 'ID="almalinux"
'
edge "mariner: VERSION_ID 2 is not a release" "" etc/os-release 'ID=mariner
VERSION_ID="2"
'
edge "a malformed os-release (line 2)" error etc/os-release 'ID=fedora
VERSION_ID
'

echo "1..$n"
[ $fails -eq 0 ]
