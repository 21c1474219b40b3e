#!/bin/sh
# The store test suite on SQLite (TAP). CLARO_TEST_RUNNER may name a
# wrapper such as "valgrind --leak-check=full --error-exitcode=1".
#
# SPDX-License-Identifier: Apache-2.0
CLARO_TEST_STORE=sqlite
export CLARO_TEST_STORE
exec ${CLARO_TEST_RUNNER:-} "${abs_top_builddir:-.}/tests/unit/test_store"
