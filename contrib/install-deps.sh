#!/bin/sh
# Install everything claro needs to build and test on Debian 12 (bookworm).
# The one list of packages: README, contrib/quickstart.sh, contrib/run-tests.sh
# and .ci/run all use it. Idempotent; quiet when everything is present.
# SPDX-License-Identifier: Apache-2.0
set -eu

PACKAGES="build-essential autoconf automake libtool autoconf-archive pkg-config
  libevent-dev libpq-dev libjansson-dev libcurl4-openssl-dev libarchive-dev
  libinih-dev libsqlite3-dev libssl-dev libxml2-dev libzstd-dev zlib1g-dev
  postgresql curl ca-certificates python3 python3-venv python3-packaging python3-yaml valgrind clang-format
  docker-registry skopeo apache2-utils rpm db5.3-util mmdebstrap umoci zstd bzip2 xz-utils time sqlite3"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "claro: installing build and test dependencies:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
