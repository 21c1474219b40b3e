# In-tree plugins: one directory each, built as libtool modules exporting only
# claro_plugin_<name>_module(), installed into $(pkgpluginsdir).
PLUGIN_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
# Clair's alpine/debian/ubuntu matcher logic, compiled into each of them.
DISTMATCH_SOURCES = plugins/common/distmatch.c plugins/common/distmatch.h
PLUGIN_LDFLAGS = -module -avoid-version -shared -export-symbols-regex '^claro_plugin_[a-z0-9_]+_module$$'

pkgplugins_LTLIBRARIES += plugins/whiteout/whiteout.la
plugins_whiteout_whiteout_la_SOURCES = plugins/whiteout/whiteout.c
plugins_whiteout_whiteout_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_whiteout_whiteout_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/whiteout/README.md
TESTS += plugins/whiteout/test-whiteout.sh
dist_check_SCRIPTS += plugins/whiteout/test-whiteout.sh

# alpine: the apk package scanner and the alpine distribution scanner.
pkgplugins_LTLIBRARIES += plugins/alpine/alpine.la
plugins_alpine_alpine_la_SOURCES = plugins/alpine/alpine.c plugins/alpine/alpine.h \
	plugins/alpine/matcher.c $(DISTMATCH_SOURCES) \
	plugins/alpine/apk_scanner.c plugins/alpine/apkdb.c plugins/alpine/apkdb.h \
	plugins/alpine/dist_scanner.c plugins/alpine/release.c plugins/alpine/release.h \
	plugins/common/osrelease.c plugins/common/osrelease.h \
	plugins/alpine/secdb.c plugins/alpine/secdb.h plugins/alpine/secdb_updater.c \
	plugins/common/feedfetch.c plugins/common/feedfetch.h
plugins_alpine_alpine_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_alpine_alpine_la_CFLAGS = $(PLUGIN_CFLAGS) $(JANSSON_CFLAGS)
plugins_alpine_alpine_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_alpine_alpine_la_LIBADD = $(JANSSON_LIBS)
TESTS += plugins/alpine/test-apk.sh plugins/alpine/test-alpine-dist.sh
dist_check_SCRIPTS += plugins/alpine/test-apk.sh plugins/alpine/test-alpine-dist.sh
EXTRA_DIST += plugins/alpine/README.md

# linux: the coalescers of the Linux package ecosystems (dpkg, alpine; rpm
# next). Its C test (plugins/linux/test_linux.c) is built in tests/local.mk.
pkgplugins_LTLIBRARIES += plugins/linux/linux.la
plugins_linux_linux_la_SOURCES = plugins/linux/linux.c plugins/linux/coalescer.c plugins/linux/coalescer.h \
	plugins/linux/dbwhiteout.c plugins/linux/dbwhiteout.h
plugins_linux_linux_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_linux_linux_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/linux/README.md

# dpkg (package scanners dpkg v7 + dpkg-distroless v1), debian and ubuntu
# (distribution scanners v3). plugins/common/ holds the shared parsers
# (os-release, deb822), compiled into each plugin that uses them.
PLUGIN_COMMON_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common
pkgplugins_LTLIBRARIES += plugins/dpkg/dpkg.la plugins/debian/debian.la plugins/ubuntu/ubuntu.la
plugins_dpkg_dpkg_la_SOURCES = plugins/dpkg/dpkg.c plugins/dpkg/dpkgdb.c plugins/dpkg/dpkgdb.h \
	plugins/common/rfc822.c plugins/common/rfc822.h
plugins_dpkg_dpkg_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_dpkg_dpkg_la_CFLAGS = $(PLUGIN_CFLAGS) $(LIBCRYPTO_CFLAGS)
plugins_dpkg_dpkg_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_dpkg_dpkg_la_LIBADD = $(LIBCRYPTO_LIBS)
plugins_debian_debian_la_SOURCES = plugins/debian/debian.c plugins/debian/matcher.c $(DISTMATCH_SOURCES) plugins/common/osrelease.c plugins/common/osrelease.h \
	plugins/debian/debian.h plugins/debian/tracker_updater.c plugins/debian/tracker.c plugins/debian/tracker.h \
	plugins/debian/jsonsplit.c plugins/debian/jsonsplit.h plugins/debian/dists.c plugins/debian/dists.h \
	plugins/common/feedfetch.c plugins/common/feedfetch.h
plugins_debian_debian_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_debian_debian_la_CFLAGS = $(PLUGIN_CFLAGS) $(JANSSON_CFLAGS)
plugins_debian_debian_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_debian_debian_la_LIBADD = $(JANSSON_LIBS)
plugins_ubuntu_ubuntu_la_SOURCES = plugins/ubuntu/ubuntu.c plugins/ubuntu/matcher.c $(DISTMATCH_SOURCES) plugins/common/osrelease.c plugins/common/osrelease.h \
	plugins/ubuntu/ubuntu.h plugins/ubuntu/oval_updater.c plugins/ubuntu/oval.c plugins/ubuntu/oval.h \
	plugins/common/feedfetch.c plugins/common/feedfetch.h plugins/common/feedstream.c plugins/common/feedstream.h
plugins_ubuntu_ubuntu_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_ubuntu_ubuntu_la_CFLAGS = $(PLUGIN_CFLAGS) $(JANSSON_CFLAGS) $(LIBXML2_CFLAGS) $(LIBARCHIVE_CFLAGS)
plugins_ubuntu_ubuntu_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_ubuntu_ubuntu_la_LIBADD = $(JANSSON_LIBS) $(LIBXML2_LIBS) $(LIBARCHIVE_LIBS)
TESTS += plugins/dpkg/test-dpkg.sh plugins/debian/test-distro.sh
dist_check_SCRIPTS += plugins/dpkg/test-dpkg.sh plugins/debian/test-distro.sh
check_PROGRAMS += plugins/dpkg/test_dpkgdb plugins/debian/test_osrelease
TESTS += plugins/dpkg/test_dpkgdb plugins/debian/test_osrelease
plugins_dpkg_test_dpkgdb_SOURCES = plugins/dpkg/test_dpkgdb.c plugins/dpkg/dpkgdb.c plugins/dpkg/dpkgdb.h \
	plugins/common/rfc822.c plugins/common/rfc822.h tests/tap.h
plugins_dpkg_test_dpkgdb_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_debian_test_osrelease_SOURCES = plugins/debian/test_osrelease.c plugins/common/osrelease.c \
	plugins/common/osrelease.h tests/tap.h
plugins_debian_test_osrelease_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_debian_test_osrelease_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
plugins_debian_test_osrelease_LDADD = $(JANSSON_LIBS)
EXTRA_DIST += plugins/dpkg/README.md
include $(srcdir)/plugins/rpm/local.mk
include $(srcdir)/plugins/python/local.mk
include $(srcdir)/plugins/versions/local.mk
include $(srcdir)/plugins/rhel/local.mk
include $(srcdir)/plugins/aws/local.mk
include $(srcdir)/plugins/oracle/local.mk
include $(srcdir)/plugins/suse/local.mk
include $(srcdir)/plugins/photon/local.mk
include $(srcdir)/plugins/mariner/local.mk
include $(srcdir)/plugins/osv/local.mk
include $(srcdir)/plugins/enrich/local.mk
