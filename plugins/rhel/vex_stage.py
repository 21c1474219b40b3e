#!/usr/bin/env python3
# vex_stage: Red Hat VEX feed trees for the rhel-vex tests, built from the
# real files of $CLARO_TESTDATA (see plugins/rhel/test-vex.sh):
#
#   vex_stage.py TESTDATA WWW
#
# writes WWW/cc (claircore's VEX test server with its archive), WWW/rt
# (claircore's test/rhel server with its empty archive) and WWW/all (every
# staged Red Hat VEX document in one tar.zst, plus change lists).
# SPDX-License-Identifier: Apache-2.0
import email.utils, glob, io, json, os, shutil, subprocess, sys, tarfile
T, www = sys.argv[1:]

def txtar(path, dest):
    """Write the sections of a Go txtar server file under dest; return
    the comment's headers (for the archive)."""
    lines = open(path).read().split("\n")
    comment = lines[0]
    cur = None
    out = {}
    for l in lines[1:]:
        if l.startswith("-- ") and l.endswith(" --"):
            cur = l[3:-3].split(" ")[0].lstrip("/")
            out[cur] = []
            continue
        if cur is not None:
            out[cur].append(l)
    for name, body in out.items():
        p = os.path.join(dest, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        text = "\n".join(body)
        with open(p, "w") as f:
            f.write(text)
    return comment

def set_mtime(p, http_date):
    t = email.utils.parsedate_to_datetime(http_date).timestamp()
    os.utime(p, (t, t))

for tree, srv in (("cc", T + "/advisories/rhel/claircore-vex"), ("rt", T + "/clair-fixtures/test-rhel")):
    d = os.path.join(www, tree)
    os.makedirs(d)
    comment = txtar(srv + "/server.txtar", d)
    arch, headers = comment.split(" ", 1)
    lm = [h.split(":", 1)[1] for h in headers.split("\\n") if h.lower().startswith("last-modified:")][0]
    dst = os.path.join(d, os.path.basename(arch))
    shutil.copyfile(os.path.join(srv, arch), dst)
    set_mtime(dst, lm)

# tree "all": every staged Red Hat document, one archive
d = os.path.join(www, "all")
os.makedirs(d)
docs = sorted(glob.glob(T + "/clair-fixtures/acceptance/*.json")) + \
    sorted(glob.glob(T + "/advisories/rhel/claircore-vex/*.json")) + \
    sorted(glob.glob(T + "/advisories/rhel/claircore-vex/older-revisions/*.json")) + \
    sorted(glob.glob(www + "/cc/2*/*.json")) + sorted(glob.glob(www + "/rt/2*/*.json"))
members = []
seen = set()
for p in docs:
    data = open(p, "rb").read()
    doc = json.loads(data)
    if (doc.get("document", {}).get("publisher", {}) or {}).get("namespace", "https://www.redhat.com") != "https://www.redhat.com":
        continue  # not Red Hat's (Clair's generic CSAF acceptance documents)
    tid = doc["document"]["tracking"]["id"].lower()
    year = tid.split("-")[1]
    name = "%s/%s.json" % (year, tid)
    if name in seen:  # variants of one CVE (claircore's parser tests)
        name = "%s/%s-%s" % (year, tid, os.path.basename(p))
    seen.add(name)
    members.append((name, data))
members.append(("2014/cve-2014-0001.json", open(T + "/clair-fixtures/acceptance/cve-2026-0968.json", "rb").read()))
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
    for y in sorted({m[0].split("/")[0] for m in members}):
        ti = tarfile.TarInfo(y)
        ti.type = tarfile.DIRTYPE
        ti.mode = 0o755
        tf.addfile(ti)
    for name, data in members:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mode = 0o644
        tf.addfile(ti, io.BytesIO(data))
arch = os.path.join(d, "csaf_vex_2026-03-01.tar.zst")
with open(arch, "wb") as f:
    f.write(subprocess.run(["zstd", "-q", "-c", "-"], input=buf.getvalue(), check=True,
                           stdout=subprocess.PIPE).stdout)
set_mtime(arch, "Sun, 01 Mar 2026 00:00:00 GMT")
with open(os.path.join(d, "archive_latest.txt"), "w") as f:
    f.write("csaf_vex_2026-03-01.tar.zst\n")
# changes: the perl document changed after the archive (served from here),
# the openssl one before it (skipped), a 2014 one (skipped by year)
os.makedirs(os.path.join(d, "2025"))
shutil.copyfile(T + "/clair-fixtures/acceptance/cve-2025-40907-perl.json", os.path.join(d, "2025/cve-2025-40907.json"))
with open(os.path.join(d, "changes.csv"), "w") as f:
    f.write('"2024/cve-2024-0727.json","2026-02-01T00:00:00+00:00"\r\n'
            '"2025/cve-2025-40907.json","2026-03-02T10:00:00+00:00"\r\n'
            '\r\n'
            '"2014/cve-2014-0001.json","2026-03-05T00:00:00Z"\r\n')
with open(os.path.join(d, "deletions.csv"), "w") as f:
    f.write('"2026/cve-2026-2673.json","2026-03-03T00:00:00+00:00"\n'
            '"2026/cve-2026-2297.json","2026-02-03T00:00:00+00:00"\n'
            '"2026/not-a-cve.json","2026-03-04T00:00:00+00:00"\n')
