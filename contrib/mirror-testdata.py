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
# Other staged feeds are excerpts without the index files their updaters
# start from; configure [updaters] sets to the ones laid out here.
# Needs PyYAML (Debian: python3-yaml). SPDX-License-Identifier: Apache-2.0
import glob
import json
import os
import shutil
import sys


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


def main():
    if len(sys.argv) != 3:
        die("usage: mirror-testdata.py ADVISORIES MIRROR", "ADVISORIES is $CLARO_TESTDATA/advisories.")
    adv, mirror = sys.argv[1:3]
    if not os.path.isdir(adv):
        die("no directory %s" % adv, "Point ADVISORIES at the test data's advisories directory.")
    n = alpine(adv, mirror)
    o = osv(adv, mirror)
    print("mirror-testdata: %s: Alpine secdb (%d releases)%s" % (mirror, n, ", OSV PyPI" if o else ""))


main()
