#!/usr/bin/env python3
# The oracle of test-python.sh: what the Python interpreter itself reports
# as installed in a file tree, with importlib.metadata (the standard library)
# and packaging (PyPA's reference PEP 440 implementation).
#
#   oracle.py ROOT            every real directory under ROOT (and ROOT) is a
#                             sys.path entry, as if all were on sys.path
#   oracle.py --sys-path ROOT this interpreter's own sys.path (run it with a
#                             virtualenv's python), entries under ROOT only
#
# Prints one tab-separated line per distribution importlib.metadata finds:
#   pkg       NAME VERSION python:DIR   (NAME PEP 503-normalised; VERSION in
#                                        PEP 440's normalised spelling, or the
#                                        trimmed text when it is no PEP 440
#                                        version; DIR relative to ROOT, "." for
#                                        ROOT itself)
#   nameless  python:DIR ENTRY          metadata without a Name
#   noversion NAME                      metadata without a Version (also a pkg line)
#   invalid   NAME VERSION              a Version that is not PEP 440 (also a pkg line)
#   unreadable ENTRY REASON             importlib.metadata fails to read it
# Exit status 3 when packaging is not importable.
# SPDX-License-Identifier: Apache-2.0
import os
import re
import sys

try:
    from packaging.version import InvalidVersion, Version
except ImportError:
    try:
        from pip._vendor.packaging.version import InvalidVersion, Version
    except ImportError:
        print("oracle.py: neither packaging nor pip's copy of it is importable", file=sys.stderr)
        sys.exit(3)
import importlib.metadata as metadata


def pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def rel(root, path):
    r = os.path.relpath(path, root)
    return "." if r == "." else r


def main(argv):
    if len(argv) == 3 and argv[1] == "--sys-path":
        root = os.path.realpath(argv[2])
        dists = metadata.distributions()
    elif len(argv) == 2:
        root = os.path.realpath(argv[1])
        dirs = [root]
        for parent, subdirs, _ in os.walk(root):
            dirs += [os.path.join(parent, d) for d in subdirs if not os.path.islink(os.path.join(parent, d))]
        dists = metadata.distributions(path=sorted(dirs))
    else:
        print("usage: oracle.py [--sys-path] ROOT", file=sys.stderr)
        return 2
    for dist in dists:
        where = os.path.realpath(str(dist.locate_file("")))
        if os.path.commonpath([root, where]) != root:  # also right for ROOT "/" (in a chroot)
            continue
        db = "python:" + rel(root, where)
        entry = getattr(dist, "_path", where)  # for messages only
        try:
            md = dist.metadata
            name, version = md["Name"], md["Version"]
        except Exception as e:  # what Python itself cannot read
            print("unreadable\t%s\t%s" % (rel(root, str(entry)), type(e).__name__))
            continue
        if name is None or not name.strip():
            print("nameless\t%s\t%s" % (db, rel(root, str(entry))))
            continue
        name = pep503(name.strip())
        if version is None:
            print("noversion\t%s" % name)
            version = ""
        else:
            try:
                version = str(Version(version))
            except InvalidVersion:
                version = version.strip()
                print("invalid\t%s\t%s" % (name, version))
        print("pkg\t%s\t%s\t%s" % (name, version, db))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
