# plugins/python: build and test rules (included from plugins/local.mk).

# python: the package scanner "python" (version 5) for .dist-info, .egg-info
# and .egg metadata, the python coalescer and the python matcher (its
# fixed_in_version query strings: rangequery.c). The rpm plugin's path set (plugins/rpm/rpm_pathset.h:
# which files the layer's RPM database owns) is compiled in, as that header
# asks, with the rpmdb readers under it.
PYTHON_PARSER_SOURCES = plugins/python/pkginfo.c plugins/python/pkginfo.h \
	plugins/python/pyversion.c plugins/python/pyversion.h \
	plugins/python/layout.c plugins/python/layout.h
pkgplugins_LTLIBRARIES += plugins/python/python.la
plugins_python_python_la_SOURCES = plugins/python/python.c $(PYTHON_PARSER_SOURCES) \
	plugins/python/coalescer.c plugins/python/coalescer.h plugins/python/matcher.c \
	plugins/python/matcher.h plugins/python/rangequery.c plugins/python/rangequery.h \
	$(RPM_PATHSET_SOURCES)
plugins_python_python_la_CPPFLAGS = $(AM_CPPFLAGS) $(RPM_PATHSET_CPPFLAGS)
plugins_python_python_la_CFLAGS = $(PLUGIN_CFLAGS) $(SQLITE3_CFLAGS)
plugins_python_python_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_python_python_la_LIBADD = $(SQLITE3_LIBS)
EXTRA_DIST += plugins/python/README.md

# test-python.sh: importlib.metadata as the oracle over the test data's
# samples, a venv built offline, the claircore bad-version layer, the skip
# rules and malformed metadata. test_pkginfo: the parsers and path rules.
TESTS += plugins/python/test-python.sh
dist_check_SCRIPTS += plugins/python/test-python.sh
EXTRA_DIST += plugins/python/oracle.py
check_PROGRAMS += plugins/python/test_pkginfo
TESTS += plugins/python/test_pkginfo
plugins_python_test_pkginfo_SOURCES = plugins/python/test_pkginfo.c $(PYTHON_PARSER_SOURCES) tests/tap.h

# test_pyecosystem: the coalescer and the matcher through the real loader
# (edge cases of Clair's query strings, the coalescing rules); its eval mode
# drives test-pymatcher.sh, which compares vulnerable() with packaging over
# the real OSV PyPI advisories. test-pyindex.sh: claroctl --local index of
# real roots and of a layered image against importlib.metadata.
check_PROGRAMS += plugins/python/test_pyecosystem
TESTS += plugins/python/test_pyecosystem plugins/python/test-pymatcher.sh plugins/python/test-pyindex.sh
dist_check_SCRIPTS += plugins/python/test-pymatcher.sh plugins/python/test-pyindex.sh
EXTRA_DIST += plugins/python/pymatcher_oracle.py plugins/python/pyindex_oracle.py
plugins_python_test_pyecosystem_SOURCES = plugins/python/test_pyecosystem.c $(TESTUTIL_SOURCES)
plugins_python_test_pyecosystem_CFLAGS = $(libclaro_la_CFLAGS)
plugins_python_test_pyecosystem_LDADD = libclaro.la

# test-pyimage.sh: a Debian bookworm image with a pip-installed virtualenv
# layer (tests/integ/debian-image-build.sh python-venv, cached in $TMPDIR),
# indexed and reported by claroctl --local: its Python packages against
# the venv's own importlib.metadata in the root (chroot), its dpkg packages
# against dpkg-query, its findings against packaging over the OSV PyPI
# ranges (pymatcher_oracle.py affected). Needs root and the Debian mirror.
TESTS += plugins/python/test-pyimage.sh
dist_check_SCRIPTS += plugins/python/test-pyimage.sh

# Fuzz target: METADATA / PKG-INFO headers, the PEP 440 and PEP 503 spelling
# and the path rules; seeds are the real metadata files of the test data.
check_PROGRAMS += tests/fuzz/fuzz_python_metadata
TESTS += tests/fuzz/fuzz_python_metadata
tests_fuzz_fuzz_python_metadata_SOURCES = tests/fuzz/fuzz_python_metadata.c $(PYTHON_PARSER_SOURCES) \
	$(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_python_metadata_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_SEEDS='"pkgdb/python"'
fuzz: tests/fuzz/fuzz_python_metadata-libfuzzer
FUZZ_PYTHON_CFILES = $(top_srcdir)/plugins/python/pkginfo.c $(top_srcdir)/plugins/python/pyversion.c \
	$(top_srcdir)/plugins/python/layout.c
tests/fuzz/fuzz_python_metadata-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_python_metadata.c $(FUZZ_PYTHON_CFILES) \
		$(top_srcdir)/plugins/python/pkginfo.h $(top_srcdir)/plugins/python/pyversion.h \
		$(top_srcdir)/plugins/python/layout.h
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -o $@ $(top_srcdir)/tests/fuzz/fuzz_python_metadata.c \
		$(FUZZ_PYTHON_CFILES)
CLEANFILES += tests/fuzz/fuzz_python_metadata-libfuzzer

# Fuzz target: the matcher's fixed_in_version query strings (rangequery.c),
# seeded with Clair's matcher fixtures (they carry real ones).
check_PROGRAMS += tests/fuzz/fuzz_python_rangequery
TESTS += tests/fuzz/fuzz_python_rangequery
tests_fuzz_fuzz_python_rangequery_SOURCES = tests/fuzz/fuzz_python_rangequery.c \
	plugins/python/rangequery.c plugins/python/rangequery.h $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_python_rangequery_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_SEEDS='"clair-fixtures/matcher"'
fuzz: tests/fuzz/fuzz_python_rangequery-libfuzzer
tests/fuzz/fuzz_python_rangequery-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_python_rangequery.c \
		$(top_srcdir)/plugins/python/rangequery.c $(top_srcdir)/plugins/python/rangequery.h
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -o $@ $(top_srcdir)/tests/fuzz/fuzz_python_rangequery.c \
		$(top_srcdir)/plugins/python/rangequery.c
CLEANFILES += tests/fuzz/fuzz_python_rangequery-libfuzzer
