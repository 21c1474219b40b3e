#!/bin/sh
# Integration test (TAP): the built clarod on random loopback ports with a
# throwaway SQLite database, driven with curl. It checks health, readiness,
# metrics, Clair's error format, the body and concurrency limits, the
# discovery endpoints, the plugin listing and a graceful SIGTERM.
#
# Uses the test plugins of tests/plugins when they are built, else an empty
# plugin directory. POST /debug/sleep is a test-only route, enabled here
# with [clarod] debug_routes = true.
# SPDX-License-Identifier: Apache-2.0

set -u

: "${abs_top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${abs_top_srcdir:=$abs_top_builddir}"
srcdir_top=$abs_top_srcdir
clarod=$abs_top_builddir/clarod

if ! command -v curl >/dev/null 2>&1; then
	echo "1..0 # SKIP curl is not installed"
	exit 0
fi
if [ ! -x "$clarod" ]; then
	echo "1..0 # SKIP $clarod is not built"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-integ.XXXXXX") || exit 99
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
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
has() { # has FILE TEXT DESCRIPTION: FILE contains TEXT (fixed string)
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
	if [ -f "$tmp/clarod.log" ]; then
		sed 's/^/# /' "$tmp/clarod.log"
	fi
	exit 1
}

# fetch METHOD URL [curl options...]: sets $code; the body is in $tmp/body,
# the headers in $tmp/headers (CR removed).
fetch() {
	method=$1
	url=$2
	shift 2
	code=$(curl -sS --noproxy '*' --max-time 20 -X "$method" -o "$tmp/body" -D "$tmp/headers.raw" \
		-w '%{http_code}' "$@" "$url" 2>"$tmp/curl.err") || true
	tr -d '\r' <"$tmp/headers.raw" >"$tmp/headers" 2>/dev/null || : >"$tmp/headers"
}
header() { # header NAME: the value of a response header of the last fetch
	grep -i "^$1:" "$tmp/headers" | head -1 | sed 's/^[^:]*: *//'
}

# ---- the plugins this run loads ----------------------------------------------
plugdir=$abs_top_builddir/tests/plugins/.libs
expected_plugins=
if ls "$plugdir"/*.so >/dev/null 2>&1; then
	for so in "$plugdir"/*.so; do
		name=$(basename "$so" .so)
		expected_plugins="$expected_plugins $name"
	done
else
	plugdir=$tmp/plugins
	mkdir -p "$plugdir"
fi
n_plugins=$(echo $expected_plugins | wc -w | tr -d ' ')

cat >"$tmp/clarod.ini" <<EOF
[clarod]
api_addr = 127.0.0.1:0
introspection_addr = 127.0.0.1:0
plugin_dir = $plugdir
max_body = 1k
max_concurrent_requests = 1
shutdown_timeout = 10s
debug_routes = true
log_level = debug

[store]
backend = sqlite
path = $tmp/db/claro.db

# Hermetic: no update round against the test plugins' feeds (or the internet).
[updaters]
enabled = false
EOF
# The test plugins' required keys (tests/plugins/beta.c needs a feed URL;
# nothing is fetched: no updater runs in this test).
case " $expected_plugins " in
*" beta "*) printf '\n[plugin.beta]\nurl = http://127.0.0.1:9/feed/\n' >>"$tmp/clarod.ini" ;;
esac

# ---- the command line ------------------------------------------------------
"$clarod" --help >"$tmp/help" 2>&1
ok $? "clarod --help exits 0"
has "$tmp/help" "--check-config" "--help documents --check-config"

"$clarod" -c "$tmp/clarod.ini" --check-config >"$tmp/check" 2>&1
ok $? "--check-config accepts the test configuration"
has "$tmp/check" "max_concurrent_requests = 1" "--check-config prints the effective configuration"

printf '[clarod]\nno_such_key = 1\n' >"$tmp/bad.ini"
"$clarod" -c "$tmp/bad.ini" --check-config >"$tmp/bad.out" 2>&1
status=$?
is "$status" 1 "--check-config exits 1 on an unknown key"
has "$tmp/bad.out" "no_such_key" "and names the key"

# ---- start -----------------------------------------------------------------
"$clarod" -c "$tmp/clarod.ini" --port-file "$tmp/ports" >"$tmp/clarod.log" 2>&1 &
pid=$!
tries=0
while [ ! -s "$tmp/ports" ]; do
	kill -0 "$pid" 2>/dev/null || bail "clarod exited during start-up"
	tries=$((tries + 1))
	[ $tries -le 200 ] || bail "clarod did not write its port file within 20 s"
	sleep 0.1
done
api_port=$(sed -n 's/^api=//p' "$tmp/ports")
intro_port=$(sed -n 's/^introspection=//p' "$tmp/ports")
api=http://127.0.0.1:$api_port
intro=http://127.0.0.1:$intro_port
[ -n "$api_port" ] && [ -n "$intro_port" ] || bail "port file incomplete"
has "$tmp/clarod.log" "listening on http://127.0.0.1:$api_port (api)" "the log names the API address"
has "$tmp/clarod.log" "listening on http://127.0.0.1:$intro_port (introspection)" \
	"the log names the introspection address"
ok "$(test -f "$tmp/db/claro.db"; echo $?)" "the SQLite database was created with its directory"

# ---- introspection -------------------------------------------------------------
fetch GET "$intro/healthz"
is "$code" 200 "GET /healthz: 200"
is "$(cat "$tmp/body")" "ok" "/healthz says ok"

fetch GET "$intro/readyz"
is "$code" 200 "GET /readyz: 200 once listening with a working store"
is "$(wc -c <"$tmp/body" | tr -d ' ')" 0 "/readyz has an empty body"
is "$(header Cache-Control)" "no-store" "/readyz is not cacheable"

fetch POST "$intro/readyz"
is "$code" 405 "POST /readyz: 405"
has "$tmp/body" '"code":"method-not-allowed"' "405 in Clair's error format"

# ---- discovery ---------------------------------------------------------------
fetch GET "$api/robots.txt"
is "$code" 200 "GET /robots.txt: 200"
has "$tmp/body" "User-agent: *" "robots.txt addresses every agent"
has "$tmp/body" "Disallow: /" "robots.txt disallows everything"

etag=$(tr -d ' \r\n' <"$srcdir_top/core/openapi/openapi.etag")
version=$(sed -n 's/^  "openapi": *"\([^"]*\)".*/\1/p' "$srcdir_top/core/openapi/openapi.json" | head -1)
fetch GET "$api/openapi/v1"
is "$code" 200 "GET /openapi/v1: 200"
is "$(header ETag)" "$etag" "/openapi/v1 carries Clair's fixed ETag"
case $(header Content-Type) in
*json) ok 0 "/openapi/v1 defaults to JSON" ;;
*) ok 1 "/openapi/v1 defaults to JSON (got $(header Content-Type))" ;;
esac
has "$tmp/body" "{\"openapi\":\"$version\"" "the JSON document is Clair's, compacted"

fetch GET "$api/openapi/v1" -H "If-None-Match: $etag"
is "$code" 304 "/openapi/v1 with a matching If-None-Match: 304"

fetch GET "$api/openapi/v1" -H "Accept: application/yaml"
is "$code" 200 "/openapi/v1 as YAML: 200"
is "$(header Content-Type)" "application/yaml" "YAML content type"
is "$(head -c 8 "$tmp/body")" "openapi:" "the YAML document"

fetch GET "$api/openapi/v1" -H "Accept: text/html"
is "$code" 415 "/openapi/v1 with no acceptable type: 415"
has "$tmp/body" '"code":"internal-error"' "415 maps to internal-error"

# ---- errors ------------------------------------------------------------------
fetch GET "$api/no/such/endpoint"
is "$code" 404 "unknown path: 404"
has "$tmp/body" '"code":"not-found"' "404 body has code not-found"
has "$tmp/body" '"message":' "404 body has a message"
is "$(header Content-Type)" "application/json" "errors are application/json"
is "$(header X-Content-Type-Options)" "nosniff" "errors carry X-Content-Type-Options: nosniff"

fetch DELETE "$api/robots.txt"
is "$code" 405 "wrong method: 405"
has "$tmp/body" '"code":"method-not-allowed"' "405 body has code method-not-allowed"
is "$(header Allow)" "GET, HEAD" "405 lists the allowed methods"

# ---- limits ------------------------------------------------------------------
head -c 2000 /dev/zero | tr '\0' 'a' >"$tmp/2k"
fetch POST "$api/debug/sleep?ms=0" -H 'Expect:' --data-binary @"$tmp/2k"
is "$code" 413 "a 2000-byte body past max_body = 1k: 413"
has "$tmp/body" '"code":"internal-error"' "413 maps to Clair's internal-error"

head -c 1000000 /dev/zero >"$tmp/1m"
fetch POST "$api/debug/sleep?ms=0" -H 'Expect: 100-continue' --data-binary @"$tmp/1m"
is "$code" 413 "a 1 MB body is refused from its Content-Length, before it is sent"

fetch POST "$api/debug/sleep?ms=0" -d ''
is "$code" 200 "the debug route answers within the limits"

# wait_in_flight N: until the API has N requests in flight (at most 10 s)
wait_in_flight() {
	i=0
	while [ $i -lt 100 ]; do
		fetch GET "$intro/metrics"
		grep -q "^claro_http_in_flight_requests{listener=\"api\"} $1\$" "$tmp/body" && return 0
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}

curl -sS --noproxy '*' --max-time 20 -o /dev/null -w '%{http_code}' -X POST -d '' \
	"$api/debug/sleep?ms=3000" >"$tmp/slow1" 2>&1 &
slow=$!
wait_in_flight 1
ok $? "a slow request is in flight"
fetch POST "$api/debug/sleep?ms=0" -d ''
is "$code" 429 "a second request past max_concurrent_requests = 1: 429"
has "$tmp/body" '"code":"too-many-requests"' "429 body has code too-many-requests"
fetch GET "$api/robots.txt"
is "$code" 200 "endpoints exempt from the limit still answer"
wait $slow
is "$(cat "$tmp/slow1")" 200 "the slow request completes"

# ---- plugins -------------------------------------------------------------------
fetch GET "$api/api/v1/plugins"
is "$code" 200 "GET /api/v1/plugins: 200"
has "$tmp/body" '"plugins":[' "the listing has a plugins array"
if [ -z "$expected_plugins" ]; then
	has "$tmp/body" '"plugins":[]' "no plugins in an empty plugin directory"
fi
for name in $expected_plugins; do
	has "$tmp/body" "\"name\":\"$name\"" "plugin $name is listed"
done

# ---- metrics -------------------------------------------------------------------
fetch GET "$intro/metrics"
is "$code" 200 "GET /metrics: 200"
case $(header Content-Type) in
text/plain*) ok 0 "metrics in the Prometheus text format" ;;
*) ok 1 "metrics in the Prometheus text format (got $(header Content-Type))" ;;
esac
has "$tmp/body" 'claro_http_requests_total{listener="api",route="/robots.txt",method="GET",code="200"} 2' \
	"the request counter counts the two GET /robots.txt"
has "$tmp/body" 'claro_http_requests_total{listener="introspection",route="/healthz",method="GET",code="200"} 1' \
	"the request counter counts /healthz"
has "$tmp/body" 'claro_http_requests_total{listener="api",route="unmatched",method="GET",code="404"} 1' \
	"404s are counted"
has "$tmp/body" 'claro_http_request_duration_seconds_count{listener="api",route="/openapi/v1",method="GET",code="200"} 2' \
	"the duration histogram counts per route, method and code"
has "$tmp/body" 'claro_http_in_flight_requests{listener="api"} 0' "the in-flight gauge"
has "$tmp/body" 'claro_http_concurrency_limited_total{listener="api",route="/debug/sleep"} 1' \
	"the 429 is counted"
has "$tmp/body" "claro_plugins_loaded $n_plugins" "the plugin count"
has "$tmp/body" 'claro_build_info{version="' "build info"

# ---- graceful shutdown -----------------------------------------------------------
curl -sS --noproxy '*' --max-time 20 -o "$tmp/slow2.body" -w '%{http_code}' -X POST -d '' \
	"$api/debug/sleep?ms=3000" >"$tmp/slow2" 2>&1 &
slow=$!
wait_in_flight 1
ok $? "a slow request is in flight before SIGTERM"
start=$(date +%s)
kill -TERM "$pid"
# The signal is handled on the loop: poll until the listener is gone.
i=0
while [ $i -lt 20 ]; do
	code=$(curl -sS --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' "$api/robots.txt" 2>/dev/null) ||
		true
	[ "$code" = 000 ] && break
	i=$((i + 1))
	sleep 0.1
done
is "$code" 000 "after SIGTERM no new connection is accepted"
ok "$(kill -0 "$pid" 2>/dev/null; echo $?)" "while clarod still drains the request in flight"
wait $slow
is "$(cat "$tmp/slow2")" 200 "the request in flight at SIGTERM still completes with 200"
has "$tmp/slow2.body" '"slept_ms":3000' "with its full answer"
wait "$pid"
status=$?
pid=
elapsed=$(($(date +%s) - start))
is "$status" 0 "clarod exits 0 after draining"
ok "$([ "$elapsed" -lt 10 ]; echo $?)" "within 10 s of SIGTERM (took ${elapsed}s)"
has "$tmp/clarod.log" "received SIGTERM" "the log records the signal"

echo "1..$n"
if [ $failures -ne 0 ]; then
	echo "# clarod log:"
	sed 's/^/#   /' "$tmp/clarod.log"
	exit 1
fi
exit 0
