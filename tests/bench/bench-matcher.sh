#!/bin/sh
# Matcher benchmark (issue 7): vulnerability-report latency and throughput
# against >= 1 million vulnerability rows, on SQLite and on PostgreSQL.
# Prints figures; asserts nothing (see tests/bench/README.md).
#
# 1. The staged Alpine secdb and OSV PyPI feeds (contrib/mirror-testdata.py)
#    are loaded by `claroctl updaters run`, exported, and grown to
#    $BENCH_ROWS records by copying the Alpine records into synthetic Alpine
#    releases (replicate-advisories.py); that export is imported into a fresh
#    store of each backend (import time and `select count(*) from vuln`).
# 2. Two synthetic Alpine 3.11 roots with 100 and 1,000 installed packages
#    named after real v3.11 secdb origins, at versions below later fixes
#    (gen-apk-root.py), are indexed once (claroctl --local index).
# 3. A clarod (combo, updaters off, loopback random port) serves
#    GET /matcher/api/v1/vulnerability_report/{digest}: p50/p90/p99 over
#    $BENCH_REQUESTS sequential requests on one keep-alive connection.
# 4. Reports/s under $BENCH_CLIENTS concurrent keep-alive clients (ab -k when
#    installed, else python3 threads), and clarod's peak RSS (VmHWM).
#
# Knobs: BENCH_ROWS (1000000), BENCH_REQUESTS (200), BENCH_CONCURRENT
# (requests in the concurrent run, 400), BENCH_CLIENTS (8), BENCH_SKIP_PG=1,
# BENCH_SKIP_SQLITE=1, BENCH_KEEP=1 (leave the temporary directory, SQLite
# store included, for profiling; the PostgreSQL cluster is always stopped),
# BENCH_RELEASE (v3.11). The grown export is cached in $TMPDIR as
# claro-bench-matcher-<rows>.ndjson (about 730 MB for 1M rows).
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make bench-matcher}
s=${abs_top_srcdir:?run through make bench-matcher}
td=${CLARO_TESTDATA:-$s/../shared/testdata}
: "${BENCH_ROWS:=1000000}"
: "${BENCH_REQUESTS:=200}"
: "${BENCH_CONCURRENT:=400}"
: "${BENCH_SKIP_SQLITE:=}"
: "${BENCH_CLIENTS:=8}"
: "${BENCH_RELEASE:=v3.11}"
: "${BENCH_SKIP_PG:=}"
: "${BENCH_KEEP:=}"
clarod=$b/clarod
ctl=$b/claroctl

for tool in python3 sqlite3; do
	command -v $tool >/dev/null 2>&1 || {
		echo "bench: $tool is not installed" >&2
		exit 1
	}
done
python3 -c 'import yaml' 2>/dev/null || {
	echo "bench: python3 with PyYAML (python3-yaml) is needed" >&2
	exit 1
}
[ -x "$clarod" ] && [ -x "$ctl" ] || {
	echo "bench: clarod and claroctl must be built" >&2
	exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-bench-matcher.XXXXXX") || exit 1
pid=
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
	[ -n "$pgdir" ] && "$s/tests/pgcluster.sh" stop "$pgdir" >/dev/null 2>&1
	if [ -n "$BENCH_KEEP" ]; then
		echo "bench: kept $tmp (BENCH_KEEP): the stores, images, ini files and logs" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# wall-clock seconds of a command, its output to $tmp/last.out
timed() {
	t0=$(date +%s.%N)
	"$@" >"$tmp/last.out" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	return $rc
}

mkdir -p "$tmp/plugins"
for p in alpine linux whiteout versions osv python; do
	cp "$b/plugins/$p/.libs/$p.so" "$tmp/plugins/" || {
		echo "bench: plugin $p is not built" >&2
		exit 1
	}
done

echo "# claro matcher benchmark: $(nproc) CPUs, $(uname -r), clarod $("$clarod" --version 2>/dev/null | head -1)"

# ---- 1. the advisory rows ----
export_file=${TMPDIR:-/tmp}/claro-bench-matcher-$BENCH_ROWS.ndjson
python3 "$s/contrib/mirror-testdata.py" "$td/advisories" "$tmp/mirror" >/dev/null || exit 1
if [ ! -s "$export_file" ]; then
	cat >"$tmp/feeds.ini" <<EOF
[clarod]
plugin_dir = $tmp/plugins
airgap = true
[store]
backend = sqlite
path = $tmp/feeds.db
[updaters]
mirror_dir = $tmp/mirror
sets = alpine osv
[plugin.osv]
ecosystems = PyPI
EOF
	timed "$ctl" --local -c "$tmp/feeds.ini" updaters run || {
		echo "bench: updaters run failed:" >&2
		cat "$tmp/last.out" >&2
		exit 1
	}
	echo "feeds: real Alpine secdb + OSV PyPI: $(sqlite3 "$tmp/feeds.db" 'select count(*) from vuln') rows (updaters run ${secs}s)"
	"$ctl" --local -c "$tmp/feeds.ini" updaters export "$tmp/feeds.ndjson" >/dev/null 2>&1 || exit 1
	python3 "$s/tests/bench/replicate-advisories.py" "$tmp/feeds.ndjson" "$BENCH_ROWS" "$export_file.part" \
		>/dev/null && mv "$export_file.part" "$export_file" || exit 1
	rm -f "$tmp/feeds.db"* "$tmp/feeds.ndjson"
fi
echo "export: $export_file: $(wc -l <"$export_file") records (Alpine copied into synthetic releases 101.x, ...)"

# ---- 2. the images ----
for n in 100 1000; do
	python3 "$s/tests/bench/gen-apk-root.py" "$tmp/mirror/secdb.alpinelinux.org" "$BENCH_RELEASE" $n \
		"$tmp/img$n" >/dev/null || exit 1
done

# write_ini NAME STORE-LINES: a combo clarod.ini, updaters off
write_ini() {
	cat >"$tmp/$1.ini" <<EOF
[clarod]
mode = combo
api_addr = 127.0.0.1:0
introspection_addr =
plugin_dir = $tmp/plugins
airgap = true
log_level = warning
[store]
$2
[updaters]
enabled = false
[plugin.osv]
ecosystems = PyPI
EOF
}

# load NAME COUNT-COMMAND...: import the export, index the images
load() {
	name=$1
	shift
	timed "$ctl" --local -c "$tmp/$name.ini" updaters import "$export_file" || {
		echo "bench: $name: import failed:" >&2
		tail -5 "$tmp/last.out" >&2
		return 1
	}
	echo "$name: imported in ${secs}s; vuln rows: $("$@")"
	for n in 100 1000; do
		"$ctl" --local -c "$tmp/$name.ini" index "dir:$tmp/img$n" >"$tmp/$name-idx$n.json" 2>"$tmp/last.out" || {
			echo "bench: $name: indexing img$n failed:" >&2
			cat "$tmp/last.out" >&2
			return 1
		}
		eval "digest$n=\$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"manifest_hash\"])' \"\$tmp/\$name-idx\$n.json\")"
	done
}

start_clarod() {
	rm -f "$tmp/ports"
	"$clarod" -c "$tmp/$1.ini" --port-file "$tmp/ports" >"$tmp/clarod-$1.log" 2>&1 &
	pid=$!
	tries=0
	while [ ! -s "$tmp/ports" ]; do
		tries=$((tries + 1))
		if [ $tries -gt 600 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "bench: clarod did not start" >&2
			cat "$tmp/clarod-$1.log" >&2
			exit 1
		fi
		sleep 0.1
	done
	port=$(sed -n 's/^api=//p' "$tmp/ports")
}

# latency PORT DIGEST N: sequential GETs over one keep-alive connection
latency() {
	python3 - "$@" <<'EOF'
import http.client, json, sys, time
port, digest, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
path = "/matcher/api/v1/vulnerability_report/" + digest
c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
def get():
    t = time.perf_counter()
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    dt = (time.perf_counter() - t) * 1000
    if r.status != 200:
        sys.exit("HTTP %d: %s" % (r.status, body[:300]))
    return dt, body
first, body = get()
d = json.loads(body)
pairs = sum(len(v) for v in d.get("package_vulnerabilities", {}).values())
ts = sorted(get()[0] for _ in range(n))
q = lambda p: ts[min(len(ts) - 1, int(p * len(ts)))]
print("%d pkgs, %d vulns, %d pairs, %d KiB: first %.1f ms; p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)"
      % (len(d.get("packages", {})), len(d.get("vulnerabilities", {})), pairs, len(body) // 1024,
         first, q(0.50), q(0.90), q(0.99), ts[-1], n))
EOF
}

# throughput PORT DIGEST N CLIENTS
throughput() {
	url=http://127.0.0.1:$1/matcher/api/v1/vulnerability_report/$2
	if command -v ab >/dev/null 2>&1; then
		ab -q -k -c "$4" -n "$3" "$url" >"$tmp/ab.out" 2>&1 || {
			echo "ab failed: $(tail -3 "$tmp/ab.out")"
			return
		}
		awk -v c="$4" '
			/^Requests per second/ { rps = $4 }
			/^Non-2xx responses/ { bad = $3 }
			/^Complete requests/ { n = $3 }
			/^  50%/ { p50 = $2 } /^  99%/ { p99 = $2 }
			END { printf "%s reports/s with %d clients (ab -k, n=%d, non-2xx %d; per request p50 %s ms, p99 %s ms)\n", rps, c, n, bad + 0, p50, p99 }' "$tmp/ab.out"
		return
	fi
	python3 - "$@" <<'EOF'
import http.client, sys, threading, time
port, digest, n, k = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
path = "/matcher/api/v1/vulnerability_report/" + digest
bad = [0]
def run(m):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(m):
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        if r.status != 200:
            bad[0] += 1
ths = [threading.Thread(target=run, args=(n // k,)) for _ in range(k)]
t = time.perf_counter()
for th in ths: th.start()
for th in ths: th.join()
dt = time.perf_counter() - t
print("%.1f reports/s with %d clients (python3 threads, n=%d, non-200 %d)" % (n // k * k / dt, k, n // k * k, bad[0]))
EOF
}

measure() {
	start_clarod "$1"
	for n in 100 1000; do
		eval "dg=\$digest$n"
		printf '%s: img%s latency: ' "$1" "$n"
		latency "$port" "$dg" "$BENCH_REQUESTS" || echo "failed"
	done
	for n in 100 1000; do
		eval "dg=\$digest$n"
		printf '%s: img%s concurrent: ' "$1" "$n"
		throughput "$port" "$dg" "$BENCH_CONCURRENT" "$BENCH_CLIENTS"
	done
	echo "$1: clarod peak RSS (VmHWM) $(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status")"
	stop_clarod
}

# ---- SQLite ----
write_ini sqlite "backend = sqlite
path = $tmp/sqlite.db"
if [ -n "$BENCH_SKIP_SQLITE" ]; then
	echo "sqlite: skipped (BENCH_SKIP_SQLITE)"
elif load sqlite sqlite3 "$tmp/sqlite.db" 'select count(*) from vuln'; then
	echo "sqlite: database file $(du -m "$tmp/sqlite.db" | cut -f1) MiB"
	measure sqlite
fi
[ -n "$BENCH_KEEP" ] || rm -f "$tmp/sqlite.db"*

# ---- PostgreSQL ----
if [ -n "$BENCH_SKIP_PG" ]; then
	echo "postgres: skipped (BENCH_SKIP_PG)"
elif [ ! -x "${PG_BINDIR:-}/initdb" ]; then
	echo "postgres: skipped (no server binaries in PG_BINDIR='${PG_BINDIR:-}')"
else
	# its own directory: the cluster's owner (postgres) cannot enter $tmp
	pgdir=$(mktemp -d "${TMPDIR:-/tmp}/claro-bench-pg.XXXXXX") || exit 1
	if "$s/tests/pgcluster.sh" start "$pgdir" >/dev/null; then
		write_ini postgres "backend = postgres
conninfo = host=$pgdir user=postgres dbname=postgres"
		load postgres psql -h "$pgdir" -U postgres -d postgres -Atc 'select count(*) from vuln' &&
			measure postgres
	else
		echo "postgres: could not start a throwaway cluster"
		rm -rf "$pgdir"
		pgdir=
	fi
fi
