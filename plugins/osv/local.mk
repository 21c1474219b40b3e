# plugins/osv: the OSV updater set (included from plugins/local.mk).
pkgplugins_LTLIBRARIES += plugins/osv/osv.la
OSV_CORE_SOURCES = plugins/osv/archive.c plugins/osv/archive.h plugins/osv/cvss.c plugins/osv/cvss.h \
	plugins/osv/ecosystem.c plugins/osv/ecosystem.h plugins/osv/osverr.c plugins/osv/osverr.h \
	plugins/osv/record.c plugins/osv/record.h
plugins_osv_osv_la_SOURCES = plugins/osv/osv.c $(OSV_CORE_SOURCES)
plugins_osv_osv_la_CFLAGS = $(PLUGIN_CFLAGS) $(JANSSON_CFLAGS) $(LIBARCHIVE_CFLAGS)
plugins_osv_osv_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_osv_osv_la_LIBADD = $(JANSSON_LIBS) $(LIBARCHIVE_LIBS) -lm
EXTRA_DIST += plugins/osv/README.md

# run-osv: runs one updater through the real loader, host and HTTP client
# and prints what it emitted (the test's driver).
check_PROGRAMS += plugins/osv/run-osv
plugins_osv_run_osv_SOURCES = plugins/osv/run-osv.c
plugins_osv_run_osv_CFLAGS = $(libclaro_la_CFLAGS)
plugins_osv_run_osv_LDADD = libclaro.la

# CVSS scores against NVD's own (test_cvss), and the whole updater against a
# loopback server serving the real dumps, checked with a Python oracle.
check_PROGRAMS += plugins/osv/test_cvss
plugins_osv_test_cvss_SOURCES = plugins/osv/test_cvss.c plugins/osv/cvss.c plugins/osv/cvss.h tests/tap.h
plugins_osv_test_cvss_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/include -I$(top_builddir)/include
plugins_osv_test_cvss_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
plugins_osv_test_cvss_LDADD = $(JANSSON_LIBS) -lm
TESTS += plugins/osv/test_cvss plugins/osv/test-osv.sh
dist_check_SCRIPTS += plugins/osv/test-osv.sh plugins/osv/osv_oracle.py

# Fuzz target: an OSV JSON record (or a whole all.zip) -> vulnerabilities,
# replayed over the real PyPI and Maven dumps in make check.
check_PROGRAMS += tests/fuzz/fuzz_osv
TESTS += tests/fuzz/fuzz_osv
tests_fuzz_fuzz_osv_SOURCES = tests/fuzz/fuzz_osv.c $(OSV_CORE_SOURCES) $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_osv_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/include -I$(top_builddir)/include \
	-DFUZZ_SEEDS='"advisories/osv/PyPI-all.zip advisories/osv/claircore/maven.zip"'
tests_fuzz_fuzz_osv_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(LIBARCHIVE_CFLAGS)
tests_fuzz_fuzz_osv_LDADD = $(JANSSON_LIBS) $(LIBARCHIVE_LIBS) -lm
fuzz: tests/fuzz/fuzz_osv-libfuzzer
OSV_FUZZ_CFILES = $(top_srcdir)/plugins/osv/archive.c $(top_srcdir)/plugins/osv/cvss.c \
	$(top_srcdir)/plugins/osv/ecosystem.c $(top_srcdir)/plugins/osv/osverr.c $(top_srcdir)/plugins/osv/record.c
tests/fuzz/fuzz_osv-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_osv.c $(OSV_FUZZ_CFILES)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) $(JANSSON_CFLAGS) $(LIBARCHIVE_CFLAGS) -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_osv.c $(OSV_FUZZ_CFILES) $(JANSSON_LIBS) $(LIBARCHIVE_LIBS) -lm
CLEANFILES += tests/fuzz/fuzz_osv-libfuzzer
