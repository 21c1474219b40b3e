# claro.m4 - autoconf macros for out-of-tree claro plugins.   -*- Autoconf -*-
# SPDX-License-Identifier: Apache-2.0
#
# CLARO_PLUGIN_PREREQ([MIN-ABI], [BELOW-ABI])
#   Find the installed claro plugin SDK with pkg-config (claro-plugin.pc),
#   requiring MIN-ABI <= ABI < BELOW-ABI (defaults 1.0 and 2.0: same major).
#   Sets and substitutes:
#     CLARO_PLUGIN_CFLAGS   include path plus -fvisibility=hidden
#     CLARO_PLUGIN_LDFLAGS  libtool flags: a module exporting only the entry symbol
#     CLARO_PLUGINDIR       where clarod looks for plugins (override with
#                           --with-claro-plugindir=DIR)
AC_DEFUN([CLARO_PLUGIN_PREREQ], [
	AC_REQUIRE([PKG_PROG_PKG_CONFIG])
	PKG_CHECK_MODULES([CLARO_PLUGIN],
		[claro-plugin >= m4_default([$1], [1.0]) claro-plugin < m4_default([$2], [2.0])],
		[], [AC_MSG_ERROR([claro plugin SDK not found or of the wrong ABI: $CLARO_PLUGIN_PKG_ERRORS
Install claro (make install) and point PKG_CONFIG_PATH at its lib/pkgconfig.])])
	AC_ARG_WITH([claro-plugindir],
		[AS_HELP_STRING([--with-claro-plugindir=DIR], [install the plugin into DIR (default: the SDK's plugindir)])],
		[CLARO_PLUGINDIR=$withval],
		[CLARO_PLUGINDIR=`$PKG_CONFIG --variable=plugindir claro-plugin`])
	CLARO_PLUGIN_CFLAGS="$CLARO_PLUGIN_CFLAGS -fvisibility=hidden"
	dnl "$$": the value lands in a Makefile, where a lone "$" would swallow
	dnl the closing quote.
	CLARO_PLUGIN_LDFLAGS='-module -avoid-version -shared -export-symbols-regex "^claro_plugin_[[a-z0-9_]]+_module$$"'
	AC_SUBST([CLARO_PLUGIN_CFLAGS])
	AC_SUBST([CLARO_PLUGIN_LDFLAGS])
	AC_SUBST([CLARO_PLUGINDIR])
])
