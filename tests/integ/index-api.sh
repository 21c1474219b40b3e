#!/bin/sh
# Integration test (TAP): Clair's index API on the built clarod, once on
# SQLite and once on a throwaway PostgreSQL cluster (tests/pgcluster.sh; that
# half is skipped without server binaries in $PG_BINDIR).
#
# Layers are real gzip'ed tars served over HTTP by python3's http.server on
# a random loopback port, indexed with the test plugin "alpha"
# (tests/plugins/alpha.c). It checks statuses, headers (Location, ETag,
# Link, 304, 412), the report content, caching (a re-post fetches nothing),
# IndexError reports, single and bulk delete, digest validation, and
# validates every JSON body against Clair's JSON Schemas
# (reference/clair-api/httptransport/types/v1) with tests/integ/jsonschema.py
# (standard library only), accepting the two documented quirks of Clair's
# wire format (lower-case package kind, "" for an absent CPE).
#
# SPDX-License-Identifier: Apache-2.0

set -u

: "${abs_top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${abs_top_srcdir:=$abs_top_builddir}"
clarod=$abs_top_builddir/clarod
plugdir=$abs_top_builddir/tests/plugins/.libs
validator=$abs_top_srcdir/tests/integ/jsonschema.py
pgcluster=$abs_top_srcdir/tests/pgcluster.sh
schemas=${CLAIR_SCHEMAS:-$abs_top_srcdir/../shared/reference/clair-api/httptransport/types/v1}
[ -d "$schemas" ] || schemas=/work/shared/reference/clair-api/httptransport/types/v1

for tool in curl python3 tar gzip sha256sum; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not installed"
		exit 0
	fi
done
if [ ! -x "$clarod" ] || [ ! -f "$plugdir/alpha.so" ]; then
	echo "1..0 # SKIP clarod or the alpha test plugin is not built"
	exit 0
fi
if [ ! -f "$schemas/index_report.schema.json" ]; then
	echo "1..0 # SKIP Clair's JSON schemas are not at $schemas (set CLAIR_SCHEMAS)"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-index-api.XXXXXX") || exit 99
pid=
blob_pid=
pgdir=
stop_clarod() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	pid=
}
cleanup() {
	stop_clarod
	if [ -n "$blob_pid" ]; then
		kill "$blob_pid" 2>/dev/null
		wait "$blob_pid" 2>/dev/null
	fi
	if [ -n "$pgdir" ]; then
		"$pgcluster" stop "$pgdir" >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

n=0
failures=0
ok() { # ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failures=$((failures + 1))
	fi
}
is() { # is GOT EXPECTED DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   got:      '$1'"
		echo "#   expected: '$2'"
	fi
}
has() { # has FILE TEXT DESCRIPTION
	if grep -F -q -- "$2" "$1"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   '$2' not found in:"
		sed 's/^/#     /' "$1" | head -20
	fi
}
bail() {
	echo "Bail out! $*"
	[ -f "$tmp/clarod.log" ] && sed 's/^/# /' "$tmp/clarod.log" | tail -40
	exit 1
}
fetch() { # fetch METHOD URL [curl options...]: $code, $tmp/body, $tmp/headers
	method=$1
	url=$2
	shift 2
	code=$(curl -sS --noproxy '*' --max-time 60 -X "$method" -o "$tmp/body" -D "$tmp/headers.raw" \
		-w '%{http_code}' "$@" "$url" 2>"$tmp/curl.err") || true
	tr -d '\r' <"$tmp/headers.raw" >"$tmp/headers" 2>/dev/null || : >"$tmp/headers"
}
header() { # header NAME: the first value of a response header
	grep -i "^$1:" "$tmp/headers" | head -1 | sed 's/^[^:]*: *//'
}
headers() { # headers NAME: every value, one per line
	grep -i "^$1:" "$tmp/headers" | sed 's/^[^:]*: *//'
}
valid() { # valid SCHEMA DESCRIPTION: the last body validates against Clair's schema
	if python3 "$validator" --clair-quirks "$schemas" "$1" "$tmp/body" >"$tmp/schema.out" 2>"$tmp/schema.err"; then
		ok 0 "$2"
	else
		ok 1 "$2"
		sed 's/^/#   /' "$tmp/schema.out" "$tmp/schema.err" | head -20
	fi
	sed 's/^/# /' "$tmp/schema.err" | sort -u
}
jq_py() { # jq_py EXPR: evaluate a python expression over the last body as d
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$tmp/body" 2>/dev/null
}

# ---- layers: real gzip'ed tars served over HTTP ----------------------------
mkdir -p "$tmp/l1/etc/alpha" "$tmp/l2/etc/alpha" "$tmp/blobs"
printf 'NAME=Alpha\nID=alpha\nVERSION_ID=1\nPRETTY_NAME="Alpha 1"\n' >"$tmp/l1/etc/os-release"
printf 'bash 5.1 x86_64\ncoreutils 9.1\n' >"$tmp/l1/etc/alpha/packages"
printf 'bash 5.2 x86_64\ncoreutils 9.1\nzlib 1.3\n' >"$tmp/l2/etc/alpha/packages"
for l in l1 l2; do
	(cd "$tmp/$l" && tar --owner=0 --group=0 -cf - etc) | gzip -n >"$tmp/blobs/$l.tar.gz" ||
		bail "could not build layer $l"
done
d1=sha256:$(sha256sum "$tmp/blobs/l1.tar.gz" | cut -d' ' -f1)
d2=sha256:$(sha256sum "$tmp/blobs/l2.tar.gz" | cut -d' ' -f1)
dmissing=sha256:$(printf 'not served' | sha256sum | cut -d' ' -f1)

(cd "$tmp/blobs" && exec python3 -u -m http.server --bind 127.0.0.1 0) >"$tmp/blobs.log" 2>&1 &
blob_pid=$!
tries=0
while ! grep -q "port" "$tmp/blobs.log" 2>/dev/null; do
	tries=$((tries + 1))
	[ $tries -le 100 ] || bail "the layer server did not start"
	sleep 0.1
done
blob_port=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$tmp/blobs.log" | head -1)
blobs=http://127.0.0.1:$blob_port
layer_gets() { grep -c 'GET /l[12].tar.gz' "$tmp/blobs.log"; }

manifest() { # manifest DIGEST LAYER... (LAYER = digest=path)
	m=$1
	shift
	printf '{"hash":"%s","layers":[' "$m"
	sep=
	for l in "$@"; do
		printf '%s{"hash":"%s","uri":"%s/%s","headers":{"X-Test":["1"]}}' "$sep" "${l%%=*}" "$blobs" "${l#*=}"
		sep=,
	done
	printf ']}'
}
man_a=sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
man_e=sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee
man_x=sha512:$(printf 'x%.0s' 1 2 | sha512sum | cut -d' ' -f1)
manifest "$man_a" "$d1=l1.tar.gz" "$d2=l2.tar.gz" >"$tmp/man_a.json"
manifest "$man_e" "$dmissing=missing.tar.gz" >"$tmp/man_e.json"
printf '{"hash":"%s","layers":[]}' "$man_x" >"$tmp/zero.json"
printf '{"hash":"%s","layers":[{"hash":"%s","uri":"file://%s/l1","media_type":"application/vnd.claircore.filesystem"}]}' \
	"$man_x" "$d1" "$tmp" >"$tmp/local.json"

# ---- one run of the whole API against one backend ---------------------------
start_clarod() { # start_clarod BACKEND STORE_LINES
	rm -f "$tmp/ports"
	cat >"$tmp/clarod.ini" <<INI
[clarod]
api_addr = 127.0.0.1:0
introspection_addr =
plugin_dir = $plugdir
shutdown_timeout = 10s
log_level = info
max_concurrent_requests = 1
debug_routes = true

[store]
$2

[plugins]
load = alpha
INI
	"$clarod" -c "$tmp/clarod.ini" --port-file "$tmp/ports" >"$tmp/clarod.log" 2>&1 &
	pid=$!
	tries=0
	while [ ! -s "$tmp/ports" ]; do
		kill -0 "$pid" 2>/dev/null || bail "clarod ($1) exited during start-up"
		tries=$((tries + 1))
		[ $tries -le 300 ] || bail "clarod ($1) did not start within 30 s"
		sleep 0.1
	done
	api=http://127.0.0.1:$(sed -n 's/^api=//p' "$tmp/ports")
}

run_api() { # run_api BACKEND
	b=$1
	ir=$api/indexer/api/v1/index_report

	fetch GET "$api/indexer/api/v1/index_state"
	is "$code" 200 "$b: GET index_state: 200"
	valid index_state.schema.json "$b: index_state validates against Clair's schema"
	state=$(jq_py 'd["state"]')
	ok "$(echo "$state" | grep -Eq '^[0-9a-f]{32}$'; echo $?)" "$b: the state is 32 hex digits"
	is "$(header ETag)" "\"$state\"" "$b: index_state's ETag is the quoted state"
	fetch GET "$api/indexer/api/v1/index_state" -H "If-None-Match: \"$state\""
	is "$code" 304 "$b: index_state with a matching If-None-Match: 304"

	gets_before=$(layer_gets)
	fetch POST "$ir" --data-binary @"$tmp/man_a.json"
	is "$code" 201 "$b: POST index_report: 201"
	valid index_report.schema.json "$b: the IndexReport validates against Clair's schema"
	is "$(header Location)" "/indexer/api/v1/index_report/$man_a" "$b: Location names the report"
	is "$(header ETag)" "\"$state\"" "$b: ETag is the quoted index state"
	headers Link >"$tmp/links"
	has "$tmp/links" "</indexer/api/v1/index_report/$man_a>; rel=\"https://projectquay.io/clair/v1/index_report\"" \
		"$b: Link to the index report"
	has "$tmp/links" \
		"</matcher/api/v1/vulnerability_report/$man_a>; rel=\"https://projectquay.io/clair/v1/vulnerability_report\"" \
		"$b: Link to the vulnerability report"
	is "$(jq_py 'd["state"]')" "IndexFinished" "$b: state IndexFinished"
	is "$(jq_py 'd["success"]')" "True" "$b: success"
	is "$(jq_py 'sorted(p["name"]+"="+p["version"] for p in d["packages"].values())')" \
		"['bash=5.2', 'coreutils=9.1', 'zlib=1.3']" "$b: the packages of the top layer's database"
	is "$(jq_py '[e["introduced_in"] for k,p in d["packages"].items() if p["name"]=="coreutils" for e in d["environments"][k]]')" \
		"['$d1']" "$b: coreutils was introduced in the first layer"
	is "$(jq_py 'sorted(x["did"] for x in d["distributions"].values())')" "['alpha']" "$b: the distribution"
	is "$(jq_py 'all(k == p["id"] and p["id"].isdigit() for k,p in d["packages"].items())')" "True" \
		"$b: package ids are decimal strings equal to their keys"
	is "$(jq_py '"repository" in d and "repositories" not in d')" "True" "$b: the repository key is singular"
	cp "$tmp/body" "$tmp/report_a.json"
	is "$(($(layer_gets) - gets_before))" 2 "$b: both layers were fetched once"

	fetch POST "$ir" --data-binary @"$tmp/man_a.json" -H "If-None-Match: \"$state\""
	is "$code" 412 "$b: POST with If-None-Match equal to the index state: 412"

	gets_before=$(layer_gets)
	fetch POST "$ir" --data-binary @"$tmp/man_a.json"
	is "$code" 201 "$b: re-posting an indexed manifest: 201 again"
	is "$(jq_py 'd["packages"] == json.load(open(sys.argv[1].replace("body","report_a.json")))["packages"]')" "True" \
		"$b: the same report"
	is "$(layer_gets)" "$gets_before" "$b: and no layer was fetched"

	fetch GET "$ir/$man_a"
	is "$code" 200 "$b: GET index_report/{digest}: 200"
	valid index_report.schema.json "$b: the stored report validates against Clair's schema"
	is "$(jq_py 'd == json.load(open(sys.argv[1].replace("body","report_a.json")))')" "True" \
		"$b: the stored report equals the POST's"
	is "$(header ETag)" "\"$state\"" "$b: GET's ETag is the index state (Clair's quirk)"
	fetch GET "$ir/$man_a" -H "If-None-Match: \"$state\""
	is "$code" 304 "$b: GET with a matching If-None-Match: 304"
	fetch GET "$ir/sha256:abc"
	is "$code" 400 "$b: GET with a malformed digest: 400"
	has "$tmp/body" '"code":"bad-request"' "$b: in Clair's error format"
	fetch GET "$ir/$man_e"
	is "$code" 404 "$b: GET of a manifest never indexed: 404"
	valid error.schema.json "$b: the error body validates against Clair's schema"

	fetch POST "$ir" --data-binary '{"hash":'
	is "$code" 400 "$b: POST malformed JSON: 400"
	fetch POST "$ir" --data-binary @"$tmp/zero.json"
	is "$code" 400 "$b: POST a manifest with zero layers: 400"
	fetch POST "$ir" --data-binary '{"hash":"sha256:nothex","layers":[]}'
	is "$code" 400 "$b: POST a malformed manifest digest: 400"
	fetch POST "$ir" --data-binary @"$tmp/local.json"
	is "$code" 400 "$b: a local directory layer is refused over the API"

	fetch POST "$ir" --data-binary @"$tmp/man_e.json"
	is "$code" 500 "$b: a layer that cannot be fetched: 500"
	has "$tmp/body" "failed to start scan" "$b: with Clair's message"
	fetch GET "$ir/$man_e"
	is "$code" 200 "$b: the failed report is stored"
	is "$(jq_py 'd["state"] + " " + str(d["success"])')" "IndexError False" "$b: as IndexError, success false"
	is "$(jq_py 'len(d["err"]) > 0')" "True" "$b: with the error text"
	valid index_report.schema.json "$b: the IndexError report validates against Clair's schema"

	fetch DELETE "$ir" --data-binary "[\"$man_e\",\"$man_x\"]"
	is "$code" 200 "$b: bulk DELETE: 200"
	valid bulk_delete.schema.json "$b: the answer validates against Clair's bulk_delete schema"
	is "$(jq_py 'd')" "['$man_e']" "$b: it lists only the digests actually deleted"
	fetch DELETE "$ir" --data-binary '["sha256:00"]'
	is "$code" 400 "$b: bulk DELETE of a malformed digest: 400"

	fetch DELETE "$ir/$man_a"
	is "$code" 204 "$b: DELETE index_report/{digest}: 204"
	fetch GET "$ir/$man_a"
	is "$code" 404 "$b: the report is gone"
	fetch DELETE "$ir/$man_a"
	is "$code" 204 "$b: DELETE of a manifest not stored: 204 too"

	fetch GET "$ir/$man_e" -H "Accept: text/html"
	is "$code" 415 "$b: GET index_report with an Accept it cannot satisfy: 415"
	fetch GET "$api/indexer/api/v1/index_state" -H "Accept: text/html"
	is "$code" 415 "$b: GET index_state with an Accept it cannot satisfy: 415"

	# Clair's limiter quirk (reference 1.1): with the only slot taken, GETs and
	# DELETE {digest} still pass, POST and the bulk DELETE are refused.
	curl -sS --noproxy '*' -o /dev/null -X POST "$api/debug/sleep?ms=2000" 2>/dev/null &
	sleeper=$!
	sleep 0.5
	fetch GET "$api/indexer/api/v1/index_state"
	is "$code" 200 "$b: index_state is not concurrency-limited"
	fetch GET "$ir/$man_e"
	is "$code" 404 "$b: GET index_report/{digest} is not concurrency-limited"
	fetch DELETE "$ir/$man_e"
	is "$code" 204 "$b: DELETE index_report/{digest} is not concurrency-limited"
	fetch DELETE "$ir" --data-binary '[]'
	is "$code" 429 "$b: the bulk DELETE is limited (Clair's quirk)"
	fetch POST "$ir" --data-binary @"$tmp/man_a.json"
	is "$code" 429 "$b: POST index_report is limited"
	has "$tmp/body" '"code":"too-many-requests"' "$b: 429 in Clair's error format"
	wait "$sleeper"

	gets_before=$(layer_gets)
	fetch POST "$ir" --data-binary @"$tmp/man_a.json"
	is "$code" 201 "$b: index again after the delete"
	is "$(($(layer_gets) - gets_before))" 2 "$b: its layers were deleted with it, so they are fetched again"
}

stop_checked() { # stop_checked BACKEND: SIGTERM, then clarod must exit 0 (sanitizer reports fail it)
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	status=$?
	pid=
	is "$status" 0 "$1: clarod exits 0 after SIGTERM"
	if [ "$status" -ne 0 ]; then
		sed 's/^/#   /' "$tmp/clarod.log" | tail -40
	fi
}

start_clarod sqlite "backend = sqlite
path = $tmp/db/claro.db"
run_api sqlite
stop_checked sqlite

if [ -x "${PG_BINDIR:-}/initdb" ]; then
	pgdir=$(mktemp -d "${TMPDIR:-/tmp}/claro-pg.XXXXXX") || bail "no directory for the cluster"
	if "$pgcluster" start "$pgdir" >/dev/null 2>"$tmp/pg.err"; then
		start_clarod postgres "backend = postgres
conninfo = host=$pgdir user=postgres dbname=postgres"
		run_api postgres
		stop_checked postgres
	else
		ok 1 "postgres: start a throwaway cluster"
		sed 's/^/#   /' "$tmp/pg.err"
	fi
else
	echo "# SKIP the PostgreSQL half: no server binaries (PG_BINDIR='${PG_BINDIR:-}')"
fi

echo "1..$n"
[ "$failures" -eq 0 ]
