#!/bin/sh
# Integration test (TAP): the updater runner in the built clarod and the
# claroctl updaters commands, air-gapped: tests/plugins/beta.c's updater set
# points at a host that does not exist, [clarod] airgap = true, and every
# feed comes from an [updaters] mirror_dir laid out as <host>/<path>. No
# request leaves the machine (there is no server to answer one).
#
# SPDX-License-Identifier: Apache-2.0
set -u

: "${abs_top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
clarod=$abs_top_builddir/clarod
claroctl=$abs_top_builddir/claroctl
beta=$abs_top_builddir/tests/plugins/.libs/beta.so

if [ ! -x "$clarod" ] || [ ! -x "$claroctl" ] || [ ! -f "$beta" ]; then
	echo "1..0 # SKIP clarod, claroctl or tests/plugins/beta.so is not built"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-updaters.XXXXXX") || exit 99
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	[ -n "${CLARO_KEEP_TMP:-}" ] || rm -rf "$tmp"
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
has() { # has FILE TEXT DESCRIPTION
	if grep -qF -- "$2" "$1"; then ok 0 "$3"; else
		ok 1 "$3"
		sed 's/^/#   /' "$1" | head -20
	fi
}
bail() {
	echo "Bail out! $1"
	[ -f "$tmp/clarod.log" ] && sed 's/^/# /' "$tmp/clarod.log"
	exit 1
}

mkdir -p "$tmp/plugins" "$tmp/mirror/feeds.example.invalid/beta"
cp "$beta" "$tmp/plugins/beta.so"
m=$tmp/mirror/feeds.example.invalid/beta
printf 'CVE-2024-1 beta-x 5 high\nCVE-2024-2 beta-y 7 low\n' >"$m/full"
printf 'CVE-2024-3 beta-x 2 high\n' >"$m/feed"
printf 'CVE-2024-1 0.97\n' >"$m/scores"

write_ini() { # write_ini FILE DB
	cat >"$1" <<EOF
[clarod]
api_addr = 127.0.0.1:0
introspection_addr =
plugin_dir = $tmp/plugins
airgap = true
log_level = info

[store]
path = $2

[plugins]
load = beta

[plugin.beta]
url = http://feeds.example.invalid/beta
full = true

[updaters]
mirror_dir = $tmp/mirror
period = 1h
jitter = 0s
EOF
}
write_ini "$tmp/clarod.ini" "$tmp/a.db"
write_ini "$tmp/b.ini" "$tmp/b.db"

# ---- clarod runs the updaters at start ------------------------------------
"$clarod" -c "$tmp/clarod.ini" --port-file "$tmp/ports" >"$tmp/clarod.log" 2>&1 &
pid=$!
tries=0
until grep -q "updaters: round done" "$tmp/clarod.log"; do
	kill -0 "$pid" 2>/dev/null || bail "clarod exited"
	tries=$((tries + 1))
	[ $tries -le 300 ] || bail "no update round within 30 s"
	sleep 0.1
done
has "$tmp/clarod.log" "reading every feed from the mirror" "clarod: the mirror is announced"
has "$tmp/clarod.log" "round done" "clarod: the first round ran at start-up"
has "$tmp/clarod.log" "3 updated, 0 unchanged, 0 failed" "clarod: beta/feed, beta/full, beta/scores updated"
kill -TERM "$pid"
wait "$pid"
ok $? "clarod: SIGTERM stops it, runner included, exit status 0"
pid=

# ---- status ------------------------------------------------------------------
"$claroctl" -c "$tmp/clarod.ini" updaters status >"$tmp/status" 2>&1
ok $? "status exits 0"
has "$tmp/status" "UPDATER" "status: a header"
grep -E '^beta/full +ok .* 2 ' "$tmp/status" >/dev/null
ok $? "status: beta/full ok with 2 records"
"$claroctl" -c "$tmp/clarod.ini" updaters status --json >"$tmp/status.json" 2>&1
has "$tmp/status.json" '"name": "beta/scores"' "status --json names beta/scores"

# ---- run, unchanged, failing ---------------------------------------------------
"$claroctl" -c "$tmp/clarod.ini" updaters run >"$tmp/run1" 2>&1
ok $? "run: exit 0"
grep -E '^beta/full +unchanged' "$tmp/run1" >/dev/null
ok $? "run: the mirror file's ETag made beta/full unchanged"
sleep 1.1 # a new mtime second for the ETag
printf 'CVE-2024-9 beta-z 1 low\n' >"$m/full"
"$claroctl" -c "$tmp/clarod.ini" updaters run beta/full >"$tmp/run2" 2>&1
ok $? "run beta/full: exit 0"
grep -E '^beta/full +updated +1 records' "$tmp/run2" >/dev/null
ok $? "run beta/full: a changed file is a new snapshot of 1 record"
grep -q '^beta/feed' "$tmp/run2"
ok $((1 - $?)) "run beta/full: other updaters left out"
rm "$m/full"
"$claroctl" -c "$tmp/clarod.ini" updaters run beta/full >"$tmp/run3" 2>&1
ok $((1 - $?)) "run: a feed missing from the mirror fails (exit 1)"
has "$tmp/run3" "mirror directory has no readable file" "run: the error names the mirror file"
"$claroctl" -c "$tmp/clarod.ini" updaters status >"$tmp/status2" 2>&1
grep -E '^beta/full +failing .* 1 ' "$tmp/status2" >/dev/null
ok $? "status: beta/full failing, its last snapshot (1 record) kept"

# ---- export / import -------------------------------------------------------------
"$claroctl" -c "$tmp/clarod.ini" updaters export "$tmp/adv.json.zst" >"$tmp/export" 2>&1
ok $? "export .zst: exit 0"
has "$tmp/export" "exported 3 operations" "export: 3 operations"
"$claroctl" -c "$tmp/b.ini" updaters import "$tmp/adv.json.zst" >"$tmp/import" 2>&1
ok $? "import into another database: exit 0"
has "$tmp/import" "imported 3 operations" "import: 3 operations"
"$claroctl" -c "$tmp/b.ini" updaters import - <"$tmp/adv.json.zst" >"$tmp/import2" 2>&1
ok $? "import again from standard input: exit 0"
has "$tmp/import2" "0 operations" "import again: nothing new"
has "$tmp/import2" "3 already present" "import again: 3 skipped by fingerprint"
"$claroctl" -c "$tmp/b.ini" updaters status >"$tmp/status3" 2>&1
grep -E '^beta/full +imported .* 1 ' "$tmp/status3" >/dev/null
ok $? "status of the copy: beta/full imported, 1 record"
"$claroctl" -c "$tmp/clarod.ini" updaters export - >"$tmp/a.ndjson" 2>/dev/null
"$claroctl" -c "$tmp/b.ini" updaters export - >"$tmp/b.ndjson" 2>/dev/null
sed 's/"Ref":"[^"]*"//' "$tmp/a.ndjson" | LC_ALL=C sort >"$tmp/a.sorted"
sed 's/"Ref":"[^"]*"//' "$tmp/b.ndjson" | LC_ALL=C sort >"$tmp/b.sorted"
cmp -s "$tmp/a.sorted" "$tmp/b.sorted"
ok $? "export -> import -> export gives the same records"
has "$tmp/a.ndjson" '"Kind":"vulnerability"' "export: Clair's record shape (Kind)"

# ---- usage -------------------------------------------------------------------------
"$claroctl" --host http://127.0.0.1:1 updaters status >"$tmp/usage" 2>&1
[ $? -eq 2 ]
ok $? "--host is refused with exit 2"
"$claroctl" -c "$tmp/clarod.ini" updaters frobnicate >"$tmp/usage2" 2>&1
[ $? -eq 2 ]
ok $? "an unknown subcommand exits 2"

echo "1..$n"
[ $failures -eq 0 ]
