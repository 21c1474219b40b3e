# SDK metadata for out-of-tree plugins: pkg-config file and autoconf macros.
pkgconfig_DATA = contrib/claro-plugin.pc
aclocaldir = $(datadir)/aclocal
dist_aclocal_DATA = contrib/claro.m4
EXTRA_DIST += contrib/claro-plugin.pc.in
DISTCLEANFILES += contrib/claro-plugin.pc
# The out-of-tree plugin template (tests/integ/out-of-tree.sh builds it
# against a DESTDIR install of the SDK).
EXTRA_DIST += contrib/plugin-template/configure.ac contrib/plugin-template/Makefile.am \
	contrib/plugin-template/template.c contrib/plugin-template/README.md
# Lays out the staged advisory feeds as an air-gapped mirror directory
# (the quick start and tests/integ/alpine-report.sh use it).
dist_noinst_SCRIPTS += contrib/mirror-testdata.py
