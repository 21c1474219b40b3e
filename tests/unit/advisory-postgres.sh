#!/bin/sh
# The advisory test (tests/unit/test_advisory) on PostgreSQL (TAP), against
# a throwaway cluster that is always stopped and removed afterwards. Skipped
# only when there are no server binaries in $PG_BINDIR.
#
# SPDX-License-Identifier: Apache-2.0
if [ ! -x "${PG_BINDIR:-}/initdb" ]; then
	echo "1..0 # SKIP no PostgreSQL server binaries (PG_BINDIR='${PG_BINDIR:-}')"
	exit 0
fi
. "${abs_top_srcdir:-${srcdir:-.}}/tests/unit/advisory-env.sh"
pgcluster="${abs_top_srcdir:-${srcdir:-.}}/tests/pgcluster.sh"
dir=$(mktemp -d "${TMPDIR:-/tmp}/claro-pg.XXXXXX") || exit 1
trap '"$pgcluster" stop "$dir" >/dev/null 2>&1' EXIT
trap 'exit 1' INT TERM HUP

if ! "$pgcluster" start "$dir" >/dev/null; then
	echo "Bail out! could not start a throwaway PostgreSQL cluster"
	exit 1
fi
CLARO_TEST_STORE=postgres
CLARO_TEST_PG_HOST=$dir
CLARO_TEST_PG_USER=postgres
export CLARO_TEST_STORE CLARO_TEST_PG_HOST CLARO_TEST_PG_USER
${CLARO_TEST_RUNNER:-} "${abs_top_builddir:-.}/tests/unit/test_advisory"
