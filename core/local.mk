# libclaro: everything clarod and claroctl share (static, not installed).
noinst_LTLIBRARIES += libclaro.la
libclaro_la_SOURCES = \
	core/error.c core/error.h \
	core/log.c core/log.h \
	core/strutil.c core/strutil.h
libclaro_la_SOURCES += core/config.c core/config.h
# Plugins: loader, registry, host services, layer filesystem, HTTP client, sinks
libclaro_la_SOURCES += core/loader.c core/registry.c core/registry.h core/host.c \
	core/layerfs.c core/layerfs_dir.c core/layerfs.h core/httpclient.c core/httpclient.h \
	core/httpclient_mirror.c \
	core/sinks.c core/sinks.h core/recordcopy.c core/recordcopy.h
# Layer fetching (curl, digest check, gzip/zstd, spool) and the tar-backed layer fs
libclaro_la_SOURCES += core/fetch.c core/fetch.h core/fetch_spool.c core/fetch_spool.h \
	core/tarindex.c core/tarindex.h \
	core/layerfs_tar.c core/layerfs_tar.h
# Indexer: manifest and IndexReport models, the controller, scan artifacts in the store
libclaro_la_SOURCES += core/manifest.c core/manifest.h core/indexreport.c core/indexreport.h \
	core/indexer.c core/indexer.h core/store_artifacts.c core/store_artifacts.h
# HTTP server, worker pool, metrics, daemon (clarod's serving side)
libclaro_la_SOURCES += core/router.c core/router.h core/workers.c core/workers.h \
	core/metrics.c core/metrics.h core/httpd.c core/httpd.h core/httpd_impl.h core/http_exchange.c
# The store: SQLite and PostgreSQL backends, migrations (sql/local.mk embeds them)
libclaro_la_SOURCES += core/store.c core/store.h core/store_impl.h core/store_migrate.c \
	core/store_migrations.h core/store_indexer.c core/store_matcher.c core/store_sqlite.c \
	core/store_sqlite_lock.c core/store_sqlite_lock.h core/store_pg.c
# The advisory store (write path, reads and matching query, GC)
libclaro_la_SOURCES += core/store_advisory.c core/store_advisory.h core/store_advisory_query.c \
	core/store_advisory_gc.c
# The updater runner, the export/import of advisory snapshots
libclaro_la_SOURCES += core/updater_runner.c core/updater_runner.h core/advisory_export.c \
	core/advisory_export.h core/advisory_record.c core/advisory_stream.c core/advisory_stream.h
# Clair's OpenAPI document, embedded: generated into the build directory so a
# read-only source tree (make distcheck) works.
OPENAPI_FILES = $(srcdir)/core/openapi/openapi.json $(srcdir)/core/openapi/openapi.yaml \
	$(srcdir)/core/openapi/openapi.etag
BUILT_SOURCES += core/openapi_data.c
CLEANFILES += core/openapi_data.c core/openapi_data.c-t
EXTRA_DIST += core/openapi/openapi.json core/openapi/openapi.yaml core/openapi/openapi.etag \
	core/openapi/bin2c.sh core/openapi/README.md
core/openapi_data.c: $(OPENAPI_FILES) $(srcdir)/core/openapi/bin2c.sh
	$(AM_V_GEN)$(MKDIR_P) core && { \
	  echo '/* Generated from core/openapi/ by bin2c.sh: do not edit. SPDX-License-Identifier: Apache-2.0 */'; \
	  echo '#include "openapi_data.h"'; \
	  $(SHELL) $(srcdir)/core/openapi/bin2c.sh openapi_json $(srcdir)/core/openapi/openapi.json && \
	  $(SHELL) $(srcdir)/core/openapi/bin2c.sh openapi_yaml $(srcdir)/core/openapi/openapi.yaml && \
	  $(SHELL) $(srcdir)/core/openapi/bin2c.sh openapi_etag $(srcdir)/core/openapi/openapi.etag; \
	} > $@-t && mv -f $@-t $@
libclaro_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBPQ_CFLAGS) \
	$(JANSSON_CFLAGS) $(LIBCURL_CFLAGS) $(LIBARCHIVE_CFLAGS) $(INIH_CFLAGS) \
	$(SQLITE3_CFLAGS) $(LIBCRYPTO_CFLAGS) $(ZLIB_CFLAGS) $(LIBZSTD_CFLAGS)
libclaro_la_LIBADD = $(LIBEVENT_LIBS) $(LIBPQ_LIBS) $(JANSSON_LIBS) $(LIBCURL_LIBS) \
	$(LIBARCHIVE_LIBS) $(INIH_LIBS) $(SQLITE3_LIBS) $(LIBCRYPTO_LIBS) $(ZLIB_LIBS) $(LIBZSTD_LIBS) \
	$(PTHREAD_LIBS)

bin_PROGRAMS += clarod claroctl
clarod_SOURCES = core/clarod.c core/daemon.c core/daemon.h core/api_meta.c core/introspection.c \
	core/api_indexer.c core/api_indexer.h core/api_common.c core/api_common.h \
	core/api_matcher.c core/api_matcher.h \
	core/openapi_data.h
nodist_clarod_SOURCES = core/openapi_data.c
clarod_CFLAGS = $(libclaro_la_CFLAGS)
clarod_LDADD = libclaro.la

claroctl_SOURCES = core/claroctl.c
claroctl_SOURCES += core/apiclient.c core/apiclient.h
# claroctl vercmp: version comparison through the version scheme plugins
claroctl_SOURCES += core/cmd_vercmp.c core/cmd_vercmp.h
claroctl_SOURCES += core/cmd_updaters.c core/cmd_updaters.h
# claroctl report: index, match, render, gate
claroctl_SOURCES += core/cmd_report.c core/cmd_report.h
claroctl_CFLAGS = $(libclaro_la_CFLAGS)
claroctl_LDADD = libclaro.la
# Image inputs: docker-archive, OCI layout, dir and registry images to Clair
# Manifests (claroctl index/manifest); the registry client (not the plugin registry).
libclaro_la_SOURCES += core/image.c core/image.h core/oci_client.c core/oci_client.h \
	core/oci_doc.c core/oci_doc.h
# claroctl --local index: the indexer in-process
libclaro_la_SOURCES += core/index_local.c core/index_local.h
# Vulnerability report rendering: text, JSON, SARIF, CycloneDX, JUnit (claroctl report)
libclaro_la_SOURCES += core/report_format.c core/report_format.h
# The matcher: index records, matcher plugins, VulnerabilityReport (reference §6)
libclaro_la_SOURCES += core/matcher.c core/matcher.h core/vulnjson.c core/vulnjson.h
libclaro_la_SOURCES += core/enrich.c core/enrich.h core/vulnreport.c core/vulnreport.h \
	core/report_cache.c core/report_cache.h
