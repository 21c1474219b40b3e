#!/bin/sh
# The python ecosystem end to end: `claroctl --local index` with the python,
# versions and whiteout plugins, its IndexReport's Python packages against
# what the Python interpreter sees installed (importlib.metadata, names
# PEP 503, versions spelled by packaging; pyindex_oracle.py computes it here
# from the same files). Every (name, version, package_db, introduced_in) of
# the report must equal the oracle's, and every environment must link the
# repository {name "pypi", uri "https://pypi.org/simple"} and no
# distribution (Clair's python coalescer):
#   1. every sample folder of $CLARO_TESTDATA/pkgdb/python, indexed as
#      dir:PATH (one layer: introduced_in is that layer);
#   2. a four-layer image built here as a Dockerfile would (a virtualenv,
#      pip uninstall, pip install, an upgrade, a directory emptied and
#      refilled, a directory deleted, a package installed again) and saved
#      as a docker-archive with OCI whiteouts; the oracle runs on the tree
#      the steps left, introduced_in is the last layer that wrote the
#      package's metadata file. The packages the whiteouts delete must be
#      gone (the host's whiteout resolver, as for every coalescer). The
#      final tree is then indexed once more as dir:PATH.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
s=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
td=${CLARO_TESTDATA:-/work/shared/testdata}
D=$td/pkgdb/python
PY=${PYTHON:-python3}
oracle=$s/plugins/python/pyindex_oracle.py
claroctl=$b/claroctl
if [ ! -d "$D" ]; then
	echo "1..0 # SKIP no test data at $D"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
if ! "$PY" -I "$oracle" expect "$D/trivy-parser" sha256:0 >/dev/null 2>"$tmp/py.err"; then
	echo "1..0 # SKIP no oracle: $PY with importlib.metadata and packaging ($(head -1 "$tmp/py.err"))"
	exit 0
fi
mkdir -p "$tmp/plugins"
for p in python versions whiteout; do
	if ! cp "$b/plugins/$p/.libs/$p.so" "$tmp/plugins/" 2>/dev/null; then
		echo "1..0 # SKIP plugin $p is not built"
		exit 0
	fi
done

n=0
fails=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
same() { # same GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then pass "$3"; else
		fail "$3"
		printf '%s\n' "$1" >"$tmp/.got"
		printf '%s\n' "$2" >"$tmp/.want"
		diff -u "$tmp/.want" "$tmp/.got" | sed 's/^/#   /' | head -40
	fi
}
# index IMAGE: claroctl --local index IMAGE -> $tmp/report.json; its status
index() {
	"$claroctl" --local --db "$tmp/claro.db" --plugin-dir "$tmp/plugins" index "$1" >"$tmp/report.json" 2>"$tmp/err"
}
lines() { grep -c . "$1" 2>/dev/null || echo 0; }

# 1. The sample folders, one layer each.
for dir in "$D"/*/; do
	dir=${dir%/}
	label="sample ${dir#"$td"/}"
	digest=$("$claroctl" manifest "dir:$dir" 2>"$tmp/err" |
		"$PY" -I -c 'import json, sys; print(json.load(sys.stdin)["layers"][0]["hash"])' 2>>"$tmp/err")
	if ! index "dir:$dir" || [ -z "$digest" ]; then
		fail "$label: claroctl --local index dir:"
		sed 's/^/#   /' "$tmp/err" | tail -10
		continue
	fi
	"$PY" -I "$oracle" expect "$dir" "$digest" >"$tmp/want"
	"$PY" -I "$oracle" report "$tmp/report.json" >"$tmp/got"
	same "$(cat "$tmp/got")" "$(cat "$tmp/want")" \
		"$label: IndexReport = importlib.metadata ($(lines "$tmp/want") name/version/package_db), introduced in its layer, linked to pypi"
done

# 2. A layered image with whiteouts.
if ! "$PY" -I "$oracle" build-image "$tmp/work" "$PY" "$tmp/image.tar" >"$tmp/layers" 2>"$tmp/build.err"; then
	fail "building a layered image with a virtualenv, offline"
	sed 's/^/#   /' "$tmp/build.err" | tail -20
else
	pass "a four-layer image built with a virtualenv and pip, offline, saved as a docker-archive"
	# shellcheck disable=SC2046 # the layer paths hold no blanks (mktemp)
	"$PY" -I "$oracle" expect "$tmp/work/root" $(cat "$tmp/layers") >"$tmp/want"
	"$PY" -I "$oracle" unpack "$tmp/image.tar" "$tmp/unpacked"
	# shellcheck disable=SC2046
	same "$("$PY" -I "$oracle" expect "$tmp/unpacked" $(cat "$tmp/layers"))" "$(cat "$tmp/want")" \
		"the archive's layers, whiteouts applied, give the tree the steps left ($(lines "$tmp/want") distributions)"
	# what the layers hold without the whiteouts: the deleted packages too
	mkdir -p "$tmp/union"
	while read -r t; do tar -xf "$t" -C "$tmp/union" --exclude='.wh.*' --exclude='*/.wh.*'; done <"$tmp/layers"
	# shellcheck disable=SC2046
	"$PY" -I "$oracle" expect "$tmp/union" $(cat "$tmp/layers") | cut -f1-3 | LC_ALL=C sort -u >"$tmp/union.list"
	cut -f1-3 "$tmp/want" | LC_ALL=C sort -u | LC_ALL=C comm -23 "$tmp/union.list" - >"$tmp/deleted"
	if index "docker-archive:$tmp/image.tar"; then
		"$PY" -I "$oracle" report "$tmp/report.json" >"$tmp/got"
		same "$(cat "$tmp/got")" "$(cat "$tmp/want")" \
			"layered image: IndexReport = importlib.metadata on the final tree, introduced_in the last layer that wrote each, linked to pypi"
		same "$(cut -f1-3 "$tmp/got" | LC_ALL=C sort -u | LC_ALL=C comm -12 - "$tmp/deleted")|$(lines "$tmp/deleted")" "|$(lines "$tmp/deleted")" \
			"layered image: the $(lines "$tmp/deleted") packages later layers delete are gone ($(cut -f1,2 "$tmp/deleted" | tr '\t\n' '  '))"
		layer3=$(sed -n 4p "$tmp/layers")
		same "$(grep -c "	sha256:$(sha256sum "$layer3" | cut -c1-64)\$" "$tmp/got")" "1" \
			"layered image: the package installed again in layer 4 is introduced there"
	else
		fail "claroctl --local index docker-archive:image.tar"
		sed 's/^/#   /' "$tmp/err" | tail -10
	fi
	# the tree the steps left, as one layer (the virtualenv root)
	root=$tmp/work/root
	digest=$("$claroctl" manifest "dir:$root" 2>"$tmp/err" |
		"$PY" -I -c 'import json, sys; print(json.load(sys.stdin)["layers"][0]["hash"])' 2>>"$tmp/err")
	if [ -n "$digest" ] && index "dir:$root"; then
		"$PY" -I "$oracle" expect "$root" "$digest" >"$tmp/want"
		"$PY" -I "$oracle" report "$tmp/report.json" >"$tmp/got"
		same "$(cat "$tmp/got")" "$(cat "$tmp/want")" \
			"the virtualenv root as dir: (one layer): IndexReport = importlib.metadata ($(lines "$tmp/want") distributions)"
	else
		fail "claroctl --local index dir:<the virtualenv root>"
		sed 's/^/#   /' "$tmp/err" | tail -10
	fi
fi

echo "1..$n"
[ $fails -eq 0 ]
