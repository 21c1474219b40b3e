#!/bin/sh
# Indexer benchmark (issue 4): prints figures, asserts nothing. Run with
# `make bench` (not part of make check); needs root for the Debian image
# (tests/integ/debian-image-build.sh: mmdebstrap + umoci, cached in $TMPDIR).
#
# For each layer:
#   - debian: the one ~60 MB gzip layer of a Debian bookworm minbase image;
#   - synthetic: a generated ~1 GiB / 500k-file tar (tests/bench/gen-layer.py,
#     gzip -1, cached beside the Debian image) holding the same dpkg status;
# it starts a fresh clarod (mode indexer, an empty SQLite store, the in-tree
# plugins) and serves the blob from python3's http.server on loopback, then
# reports:
#   cold    wall time of one POST /indexer/api/v1/index_report (fetch, digest,
#           inflate, spool, tar index, scanners, store), best of $BENCH_COLD
#           runs, each on a fresh daemon, divided by the best wall time of
#           `gzip -dc LAYER | tar -t >/dev/null` (target <= 1.5);
#   rss     clarod's peak resident set (VmHWM, and /usr/bin/time -v's
#           maximum) over start-up and the cold index (target <= 64 MiB,
#           not growing with the layer);
#   warm    latency of re-posting the finished manifest, $BENCH_WARM times
#           over one keep-alive connection and $BENCH_WARM times with a new
#           connection each (python3 http.client): p50, p90, max (target
#           p50 <= 5 ms).
# Environment: BENCH_COLD (3), BENCH_WARM (50), BENCH_FILES (500000),
# BENCH_BYTES (1073741824), BENCH_SKIP_SYNTHETIC=1, BENCH_PLUGINS (the
# plugins loaded: "alpine dpkg debian ubuntu linux whiteout").
# SPDX-License-Identifier: Apache-2.0

set -u

: "${abs_top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${abs_top_srcdir:=$abs_top_builddir}"
: "${BENCH_COLD:=3}"
: "${BENCH_WARM:=50}"
: "${BENCH_FILES:=500000}"
: "${BENCH_BYTES:=1073741824}"
: "${BENCH_PLUGINS:=alpine dpkg debian ubuntu linux whiteout}"
clarod=$abs_top_builddir/clarod
builder=$abs_top_srcdir/tests/integ/debian-image-build.sh
gen=$abs_top_srcdir/tests/bench/gen-layer.py

for tool in curl python3 gzip tar sha256sum; do
	command -v $tool >/dev/null 2>&1 || {
		echo "bench: $tool is not installed" >&2
		exit 1
	}
done
[ -x "$clarod" ] || {
	echo "bench: $clarod is not built" >&2
	exit 1
}
timer=
[ -x /usr/bin/time ] && timer=/usr/bin/time

tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-bench.XXXXXX") || exit 1
pid=
srv_pid=
stop_clarod() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	pid=
	[ -n "$timer_pid" ] && wait "$timer_pid" 2>/dev/null
	timer_pid=
}
timer_pid=
cleanup() {
	stop_clarod
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

mkdir -p "$tmp/plugins" "$tmp/blobs" "$tmp/spool"
for p in $BENCH_PLUGINS; do
	cp "$abs_top_builddir/plugins/$p/.libs/$p.so" "$tmp/plugins/" || exit 1
done

# ---- the layers ---------------------------------------------------------------
cache=$(sh "$builder" 2>"$tmp/build.err")
rc=$?
debian_layer=
if [ $rc -eq 0 ]; then
	man=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' \
		"$cache/oci/index.json")
	debian_digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1] + "/blobs/sha256/" + sys.argv[2][7:]))["layers"][0]["digest"])' \
		"$cache/oci" "$man")
	debian_layer=$cache/oci/blobs/sha256/${debian_digest#sha256:}
	ln -s "$debian_layer" "$tmp/blobs/debian.tar.gz"
	root=$cache/bundle/rootfs
else
	echo "# no Debian image: $(head -3 "$tmp/build.err")"
	root=
	cache=${CLARO_IMAGE_CACHE:-${TMPDIR:-/tmp}/claro-debian-bookworm-minbase}
fi

synthetic=
if [ "${BENCH_SKIP_SYNTHETIC:-0}" != 1 ]; then
	synthetic=${cache}-synthetic-$BENCH_FILES-$BENCH_BYTES.tar.gz
	if [ ! -s "$synthetic" ] || [ ! -s "$synthetic.sha256" ]; then
		echo "# generating the synthetic layer ($BENCH_FILES files, ~$BENCH_BYTES bytes) once: $synthetic"
		python3 "$gen" "$BENCH_FILES" "$BENCH_BYTES" $root | gzip -1 >"$synthetic.tmp" &&
			sha256sum "$synthetic.tmp" | cut -d' ' -f1 >"$synthetic.sha256.tmp" &&
			mv "$synthetic.tmp" "$synthetic" && mv "$synthetic.sha256.tmp" "$synthetic.sha256" || exit 1
	fi
	ln -s "$synthetic" "$tmp/blobs/synthetic.tar.gz"
	synthetic_digest=sha256:$(cat "$synthetic.sha256")
fi

(cd "$tmp/blobs" && exec python3 -u -m http.server --bind 127.0.0.1 0) >"$tmp/blobs.log" 2>&1 &
srv_pid=$!
tries=0
while ! grep -q port "$tmp/blobs.log" 2>/dev/null; do
	tries=$((tries + 1))
	[ $tries -le 100 ] || {
		echo "bench: the layer server did not start" >&2
		exit 1
	}
	sleep 0.1
done
blobs=http://127.0.0.1:$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$tmp/blobs.log" | head -1)

# ---- helpers --------------------------------------------------------------------
start_clarod() {
	rm -f "$tmp/ports" "$tmp/store.db"* "$tmp/time.txt"
	cat >"$tmp/clarod.ini" <<INI
[clarod]
mode = indexer
api_addr = 127.0.0.1:0
introspection_addr =
plugin_dir = $tmp/plugins
log_level = warning

[store]
path = $tmp/store.db

[plugins]
load = $BENCH_PLUGINS
INI
	if [ -n "$timer" ]; then
		TMPDIR=$tmp/spool $timer -v -o "$tmp/time.txt" "$clarod" -c "$tmp/clarod.ini" \
			--port-file "$tmp/ports" >"$tmp/clarod.log" 2>&1 &
		timer_pid=$!
	else
		TMPDIR=$tmp/spool "$clarod" -c "$tmp/clarod.ini" --port-file "$tmp/ports" >"$tmp/clarod.log" 2>&1 &
		timer_pid=
		pid=$!
	fi
	tries=0
	while [ ! -s "$tmp/ports" ]; do
		tries=$((tries + 1))
		if [ $tries -gt 300 ]; then
			echo "bench: clarod did not start" >&2
			cat "$tmp/clarod.log" >&2
			exit 1
		fi
		sleep 0.1
	done
	[ -n "$timer_pid" ] && pid=$(pgrep -P "$timer_pid" | head -1)
	api=http://127.0.0.1:$(sed -n 's/^api=//p' "$tmp/ports")
}
kib() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$pid/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

manifest() { # manifest LAYER-DIGEST FILE-NAME
	m=sha256:$(printf 'claro-bench %s' "$1" | sha256sum | cut -d' ' -f1)
	printf '{"hash":"%s","layers":[{"hash":"%s","uri":"%s/%s","headers":{}}]}' "$m" "$1" "$blobs" "$2"
}

# best-of wall time (s) of a shell command
best_of() { # best_of N COMMAND
	runs=$1
	shift
	best=
	i=0
	while [ $i -lt "$runs" ]; do
		s=$(date +%s.%N)
		sh -c "$1"
		t=$(echo "$s $(date +%s.%N)" | awk '{ printf "%.3f", $2 - $1 }')
		best=$(echo "${best:-$t} $t" | awk '{ print ($2 < $1) ? $2 : $1 }')
		i=$((i + 1))
	done
	echo "$best"
}

warm_latency() { # warm_latency MANIFEST-FILE N: "p50 p90 max" in ms, keep-alive then a connection each
	python3 - "$api" "$1" "$2" <<'PY'
import http.client, json, sys, time, urllib.parse
api, body, n = sys.argv[1], open(sys.argv[2], "rb").read(), int(sys.argv[3])
u = urllib.parse.urlsplit(api)

def run(keep_alive):
    c, lat = None, []
    for i in range(n + 1):
        t = time.perf_counter()
        if c is None:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        c.request("POST", "/indexer/api/v1/index_report", body, {"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        dt = (time.perf_counter() - t) * 1000
        if r.status != 201 or json.loads(data).get("state") != "IndexFinished":
            sys.exit("warm re-index: HTTP %d %s" % (r.status, data[:200]))
        if not keep_alive:
            c.close()
            c = None
        if i:  # the first one warms up
            lat.append(dt)
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
    return "%.2f %.2f %.2f" % (q(0.5), q(0.9), lat[-1])

print(run(True), run(False))
PY
}

bench_layer() { # bench_LAYER LABEL FILE DIGEST
	label=$1 file=$2 digest=$3
	manifest "$digest" "$label.tar.gz" >"$tmp/$label.json"
	usize=$(gzip -dc "$file" | wc -c)
	entries=$(gzip -dc "$file" | tar -t 2>/dev/null | wc -l)
	echo "== $label: $(($(stat -L -c %s "$file") / 1048576)) MiB gzip, $((usize / 1048576)) MiB tar, $entries entries"
	base=$(best_of "$BENCH_COLD" "gzip -dc '$file' | tar -t >/dev/null 2>&1")
	best=
	hwm=
	maxrss=
	startrss=
	i=0
	while [ $i -lt "$BENCH_COLD" ]; do
		start_clarod
		rss0=$(kib VmRSS)
		out=$(curl -sS --noproxy '*' --max-time 600 -o "$tmp/report.json" -w '%{http_code} %{time_total}' \
			-H 'Content-Type: application/json' --data-binary @"$tmp/$label.json" \
			"$api/indexer/api/v1/index_report")
		code=${out% *}
		t=${out#* }
		state=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["state"], len(d["packages"]))' \
			"$tmp/report.json" 2>/dev/null)
		if [ "$code" != 201 ] || [ "${state%% *}" != IndexFinished ]; then
			echo "bench: $label: cold index failed: HTTP $code $(head -c 300 "$tmp/report.json")" >&2
			tail -20 "$tmp/clarod.log" >&2
			exit 1
		fi
		h=$(kib VmHWM)
		if [ $i -eq 0 ]; then
			w=$(warm_latency "$tmp/$label.json" "$BENCH_WARM") || exit 1
		fi
		stop_clarod
		m=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt" 2>/dev/null)
		best=$(echo "${best:-$t} $t" | awk '{ print ($2 < $1) ? $2 : $1 }')
		hwm=$(echo "${hwm:-$h} $h" | awk '{ print ($2 > $1) ? $2 : $1 }')
		maxrss=$(echo "${maxrss:-${m:-0}} ${m:-0}" | awk '{ print ($2 > $1) ? $2 : $1 }')
		startrss=$rss0
		i=$((i + 1))
	done
	ratio=$(echo "$best $base" | awk '{ printf "%.2f", $1 / $2 }')
	echo "$label: packages found: ${state#* }"
	echo "$label: cold index ${best} s (best of $BENCH_COLD) / gzip -dc | tar -t ${base} s = ${ratio} (target <= 1.5)"
	echo "$label: peak RSS $(mib "$hwm") MiB (VmHWM; /usr/bin/time -v max $(mib "${maxrss:-0}") MiB; $(mib "$startrss") MiB after start-up) (target <= 64 MiB)"
	set -- $w
	echo "$label: warm re-index, $BENCH_WARM POSTs on one keep-alive connection: p50 $1 ms, p90 $2 ms, max $3 ms (target p50 <= 5 ms)"
	echo "$label: warm re-index, $BENCH_WARM POSTs on a new connection each: p50 $4 ms, p90 $5 ms, max $6 ms"
	echo "$label $ratio $(mib "$hwm") $1 $4" >>"$tmp/summary"
}

echo "# claro indexer benchmark: $(nproc) CPUs, $(uname -r), clarod $("$clarod" --version 2>/dev/null | head -1)"
[ -n "$debian_layer" ] && bench_layer debian "$debian_layer" "$debian_digest"
[ -n "$synthetic" ] && bench_layer synthetic "$synthetic" "$synthetic_digest"
if [ -s "$tmp/summary" ]; then
	echo "== summary (layer, cold ratio, peak RSS MiB, warm p50 ms keep-alive, warm p50 ms new connections)"
	cat "$tmp/summary"
fi
