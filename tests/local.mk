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
