# plugins/enrich: CVSS (NVD), EPSS and CISA KEV enrichment updaters and
# enrichers (included from plugins/local.mk).
pkgplugins_LTLIBRARIES += plugins/enrich/enrich.la
ENRICH_PARSER_SOURCES = plugins/enrich/enrerr.c plugins/enrich/enrerr.h plugins/enrich/zstream.c \
	plugins/enrich/zstream.h plugins/enrich/jsonscan.c plugins/enrich/jsonscan.h plugins/enrich/cveid.c \
	plugins/enrich/cveid.h plugins/enrich/cvss.c plugins/enrich/cvss.h plugins/enrich/epss.c \
	plugins/enrich/epss.h plugins/enrich/kev.c plugins/enrich/kev.h
plugins_enrich_enrich_la_SOURCES = plugins/enrich/enrich.c plugins/enrich/enrich.h plugins/enrich/updaters.c \
	plugins/enrich/enricher.c $(ENRICH_PARSER_SOURCES) plugins/common/feedfetch.c plugins/common/feedfetch.h
plugins_enrich_enrich_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_enrich_enrich_la_CFLAGS = $(PLUGIN_CFLAGS) $(ZLIB_CFLAGS)
plugins_enrich_enrich_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_enrich_enrich_la_LIBADD = $(ZLIB_LIBS)
EXTRA_DIST += plugins/enrich/README.md

# run-enrich: updaters into the in-memory enrichment store, then the
# enrichers through core/enrich.c over a set of vulnerabilities (the test's
# driver for the report side).
check_PROGRAMS += plugins/enrich/run-enrich
plugins_enrich_run_enrich_SOURCES = plugins/enrich/run-enrich.c
plugins_enrich_run_enrich_CFLAGS = $(libclaro_la_CFLAGS)
plugins_enrich_run_enrich_LDADD = libclaro.la
TESTS += plugins/enrich/test-enrich.sh
dist_check_SCRIPTS += plugins/enrich/test-enrich.sh plugins/enrich/enrich_oracle.py

# Fuzz targets, one per parser of outside data (NVD feeds and .meta files,
# the EPSS CSV, the KEV catalog), each over the bounded decompressor;
# replayed in make check over the real files (and the NVD pages of
# anchore/vunnel and trivy-db). The jansson cross-check stands for the host's
# sink.
ENRICH_FUZZ_COMMON = plugins/enrich/enrerr.c plugins/enrich/enrerr.h plugins/enrich/zstream.c \
	plugins/enrich/zstream.h plugins/enrich/jsonscan.c plugins/enrich/jsonscan.h plugins/enrich/cveid.c \
	plugins/enrich/cveid.h
check_PROGRAMS += tests/fuzz/fuzz_enrich_cvss tests/fuzz/fuzz_enrich_epss tests/fuzz/fuzz_enrich_kev
TESTS += tests/fuzz/fuzz_enrich_cvss tests/fuzz/fuzz_enrich_epss tests/fuzz/fuzz_enrich_kev
tests_fuzz_fuzz_enrich_cvss_SOURCES = tests/fuzz/fuzz_enrich_cvss.c plugins/enrich/cvss.c plugins/enrich/cvss.h \
	$(ENRICH_FUZZ_COMMON) $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_enrich_cvss_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/include -I$(top_builddir)/include \
	-DFUZZ_SEEDS='"advisories/nvd"'
tests_fuzz_fuzz_enrich_cvss_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(ZLIB_CFLAGS)
tests_fuzz_fuzz_enrich_cvss_LDADD = $(JANSSON_LIBS) $(ZLIB_LIBS)
tests_fuzz_fuzz_enrich_epss_SOURCES = tests/fuzz/fuzz_enrich_epss.c plugins/enrich/epss.c plugins/enrich/epss.h \
	$(ENRICH_FUZZ_COMMON) $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_enrich_epss_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/include -I$(top_builddir)/include \
	-DFUZZ_SEEDS='"advisories/nvd/claircore-enricher/epss clair-fixtures/acceptance/cve-2025-40907.csv"'
tests_fuzz_fuzz_enrich_epss_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(ZLIB_CFLAGS)
tests_fuzz_fuzz_enrich_epss_LDADD = $(JANSSON_LIBS) $(ZLIB_LIBS)
tests_fuzz_fuzz_enrich_kev_SOURCES = tests/fuzz/fuzz_enrich_kev.c plugins/enrich/kev.c plugins/enrich/kev.h \
	$(ENRICH_FUZZ_COMMON) $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_enrich_kev_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/include -I$(top_builddir)/include \
	-DFUZZ_SEEDS='"advisories/nvd/claircore-enricher/kev"'
tests_fuzz_fuzz_enrich_kev_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(ZLIB_CFLAGS)
tests_fuzz_fuzz_enrich_kev_LDADD = $(JANSSON_LIBS) $(ZLIB_LIBS)
ENRICH_FUZZ_CFILES = $(top_srcdir)/plugins/enrich/enrerr.c $(top_srcdir)/plugins/enrich/zstream.c \
	$(top_srcdir)/plugins/enrich/jsonscan.c $(top_srcdir)/plugins/enrich/cveid.c
fuzz: tests/fuzz/fuzz_enrich_cvss-libfuzzer tests/fuzz/fuzz_enrich_epss-libfuzzer tests/fuzz/fuzz_enrich_kev-libfuzzer
tests/fuzz/fuzz_enrich_cvss-libfuzzer tests/fuzz/fuzz_enrich_epss-libfuzzer tests/fuzz/fuzz_enrich_kev-libfuzzer: \
		tests/fuzz/fuzz_enrich_%-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_enrich_%.c \
		$(top_srcdir)/plugins/enrich/%.c $(ENRICH_FUZZ_CFILES)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) $(JANSSON_CFLAGS) $(ZLIB_CFLAGS) -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_enrich_$*.c $(top_srcdir)/plugins/enrich/$*.c $(ENRICH_FUZZ_CFILES) \
		$(JANSSON_LIBS) $(ZLIB_LIBS)
CLEANFILES += tests/fuzz/fuzz_enrich_cvss-libfuzzer tests/fuzz/fuzz_enrich_epss-libfuzzer \
	tests/fuzz/fuzz_enrich_kev-libfuzzer
