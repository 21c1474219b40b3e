# Report formats and the matcher-fixture loader (included from tests/local.mk).
TXTAR_SOURCES = tests/unit/txtar.c tests/unit/txtar.h
check_PROGRAMS += tests/unit/test_report_format
TESTS += tests/unit/test_report_format
tests_unit_test_report_format_SOURCES = tests/unit/test_report_format.c $(TXTAR_SOURCES) $(TESTUTIL_SOURCES)
tests_unit_test_report_format_CFLAGS = $(libclaro_la_CFLAGS) $(LIBXML2_CFLAGS)
tests_unit_test_report_format_LDADD = libclaro.la $(LIBXML2_LIBS)
# Clair's matcher fixtures through core/matcher.c and the real matcher plugins
check_PROGRAMS += tests/unit/test_matcher_fixtures
TESTS += tests/unit/test_matcher_fixtures
tests_unit_test_matcher_fixtures_SOURCES = tests/unit/test_matcher_fixtures.c $(TXTAR_SOURCES) $(TESTUTIL_SOURCES)
tests_unit_test_matcher_fixtures_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_matcher_fixtures_LDADD = libclaro.la
# End to end: mirrored Alpine secdb, claroctl report on the Alpine
# minirootfs images, against the images' own apk (needs root and PyYAML).
TESTS += tests/integ/alpine-report.sh
dist_check_SCRIPTS += tests/integ/alpine-report.sh
# The matcher's internal API against a running clarod: update_operation,
# update_diff and DELETE update_operation on two real secdb snapshots, and
# the vulnerability report following each change (needs PyYAML and curl).
TESTS += tests/integ/matcher-api.sh
dist_check_SCRIPTS += tests/integ/matcher-api.sh
