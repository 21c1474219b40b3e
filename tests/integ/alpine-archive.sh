#!/bin/sh
# Integration test (TAP): the docker-archive images of the test data
# (images/docker-archive/alpine-310.tar.gz, alpine-311.tar.gz: `docker save`
# output) indexed with `claroctl --local index docker-archive:...`, against
# the oracle SOURCES.md names for them: the image's own apk, run in a chroot
# of the image's root file system (its layers unpacked in order, whiteouts
# applied):
#   - `chroot ROOT /sbin/apk list --installed` gives "name-version arch
#     {origin}": claro's (name, version, arch, source name) must say the same;
#   - `chroot ROOT /sbin/apk info -v` gives "name-version";
#   - the distribution is the root's etc/os-release (Clair's Alpine rule:
#     version = major.minor of VERSION_ID); the manifest hash is the
#     image ID; packages were introduced in the last layer that wrote
#     lib/apk/db/installed (its diff_id), from that database.
# Needs root for chroot (CI runs as root); skips, saying so, otherwise.
# SPDX-License-Identifier: Apache-2.0

set -u

: "${abs_top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${CLARO_TESTDATA:=/work/shared/testdata}"
claroctl=$abs_top_builddir/claroctl
images="$CLARO_TESTDATA/images/docker-archive/alpine-310.tar.gz $CLARO_TESTDATA/images/docker-archive/alpine-311.tar.gz"

for img in $images; do
	if [ ! -f "$img" ]; then
		echo "1..0 # SKIP test data missing: $img"
		exit 0
	fi
done
if [ ! -x "$claroctl" ]; then
	echo "1..1"
	echo "not ok 1 - claroctl is built"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-alpine-archive.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
if ! chroot / true 2>"$tmp/chroot.err"; then
	echo "1..0 # SKIP the apk oracle runs the image's apk in a chroot, which needs root: $(cat "$tmp/chroot.err")"
	exit 0
fi

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
same() { # same GOT-FILE WANT-FILE DESCRIPTION: equal and not empty
	if [ -s "$2" ] && cmp -s "$1" "$2"; then ok "$3"; else
		not_ok "$3"
		diff -u "$2" "$1" | head -30 | sed 's/^/#   /'
	fi
}
is() {
	if [ -n "$2" ] && [ "$1" = "$2" ]; then ok "$3"; else
		not_ok "$3"
		echo "#   got:      '$1'"
		echo "#   expected: '$2'"
	fi
}

mkdir -p "$tmp/plugins"
for p in alpine dpkg debian ubuntu linux whiteout; do
	cp "$abs_top_builddir/plugins/$p/.libs/$p.so" "$tmp/plugins/" || not_ok "plugin $p is built"
done

# unpack_image ARCHIVE-DIR ROOT: the layers of the archive's first image in
# order; a layer's whiteouts (.wh.NAME, .wh..wh..opq) remove what the layers
# below it put there, as an OCI runtime does.
unpack_image() {
	python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))[0]["Layers"]))' \
		"$1/manifest.json" >"$tmp/layers" || return 1
	while IFS= read -r layer; do
		tar -tf "$1/$layer" >"$tmp/members" || return 1
		while IFS= read -r m; do
			m=${m#./}
			d=$(dirname "$m")
			b=$(basename "$m")
			case $b in
			.wh..wh..opq) find "$2/$d" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null ;;
			.wh.*) rm -rf "${2:?}/$d/${b#.wh.}" ;;
			esac
		done <"$tmp/members"
		tar -xf "$1/$layer" -C "$2" --exclude='.wh.*' --exclude='*/.wh.*' || return 1
		if grep -Eq '^(\./)?lib/apk/db/installed$' "$tmp/members"; then
			echo "$layer" >"$tmp/db-layer"
		fi
	done <"$tmp/layers"
}

for img in $images; do
	name=$(basename "$img" .tar.gz)
	rm -rf "$tmp/x" "$tmp/root" "$tmp/db-layer"
	mkdir -p "$tmp/x" "$tmp/root"
	if tar -xzf "$img" -C "$tmp/x" && unpack_image "$tmp/x" "$tmp/root"; then
		ok "$name: the image's layers unpack into a root file system"
	else
		not_ok "$name: the image's layers unpack into a root file system"
		continue
	fi

	# The oracles: the image's own apk-tools over its own database.
	chroot "$tmp/root" /sbin/apk list --installed 2>"$tmp/apk.err" |
		sed -E 's/ \[installed\]$//; s/ \(.*\)$//' | LC_ALL=C sort >"$tmp/oracle-list"
	chroot "$tmp/root" /sbin/apk info -v 2>>"$tmp/apk.err" | LC_ALL=C sort >"$tmp/oracle-info"
	count=$(grep -c . "$tmp/oracle-info")
	apk_version=$(chroot "$tmp/root" /sbin/apk --version 2>/dev/null | sed 's/,.*//')
	if [ "$count" -gt 5 ] && [ "$(grep -c . "$tmp/oracle-list")" = "$count" ]; then
		ok "$name: the image's $apk_version lists $count installed packages"
	else
		not_ok "$name: the image's apk lists the installed packages ($count)"
		grep -v '^WARNING: Ignoring APKINDEX' "$tmp/apk.err" | sed 's/^/# /'
	fi
	want_dist=$(
		. "$tmp/root/etc/os-release"
		echo "${ID:-} $(echo "${VERSION_ID:-}" | cut -d. -f1-2) | ${PRETTY_NAME:-}"
	)
	config=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Config"])' "$tmp/x/manifest.json")
	db_layer_index=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Layers"].index(sys.argv[2]))' \
		"$tmp/x/manifest.json" "$(cat "$tmp/db-layer" 2>/dev/null)" 2>/dev/null)
	want_layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rootfs"]["diff_ids"][int(sys.argv[2])])' \
		"$tmp/x/$config" "${db_layer_index:-x}" 2>/dev/null)

	"$claroctl" --local --db "$tmp/$name.db" --plugin-dir "$tmp/plugins" index "docker-archive:$img" \
		>"$tmp/report.json" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 0 ]; then ok "$name: claroctl --local index docker-archive:$name.tar.gz"; else
		not_ok "$name: claroctl --local index docker-archive:$name.tar.gz (exit $rc)"
		sed 's/^/# /' "$tmp/err" | tail -20
	fi
	python3 - "$tmp/report.json" "$tmp/got" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    d = {"state": "unreadable: %s" % e}
out = sys.argv[2]
pk = d.get("packages") or {}
lst = sorted("%s-%s %s {%s}" % (p.get("name"), p.get("version"), p.get("arch"),
                                (p.get("source") or {}).get("name")) for p in pk.values())
info = sorted("%s-%s" % (p.get("name"), p.get("version")) for p in pk.values())
key = lambda r: r.encode()
open(out + ".state", "w").write("%s %s %s\n" % (d.get("state"), d.get("manifest_hash"), d.get("success")))
open(out + ".list", "w").write("".join(r + "\n" for r in sorted(lst, key=key)))
open(out + ".info", "w").write("".join(r + "\n" for r in sorted(info, key=key)))
open(out + ".dist", "w").write("".join("%s %s | %s\n" % (x.get("did"), x.get("version"), x.get("pretty_name"))
                                       for x in (d.get("distributions") or {}).values()))
layers, dbs = set(), set()
for envs in (d.get("environments") or {}).values():
    for e in envs:
        layers.add(str(e.get("introduced_in")))
        dbs.add(str(e.get("package_db")))
open(out + ".env", "w").write("%s | %s | %s\n" % (" ".join(sorted(layers)), " ".join(sorted(dbs)),
                                                  len(d.get("environments") or {}) == len(pk)))
PY
	is "$(cat "$tmp/got.state")" "IndexFinished sha256:${config%.json} True" \
		"$name: IndexFinished, successful, on the image ID"
	same "$tmp/got.list" "$tmp/oracle-list" \
		"$name: name-version arch {origin} equal apk list --installed ($(grep -c . "$tmp/got.list") packages)"
	same "$tmp/got.info" "$tmp/oracle-info" "$name: name-version equal apk info -v"
	is "$(cat "$tmp/got.dist")" "$want_dist" "$name: the distribution is the root's os-release ($want_dist)"
	is "$(cat "$tmp/got.env")" "$want_layer | lib/apk/db/installed | True" \
		"$name: every package introduced in the layer that wrote lib/apk/db/installed, from it"
done

echo "1..$n"
exit $failed
