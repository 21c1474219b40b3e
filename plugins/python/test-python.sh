#!/bin/sh
# The python package scanner against the Python interpreter itself.
#
# The oracle (oracle.py) is importlib.metadata, the standard library's view
# of what is installed, with names PEP 503-normalised and versions spelled
# by packaging (PyPA's PEP 440 implementation); it is computed here from the
# real files every time. The scanner's (name, version, package_db) multiset
# must equal the oracle's for:
#   1. every sample folder of $CLARO_TESTDATA/pkgdb/python (SOURCES.md: the
#      syft, trivy and osv-scalibr fixtures), every directory a sys.path entry;
#   2. every other real metadata file there (loose METADATA / PKG-INFO
#      fixtures), installed as <x>.dist-info/METADATA and as an <x>.egg-info
#      file;
#   3. the real wheel and eggs there, unpacked the way they are installed;
#   4. a Debian-like layer with a virtualenv built offline here
#      (python3 -m venv with the bundled pip and setuptools, a wheel installed
#      by pip, an egg and an egg-info installed by setuptools), against
#      importlib.metadata run by the venv's own python on its own sys.path;
#      the layer's dpkg status and distro-owned usr/lib/python3 tree must be
#      skipped.
# Where Python reads no Name, no Version or no PEP 440 version, or cannot
# read the metadata at all, the scanner must say so in a warning (never
# silently) and report the package whenever it has a name. Then: the
# claircore layer with the bad version, the PEP 440 spelling against
# packaging over the version vectors of the test data, the record fields,
# the pep440 scheme (normalized versions; a warning without it), claircore's
# skip rules (distro-owned trees, INSTALLER, files an RPM package owns, with
# an rpmdb written by rpm itself and rpm -qf as the oracle), and malformed
# metadata (warnings, no crash).
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
s=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
td=${CLARO_TESTDATA:-/work/shared/testdata}
D=$td/pkgdb/python
PY=${PYTHON:-python3}
oracle="$s/plugins/python/oracle.py"
tool="$b/plugins/python/test_pkginfo"
tmp=$(mktemp -d) || exit 1
trap 'chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
if [ ! -d "$D" ]; then
	echo "1..0 # SKIP no test data at $D"
	exit 0
fi
if ! "$PY" -I "$oracle" "$D/trivy-parser" >/dev/null 2>"$tmp/py.err"; then
	echo "1..0 # SKIP no oracle: $PY with importlib.metadata and packaging ($(head -1 "$tmp/py.err"))"
	exit 0
fi

n=0
fails=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
same() { # same GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then pass "$3"; else
		fail "$3"
		printf '%s\n' "$1" >"$tmp/.got"
		printf '%s\n' "$2" >"$tmp/.want"
		diff -u "$tmp/.want" "$tmp/.got" | sed 's/^/#   /' | head -40
	fi
}

# The plugins: python, plus the pep440 version scheme when it is built.
plugdir=$tmp/plugins
mkdir -p "$plugdir" && cp "$b/plugins/python/.libs/python.so" "$plugdir/" || exit 1
scheme=
for so in "$b"/plugins/versions/.libs/*.so; do
	[ -f "$so" ] || continue
	cp "$so" "$plugdir/" && scheme="$scheme,$(basename "$so" .so)"
done
plugins=python$scheme

# scan ROOT [PLUGINS] -> $tmp/out (scan-layer TSV), $tmp/err; scan-layer's status
scan() { "$b/tests/unit/scan-layer" "$plugdir" "${2:-$plugins}" package python "$1" >"$tmp/out" 2>"$tmp/err"; }
got_set() { awk -F'\t' '$1 == "package" { print $2 "\t" $3 "\t" $9 }' "$tmp/out" | LC_ALL=C sort; }
want_set() { awk -F'\t' '$1 == "pkg" { print $2 "\t" $3 "\t" $4 }' "$1" | LC_ALL=C sort; }
count() { grep -c "$1" "$2"; }
warned() { grep -c "WARNING: python/python: .*$1" "$tmp/err"; }

# compare ROOT ORACLE_FILE LABEL: the package multiset and the warnings owed
compare() {
	root=$1 want=$2 label=$3
	if ! scan "$root"; then
		fail "$label: scan failed"
		sed 's/^/#   /' "$tmp/err"
		return
	fi
	same "$(got_set)" "$(want_set "$want")" \
		"$label: equals importlib.metadata ($(count '^pkg' "$want") distributions)"
	w_ver=$(count '^noversion' "$want") w_bad=$(count '^invalid' "$want")
	g_ver=$(warned 'has no Version field') g_bad=$(warned 'is not a PEP 440 version')
	# every entry Python reads no Name from, or cannot read, is named in a warning
	unnamed=$(awk -F'\t' '$1 == "nameless" { print $3 } $1 == "unreadable" { print $2 }' "$want" |
		while read -r e; do grep -qF "WARNING: python/python: $e" "$tmp/err" || echo "$e"; done)
	same "no version $g_ver, not pep440 $g_bad, entries without a warning: $unnamed" \
		"no version $w_ver, not pep440 $w_bad, entries without a warning: " \
		"$label: warnings for what Python finds without a Name, Version or PEP 440 version, or cannot read ($(grep -c '^nameless\|^unreadable\|^noversion\|^invalid' "$want"))"
}

# 1. The sample folders as they are.
for dir in "$D"/*/; do
	dir=${dir%/}
	"$PY" -I "$oracle" "$dir" >"$tmp/want" 2>"$tmp/py.err" || { fail "oracle on $dir"; continue; }
	compare "$dir" "$tmp/want" "sample ${dir#"$td"/}"
done

# 2. Loose metadata files (not zips, not JSON, not already inside a metadata
#    entry) as a wheel's METADATA and as an .egg-info file.
root=$tmp/loose
mkdir -p "$root/site"
i=0
find "$D" -type f | LC_ALL=C sort | while read -r f; do
	case $f in *.dist-info/* | *.egg-info/* | */EGG-INFO/* | *.json) continue ;; esac
	[ "$(head -c 2 "$f")" = "PK" ] && continue
	i=$((i + 1))
	mkdir -p "$root/site/f$i.dist-info" && cp "$f" "$root/site/f$i.dist-info/METADATA"
	cp "$f" "$root/site/g$i.egg-info"
	echo "${f#"$D"/}" >>"$tmp/loose.list"
done
chmod -R u+w "$root"
"$PY" -I "$oracle" "$root" >"$tmp/want"
compare "$root" "$tmp/want" "$(grep -c . "$tmp/loose.list") loose metadata files, as dist-info and egg-info"

# 3. The real wheel and eggs, unpacked where an installer puts them.
root=$tmp/zips
mkdir -p "$root/site"
find "$D" -type f \( -name '*.whl' -o -name '*.egg' \) | LC_ALL=C sort >"$tmp/zips.list"
"$PY" -I - "$root/site" "$tmp/zips.list" <<'EOF' 2>"$tmp/py.err" || fail "unpacking the wheels and eggs"
import os, sys, zipfile
site = sys.argv[1]
for path in open(sys.argv[2]).read().split("\n"):
    if not path:
        continue
    # a wheel is unpacked into site-packages; an egg becomes a directory <name>.egg
    dest = site if path.endswith(".whl") else os.path.join(site, os.path.basename(path))
    zipfile.ZipFile(path).extractall(dest)
EOF
chmod -R u+w "$root"
"$PY" -I "$oracle" "$root" >"$tmp/want"
compare "$root" "$tmp/want" "$(grep -c . "$tmp/zips.list") wheels and eggs, unpacked"
eggs=$(awk -F'\t' '$1 == "pkg" && $4 ~ /\.egg$/ { print $2 }' "$tmp/want" | LC_ALL=C sort | tr '\n' ' ')
same "$(awk -F'\t' '$1 == "package" && $9 ~ /\.egg$/ { print $2 }' "$tmp/out" | LC_ALL=C sort | tr '\n' ' ')" \
	"${eggs:-(the oracle found no egg)}" "unpacked eggs ($eggs): found through .egg/EGG-INFO, package_db the .egg directory"

# 4. The claircore layer whose egg-info has Version "xxx".
root=$tmp/bad
mkdir -p "$root" && tar -xf "$td/images/edge/claircore/python/layer-with-bad-version.tar" -C "$root" 2>"$tmp/tar.err"
chmod -R u+rwX "$root"
"$PY" -I "$oracle" "$root" >"$tmp/want"
compare "$root" "$tmp/want" "claircore layer-with-bad-version.tar"
same "$(awk -F'\t' '$1 == "package" { print $2 "|" $3 "|" $12 }' "$tmp/out")" "mypackage|xxx|" \
	"claircore bad version: reported as written, without a normalized version"
if grep -q 'WARNING: python/python: .*mypackage.egg-info/PKG-INFO: version "xxx" of mypackage is not a PEP 440 version' "$tmp/err"; then
	pass "claircore bad version: the warning names the file, the version and the package"
else
	fail "claircore bad version: the warning names the file, the version and the package"
	sed 's/^/#   /' "$tmp/err"
fi

# 5. PEP 440 spelling against packaging, over every version of the test
#    data's PEP 440 vectors (packaging's own list, osv-scalibr's PyPI lists).
{
	cat "$td/vercmp/pep440/pep440-ordered.txt"
	grep -hv '^//' "$td"/vercmp/osv-scalibr/pypi-versions*.txt | awk 'NF == 3 { print $1; print $3 }'
} | LC_ALL=C sort -u >"$tmp/versions"
"$tool" canonical <"$tmp/versions" >"$tmp/canon.got"
"$PY" -I -c '
import sys
try:
    from packaging.version import Version, InvalidVersion
except ImportError:
    from pip._vendor.packaging.version import Version, InvalidVersion
for line in open(sys.argv[1]).read().split("\n")[:-1]:
    try:
        print(Version(line))
    except InvalidVersion:
        print("!invalid")' "$tmp/versions" >"$tmp/canon.want"
same "$(paste "$tmp/versions" "$tmp/canon.got")" "$(paste "$tmp/versions" "$tmp/canon.want")" \
	"PEP 440 spelling equals packaging's for $(grep -c . "$tmp/versions") versions ($(grep -c '!invalid' "$tmp/canon.want") invalid)"
find "$D" -type f -exec grep -hI '^Name:' {} + 2>/dev/null | sed 's/^Name:[ \t]*//; s/[ \t\r]*$//' | LC_ALL=C sort -u >"$tmp/names"
same "$("$tool" name <"$tmp/names")" "$("$PY" -I -c '
import re, sys
for n in open(sys.argv[1]).read().split("\n")[:-1]:
    print(re.sub(r"[-_.]+", "-", n).lower())' "$tmp/names")" \
	"PEP 503 names equal PEP 503's reference code for the $(grep -c . "$tmp/names") Name fields of the test data"

# 6. Record fields, on the trivy sample: binary, hint, filepath, no source,
#    normalized version from the pep440 scheme (when it is loaded).
scan "$D/trivy-analyzer"
same "$(awk -F'\t' '$1 == "package" && ($4 != "binary" || $5 != "" || $6 != "" || $8 != "" ||
	$10 != "https://pypi.org/simple" || substr($11, 1, length($9) - 7) != substr($9, 8)) { print }' "$tmp/out")" "" \
	"records: binary, no arch/source/module, hint https://pypi.org/simple, filepath inside package_db"
same "$(awk -F'\t' '$1 == "package" { print $11 }' "$tmp/out" | LC_ALL=C sort)" \
	"$(cd "$D/trivy-analyzer" && find . \( -path '*.dist-info/METADATA' -o -path '*.egg-info/PKG-INFO' \) | sed 's#^\./##' | LC_ALL=C sort)" \
	"records: filepath is the METADATA / PKG-INFO file read"
if [ -n "$scheme" ]; then
	same "$(awk -F'\t' '$1 == "package" && $12 !~ /^pep440:/ { print }' "$tmp/out")" "" \
		"pep440 scheme (${scheme#,}): every valid version has a pep440 normalized version"
	same "$(warned 'version scheme')" "0" "pep440 scheme loaded: no warning about it"
else
	skip "no pep440 version scheme plugin built in plugins/versions"
	skip "no pep440 version scheme plugin built in plugins/versions"
fi
scan "$D/trivy-analyzer" python
same "$(awk -F'\t' '$1 == "package" && $12 != "" { print }' "$tmp/out")|$(warned 'no "pep440" version scheme is loaded: 5 Python packages are reported')" \
	"|1" "without the pep440 scheme: packages still reported, no normalized version, one warning"

# 7. A Debian-like layer with a virtualenv installed offline. The venv gets
#    pip and setuptools from ensurepip's bundled wheels, a wheel made here and
#    installed by pip, and two setuptools installs (an .egg directory and an
#    .egg-info directory).
root=$tmp/debian
venv=$root/opt/venv
if ! "$PY" -m venv "$venv" >"$tmp/venv.log" 2>&1; then
	for i in 1 2 3 4; do skip "no virtualenv: $PY -m venv failed ($(tail -1 "$tmp/venv.log"))"; done
else
	mkdir -p "$root/var/lib/dpkg" "$root/usr/lib/python3/dist-packages" "$tmp/whl" "$tmp/proj1" "$tmp/proj2"
	if [ -f /var/lib/dpkg/status ]; then cp /var/lib/dpkg/status "$root/var/lib/dpkg/status"; else : >"$root/var/lib/dpkg/status"; fi
	# Debian's own python3-* metadata (distro-owned), or the venv's pip as a stand-in
	for e in /usr/lib/python3/dist-packages/*.dist-info /usr/lib/python3/dist-packages/*.egg-info; do
		[ -e "$e" ] && cp -R "$e" "$root/usr/lib/python3/dist-packages/"
	done
	cp -R "$venv"/lib/python3*/site-packages/pip-*.dist-info "$root/usr/lib/python3/dist-packages/"
	"$venv/bin/python" -I - "$tmp/whl" <<'EOF' >>"$tmp/venv.log" 2>&1
import base64, hashlib, os, sys, zipfile
name, version = "Zope.Interface_Demo", "2!01.02RC3.post4.dev5"
stem = "zope_interface_demo-" + version
files = {
    "zope_interface_demo/__init__.py": "VALUE = 1\n",
    stem + ".dist-info/METADATA": "Metadata-Version: 2.1\nName: %s\nVersion: %s\n\nA wheel made by claro's tests.\n" % (name, version),
    stem + ".dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: claro-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = ""
for path, text in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    record += "%s,sha256=%s,%d\n" % (path, digest, len(text.encode()))
files[stem + ".dist-info/RECORD"] = record + stem + ".dist-info/RECORD,,\n"
with zipfile.ZipFile(os.path.join(sys.argv[1], stem + "-py3-none-any.whl"), "w") as z:
    for path, text in files.items():
        z.writestr(path, text)
EOF
	printf 'from setuptools import setup\nsetup(name="Claro_Egg.Demo", version="1.0-ALPHA", py_modules=["claro_egg_demo"], zip_safe=False)\n' \
		>"$tmp/proj1/setup.py"
	printf 'from setuptools import setup\nsetup(name="claro-sve-demo", version="v3.0.0-1", py_modules=["claro_sve_demo"])\n' \
		>"$tmp/proj2/setup.py"
	: >"$tmp/proj1/claro_egg_demo.py"
	: >"$tmp/proj2/claro_sve_demo.py"
	if "$venv/bin/python" -I -m pip install --no-index --no-deps --disable-pip-version-check "$tmp"/whl/*.whl \
		>>"$tmp/venv.log" 2>&1 &&
		(cd "$tmp/proj1" && "$venv/bin/python" setup.py -q install) >>"$tmp/venv.log" 2>&1 &&
		(cd "$tmp/proj2" && "$venv/bin/python" setup.py -q install --single-version-externally-managed \
			--record "$tmp/proj2/record.txt") >>"$tmp/venv.log" 2>&1; then
		pass "virtualenv built offline: pip + setuptools (ensurepip), a wheel by pip, an egg and an egg-info by setuptools"
	else
		fail "virtualenv built offline"
		tail -20 "$tmp/venv.log" | sed 's/^/#   /'
	fi
	"$venv/bin/python" -I "$oracle" --sys-path "$root" >"$tmp/want" 2>"$tmp/py.err" ||
		{ fail "oracle in the venv"; sed 's/^/#   /' "$tmp/py.err"; }
	compare "$root" "$tmp/want" "Debian layer with a virtualenv: the venv's own importlib.metadata"
	same "$(awk -F'\t' '$1 == "package" && $9 !~ /^python:opt\/venv\/lib\/python3[.0-9]*\/site-packages/ { print $2 }' "$tmp/out")" "" \
		"Debian layer: nothing from the distro-owned usr/lib/python3 tree (dpkg status present)"
	same "$(awk -F'\t' '$1 == "package" { print $2 " " $3 }' "$tmp/out" | grep -E '^(zope|claro)' | LC_ALL=C sort)" \
		"$(awk -F'\t' '$1 == "pkg" { print $2 " " $3 }' "$tmp/want" | grep -E '^(zope|claro)' | LC_ALL=C sort)" \
		"Debian layer: the three test distributions, names PEP 503, versions PEP 440 ($(awk -F'\t' '$1 == "package" { print $2 "=" $3 }' "$tmp/out" | grep -E '^(zope|claro)' | tr '\n' ' '))"
fi

# 8. claircore's skip rules.
root=$tmp/skip
meta='Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n'
mk() { mkdir -p "$root/$1" && printf "$meta" "$2" >"$root/$1/METADATA"; }
mk usr/lib/python3/dist-packages/deb_owned-1.0.dist-info deb-owned
mk usr/lib64/python3.9/site-packages/rpm_owned-1.0.dist-info rpm-owned
mk usr/local/lib/python3.11/dist-packages/local-1.0.dist-info local
mk opt/app/installed_by_rpm-1.0.dist-info installed-by-rpm
echo rpm >"$root/opt/app/installed_by_rpm-1.0.dist-info/INSTALLER"
mk opt/app/installed_by_pip-1.0.dist-info installed-by-pip
echo pip >"$root/opt/app/installed_by_pip-1.0.dist-info/INSTALLER"
printf "$meta" whiteout >"$root/opt/app/.wh.gone-1.0.dist-info"
ln -s ../app/installed_by_pip-1.0.dist-info "$root/opt/app/linked-1.0.dist-info"
names() { awk -F'\t' '$1 == "package" { print $2 }' "$tmp/out" | LC_ALL=C sort | tr '\n' ' '; }
scan "$root"
same "$(names)" "deb-owned installed-by-pip local rpm-owned " \
	"no distro database: every tree is scanned; INSTALLER rpm skipped, whiteouts and symlinked entries ignored"
mkdir -p "$root/var/lib/dpkg" && : >"$root/var/lib/dpkg/status"
scan "$root"
same "$(names)" "installed-by-pip local rpm-owned " "dpkg layer: usr/lib*/python[23] skipped"
# an rpm database as rpm itself creates it (empty), then a damaged one
if command -v rpm >/dev/null 2>&1 && rpm --root "$root" --dbpath /var/lib/rpm --initdb >"$tmp/rpm.log" 2>&1; then
	scan "$root"
	same "$(names)" "deb-owned installed-by-pip local " "rpm layer: usr/lib*/python[23].* skipped (the rpm rule wins)"
else
	skip "rpm is not installed (contrib/install-deps.sh installs it)"
fi
rm -rf "$root/var/lib/rpm" && mkdir -p "$root/var/lib/rpm" && : >"$root/var/lib/rpm/rpmdb.sqlite"
if scan "$root"; then fail "a damaged rpm database: the scan fails (claircore's rule)"; else
	if grep -q '^scan-layer: could not read rpm database "var/lib/rpm/rpmdb.sqlite"' "$tmp/err" &&
		grep -q '^  detail: ' "$tmp/err" && grep -q '^  hint: ' "$tmp/err"; then
		pass "a damaged rpm database: the scan fails with a three-part error (claircore's rule)"
	else
		fail "a damaged rpm database: the scan fails with a three-part error"
		sed 's/^/#   /' "$tmp/err"
	fi
fi

# 9. RPM-owned metadata (claircore's rpm path set): an RPM package built
#    here owns one dist-info, recorded in the layer's rpmdb.sqlite by rpm
#    itself (--justdb); rpm -qf is the oracle of who owns what.
root=$tmp/rpmlayer
site=opt/app/site-packages
if command -v rpmbuild >/dev/null 2>&1 && command -v rpm >/dev/null 2>&1; then
	mkdir -p "$tmp/rpmbuild" "$root/$site/owned-1.0.dist-info" "$root/$site/free-1.0.dist-info"
	printf "$meta" owned >"$root/$site/owned-1.0.dist-info/METADATA"
	printf "$meta" free >"$root/$site/free-1.0.dist-info/METADATA"
	cat >"$tmp/rpmbuild/owned.spec" <<EOF
Name: python3-owned
Version: 1.0
Release: 1
Summary: A Python distribution installed by RPM (claro test)
License: Apache-2.0
BuildArch: noarch
%description
Owns one dist-info directory.
%install
mkdir -p %{buildroot}/$site/owned-1.0.dist-info
cp $root/$site/owned-1.0.dist-info/METADATA %{buildroot}/$site/owned-1.0.dist-info/
%files
/$site/owned-1.0.dist-info/METADATA
EOF
	if rpmbuild -bb --quiet --define "_topdir $tmp/rpmbuild/top" "$tmp/rpmbuild/owned.spec" >"$tmp/rpm.log" 2>&1 &&
		rpm --root "$root" --dbpath /var/lib/rpm --initdb >>"$tmp/rpm.log" 2>&1 &&
		rpm --root "$root" --dbpath /var/lib/rpm -i --justdb --nodeps --noscripts \
			"$tmp"/rpmbuild/top/RPMS/noarch/python3-owned-1.0-1.noarch.rpm >>"$tmp/rpm.log" 2>&1; then
		rpmq() { rpm --root "$root" --dbpath /var/lib/rpm -qf --qf '%{NAME}' "/$site/$1/METADATA" 2>/dev/null; }
		same "$(rpmq owned-1.0.dist-info)|$(rpmq free-1.0.dist-info || echo unowned)" "python3-owned|unowned" \
			"rpm -qf: owned-1.0.dist-info/METADATA belongs to python3-owned, free-1.0.dist-info to no package"
		"$PY" -I "$oracle" "$root" >"$tmp/want"
		scan "$root"
		same "$(names)|$(awk -F'\t' '$1 == "pkg" { print $2 }' "$tmp/want" | LC_ALL=C sort | tr '\n' ' ')" \
			"free |free owned " "rpm layer: the RPM-owned distribution is skipped, the other reported (importlib finds both)"
	else
		fail "building and recording an RPM package with rpmbuild and rpm --justdb"
		sed 's/^/#   /' "$tmp/rpm.log"
		skip "no rpm layer"
	fi
else
	skip "rpmbuild is not installed (contrib/install-deps.sh installs rpm)"
	skip "rpmbuild is not installed"
fi

# 10. Malformed metadata: warnings naming the file, never a crash or an error.
#     (printf escapes are octal: sh's printf has no \x.)
root=$tmp/malformed
mkdir -p "$root/site/nometa.dist-info"
put() { mkdir -p "$root/site/$1.dist-info" && printf "$2" >"$root/site/$1.dist-info/METADATA"; }
put junk '\000\001\002\377\376 binary junk\n\000'
put noname 'Metadata-Version: 2.1\nVersion: 1.0\n'
put latin1 'Name: caf\351\nVersion: 1.0\n'
put cut 'Metadata-Version: 2.1\nthis line is not a header\nName: late\nVersion: 1\n'
put blank 'Name : spaced-key\nVersion: 1\n'
put nul 'Name: nul\nVersion: 1.0\000rc1\n'
put badver 'Name: Bad_Ver\nVersion: 1.0-final-final\n'
put folded 'Name: folded\nVersion: 1.0\n .1\n'
put crlf 'Name: CRLF.Pkg\r\nVersion: 01.02\r\n\r\n'
put empty ''
put long 'Name: long\nVersion: 2\nDescription: '
head -c 1000000 /dev/zero | tr '\0' 'x' >>"$root/site/long.dist-info/METADATA"
if scan "$root"; then pass "malformed metadata: the scan succeeds"; else fail "malformed metadata: the scan succeeds"; sed 's/^/#   /' "$tmp/err"; fi
same "$(awk -F'\t' '$1 == "package" { print $2 "|" $3 }' "$tmp/out" | LC_ALL=C sort | tr '\n' ' ')" \
	"bad-ver|1.0-final-final crlf-pkg|1.2 long|2 " \
	"malformed metadata: the packages with a usable name and version text are reported"
for what in "junk.dist-info/METADATA has no Name field" "noname.dist-info/METADATA has no Name field" \
	"latin1.dist-info/METADATA: the Name field is not UTF-8" \
	"cut.dist-info/METADATA has no Name field before line 2, where the header section ends early" \
	"blank.dist-info/METADATA has no Name field before line 1" "nul.dist-info/METADATA: the Version field is not UTF-8" \
	'badver.dist-info/METADATA: version "1.0-final-final" of bad-ver is not a PEP 440 version' \
	"folded.dist-info/METADATA: the Version field is not UTF-8" \
	"empty.dist-info/METADATA has no Name field" "nometa.dist-info has neither a METADATA nor a PKG-INFO file"; do
	if grep -qF "WARNING: python/python: site/$what" "$tmp/err"; then pass "malformed: warns \"$what\""; else
		fail "malformed: warns \"$what\""
		sed 's/^/#   /' "$tmp/err"
	fi
done

echo "1..$n"
[ $fails -eq 0 ]
