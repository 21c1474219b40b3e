#!/bin/sh
# The advisory store, updater runner, mirror and export/import test
# (tests/unit/test_advisory) on SQLite (TAP). CLARO_TEST_RUNNER may name a
# wrapper such as valgrind.
#
# SPDX-License-Identifier: Apache-2.0
. "${abs_top_srcdir:-${srcdir:-.}}/tests/unit/advisory-env.sh"
CLARO_TEST_STORE=sqlite
export CLARO_TEST_STORE
exec ${CLARO_TEST_RUNNER:-} "${abs_top_builddir:-.}/tests/unit/test_advisory"
