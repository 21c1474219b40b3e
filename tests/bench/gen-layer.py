#!/usr/bin/env python3
"""Write a large synthetic layer tar to stdout, for the indexer benchmark.

Usage: gen-layer.py FILES TOTAL_BYTES [EXTRA_ROOT]

FILES regular files of text-like content (words from a fixed vocabulary, a
fixed seed: the same bytes every run, compressing about as well as a real
layer) in directories of 1000, padded so that the whole tar is about
TOTAL_BYTES. Plain ustar headers written by hand (the tarfile module is too
slow for half a million members). If EXTRA_ROOT is given, its etc/os-release
and var/lib/dpkg/status (with an empty info/ beside it, which makes it a
dpkg database) are added first, so the scanners find a real database in the
big layer too.

SPDX-License-Identifier: Apache-2.0
"""
import os
import random
import sys

BLOCK = 512


def header(name, size, typeflag=b"0", mode=0o644):
    if len(name) > 100:
        raise ValueError("name too long for plain ustar: " + name)
    h = bytearray(BLOCK)
    h[0:len(name)] = name.encode()
    h[100:108] = b"%07o\0" % mode
    h[108:116] = b"%07o\0" % 0
    h[116:124] = b"%07o\0" % 0
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"%011o\0" % 1700000000
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[265:269] = b"root"
    h[297:301] = b"root"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def pad(n):
    return b"\0" * ((BLOCK - n % BLOCK) % BLOCK)


def main():
    files = int(sys.argv[1])
    total = int(sys.argv[2])
    extra = sys.argv[3] if len(sys.argv) > 3 else None
    out = sys.stdout.buffer
    rnd = random.Random(20240601)
    words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 10)))
             for _ in range(4000)]
    pool = bytearray()
    while len(pool) < (4 << 20):
        line = " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 14)))
        pool += line.encode() + b"\n"
    pool = bytes(pool)

    written = 0

    def emit(b):
        nonlocal written
        out.write(b)
        written += len(b)

    if extra:
        for d in ("etc", "var", "var/lib", "var/lib/dpkg", "var/lib/dpkg/info"):
            emit(header(d + "/", 0, b"5", 0o755))
        for rel in ("etc/os-release", "var/lib/dpkg/status"):
            p = os.path.join(extra, rel)
            if os.path.islink(p):  # etc/os-release -> ../usr/lib/os-release
                p = os.path.join(os.path.dirname(p), os.readlink(p))
            data = open(p, "rb").read()
            emit(header(rel, len(data)) + data + pad(len(data)))

    # Mean padded member = header + data rounded up; aim the data sizes so
    # that the whole archive lands near TOTAL_BYTES.
    ndirs = (files + 999) // 1000
    budget = total - written - ndirs * BLOCK - 2 * BLOCK
    mean_data = max(0, budget // files - BLOCK - BLOCK // 2)
    n = 0
    for d in range(ndirs):
        dname = "data/d%04d" % d
        if d == 0:
            emit(header("data/", 0, b"5", 0o755))
        emit(header(dname + "/", 0, b"5", 0o755))
        for i in range(min(1000, files - n)):
            size = rnd.randint(0, 2 * mean_data)
            off = rnd.randint(0, len(pool) - size - 1)
            emit(header("%s/f%06d.txt" % (dname, n), size) + pool[off:off + size] + pad(size))
            n += 1
    emit(b"\0" * (2 * BLOCK))
    out.flush()


if __name__ == "__main__":
    main()
