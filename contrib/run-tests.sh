#!/bin/sh
# Build claro with warnings as errors and run the whole test suite
# (make check: unit tests, ABI-negative tests, the store suite on SQLite and
# on a throwaway PostgreSQL cluster, the clarod integration test and the
# out-of-tree plugin build). README's test command. Options:
#   --sanitizers   build in _build/asan with -fsanitize=address,undefined
# SPDX-License-Identifier: Apache-2.0
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
"$top/contrib/install-deps.sh"

build=_build/check
flags="--enable-werror"
if [ "${1:-}" = "--sanitizers" ]; then
	build=_build/asan
	flags="$flags --enable-sanitizers"
fi

[ -x configure ] || autoreconf -fi
mkdir -p "$build"
cd "$build"
[ -f Makefile ] || "$top/configure" $flags -q
jobs=$(nproc 2>/dev/null || echo 2)
make -j"$jobs"
if ! make -j"$jobs" check; then
	echo "claro: tests failed; the logs are in $build/tests/ (*.log)" >&2
	find . -name '*.log' -path './tests/*' -newer Makefile -exec grep -l -E '^(not ok|FAIL|ERROR)' {} + 2>/dev/null |
		while read -r f; do echo "==== $f"; cat "$f"; done >&2
	exit 1
fi
