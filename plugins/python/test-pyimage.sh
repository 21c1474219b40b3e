#!/bin/sh
# The python ecosystem on a real Debian image with a pip-installed
# virtualenv layer, against the interpreter in that image and against a
# packaging evaluation of the real OSV PyPI advisories.
#
# tests/integ/debian-image-build.sh python-venv builds (once, cached in
# $TMPDIR) a two-layer Debian bookworm image: minbase + python3-pip +
# python3-venv, then /opt/venv made in the root by `python3 -m venv` with
# real releases pip-installed offline (see that script). `claroctl --local`
# indexes and reports it as an OCI layout, as a docker-archive and as the
# unpacked root (dir:), with the dpkg, debian, linux, whiteout, python,
# versions and osv plugins. Oracles:
#   - the Python packages (name, version, package_db, introduced_in) equal
#     what the venv's own python sees installed, run inside the root
#     (chroot; oracle.py --sys-path: importlib.metadata, names PEP 503,
#     versions spelled by packaging), introduced in the virtualenv's layer
#     and linked to the pypi repository; Debian's own python3-* metadata in
#     /usr/lib/python3/dist-packages (found there by oracle.py) is not
#     reported, as Clair skips the dpkg-owned tree;
#   - the dpkg packages equal dpkg-query on the same root, introduced in the
#     first layer;
#   - the (package, version, advisory) pairs of `claroctl report --format
#     json` against $CLARO_TESTDATA/advisories/osv/PyPI-all.zip (laid out
#     as a mirror by contrib/mirror-testdata.py, loaded by `claroctl
#     updaters run`) equal pymatcher_oracle.py's packaging evaluation of the
#     same OSV ranges for the oracle's packages, and are not empty.
# Skips when not root (mmdebstrap, chroot) or when the Debian mirror is
# unreachable (said why).
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
s=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
td=${CLARO_TESTDATA:-$s/../shared/testdata}
PY=${PYTHON:-python3}
claroctl=$b/claroctl
zip=$td/advisories/osv/PyPI-all.zip

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root (mmdebstrap's root mode, chroot into the image)"
	exit 0
fi
if [ ! -f "$zip" ]; then
	echo "1..0 # SKIP no OSV PyPI advisories at $zip"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-pyimage.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

cache=$(sh "$s/tests/integ/debian-image-build.sh" python-venv 2>"$tmp/build.err")
rc=$?
if [ $rc -eq 77 ]; then
	echo "1..0 # SKIP $(head -1 "$tmp/build.err")"
	exit 0
fi

n=0
fails=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
same() { # same GOT-FILE WANT-FILE DESCRIPTION: equal and not empty
	if [ -s "$2" ] && cmp -s "$1" "$2"; then pass "$3"; else
		fail "$3"
		diff -u "$2" "$1" | head -40 | sed 's/^/#   /'
	fi
}
lines() { grep -c . "$1" 2>/dev/null || echo 0; }

if [ $rc -ne 0 ] || [ -z "$cache" ]; then
	fail "the Debian bookworm image with a virtualenv layer builds (mmdebstrap, chroot, pip, umoci)"
	sed 's/^/#   /' "$tmp/build.err"
	echo "1..$n"
	exit 1
fi
root=$cache/bundle/rootfs
pass "the Debian bookworm image with a virtualenv layer is built ($(cat "$cache/ready"), in $cache)"

mkdir -p "$tmp/plugins"
for p in dpkg debian linux whiteout python versions osv; do
	cp "$b/plugins/$p/.libs/$p.so" "$tmp/plugins/" || fail "plugin $p is built"
done
"$PY" "$s/contrib/mirror-testdata.py" "$td/advisories" "$tmp/mirror" >"$tmp/mirror.log" 2>&1 ||
	fail "contrib/mirror-testdata.py lays out the advisories ($(tail -1 "$tmp/mirror.log"))"
cat >"$tmp/claro.ini" <<EOF
[clarod]
plugin_dir = $tmp/plugins
airgap = true
[store]
backend = sqlite
path = $tmp/claro.db
[updaters]
mirror_dir = $tmp/mirror
sets = osv
[plugin.osv]
ecosystems = PyPI
EOF
ctl() { "$claroctl" --local -c "$tmp/claro.ini" "$@"; }

# The oracles. What the virtualenv's python sees, inside the root.
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 chroot "$root" /opt/venv/bin/python -I -B - --sys-path / \
	<"$s/plugins/python/oracle.py" >"$tmp/importlib" 2>"$tmp/importlib.err"
rc=$?
if [ $rc -eq 0 ] && [ "$(lines "$tmp/importlib")" -gt 5 ]; then
	pass "importlib.metadata of /opt/venv/bin/python in the root: $(cut -f2,3 "$tmp/importlib" | tr '\t\n' '  ')"
else
	fail "importlib.metadata of /opt/venv/bin/python in the root (exit $rc, $(lines "$tmp/importlib") lines)"
	sed 's/^/#   /' "$tmp/importlib.err" | tail -10
fi
# Debian's own, which the scanner must skip as Clair does: they are there.
"$PY" -I "$s/plugins/python/oracle.py" "$root/usr/lib/python3" >"$tmp/distro" 2>&1
if [ "$(grep -c '^pkg' "$tmp/distro")" -gt 0 ]; then
	pass "Debian's python3-* metadata under usr/lib/python3: $(awk -F'\t' '$1 == "pkg" { printf "%s %s  ", $2, $3 }' "$tmp/distro")"
else
	fail "Debian's python3-* metadata is under usr/lib/python3 (python3-pip is installed)"
	sed 's/^/#   /' "$tmp/distro" | head -5
fi
# dpkg-query over the root's database: installed-and-ok rows, as the dpkg
# scanner's Status filter keeps.
dpkg-query --admindir="$root/var/lib/dpkg" -W \
	-f='${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\n' |
	awk -F'\t' '{ st = $6 "   "; if (substr(st, 2, 2) == "i ") print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 }' |
	LC_ALL=C sort >"$tmp/dpkg-query"
# The advisories packaging finds for the oracle's packages.
"$PY" -I "$s/plugins/python/pymatcher_oracle.py" affected "$zip" "$tmp/importlib" >"$tmp/affected" 2>"$tmp/affected.err"
rc=$?
if [ $rc -eq 0 ] && [ -s "$tmp/affected" ]; then
	pass "packaging over the OSV ranges: $(lines "$tmp/affected") (package, advisory) pairs affect the virtualenv: $(awk -F'\t' '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $3 }' "$tmp/affected")"
else
	fail "packaging over the OSV ranges finds advisories for the virtualenv (exit $rc)"
	sed 's/^/#   /' "$tmp/affected.err" | tail -5
fi

ctl updaters run >"$tmp/updaters.out" 2>&1
if grep -Eq '^osv/pypi +updated +[1-9]' "$tmp/updaters.out"; then
	pass "updaters run loads the mirrored OSV PyPI advisories ($(grep '^osv/pypi' "$tmp/updaters.out" | tr -s ' '))"
else
	fail "updaters run loads the mirrored OSV PyPI advisories"
	sed 's/^/#   /' "$tmp/updaters.out" | tail -10
fi

# The image's identity and layers, from the files themselves.
"$PY" - "$cache" >"$tmp/ids" <<'EOF'
import json, sys, tarfile
cache = sys.argv[1]
idx = json.load(open(cache + "/oci/index.json"))["manifests"][0]["digest"]
m = json.load(open(cache + "/oci/blobs/sha256/" + idx[7:]))
print("oci", idx, *[l["digest"] for l in m["layers"]])
with tarfile.open(cache + "/docker-archive.tar") as t:
    cfg = json.load(t.extractfile("manifest.json"))[0]["Config"]
    ids = json.load(t.extractfile(cfg))["rootfs"]["diff_ids"]
print("docker-archive", "sha256:" + cfg.split("/")[-1].removesuffix(".json"), *ids)
EOF
if [ "$(awk '{ print NF }' "$tmp/ids" | tr '\n' ' ')" = "4 4 " ]; then
	pass "the OCI layout and the docker-archive have two layers each"
else
	fail "the OCI layout and the docker-archive have two layers each"
	sed 's/^/#   /' "$tmp/ids"
fi
dir_hash=$(ctl manifest "dir:$root" 2>"$tmp/err" |
	"$PY" -I -c 'import json, sys; print(json.load(sys.stdin)["layers"][0]["hash"])' 2>>"$tmp/err")
echo "dir - $dir_hash $dir_hash" >>"$tmp/ids"

# check LABEL IMAGE: index and report IMAGE, compare with the oracles.
check() {
	label=$1 image=$2
	# shellcheck disable=SC2046 # the fields hold no blanks
	set -- $(awk -v l="$label" '$1 == l { print $2, $3, $4 }' "$tmp/ids")
	layer1=$2 layer2=$3
	if ctl index "$image" >"$tmp/$label.index.json" 2>"$tmp/$label.err"; then
		pass "$label: claroctl --local index $image"
	else
		fail "$label: claroctl --local index $image"
		sed 's/^/#   /' "$tmp/$label.err" | tail -10
	fi
	"$PY" -I "$s/plugins/python/pyindex_oracle.py" report "$tmp/$label.index.json" >"$tmp/$label.python"
	awk -F'\t' -v l="$layer2" '$1 == "pkg" { print $2 "\t" $3 "\t" $4 "\t" l; next } { print }' "$tmp/importlib" |
		LC_ALL=C sort >"$tmp/$label.python.want"
	same "$tmp/$label.python" "$tmp/$label.python.want" \
		"$label: Python packages (name, version, package_db, introduced_in) = the venv's importlib.metadata in the root ($(lines "$tmp/$label.python.want")), linked to pypi, the dpkg-owned usr/lib/python3 skipped"
	"$PY" - "$tmp/$label.index.json" "$layer1" >"$tmp/$label.dpkg" <<'EOF'
import json, sys
d, layer = json.load(open(sys.argv[1])), sys.argv[2]
rows = set()
for pid, p in (d.get("packages") or {}).items():
    for e in (d.get("environments") or {}).get(pid) or []:
        if e.get("package_db") != "var/lib/dpkg/status":
            continue
        s = p.get("source") or {}
        rows.add("\t".join([p.get("name", ""), p.get("version", ""), p.get("arch", ""),
                            s.get("name", ""), s.get("version", "")]))
        if e.get("introduced_in") != layer:
            rows.add("bad\t%s introduced in %s, not %s" % (p.get("name"), e.get("introduced_in"), layer))
print("\n".join(sorted(rows, key=lambda r: r.encode())))
EOF
	same "$tmp/$label.dpkg" "$tmp/dpkg-query" \
		"$label: dpkg packages = dpkg-query on the root ($(lines "$tmp/dpkg-query")), introduced in the first layer"
	if ctl report --format json "$image" >"$tmp/$label.report.json" 2>"$tmp/$label.err"; then
		"$PY" - "$tmp/$label.report.json" >"$tmp/$label.pairs" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
out = set()
for pid, ids in (d.get("package_vulnerabilities") or {}).items():
    p = d["packages"][pid]
    for i in ids:
        out.add("%s\t%s\t%s" % (p["name"], p["version"], d["vulnerabilities"][i]["name"]))
print("\n".join(sorted(out)))
EOF
		same "$tmp/$label.pairs" "$tmp/affected" \
			"$label: report --format json: (package, version, advisory) = packaging over the OSV ranges ($(lines "$tmp/affected") pairs)"
	else
		fail "$label: claroctl --local report --format json $image"
		sed 's/^/#   /' "$tmp/$label.err" | tail -10
	fi
}

check oci "oci:$cache/oci:bookworm"
check docker-archive "docker-archive:$cache/docker-archive.tar"
check dir "dir:$root"

echo "1..$n"
[ $fails -eq 0 ]
