#!/bin/sh
# Out-of-tree plugins: install claro into a DESTDIR, build
# contrib/plugin-template against that installed SDK only (pkg-config +
# claro.m4, as a plugin author would), and load the result with the real
# loader (tests/unit/plugin-probe). Breaks the day the SDK stops being
# self-contained. Prints TAP.
# SPDX-License-Identifier: Apache-2.0
set -u

: "${abs_top_builddir:?run through make check}"
: "${abs_top_srcdir:?run through make check}"
MAKE=${MAKE:-make}

for tool in autoreconf libtoolize pkg-config nm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not installed"
		exit 0
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-oot-XXXXXX") || exit 1
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
dest=$tmp/dest
n=0
failed=0

ok() { # ok STATUS DESCRIPTION [LOG]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
		[ -n "${3:-}" ] && [ -f "$3" ] && sed 's/^/# /' "$3" | tail -40
	fi
}

echo "1..11"

# The parent make's flags (jobserver, variable overrides) are not ours.
unset MAKEFLAGS MFLAGS MAKELEVEL

"$MAKE" -C "$abs_top_builddir" install DESTDIR="$dest" >"$tmp/install.log" 2>&1
ok $? "make install DESTDIR=... of claro" "$tmp/install.log"

pc=$(find "$dest" -name claro-plugin.pc | head -n 1)
m4=$(find "$dest" -name claro.m4 | head -n 1)
test -n "$pc" && test -n "$m4"
ok $? "the SDK's claro-plugin.pc and claro.m4 are installed"

incdir=$(find "$dest" -path '*/include/claro' -type d | head -n 1)
test -f "$incdir/plugin.h" && test -f "$incdir/abi.h" && test -f "$incdir/kinds/scanner.h"
ok $? "the SDK headers are installed"
test -z "$(find "$dest" -name registry.h -o -name config.h -o -name layerfs.h)"
ok $? "no core header is installed"

cp -R "$abs_top_srcdir/contrib/plugin-template" "$tmp/template"
chmod -R u+w "$tmp/template"
cd "$tmp/template" || exit 1
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$dest"
export ACLOCAL_PATH="$(dirname "$m4")"
# Nothing of the claro build tree may leak into the template's build.
unset CPPFLAGS CFLAGS LDFLAGS srcdir top_srcdir top_builddir

autoreconf -fi >"$tmp/autoreconf.log" 2>&1
ok $? "autoreconf finds CLARO_PLUGIN_PREREQ through ACLOCAL_PATH" "$tmp/autoreconf.log"

./configure --with-claro-plugindir="$tmp/plugins" >"$tmp/configure.log" 2>&1
ok $? "configure finds the SDK through PKG_CONFIG_PATH" "$tmp/configure.log"

"$MAKE" >"$tmp/make.log" 2>&1
ok $? "the template builds against the installed headers" "$tmp/make.log"

"$MAKE" install >"$tmp/make-install.log" 2>&1 && test -f "$tmp/plugins/template.so"
ok $? "make install puts template.so into the plugin directory" "$tmp/make-install.log"

nm -D --defined-only "$tmp/plugins/template.so" | awk '{ print $3 }' | grep -v '^_' >"$tmp/exports"
test "$(cat "$tmp/exports")" = "claro_plugin_template_module"
ok $? "template.so exports only claro_plugin_template_module" "$tmp/exports"

chmod go-w "$tmp/plugins/template.so"
libtool_probe="$abs_top_builddir/libtool"
"$libtool_probe" --mode=execute "$abs_top_builddir/tests/unit/plugin-probe" "$tmp/plugins" template \
	>"$tmp/probe.out" 2>"$tmp/probe.err"
probe=$?
cat "$tmp/probe.err" >>"$tmp/probe.out"
ok $probe "claro's loader accepts the plugin" "$tmp/probe.out"
grep -q '^plugin template 0.1.0 abi 1\.[0-9]*$' "$tmp/probe.out" &&
	grep -q '^  package_scanner template 1$' "$tmp/probe.out"
ok $? "it provides the package_scanner \"template\"" "$tmp/probe.out"

exit $failed
