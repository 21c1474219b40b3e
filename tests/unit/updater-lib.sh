# updater-lib.sh: shell helpers shared by the updater plugin tests
# (plugins/*/test-{secdb,tracker,oval}.sh); sourced, not run.
#
# Sets b (build dir), src (source dir), T (test data), tmp (a scratch
# directory removed at exit, with the feed server stopped), run (the
# run-updater tool), n / fails (TAP counters). Provides:
#   start_server DIR   serve DIR on a loopback port (tests/unit/feed-server.py);
#                      sets $url (http://127.0.0.1:PORT) and $server_log
#   stop_server        stop it (also done at exit)
#   pass MSG / fail MSG / check GOT WANT MSG / same_file GOT WANT MSG
#   fails_clearly MSG PATTERN CMD...   CMD exits 1, prints nothing on stdout and
#                      a three-part error (message matching PATTERN, detail, hint)
# SPDX-License-Identifier: Apache-2.0
b=${abs_top_builddir:?run through make check}
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
T=${CLARO_TESTDATA:-/work/shared/testdata}
run="$b/tests/unit/run-updater"
n=0
fails=0
server_pid=
tmp=$(mktemp -d) || exit 1
cleanup() {
	stop_server
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { if [ "$1" = "$2" ]; then pass "$3"; else fail "$3"; echo "#   got:  $1"; echo "#   want: $2"; fi; }
same_file() {
	if cmp -s "$1" "$2"; then
		pass "$3"
	else
		fail "$3"
		diff -u "$2" "$1" | head -20 | sed 's/^/#   /'
	fi
}

start_server() {
	stop_server
	server_log="$tmp/server.log"
	rm -f "$tmp/port"
	python3 "$src/tests/unit/feed-server.py" "$1" "$tmp/port" "$server_log" &
	server_pid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ ! -s "$tmp/port" ]; then
		echo "Bail out! the feed server did not start"
		exit 1
	fi
	url="http://127.0.0.1:$(cat "$tmp/port")"
}

stop_server() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
		server_pid=
	fi
}

fails_clearly() {
	msg=$1
	pattern=$2
	shift 2
	"$@" >"$tmp/fc.out" 2>"$tmp/fc.err"
	rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$tmp/fc.out" ] && grep -q "^run-updater: .*$pattern" "$tmp/fc.err" &&
		grep -q '^  detail: ' "$tmp/fc.err" && grep -q '^  hint: ' "$tmp/fc.err"; then
		pass "$msg"
	else
		fail "$msg (exit $rc)"
		sed 's/^/#   /' "$tmp/fc.err" | head -8
		head -c 300 "$tmp/fc.out" | sed 's/^/#   stdout: /'
	fi
}
