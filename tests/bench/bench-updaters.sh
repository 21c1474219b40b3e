#!/bin/sh
# Updater benchmark (issue 6). Prints figures; asserts nothing, but exits 1
# with a message when a load fails or stores no rows (tests/bench/README.md).
#
# 1. Every staged feed, laid out as an air-gapped mirror by
#    contrib/mirror-testdata.py (Alpine secdb, Debian tracker JSON, Ubuntu
#    OVAL, Red Hat CSAF VEX, OSV PyPI), plus the staged Ubuntu OVAL
#    replicated BENCH_OVAL_COPIES times with fresh ids and package names (about
#    200 MB of XML, the size the issue names; cached in $TMPDIR), is loaded
#    by `claroctl --local -c INI updaters run` with only that updater's plugin
#    (and the versions plugin) loaded, into one store per backend: rows = what
#    `select count(*) from vuln` gained; wall seconds, rows/s, claroctl's
#    user+system CPU (parse + store; on PostgreSQL the server's CPU is not in
#    it) and peak RSS (GNU time's maximum RSS, i.e. VmHWM). Then the same run
#    again on the unchanged mirror: its time / the first's.
# 2. `claroctl updaters export` of that store, and `updaters import` of the
#    export twice into a fresh store: second import / first (the second skips
#    every operation by fingerprint).
# 3. tests/bench/bench-vercmp.sh: `claroctl vercmp SCHEME --batch` pairs/s.
# 4. A summary: figure, measured, target.
#
# SQLite, and PostgreSQL on a throwaway cluster (tests/pgcluster.sh, server
# binaries from PG_BINDIR; skipped with a message when there are none).
# Knobs: BENCH_SKIP_PG=1, BENCH_SKIP_SQLITE=1, BENCH_SKIP_VERCMP=1,
# BENCH_OVAL_COPIES (30000; 0 leaves the replicated OVAL out), BENCH_FEEDS
# (a subset of "alpine debian ubuntu ubuntu-big rhel-vex osv"), and
# bench-vercmp.sh's BENCH_VERCMP_PAIRS / _RUNS / _BASELINE.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make bench-updaters}
s=${abs_top_srcdir:?run through make bench-updaters}
td=${CLARO_TESTDATA:-$s/../shared/testdata}
: "${BENCH_SKIP_PG:=}"
: "${BENCH_SKIP_SQLITE:=}"
: "${BENCH_SKIP_VERCMP:=}"
: "${BENCH_OVAL_COPIES:=30000}"
: "${BENCH_FEEDS:=alpine debian ubuntu ubuntu-big rhel-vex osv}"
ctl=$b/claroctl

die() {
	echo "bench-updaters: $*" >&2
	exit 1
}
for tool in python3 sqlite3 bzip2; do
	command -v $tool >/dev/null 2>&1 || die "$tool is not installed (contrib/install-deps.sh installs it)"
done
python3 -c 'import yaml' 2>/dev/null || die "python3 with PyYAML (python3-yaml) is needed"
/usr/bin/time -f %e true >/dev/null 2>&1 || die "GNU time (/usr/bin/time, Debian package time) is needed"
[ -x "$ctl" ] || die "claroctl is not built"
[ -d "$td/advisories" ] || die "no test data at $td/advisories (set CLARO_TESTDATA)"
case $BENCH_OVAL_COPIES in '' | *[!0-9]*) die "BENCH_OVAL_COPIES must be a number" ;; esac
[ "$BENCH_OVAL_COPIES" -gt 0 ] || BENCH_FEEDS=$(echo "$BENCH_FEEDS" | sed 's/ubuntu-big//')

tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-bench-updaters.XXXXXX") || exit 1
pgdir=
cleanup() {
	[ -n "$pgdir" ] && "$s/tests/pgcluster.sh" stop "$pgdir" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

calc() { awk "BEGIN { print ($1) }"; }
val() { eval "printf '%s' \"\${$1}\""; } # the value of the variable named $1
now() { date +%s.%N; }

mkdir -p "$tmp/plugins"
for p in alpine debian ubuntu rhel osv versions; do
	cp "$b/plugins/$p/.libs/$p.so" "$tmp/plugins/" || die "plugin $p is not built"
done

echo "# claro updater benchmark: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)," \
	"$("$ctl" --version 2>/dev/null | head -1)"

# ---- the mirror ----
m=$tmp/mirror
python3 "$s/contrib/mirror-testdata.py" "$td/advisories" "$m" || die "contrib/mirror-testdata.py failed"
oval_dir=$m/security-metadata.canonical.com/oval
if echo "$BENCH_FEEDS" | grep -q ubuntu-big; then
	[ -f "$oval_dir/com.ubuntu.bionic.cve.oval.xml.bz2" ] || die "the Ubuntu OVAL is not staged"
	big=${TMPDIR:-/tmp}/claro-bench-updaters-oval-$BENCH_OVAL_COPIES.xml.bz2
	if [ ! -s "$big" ] || [ ! -s "$big.size" ]; then
		echo "replicating the staged Ubuntu OVAL $BENCH_OVAL_COPIES times into $big ..."
		# Section bodies repeated with fresh ids; package names (constant
		# variable values, object names) get an -r<k> suffix so each copy's
		# records are distinct rows, not duplicates the store folds into one.
		python3 - "$td/advisories/ubuntu/vulnerablecode/ubuntu_oval_data.xml" "$big.part" \
			"$BENCH_OVAL_COPIES" <<'EOF' || die "could not replicate the Ubuntu OVAL"
import bz2, re, sys
src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
doc = open(src, encoding="utf-8").read()
p = "oval:com.ubuntu.bionic:"
names = re.compile(r"(<(?:[\w-]+:)?(?:value|name)(?:\s[^>]*)?>)([^<]+)(</)")
size = 0
with bz2.open(dst, "wt", encoding="utf-8", compresslevel=1) as out:
    def put(text):
        global size
        out.write(text)
        size += len(text.encode("utf-8"))
    pos = 0
    for sec in ("definitions", "tests", "objects", "states", "variables"):
        m = re.search(r"<%s>(.*?)</%s>" % (sec, sec), doc, re.S)
        put(doc[pos:m.start(1)])
        body = m.group(1)
        for k in range(copies):
            b = body.replace(p, "oval:com.ubuntu.bionic.r%d:" % k)
            if sec in ("objects", "variables"):
                b = names.sub(lambda g: "%s%s-r%d%s" % (g.group(1), g.group(2), k, g.group(3)), b)
            put(b)
        pos = m.end(1)
    put(doc[pos:])
open(dst + ".size", "w").write("%d\n" % size)
EOF
		{ mv "$big.part.size" "$big.size" && mv "$big.part" "$big"; } || die "could not write $big"
	fi
	cp "$big" "$oval_dir/com.ubuntu.big.cve.oval.xml.bz2" || exit 1
	python3 - "$m/api.launchpad.net/1.0/ubuntu/series" <<'EOF' || die "could not add the series big"
import json, sys
d = json.load(open(sys.argv[1]))
d["entries"].append({"name": "big", "version": "18.04", "active": True, "status": "Supported"})
d["total_size"] = len(d["entries"])
json.dump(d, open(sys.argv[1], "w"))
EOF
fi

# Each feed: key|label|plugin|set|updater names|mirror paths
feed_table() {
	cat <<EOF
alpine|Alpine secdb|alpine|alpine||secdb.alpinelinux.org
debian|Debian tracker JSON|debian|debian||security-tracker.debian.org deb.debian.org
ubuntu|Ubuntu OVAL (bionic)|ubuntu|ubuntu|ubuntu/updater/bionic|api.launchpad.net security-metadata.canonical.com/oval/com.ubuntu.bionic.cve.oval.xml.bz2
ubuntu-big|Ubuntu OVAL x$BENCH_OVAL_COPIES|ubuntu|ubuntu|ubuntu/updater/big|api.launchpad.net security-metadata.canonical.com/oval/com.ubuntu.big.cve.oval.xml.bz2
rhel-vex|Red Hat CSAF VEX|rhel|rhel-vex||security.access.redhat.com
osv|OSV PyPI|osv|osv||osv-vulnerabilities.storage.googleapis.com
EOF
}
feed_field() { feed_table | awk -F'|' -v k="$1" -v f="$2" '$1 == k { print $f }'; }
for f in $BENCH_FEEDS; do
	[ -n "$(feed_field "$f" 1)" ] || die "unknown feed $f in BENCH_FEEDS"
	for path in $(feed_field "$f" 6); do
		[ -e "$m/$path" ] || die "$f: $m/$path was not laid out (is it staged? Red Hat VEX needs the zstd program)"
	done
done

# expanded MiB of a feed's files (what the parser reads: bz2, zstd and zip
# members decompressed); the replicated OVAL's size comes from its .size
expanded() {
	if [ "$1" = ubuntu-big ]; then
		calc "$(cat "$big.size") / 1048576"
		return
	fi
	# shellcheck disable=SC2046 # the paths are words
	(cd "$m" && python3 - $(feed_field "$1" 6)) <<'EOF'
import bz2, os, subprocess, sys, zipfile
total = 0
for top in sys.argv[1:]:
    files = [top] if os.path.isfile(top) else [os.path.join(d, f) for d, _, fs in os.walk(top) for f in fs]
    for p in files:
        if p.endswith(".bz2"):
            total += len(bz2.open(p).read())
        elif p.endswith(".zst"):
            total += len(subprocess.run(["zstd", "-dc", p], stdout=subprocess.PIPE, check=True).stdout)
        elif p.endswith(".zip"):
            total += sum(i.file_size for i in zipfile.ZipFile(p).infolist())
        else:
            total += os.path.getsize(p)
print(total / 1048576)
EOF
}
for f in $BENCH_FEEDS; do
	eval "mib_$(echo "$f" | tr - _)=\$(expanded \$f)"
done

# timed CMD...: run CMD, output in $tmp/last.out; sets wall (date),
# cpu (user + system) and rss_mib (maximum RSS) from GNU time
timed() {
	t0=$(now)
	/usr/bin/time -f '%U %S %M' -o "$tmp/time" "$@" >"$tmp/last.out" 2>&1
	rc=$?
	t1=$(now)
	wall=$(calc "$t1 - $t0")
	# shellcheck disable=SC2046 # three numbers
	set -- $(tail -n 1 "$tmp/time")
	cpu=$(calc "${1:-0} + ${2:-0}")
	rss_mib=$(calc "${3:-0} / 1024")
	return $rc
}

# write_ini FILE PLUGIN SET STORE-LINES
write_ini() {
	load=$2
	[ "$2" = versions ] || load="$2 versions"
	cat >"$1" <<EOF
[clarod]
plugin_dir = $tmp/plugins
airgap = true
[store]
$4
[plugins]
load = $load
[updaters]
mirror_dir = $m
sets = $3
EOF
	if [ "$2" = osv ]; then printf '[plugin.osv]\necosystems = PyPI\n' >>"$1"; fi
}

sqlite_store() { printf 'backend = sqlite\npath = %s' "$tmp/$1.db"; }
pg_store() { printf 'backend = postgres\nconninfo = host=%s user=postgres dbname=%s' "$pgdir" "$1"; }
psql_bin=psql
[ -x "${PG_BINDIR:-}/psql" ] && psql_bin=$PG_BINDIR/psql
count_rows() { # BACKEND STORE
	case $1 in
	sqlite) sqlite3 "$tmp/$2.db" 'select count(*) from vuln' 2>/dev/null || echo 0 ;;
	postgres) "$psql_bin" -h "$pgdir" -U postgres -d "$2" -Atc 'select count(*) from vuln' 2>/dev/null || echo 0 ;;
	esac
}

store_lines() { # STORE-NAME, of backend $be
	case $be in
	sqlite) sqlite_store "$1" ;;
	postgres) pg_store "$1" ;;
	esac
}

# load BACKEND STORE IMPORT-STORE: every feed, twice, into STORE; then its
# export, imported twice into the fresh IMPORT-STORE
load() {
	be=$1
	store=$2
	printf '\n## %s: updaters run per feed (one store; rows = what select count(*) from vuln gained)\n' "$be"
	printf '%-22s %8s %8s %8s %8s %10s %7s %8s %8s %8s\n' feed "MiB" records rows "wall s" "rows/s" "CPU s" \
		"RSS MiB" "rerun s" "rerun/1st"
	sum1=0
	sum2=0
	for f in $BENCH_FEEDS; do
		key=$(echo "$f" | tr - _)
		label=$(feed_field "$f" 2)
		write_ini "$tmp/$be-$f.ini" "$(feed_field "$f" 3)" "$(feed_field "$f" 4)" "$(store_lines "$store")"
		before=$(count_rows "$be" "$store")
		# shellcheck disable=SC2046 # the updater names are words
		if ! timed "$ctl" --local -c "$tmp/$be-$f.ini" updaters run $(feed_field "$f" 5); then
			cat "$tmp/last.out" >&2
			die "$be: $label: updaters run failed (above)"
		fi
		after=$(count_rows "$be" "$store")
		rows=$((after - before))
		records=$(awk '$2 == "updated" { n += $3 } END { print n + 0 }' "$tmp/last.out")
		if [ "$rows" -le 0 ]; then
			cat "$tmp/last.out" >&2
			die "$be: $label: updaters run stored 0 rows (count(*) from vuln $before -> $after)"
		fi
		w1=$wall
		c1=$cpu
		r1=$rss_mib
		# shellcheck disable=SC2046
		if ! timed "$ctl" --local -c "$tmp/$be-$f.ini" updaters run $(feed_field "$f" 5); then
			cat "$tmp/last.out" >&2
			die "$be: $label: the second updaters run failed (above)"
		fi
		again=$(($(count_rows "$be" "$store") - after))
		not_unchanged=$(grep -c -v -e ' unchanged' -e '^[0-9TZ:.-]* claroctl' "$tmp/last.out")
		note=
		[ "$again" -ne 0 ] && note=" (the rerun added $again rows)"
		[ "$not_unchanged" -ne 0 ] && note="$note (rerun: $(grep -v -e ' unchanged' -e '^[0-9TZ:.-]* claroctl' "$tmp/last.out" | head -1))"
		rate=$(calc "$rows / $w1")
		ratio=$(calc "$wall / $w1")
		mib=$(val "mib_$key")
		printf '%-22s %8.1f %8d %8d %8.2f %10.0f %7.2f %8.1f %8.3f %8.3f%s\n' "$label" "$mib" "$records" "$rows" \
			"$w1" "$rate" "$c1" "$r1" "$wall" "$ratio" "$note"
		eval "rate_${be}_$key=\$rate rows_${be}_$key=\$rows wall_${be}_$key=\$w1 rss_${be}_$key=\$r1 ratio_${be}_$key=\$ratio"
		sum1=$(calc "$sum1 + $w1")
		sum2=$(calc "$sum2 + $wall")
	done
	eval "runratio_$be=\$(calc \"\$sum2 / \$sum1\") runsum1_$be=\$sum1 runsum2_$be=\$sum2"
	timed "$ctl" --local -c "$tmp/$be-$f.ini" updaters run bench-matches-no-updater ||
		die "$be: updaters run matching no updater failed"
	eval "startup_$be=\$wall"
	printf 'for scale: claroctl start-up (updaters run matching no updater, same store) %.3f s\n' "$wall"

	printf '\n## %s: export, then import twice into a fresh store\n' "$be"
	write_ini "$tmp/$be-export.ini" versions '*' "$(store_lines "$store")"
	write_ini "$tmp/$be-import.ini" versions '*' "$(store_lines "$3")"
	if ! timed "$ctl" --local -c "$tmp/$be-export.ini" updaters export "$tmp/$be.ndjson"; then
		cat "$tmp/last.out" >&2
		die "$be: updaters export failed (above)"
	fi
	echo "export: $(tail -n 1 "$tmp/last.out" | sed 's/^claroctl: //') in $(printf '%.2f' "$wall") s," \
		"$(du -m "$tmp/$be.ndjson" | cut -f1) MiB"
	for n in 1 2; do
		if ! timed "$ctl" --local -c "$tmp/$be-import.ini" updaters import "$tmp/$be.ndjson"; then
			cat "$tmp/last.out" >&2
			die "$be: import $n failed (above)"
		fi
		eval "imp$n=\$wall"
		printf 'import %d: %s in %.2f s (CPU %.2f s, RSS %.1f MiB); vuln rows: %s\n' "$n" \
			"$(tail -n 1 "$tmp/last.out" | sed 's/^claroctl: //')" "$wall" "$cpu" "$rss_mib" "$(count_rows "$be" "$3")"
	done
	[ "$(count_rows "$be" "$3")" -gt 0 ] || die "$be: the import stored 0 rows"
	eval "impratio_$be=\$(calc \"\$imp2 / \$imp1\") imp1_$be=\$imp1 imp2_$be=\$imp2"
	rm -f "$tmp/$be.ndjson"
}

backends=
if [ -n "$BENCH_SKIP_SQLITE" ]; then
	printf '\n## sqlite: skipped (BENCH_SKIP_SQLITE)\n'
else
	load sqlite run import
	backends=sqlite
	rm -f "$tmp"/*.db*
fi
if [ -n "$BENCH_SKIP_PG" ]; then
	printf '\n## postgres: skipped (BENCH_SKIP_PG)\n'
elif [ ! -x "${PG_BINDIR:-}/initdb" ]; then
	printf '\n## postgres: skipped (no server binaries in PG_BINDIR=%s; configure finds them)\n' "'${PG_BINDIR:-}'"
else
	# its own directory: the cluster's owner (postgres) cannot enter $tmp
	pgdir=$(mktemp -d "${TMPDIR:-/tmp}/claro-bench-pg.XXXXXX") || exit 1
	if "$s/tests/pgcluster.sh" start "$pgdir" >/dev/null; then
		"$psql_bin" -h "$pgdir" -U postgres -d postgres -qc 'create database bench_run' -c 'create database bench_import' ||
			die "postgres: could not create the databases"
		load postgres bench_run bench_import
		backends="$backends postgres"
	else
		printf '\n## postgres: skipped (could not start a throwaway cluster, above)\n'
		rm -rf "$pgdir"
		pgdir=
	fi
fi

# ---- vercmp ----
if [ -n "$BENCH_SKIP_VERCMP" ]; then
	printf '\n## vercmp: skipped (BENCH_SKIP_VERCMP)\n'
	: >"$tmp/vercmp.out"
else
	printf '\n## vercmp (tests/bench/bench-vercmp.sh)\n'
	abs_top_builddir=$b abs_top_srcdir=$s CLARO_TESTDATA=$td $SHELL "$s/tests/bench/bench-vercmp.sh" \
		>"$tmp/vercmp.out" 2>&1 || {
		cat "$tmp/vercmp.out" >&2
		die "bench-vercmp.sh failed (above)"
	}
	cat "$tmp/vercmp.out"
fi

# ---- summary ----
name_of() { case $1 in sqlite) echo SQLite ;; postgres) echo PostgreSQL ;; esac; }
printf '\n## summary (%s CPUs; wall times on a shared machine)\n' "$(nproc)"
printf '%-58s %-34s %s\n' figure measured target
row() { printf '%-58s %-34s %s\n' "$1" "$2" "$3"; }
for be in $backends; do
	for f in $BENCH_FEEDS; do
		key=$(echo "$f" | tr - _)
		row "rows/s, $(feed_field "$f" 2), $(name_of "$be")" \
			"$(printf '%.0f (%d rows in %.2f s)' "$(val "rate_${be}_$key")" "$(val "rows_${be}_$key")" \
				"$(val "wall_${be}_$key")")" "-"
	done
done
for be in $backends; do
	row "unchanged updaters run / first, all feeds, $(name_of "$be")" \
		"$(printf '%.3f (%.2f s / %.2f s)' "$(val "runratio_$be")" "$(val "runsum2_$be")" "$(val "runsum1_$be")")" \
		"<= 0.2"
	# A feed loaded in well under a second is mostly claroctl's start-up
	# (the next row), which the re-run pays again: only larger ones say
	# something about the unchanged path.
	worst=
	wv=0
	for f in $BENCH_FEEDS; do
		key=$(echo "$f" | tr - _)
		v=$(val "ratio_${be}_$key")
		if [ "$(calc "$(val "wall_${be}_$key") >= 0.5 && $v > $wv")" = 1 ]; then
			wv=$v
			worst=$f
		fi
	done
	[ -n "$worst" ] && row "  worst feed whose first run took >= 0.5 s: $(feed_field "$worst" 2)" \
		"$(printf '%.3f' "$wv")" "<= 0.2"
	row "  claroctl start-up (a run matching no updater), $(name_of "$be")" "$(printf '%.3f s' "$(val "startup_$be")")" "-"
	row "unchanged import / first import, $(name_of "$be")" \
		"$(printf '%.3f (%.2f s / %.2f s)' "$(val "impratio_$be")" "$(val "imp2_$be")" "$(val "imp1_$be")")" "<= 0.2"
done
# the largest feed by expanded size, and the largest staged one
largest=
lv=0
staged=
sv=0
for f in $BENCH_FEEDS; do
	v=$(val "mib_$(echo "$f" | tr - _)")
	if [ "$(calc "$v > $lv")" = 1 ]; then
		lv=$v
		largest=$f
	fi
	if [ "$f" != ubuntu-big ] && [ "$(calc "$v > $sv")" = 1 ]; then
		sv=$v
		staged=$f
	fi
done
for be in $backends; do
	rss_feeds=$largest
	[ "$staged" != "$largest" ] && rss_feeds="$rss_feeds $staged"
	for f in $rss_feeds; do
		key=$(echo "$f" | tr - _)
		row "peak RSS, $(feed_field "$f" 2) ($(printf '%.1f' "$(val "mib_$key")") MiB), $(name_of "$be")" \
			"$(printf '%.1f MiB' "$(val "rss_${be}_$key")")" "<= 128 MiB"
	done
done
awk '$1 ~ /^(dpkg|rpm|apk|pep440|semver|maven|gem)$/ && NF == 4 {
	printf "%-58s %-34s %s\n", "vercmp --batch pairs/s, " $1, sprintf("%.0f (%.0f compare only)", $3, $4), ">= 100000" }' \
	"$tmp/vercmp.out"
