#!/usr/bin/env python3
# osv_oracle.py: the independent side of plugins/osv/test-osv.sh.
#
#   serve ROOT PORTFILE        loopback HTTP server for ROOT on a random port
#                              (written to PORTFILE): ETag (MD5, quoted) and
#                              Last-Modified on every file, 304 for a matching
#                              If-None-Match / If-Modified-Since; paths under
#                              /noetag/ are served without an ETag. Logs each
#                              request's conditional headers to ROOT/../requests.log.
#   compare ZIP ECOSYSTEM RUN  recompute, from the same all.zip with zipfile +
#                              json, what the OSV updater must emit (reference
#                              §5.2, plugins/osv/README.md) and compare it with
#                              run-osv's output RUN as multisets. Exit 0 if equal.
#   clair TXTAR RUN            cross-check with Clair's own records for the same
#                              advisories (claircore matcher fixtures).
#   compare-semver ZIP ECO RUN the same, ranges included (the "semver" scheme was loaded)
#   relabel ZIP OUT ECOSYSTEM  a SEMVER ecosystem's dump made from a real one (see relabel())
#   hostile DIR ZIP            write hostile variants of a real all.zip to DIR/<case>/PyPI/all.zip.
#
# SPDX-License-Identifier: Apache-2.0
import hashlib
import http.server
import io
import json
import os
import re
import sys
import threading
import time
import zipfile
from email.utils import formatdate, parsedate_to_datetime

ECOSYSTEMS = {
    # OSV name: (updater, repository name, repository URI, naming, ECOSYSTEM ranges)
    "PyPI": ("osv/pypi", "pypi", "https://pypi.org/", "pep503", "query"),
    "Go": ("osv/go", "go", "https://pkg.go.dev/", "name", "skip"),
    "npm": ("osv/npm", "npm", "https://www.npmjs.com/", "name", "skip"),
    "Maven": ("osv/maven", "maven", "https://repo1.maven.apache.org/maven2", "name", "query"),
    "RubyGems": ("osv/rubygems", "rubygems", "https://rubygems.org/gems/", "name", "query"),
    "crates.io": ("osv/crates.io", "crates.io", "https://crates.io/", "purl", "plain"),
}


# ---- serve ----

class Handler(http.server.BaseHTTPRequestHandler):
    root = "."
    log_path = None

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        noetag = path.startswith("/noetag/")
        rel = path[len("/noetag/"):] if noetag else path.lstrip("/")
        full = os.path.realpath(os.path.join(self.root, rel))
        if self.log_path:
            with open(self.log_path, "a") as fh:
                fh.write("%s inm=%s ims=%s\n" % (path, self.headers.get("If-None-Match", ""),
                                                 self.headers.get("If-Modified-Since", "")))
        if not full.startswith(os.path.realpath(self.root) + os.sep) or not os.path.isfile(full):
            self.send_error(404)
            return
        with open(full, "rb") as fh:
            body = fh.read()
        etag = '"%s"' % hashlib.md5(body).hexdigest()
        mtime = int(os.path.getmtime(full))
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        fresh = False
        if inm is not None and not noetag:
            fresh = inm == etag
        elif ims is not None:
            try:
                fresh = parsedate_to_datetime(ims).timestamp() >= mtime
            except (TypeError, ValueError):
                fresh = False
        if fresh:
            self.send_response(304)
            if not noetag:
                self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
        if not noetag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


def serve(root, portfile):
    Handler.root = root
    Handler.log_path = os.path.join(os.path.dirname(os.path.abspath(root)), "requests.log")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(portfile + ".tmp", "w") as fh:
        fh.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


# ---- the mapping, recomputed ----

def parse_time(s):
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)", s or "")
    if not m:
        return None
    y, mo, d, h, mi, sec = (int(x) for x in m.groups()[:6])
    import calendar
    t = calendar.timegm((y, mo, d, h, mi, sec, 0, 0, 0))
    tz = m.group(8)
    if tz not in ("Z", "z"):
        sign = -1 if tz[0] == "-" else 1
        t -= sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)
    return t


def roundup31(x):
    i = round(x * 100000)
    return i // 10000 if i % 10000 == 0 else i // 10000 + 1


def cvss3_score10(vec):
    """CVSS v3.x base score in tenths (FIRST's formulas), None if invalid."""
    m = re.fullmatch(r"CVSS:3\.([01])/(.*)", vec)
    if not m:
        return None
    metrics = dict(p.split(":", 1) for p in m.group(2).split("/") if ":" in p)
    try:
        av = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}[metrics["AV"]]
        ac = {"L": 0.77, "H": 0.44}[metrics["AC"]]
        changed = {"U": False, "C": True}[metrics["S"]]
        pr = {"N": 0.85, "L": 0.68 if changed else 0.62, "H": 0.5 if changed else 0.27}[metrics["PR"]]
        ui = {"N": 0.85, "R": 0.62}[metrics["UI"]]
        cia = [{"H": 0.56, "L": 0.22, "N": 0.0}[metrics[k]] for k in ("C", "I", "A")]
    except KeyError:
        return None
    iss = 1 - (1 - cia[0]) * (1 - cia[1]) * (1 - cia[2])
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    expl = 8.22 * av * ac * pr * ui
    if impact <= 0:
        return 0
    s = min(1.08 * (impact + expl) if changed else impact + expl, 10)
    if m.group(1) == "1":
        return roundup31(s)
    import math
    return math.ceil(s * 10 - 1e-9)


def band(score10):
    if score10 <= 0:
        return "Negligible"
    return "Low" if score10 < 40 else "Medium" if score10 < 70 else "High" if score10 < 90 else "Critical"


WORDS = {"none": "Negligible", "negligible": "Negligible", "low": "Low", "moderate": "Medium",
         "medium": "Medium", "high": "High", "critical": "Critical"}


def severity(doc):
    sev, norm = None, "Unknown"
    for s in doc.get("severity") or []:
        if s.get("type") not in ("CVSS_V2", "CVSS_V3", "CVSS_V4") or not isinstance(s.get("score"), str):
            continue
        if not s["score"].startswith("CVSS:3."):
            raise SystemExit("oracle: no scorer for %r (only CVSS v3 is in the test data)" % s["score"])
        score = cvss3_score10(s["score"])
        if score is not None:
            sev, norm = s["score"], band(score)
    if sev is None:
        db = doc.get("database_specific")
        if isinstance(db, dict) and isinstance(db.get("severity"), str):
            sev = db["severity"]
            norm = WORDS.get(sev.lower(), "Unknown")
    return sev or "", norm


def query_escape(s):
    out = []
    for b in s.encode():
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "-_.~"):
            out.append(c)
        elif c == " ":
            out.append("+")
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def intervals(events):
    """OSV events in file order -> (introduced, fixed, last_affected) tuples."""
    cur = None
    for ev in events:
        if ev.get("introduced"):
            if cur is None:
                cur = ev["introduced"]
            continue
        if cur is None:
            continue
        if ev.get("fixed"):
            yield (cur, ev["fixed"], None)
        elif ev.get("last_affected"):
            yield (cur, None, ev["last_affected"])
        else:
            continue
        cur = None
    if cur is not None:
        yield (cur, None, None)


SEMVER = re.compile(r"v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?"
                    r"(-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?")


def semver_norm(v):
    """Masterminds-style semver -> Clair's normalised list (major, minor,
    patch in V[1..3]) and whether it has a pre-release; None if invalid."""
    m = SEMVER.fullmatch(v)
    if not m:
        return None
    nums = [int(x or 0) for x in m.groups()[:3]]
    if max(nums) > 2**31 - 1:
        return None
    return [0] + nums + [0] * 6, m.group(4) is not None


def fmt(vals):
    return "semver:" + ".".join(str(x) for x in vals)


def semver_interval(intro, fixed, last):
    """(range_lower, range_upper) strings, or None when the interval is dropped."""
    if intro == "0":
        lower = [0] * 10
    else:
        n = semver_norm(intro)
        if n is None:
            return None
        lower = n[0]
    if fixed:
        n = semver_norm(fixed)
        if n is None:
            return None
        upper = n[0]
    elif last:
        n = semver_norm(last)
        if n is None:
            return None
        upper = list(n[0])
        if not n[1]:
            upper[3] += 1
    else:
        upper = [65535] + [0] * 9
    if lower > upper:
        return None
    return fmt(lower), fmt(upper)


def expected(zip_path, eco, now, semver=False):
    updater, repo_name, repo_uri, naming, eco_style = ECOSYSTEMS[eco]
    out = []
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            if not info.filename.endswith(".json") or info.is_dir():
                continue
            doc = json.loads(z.read(info))
            if doc.get("withdrawn"):
                t = parse_time(doc["withdrawn"])
                if t is None or t <= now:
                    continue
            if not doc.get("affected"):
                continue
            sev, norm = severity(doc)
            links = [r["url"] for r in doc.get("references") or [] if r.get("url")]
            links += ["https://osv.dev/vulnerability/" + a for a in doc.get("aliases") or [] if a]
            base = {
                "updater": updater, "name": doc["id"], "description": doc.get("summary") or "",
                "links": " ".join(links), "severity": sev, "normalized_severity": norm,
                "issued": parse_time(doc.get("published")), "package_version": "",
                "package_kind": "binary", "repository_hint": eco, "repository_name": repo_name,
                "repository_uri": repo_uri, "has_distribution": False,
            }
            for aff in doc["affected"]:
                pkg = aff.get("package") or {}
                if (pkg.get("ecosystem") or "").split(":")[0] != eco:
                    continue
                if naming == "pep503":
                    # PEP 503's own normalisation function
                    name = re.sub(r"[-_.]+", "-", pkg.get("name") or "").lower()
                elif naming == "purl":
                    name = pkg.get("purl") or ""
                else:
                    name = pkg.get("name") or ""
                if not name:
                    continue
                for rng in aff.get("ranges") or []:
                    if rng.get("type") not in ("ECOSYSTEM", "SEMVER"):
                        continue
                    if rng["type"] == "SEMVER":
                        for intro, fixed, last in intervals(rng.get("events") or []):
                            r = dict(base, package_name=name, fixed_in_version=fixed or "")
                            if semver:
                                bounds = semver_interval(intro, fixed, last)
                                if bounds is None:
                                    continue
                                r["range_lower"], r["range_upper"] = bounds
                            out.append(r)
                        continue
                    if eco_style == "skip":
                        continue
                    for intro, fixed, last in intervals(rng.get("events") or []):
                        if eco_style == "plain":
                            fiv = fixed or ""
                        else:
                            q = []
                            if fixed:
                                q.append("fixed=" + query_escape(fixed))
                            if intro != "0":
                                q.append("introduced=" + query_escape(intro))
                            if last and not fixed:
                                q.append("lastAffected=" + query_escape(last))
                            fiv = "&".join(q)
                        out.append(dict(base, package_name=name, fixed_in_version=fiv))
    return out


def canon(recs, drop=("range_lower", "range_upper")):
    return sorted(json.dumps({k: v for k, v in r.items() if k not in drop}, sort_keys=True) for r in recs)


def read_run(path):
    with open(path) as fh:
        lines = [json.loads(line) for line in fh if line.strip()]
    return lines[0], lines[1:]


def compare(zip_path, eco, run_path, semver=False):
    summary, got = read_run(run_path)
    want = expected(zip_path, eco, time.time(), semver)
    if summary.get("status") != "OK":
        print("# run-osv status %s: %s" % (summary.get("status"), summary.get("message")))
        return 1
    drop = () if semver else ("range_lower", "range_upper")
    if semver:  # ranges compared too: records without a SEMVER range have none
        for r in want:
            r.setdefault("range_lower", "")
            r.setdefault("range_upper", "")
    a, b = canon(want, drop), canon(got, drop)
    if a == b:
        print("# %d records, %d vulnerabilities, equal" % (len({r["name"] for r in want}), len(want)))
        return 0
    missing = sorted(set(a) - set(b))[:3]
    extra = sorted(set(b) - set(a))[:3]
    print("# want %d, got %d" % (len(a), len(b)))
    for m in missing:
        print("# missing: " + m[:400])
    for e in extra:
        print("# unexpected: " + e[:400])
    return 1


# ---- Clair's own records ----

def txtar_files(path):
    files, name, buf = {}, None, []
    with open(path) as fh:
        for line in fh:
            m = re.match(r"^-- (.+) --$", line.rstrip("\n"))
            if m:
                if name:
                    files[name] = "".join(buf)
                name, buf = m.group(1), []
            else:
                buf.append(line)
    if name:
        files[name] = "".join(buf)
    return files


def clair(txtar, run_path):
    """Every osv/* vulnerability of the fixture whose advisory run-osv also
    emitted must have a record with Clair's package, fixed_in_version,
    severity, description and issued time, and links starting with Clair's."""
    from datetime import datetime
    summary, got = read_run(run_path)
    names = {r["name"] for r in got}
    checked = 0
    for path, text in txtar_files(txtar).items():
        if not path.startswith("vulnerability/"):
            continue
        v = json.loads(text)
        if not v.get("updater", "").startswith("osv/") or v["name"] not in names:
            continue
        cands = [r for r in got if r["name"] == v["name"] and r["package_name"] == v["package"]["name"]
                 and r["fixed_in_version"] == v.get("fixed_in_version", "")]
        issued = int(datetime.fromisoformat(v["issued"]).timestamp())
        ok = [r for r in cands if r["updater"] == v["updater"]
              and r["normalized_severity"] == v["normalized_severity"]
              and r["severity"] == v.get("severity", "") and r["description"] == v.get("description", "")
              and r["issued"] == issued and r["links"].startswith(v["links"])]
        if not ok:
            print("# %s: no record matches Clair's %s" % (v["name"], json.dumps(v)[:300]))
            return 1
        checked += 1
    print("# %d of Clair's records matched" % checked)
    return 0 if checked else 1


# ---- hostile inputs ----

def write_zip(path, entries, method=zipfile.ZIP_DEFLATED):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=method) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 10, 10, 0, 0, 0)), data, compress_type=method)


def hostile(out, real_zip):
    with open(real_zip, "rb") as fh:
        real = fh.read()
    with zipfile.ZipFile(real_zip) as z:
        first = [(n, z.read(n)) for n in z.namelist()[:50]]
    record = json.loads(first[0][1])

    def put(case, data):
        p = os.path.join(out, case, "PyPI", "all.zip")
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as fh:
            fh.write(data)

    put("truncated", real[: len(real) // 2])
    put("notzip", first[0][1])
    write_zip(os.path.join(out, "malformed", "PyPI", "all.zip"),
              first[:10] + [("PYSEC-BROKEN.json", first[10][1][: len(first[10][1]) // 2])] + first[11:])
    huge = dict(record, database_specific={"score": 10 ** 400})
    write_zip(os.path.join(out, "hugeint", "PyPI", "all.zip"),
              first[:5] + [("PYSEC-HUGE.json", json.dumps(huge).encode())])
    hugereal = json.dumps(record).replace('"id"', '"x": 1e99999, "id"', 1)
    write_zip(os.path.join(out, "hugereal", "PyPI", "all.zip"),
              first[:5] + [("PYSEC-HUGE.json", hugereal.encode())])
    deep = json.dumps(record)[:-1] + ', "database_specific": ' + "[" * 100000 + "]" * 100000 + "}"
    write_zip(os.path.join(out, "deep", "PyPI", "all.zip"), first[:5] + [("PYSEC-DEEP.json", deep.encode())])
    wrongtype = dict(record, affected="PyPI")
    write_zip(os.path.join(out, "wrongtype", "PyPI", "all.zip"),
              first[:5] + [("PYSEC-TYPE.json", json.dumps(wrongtype).encode())])
    # 20 MiB of spaces (valid JSON padding) deflate to ~20 KiB: over the 16 MiB entry limit.
    bomb = json.dumps(record).encode() + b" " * (20 << 20)
    write_zip(os.path.join(out, "bomb", "PyPI", "all.zip"), first[:5] + [("PYSEC-BOMB.json", bomb)])
    # The same entry with its sizes in both headers rewritten to 1500 bytes:
    # only counting while inflating can stop it.
    put("liar", lie_about_size(os.path.join(out, "bomb", "PyPI", "all.zip"), "PYSEC-BOMB.json", 1500))
    write_zip(os.path.join(out, "empty", "PyPI", "all.zip"), [("README.txt", b"no records here\n")])
    # 12 entries of 1 MiB (JSON padded with spaces, ~1 KiB each compressed):
    # each under the entry limit, together over an 8 MiB max_total_bytes.
    pad = json.dumps(record).encode() + b" " * (1 << 20)
    write_zip(os.path.join(out, "many", "PyPI", "all.zip"), [("PYSEC-MANY-%d.json" % i, pad) for i in range(12)])


def lie_about_size(path, name, size):
    """The zip at path with the uncompressed size of entry name set to size
    in its local header and its central directory entry."""
    import struct
    data = bytearray(open(path, "rb").read())
    raw = name.encode()
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while True:
            pos = data.find(sig, pos)
            if pos < 0:
                break
            nlen_off = 26 if sig == b"PK\x03\x04" else 28
            head = 30 if sig == b"PK\x03\x04" else 46
            nlen = struct.unpack_from("<H", data, pos + nlen_off)[0]
            if bytes(data[pos + head:pos + head + nlen]) == raw:
                struct.pack_into("<I", data, pos + off, size)
            pos += 4
    return bytes(data)


def relabel(real_zip, out, eco):
    """A synthetic dump for a SEMVER ecosystem from a real one: every
    affected entry moves to eco and each ECOSYSTEM range gets a SEMVER twin
    with the same events (the ECOSYSTEM one must then be skipped: Go and npm
    publish SEMVER ranges)."""
    entries = []
    with zipfile.ZipFile(real_zip) as z:
        for name in z.namelist():
            doc = json.loads(z.read(name))
            for aff in doc.get("affected") or []:
                if isinstance(aff.get("package"), dict):
                    aff["package"]["ecosystem"] = eco
                twins = [dict(r, type="SEMVER") for r in aff.get("ranges") or [] if r.get("type") == "ECOSYSTEM"]
                aff["ranges"] = (aff.get("ranges") or []) + twins
            entries.append((name, json.dumps(doc).encode()))
    write_zip(out, entries)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "serve" and len(argv) == 4:
        serve(argv[2], argv[3])
        return 0
    if cmd == "compare" and len(argv) == 5:
        return compare(argv[2], argv[3], argv[4])
    if cmd == "compare-semver" and len(argv) == 5:
        return compare(argv[2], argv[3], argv[4], semver=True)
    if cmd == "relabel" and len(argv) == 5:
        relabel(argv[2], argv[3], argv[4])
        return 0
    if cmd == "clair" and len(argv) == 4:
        return clair(argv[2], argv[3])
    if cmd == "hostile" and len(argv) == 4:
        hostile(argv[2], argv[3])
        return 0
    print(__doc__ or "usage: osv_oracle.py serve|compare|clair|hostile ...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
