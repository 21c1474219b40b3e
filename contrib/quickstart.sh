#!/bin/sh
# claro quick start on a fresh Debian 12 machine: install the dependencies,
# build, install into _build/quickstart/prefix, start clarod on its embedded
# SQLite store, load advisories, index a real image and print its
# vulnerability report. clarod keeps running afterwards (Ctrl-C stops it
# cleanly) unless --exit is given.
#
#   contrib/quickstart.sh [--port PORT] [--mirror DIR | --online] [--exit] [IMAGE]
#
# Advisories come from, in this order:
#   --mirror DIR  an air-gapped mirror directory (<DIR>/<host>/<path> of
#                 the upstream feed URLs; see README "Air-gapped operation")
#   --online      the live upstream feeds
#   (default)     the feeds staged in $CLARO_TESTDATA/advisories (default
#                 ../shared/testdata/advisories), laid out as a mirror by
#                 contrib/mirror-testdata.py, when that directory exists;
#                 the live feeds otherwise
# IMAGE is any form claroctl takes (registry reference, docker-archive:,
# oci:, dir:); the default is the staged alpine:3.10 docker-archive, else
# docker.io/library/alpine:3.10 from Docker Hub.
#
# SPDX-License-Identifier: Apache-2.0
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
port=6060
mirror=
online=0
exit_after=0
image=
while [ $# -gt 0 ]; do
	case $1 in
	--port) port=$2; shift 2 ;;
	--mirror) mirror=$2; shift 2 ;;
	--online) online=1; shift ;;
	--exit) exit_after=1; shift ;;
	-h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "quickstart: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) image=$1; shift ;;
	esac
done
iport=$((port + 2029))
td=${CLARO_TESTDATA:-$top/../shared/testdata}

say() { printf '\033[1mclaro quickstart:\033[0m %s\n' "$*" >&2; }

say "installing dependencies (Debian packages)"
contrib/install-deps.sh

build=$top/_build/quickstart
prefix=$build/prefix
say "building into $build"
[ -x configure ] || autoreconf -fi
mkdir -p "$build"
if [ ! -f "$build/Makefile" ] &&
	! (cd "$build" && "$top/configure" --prefix="$prefix" -q >"$build/configure.out" 2>&1); then
	cat "$build/configure.out" >&2
	say "configure failed (above; details in $build/config.log)"
	exit 1
fi
if ! (cd "$build" && make -j"$(nproc)" >"$build/make.out" 2>&1 && make install >>"$build/make.out" 2>&1); then
	tail -30 "$build/make.out" >&2
	say "the build failed (above; the whole log is $build/make.out)"
	exit 1
fi

# Where the advisories come from.
sets="*"
if [ -z "$mirror" ] && [ $online -eq 0 ] && [ -d "$td/advisories" ]; then
	mirror=$build/mirror
	say "laying out the staged advisories ($td/advisories) as a mirror in $mirror"
	rm -rf "$mirror"
	python3 contrib/mirror-testdata.py "$td/advisories" "$mirror"
	sets="alpine osv" # what mirror-testdata.py lays out; see its header
fi
ini=$build/clarod.ini
{
	echo "[clarod]"
	echo "api_addr = 127.0.0.1:$port"
	echo "introspection_addr = 127.0.0.1:$iport"
	[ -n "$mirror" ] && echo "airgap = true"
	echo "[updaters]"
	echo "sets = $sets"
	[ -n "$mirror" ] && echo "mirror_dir = $mirror"
	if [ "$sets" != "*" ]; then
		echo "[plugin.osv]"
		echo "ecosystems = PyPI"
	fi
} >"$ini"

image_default=0
if [ -z "$image" ]; then
	image_default=1
	image=docker.io/library/alpine:3.10
	[ -f "$td/images/docker-archive/alpine-310.tar.gz" ] &&
		image=docker-archive:$td/images/docker-archive/alpine-310.tar.gz
fi

# The first update round, here and now (progress per updater), so the report
# below sees a complete database; clarod's own rounds then find it unchanged.
say "loading advisories (claroctl updaters run)"
"$prefix/bin/claroctl" --local -c "$ini" updaters run || say "some updaters failed; the report will say which"

say "starting clarod -c $ini (API http://127.0.0.1:$port, introspection http://127.0.0.1:$iport)"
"$prefix/bin/clarod" -c "$ini" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM
api=http://127.0.0.1:$port

i=0
until curl -fsS "http://127.0.0.1:$iport/readyz" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 $pid 2>/dev/null; then
		say "clarod did not become ready; see its log above"
		exit 1
	fi
	sleep 0.1
done

# clarod fetches layers over http(s) only; an archive, layout or directory
# on this machine is indexed in-process, on the same SQLite store.
case $image in
docker-archive:* | oci:* | dir:*) where="--local -c $ini" ;;
*) where="--host $api" ;;
esac
say "indexing and reporting $image (claroctl $where report)"
rc=0
# shellcheck disable=SC2086
"$prefix/bin/claroctl" $where report "$image" || rc=$?
# The staged images are patched against the staged feeds; the staged Python
# sample is not, so with the default image show that one too.
sample=$td/pkgdb/python/syft-site-packages
if [ "$image_default" -eq 1 ] && [ -d "$sample" ]; then
	say "and a Python site-packages sample: dir:$sample"
	"$prefix/bin/claroctl" --local -c "$ini" report "dir:$sample" || rc=$?
fi
if [ $exit_after -eq 1 ]; then
	kill -TERM $pid 2>/dev/null
	wait $pid || true
	exit $rc
fi
say "clarod is running (pid $pid); try: $prefix/bin/claroctl --host $api report --format json IMAGE"
say "press Ctrl-C to stop it"
wait $pid
