#!/bin/sh
# The rhel plugin's rhel-vex updater set, run by tests/unit/run-updater
# against a loopback server (tests/unit/feed-server.py) serving Red Hat VEX
# feed trees built here from the real files:
#   tree "cc":  claircore's VEX test server (advisories/rhel/claircore-vex/
#               server.txtar: archive_latest.txt, changes.csv, deletions.csv,
#               two changed documents) with its real archive
#               csaf_vex_2023-10-31.tar.zst, Last-Modified as the txtar says;
#   tree "rt":  claircore's test/rhel server (clair-fixtures/test-rhel/
#               server.txtar) with its empty archive;
#   tree "all": every staged Red Hat VEX document (Clair's acceptance
#               documents, claircore's parser test documents and older
#               revisions, the servers' documents) packed here into one
#               <year>/<cve>.json tar.zst, plus one copy under 2014/ (years
#               before 2015 are skipped), a changes.csv naming two documents
#               (one changed since the archive, one before it) and a
#               deletions.csv deleting one archived document.
# The expected records and deletes are computed by plugins/rhel/vex_oracle.py
# from the same files (a separate reading of claircore's rhel/vex parser and
# fetcher, reference §5.2). Then: the fingerprint (Clair's "changes ETag \
# deletions ETag \ request time \ 6") and conditional requests, delta runs,
# a version change, Clair's acceptance CSVs (every affected Red Hat product
# is a record), and bad input -- a truncated archive, malformed JSON, deep
# nesting, huge numbers, a zstd bomb, hostile paths and lists, server errors
# -- each a three-part error with nothing printed.
# SPDX-License-Identifier: Apache-2.0
set -u
. "${abs_top_srcdir:?run through make check}/tests/unit/updater-lib.sh"
R=$T/advisories/rhel
A=$T/clair-fixtures/acceptance
if [ ! -f "$R/claircore-vex/server.txtar" ] || [ ! -d "$A" ]; then
	echo "1..0 # SKIP no test data at $R"
	exit 0
fi
if ! command -v zstd >/dev/null 2>&1; then
	echo "1..0 # SKIP the zstd program is needed to build and read the test archives"
	exit 0
fi
plugin="$b/plugins/rhel/.libs"
oracle="$src/plugins/rhel/vex_oracle.py"
www=$tmp/www

python3 "$src/plugins/rhel/vex_stage.py" "$T" "$www" || { echo "Bail out! could not stage the VEX feed trees"; exit 1; }

# run-updater's JSON lines as the oracle's records and deletes; ranges are
# not in run-updater's output, so they are cut from the oracle's.
got() {
	python3 -c '
import json, sys
out = []
for line in sys.stdin:
    r = json.loads(line)
    if r["kind"] == "vulnerability":
        p, rp = r["package"], r["repository"] or {}
        out.append("record " + json.dumps([r["name"], p["name"], p["kind"], p["module"], p["arch"], r["arch_op"],
            r["fixed_in_version"], rp.get("name", ""), rp.get("key", ""), rp.get("cpe", ""), r["links"],
            r["severity"], r["normalized_severity"], r["description"], r["issued"]]))
    elif r["kind"] == "delete":
        out.append("delete " + r["name"])
recs = sorted(l for l in out if l.startswith("record "))
dels = sorted(set(l for l in out if l.startswith("delete ")))
print("\n".join(recs + dels))'
}
want() {
	python3 "$oracle" run "$@" | python3 -c '
import json, sys
for line in sys.stdin:
    line = line.rstrip("\n")
    if line.startswith("record "):
        line = "record " + json.dumps(json.loads(line[7:])[:15])
    print(line)'
}
fingerprint() { python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin][-1]["fingerprint"])' <"$1"; }
etag() { python3 -c 'import os,sys; s=os.stat(sys.argv[1]); print("\"%x-%x\"" % (s.st_mtime_ns, s.st_size))' "$1"; }

start_server "$www"
config() {
	printf '[plugin.rhel]\nvex_url = %s/%s/\n%s' "$url" "$1" "${2:-}" >"$tmp/$1.ini"
	echo "$tmp/$1.ini"
}

"$run" "$plugin" rhel rhel-vex list >"$tmp/list.out" 2>&1
check "$(cat "$tmp/list.out")" "$(printf 'updater\trhel-vex\t2')" "list(): one delta updater, rhel-vex"

# Full loads of the three trees.
for tree in cc rt all; do
	ini=$(config $tree)
	: >"$server_log"
	"$run" -c "$ini" "$plugin" rhel rhel-vex update rhel-vex >"$tmp/$tree.out" 2>"$tmp/$tree.err"
	rc=$?
	got <"$tmp/$tree.out" >"$tmp/$tree.got"
	want "$www/$tree" >"$tmp/$tree.want"
	nrec=$(grep -c '^record ' "$tmp/$tree.want")
	ndel=$(grep -c '^delete ' "$tmp/$tree.want")
	if [ $rc -eq 0 ]; then
		same_file "$tmp/$tree.got" "$tmp/$tree.want" "$tree: full load: $nrec records and $ndel deletes as the feed says"
	else
		fail "$tree: full load: exit $rc"
		sed 's/^/#   /' "$tmp/$tree.err" | head -5
	fi
	fp=$(fingerprint "$tmp/$tree.out")
	printf '%s\n' "$fp" >"$tmp/$tree.fp"
	want_fp="$(etag "$www/$tree/changes.csv")\\$(etag "$www/$tree/deletions.csv")\\"
	case "$fp" in
	"$want_fp"????-??-??T??:??:??Z\\6) pass "$tree: the fingerprint is Clair's: ETags, request time, version 6" ;;
	*) fail "$tree: fingerprint $fp (want $want_fp<time>\\6)" ;;
	esac
done
check "$(grep -c '^record ' "$tmp/all.want" | awk '{print ($1 > 1000) ? "many" : $1}')" many \
	"all: the staged documents give $(grep -c '^record ' "$tmp/all.want") records"
check "$(grep -c '^delete CVE-2014-0001$' "$tmp/all.got"):$(grep -c '"CVE-2014-0001"' "$tmp/all.got")" "0:0" \
	"all: documents of years before 2015 are skipped"
check "$(grep -c '^delete CVE-2026-2673$' "$tmp/all.got"):$(grep -c '\["CVE-2026-2673"' "$tmp/all.got")" "1:0" \
	"all: a deletion after the archive deletes its name and drops the archived copy"
check "$(grep -c '\["CVE-2026-2297"' "$tmp/all.got" | awk '{print ($1 > 0)}')" 1 \
	"all: a deletion before the archive is not applied"
check "$(grep 'GET /all/' "$server_log" | cut -d' ' -f2 | sort | tr '\n' ' ')" \
	"/all/2025/cve-2025-40907.json /all/archive_latest.txt /all/changes.csv /all/csaf_vex_2026-03-01.tar.zst /all/deletions.csv " \
	"all: only documents changed since the archive's Last-Modified are fetched"

# Clair's acceptance CSVs: every row about a Red Hat document names a
# product our records carry (Clair appends "#<product id>" to the links).
python3 - "$A" "$tmp/all.got" >"$tmp/accept.out" <<'EOF'
import csv, glob, json, os, sys, urllib.parse
A, got = sys.argv[1:]
products = set()
for line in open(got):
    if line.startswith("record "):
        r = json.loads(line[7:])
        if "#" in r[10]:
            products.add((r[0], urllib.parse.unquote(r[10].rsplit("#", 1)[1])))
redhat = set()
for p in glob.glob(A + "/*.json"):
    d = json.load(open(p))
    if d["document"]["publisher"].get("namespace") == "https://www.redhat.com":
        redhat.add(d["document"]["tracking"]["id"])
rows = ok = 0
for p in sorted(glob.glob(A + "/*.csv")):
    for row in csv.reader(l for l in open(p) if l.strip() and not l.startswith("#")):
        cve, product, status = row
        if cve not in redhat or status != "affected":
            continue
        rows += 1
        if (cve, product) in products:
            ok += 1
        else:
            print("missing", cve, product)
print("rows", rows, ok)
EOF
check "$(tail -1 "$tmp/accept.out")" "rows 1 1" "Clair's acceptance CSVs: the affected Red Hat product is a record"
sed '$d' "$tmp/accept.out" | sed 's/^/#   /'

# The fingerprint back: both lists answer 304, nothing else is fetched.
ini=$(config cc)
: >"$server_log"
out=$("$run" -c "$ini" -p "$(cat "$tmp/cc.fp")" "$plugin" rhel rhel-vex update rhel-vex 2>"$tmp/err")
rc=$?
check "$rc:$out:$(cut -d' ' -f1-3 "$server_log" | tr '\n' ' ')" \
	"3::GET /cc/changes.csv 304 GET /cc/deletions.csv 304 " "cc: the same fingerprint again: unchanged, two conditional GETs"

# A delta: changes.csv and deletions.csv changed since; only the lists and
# the changed documents are fetched, from the fingerprint's time.
since=2023-12-11T12:00:00Z
fp="$(etag "$www/cc/changes.csv")\\$(etag "$www/cc/deletions.csv")\\$since\\6"
printf '"2023/cve-2023-0044.json","2023-12-12T00:00:00+00:00"\n"2023/cve-2023-0118.json","2023-12-10T00:00:00+00:00"\n' >"$www/cc/changes.csv"
printf '"2023/cve-2023-0118.json","2023-12-13T00:00:00+00:00"\n' >"$www/cc/deletions.csv"
touch -d '2024-01-01' "$www/cc/changes.csv" "$www/cc/deletions.csv"
: >"$server_log"
"$run" -c "$ini" -p "$fp" "$plugin" rhel rhel-vex update rhel-vex >"$tmp/delta.out" 2>"$tmp/delta.err"
rc=$?
got <"$tmp/delta.out" >"$tmp/delta.got"
want "$www/cc" "$since" >"$tmp/delta.want"
if [ $rc -eq 0 ]; then
	same_file "$tmp/delta.got" "$tmp/delta.want" "cc: delta from the fingerprint's time: $(grep -c '^record ' "$tmp/delta.want") records, $(grep -c '^delete ' "$tmp/delta.want") deletes"
else
	fail "cc: delta: exit $rc"
	sed 's/^/#   /' "$tmp/delta.err" | head -5
fi
check "$(cut -d' ' -f1-3 "$server_log" | tr '\n' ' ')" \
	"GET /cc/changes.csv 200 GET /cc/deletions.csv 200 GET /cc/2023/cve-2023-0044.json 200 " \
	"cc: a delta fetches the lists and the changed document only (not the archive)"
case "$(fingerprint "$tmp/delta.out")" in
"$(etag "$www/cc/changes.csv")\\$(etag "$www/cc/deletions.csv")\\"*\\6) pass "cc: the delta's fingerprint has the new ETags" ;;
*) fail "cc: delta fingerprint $(fingerprint "$tmp/delta.out")" ;;
esac

# Another version in the fingerprint (Clair's rule): the whole archive again.
: >"$server_log"
"$run" -c "$ini" -p "$(etag "$www/cc/changes.csv")\\x\\2023-12-11T00:00:00Z\\5" -s "$plugin" rhel rhel-vex update rhel-vex >/dev/null 2>&1
check "$(grep -c 'GET /cc/csaf_vex_2023-10-31.tar.zst 200' "$server_log")" 1 "a fingerprint of another version loads the archive again"
: >"$server_log"
"$run" -c "$ini" -p "not a fingerprint" -s "$plugin" rhel rhel-vex update rhel-vex >/dev/null 2>&1
check "$(grep -c 'GET /cc/csaf_vex_2023-10-31.tar.zst 200' "$server_log")" 1 "an unreadable fingerprint loads the archive again"

# ---- bad input: a three-part error and nothing printed ----
bad=$www/bad
mkdir -p "$bad"
make_tree() { # NAME: a copy of tree "cc" to damage
	rm -rf "${bad:?}/$1"
	cp -R "$www/cc" "$bad/$1"
	cp -p "$www/cc/csaf_vex_2023-10-31.tar.zst" "$bad/$1/"
	printf '' >"$bad/$1/changes.csv"
	printf '' >"$bad/$1/deletions.csv"
}
# pack NAME ENTRY-FILE...: an archive of the given (name=path) members, zstd
pack() {
	dir=$1
	shift
	python3 - "$bad/$dir/csaf_vex_2023-10-31.tar.zst" "$@" <<'EOF'
import io, os, subprocess, sys, tarfile
out, members = sys.argv[1], sys.argv[2:]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
    for m in members:
        name, path = m.split("=", 1)
        data = open(path, "rb").read()
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
with open(out, "wb") as f:
    f.write(subprocess.run(["zstd", "-q", "-c", "-"], input=buf.getvalue(), check=True, stdout=subprocess.PIPE).stdout)
EOF
	touch -d '2023-12-11' "$bad/$dir/csaf_vex_2023-10-31.tar.zst"
}
bad_ini() { printf '[plugin.rhel]\nvex_url = %s/bad/%s/\n%s' "$url" "$1" "${2:-}" >"$tmp/bad-$1.ini"; echo "$tmp/bad-$1.ini"; }
try() { # MSG PATTERN TREE [EXTRA CONFIG]
	fails_clearly "$1" "$2" "$run" -c "$(bad_ini "$3" "${4:-}")" "$plugin" rhel rhel-vex update rhel-vex
}
simple=$R/claircore-vex/cve-2024-24786-simple.json

make_tree trunc
size=$(wc -c <"$www/cc/csaf_vex_2023-10-31.tar.zst")
head -c $((size / 2)) "$www/cc/csaf_vex_2023-10-31.tar.zst" >"$bad/trunc/csaf_vex_2023-10-31.tar.zst"
touch -d '2023-12-11' "$bad/trunc/csaf_vex_2023-10-31.tar.zst"
try "a truncated archive" "damaged VEX archive\|truncated" trunc

make_tree notzst
printf 'this is not an archive\n' >"$bad/notzst/csaf_vex_2023-10-31.tar.zst"
try "an archive that is no tar.zst" "damaged VEX archive" notzst

make_tree badjson
head -c 3000 "$simple" >"$tmp/cut.json"
pack badjson "2024/cve-2024-24786.json=$simple" "2024/cve-2024-0001.json=$tmp/cut.json"
try "malformed JSON inside the archive" "malformed JSON" badjson

make_tree deep
python3 -c 'import sys; sys.stdout.write("{\"document\":{\"tracking\":{\"id\":\"CVE-2024-1\"}},\"x\":" + "[" * 5000 + "]" * 5000 + "}")' >"$tmp/deep.json"
pack deep "2024/cve-2024-1000.json=$tmp/deep.json"
try "JSON nested 5000 deep" "malformed JSON" deep

make_tree huge
python3 - "$simple" "$tmp/huge.json" <<'EOF'
import sys
t = open(sys.argv[1]).read().replace('"baseScore": 5.9', '"baseScore": 1e999', 1)
assert "1e999" in t
open(sys.argv[2], "w").write(t)
EOF
pack huge "2024/cve-2024-24786.json=$tmp/huge.json"
try "a number too large for a double" "malformed JSON" huge

make_tree bigint
sed 's/"baseScore": 5.9/"baseScore": 123456789012345678901234567890/' "$simple" >"$tmp/bigint.json"
pack bigint "2024/cve-2024-24786.json=$tmp/bigint.json"
try "an integer too large" "malformed JSON" bigint

make_tree shape
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["vulnerabilities"][0]["product_status"]["fixed"]="all"; print(json.dumps(d))' "$simple" >"$tmp/shape.json"
pack shape "2024/cve-2024-24786.json=$tmp/shape.json"
try "a field of the wrong type" "malformed CSAF VEX document" shape

make_tree loop
python3 - "$simple" "$tmp/loop.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
rels = d["product_tree"]["relationships"]
r = rels[0]
pid = r["full_product_name"]["product_id"]
rels.append({"category": "default_component_of", "full_product_name": {"name": "x", "product_id": r["relates_to_product_reference"]},
             "product_reference": pid, "relates_to_product_reference": "y"})
json.dump(d, open(sys.argv[2], "w"))
EOF
pack loop "2024/cve-2024-24786.json=$tmp/loop.json"
try "relationships that loop" "malformed CSAF VEX document" loop

make_tree noyear
pack noyear "README.json=$simple"
try "an archive entry outside a year directory" "unexpected entry" noyear

make_tree bomb
python3 - "$bad/bomb/csaf_vex_2023-10-31.tar.zst" <<'EOF'
import subprocess, sys, tarfile
# 16 entries of 64 MiB of zeros: about 1 GiB decompressed, a few kB here
p = subprocess.Popen(["zstd", "-q", "-19", "-c", "-", "-o", sys.argv[1], "-f"], stdin=subprocess.PIPE)
with tarfile.open(fileobj=p.stdin, mode="w|") as tf:
    zeros = b"\0" * (1 << 20)
    class Zero:
        def __init__(self, n): self.left = n
        def read(self, k):
            k = min(k, self.left, len(zeros)); self.left -= k; return zeros[:k]
    for i in range(16):
        ti = tarfile.TarInfo("2024/cve-2024-%04d.json" % (1000 + i))
        ti.size = 64 << 20
        tf.addfile(ti, Zero(ti.size))
p.stdin.close()
sys.exit(p.wait())
EOF
touch -d '2023-12-11' "$bad/bomb/csaf_vex_2023-10-31.tar.zst"
printf '# %s bytes of archive\n' "$(wc -c <"$bad/bomb/csaf_vex_2023-10-31.tar.zst")"
try "a zstd bomb: an entry past vex_max_document_bytes" "too large" bomb "vex_max_document_bytes = 1048576
"
try "a zstd bomb: more than vex_max_total_bytes decompressed" "too much data" bomb "vex_max_total_bytes = 8388608
vex_max_document_bytes = 134217728
"

make_tree many
pack many "2024/cve-2024-24786.json=$simple" "2024/cve-2024-24787.json=$simple" "2024/cve-2024-24788.json=$simple"
try "more documents than vex_max_documents" "too many documents" many "vex_max_documents = 2
"
try "an archive past vex_max_archive_bytes" "could not fetch .*tar.zst" many "vex_max_archive_bytes = 100
"

make_tree badname
printf '../../etc/passwd\n' >"$bad/badname/archive_latest.txt"
try "archive_latest.txt naming a path outside the feed" "does not name an archive" badname

make_tree badcsv
printf '"2023/cve-2023-0044.json","2023-12-12T00:00:00+00:00"\n2023/x"y.json,2023-12-12T00:00:00Z\n' >"$bad/badcsv/changes.csv"
try "changes.csv with a bare quote" "malformed VEX change list" badcsv

make_tree fields
printf '"2023/cve-2023-0044.json","2023-12-12T00:00:00+00:00","extra"\n' >"$bad/fields/deletions.csv"
try "deletions.csv with three fields" "malformed VEX change list" fields

make_tree badtime
printf '"2023/cve-2023-0044.json","yesterday"\n' >"$bad/badtime/changes.csv"
try "changes.csv with a time that is not RFC 3339" "malformed VEX change list" badtime

make_tree escape
printf '"../../../../etc/passwd","2023-12-12T00:00:00+00:00"\n' >"$bad/escape/changes.csv"
try "changes.csv naming a path outside the feed" "malformed VEX change list" escape

make_tree gone
printf '"2023/cve-2023-9999.json","2023-12-12T00:00:00+00:00"\n' >"$bad/gone/changes.csv"
try "a changed document the server does not have (404)" "could not fetch .*cve-2023-9999.json" gone

make_tree unavailable
echo 503 >"$bad/unavailable/deletions.csv.status"
try "deletions.csv answering 503" "could not fetch .*deletions.csv" unavailable

make_tree nolatest
rm "$bad/nolatest/archive_latest.txt"
try "no archive_latest.txt" "could not fetch .*archive_latest.txt" nolatest

echo "1..$n"
[ $fails -eq 0 ]
