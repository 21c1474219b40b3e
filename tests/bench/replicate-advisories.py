#!/usr/bin/env python3
# replicate-advisories.py: grow a real advisory export (claroctl updaters
# export, Clair's export-updaters NDJSON) to a given number of vulnerability
# rows by copying its Alpine records into synthetic Alpine releases.
#
#   replicate-advisories.py EXPORT MIN_ROWS OUT
#
# OUT holds every record of EXPORT unchanged, then copies of the Alpine
# (alpine-*-vX.Y-updater) records, copy i moving release X.Y to (100+i).Y:
# the updater name, the distribution version and pretty name change, and each
# copied operation gets its own Ref (uuid5 of the original Ref and i, so the
# output is the same every run). Copies are added until OUT holds at least
# MIN_ROWS vulnerability records. The synthetic rows share package names with
# the real ones, so a matcher query meets them as it would meet many real
# releases. Prints the number of records written.
# SPDX-License-Identifier: Apache-2.0
import json
import re
import sys
import uuid

UPDATER = re.compile(r"^alpine-([a-z]+)-v(\d+)\.(\d+)-updater$")


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: replicate-advisories.py EXPORT MIN_ROWS OUT\n")
        sys.exit(2)
    src, want, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    base, alpine = [], []
    with open(src) as f:
        for line in f:
            if not line.strip():
                continue
            base.append(line)
            rec = json.loads(line)
            if rec.get("Kind") == "vulnerability" and UPDATER.match(rec.get("Updater", "")):
                alpine.append(rec)
    if not alpine:
        sys.stderr.write("replicate-advisories: no Alpine records in %s\n" % src)
        sys.exit(1)
    written = 0
    with open(dst, "w") as out:
        for line in base:
            out.write(line)
            written += 1
        i = 0
        while written < want:
            i += 1
            for rec in alpine:
                m = UPDATER.match(rec["Updater"])
                repo, minor = m.group(1), m.group(3)
                version = "%d.%s" % (100 + i, minor)
                updater = "alpine-%s-v%s-updater" % (repo, version)
                r = dict(rec)
                r["Updater"] = updater
                r["Ref"] = str(uuid.uuid5(uuid.NAMESPACE_URL, "%s/%d" % (rec["Ref"], i)))
                v = dict(rec["Vuln"])
                v["updater"] = updater
                d = dict(v["distribution"])
                d["version"] = version
                d["pretty_name"] = "Alpine Linux v" + version
                v["distribution"] = d
                r["Vuln"] = v
                out.write(json.dumps(r, separators=(",", ":")) + "\n")
                written += 1
    print(written)


main()
