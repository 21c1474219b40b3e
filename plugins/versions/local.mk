# plugins/versions: build and test rules (included from plugins/local.mk).
# versions.so: the version schemes (dpkg, rpm, apk, pep440, semver, maven,
# gem), one file each; vercommon.c holds what they share.
VERSIONS_SCHEME_SOURCES = plugins/versions/versions.h plugins/versions/vercommon.c \
	plugins/versions/dpkg.c plugins/versions/rpm.c plugins/versions/apk.c plugins/versions/pep440.c \
	plugins/versions/semver.c plugins/versions/maven.c plugins/versions/gem.c
pkgplugins_LTLIBRARIES += plugins/versions/versions.la
plugins_versions_versions_la_SOURCES = plugins/versions/versions.c $(VERSIONS_SCHEME_SOURCES)
plugins_versions_versions_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_versions_versions_la_LDFLAGS = $(PLUGIN_LDFLAGS)

# test_versions: the normalised forms against each scheme's compare over
# every version of the real vector files (links the scheme sources).
check_PROGRAMS += plugins/versions/test_versions
TESTS += plugins/versions/test_versions
plugins_versions_test_versions_SOURCES = plugins/versions/test_versions.c $(VERSIONS_SCHEME_SOURCES) tests/tap.h

# test-vercmp.sh: every scheme through `claroctl vercmp --batch` against the
# native tools' verdicts in $CLARO_TESTDATA/vercmp, and the command itself.
TESTS += plugins/versions/test-vercmp.sh
dist_check_SCRIPTS += plugins/versions/test-vercmp.sh
EXTRA_DIST += plugins/versions/README.md

# Fuzz target: every scheme on every line of the input (tests/fuzz/); in make
# check it replays the vector files, `make fuzz` builds the libFuzzer binary.
check_PROGRAMS += tests/fuzz/fuzz_versions
TESTS += tests/fuzz/fuzz_versions
tests_fuzz_fuzz_versions_SOURCES = tests/fuzz/fuzz_versions.c $(VERSIONS_SCHEME_SOURCES) $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_versions_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/versions -DFUZZ_SEEDS='"vercmp"'
FUZZ_VERSIONS_CFILES = $(top_srcdir)/plugins/versions/vercommon.c $(top_srcdir)/plugins/versions/dpkg.c \
	$(top_srcdir)/plugins/versions/rpm.c $(top_srcdir)/plugins/versions/apk.c \
	$(top_srcdir)/plugins/versions/pep440.c $(top_srcdir)/plugins/versions/semver.c \
	$(top_srcdir)/plugins/versions/maven.c $(top_srcdir)/plugins/versions/gem.c
fuzz: tests/fuzz/fuzz_versions-libfuzzer
tests/fuzz/fuzz_versions-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_versions.c $(FUZZ_VERSIONS_CFILES) \
		$(top_srcdir)/plugins/versions/versions.h
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -I$(top_srcdir)/plugins/versions -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_versions.c $(FUZZ_VERSIONS_CFILES)
CLEANFILES += tests/fuzz/fuzz_versions-libfuzzer
