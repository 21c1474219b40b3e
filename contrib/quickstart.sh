#!/bin/sh
# claro quick start on a fresh Debian 12 machine: install the dependencies,
# build, install into _build/quickstart/prefix, start clarod on its embedded
# SQLite store (the default path, as claroctl --local uses), show that it is
# ready and what it loaded. The daemon keeps running in the foreground;
# Ctrl-C stops it cleanly.
#
#   contrib/quickstart.sh [--port PORT]     (default 6060; introspection on PORT+2029)
#
# SPDX-License-Identifier: Apache-2.0
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
port=6060
[ "${1:-}" = "--port" ] && port=$2
iport=$((port + 2029))

say() { printf '\033[1mclaro quickstart:\033[0m %s\n' "$*" >&2; }

say "installing dependencies (Debian packages)"
contrib/install-deps.sh

build=$top/_build/quickstart
prefix=$build/prefix
say "building into $build"
[ -x configure ] || autoreconf -fi
mkdir -p "$build"
(cd "$build" && { [ -f Makefile ] || "$top/configure" --prefix="$prefix" -q 2>&1 | grep -v "cannot remove .core."; } &&
	make -j"$(nproc)" >/dev/null && make install >/dev/null)

say "starting clarod (API http://127.0.0.1:$port, introspection http://127.0.0.1:$iport)"
"$prefix/bin/clarod" --api-addr "127.0.0.1:$port" --introspection-addr "127.0.0.1:$iport" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM

i=0
until curl -fsS "http://127.0.0.1:$iport/readyz" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
		say "clarod did not become ready; see its log above"
		exit 1
	fi
	sleep 0.1
done
say "clarod is ready; plugins loaded:"
"$prefix/bin/claroctl" --host "http://127.0.0.1:$port" plugins
say "index state: $(curl -fsS "http://127.0.0.1:$port/indexer/api/v1/index_state" 2>/dev/null || echo 'arrives with the indexer')"
say "image indexing and vulnerability reports arrive with the indexer and matcher (see README Status)"
say "clarod is running (pid $pid); press Ctrl-C to stop it"
wait $pid
