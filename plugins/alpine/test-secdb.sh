#!/bin/sh
# The alpine plugin's secdb updater set, run by tests/unit/run-updater against
# a loopback server (tests/unit/feed-server.py) serving the real secdb files
# of $CLARO_TESTDATA/advisories/alpine in secdb.alpinelinux.org's layout
# (<release>/<repo>.json):
#   tree "mirror": the alpine-secdb GitHub mirror (v3.3 ... v3.11, YAML,
#     loaded with PyYAML and written as JSON -- secdb.alpinelinux.org serves
#     each document in both forms) and v3.15 (claircore's main.json, vunnel's
#     community.yaml), plus directories without files (v3.12, edge) that
#     list() must skip;
#   tree "json": the staged secdb JSON files as they are (claircore's
#     v3.10/community.json and v3.15/main.json, vulnerablecode's v3.11/main.json
#     and v3.3/community.json).
# The expected updater names and records are computed here by python3 from
# the same files: one record per (package, fixed version, id), source
# package, distribution "Alpine Linux" / "3.x" / "Alpine Linux v3.x", link
# https://security.alpinelinux.org/vuln/<id>, severity Unknown (reference
# §5.2, §5.3). Then conditional GETs (ETag and Last-Modified), and bad
# input: truncated, malformed and hostile documents, server errors -- each
# must fail with a three-part error and print nothing.
# SPDX-License-Identifier: Apache-2.0
set -u
. "${abs_top_srcdir:?run through make check}/tests/unit/updater-lib.sh"
A=$T/advisories/alpine
if [ ! -d "$A/alpine-secdb" ]; then
	echo "1..0 # SKIP no test data at $A"
	exit 0
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
	echo "1..0 # SKIP python3 with PyYAML is needed to read the YAML secdb files"
	exit 0
fi
plugin="$b/plugins/alpine/.libs"
www=$tmp/www

python3 - "$A" "$www" <<'EOF' || { echo "Bail out! could not stage the secdb trees"; exit 1; }
import glob, json, os, shutil, sys, yaml
A, www = sys.argv[1:]
def put_yaml(tree, rel, repo, path):
    os.makedirs(os.path.join(www, tree, rel), exist_ok=True)
    with open(path) as f:
        doc = yaml.safe_load(f)
    with open(os.path.join(www, tree, rel, repo + ".json"), "w") as f:
        json.dump(doc, f, indent=2)
def put_json(tree, rel, repo, path):
    os.makedirs(os.path.join(www, tree, rel), exist_ok=True)
    shutil.copyfile(path, os.path.join(www, tree, rel, repo + ".json"))
for p in sorted(glob.glob(A + "/alpine-secdb/v*/*.yaml")):
    put_yaml("mirror", os.path.basename(os.path.dirname(p)), os.path.basename(p)[:-5], p)
put_json("mirror", "v3.15", "main", A + "/claircore/testdata/v3_15_main_truncated.json")
put_yaml("mirror", "v3.15", "community", A + "/vunnel/secdb/v3.15/community.yaml")
for d in ("v3.12", "edge"):
    os.makedirs(os.path.join(www, "mirror", d), exist_ok=True)
shutil.copyfile(A + "/alpine-secdb/README.md", os.path.join(www, "mirror", "README.md"))
put_json("json", "v3.10", "community", A + "/claircore/testdata/fetch/v3.10/community.json")
put_json("json", "v3.15", "main", A + "/claircore/testdata/v3_15_main_truncated.json")
put_json("json", "v3.11", "main", A + "/vulnerablecode/v3.11/main.json")
put_json("json", "v3.3", "community", A + "/vulnerablecode/v3.3/community.json")
shutil.copyfile(A + "/claircore/testdata/fetch/last-update", os.path.join(www, "json", "last-update"))
os.makedirs(os.path.join(www, "empty", "pub"), exist_ok=True)
EOF

# The expected side: updater names (expect TREE names) and records (expect
# TREE records NAME) straight from the served JSON files.
expect() {
	python3 - "$www/$1" "$2" "${3:-}" <<'EOF'
import json, os, re, sys
root, what, name = sys.argv[1:]
if what == "names":
    out = []
    for rel in os.listdir(root):
        if re.fullmatch(r"v\d+\.\d+|edge", rel) and os.path.isdir(os.path.join(root, rel)):
            for repo in ("main", "community"):
                if os.path.isfile(os.path.join(root, rel, repo + ".json")):
                    out.append("alpine-%s-%s-updater" % (repo, rel))
    print("\n".join(sorted(out)))
    sys.exit(0)
m = re.fullmatch(r"alpine-(main|community)-(v\d+\.\d+|edge)-updater", name)
repo, rel = m.group(1), m.group(2)
with open(os.path.join(root, rel, repo + ".json")) as f:
    doc = json.load(f)
ver = "edge" if rel == "edge" else rel[1:]
lines = []
for p in doc["packages"] or []:
    for fixed, ids in (p["pkg"].get("secfixes") or {}).items():
        for i in ids or []:
            lines.append("\t".join([i, p["pkg"]["name"], "source", fixed, "alpine", "Alpine Linux", ver,
                                    "Alpine Linux " + rel, "https://security.alpinelinux.org/vuln/" + i,
                                    "", "Unknown", "", "null", "", ""]))
print("\n".join(sorted(lines)))
EOF
}

# run-updater's JSON lines as the same tab-separated records.
records() {
	python3 -c '
import json, sys
out = []
for line in sys.stdin:
    r = json.loads(line)
    if r["kind"] != "vulnerability":
        continue
    p, d = r["package"], r["distribution"]
    out.append("\t".join([r["name"], p["name"], p["kind"], r["fixed_in_version"], d["did"], d["name"],
                          d["version"], d["pretty_name"], r["links"], r["severity"], r["normalized_severity"],
                          r["description"], json.dumps(r["issued"]), r["arch_op"], p["arch"]]))
print("\n".join(sorted(out)))'
}

start_server "$www"
config() {
	printf '[plugin.alpine]\nurl = %s/%s/\n' "$url" "$1" >"$tmp/$1.ini"
	echo "$tmp/$1.ini"
}

total=0
for tree in mirror json; do
	ini=$(config $tree)
	"$run" -c "$ini" "$plugin" alpine alpine list >"$tmp/list.out" 2>"$tmp/list.err"
	cut -f2 "$tmp/list.out" | LC_ALL=C sort >"$tmp/names.got"
	expect $tree names >"$tmp/names.want"
	same_file "$tmp/names.got" "$tmp/names.want" "$tree: list() names every release/repo file the index leads to ($(wc -l <"$tmp/names.want") updaters)"
	while read -r name; do
		"$run" -c "$ini" "$plugin" alpine alpine update "$name" >"$tmp/up.out" 2>"$tmp/up.err"
		rc=$?
		records <"$tmp/up.out" >"$tmp/rec.got"
		expect $tree records "$name" >"$tmp/rec.want"
		count=$(grep -c . "$tmp/rec.want")
		total=$((total + count))
		if [ $rc -eq 0 ]; then
			same_file "$tmp/rec.got" "$tmp/rec.want" "$tree: $name: $count records as the file says"
		else
			fail "$tree: $name: exit $rc"
			sed 's/^/#   /' "$tmp/up.err"
		fi
	done <"$tmp/names.want"
done
check "$([ $total -gt 10000 ] && echo many)" many "the staged secdb files give $total records in all"

# Fingerprint and conditional requests (ETag, then Last-Modified).
ini=$(config json)
name=alpine-community-v3.10-updater
file=$www/json/v3.10/community.json
"$run" -c "$ini" "$plugin" alpine alpine update $name >"$tmp/up.out" 2>&1
fp=$(python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin][-1]["fingerprint"])' <"$tmp/up.out")
etag=$(python3 -c 'import os,sys; s=os.stat(sys.argv[1]); print("\"%x-%x\"" % (s.st_mtime_ns, s.st_size))' "$file")
check "$fp" "$etag" "the fingerprint is the server's ETag"
out=$("$run" -c "$ini" -p "$fp" "$plugin" alpine alpine update $name 2>"$tmp/err")
rc=$?
check "$rc:$out:$(tail -1 "$server_log" | cut -d' ' -f1-4)" "3::GET /json/v3.10/community.json 304 inm=$etag" \
	"the same ETag again: If-None-Match, 304, CLARO_ERR_UNCHANGED, nothing emitted"
lm=$(python3 -c 'import email.utils,os,sys; print(email.utils.formatdate(int(os.stat(sys.argv[1]).st_mtime), usegmt=True))' "$file")
out=$("$run" -c "$ini" -p "$lm" "$plugin" alpine alpine update $name 2>"$tmp/err")
rc=$?
check "$rc:$out:$(tail -1 "$server_log" | sed 's/ range=.*//')" "3::GET /json/v3.10/community.json 304 inm=- ims=$lm" \
	"a Last-Modified fingerprint is sent as If-Modified-Since: 304, unchanged"
touch -d '2030-01-01 00:00:00 UTC' "$file"
"$run" -c "$ini" -p "$fp" "$plugin" alpine alpine update $name >"$tmp/up.out" 2>"$tmp/err"
rc=$?
new=$(python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin][-1]["fingerprint"])' <"$tmp/up.out")
check "$rc:$([ "$new" != "$fp" ] && echo changed):$(records <"$tmp/up.out" | grep -c .)" \
	"0:changed:$(expect json records $name | grep -c .)" "a changed file is fetched and parsed again, with a new fingerprint"

# Bad input: each document is served as v9.1/main.json of tree "bad".
mkdir -p "$www/bad/v9.1"
ini=$(config bad)
bad_file() {
	cp "$2" "$www/bad/v9.1/main.json"
	fails_clearly "$1" "could not read the Alpine secdb" \
		"$run" -c "$ini" "$plugin" alpine alpine update alpine-main-v9.1-updater
}
bad() {
	printf '%s' "$2" >"$tmp/doc"
	bad_file "$1" "$tmp/doc"
}
real=$www/mirror/v3.10/main.json
head -c $(($(wc -c <"$real") / 2)) "$real" >"$tmp/half"
bad_file "truncated secdb (first half of v3.10/main)" "$tmp/half"
bad "empty body" ""
bad "not JSON (an HTML error page)" "<html><body>502 Bad Gateway</body></html>"
bad "JSON but no packages array" '{"distroversion": "v9.1", "reponame": "main"}'
bad "packages is an object" '{"packages": {"pkg": {"name": "x"}}}'
bad "a package without a name" '{"packages": [{"pkg": {"secfixes": {"1-r0": ["CVE-2020-1"]}}}]}'
bad "secfixes value is a string, not a list" '{"packages": [{"pkg": {"name": "x", "secfixes": {"1-r0": "CVE-2020-1"}}}]}'
bad "an id that is a number" '{"packages": [{"pkg": {"name": "x", "secfixes": {"1-r0": [2020]}}}]}'
bad "a valid fix before a bad one reports nothing" '{"packages": [{"pkg": {"name": "ok", "secfixes": {"1-r0": ["CVE-2020-1"]}}}, {"pkg": {"name": 7}}]}'
bad "a huge number" '{"packages": [], "n": 1e99999999}'
bad "a huge integer" '{"packages": [], "n": 123456789012345678901234567890}'
python3 -c 'import sys; sys.stdout.write("{\"packages\": " + "[" * 200000 + "]" * 200000 + "}")' >"$tmp/deep"
bad_file "200000 nested arrays" "$tmp/deep"
printf '{"packages": [{"pkg": {"name": "x\\u0000y", "secfixes": {}}}]}' >"$www/bad/v9.1/main.json"
fails_clearly "a NUL escaped in a name" "could not read the Alpine secdb" \
	"$run" -c "$ini" "$plugin" alpine alpine update alpine-main-v9.1-updater
echo 503 >"$www/bad/v9.1/main.json.status"
fails_clearly "the server answers 503" "could not fetch" \
	"$run" -c "$ini" "$plugin" alpine alpine update alpine-main-v9.1-updater
rm -f "$www/bad/v9.1/main.json.status"
fails_clearly "a release the server does not have (404)" "could not fetch" \
	"$run" -c "$ini" "$plugin" alpine alpine update alpine-community-v9.1-updater
fails_clearly "an updater name that is not Alpine's" "no updater" \
	"$run" -c "$ini" "$plugin" alpine alpine update alpine-main-v3.x-updater
ini=$(config empty)
fails_clearly "an index page without releases" "could not find any Alpine release" \
	"$run" -c "$ini" "$plugin" alpine alpine list
ini=$(config mirror)
stop_server
fails_clearly "the server is down" "could not fetch" \
	"$run" -c "$ini" "$plugin" alpine alpine update alpine-main-v3.10-updater
fails_clearly "the server is down (list)" "could not fetch" \
	"$run" -c "$ini" "$plugin" alpine alpine list

echo "1..$n"
[ $fails -eq 0 ]
