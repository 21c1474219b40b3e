#!/bin/sh
# Build (once) and cache a real Debian bookworm minbase image, the way an
# image is built without Docker: mmdebstrap --variant=minbase writes the root
# file system into an umoci bundle, umoci repack turns it into an OCI image
# (one layer per step), skopeo copies that to a docker-archive.
#
# Usage: debian-image-build.sh [VARIANT]   (prints the cache directory on stdout)
#
# VARIANT is one of
#   minbase      (the default) the root mmdebstrap --variant=minbase makes,
#                one layer;
#   python-venv  two layers, as a Dockerfile `RUN apt-get install python3-pip
#                python3-venv` + `RUN python3 -m venv /opt/venv && pip install
#                ...` would make them: layer 1 is minbase with python3-pip and
#                python3-venv (Debian's own Python packages in
#                /usr/lib/python3/dist-packages); layer 2 is a virtualenv made
#                in the root (chroot) by `python3 -m venv /opt/venv` (pip and
#                setuptools from ensurepip) and real PyPI releases pip-installed
#                into it offline (`pip install --no-index`) from wheels. PyPI is
#                not reachable, and this mirror serves Debian's binary pool but
#                not its upstream tarballs, so the wheels are made in the root
#                from Debian's bookworm packages of those releases
#                ($venv_debs below, downloaded by apt from the same mirror):
#                each package's dist-packages tree and setuptools egg-info,
#                laid out as an egg, converted by `python3 -m wheel convert`
#                (Debian's python3-wheel). The build files are removed again,
#                so layer 2 is the virtualenv.
# The cache, ${CLARO_IMAGE_CACHE:-${TMPDIR:-/tmp}/claro-debian-bookworm-minbase}
# (with "-python-venv" appended for that variant), is shared by
# tests/integ/debian-image.sh, plugins/python/test-pyimage.sh and tests/bench/
# (and by the build directories of make check, the sanitizer run and
# distcheck), so only the first run pays for the build (about a minute for
# minbase, two for python-venv). It holds:
#   bundle/rootfs/          the root file system the build made (the oracle's root)
#   oci/                    OCI layout, tag "bookworm", one gzip layer per step
#   docker-archive.tar      the same image as `docker save` output (skopeo)
#   build.log               what mmdebstrap, umoci, pip and skopeo printed
# Delete it to rebuild from the current archive. A lock serialises builders;
# the cache appears by one rename, complete or not at all.
#
# Exit status: 0 ready; 77 the Debian mirror is unreachable (the reason is
# on stderr); 1 any other failure (the log is on stderr).
# Needs root (mmdebstrap's root mode), mmdebstrap, umoci, skopeo, flock.
# SPDX-License-Identifier: Apache-2.0
set -u

cache=${CLARO_IMAGE_CACHE:-${TMPDIR:-/tmp}/claro-debian-bookworm-minbase}
suite=bookworm
variant=${1:-minbase}
# The python-venv variant's releases: bookworm's packages of PyPI projects
# with advisories at these versions in the OSV PyPI data (urllib3 1.26.12,
# requests 2.28.1, certifi 2022.9.24, idna 3.3, werkzeug 2.2.2, flask 2.2.2,
# sqlparse 0.4.2, pygments 2.14.0) and one without (jinja2 3.1.2); all pure
# Python with setuptools egg-info.
venv_debs="python3-urllib3 python3-requests python3-certifi python3-idna python3-werkzeug \
python3-flask python3-sqlparse python3-pygments python3-jinja2"
case $variant in
minbase) ;;
python-venv) cache=$cache-python-venv ;;
*)
	echo "debian-image-build: unknown variant '$variant' (minbase or python-venv)" >&2
	exit 1
	;;
esac

for tool in mmdebstrap umoci skopeo flock; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "debian-image-build: $tool is not installed (contrib/install-deps.sh installs it)" >&2
		exit 1
	fi
done

ready() { [ -f "$cache/ready" ] && [ -d "$cache/bundle/rootfs/var/lib/dpkg" ]; }

if ready; then
	echo "$cache"
	exit 0
fi

mkdir -p "$(dirname "$cache")" || exit 1
exec 9>"$cache.lock" || exit 1
flock 9 || exit 1
if ready; then # another builder finished while we waited
	echo "$cache"
	exit 0
fi

new=$cache.new.$$
rm -rf "$new" "$cache"
mkdir -p "$new" || exit 1
log=$new/build.log
fail() { # fail STATUS: report and leave nothing half-built behind
	echo "debian-image-build: building the image failed; the log follows" >&2
	tail -30 "$log" | sed 's/^/  /' >&2
	rm -rf "$new"
	exit "$1"
}

# An empty image and its bundle; mmdebstrap fills the bundle's rootfs.
{
	umoci init --layout "$new/oci" &&
		umoci new --image "$new/oci:$suite" &&
		umoci unpack --image "$new/oci:$suite" "$new/bundle"
} >>"$log" 2>&1 || fail 1

# No mirror argument: mmdebstrap's default Debian mirror (and, for a stable
# release, its updates and security suites).
start=$(date +%s)
set -- --variant=minbase --mode=root
if [ "$variant" = python-venv ]; then
	# Layer 1's packages, and (in a hook, with the root's own apt
	# configuration, so from the same mirror and release) the .debs that
	# layer 2 makes wheels of, into $new/debs (outside the root).
	mkdir -p "$new/debs" || fail 1
	# shellcheck disable=SC2016 # expanded by mmdebstrap's hook shell
	set -- "$@" --include=python3-pip,python3-venv \
		--customize-hook='cd "$CLARO_DEBS" && APT_CONFIG="$MMDEBSTRAP_APT_CONFIG" apt-get -q -o APT::Sandbox::User=root download '"$venv_debs"
fi
if ! CLARO_DEBS=$new/debs mmdebstrap "$@" "$suite" "$new/bundle/rootfs" >>"$log" 2>&1; then
	# apt's words for a mirror it cannot reach; anything else is a failure.
	reason=$(grep -E -i -m 3 "could not resolve|temporary failure resolving|unable to connect|connection (timed out|refused|failed)|network is unreachable|no route to host|could not connect" "$log")
	if [ -n "$reason" ]; then
		echo "debian-image-build: the Debian mirror is unreachable: $(echo "$reason" | tr '\n' ' ')" >&2
		rm -rf "$new"
		exit 77
	fi
	fail 1
fi
echo "mmdebstrap took $(($(date +%s) - start)) s" >>"$log"

if [ "$variant" = python-venv ]; then
	# Layer 1 as it stands; --refresh-bundle makes the next repack a diff.
	umoci repack --refresh-bundle --image "$new/oci:$suite" "$new/bundle" >>"$log" 2>&1 || fail 1
	# Layer 2, built in the root by its own tools: the wheels (see the top),
	# then the virtualenv and pip. The build directory goes again and /tmp
	# gets its time back, so the layer holds the virtualenv only.
	start=$(date +%s)
	root=$new/bundle/rootfs
	{
		tmp_time=$(stat -c %Y "$root/tmp") &&
			mkdir "$root/tmp/claro-venv-build" &&
			mv "$new/debs" "$root/tmp/claro-venv-build/debs"
	} || fail 1
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 \
		PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 chroot "$root" /bin/sh -s >>"$log" 2>&1 <<'EOF' || fail 1
set -eu
cd /tmp/claro-venv-build
mkdir x eggs wheels
for deb in debs/*.deb; do dpkg-deb -x "$deb" x; done
find x -xtype l -delete # Debian's links to its own JavaScript packages, not here
site=x/usr/lib/python3/dist-packages
pyver=$(python3 -c 'import sys; print("py%d.%d" % sys.version_info[:2])')
for info in "$site"/*.egg-info; do
	egg=eggs/$(basename "$info" .egg-info)-$pyver.egg
	mkdir "$egg"
	cp -a "$info" "$egg/EGG-INFO"
	while read -r top; do
		if [ -d "$site/$top" ]; then cp -a "$site/$top" "$egg/"; elif [ -n "$top" ]; then cp -a "$site/$top.py" "$egg/"; fi
	done <"$info/top_level.txt"
done
python3 -m wheel convert -d wheels eggs/*.egg
ls wheels
python3 -m venv /opt/venv
/opt/venv/bin/python -m pip install --no-index --no-deps wheels/*.whl
/opt/venv/bin/python -m pip list
EOF
	{ rm -rf "$root/tmp/claro-venv-build" && touch -d "@$tmp_time" "$root/tmp"; } || fail 1
	echo "the virtualenv layer took $(($(date +%s) - start)) s" >>"$log"
fi

{
	umoci repack --image "$new/oci:$suite" "$new/bundle" &&
		umoci gc --layout "$new/oci" &&
		skopeo copy -q "oci:$new/oci:$suite" "docker-archive:$new/docker-archive.tar:debian:$suite"
} >>"$log" 2>&1 || fail 1

date -u +%Y-%m-%dT%H:%M:%SZ >"$new/ready"
mv "$new" "$cache" || fail 1
echo "$cache"
