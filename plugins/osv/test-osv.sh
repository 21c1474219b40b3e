#!/bin/sh
# The OSV updater set end to end: plugins/osv/run-osv loads the plugin with
# the real loader, host and HTTP client and runs one updater against a
# loopback server (osv_oracle.py serve) that serves the real dumps of
# $CLARO_TESTDATA/advisories/osv/ in OSV's bucket layout (<Ecosystem>/all.zip):
#   - PyPI-all.zip (pypa/advisory-database) and claircore's two Maven dumps:
#     what was emitted equals what osv_oracle.py recomputes from the same
#     zip with Python's zipfile + json (every field, as multisets);
#   - Clair's own records for the same advisories (claircore's python matcher
#     fixture) agree on package, fixed_in_version, severity, issued, links;
#   - conditional GET: the ETag (or Last-Modified) becomes the fingerprint,
#     sent back next time; a 304 is UNCHANGED;
#   - normalised ranges with the versions plugin when it is built, and one
#     warning without it;
#   - hostile inputs (truncated zip, not a zip, malformed JSON, huge numbers,
#     deep nesting, wrong types, zip bombs, limits, 404, no records): a
#     three-part error and nothing emitted.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
src=${abs_top_srcdir:?run through make check}
td=${CLARO_TESTDATA:-/work/shared/testdata}
oracle="$src/plugins/osv/osv_oracle.py"
pypi="$td/advisories/osv/PyPI-all.zip"
maven="$td/advisories/osv/claircore/maven.zip"
if [ ! -f "$pypi" ] || [ ! -f "$maven" ]; then
	echo "1..0 # SKIP no OSV dumps in \$CLARO_TESTDATA"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 is needed for the loopback server and the oracle"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT
n=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -20 | sed 's/^/#   /'; }
# field of run-osv's summary line
field() { head -1 "$1" | python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(v if not isinstance(v, list) else ",".join(v))' "$2"; }

# The plugins: osv, and versions when it is built (copied: the loader wants
# one directory of regular files).
mkdir -p "$tmp/plugins" "$tmp/www/PyPI" "$tmp/www/Maven" "$tmp/www2/Maven" "$tmp/bad"
cp "$b/plugins/osv/.libs/osv.so" "$tmp/plugins/" || exit 1
have_versions=0
if [ -f "$b/plugins/versions/.libs/versions.so" ]; then
	cp "$b/plugins/versions/.libs/versions.so" "$tmp/plugins/" && have_versions=1
fi

# The served tree: OSV's layout, from the real dumps.
cp "$pypi" "$tmp/www/PyPI/all.zip"
python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
open(sys.argv[2], "wb").write(z.read("oval.fetch.maven1.zip"))
open(sys.argv[3], "wb").write(z.read("oval.fetch.maven2.zip"))' "$maven" "$tmp/www/Maven/all.zip" "$tmp/www2/Maven/all.zip" || exit 1
mkdir -p "$tmp/www/second/Maven" && cp "$tmp/www2/Maven/all.zip" "$tmp/www/second/Maven/all.zip"
python3 "$oracle" hostile "$tmp/www/bad" "$pypi" || exit 1

python3 "$oracle" serve "$tmp/www" "$tmp/port" 2>"$tmp/server.err" &
srv=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$tmp/port" ]; then
	echo "1..0 # SKIP the loopback server did not start: $(cat "$tmp/server.err")"
	exit 0
fi
base="http://127.0.0.1:$(cat "$tmp/port")"

# ini URL [extra lines...] -> $tmp/osv.ini
ini() {
	{
		printf '[plugin.osv]\nurl = %s\n' "$1"
		shift
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$tmp/osv.ini"
}
# run NAME PLUGINS UPDATER [PREV] -> $tmp/NAME.out, $tmp/NAME.err
run() {
	out=$1 plugins=$2 updater=$3
	shift 3
	"$b/plugins/osv/run-osv" "$tmp/plugins" "$plugins" "$tmp/osv.ini" "$updater" "$@" >"$tmp/$out.out" 2>"$tmp/$out.err"
}

echo "1..34"

# 1-6: PyPI, the real pypa advisory database as an OSV dump.
ini "$base/"
run pypi osv osv/pypi
if [ "$(field "$tmp/pypi.out" status)" = OK ]; then pass "osv/pypi runs ($(field "$tmp/pypi.out" count) vulnerabilities)"; else fail "osv/pypi runs" "$(cat "$tmp/pypi.out" "$tmp/pypi.err")"; fi
res=$(python3 "$oracle" compare "$tmp/www/PyPI/all.zip" PyPI "$tmp/pypi.out")
if [ $? -eq 0 ]; then pass "osv/pypi emitted exactly what the oracle recomputes from the zip: $(echo "$res" | tail -1 | sed 's/^# //')"; else fail "osv/pypi equals the oracle" "$res"; fi
res=$(python3 "$oracle" clair "$td/clair-fixtures/matcher/python/RHEL8.txtar" "$tmp/pypi.out")
if [ $? -eq 0 ]; then pass "osv/pypi agrees with Clair's own records: $(echo "$res" | tail -1 | sed 's/^# //')"; else fail "osv/pypi agrees with Clair's records" "$res"; fi
want=osv/pypi,osv/go,osv/npm,osv/maven,osv/rubygems,osv/crates.io
if [ "$(field "$tmp/pypi.out" updaters)" = "$want" ]; then pass "the set offers one updater per ecosystem, Clair's names, PyPI first"; else fail "updater names" "$(field "$tmp/pypi.out" updaters)"; fi
etag=$(field "$tmp/pypi.out" fingerprint)
want=\"$(md5sum "$tmp/www/PyPI/all.zip" | cut -d' ' -f1)\"
if [ "$etag" = "$want" ]; then pass "the fingerprint is the served ETag"; else fail "fingerprint is the ETag" "got $etag want $want"; fi
: >"$tmp/requests.log"
run pypi2 osv osv/pypi "$etag"
if [ "$(field "$tmp/pypi2.out" status)" = UNCHANGED ] && [ "$(field "$tmp/pypi2.out" emitted)" = 0 ] &&
	grep -q "^/PyPI/all.zip inm=$etag " "$tmp/requests.log"; then
	pass "with that fingerprint: If-None-Match sent, 304, UNCHANGED, nothing emitted"
else
	fail "conditional GET gives UNCHANGED" "$(cat "$tmp/pypi2.out" "$tmp/requests.log")"
fi

# 7-11: Maven (claircore's two real osv.dev dumps), a changed feed, Last-Modified.
run maven osv osv/maven
res=$(python3 "$oracle" compare "$tmp/www/Maven/all.zip" Maven "$tmp/maven.out")
if [ $? -eq 0 ]; then pass "osv/maven (first dump) equals the oracle: $(echo "$res" | tail -1 | sed 's/^# //')"; else fail "osv/maven equals the oracle" "$res"; fi
mfp=$(field "$tmp/maven.out" fingerprint)
ini "$base/second/"
run maven2 osv osv/maven "$mfp"
res=$(python3 "$oracle" compare "$tmp/www2/Maven/all.zip" Maven "$tmp/maven2.out")
if [ $? -eq 0 ] && [ "$(field "$tmp/maven2.out" fingerprint)" != "$mfp" ]; then pass "a changed dump with the old fingerprint is fetched and parsed: $(echo "$res" | tail -1 | sed 's/^# //')"; else fail "changed Maven dump" "$res"; fi
if grep -q 'severity' "$tmp/maven2.out" && python3 -c 'import json,sys
recs=[json.loads(l) for l in open(sys.argv[1])][1:]
sys.exit(0 if any(r["severity"] in ("HIGH","MODERATE","LOW","CRITICAL") for r in recs) and any(r["severity"].startswith("CVSS:3") for r in recs) else 1)' "$tmp/maven2.out"; then
	pass "Maven severities come from CVSS vectors and, without one, from database_specific.severity"
else
	fail "Maven severity sources" "$(head -3 "$tmp/maven2.out")"
fi
ini "$base/noetag/"
run lm osv osv/maven
lm=$(field "$tmp/lm.out" fingerprint)
case $lm in "Last-Modified: "*) pass "without an ETag the fingerprint is the Last-Modified date" ;; *) fail "Last-Modified fingerprint" "$lm" ;; esac
: >"$tmp/requests.log"
run lm2 osv osv/maven "$lm"
if [ "$(field "$tmp/lm2.out" status)" = UNCHANGED ] && grep -q "ims=${lm#Last-Modified: }" "$tmp/requests.log"; then
	pass "that fingerprint is sent as If-Modified-Since: 304, UNCHANGED"
else
	fail "If-Modified-Since gives UNCHANGED" "$(cat "$tmp/lm2.out" "$tmp/requests.log")"
fi

# 12-14: normalised ranges need the version schemes of the versions plugin.
ini "$base/"
if [ "$(grep -c 'no version scheme "pep440" is loaded' "$tmp/pypi.err")" = 1 ] &&
	python3 -c 'import json,sys
recs=[json.loads(l) for l in open(sys.argv[1])][1:]
sys.exit(0 if recs and all(r["range_lower"] == "" == r["range_upper"] for r in recs) else 1)' "$tmp/pypi.out"; then
	pass "without the versions plugin: no ranges, and one warning naming the missing scheme"
else
	fail "missing scheme warned once" "$(grep -i scheme "$tmp/pypi.err")"
fi
if [ $have_versions = 1 ] && run ranged osv,versions osv/pypi && [ "$(field "$tmp/ranged.out" status)" = OK ]; then
	res=$(python3 "$oracle" compare "$tmp/www/PyPI/all.zip" PyPI "$tmp/ranged.out")
	if [ $? -eq 0 ]; then pass "with versions loaded the records are the same apart from ranges"; else fail "records with versions" "$res"; fi
	res=$(python3 -c 'import json,sys
recs=[json.loads(l) for l in open(sys.argv[1])][1:]
def key(s): k, v = s.split(":"); return k, [int(x) for x in v.split(".")]
bad = []; n = 0
for r in recs:
    if not r["range_lower"]:
        continue
    n += 1
    (lk, lv), (uk, uv) = key(r["range_lower"]), key(r["range_upper"])
    if lk != "pep440" or uk != "pep440" or lv > uv or ("lastAffected=" in r["fixed_in_version"]):
        bad.append(r)
    if "fixed=" not in r["fixed_in_version"] and uv[0] != 65535:
        bad.append(r)
print("# %d of %d with pep440 ranges" % (n, len(recs)))
sys.exit(0 if n and not bad and n > len(recs) // 2 else 1)' "$tmp/ranged.out")
	if [ $? -eq 0 ]; then pass "pep440 ranges: lower <= upper, open ones end at 65535: $(echo "$res" | sed 's/^# //')"; else fail "pep440 ranges" "$res"; fi
else
	echo "ok 13 # SKIP versions plugin not built"
	echo "ok 14 # SKIP versions plugin not built"
	n=14
fi

# 15-16: SEMVER ranges (Go), on the PyPI records relabelled as Go with a
# SEMVER twin of every range: no real Go dump is in the test data.
python3 "$oracle" relabel "$pypi" "$tmp/www/Go/all.zip" Go
run go osv osv/go
res=$(python3 "$oracle" compare "$tmp/www/Go/all.zip" Go "$tmp/go.out")
if [ $? -eq 0 ] && grep -q 'no version scheme "semver"' "$tmp/go.err"; then pass "osv/go without semver: SEMVER intervals with fixed_in_version = fixed, ECOSYSTEM ranges skipped: $(echo "$res" | tail -1 | sed 's/^# //')"; else fail "osv/go without semver" "$res"; fi
if [ $have_versions = 1 ]; then
	run go2 osv,versions osv/go
	res=$(python3 "$oracle" compare-semver "$tmp/www/Go/all.zip" Go "$tmp/go2.out")
	if [ $? -eq 0 ]; then pass "osv/go with semver: ranges as Clair encodes them (last_affected + 1 patch, open = 65535, inverted dropped): $(echo "$res" | tail -1 | sed 's/^# //')"; else fail "osv/go with semver ranges" "$res"; fi
else
	n=$((n + 1))
	echo "ok $n # SKIP versions plugin not built"
fi

# 17-32: hostile and broken inputs: exit 1, a three-part error, nothing emitted.
# bad CASE STATUS WORDS [INI LINES...]
bad() {
	case=$1 status=$2 words=$3
	shift 3
	ini "$base/bad/$case/" "$@"
	run "bad-$case" osv osv/pypi
	rc=$?
	o="$tmp/bad-$case.out"
	if [ $rc = 1 ] && [ "$(field "$o" status)" = "$status" ] && [ "$(field "$o" emitted)" = 0 ] &&
		[ -n "$(field "$o" message)" ] && [ -n "$(field "$o" detail)" ] && [ -n "$(field "$o" hint)" ] &&
		printf '%s\n' "$(field "$o" detail)" | grep -qi -- "$words"; then
		pass "$case: $status, nothing emitted: $(field "$o" message) / $(field "$o" detail | cut -c1-110)"
	else
		fail "$case fails clearly with $status" "rc=$rc $(head -c 600 "$o")"
	fi
}
bad truncated INVALID 'zip\|central\|truncat\|unrecognized'
bad notzip INVALID 'zip\|unrecognized\|format'
bad malformed INVALID 'PYSEC-BROKEN.json'
bad hugeint INVALID 'PYSEC-HUGE.json.*too big'
bad hugereal INVALID 'PYSEC-HUGE.json.*overflow'
bad deep INVALID 'PYSEC-DEEP.json.*depth'
bad wrongtype INVALID '"affected" is not an array'
bad bomb TOO_LARGE 'max_entry_bytes'
bad liar TOO_LARGE 'max_entry_bytes'
bad many TOO_LARGE 'max_total_bytes' 'max_total_bytes = 8388608'
bad empty INVALID 'none is a .json record'
ini "$base/PyPI-is-not-here/"
run missing osv osv/pypi
if [ $? = 1 ] && [ "$(field "$tmp/missing.out" status)" = NETWORK ] && [ -n "$(field "$tmp/missing.out" hint)" ]; then
	pass "a 404 is a NETWORK error: $(field "$tmp/missing.out" message | cut -c1-100)"
else
	fail "404" "$(head -c 400 "$tmp/missing.out")"
fi
# The real dump against small limits: each limit is enforced.
for lim in "max_entries = 100:TOO_LARGE:max_entries" "max_total_bytes = 1048576:TOO_LARGE:max_total_bytes" \
	"max_entry_bytes = 1024:TOO_LARGE:max_entry_bytes" "max_download_bytes = 1048576:TOO_LARGE:"; do
	line=${lim%%:*} rest=${lim#*:}
	ini "$base/" "$line"
	run limit osv osv/pypi
	if [ $? = 1 ] && [ "$(field "$tmp/limit.out" status)" = "${rest%%:*}" ] && [ "$(field "$tmp/limit.out" emitted)" = 0 ] &&
		printf '%s\n%s\n' "$(field "$tmp/limit.out" detail)" "$(field "$tmp/limit.out" message)" | grep -q "${rest#*:}"; then
		pass "$line: ${rest%%:*} before anything is emitted"
	else
		fail "$line is enforced" "$(head -c 400 "$tmp/limit.out")"
	fi
done

# 33-34: configuration errors stop the plugin at load, with the key named.
ini "$base/" "ecosystems = PyPI, Hackage"
run cfg osv osv/pypi
if [ "$(field "$tmp/cfg.out" status)" = CONFIG ] && printf '%s\n' "$(field "$tmp/cfg.out" detail)" | grep -q Hackage; then pass "an unknown ecosystem is a CONFIG error naming it"; else fail "unknown ecosystem" "$(head -c 400 "$tmp/cfg.out")"; fi
ini "$base/" "ecosystems = maven,pypi"
run cfg2 osv osv/pypi
if [ "$(field "$tmp/cfg2.out" updaters)" = "osv/pypi,osv/maven" ] && [ "$(field "$tmp/cfg2.out" status)" = OK ]; then pass "ecosystems selects the updaters (any case, table order)"; else fail "ecosystems key" "$(head -c 400 "$tmp/cfg2.out")"; fi
