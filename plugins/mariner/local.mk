# plugins/mariner: CBL-Mariner / Azure Linux distribution scanner ("mariner",
# version 1, beyond Clair).
pkgplugins_LTLIBRARIES += plugins/mariner/mariner.la
plugins_mariner_mariner_la_SOURCES = plugins/mariner/mariner.c plugins/common/relfile.c plugins/common/relfile.h \
	plugins/common/osrelease.c plugins/common/osrelease.h
plugins_mariner_mariner_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_mariner_mariner_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_mariner_mariner_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/mariner/README.md
