#!/usr/bin/env python3
# gen-apk-root.py: a synthetic Alpine root for the matcher benchmark whose
# lib/apk/db/installed lists COUNT packages named after real secdb entries.
#
#   gen-apk-root.py SECDB_DIR RELEASE COUNT ROOT
#
# SECDB_DIR is the mirror's secdb.alpinelinux.org directory (vX.Y/{main,
# community}.json), RELEASE e.g. v3.11. Each origin of that release's secdb
# (in file order) is installed at the first version its secfixes name other
# than "0", so every later fix of that origin applies to it. When the release
# has fewer origins than COUNT, the origins get binary subpackages as Alpine
# builds them (-libs, -dev, -doc, -openrc, ...; "o:" names the origin) until
# there are COUNT. etc/os-release and etc/alpine-release name RELEASE.
# Prints the number of origins used. SPDX-License-Identifier: Apache-2.0
import json
import os
import sys

SUFFIXES = ["", "-libs", "-dev", "-doc", "-openrc", "-static", "-utils", "-lang"]


def main():
    if len(sys.argv) != 5:
        sys.stderr.write("usage: gen-apk-root.py SECDB_DIR RELEASE COUNT ROOT\n")
        sys.exit(2)
    secdb, release, count, root = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    origins = []
    seen = set()
    for repo in ("main", "community"):
        path = os.path.join(secdb, release, repo + ".json")
        if not os.path.isfile(path):
            continue
        with open(path) as f:
            for p in json.load(f).get("packages", []):
                pkg = p["pkg"]
                fixes = [str(v) for v in (pkg.get("secfixes") or {}) if str(v) != "0"]
                if fixes and pkg["name"] not in seen:
                    seen.add(pkg["name"])
                    origins.append((pkg["name"], fixes[0]))
    if not origins:
        sys.stderr.write("gen-apk-root: no secdb entries for %s under %s\n" % (release, secdb))
        sys.exit(1)
    pkgs = []
    for suffix in SUFFIXES:
        for name, ver in origins:
            if len(pkgs) < count:
                pkgs.append((name + suffix, ver, name))
    if len(pkgs) < count:
        sys.stderr.write("gen-apk-root: only %d packages from %d origins\n" % (len(pkgs), len(origins)))
        sys.exit(1)
    os.makedirs(os.path.join(root, "lib/apk/db"), exist_ok=True)
    os.makedirs(os.path.join(root, "etc"), exist_ok=True)
    with open(os.path.join(root, "lib/apk/db/installed"), "w") as f:
        for name, ver, origin in pkgs:
            f.write("P:%s\nV:%s\nA:x86_64\nS:1024\nI:4096\nT:%s\nL:MIT\no:%s\n\n" % (name, ver, name, origin))
    minor = release.lstrip("v")
    with open(os.path.join(root, "etc/os-release"), "w") as f:
        f.write('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=%s.0\nPRETTY_NAME="Alpine Linux v%s"\n' % (minor, minor))
    with open(os.path.join(root, "etc/alpine-release"), "w") as f:
        f.write("%s.0\n" % minor)
    print(len({o for _, _, o in pkgs}))


main()
