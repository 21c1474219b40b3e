#!/bin/sh
# Benchmark (prints figures; not a pass/fail test): the rpm package scanner
# against `rpm -qa` on the same database, in the same run.
#
# Databases: every staged rpmdb of the test data, and two large ones made
# here from real headers (plugins/rpm/gen-rpmdb.py): the CBL-Mariner 2.0
# header blobs re-inserted into a SQLite rpmdb until it holds at least
# BENCH_RPM_MIN packages (default 5000), and the same headers in a Berkeley
# DB hash file written by db5.3_load.
#
# claro: tests/unit/scan-layer running the "rpm" scanner over a layer root
# holding the database (plugin load, layer walk, read, parse, report).
# rpm: `rpm -qa --dbpath DIR` (Debian's rpm 4.18; bdb through its bdb_ro
# backend; it has no ndb backend). Both print to /dev/null. Each figure is
# the median wall time of BENCH_RPM_RUNS runs (default 5) and the largest
# peak RSS among them.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make bench-rpmdb}
s=${abs_top_srcdir:?run through make bench-rpmdb}
td=${CLARO_TESTDATA:-$s/../shared/testdata}
rt=$td/pkgdb/rpm
runs=${BENCH_RPM_RUNS:-5}
min=${BENCH_RPM_MIN:-5000}
scan="$b/tests/unit/scan-layer $b/plugins/rpm/.libs rpm package rpm"
gen="python3 $s/plugins/rpm/gen-rpmdb.py"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

for tool in python3 rpm db5.3_load; do
	command -v $tool >/dev/null 2>&1 || { echo "bench-rpmdb: $tool is needed (contrib/install-deps.sh installs it)" >&2; exit 1; }
done

# measure RUNS CMD...: "<median seconds> <max peak RSS KiB>" of CMD (stdout
# and stderr discarded), from wait4's rusage of each run.
measure() {
	python3 - "$@" <<'EOF'
import os, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
times, rss = [], 0
for _ in range(runs):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    times.append(time.perf_counter() - t)
    rss = max(rss, ru.ru_maxrss)
    if os.waitstatus_to_exitcode(status) != 0:
        print("nan %d" % rss); sys.exit(0)
times.sort()
print("%.4f %d" % (times[len(times) // 2], rss))
EOF
}

# bench LABEL FILE KIND: one line of figures.
bench() {
	label=$1; f=$2; k=$3
	case $k in bdb) name=Packages ;; ndb) name=Packages.db ;; *) name=rpmdb.sqlite ;; esac
	rm -rf "$tmp/root" "$tmp/rpmdb" && mkdir -p "$tmp/root/var/lib/rpm" "$tmp/rpmdb" &&
		cp "$f" "$tmp/root/var/lib/rpm/$name" && cp "$f" "$tmp/rpmdb/$name"
	pk=$($scan "$tmp/root" | grep -c '^package')
	set -- $(measure "$runs" $scan "$tmp/root")
	ct=$1; cr=$2
	if [ "$k" = ndb ]; then
		rt_=-; rr=-
	elif [ "$k" = bdb ]; then
		set -- $(measure "$runs" rpm --define '_db_backend bdb_ro' --dbpath "$tmp/rpmdb" -qa)
		rt_=$1; rr=$2
	else
		set -- $(measure "$runs" rpm --dbpath "$tmp/rpmdb" -qa)
		rt_=$1; rr=$2
	fi
	awk -v l="$label" -v k="$k" -v p="$pk" -v mb="$(wc -c <"$f")" -v ct="$ct" -v cr="$cr" -v rt="$rt_" -v rr="$rr" 'BEGIN {
		cps = ct > 0 ? p / ct : 0
		if (rt == "-") { rtxt = "   (rpm has no ndb backend)"; ratio = "-" }
		else { rps = rt > 0 ? p / rt : 0; rtxt = sprintf("%8.3f s %9.0f/s %7.1f MiB", rt, rps, rr / 1024); ratio = sprintf("%.2f", ct / rt) }
		printf "%-34s %-6s %6d %8.1f MiB | claro %8.3f s %9.0f/s %7.1f MiB | rpm %s | claro/rpm time %s\n",
			l, k, p, mb / 1048576, ct, cps, cr / 1024, rtxt, ratio
	}'
}

echo "bench-rpmdb: median of $runs runs each; $(rpm --version); $(nproc) CPUs"
printf '%-34s %-6s %6s %12s | %-36s | %s\n' database kind pkgs size "claro (scan-layer, rpm scanner)" "rpm -qa"
bench "CBL-Mariner 2.0 (staged)" "$rt/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite" sqlite
bench "UBI 8 libuuid (staged)" "$rt/go-rpmdb/libuuid/Packages" bdb
bench "syft (staged)" "$rt/syft-bdb/Packages" bdb
bench "SLE 15 BCI (staged)" "$rt/go-rpmdb/sle15-bci/Packages.db" ndb
mkdir -p "$tmp/big"
$gen sqlite "$tmp/big/rpmdb.sqlite" "$rt/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite" --min "$min" >/dev/null
bench "CBL-Mariner headers x64 (SQLite)" "$tmp/big/rpmdb.sqlite" sqlite
$gen bdb-load "$tmp/big/load.txt" "$tmp/big/rpmdb.sqlite" >/dev/null &&
	db5.3_load -c db_lorder=1234 -f "$tmp/big/load.txt" "$tmp/big/Packages"
bench "CBL-Mariner headers x64 (BDB)" "$tmp/big/Packages" bdb
