#!/bin/sh
# The whiteout file scanner over an unpacked layer: every .wh.* entry, the
# opaque marker included, at any depth, in path order; nothing else.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
scan="$b/tests/unit/scan-layer $b/plugins/whiteout/.libs whiteout file whiteout"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
check() { n=$((n + 1)); if [ "$1" = "$2" ]; then echo "ok $n - $3"; else printf 'not ok %d - %s\n#   got:\n%s\n#   expected:\n%s\n' $n "$3" "$1" "$2"; fi; }

echo "1..3"
mkdir -p "$tmp/l1/usr/lib/python3/site-packages" "$tmp/l1/etc/apt" "$tmp/l1/var/lib/dpkg"
touch "$tmp/l1/usr/lib/python3/site-packages/.wh.requests-2.0.dist-info" "$tmp/l1/etc/apt/.wh..wh..opq" \
	"$tmp/l1/.wh.tmp" "$tmp/l1/var/lib/dpkg/status" "$tmp/l1/etc/not.wh.file"
mkdir "$tmp/l1/var/lib/.wh.dpkg-old"
got=$($scan "$tmp/l1" 2>&1)
want=$(printf 'file\t.wh.tmp\twhiteout\nfile\tetc/apt/.wh..wh..opq\twhiteout\nfile\tusr/lib/python3/site-packages/.wh.requests-2.0.dist-info\twhiteout\nfile\tvar/lib/.wh.dpkg-old\twhiteout')
check "$got" "$want" "whiteouts at every depth, opaque marker and directories included, in path order"

mkdir -p "$tmp/l2/usr/bin"
touch "$tmp/l2/usr/bin/ls"
check "$($scan "$tmp/l2" 2>&1)" "" "a layer without whiteouts gives nothing"

mkdir -p "$tmp/l4" && ln -s /etc "$tmp/l4/link" && touch "$tmp/l4/.wh.a"
check "$($scan "$tmp/l4" 2>&1)" "$(printf 'file\t.wh.a\twhiteout')" "a symlink to the host's /etc is not followed"
