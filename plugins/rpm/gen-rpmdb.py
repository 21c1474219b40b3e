#!/usr/bin/env python3
"""Make rpm databases from real RPM header blobs, for test-rpm.sh and
tests/bench/bench-rpmdb.sh. The headers are never invented: they come from
an existing rpm database (or raw header files of the test data), and rpm
itself is the oracle for what the generated database holds.

  gen-rpmdb.py sqlite OUT BASE [--blob FILE]... [--min N]
      Copy the SQLite rpmdb BASE to OUT, append each raw header FILE to its
      Packages table, then re-insert the table's rows (doubling it) until it
      holds at least N rows.
  gen-rpmdb.py bdb-load OUT.txt SRC [--order le|be] [--pagesize N]
      Write db_load(1) input ("db_dump -p" format) for a Berkeley DB hash
      holding the blobs of the SQLite rpmdb SRC as rpm stores them: key =
      32-bit instance number in the chosen byte order, value = header blob,
      plus rpm's key 0 record. Load it with
      `db5.3_load -c db_lorder=1234|4321 -f OUT.txt Packages`.

SPDX-License-Identifier: Apache-2.0
"""
import argparse
import shutil
import sqlite3
import struct
import sys


def blobs(path):
    # immutable=1: read the file as it is, never touch -wal/-shm files.
    con = sqlite3.connect("file:%s?immutable=1" % path, uri=True)
    try:
        return [bytes(b) for (b,) in con.execute("SELECT blob FROM Packages ORDER BY hnum")]
    finally:
        con.close()


def cmd_sqlite(a):
    shutil.copyfile(a.base, a.out)
    con = sqlite3.connect(a.out)
    # The copy may be in WAL mode; a rollback journal keeps it one file.
    con.execute("PRAGMA journal_mode=DELETE")
    for f in a.blob or []:
        with open(f, "rb") as fp:
            con.execute("INSERT INTO Packages (blob) VALUES (?)", (fp.read(),))
    n = con.execute("SELECT count(*) FROM Packages").fetchone()[0]
    while n < a.min:
        con.execute("INSERT INTO Packages (blob) SELECT blob FROM Packages")
        n = con.execute("SELECT count(*) FROM Packages").fetchone()[0]
    con.commit()
    con.close()
    print(n)


def cmd_bdb_load(a):
    order = "<" if a.order == "le" else ">"
    rows = blobs(a.src)
    with open(a.out, "w") as f:
        f.write("VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=%d\nHEADER=END\n" % a.pagesize)
        f.write(" %s\n %s\n" % (struct.pack(order + "I", 0).hex(), struct.pack(order + "I", len(rows) + 1).hex()))
        for i, b in enumerate(rows, 1):
            f.write(" %s\n %s\n" % (struct.pack(order + "I", i).hex(), b.hex()))
        f.write("DATA=END\n")
    print(len(rows))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sqlite")
    s.add_argument("out")
    s.add_argument("base")
    s.add_argument("--blob", action="append")
    s.add_argument("--min", type=int, default=0)
    b = sub.add_parser("bdb-load")
    b.add_argument("out")
    b.add_argument("src")
    b.add_argument("--order", choices=["le", "be"], default="le")
    b.add_argument("--pagesize", type=int, default=4096)
    a = p.parse_args()
    {"sqlite": cmd_sqlite, "bdb-load": cmd_bdb_load}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
