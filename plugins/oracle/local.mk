# plugins/oracle: Clair's Oracle Linux distribution scanner ("oracle", v0.0.1),
# and its matcher (the RPM rule of plugins/common/rpmmatch.c).
pkgplugins_LTLIBRARIES += plugins/oracle/oracle.la
plugins_oracle_oracle_la_SOURCES = plugins/oracle/oracle.c plugins/oracle/matcher.c \
	plugins/common/rpmmatch.c plugins/common/rpmmatch.h plugins/common/relfile.c plugins/common/relfile.h \
	plugins/common/osrelease.c plugins/common/osrelease.h
plugins_oracle_oracle_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_oracle_oracle_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_oracle_oracle_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/oracle/README.md
