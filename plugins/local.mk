# In-tree plugins: one directory each, built as libtool modules exporting only
# claro_plugin_<name>_module(), installed into $(pkgpluginsdir).
PLUGIN_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
PLUGIN_LDFLAGS = -module -avoid-version -shared -export-symbols-regex '^claro_plugin_[a-z0-9_]+_module$$'

pkgplugins_LTLIBRARIES += plugins/whiteout/whiteout.la
plugins_whiteout_whiteout_la_SOURCES = plugins/whiteout/whiteout.c
plugins_whiteout_whiteout_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_whiteout_whiteout_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/whiteout/README.md
TESTS += plugins/whiteout/test-whiteout.sh
dist_check_SCRIPTS += plugins/whiteout/test-whiteout.sh
