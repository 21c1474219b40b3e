#!/bin/sh
# The matcher's internal API on real data, against a running clarod:
# GET update_operation, GET update_diff and DELETE update_operation, and the
# vulnerability report following each change of the advisory store.
#
# The staged Alpine secdb is laid out as a mirror (contrib/mirror-testdata.py)
# and loaded by `claroctl updaters run`; an Alpine v3.11 root is generated
# from the same secdb (tests/bench/gen-apk-root.py: each origin installed at
# its first fixed version, so later fixes match) and indexed into the same
# store. clarod serves the report (R1). Then half of the v3.11 main
# packages are removed from the mirror and the updaters run again while
# clarod keeps running: the report must lose exactly the advisories of the
# removed packages (R2, so no cached freshness or parse hides the new
# snapshot), update_operation must list both operations of
# alpine-main-v3.11-updater, newest first, and update_diff between them must
# add nothing and remove only rows of the removed packages. Deleting the new
# operation makes the old snapshot the latest again: the report equals R1.
# A malformed ref is a 400; an unknown one a 200, as in Clair.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
s=${abs_top_srcdir:?run through make check}
td=${CLARO_TESTDATA:-$s/../shared/testdata}
ctl=$b/claroctl
clarod=$b/clarod

[ -d "$td/advisories/alpine" ] || { echo "1..0 # SKIP no staged Alpine secdb under $td/advisories"; exit 0; }
python3 -c 'import yaml' 2>/dev/null || { echo "1..0 # SKIP python3 with PyYAML (python3-yaml) is needed"; exit 0; }
command -v curl >/dev/null 2>&1 || { echo "1..0 # SKIP curl is needed"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-matcher-api.XXXXXX") || exit 99
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
echo "1..17"

mkdir -p "$tmp/plugins"
for p in alpine linux whiteout versions; do
	cp "$b/plugins/$p/.libs/$p.so" "$tmp/plugins/" || { echo "Bail out! plugin $p not built"; exit 1; }
done
python3 "$s/contrib/mirror-testdata.py" "$td/advisories" "$tmp/mirror" >/dev/null ||
	{ echo "Bail out! could not lay out the mirror"; exit 1; }
secdb=$tmp/mirror/secdb.alpinelinux.org
cat >"$tmp/claro.ini" <<EOF
[clarod]
mode = combo
api_addr = 127.0.0.1:0
introspection_addr =
plugin_dir = $tmp/plugins
airgap = true
log_level = info
[store]
backend = sqlite
path = $tmp/claro.db
[updaters]
enabled = false
mirror_dir = $tmp/mirror
sets = alpine
EOF

"$ctl" --local -c "$tmp/claro.ini" updaters run >"$tmp/run1.out" 2>&1
check "first updaters run loads v3.11 main" grep -q "alpine-main-v3.11-updater *updated" "$tmp/run1.out"
python3 "$s/tests/bench/gen-apk-root.py" "$secdb" v3.11 400 "$tmp/img" >/dev/null &&
	"$ctl" --local -c "$tmp/claro.ini" index "dir:$tmp/img" >"$tmp/index.json" 2>"$tmp/index.err"
digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifest_hash"])' "$tmp/index.json" 2>/dev/null)
check "a generated Alpine v3.11 root is indexed into the same store" test -n "$digest"

"$clarod" -c "$tmp/claro.ini" --port-file "$tmp/ports" >"$tmp/clarod.log" 2>&1 &
pid=$!
tries=0
while [ ! -s "$tmp/ports" ] && [ $tries -lt 300 ] && kill -0 "$pid" 2>/dev/null; do
	sleep 0.1
	tries=$((tries + 1))
done
port=$(sed -n 's/^api=//p' "$tmp/ports" 2>/dev/null)
[ -n "$port" ] || { echo "Bail out! clarod did not start: $(tail -5 "$tmp/clarod.log")"; exit 1; }
api=http://127.0.0.1:$port/matcher/api/v1

# pairs FILE: sorted "package advisory" lines of a report; nothing on error
pairs() {
	python3 - "$1" <<'EOF'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(1)
out = set()
for pid, ids in r.get("package_vulnerabilities", {}).items():
    for i in ids:
        out.add("%s %s" % (r["packages"][pid]["name"], r["vulnerabilities"][i]["name"]))
print("\n".join(sorted(out)))
EOF
}
# report N: the report into $tmp/reportN.json, its pairs into $tmp/pairsN
report() {
	curl -s -o "$tmp/report$1.json" "$api/vulnerability_report/$digest" && pairs "$tmp/report$1.json" >"$tmp/pairs$1"
}

report 1
check "R1: the report lists advisories ($(grep -c . "$tmp/pairs1") pairs)" test -s "$tmp/pairs1"
report 1b
check "R1 again (cached parse and freshness) is the same" cmp -s "$tmp/pairs1" "$tmp/pairs1b"

# Half of the v3.11 main packages leave the feed.
python3 - "$secdb/v3.11/main.json" "$tmp/removed" <<'EOF'
import json, sys
path, removed = sys.argv[1:3]
d = json.load(open(path))
pk = d["packages"]
gone = pk[::2]
d["packages"] = pk[1::2]
json.dump(d, open(path, "w"))
open(removed, "w").write("\n".join(sorted(p["pkg"]["name"] for p in gone)) + "\n")
EOF
touch -d "+1 minute" "$secdb/v3.11/main.json"
"$ctl" --local -c "$tmp/claro.ini" updaters run >"$tmp/run2.out" 2>&1
check "second updaters run stores a new v3.11 main snapshot" grep -q "alpine-main-v3.11-updater *updated" "$tmp/run2.out"

report 2
# the advisories R2 lost: all of removed packages (by origin = the secdb's package)
lost_ok() {
	python3 - "$tmp/report1.json" "$tmp/report2.json" "$tmp/removed" <<'EOF'
import json, sys
r1, r2 = (json.load(open(p)) for p in sys.argv[1:3])
removed = set(open(sys.argv[3]).read().split())
def rows(r):
    out = set()
    for pid, ids in r["package_vulnerabilities"].items():
        for i in ids:
            v = r["vulnerabilities"][i]
            out.add((r["packages"][pid]["name"], v["name"], v["package"]["name"], v["updater"]))
    return out
a, b = rows(r1), rows(r2)
lost = a - b
ok = b < a and all(src in removed and upd == "alpine-main-v3.11-updater" for _, _, src, upd in lost)
# and nothing of a removed package stayed in R2 from that updater
ok = ok and not any(src in removed and upd == "alpine-main-v3.11-updater" for _, _, src, upd in b)
print("lost %d of %d pairs" % (len(lost), len(a)), file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}
check "R2 (clarod still running): exactly the advisories of the removed packages are gone" lost_ok

curl -s -o "$tmp/ops.json" "$api/internal/update_operation"
refs=$(python3 - "$tmp/ops.json" <<'EOF'
import json, sys
ops = json.load(open(sys.argv[1])).get("alpine-main-v3.11-updater", [])
if len(ops) == 2 and ops[0]["date"] >= ops[1]["date"]:
    print(ops[0]["ref"], ops[1]["ref"])
EOF
)
new_ref=${refs% *}
old_ref=${refs#* }
check "update_operation: two operations of alpine-main-v3.11-updater, newest first" test -n "$refs"

curl -s -o "$tmp/diff.json" "$api/internal/update_diff?prev=$old_ref&cur=$new_ref"
diff_ok() {
	python3 - "$tmp/diff.json" "$tmp/removed" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
removed = set(open(sys.argv[2]).read().split())
gone = d.get("removed") or []
sys.exit(0 if not d.get("added") and gone and all(v["package"]["name"] in removed for v in gone) else 1)
EOF
}
check "update_diff old -> new: nothing added, only rows of removed packages removed" diff_ok
latest=$(curl -s "$api/internal/update_operation?latest=true" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["alpine-main-v3.11-updater"][0]["ref"])' 2>/dev/null)
check "update_operation?latest=true names the new operation" test "$latest" = "$new_ref"

code=$(curl -s -o "$tmp/del.out" -w '%{http_code}' -X DELETE "$api/internal/update_operation/$new_ref")
check "DELETE the new operation: 200 with an empty body" sh -c "[ '$code' = 200 ] && [ ! -s '$tmp/del.out' ]"
latest=$(curl -s "$api/internal/update_operation?latest=true" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["alpine-main-v3.11-updater"][0]["ref"])' 2>/dev/null)
check "the old operation is the latest again" test "$latest" = "$old_ref"
report 3
check "the report equals R1 again" cmp -s "$tmp/pairs1" "$tmp/pairs3"
check "clarod logged the deletion" grep -q "deleted update operation $new_ref" "$tmp/clarod.log"

code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$api/internal/update_operation/not-a-ref")
check "DELETE a malformed ref: 400" test "$code" = 400
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$api/internal/update_operation/00000000-0000-4000-8000-000000000000")
check "DELETE an unknown ref: 200 (as Clair)" test "$code" = 200
report 4
check "and the report is unchanged by it" cmp -s "$tmp/pairs1" "$tmp/pairs4"
check "clarod is still running" kill -0 "$pid"
