#!/bin/sh
# Integration test (TAP): claro against the real tools on a real Debian image.
#
# tests/integ/debian-image-build.sh builds (once, cached in $TMPDIR) a Debian
# bookworm image with mmdebstrap --variant=minbase + umoci (one gzip layer),
# and a docker-archive of it with skopeo. `claroctl --local index` indexes it
# as an OCI layout, as a docker-archive and as the unpacked root (dir:), with
# the built dpkg, debian, ubuntu, linux, alpine and whiteout plugins. Oracles:
#   - the package set (name, version, arch, source name, source version)
#     equals `dpkg-query --admindir=ROOT/var/lib/dpkg -W` on the very root
#     mmdebstrap made and umoci packed (rows dpkg calls installed and ok, as
#     Clair's Status filter keeps);
#   - the distribution is the root's own etc/os-release (ID, VERSION_ID,
#     VERSION_CODENAME, PRETTY_NAME);
#   - the manifest hash is the layout's manifest digest (index.json) or the
#     docker image ID (the archive's config name), and every package was
#     introduced in the image's one layer (the OCI manifest's layer digest,
#     or the archive config's diff_id).
# Skips only when the Debian mirror is unreachable (said why).
# SPDX-License-Identifier: Apache-2.0

set -u

: "${abs_top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${abs_top_srcdir:=$abs_top_builddir}"
claroctl=$abs_top_builddir/claroctl
builder=$abs_top_srcdir/tests/integ/debian-image-build.sh

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
# same GOT-FILE WANT-FILE DESCRIPTION: equal and not empty, a diff otherwise
same() {
	if [ -s "$2" ] && cmp -s "$1" "$2"; then
		ok "$3"
	else
		not_ok "$3"
		diff -u "$2" "$1" | head -30 | sed 's/^/#   /'
	fi
}
is() { # is GOT WANT DESCRIPTION
	if [ -n "$2" ] && [ "$1" = "$2" ]; then ok "$3"; else
		not_ok "$3"
		echo "#   got:      '$1'"
		echo "#   expected: '$2'"
	fi
}

if [ ! -x "$claroctl" ]; then
	echo "1..1"
	echo "not ok 1 - claroctl is built"
	exit 1
fi

cache=$(sh "$builder" 2>"${TMPDIR:-/tmp}/claro-debian-image.$$.err")
rc=$?
err=$(cat "${TMPDIR:-/tmp}/claro-debian-image.$$.err")
rm -f "${TMPDIR:-/tmp}/claro-debian-image.$$.err"
if [ $rc -eq 77 ]; then
	echo "1..0 # SKIP $(echo "$err" | head -1)"
	exit 0
fi
if [ $rc -ne 0 ] || [ -z "$cache" ]; then
	echo "1..1"
	echo "not ok 1 - the Debian bookworm minbase image builds (mmdebstrap + umoci)"
	echo "$err" | sed 's/^/# /'
	exit 1
fi
ok "the Debian bookworm minbase image is built ($(cat "$cache/ready"), in $cache)"
root=$cache/bundle/rootfs

tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-debian-image.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

mkdir -p "$tmp/plugins"
for p in alpine dpkg debian ubuntu linux whiteout; do
	cp "$abs_top_builddir/plugins/$p/.libs/$p.so" "$tmp/plugins/" ||
		not_ok "plugin $p is built"
done

# The oracle: dpkg-query over the root's own database; installed-and-ok rows
# only (status abbreviation "?i "), as the dpkg scanner's Status filter.
dpkg-query --admindir="$root/var/lib/dpkg" -W \
	-f='${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\n' \
	>"$tmp/dpkg-query.tsv" 2>"$tmp/dpkg-query.err"
rc=$?
awk -F'\t' '{ st = $6 "   "; if (substr(st, 2, 2) == "i ") print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 }' \
	"$tmp/dpkg-query.tsv" | LC_ALL=C sort >"$tmp/oracle"
count=$(grep -c . "$tmp/oracle")
if [ $rc -eq 0 ] && [ "$count" -gt 50 ]; then
	ok "dpkg-query lists $count installed packages in the root"
else
	not_ok "dpkg-query lists the installed packages (exit $rc, $count rows)"
	sed 's/^/# /' "$tmp/dpkg-query.err"
fi
# The root's os-release, as "ID VERSION_ID VERSION_CODENAME | PRETTY_NAME".
want_dist=$(
	. "$root/etc/os-release"
	echo "${ID:-} ${VERSION_ID:-} ${VERSION_CODENAME:-} | ${PRETTY_NAME:-}"
)

oci_manifest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' \
	"$cache/oci/index.json")
oci_layer=$(python3 -c 'import json,sys; m = json.load(open(sys.argv[1] + "/blobs/sha256/" + sys.argv[2][7:]))
print(" ".join(l["digest"] for l in m["layers"]))' "$cache/oci" "$oci_manifest")
archive_config=$(tar -xOf "$cache/docker-archive.tar" manifest.json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"])')
archive_id=sha256:${archive_config%.json}
archive_layer=$(tar -xOf "$cache/docker-archive.tar" "$archive_config" |
	python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["rootfs"]["diff_ids"]))')

# index LABEL IMAGE WANT-HASH WANT-LAYER: index with claroctl --local and
# compare with the oracles.
index() {
	label=$1 image=$2 want_hash=$3 want_layer=$4
	start=$(date +%s.%N)
	"$claroctl" --local --db "$tmp/$label.db" --plugin-dir "$tmp/plugins" index "$image" \
		>"$tmp/$label.json" 2>"$tmp/$label.err"
	rc=$?
	secs=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }')
	if [ $rc -eq 0 ]; then ok "$label: claroctl --local index $image (${secs} s)"; else
		not_ok "$label: claroctl --local index $image (exit $rc)"
		sed 's/^/# /' "$tmp/$label.err" | tail -20
	fi
	python3 - "$tmp/$label.json" "$tmp/$label" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    d = {"state": "unreadable: %s" % e}
out = sys.argv[2]
pk = d.get("packages") or {}
with open(out + ".state", "w") as f:
    print(d.get("state"), d.get("manifest_hash"), d.get("success"), file=f)
rows = []
for p in pk.values():
    s = p.get("source") or {}
    rows.append("\t".join([p.get("name", ""), p.get("version", ""), p.get("arch", ""),
                           s.get("name", ""), s.get("version", "")]))
with open(out + ".pkgs", "w") as f:
    f.write("".join(r + "\n" for r in sorted(rows, key=lambda r: r.encode())))
dists = list((d.get("distributions") or {}).values())
with open(out + ".dist", "w") as f:
    for x in dists:
        print("%s %s %s | %s" % (x.get("did"), x.get("version_id"), x.get("version_code_name"),
                                 x.get("pretty_name")), file=f)
layers, dbs = set(), set()
for envs in (d.get("environments") or {}).values():
    for e in envs:
        layers.add(e.get("introduced_in"))
        dbs.add(e.get("package_db"))
with open(out + ".env", "w") as f:
    print(" ".join(sorted(map(str, layers))), "|", " ".join(sorted(map(str, dbs))),
          "|", len(d.get("environments") or {}) == len(pk), file=f)
PY
	if [ -n "$want_hash" ]; then
		is "$(cat "$tmp/$label.state")" "IndexFinished $want_hash True" \
			"$label: IndexFinished, successful, on the image's hash"
	elif grep -Eq '^IndexFinished sha256:[0-9a-f]{64} True$' "$tmp/$label.state"; then
		ok "$label: IndexFinished, successful, on a sha256 hash of the tree"
	else
		not_ok "$label: IndexFinished, successful, on a sha256 hash of the tree"
		sed 's/^/#   got: /' "$tmp/$label.state"
	fi
	same "$tmp/$label.pkgs" "$tmp/oracle" \
		"$label: (name, version, arch, source name, source version) equal dpkg-query's ($(grep -c . "$tmp/$label.pkgs") packages)"
	is "$(cat "$tmp/$label.dist")" "$want_dist" "$label: the distribution is the root's os-release ($want_dist)"
	if [ -n "$want_layer" ]; then
		is "$(cat "$tmp/$label.env")" "$want_layer | var/lib/dpkg/status | True" \
			"$label: every package has an environment: introduced in the one layer, from var/lib/dpkg/status"
	fi
}

index oci "oci:$cache/oci:bookworm" "$oci_manifest" "$oci_layer"
index docker-archive "docker-archive:$cache/docker-archive.tar" "$archive_id" "$archive_layer"
index dir "dir:$root" "" ""

# A second index of the same layout on the same store is served from it.
"$claroctl" --local --db "$tmp/oci.db" --plugin-dir "$tmp/plugins" index "oci:$cache/oci:bookworm" \
	>"$tmp/again.json" 2>"$tmp/again.err"
if cmp -s "$tmp/again.json" "$tmp/oci.json"; then ok "oci: re-indexing returns the stored report unchanged"; else
	not_ok "oci: re-indexing returns the stored report unchanged"
	diff "$tmp/oci.json" "$tmp/again.json" | head -10 | sed 's/^/#   /'
fi

echo "1..$n"
exit $failed
