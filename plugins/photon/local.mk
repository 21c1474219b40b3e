# plugins/photon: Clair's Photon OS distribution scanner ("photon", v0.0.1),
# and its matcher (the RPM rule of plugins/common/rpmmatch.c).
pkgplugins_LTLIBRARIES += plugins/photon/photon.la
plugins_photon_photon_la_SOURCES = plugins/photon/photon.c plugins/photon/matcher.c \
	plugins/common/rpmmatch.c plugins/common/rpmmatch.h plugins/common/relfile.c plugins/common/relfile.h \
	plugins/common/osrelease.c plugins/common/osrelease.h
plugins_photon_photon_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_photon_photon_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_photon_photon_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/photon/README.md
