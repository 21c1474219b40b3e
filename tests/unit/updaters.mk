# Updater test tool and updater plugin tests (included from tests/local.mk).

# run-updater: one updater set of a plugin, run with the real loader, host
# services and HTTP client, printing what it emitted (JSON lines). The plugin
# tests serve the real feed files from $CLARO_TESTDATA/advisories on a
# loopback port (tests/unit/feed-server.py) and compare with what python3
# reads from the same files.
check_PROGRAMS += tests/unit/run-updater
tests_unit_run_updater_SOURCES = tests/unit/run-updater.c
tests_unit_run_updater_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_run_updater_LDADD = libclaro.la
# parse-oval: the OVAL parser alone over a file, with its peak RSS.
check_PROGRAMS += tests/unit/parse-oval
tests_unit_parse_oval_SOURCES = tests/unit/parse-oval.c plugins/ubuntu/oval.c plugins/ubuntu/oval.h \
	plugins/common/feedstream.c plugins/common/feedstream.h
tests_unit_parse_oval_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common
tests_unit_parse_oval_CFLAGS = $(AM_CFLAGS) $(LIBXML2_CFLAGS) $(LIBARCHIVE_CFLAGS)
tests_unit_parse_oval_LDADD = $(LIBXML2_LIBS) $(LIBARCHIVE_LIBS)
TESTS += plugins/alpine/test-secdb.sh plugins/debian/test-tracker.sh plugins/ubuntu/test-oval.sh
dist_check_SCRIPTS += plugins/alpine/test-secdb.sh plugins/debian/test-tracker.sh plugins/ubuntu/test-oval.sh \
	tests/unit/feed-server.py tests/unit/updater-lib.sh plugins/ubuntu/oval-expect.py
EXTRA_DIST += plugins/debian/README.md plugins/ubuntu/README.md

# Fuzz targets of the feed parsers, replayed over the real advisory files.
check_PROGRAMS += tests/fuzz/fuzz_alpine_secdb tests/fuzz/fuzz_debian_tracker tests/fuzz/fuzz_ubuntu_oval
TESTS += tests/fuzz/fuzz_alpine_secdb tests/fuzz/fuzz_debian_tracker tests/fuzz/fuzz_ubuntu_oval
tests_fuzz_fuzz_alpine_secdb_SOURCES = tests/fuzz/fuzz_alpine_secdb.c plugins/alpine/secdb.c \
	plugins/alpine/secdb.h $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_alpine_secdb_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_SEEDS='"advisories/alpine"'
tests_fuzz_fuzz_alpine_secdb_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_fuzz_fuzz_alpine_secdb_LDADD = $(JANSSON_LIBS)
tests_fuzz_fuzz_debian_tracker_SOURCES = tests/fuzz/fuzz_debian_tracker.c plugins/debian/tracker.c \
	plugins/debian/tracker.h plugins/debian/jsonsplit.c plugins/debian/jsonsplit.h plugins/debian/dists.c \
	plugins/debian/dists.h $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_debian_tracker_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_SEEDS='"advisories/debian"'
tests_fuzz_fuzz_debian_tracker_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_fuzz_fuzz_debian_tracker_LDADD = $(JANSSON_LIBS)
tests_fuzz_fuzz_ubuntu_oval_SOURCES = tests/fuzz/fuzz_ubuntu_oval.c plugins/ubuntu/oval.c plugins/ubuntu/oval.h \
	plugins/common/feedstream.c plugins/common/feedstream.h $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_ubuntu_oval_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common \
	-DFUZZ_SEEDS='"advisories/ubuntu advisories/oracle advisories/suse advisories/debian/vulnerablecode"'
tests_fuzz_fuzz_ubuntu_oval_CFLAGS = $(AM_CFLAGS) $(LIBXML2_CFLAGS) $(LIBARCHIVE_CFLAGS)
tests_fuzz_fuzz_ubuntu_oval_LDADD = $(LIBXML2_LIBS) $(LIBARCHIVE_LIBS)
fuzz: tests/fuzz/fuzz_alpine_secdb-libfuzzer tests/fuzz/fuzz_debian_tracker-libfuzzer \
	tests/fuzz/fuzz_ubuntu_oval-libfuzzer
tests/fuzz/fuzz_alpine_secdb-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_alpine_secdb.c \
		$(top_srcdir)/plugins/alpine/secdb.c $(top_srcdir)/plugins/alpine/secdb.h
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) $(JANSSON_CFLAGS) -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_alpine_secdb.c $(top_srcdir)/plugins/alpine/secdb.c $(JANSSON_LIBS)
FUZZ_DEBIAN_TRACKER_CFILES = $(top_srcdir)/plugins/debian/tracker.c $(top_srcdir)/plugins/debian/jsonsplit.c \
	$(top_srcdir)/plugins/debian/dists.c
tests/fuzz/fuzz_debian_tracker-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_debian_tracker.c \
		$(FUZZ_DEBIAN_TRACKER_CFILES)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) $(JANSSON_CFLAGS) -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_debian_tracker.c $(FUZZ_DEBIAN_TRACKER_CFILES) $(JANSSON_LIBS)
FUZZ_UBUNTU_OVAL_CFILES = $(top_srcdir)/plugins/ubuntu/oval.c $(top_srcdir)/plugins/common/feedstream.c
tests/fuzz/fuzz_ubuntu_oval-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_ubuntu_oval.c $(FUZZ_UBUNTU_OVAL_CFILES)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -I$(top_srcdir)/plugins/common $(LIBXML2_CFLAGS) \
		$(LIBARCHIVE_CFLAGS) -o $@ $(top_srcdir)/tests/fuzz/fuzz_ubuntu_oval.c $(FUZZ_UBUNTU_OVAL_CFILES) \
		$(LIBXML2_LIBS) $(LIBARCHIVE_LIBS)
CLEANFILES += tests/fuzz/fuzz_alpine_secdb-libfuzzer tests/fuzz/fuzz_debian_tracker-libfuzzer \
	tests/fuzz/fuzz_ubuntu_oval-libfuzzer
