# Advisory store and updater runner tests (included from tests/local.mk).
# tests/unit/test_advisory runs once per backend: the advisory store on real
# Alpine secdb data, the updater runner with tests/plugins/beta.c's updater
# set against a loopback server, the air-gapped mirror, export/import and
# hostile import files.
check_PROGRAMS += tests/unit/test_advisory
tests_unit_test_advisory_SOURCES = tests/unit/test_advisory.c tests/unit/http_fixture.c \
	tests/unit/http_fixture.h $(TESTUTIL_SOURCES)
tests_unit_test_advisory_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_advisory_LDADD = libclaro.la
TESTS += tests/unit/advisory-sqlite.sh tests/unit/advisory-postgres.sh
dist_check_SCRIPTS += tests/unit/advisory-sqlite.sh tests/unit/advisory-postgres.sh
EXTRA_DIST += tests/unit/advisory-env.sh
# clarod's runner and the claroctl updaters commands, air-gapped on a mirror
TESTS += tests/integ/test-updaters.sh
dist_check_SCRIPTS += tests/integ/test-updaters.sh

# Fuzz target of the import's reader: export records, Clair Vulnerability JSON
# (replayed over real seeds in make check; make fuzz builds the libFuzzer one).
check_PROGRAMS += tests/fuzz/fuzz_advisory_record
TESTS += tests/fuzz/fuzz_advisory_record
tests_fuzz_fuzz_advisory_record_SOURCES = tests/fuzz/fuzz_advisory_record.c $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_advisory_record_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_SEEDS='"clair-fixtures/matcher advisories/osv/claircore"'
tests_fuzz_fuzz_advisory_record_CFLAGS = $(libclaro_la_CFLAGS)
tests_fuzz_fuzz_advisory_record_LDADD = libclaro.la
fuzz: tests/fuzz/fuzz_advisory_record-libfuzzer
FUZZ_ADVISORY_CFILES = $(top_srcdir)/core/advisory_record.c $(top_srcdir)/core/advisory_stream.c \
	$(top_srcdir)/core/vulnjson.c $(top_srcdir)/core/indexreport.c $(top_srcdir)/core/strutil.c \
	$(top_srcdir)/core/error.c
tests/fuzz/fuzz_advisory_record-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_advisory_record.c $(FUZZ_ADVISORY_CFILES)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -I$(top_builddir) -I$(top_srcdir)/core -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_advisory_record.c $(FUZZ_ADVISORY_CFILES) \
		$(JANSSON_LIBS) $(ZLIB_LIBS) $(LIBZSTD_LIBS)
CLEANFILES += tests/fuzz/fuzz_advisory_record-libfuzzer
