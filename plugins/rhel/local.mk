# plugins/rhel: Red Hat family distribution scanners (rhel; centos, rocky,
# almalinux, fedora beyond Clair), the rhel-repository-scanner with its
# repository-to-CPE mapping, the rhel coalescer, the rhel-vex updater set
# (Red Hat CSAF VEX) and the rhel matcher. The shared parsers of
# plugins/common (os-release, CPE, release files, the RPM rule) are compiled in.
pkgplugins_LTLIBRARIES += plugins/rhel/rhel.la
# The Red Hat CSAF VEX parsers (documents, archive, change lists), pure
# library code shared by the plugin and its fuzz target; the CVSS vector
# parser is the osv plugin's.
RHEL_VEX_SOURCES = plugins/rhel/vex.c plugins/rhel/vex.h plugins/rhel/vexfeed.c plugins/rhel/vexfeed.h \
	plugins/rhel/purl.c plugins/rhel/purl.h plugins/rhel/strmap.c plugins/rhel/strmap.h \
	plugins/osv/cvss.c plugins/osv/cvss.h
plugins_rhel_rhel_la_SOURCES = plugins/rhel/rhel.c plugins/rhel/rhel.h plugins/rhel/dist_rhel.c \
	plugins/rhel/dist_family.c plugins/rhel/query.c plugins/rhel/contentmanifest.c \
	plugins/rhel/contentmanifest.h plugins/rhel/repo2cpe.c plugins/rhel/repo2cpe.h \
	plugins/rhel/repo_scanner.c plugins/rhel/coalescer.c plugins/rhel/labels.c plugins/rhel/labels.h \
	plugins/rhel/rhcc.c \
	plugins/common/osrelease.c plugins/common/osrelease.h plugins/common/relfile.c \
	plugins/common/relfile.h plugins/common/cpe.c plugins/common/cpe.h plugins/common/rhelfamily.h \
	plugins/rhel/matcher.c plugins/rhel/cpematch.c plugins/rhel/cpematch.h \
	plugins/common/rpmmatch.c plugins/common/rpmmatch.h \
	plugins/rhel/vex_updater.c $(RHEL_VEX_SOURCES)
plugins_rhel_rhel_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_rhel_rhel_la_CFLAGS = $(PLUGIN_CFLAGS) $(PTHREAD_CFLAGS) $(JANSSON_CFLAGS) $(LIBARCHIVE_CFLAGS)
plugins_rhel_rhel_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rhel_rhel_la_LIBADD = $(JANSSON_LIBS) $(LIBARCHIVE_LIBS) $(PTHREAD_LIBS) -lm
EXTRA_DIST += plugins/rhel/README.md

# Tests: the rpm distribution scanners over the os-release corpus (all
# plugins of the rpm distributions, next to debian, ubuntu and alpine), and
# the rhel plugin's repository scanner and coalescer in C.
TESTS += plugins/rhel/test-rpm-dists.sh plugins/rhel/test_rhel
dist_check_SCRIPTS += plugins/rhel/test-rpm-dists.sh

# The rhel-vex updater set through tests/unit/run-updater against a loopback
# server serving feed trees built from the real VEX files, checked with a
# Python reading of the same files (vex_oracle.py).
TESTS += plugins/rhel/test-vex.sh
dist_check_SCRIPTS += plugins/rhel/test-vex.sh plugins/rhel/vex_oracle.py plugins/rhel/vex_stage.py

# End to end: the updater's records into core/matcher.c with the rhel matcher
# (run-vex-match: an in-memory advisory source) over Clair's IndexReports of
# real Red Hat images, against the oracle with rpm's own version comparison.
check_PROGRAMS += plugins/rhel/run-vex-match
plugins_rhel_run_vex_match_SOURCES = plugins/rhel/run-vex-match.c
plugins_rhel_run_vex_match_CFLAGS = $(libclaro_la_CFLAGS)
plugins_rhel_run_vex_match_LDADD = libclaro.la
TESTS += plugins/rhel/test-vex-match.sh
dist_check_SCRIPTS += plugins/rhel/test-vex-match.sh

# The RPM-family matchers (rhel here; aws, oracle, suse, photon in their
# plugins) called through run-matcher on records and advisories from real
# data, against Clair's rules with rpm's own version comparison.
check_PROGRAMS += plugins/rhel/run-matcher
plugins_rhel_run_matcher_SOURCES = plugins/rhel/run-matcher.c
plugins_rhel_run_matcher_CFLAGS = $(libclaro_la_CFLAGS)
plugins_rhel_run_matcher_LDADD = libclaro.la
TESTS += plugins/rhel/test-rpm-matchers.sh
dist_check_SCRIPTS += plugins/rhel/test-rpm-matchers.sh plugins/rhel/matcher_cases.py
# The CPE comparison against claircore's own vectors.
check_PROGRAMS += plugins/rhel/test_cpematch
TESTS += plugins/rhel/test_cpematch
plugins_rhel_test_cpematch_SOURCES = plugins/rhel/test_cpematch.c plugins/rhel/cpematch.c plugins/rhel/cpematch.h \
	plugins/common/cpe.c plugins/common/cpe.h tests/tap.h
plugins_rhel_test_cpematch_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common
check_PROGRAMS += plugins/rhel/test_rhel
plugins_rhel_test_rhel_SOURCES = plugins/rhel/test_rhel.c plugins/common/cpe.c plugins/common/cpe.h \
	tests/unit/http_fixture.c tests/unit/http_fixture.h $(TESTUTIL_SOURCES)
plugins_rhel_test_rhel_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common
plugins_rhel_test_rhel_CFLAGS = $(libclaro_la_CFLAGS)
plugins_rhel_test_rhel_LDADD = libclaro.la

# Fuzz target of the rhel plugin's parsers (content manifests, labels.json,
# repository-to-cpe.json, CPEs, query strings, the RHEL release regexp),
# replayed over the real files in `make check`.
RHEL_FUZZ_SOURCES = plugins/rhel/contentmanifest.c plugins/rhel/labels.c plugins/rhel/repo2cpe.c \
	plugins/rhel/query.c plugins/rhel/dist_rhel.c plugins/common/cpe.c plugins/common/osrelease.c \
	plugins/common/relfile.c
check_PROGRAMS += tests/fuzz/fuzz_rhel_buildinfo
TESTS += tests/fuzz/fuzz_rhel_buildinfo
tests_fuzz_fuzz_rhel_buildinfo_SOURCES = tests/fuzz/fuzz_rhel_buildinfo.c $(RHEL_FUZZ_SOURCES) $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_rhel_buildinfo_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common \
	-DFUZZ_SEEDS='"images/edge/claircore/rhel advisories/rhel/claircore-rhcc advisories/rhel/repository-to-cpe pkgdb/osrelease clair-fixtures/os-release/rhel clair-fixtures/test-rhel"'
tests_fuzz_fuzz_rhel_buildinfo_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(JANSSON_CFLAGS)
tests_fuzz_fuzz_rhel_buildinfo_LDADD = $(JANSSON_LIBS) $(PTHREAD_LIBS)
RHEL_FUZZ_PATHS = $(top_srcdir)/plugins/rhel/contentmanifest.c $(top_srcdir)/plugins/rhel/labels.c \
	$(top_srcdir)/plugins/rhel/repo2cpe.c $(top_srcdir)/plugins/rhel/query.c \
	$(top_srcdir)/plugins/rhel/dist_rhel.c $(top_srcdir)/plugins/common/cpe.c \
	$(top_srcdir)/plugins/common/osrelease.c $(top_srcdir)/plugins/common/relfile.c
fuzz: tests/fuzz/fuzz_rhel_buildinfo-libfuzzer
tests/fuzz/fuzz_rhel_buildinfo-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_rhel_buildinfo.c $(RHEL_FUZZ_PATHS)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -I$(top_builddir) -I$(top_srcdir)/plugins/common -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_rhel_buildinfo.c $(RHEL_FUZZ_PATHS) $(JANSSON_CFLAGS) \
		$(JANSSON_LIBS) $(PTHREAD_LIBS)
CLEANFILES += tests/fuzz/fuzz_rhel_buildinfo-libfuzzer

# Fuzz target of the VEX parsers (documents, the archive walk, the change
# lists, purls, CPE comparison), replayed over the real documents, archives
# and server files in `make check`.
RHEL_VEX_FUZZ_SOURCES = $(RHEL_VEX_SOURCES) plugins/rhel/labels.c plugins/rhel/labels.h plugins/common/cpe.c \
	plugins/common/cpe.h plugins/rhel/cpematch.c plugins/rhel/cpematch.h
check_PROGRAMS += tests/fuzz/fuzz_rhel_vex
TESTS += tests/fuzz/fuzz_rhel_vex
tests_fuzz_fuzz_rhel_vex_SOURCES = tests/fuzz/fuzz_rhel_vex.c $(RHEL_VEX_FUZZ_SOURCES) $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_rhel_vex_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common \
	-DFUZZ_SEEDS='"advisories/rhel/claircore-vex advisories/rhel/claircore-csaf clair-fixtures/acceptance clair-fixtures/test-rhel/server"'
tests_fuzz_fuzz_rhel_vex_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(LIBARCHIVE_CFLAGS)
tests_fuzz_fuzz_rhel_vex_LDADD = $(JANSSON_LIBS) $(LIBARCHIVE_LIBS) -lm
RHEL_VEX_FUZZ_PATHS = $(top_srcdir)/plugins/rhel/vex.c $(top_srcdir)/plugins/rhel/vexfeed.c \
	$(top_srcdir)/plugins/rhel/purl.c $(top_srcdir)/plugins/rhel/strmap.c $(top_srcdir)/plugins/osv/cvss.c \
	$(top_srcdir)/plugins/rhel/labels.c $(top_srcdir)/plugins/common/cpe.c $(top_srcdir)/plugins/rhel/cpematch.c
fuzz: tests/fuzz/fuzz_rhel_vex-libfuzzer
tests/fuzz/fuzz_rhel_vex-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_rhel_vex.c $(RHEL_VEX_FUZZ_PATHS)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -I$(top_srcdir)/plugins/common -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_rhel_vex.c $(RHEL_VEX_FUZZ_PATHS) $(JANSSON_CFLAGS) $(LIBARCHIVE_CFLAGS) \
		$(JANSSON_LIBS) $(LIBARCHIVE_LIBS) -lm
CLEANFILES += tests/fuzz/fuzz_rhel_vex-libfuzzer
