# SDK metadata for out-of-tree plugins: pkg-config file and autoconf macros.
pkgconfig_DATA = contrib/claro-plugin.pc
aclocaldir = $(datadir)/aclocal
dist_aclocal_DATA = contrib/claro.m4
EXTRA_DIST += contrib/claro-plugin.pc.in
DISTCLEANFILES += contrib/claro-plugin.pc
