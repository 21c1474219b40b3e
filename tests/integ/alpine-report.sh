#!/bin/sh
# End to end on real data: the staged Alpine secdb, laid out as an
# air-gapped mirror (contrib/mirror-testdata.py), loaded by `claroctl
# updaters run`; each Alpine minirootfs in $CLARO_TESTDATA/images/alpine
# reported by `claroctl report --format json`. The expected (package,
# advisory) pairs are built here from the same secdb files and decided by
# the image's own apk in a chroot (`apk version -t installed fixed` says
# "<"), so claro must agree with apk-tools on every candidate pair. Then the
# text, SARIF and CycloneDX renderings of the same report, --fail-on, and
# the stale-database rules. Needs root (chroot) and PyYAML.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
s=${abs_top_srcdir:?run through make check}
td=${CLARO_TESTDATA:-$s/../shared/testdata}
ctl=$b/claroctl

[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root to chroot into the images"; exit 0; }
python3 -c 'import yaml' 2>/dev/null || { echo "1..0 # SKIP python3 with PyYAML (python3-yaml) is needed"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-alpine-report.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

# The plugins the report needs, as regular files (the loader refuses links).
mkdir -p "$tmp/plugins"
for p in alpine linux whiteout versions; do
	cp "$b/plugins/$p/.libs/$p.so" "$tmp/plugins/" || { echo "Bail out! plugin $p not built"; exit 1; }
done
python3 "$s/contrib/mirror-testdata.py" "$td/advisories" "$tmp/mirror" >/dev/null ||
	{ echo "Bail out! could not lay out the mirror"; exit 1; }
cat >"$tmp/claro.ini" <<EOF
[clarod]
plugin_dir = $tmp/plugins
airgap = true
[store]
backend = sqlite
path = $tmp/claro.db
[updaters]
mirror_dir = $tmp/mirror
sets = alpine
EOF
images=$(ls "$td"/images/alpine/*.tar.gz)
echo "1..$((2 + 2 * $(echo "$images" | wc -l) + 8))"

"$ctl" --local -c "$tmp/claro.ini" updaters run >"$tmp/run.out" 2>&1
check "updaters run loads the mirrored secdb" grep -q "alpine-main-v3.9-updater *updated" "$tmp/run.out"
check "no updater failed" sh -c "! grep -qi 'fail' '$tmp/run.out'"

# oracle ROOT: "package<TAB>advisory" lines the image's apk calls vulnerable
oracle() {
	python3 - "$1" "$tmp/mirror/secdb.alpinelinux.org" <<'EOF'
import json, os, subprocess, sys
root, secdb = sys.argv[1:3]
rel = {}
for line in open(os.path.join(root, "etc/alpine-release")):
    parts = line.strip().split(".")
    rel = "v%s.%s" % (parts[0], parts[1]) if len(parts) > 1 else ""
    break
fixed = {}  # origin -> [(fixed version, advisory)]
for repo in ("main", "community"):
    path = os.path.join(secdb, rel, repo + ".json")
    if not os.path.isfile(path):
        continue
    for p in json.load(open(path)).get("packages", []):
        pkg = p["pkg"]
        for ver, ids in (pkg.get("secfixes") or {}).items():
            for i in ids or []:
                for a in str(i).split():
                    fixed.setdefault(pkg["name"], []).append((str(ver), a))
installed, cur = [], {}
for line in open(os.path.join(root, "lib/apk/db/installed")):
    line = line.rstrip("\n")
    if not line:
        if cur:
            installed.append(cur)
        cur = {}
    elif line[1:2] == ":":
        cur[line[0]] = line[2:]
if cur:
    installed.append(cur)
out = set()
for p in installed:
    origin = p.get("o", p["P"])
    for ver, adv in fixed.get(origin, []):
        r = subprocess.run(["chroot", root, "/sbin/apk", "version", "-t", p["V"], ver],
                           capture_output=True, text=True)
        if r.stdout.strip() == "<":
            out.add("%s\t%s" % (p["P"], adv))
print("\n".join(sorted(out)))
EOF
}
# pairs JSON: "package<TAB>vulnerability name" from a VulnerabilityReport
pairs() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
out = set()
for pid, ids in (d.get("package_vulnerabilities") or {}).items():
    for i in ids:
        out.add("%s\t%s" % (d["packages"][pid]["name"], d["vulnerabilities"][i]["name"]))
print("\n".join(sorted(out)))' "$1"
}

for img in $images; do
	name=$(basename "$img" .tar.gz)
	root=$tmp/$name
	mkdir -p "$root" && tar -xzf "$img" -C "$root" 2>/dev/null
	"$ctl" --local -c "$tmp/claro.ini" report --format json dir:"$root" >"$tmp/$name.json" 2>"$tmp/$name.err"
	check "$name: report succeeds" test -s "$tmp/$name.json"
	want=$(oracle "$root")
	got=$(pairs "$tmp/$name.json")
	if [ "$got" = "$want" ]; then
		ok "$name: exactly the pairs apk version -t decides ($(printf '%s' "$want" | grep -c .) vulnerable)"
	else
		not_ok "$name: exactly the pairs apk version -t decides"
		printf '%s\n' "$want" >"$tmp/want"
		printf '%s\n' "$got" >"$tmp/got"
		diff -u "$tmp/want" "$tmp/got" | sed 's/^/# /' | head -20
	fi
done

# The renderings and the gate, on the 3.9 image against the v3.9 secdb.
root=$tmp/alpine-minirootfs-3.9.6-x86_64
"$ctl" --local -c "$tmp/claro.ini" report dir:"$root" >"$tmp/text" 2>"$tmp/text.err"
check "text: a summary line names the image and the package count" \
	grep -q "dir:$root: .* 14 packages" "$tmp/text"
check "text: no colour when not on a terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$tmp/text'"
"$ctl" --local -c "$tmp/claro.ini" report --format sarif dir:"$root" >"$tmp/sarif"
check "sarif: valid JSON, version 2.1.0" python3 -c '
import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d["version"] != "2.1.0")' "$tmp/sarif"
"$ctl" --local -c "$tmp/claro.ini" report --format cyclonedx dir:"$root" >"$tmp/cdx"
check "cyclonedx: one component per package, purls of type apk" python3 -c '
import json, sys; d = json.load(open(sys.argv[1]))
c = d["components"]; sys.exit(not (len(c) == 14 and all(x["purl"].startswith("pkg:apk/alpine/") for x in c)))' "$tmp/cdx"
"$ctl" --local -c "$tmp/claro.ini" report --fail-on critical dir:"$root" >/dev/null 2>&1
check "--fail-on critical on a fresh database without criticals exits 0" test $? -eq 0

# A failing updater makes the database stale: a warning, and with --fail-on
# an error unless --allow-stale. (A truncated feed: its snapshot is kept.)
printf '{"packages": [' >"$tmp/mirror/secdb.alpinelinux.org/v3.9/main.json"
"$ctl" --local -c "$tmp/claro.ini" updaters run >/dev/null 2>&1
"$ctl" --local -c "$tmp/claro.ini" report dir:"$root" >/dev/null 2>"$tmp/stale.err"
check "stale: the report warns on stderr" grep -q "warning: the advisory database is stale" "$tmp/stale.err"
check "stale: the warning names the failing updater" grep -q "alpine-main-v3.9-updater: failing" "$tmp/stale.err"
"$ctl" --local -c "$tmp/claro.ini" report --fail-on high dir:"$root" >/dev/null 2>&1
rc1=$?
"$ctl" --local -c "$tmp/claro.ini" report --fail-on high --allow-stale dir:"$root" >/dev/null 2>&1
rc2=$?
check "stale: --fail-on fails (1), --allow-stale accepts it (0)" test "$rc1-$rc2" = "1-0"
