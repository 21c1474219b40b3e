#!/bin/sh
# Build (once) and cache a real Debian bookworm minbase image, the way an
# image is built without Docker: mmdebstrap --variant=minbase writes the root
# file system into an umoci bundle, umoci repack turns it into a single-layer
# OCI image, skopeo copies that to a docker-archive.
#
# Usage: debian-image-build.sh   (prints the cache directory on stdout)
#
# The cache, ${CLARO_IMAGE_CACHE:-${TMPDIR:-/tmp}/claro-debian-bookworm-minbase},
# is shared by tests/integ/debian-image.sh and tests/bench/ (and by the
# build directories of make check, the sanitizer run and distcheck), so only
# the first run pays for mmdebstrap (about a minute). It holds:
#   bundle/rootfs/          the root file system mmdebstrap made (the oracle's root)
#   oci/                    OCI layout, tag "bookworm", one gzip layer
#   docker-archive.tar      the same image as `docker save` output (skopeo)
#   build.log               what mmdebstrap, umoci and skopeo printed
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
if ! mmdebstrap --variant=minbase --mode=root "$suite" "$new/bundle/rootfs" >>"$log" 2>&1; then
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

{
	umoci repack --image "$new/oci:$suite" "$new/bundle" &&
		umoci gc --layout "$new/oci" &&
		skopeo copy -q "oci:$new/oci:$suite" "docker-archive:$new/docker-archive.tar:debian:$suite"
} >>"$log" 2>&1 || fail 1

date -u +%Y-%m-%dT%H:%M:%SZ >"$new/ready"
mv "$new" "$cache" || fail 1
echo "$cache"
