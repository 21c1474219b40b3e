#!/usr/bin/env python3
# mirror-testdata.py: lay out the advisory feeds staged in claro's test data
# (ADVISORIES: $CLARO_TESTDATA/advisories) as an air-gapped mirror directory
# ([updaters] mirror_dir): <mirror>/<host>/<path>, the files the updaters
# would fetch upstream, in upstream's format.
#
#   contrib/mirror-testdata.py ADVISORIES MIRROR
#
# What it lays out:
#   secdb.alpinelinux.org/   index.html with a link per release, and
#                            vX.Y/{main,community}.json from the staged
#                            secdb YAML (secdb publishes both forms)
#   osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip
#   security-tracker.debian.org/tracker/data/json   the staged tracker
#                            excerpt (vunnel's), byte for byte, and
#   deb.debian.org/debian/dists/   index.html and <suite>/Release: none is
#                            staged, so they are written in the archive's
#                            format with the real versions of the suites
#                            the excerpt names (as plugins/debian/test-tracker.sh)
#   api.launchpad.net/1.0/ubuntu/series   Launchpad's series collection
#                            (written: bionic, active) and
#   security-metadata.canonical.com/oval/com.ubuntu.bionic.cve.oval.xml.bz2
#                            the staged Ubuntu OVAL excerpt, bzip2-compressed
#   security.access.redhat.com/data/csaf/v2/vex/   every staged Red Hat VEX
#                            document in one archive with change and deletion
#                            lists (plugins/rhel/vex_stage.py's "all" tree;
#                            needs the zstd program, else left out)
# Other staged feeds are excerpts without the index files their updaters
# start from; configure [updaters] sets to the ones laid out here.
# Needs PyYAML (Debian: python3-yaml). SPDX-License-Identifier: Apache-2.0
import bz2
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile


def die(msg, hint):
    sys.stderr.write("mirror-testdata: %s\n  hint: %s\n" % (msg, hint))
    sys.exit(1)


def alpine(adv, mirror):
    try:
        import yaml
    except ImportError:
        die("PyYAML is not installed", "Install python3-yaml.")
    top = os.path.join(mirror, "secdb.alpinelinux.org")
    releases = []
    for path in sorted(glob.glob(os.path.join(adv, "alpine", "alpine-secdb", "v*", "*.yaml"))):
        release = os.path.basename(os.path.dirname(path))
        repo = os.path.basename(path)[: -len(".yaml")]
        with open(path) as f:
            doc = yaml.safe_load(f)
        os.makedirs(os.path.join(top, release), exist_ok=True)
        with open(os.path.join(top, release, repo + ".json"), "w") as f:
            json.dump(doc, f)
        if release not in releases:
            releases.append(release)
    if not releases:
        die("no Alpine secdb files under %s/alpine/alpine-secdb" % adv, "Point ADVISORIES at the test data's advisories directory.")
    with open(os.path.join(top, "index.html"), "w") as f:
        f.write("<html><body>\n")
        for r in releases:
            f.write('<a href="%s/">%s/</a>\n' % (r, r))
        f.write("</body></html>\n")
    return len(releases)


def osv(adv, mirror):
    src = os.path.join(adv, "osv", "PyPI-all.zip")
    if not os.path.isfile(src):
        return 0
    dst = os.path.join(mirror, "osv-vulnerabilities.storage.googleapis.com", "PyPI")
    os.makedirs(dst, exist_ok=True)
    shutil.copyfile(src, os.path.join(dst, "all.zip"))
    return 1


def debian(adv, mirror):
    src = os.path.join(adv, "debian", "vunnel", "debian.json")
    if not os.path.isfile(src):
        return 0
    dst = os.path.join(mirror, "security-tracker.debian.org", "tracker", "data")
    os.makedirs(dst, exist_ok=True)
    shutil.copyfile(src, os.path.join(dst, "json"))
    dists = os.path.join(mirror, "deb.debian.org", "debian", "dists")
    suites = {  # directory: (Suite, Codename, Version or None: testing and unstable have none)
        "stretch": ("oldoldstable", "stretch", "9.13"), "buster": ("oldoldstable", "buster", "10.13"),
        "bullseye": ("oldstable", "bullseye", "11.9"), "bookworm": ("stable", "bookworm", "12.5"),
        "trixie": ("testing", "trixie", None), "sid": ("unstable", "sid", None),
    }
    for d, (suite, codename, version) in suites.items():
        os.makedirs(os.path.join(dists, d), exist_ok=True)
        lines = ["Origin: Debian", "Label: Debian", "Suite: " + suite]
        if version:
            lines.append("Version: " + version)
        lines += ["Codename: " + codename, "Date: Sat, 10 Feb 2024 09:41:08 UTC",
                  "Architectures: all amd64 arm64 i386", "Components: main contrib non-free-firmware non-free"]
        with open(os.path.join(dists, d, "Release"), "w") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(dists, "index.html"), "w") as f:
        f.write("<html><body>\n")
        for d in suites:
            f.write('<a href="%s/">%s/</a>\n' % (d, d))
        f.write("</body></html>\n")
    return 1


def ubuntu(adv, mirror):
    src = os.path.join(adv, "ubuntu", "vulnerablecode", "ubuntu_oval_data.xml")
    if not os.path.isfile(src):
        return 0
    lp = os.path.join(mirror, "api.launchpad.net", "1.0", "ubuntu")
    os.makedirs(lp, exist_ok=True)
    with open(os.path.join(lp, "series"), "w") as f:
        json.dump({"total_size": 1, "start": 0, "entries": [
            {"name": "bionic", "version": "18.04", "active": True, "status": "Supported"}]}, f)
    oval = os.path.join(mirror, "security-metadata.canonical.com", "oval")
    os.makedirs(oval, exist_ok=True)
    with open(src, "rb") as i, bz2.open(os.path.join(oval, "com.ubuntu.bionic.cve.oval.xml.bz2"), "wb") as o:
        shutil.copyfileobj(i, o)
    return 1


def rhel_vex(adv, mirror):
    stage = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plugins", "rhel", "vex_stage.py")
    td = os.path.dirname(os.path.abspath(adv))
    if not os.path.isfile(stage) or not shutil.which("zstd") or \
            not os.path.isfile(os.path.join(adv, "rhel", "claircore-vex", "server.txtar")) or \
            not os.path.isfile(os.path.join(td, "clair-fixtures", "test-rhel", "server.txtar")):
        return 0
    dst = os.path.join(mirror, "security.access.redhat.com", "data", "csaf", "v2", "vex")
    with tempfile.TemporaryDirectory() as tmp:
        www = os.path.join(tmp, "www")
        if subprocess.run([sys.executable, stage, td, www]).returncode != 0:
            sys.stderr.write("mirror-testdata: plugins/rhel/vex_stage.py failed; Red Hat VEX left out\n")
            return 0
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.rmtree(dst, ignore_errors=True)
        shutil.move(os.path.join(www, "all"), dst)  # mtimes kept: they are the Last-Modified
    return 1


def main():
    if len(sys.argv) != 3:
        die("usage: mirror-testdata.py ADVISORIES MIRROR", "ADVISORIES is $CLARO_TESTDATA/advisories.")
    adv, mirror = sys.argv[1:3]
    if not os.path.isdir(adv):
        die("no directory %s" % adv, "Point ADVISORIES at the test data's advisories directory.")
    n = alpine(adv, mirror)
    o = osv(adv, mirror)
    more = [name for name, done in (("OSV PyPI", o), ("Debian tracker", debian(adv, mirror)),
                                    ("Ubuntu OVAL", ubuntu(adv, mirror)), ("Red Hat VEX", rhel_vex(adv, mirror))) if done]
    print("mirror-testdata: %s: Alpine secdb (%d releases)%s" % (mirror, n, "".join(", " + m for m in more)))


main()
