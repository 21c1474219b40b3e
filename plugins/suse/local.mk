# plugins/suse: Clair's SUSE distribution scanner ("suse", v0.0.1),
# and its matcher (the RPM rule of plugins/common/rpmmatch.c).
pkgplugins_LTLIBRARIES += plugins/suse/suse.la
plugins_suse_suse_la_SOURCES = plugins/suse/suse.c plugins/suse/matcher.c \
	plugins/common/rpmmatch.c plugins/common/rpmmatch.h plugins/common/relfile.c plugins/common/relfile.h \
	plugins/common/osrelease.c plugins/common/osrelease.h plugins/common/cpe.c plugins/common/cpe.h
plugins_suse_suse_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_suse_suse_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_suse_suse_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/suse/README.md
