# tests: rules added as parts land

# config (core/config.c) and strutil/error unit tests
check_PROGRAMS += tests/unit/test_config tests/unit/test_strutil
TESTS += tests/unit/test_config tests/unit/test_strutil
tests_unit_test_config_SOURCES = tests/unit/test_config.c tests/tap.h
tests_unit_test_config_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_config_LDADD = libclaro.la
tests_unit_test_strutil_SOURCES = tests/unit/test_strutil.c tests/tap.h
tests_unit_test_strutil_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_strutil_LDADD = libclaro.la
TESTS += tests/claroctl.test
dist_check_SCRIPTS += tests/claroctl.test

# The store suite (tests/unit/test_store.c), run once per backend; the
# PostgreSQL run starts a throwaway cluster with tests/pgcluster.sh.
check_PROGRAMS += tests/unit/test_store
tests_unit_test_store_SOURCES = tests/unit/test_store.c tests/tap.h
tests_unit_test_store_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_store_LDADD = libclaro.la
TESTS += tests/unit/store-sqlite.sh tests/unit/store-postgres.sh
dist_check_SCRIPTS += tests/unit/store-sqlite.sh tests/unit/store-postgres.sh tests/pgcluster.sh

# HTTP server, worker pool, route table, metrics (core/httpd.c & co.), and
# clarod itself on a random loopback port (tests/integ/test-clarod.sh).
check_PROGRAMS += tests/unit/test_router tests/unit/test_metrics tests/unit/test_workers \
	tests/unit/test_httpd
TESTS += tests/unit/test_router tests/unit/test_metrics tests/unit/test_workers tests/unit/test_httpd
tests_unit_test_router_SOURCES = tests/unit/test_router.c tests/tap.h
tests_unit_test_router_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_router_LDADD = libclaro.la
tests_unit_test_metrics_SOURCES = tests/unit/test_metrics.c tests/tap.h
tests_unit_test_metrics_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_metrics_LDADD = libclaro.la
tests_unit_test_workers_SOURCES = tests/unit/test_workers.c tests/tap.h
tests_unit_test_workers_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_workers_LDADD = libclaro.la
tests_unit_test_httpd_SOURCES = tests/unit/test_httpd.c tests/tap.h
tests_unit_test_httpd_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_httpd_LDADD = libclaro.la
TESTS += tests/integ/test-clarod.sh
dist_check_SCRIPTS += tests/integ/test-clarod.sh

# Plugin loader, registry, host services, layer filesystem, HTTP client.
# Test-only plugins (tests/plugins: one tiny plugin per kind over two .so) and
# deliberately broken ones (tests/abi) are libtool modules built like real
# plugins; the tests load them from tests/{plugins,abi}/.libs.
TEST_PLUGIN_CPPFLAGS = -I$(top_srcdir)/include -I$(top_builddir)/include
TEST_PLUGIN_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
TEST_PLUGIN_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared -rpath /nowhere \
	-export-symbols-regex '^claro_plugin_[a-z0-9_]+_module$$'
check_LTLIBRARIES += tests/plugins/alpha.la tests/plugins/beta.la
tests_plugins_alpha_la_SOURCES = tests/plugins/alpha.c
tests_plugins_alpha_la_CPPFLAGS = $(TEST_PLUGIN_CPPFLAGS)
tests_plugins_alpha_la_CFLAGS = $(TEST_PLUGIN_CFLAGS)
tests_plugins_alpha_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_plugins_beta_la_SOURCES = tests/plugins/beta.c
tests_plugins_beta_la_CPPFLAGS = $(TEST_PLUGIN_CPPFLAGS)
tests_plugins_beta_la_CFLAGS = $(TEST_PLUGIN_CFLAGS)
tests_plugins_beta_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)

check_LTLIBRARIES += tests/abi/good.la tests/abi/wrongmajor.la tests/abi/newminor.la \
	tests/abi/badmagic.la tests/abi/smalldesc.la tests/abi/misnamed.la tests/abi/noversion.la \
	tests/abi/strict.la tests/abi/dupother.la tests/abi/nosym.la tests/abi/nullentry.la \
	tests/abi/nocomponents.la tests/abi/dupself.la tests/abi/badkind.la tests/abi/nullops.la \
	tests/abi/smallops.la tests/abi/noscan.la tests/abi/undefsym.la tests/abi/badcfgdecl.la \
	tests/abi/initfail.la tests/abi/initsilent.la
tests_abi_good_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_wrongmajor_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_newminor_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_badmagic_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_smalldesc_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_misnamed_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_noversion_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_strict_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_dupother_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_nosym_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_nullentry_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_nocomponents_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_dupself_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_badkind_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_nullops_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_smallops_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_noscan_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_undefsym_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_badcfgdecl_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_initfail_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_abi_initsilent_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
EXTRA_DIST += tests/abi/broken.h

check_PROGRAMS += tests/unit/test_layerfs tests/unit/test_loader tests/unit/test_host \
	tests/unit/test_httpclient tests/unit/plugin-probe tests/abi/test_abi
TESTS += tests/unit/test_layerfs tests/unit/test_loader tests/unit/test_host tests/unit/test_httpclient \
	tests/abi/test_abi tests/integ/out-of-tree.sh
dist_check_SCRIPTS += tests/integ/out-of-tree.sh
TESTUTIL_SOURCES = tests/unit/testutil.c tests/unit/testutil.h tests/tap.h
tests_unit_test_layerfs_SOURCES = tests/unit/test_layerfs.c $(TESTUTIL_SOURCES)
tests_unit_test_layerfs_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_layerfs_LDADD = libclaro.la
tests_unit_test_loader_SOURCES = tests/unit/test_loader.c $(TESTUTIL_SOURCES)
tests_unit_test_loader_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_loader_LDADD = libclaro.la
tests_unit_test_host_SOURCES = tests/unit/test_host.c tests/unit/http_fixture.c tests/unit/http_fixture.h \
	$(TESTUTIL_SOURCES)
tests_unit_test_host_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_host_LDADD = libclaro.la
tests_unit_test_httpclient_SOURCES = tests/unit/test_httpclient.c tests/unit/http_fixture.c \
	tests/unit/http_fixture.h $(TESTUTIL_SOURCES)
tests_unit_test_httpclient_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_httpclient_LDADD = libclaro.la
tests_unit_plugin_probe_SOURCES = tests/unit/plugin-probe.c
tests_unit_plugin_probe_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_plugin_probe_LDADD = libclaro.la
tests_abi_test_abi_SOURCES = tests/abi/test_abi.c $(TESTUTIL_SOURCES)
tests_abi_test_abi_CFLAGS = $(libclaro_la_CFLAGS)
tests_abi_test_abi_LDADD = libclaro.la

# scan-layer: runs one scanner of a plugin over an unpacked root and prints
# its findings; the plugin tests compare that with the real tools' oracles.
check_PROGRAMS += tests/unit/scan-layer
tests_unit_scan_layer_SOURCES = tests/unit/scan-layer.c
tests_unit_scan_layer_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_scan_layer_LDADD = libclaro.la

# Fuzz targets (tests/fuzz/fuzz_<parser>.c, LLVMFuzzerTestOneInput). In
# `make check` each is linked with replay_main.c and replays its seed files
# from $CLARO_TESTDATA (FUZZ_SEEDS); `make fuzz` builds real libFuzzer binaries
# with clang (run them by hand: tests/fuzz/<name>-libfuzzer -max_total_time=60 DIR).
FUZZ_REPLAY_SOURCES = tests/fuzz/replay_main.c tests/tap.h
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_CPPFLAGS = -I$(top_srcdir)/include -I$(top_builddir)/include
.PHONY: fuzz

# apk installed database (plugins/alpine/apkdb.c)
check_PROGRAMS += tests/fuzz/fuzz_apk_installed
TESTS += tests/fuzz/fuzz_apk_installed
tests_fuzz_fuzz_apk_installed_SOURCES = tests/fuzz/fuzz_apk_installed.c plugins/alpine/apkdb.c \
	plugins/alpine/apkdb.h $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_apk_installed_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_SEEDS='"pkgdb/apk"'
fuzz: tests/fuzz/fuzz_apk_installed-libfuzzer
tests/fuzz/fuzz_apk_installed-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_apk_installed.c \
		$(top_srcdir)/plugins/alpine/apkdb.c $(top_srcdir)/plugins/alpine/apkdb.h
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -o $@ $(top_srcdir)/tests/fuzz/fuzz_apk_installed.c \
		$(top_srcdir)/plugins/alpine/apkdb.c
CLEANFILES += tests/fuzz/fuzz_apk_installed-libfuzzer

# linux plugin (plugins/linux): its coalescers loaded with the real loader and
# fed synthetic layer artifacts, plus two real dpkg status files scanned by the
# dpkg plugin. dbwhiteout.c is linked in too, to test its path rules directly.
check_PROGRAMS += plugins/linux/test_linux
TESTS += plugins/linux/test_linux
plugins_linux_test_linux_SOURCES = plugins/linux/test_linux.c plugins/linux/dbwhiteout.c \
	plugins/linux/dbwhiteout.h $(TESTUTIL_SOURCES)
plugins_linux_test_linux_CFLAGS = $(libclaro_la_CFLAGS)
plugins_linux_test_linux_LDADD = libclaro.la

# Indexer: manifest and IndexReport models, the controller over directory
# layers with the test plugins (SQLite; the PostgreSQL run starts a
# throwaway cluster), and Clair's index API on clarod validated against
# Clair's JSON schemas (tests/integ/index-api.sh, both backends).
check_PROGRAMS += tests/unit/test_manifest tests/unit/test_indexer
TESTS += tests/unit/test_manifest tests/unit/test_indexer tests/unit/indexer-postgres.sh \
	tests/integ/index-api.sh
dist_check_SCRIPTS += tests/unit/indexer-postgres.sh tests/integ/index-api.sh tests/integ/jsonschema.py
tests_unit_test_manifest_SOURCES = tests/unit/test_manifest.c tests/tap.h
tests_unit_test_manifest_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_manifest_LDADD = libclaro.la
tests_unit_test_indexer_SOURCES = tests/unit/test_indexer.c $(TESTUTIL_SOURCES)
tests_unit_test_indexer_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_indexer_LDADD = libclaro.la

# Layer fetcher and tar-backed layer fs (core/fetch*.c, core/tarindex.c,
# core/layerfs_tar.c): every tar in the test data against GNU tar, hand-made
# edge cases, and a loopback server for the fetcher.
check_PROGRAMS += tests/unit/test_tarindex tests/unit/test_fetch
TESTS += tests/unit/test_tarindex tests/unit/test_fetch
tests_unit_test_tarindex_SOURCES = tests/unit/test_tarindex.c tests/tap.h
tests_unit_test_tarindex_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_tarindex_LDADD = libclaro.la
tests_unit_test_fetch_SOURCES = tests/unit/test_fetch.c tests/tap.h
tests_unit_test_fetch_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_fetch_LDADD = libclaro.la

# Image inputs (core/image.c, core/oci_doc.c, core/oci_client.c references):
# docker-archive, OCI layout and dir: sources; and a real registry on
# loopback (docker-registry + skopeo) for claroctl manifest.
check_PROGRAMS += tests/unit/test_image
TESTS += tests/unit/test_image tests/integ/test-registry.sh
dist_check_SCRIPTS += tests/integ/test-registry.sh
tests_unit_test_image_SOURCES = tests/unit/test_image.c $(TESTUTIL_SOURCES)
tests_unit_test_image_CFLAGS = $(libclaro_la_CFLAGS)
tests_unit_test_image_LDADD = libclaro.la

# dpkg status / status.d parser (plugins/dpkg/dpkgdb.c + plugins/common/rfc822.c)
# and the os-release parser (plugins/common/osrelease.c); seeds are the real
# files in the test data.
check_PROGRAMS += tests/fuzz/fuzz_dpkg_status tests/fuzz/fuzz_osrelease
TESTS += tests/fuzz/fuzz_dpkg_status tests/fuzz/fuzz_osrelease
tests_fuzz_fuzz_dpkg_status_SOURCES = tests/fuzz/fuzz_dpkg_status.c plugins/dpkg/dpkgdb.c plugins/dpkg/dpkgdb.h \
	plugins/common/rfc822.c plugins/common/rfc822.h $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_dpkg_status_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common -DFUZZ_SEEDS='"pkgdb/dpkg"'
tests_fuzz_fuzz_osrelease_SOURCES = tests/fuzz/fuzz_osrelease.c plugins/common/osrelease.c \
	plugins/common/osrelease.h $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_osrelease_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_SEEDS='"pkgdb/osrelease clair-fixtures/os-release"'
fuzz: tests/fuzz/fuzz_dpkg_status-libfuzzer tests/fuzz/fuzz_osrelease-libfuzzer
tests/fuzz/fuzz_dpkg_status-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_dpkg_status.c \
		$(top_srcdir)/plugins/dpkg/dpkgdb.c $(top_srcdir)/plugins/dpkg/dpkgdb.h \
		$(top_srcdir)/plugins/common/rfc822.c $(top_srcdir)/plugins/common/rfc822.h
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -I$(top_srcdir)/plugins/common -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_dpkg_status.c $(top_srcdir)/plugins/dpkg/dpkgdb.c \
		$(top_srcdir)/plugins/common/rfc822.c
tests/fuzz/fuzz_osrelease-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_osrelease.c \
		$(top_srcdir)/plugins/common/osrelease.c $(top_srcdir)/plugins/common/osrelease.h
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -o $@ $(top_srcdir)/tests/fuzz/fuzz_osrelease.c \
		$(top_srcdir)/plugins/common/osrelease.c
CLEANFILES += tests/fuzz/fuzz_dpkg_status-libfuzzer tests/fuzz/fuzz_osrelease-libfuzzer

# tar index (core/tarindex.c); seeds: every tar in images/edge (compressed
# ones are decompressed by the target) and the docker-archive images.
check_PROGRAMS += tests/fuzz/fuzz_tarindex
TESTS += tests/fuzz/fuzz_tarindex
tests_fuzz_fuzz_tarindex_SOURCES = tests/fuzz/fuzz_tarindex.c $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_tarindex_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_SEEDS='"images/edge images/docker-archive"'
tests_fuzz_fuzz_tarindex_CFLAGS = $(libclaro_la_CFLAGS)
tests_fuzz_fuzz_tarindex_LDADD = libclaro.la
fuzz: tests/fuzz/fuzz_tarindex-libfuzzer
FUZZ_TARINDEX_CORE = $(top_srcdir)/core/tarindex.c $(top_srcdir)/core/layerfs_tar.c \
	$(top_srcdir)/core/layerfs.c $(top_srcdir)/core/strutil.c $(top_srcdir)/core/error.c
tests/fuzz/fuzz_tarindex-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_tarindex.c $(FUZZ_TARINDEX_CORE) \
		$(top_srcdir)/core/tarindex.h $(top_srcdir)/core/layerfs.h $(top_srcdir)/core/layerfs_tar.h
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -I$(top_builddir) -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_tarindex.c $(FUZZ_TARINDEX_CORE) $(ZLIB_LIBS) $(LIBZSTD_LIBS)
CLEANFILES += tests/fuzz/fuzz_tarindex-libfuzzer

# Manifest JSON (core/manifest.c): seeds are the OCI layout indexes and
# Clair's index report fixtures of the test data.
check_PROGRAMS += tests/fuzz/fuzz_manifest
TESTS += tests/fuzz/fuzz_manifest
tests_fuzz_fuzz_manifest_SOURCES = tests/fuzz/fuzz_manifest.c $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_manifest_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_SEEDS='"images/edge/ggcr/layout clair-fixtures/datastore-postgres"'
tests_fuzz_fuzz_manifest_CFLAGS = $(libclaro_la_CFLAGS)
tests_fuzz_fuzz_manifest_LDADD = libclaro.la
fuzz: tests/fuzz/fuzz_manifest-libfuzzer
tests/fuzz/fuzz_manifest-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_manifest.c $(top_srcdir)/core/manifest.c \
		$(top_srcdir)/core/manifest.h $(top_srcdir)/core/error.c $(top_srcdir)/core/strutil.c
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -I$(top_builddir) -I$(top_srcdir)/core -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_manifest.c $(top_srcdir)/core/manifest.c $(top_srcdir)/core/error.c \
		$(top_srcdir)/core/strutil.c $(JANSSON_LIBS)
CLEANFILES += tests/fuzz/fuzz_manifest-libfuzzer

# Image inputs (core/image.c, core/oci_doc.c, core/oci_client.c references):
# every input read as a docker archive, an OCI document and a reference.
check_PROGRAMS += tests/fuzz/fuzz_image
TESTS += tests/fuzz/fuzz_image
tests_fuzz_fuzz_image_SOURCES = tests/fuzz/fuzz_image.c $(FUZZ_REPLAY_SOURCES)
tests_fuzz_fuzz_image_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_SEEDS='"images/edge/ggcr images/docker-archive"'
tests_fuzz_fuzz_image_CFLAGS = $(libclaro_la_CFLAGS)
tests_fuzz_fuzz_image_LDADD = libclaro.la
fuzz: tests/fuzz/fuzz_image-libfuzzer
FUZZ_IMAGE_CFILES = $(top_srcdir)/core/image.c $(top_srcdir)/core/oci_doc.c $(top_srcdir)/core/oci_client.c \
	$(top_srcdir)/core/strutil.c $(top_srcdir)/core/error.c $(top_srcdir)/core/log.c
tests/fuzz/fuzz_image-libfuzzer: $(top_srcdir)/tests/fuzz/fuzz_image.c $(FUZZ_IMAGE_CFILES)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -I$(top_builddir) -I$(top_srcdir)/core -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_image.c $(FUZZ_IMAGE_CFILES) \
		$(JANSSON_LIBS) $(LIBARCHIVE_LIBS) $(LIBCRYPTO_LIBS) $(LIBCURL_LIBS)
CLEANFILES += tests/fuzz/fuzz_image-libfuzzer

# Correctness against the real tools: a Debian bookworm minbase image built
# with mmdebstrap + umoci (cached in $TMPDIR by debian-image-build.sh) vs.
# dpkg-query on the same root, and the alpine docker-archives vs. the image's
# own apk in a chroot.
TESTS += tests/integ/debian-image.sh tests/integ/alpine-archive.sh
dist_check_SCRIPTS += tests/integ/debian-image.sh tests/integ/alpine-archive.sh \
	tests/integ/debian-image-build.sh
include $(srcdir)/tests/bench/local.mk
include $(srcdir)/tests/unit/advisory.mk
include $(srcdir)/tests/unit/updaters.mk
include $(srcdir)/tests/unit/report.mk
