# plugins/rhel: Red Hat family distribution scanners (rhel; centos, rocky,
# almalinux, fedora beyond Clair), the rhel-repository-scanner with its
# repository-to-CPE mapping, and the rhel coalescer. The shared parsers of
# plugins/common (os-release, CPE, release files) are compiled in.
pkgplugins_LTLIBRARIES += plugins/rhel/rhel.la
plugins_rhel_rhel_la_SOURCES = plugins/rhel/rhel.c plugins/rhel/rhel.h plugins/rhel/dist_rhel.c \
	plugins/rhel/dist_family.c plugins/rhel/query.c plugins/rhel/contentmanifest.c \
	plugins/rhel/contentmanifest.h plugins/rhel/repo2cpe.c plugins/rhel/repo2cpe.h \
	plugins/rhel/repo_scanner.c plugins/rhel/coalescer.c plugins/rhel/labels.c plugins/rhel/labels.h \
	plugins/rhel/rhcc.c \
	plugins/common/osrelease.c plugins/common/osrelease.h plugins/common/relfile.c \
	plugins/common/relfile.h plugins/common/cpe.c plugins/common/cpe.h plugins/common/rhelfamily.h
plugins_rhel_rhel_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_rhel_rhel_la_CFLAGS = $(PLUGIN_CFLAGS) $(PTHREAD_CFLAGS) $(JANSSON_CFLAGS)
plugins_rhel_rhel_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rhel_rhel_la_LIBADD = $(JANSSON_LIBS) $(PTHREAD_LIBS)
EXTRA_DIST += plugins/rhel/README.md

# Tests: the rpm distribution scanners over the os-release corpus (all
# plugins of the rpm distributions, next to debian, ubuntu and alpine), and
# the rhel plugin's repository scanner and coalescer in C.
TESTS += plugins/rhel/test-rpm-dists.sh plugins/rhel/test_rhel
dist_check_SCRIPTS += plugins/rhel/test-rpm-dists.sh
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
