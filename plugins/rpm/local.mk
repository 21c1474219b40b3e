# plugins/rpm: build and test rules (included from plugins/local.mk).

# The rpm database readers, with no host dependency: Berkeley DB hash, ndb
# and SQLite files, and the RPM header parser.
RPMDB_FORMAT_SOURCES = plugins/rpm/rpmdb_io.c plugins/rpm/rpmdb_io.h \
	plugins/rpm/bdb.c plugins/rpm/bdb.h plugins/rpm/ndb.c plugins/rpm/ndb.h \
	plugins/rpm/sqlitedb.c plugins/rpm/sqlitedb.h plugins/rpm/rpmhdr.c plugins/rpm/rpmhdr.h
# claircore's view of a header (EVR, source, module, repository hint).
RPMINFO_SOURCES = plugins/rpm/rpminfo.c plugins/rpm/rpminfo.h plugins/rpm/pgpsig.c plugins/rpm/pgpsig.h

# The RPM-owned path set for language scanners (plugins/rpm/rpm_pathset.h).
# Another plugin compiles these in:
#   <plugin>_SOURCES += $(RPM_PATHSET_SOURCES)
#   <plugin>_CPPFLAGS = $(AM_CPPFLAGS) $(RPM_PATHSET_CPPFLAGS)
#   <plugin>_CFLAGS = $(PLUGIN_CFLAGS) $(SQLITE3_CFLAGS)
#   <plugin>_LIBADD = $(SQLITE3_LIBS)
RPM_PATHSET_SOURCES = plugins/rpm/rpm_pathset.c plugins/rpm/rpm_pathset.h \
	plugins/rpm/rpmdb.c plugins/rpm/rpmdb.h $(RPMDB_FORMAT_SOURCES)
RPM_PATHSET_CPPFLAGS = -I$(top_srcdir)/plugins/rpm

# rpm: the "rpm" package scanner (version 10).
pkgplugins_LTLIBRARIES += plugins/rpm/rpm.la
plugins_rpm_rpm_la_SOURCES = plugins/rpm/rpm.c plugins/rpm/rpm.h plugins/rpm/rpm_scanner.c \
	plugins/rpm/rpmdb.c plugins/rpm/rpmdb.h $(RPMINFO_SOURCES) $(RPMDB_FORMAT_SOURCES)
plugins_rpm_rpm_la_CFLAGS = $(PLUGIN_CFLAGS) $(SQLITE3_CFLAGS)
plugins_rpm_rpm_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rpm_rpm_la_LIBADD = $(SQLITE3_LIBS)
EXTRA_DIST += plugins/rpm/README.md plugins/rpm/gen-rpmdb.py

# Tests. test-rpm.sh: the scanner (through tests/unit/scan-layer) and
# rpmdb-dump against rpm's own answers for every staged database and for
# databases it generates (headers re-inserted into SQLite and Berkeley DB of
# both byte orders, packages built with rpmbuild), the RPM-owned path set
# (through the test-only plugin rpmpaths.la) against `rpm -qal`, and
# malformed databases. test_rpmhdr: the header parser, OpenPGP issuer and
# claircore's EVR/source/module/hint rules on crafted inputs.
check_PROGRAMS += plugins/rpm/rpmdb-dump plugins/rpm/test_rpmhdr
plugins_rpm_rpmdb_dump_SOURCES = plugins/rpm/rpmdb-dump.c $(RPMINFO_SOURCES) $(RPMDB_FORMAT_SOURCES)
plugins_rpm_rpmdb_dump_CFLAGS = $(AM_CFLAGS) $(SQLITE3_CFLAGS)
plugins_rpm_rpmdb_dump_LDADD = $(SQLITE3_LIBS)
plugins_rpm_test_rpmhdr_SOURCES = plugins/rpm/test_rpmhdr.c $(RPMINFO_SOURCES) $(RPMDB_FORMAT_SOURCES) tests/tap.h
plugins_rpm_test_rpmhdr_CFLAGS = $(AM_CFLAGS) $(SQLITE3_CFLAGS)
plugins_rpm_test_rpmhdr_LDADD = $(SQLITE3_LIBS)
check_LTLIBRARIES += plugins/rpm/rpmpaths.la
plugins_rpm_rpmpaths_la_SOURCES = plugins/rpm/test_rpmpaths.c $(RPM_PATHSET_SOURCES)
plugins_rpm_rpmpaths_la_CPPFLAGS = $(AM_CPPFLAGS) $(RPM_PATHSET_CPPFLAGS)
plugins_rpm_rpmpaths_la_CFLAGS = $(PLUGIN_CFLAGS) $(SQLITE3_CFLAGS)
plugins_rpm_rpmpaths_la_LDFLAGS = $(PLUGIN_LDFLAGS) -rpath /nowhere
plugins_rpm_rpmpaths_la_LIBADD = $(SQLITE3_LIBS)
TESTS += plugins/rpm/test_rpmhdr plugins/rpm/test-rpm.sh
dist_check_SCRIPTS += plugins/rpm/test-rpm.sh

# Fuzz targets of the rpm parsers (tests/fuzz/fuzz_rpm_*.c), replayed in
# `make check` over every file in the test data's pkgdb/rpm (databases of
# the three kinds, raw headers, and the text around them).
FUZZ_RPM_SEEDS = -DFUZZ_SEEDS='"pkgdb/rpm"'
FUZZ_RPM_CFILES = $(top_srcdir)/plugins/rpm/rpmdb_io.c $(top_srcdir)/plugins/rpm/bdb.c \
	$(top_srcdir)/plugins/rpm/ndb.c $(top_srcdir)/plugins/rpm/sqlitedb.c $(top_srcdir)/plugins/rpm/rpmhdr.c \
	$(top_srcdir)/plugins/rpm/rpminfo.c $(top_srcdir)/plugins/rpm/pgpsig.c
FUZZ_RPM_HFILES = $(top_srcdir)/plugins/rpm/rpmdb_io.h $(top_srcdir)/plugins/rpm/bdb.h \
	$(top_srcdir)/plugins/rpm/ndb.h $(top_srcdir)/plugins/rpm/sqlitedb.h $(top_srcdir)/plugins/rpm/rpmhdr.h \
	$(top_srcdir)/plugins/rpm/rpminfo.h $(top_srcdir)/plugins/rpm/pgpsig.h $(top_srcdir)/tests/fuzz/fuzz_rpm.h
check_PROGRAMS += tests/fuzz/fuzz_rpm_header tests/fuzz/fuzz_rpm_bdb tests/fuzz/fuzz_rpm_ndb tests/fuzz/fuzz_rpm_sqlite
TESTS += tests/fuzz/fuzz_rpm_header tests/fuzz/fuzz_rpm_bdb tests/fuzz/fuzz_rpm_ndb tests/fuzz/fuzz_rpm_sqlite
tests_fuzz_fuzz_rpm_header_SOURCES = tests/fuzz/fuzz_rpm_header.c tests/fuzz/fuzz_rpm.h $(RPMINFO_SOURCES) \
	$(RPMDB_FORMAT_SOURCES) $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_rpm_header_CPPFLAGS = $(AM_CPPFLAGS) $(FUZZ_RPM_SEEDS)
tests_fuzz_fuzz_rpm_header_CFLAGS = $(AM_CFLAGS) $(SQLITE3_CFLAGS)
tests_fuzz_fuzz_rpm_header_LDADD = $(SQLITE3_LIBS)
tests_fuzz_fuzz_rpm_bdb_SOURCES = tests/fuzz/fuzz_rpm_bdb.c tests/fuzz/fuzz_rpm.h $(RPMINFO_SOURCES) \
	$(RPMDB_FORMAT_SOURCES) $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_rpm_bdb_CPPFLAGS = $(AM_CPPFLAGS) $(FUZZ_RPM_SEEDS)
tests_fuzz_fuzz_rpm_bdb_CFLAGS = $(AM_CFLAGS) $(SQLITE3_CFLAGS)
tests_fuzz_fuzz_rpm_bdb_LDADD = $(SQLITE3_LIBS)
tests_fuzz_fuzz_rpm_ndb_SOURCES = tests/fuzz/fuzz_rpm_ndb.c tests/fuzz/fuzz_rpm.h $(RPMINFO_SOURCES) \
	$(RPMDB_FORMAT_SOURCES) $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_rpm_ndb_CPPFLAGS = $(AM_CPPFLAGS) $(FUZZ_RPM_SEEDS)
tests_fuzz_fuzz_rpm_ndb_CFLAGS = $(AM_CFLAGS) $(SQLITE3_CFLAGS)
tests_fuzz_fuzz_rpm_ndb_LDADD = $(SQLITE3_LIBS)
tests_fuzz_fuzz_rpm_sqlite_SOURCES = tests/fuzz/fuzz_rpm_sqlite.c tests/fuzz/fuzz_rpm.h $(RPMINFO_SOURCES) \
	$(RPMDB_FORMAT_SOURCES) $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_rpm_sqlite_CPPFLAGS = $(AM_CPPFLAGS) $(FUZZ_RPM_SEEDS)
tests_fuzz_fuzz_rpm_sqlite_CFLAGS = $(AM_CFLAGS) $(SQLITE3_CFLAGS)
tests_fuzz_fuzz_rpm_sqlite_LDADD = $(SQLITE3_LIBS)
fuzz: tests/fuzz/fuzz_rpm_header-libfuzzer tests/fuzz/fuzz_rpm_bdb-libfuzzer tests/fuzz/fuzz_rpm_ndb-libfuzzer \
	tests/fuzz/fuzz_rpm_sqlite-libfuzzer
FUZZ_RPM_BUILD = $(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) $(SQLITE3_CFLAGS) -o $@
tests/fuzz/fuzz_rpm_header-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_rpm_header.c $(FUZZ_RPM_CFILES) $(FUZZ_RPM_HFILES)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_RPM_BUILD) $(top_srcdir)/tests/fuzz/fuzz_rpm_header.c $(FUZZ_RPM_CFILES) $(SQLITE3_LIBS)
tests/fuzz/fuzz_rpm_bdb-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_rpm_bdb.c $(FUZZ_RPM_CFILES) $(FUZZ_RPM_HFILES)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_RPM_BUILD) $(top_srcdir)/tests/fuzz/fuzz_rpm_bdb.c $(FUZZ_RPM_CFILES) $(SQLITE3_LIBS)
tests/fuzz/fuzz_rpm_ndb-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_rpm_ndb.c $(FUZZ_RPM_CFILES) $(FUZZ_RPM_HFILES)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_RPM_BUILD) $(top_srcdir)/tests/fuzz/fuzz_rpm_ndb.c $(FUZZ_RPM_CFILES) $(SQLITE3_LIBS)
tests/fuzz/fuzz_rpm_sqlite-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_rpm_sqlite.c $(FUZZ_RPM_CFILES) $(FUZZ_RPM_HFILES)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_RPM_BUILD) $(top_srcdir)/tests/fuzz/fuzz_rpm_sqlite.c $(FUZZ_RPM_CFILES) $(SQLITE3_LIBS)
CLEANFILES += tests/fuzz/fuzz_rpm_header-libfuzzer tests/fuzz/fuzz_rpm_bdb-libfuzzer \
	tests/fuzz/fuzz_rpm_ndb-libfuzzer tests/fuzz/fuzz_rpm_sqlite-libfuzzer
