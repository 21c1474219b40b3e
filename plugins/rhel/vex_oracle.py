#!/usr/bin/env python3
# vex_oracle: the expected outcome of the rhel-vex updater, computed from the
# served feed files alone (a second, independent reading of claircore's
# rhel/vex parser and fetcher; reference §5.2), for plugins/rhel/test-vex.sh
# and test-vex-match.sh.
#
#   vex_oracle.py run WWW [SINCE]     what one update run over the feed tree
#                                     WWW must emit: "record <json>" lines
#                                     and "delete <name>" lines (sorted,
#                                     unique). Without SINCE a full load
#                                     (archive_latest.txt, the archive, its
#                                     mtime as Last-Modified); with SINCE (an
#                                     RFC 3339 time) a delta.
#   vex_oracle.py doc FILE...         the records of single documents.
#   vex_oracle.py match INDEX RECORDS [fixed]
#                                     the (package id, package, version,
#                                     vulnerability, product) lines the rhel
#                                     matcher must report for the IndexReport
#                                     INDEX given the "record" lines of RECORDS
#                                     (this script's run output), versions
#                                     compared by the real rpm (rpm --eval's
#                                     rpm.vercmp); "fixed": as with
#                                     ignore_unpatched (fixed records only).
#
# A record is the JSON list [name, package, kind, module, arch, arch_op,
# fixed_in_version, repository name, repository key, repository cpe, links,
# severity, normalized severity, description, issued, range lower, range
# upper] (ranges as "kind:v0.v1...v9", "" when none).
# SPDX-License-Identifier: Apache-2.0
import calendar
import csv
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import urllib.parse
from datetime import datetime, timezone

MIN_YEAR = 2015
INT32_MAX = 2**31 - 1


def rfc3339(s):
    if s is None or s == "":
        return None
    s2 = s.replace("Z", "+00:00")
    t = datetime.fromisoformat(s2)
    if t.tzinfo is None:
        raise ValueError("no zone: " + s)
    if t.year == 1 and t.month == 1 and t.day == 1 and t.hour == 0 and t.minute == 0 and t.second == 0:
        return None
    return calendar.timegm(t.utctimetuple())


# ---- purl (packageurl-go FromString) ----
def purl_parse(s):
    if not s.lower().startswith("pkg:"):
        return None
    rest = s[4:]
    sub = ""
    if "#" in rest:
        rest, sub = rest.split("#", 1)
    quals = []
    if "?" in rest:
        rest, q = rest.split("?", 1)
        for kv in q.split("&"):
            if not kv:
                continue
            k, _, v = kv.partition("=")
            k = urllib.parse.unquote_plus(k).lower()
            v = urllib.parse.unquote_plus(v)
            if v:
                quals.append((k, v))
    rest = rest.lstrip("/")
    if "/" not in rest:
        return None
    typ, rest = rest.split("/", 1)
    typ = typ.lower()
    ns = ""
    if "/" in rest:
        ns, rest = rest.rsplit("/", 1)
        ns = urllib.parse.unquote(ns)
    ver = ""
    if "@" in rest:
        rest, ver = rest.rsplit("@", 1)
        ver = urllib.parse.unquote(ver)
    name = urllib.parse.unquote(rest)
    if not name:
        return None
    if typ == "rpm":
        ns = ns.lower()
    return {"type": typ, "ns": ns, "name": name, "version": ver, "quals": quals,
            "sub": urllib.parse.unquote(sub.strip("/"))}


def qual(p, k):
    for kk, v in p["quals"]:
        if kk == k:
            return v
    return None


# ---- CPE (escapeCPE, URI unbinding, 2.3 formatted-string binding) ----
def escape_cpe(s):
    out = []
    for c in s.split(":"):
        if c.endswith("*"):
            c = c[:-1] + "%02"
        out.append(c.replace("?", "%01"))
    return ":".join(out)


def cpe_fs(uri):
    assert uri.startswith("cpe:/"), uri
    comps = uri[5:].split(":")
    assert len(comps) <= 7, uri
    fields = []
    for c in comps:
        if c == "":
            fields.append("*")
            continue
        if c == "-":
            fields.append("-")
            continue
        v = c.lower().replace("%01", "\x01").replace("%02", "\x02")
        v = urllib.parse.unquote(v)
        assert not v.startswith("~"), uri
        o = ""
        for ch in v:
            if ch == "\x01":
                o += "?"
            elif ch == "\x02":
                o += "*"
            elif ch.isalnum() or ch in "._-":
                o += ch
            else:
                o += "\\" + ch
        fields.append(o)
    while len(fields) < 11:
        fields.append("*")
    return "cpe:2.3:" + ":".join(fields)


def path_escape(s):
    return urllib.parse.quote(s, safe="-_.~$&+:=@")


def norm_sev(s):
    return {"low": "Low", "moderate": "Medium", "important": "High",
            "critical": "Critical"}.get((s or "").lower(), "Unknown")


def score_vector(sc):
    for k in ("cvss_v4", "cvss_v3", "cvss_v2"):
        if isinstance(sc.get(k), dict):
            return sc[k].get("vectorString")
    return None


def base_score(sc):
    for k in ("cvss_v4", "cvss_v3", "cvss_v2"):
        if isinstance(sc.get(k), dict):
            return float(sc[k].get("baseScore") or 0)
    return 0.0


def rhctag(tag):
    s = tag[1:] if tag.startswith("v") else tag
    d = s.find("-")
    if d > 0:
        s = s[:d]

    def up_to_dot(x):
        i = x.find(".")
        if i > 0:
            return int(x[:i]), x[i + 1:]
        return int(x), ""
    major, rem = up_to_dot(s)
    try:
        minor, _ = up_to_dot(rem)
    except ValueError:
        minor = 0
    wrap = lambda v: ((v + 2**31) % 2**32) - 2**31
    return wrap(major), wrap(minor)


def ver(kind, v):
    v = list(v) + [0] * (10 - len(v))
    return kind + ":" + ".".join(str(x) for x in v)


class Doc:
    def __init__(self, d):
        self.d = d
        self.products = {}
        stack = [d.get("product_tree") or {}]
        while stack:
            b = stack.pop()
            p = b.get("product")
            if p and p.get("product_id") and p["product_id"] not in self.products:
                self.products[p["product_id"]] = p
            stack.extend(reversed(b.get("branches") or []))
        self.rels = {}
        for r in (d.get("product_tree") or {}).get("relationships") or []:
            if r.get("category") == "default_component_of":
                self.rels.setdefault((r.get("full_product_name") or {}).get("product_id") or "", r)
        self.scores, self.threats, self.remeds = {}, {}, {}
        for v in d.get("vulnerabilities") or []:
            for s in v.get("scores") or []:
                for p in s.get("products") or []:
                    self.scores.setdefault(p or "", s)
            for t in v.get("threats") or []:
                if t.get("category") == "impact":
                    for p in t.get("product_ids") or []:
                        self.threats.setdefault(p or "", t)
            for r in v.get("remediations") or []:
                for p in r.get("product_ids") or []:
                    self.remeds.setdefault(p or "", r)

    def chain(self, pref, rref, out):
        for ref in (pref, rref):
            r = self.rels.get(ref)
            if r:
                self.chain(r.get("product_reference") or "", r.get("relates_to_product_reference") or "", out)
            else:
                out.append(ref)

    def status(self, pid):
        r = self.rels.get(pid)
        if not r:
            return None
        comps = []
        self.chain(r.get("product_reference") or "", r.get("relates_to_product_reference") or "", comps)
        pkg_id, repo_id = comps[0], comps[-1]
        if not repo_id:
            return None
        pkg, repo = self.products.get(pkg_id), self.products.get(repo_id)
        if not pkg or not repo:
            return None
        cpe = (repo.get("product_identification_helper") or {}).get("cpe") or ""
        purl = (pkg.get("product_identification_helper") or {}).get("purl") or ""
        if not cpe or not purl:
            return None
        fs = cpe_fs(escape_cpe(cpe))
        p = purl_parse(purl)
        if p is None:
            return None
        if p["type"] not in ("rpm", "oci") or p["name"].startswith("kernel"):
            return None
        if p["type"] == "rpm" and p["ns"] != "redhat":
            return None
        score, threat = self.scores.get(pid), self.threats.get(pid)
        if threat is None and score is not None and base_score(score) == 0.0:
            return None
        return {"id": pid, "purl": p, "fs": fs, "score": score, "threat": threat, "remed": self.remeds.get(pid)}


def pkg_name(p):
    if p["type"] == "oci":
        if p["ns"]:
            return p["ns"] + "/" + p["name"]
        ru = qual(p, "repository_url")
        if ru and "/" in ru and ru.split("/", 1)[1]:
            return ru.split("/", 1)[1]
    return p["name"]


def module(p):
    v = qual(p, "rpmmod")
    if v is None:
        return ""
    name, sep, rest = v.partition(":")
    if not sep or not rest or not name:
        raise ValueError("bad module")
    stream = rest.split(":", 1)[0]
    if not stream:
        raise ValueError("bad module")
    return name + ":" + stream


def convert(data):
    """(name, [records], deleted?) of one document."""
    d = json.loads(data)
    tr = (d.get("document") or {}).get("tracking") or {}
    name = tr.get("id") or ""
    if tr.get("status") == "deleted":
        return name, [], True
    self_link = ""
    for r in (d.get("document") or {}).get("references") or []:
        if r.get("category") == "self":
            self_link = r.get("url") or ""
    doc = Doc(d)
    out = []
    for v in d.get("vulnerabilities") or []:
        links = " ".join([(r.get("url") or "") for r in v.get("references") or []] + [self_link])
        desc = ""
        for n in v.get("notes") or []:
            if n.get("category") == "description":
                desc = n.get("text") or ""
        issued = rfc3339(v.get("release_date"))
        ps = v.get("product_status") or {}

        def finish_links(base, rem, pid):
            l = base
            if rem is not None:
                l += " " + (rem.get("url") or "")
            if l:
                l += "#" + path_escape(pid)
            return l

        # fixed
        groups = {}
        order = []
        for pid in ps.get("fixed") or []:
            st = doc.status(pid or "")
            if st is None:
                continue
            p = st["purl"]
            arch = qual(p, "arch") or ""
            if arch in ("amd64", "x86_64"):
                arch = "amd64|x86_64"
            if arch in ("src", "nosrc"):
                continue
            key = (p["type"], p["name"], p["ns"], p["sub"], "" if p["type"] == "oci" else p["version"],
                   tuple(q for q in p["quals"] if q[0] != "arch"), st["fs"])
            g = groups.get(key)
            if g is None:
                try:
                    if p["type"] == "oci":
                        fixed = qual(p, "tag")
                        if fixed is None:
                            continue
                    else:
                        fixed = (qual(p, "epoch") or "0") + ":" + p["version"] if p["version"] else ""
                    mod = module(p)
                    sev = "Unknown"
                    if st["score"] is not None:
                        sev = score_vector(st["score"])
                        if not sev:
                            continue
                    lo = hi = ""
                    if p["type"] == "oci":
                        maj, mnr = rhctag(fixed)
                        lo, hi = (maj, mnr, 0), (maj, mnr, INT32_MAX)
                except ValueError:
                    continue
                g = {"name": pkg_name(p), "module": mod, "fixed": fixed, "sev": sev,
                     "norm": norm_sev((st["threat"] or {}).get("details")) if st["threat"] else "Unknown",
                     "fs": st["fs"], "oci": p["type"] == "oci", "links": finish_links(links, st["remed"], pid),
                     "arch": [], "lo": lo, "hi": hi, "rname": p["name"]}
                groups[key] = g
                order.append(g)
            if arch:
                g["arch"].append(arch)
        # the lowest range of each image starts at 0
        for g in order:
            if g["oci"]:
                same = [h for h in order if h["oci"] and h["rname"] == g["rname"]]
                low = same[0]
                for h in same:
                    if h["lo"] < low["lo"]:
                        low = h
                if low is g:
                    g["lo"] = (0, 0, 0)
        for g in order:
            out.append([name, g["name"], "binary", g["module"], "|".join(g["arch"]),
                        "pattern match" if g["arch"] else "", g["fixed"], g["fs"],
                        "rhcc-container-repository" if g["oci"] else "rhel-cpe-repository", g["fs"], g["links"],
                        g["sev"], g["norm"], desc, issued,
                        ver("rhctag", g["lo"]) if g["oci"] else "", ver("rhctag", g["hi"]) if g["oci"] else ""])
        # known_affected
        for pid in ps.get("known_affected") or []:
            st = doc.status(pid or "")
            if st is None:
                continue
            p = st["purl"]
            try:
                mod = module(p)
            except ValueError:
                continue
            sev = "Unknown"
            if st["score"] is not None:
                sev = score_vector(st["score"])
                if not sev:
                    continue
            oci = p["type"] == "oci"
            out.append([name, pkg_name(p), "source", mod, "", "", "", st["fs"],
                        "rhcc-container-repository" if oci else "rhel-cpe-repository", st["fs"],
                        finish_links(links, None, pid), sev,
                        norm_sev((st["threat"] or {}).get("details")) if st["threat"] else "Unknown", desc, issued,
                        ver("rhctag", (0, 0, 0)) if oci else "", ver("rhctag", (INT32_MAX, 0, 0)) if oci else ""])
    return name, out, False


def cve_of_path(p):
    m = re.fullmatch(r"\d{4}/(cve-\d{4}-\d{4,}).json", p)
    return m.group(1).upper() if m else None


def year_of(p):
    return int(os.path.dirname(p))


def run(www, since=None):
    recs, deletes = [], set()
    archive = None
    if since is None:
        with open(os.path.join(www, "archive_latest.txt")) as f:
            arch_name = f.read().strip()
        arch_path = os.path.join(www, arch_name)
        since = int(os.stat(arch_path).st_mtime)
        raw = subprocess.run(["zstd", "-dc", arch_path], check=True, stdout=subprocess.PIPE).stdout
        archive = tarfile.open(fileobj=io.BytesIO(raw))
    else:
        since = rfc3339(since)
    changed, deleted = [], []
    with open(os.path.join(www, "changes.csv"), newline="") as f:
        for row in csv.reader(f):
            if not row:
                continue
            path, when = row
            if year_of(path) < MIN_YEAR or rfc3339(when) < since:
                continue
            if path not in changed:
                changed.append(path)
    with open(os.path.join(www, "deletions.csv"), newline="") as f:
        for row in csv.reader(f):
            if not row:
                continue
            path, when = row
            if rfc3339(when) < since:
                continue
            n = cve_of_path(path)
            if n:
                deleted.append(n)
    gone = set(deleted)
    docs = []
    if archive is not None:
        for m in archive.getmembers():
            if not m.isfile() or year_of(m.name) < MIN_YEAR:
                continue
            if m.name in changed or cve_of_path(m.name) in gone:
                continue
            docs.append(archive.extractfile(m).read())
    for path in changed:
        if cve_of_path(path) in gone:
            continue
        with open(os.path.join(www, path), "rb") as f:
            docs.append(f.read())
    for data in docs:
        name, rs, was_deleted = convert(data)
        if was_deleted or not rs:
            deletes.add(name)
        recs.extend(rs)
    deletes.update(deleted)
    lines = sorted("record " + json.dumps(r, sort_keys=False) for r in recs)
    lines += sorted("delete " + d for d in deletes)
    return lines


# ---- the rhel matcher over an index report ----
def rpm_vercmp_batch(pairs):
    """rpm's own rpm.vercmp for every pair, a few hundred per rpm --eval."""
    out = []
    for i in range(0, len(pairs), 400):
        chunk = pairs[i:i + 400]
        lua = "".join('print(rpm.vercmp(%s, %s)) print("\\n")' % (json.dumps(a), json.dumps(b)) for a, b in chunk)
        got = subprocess.run(["rpm", "--eval", "%{lua:" + lua + "}"], check=True, stdout=subprocess.PIPE,
                             text=True).stdout.split()
        assert len(got) == len(chunk), (len(got), len(chunk))
        out += [int(x) for x in got]
    return out


def wfn(fs):
    """The 11 attribute values of a 2.3 formatted string ('*' ANY, '-' NA)."""
    parts = re.split(r"(?<!\\):", fs)
    assert parts[:2] == ["cpe", "2.3"], fs
    vals = parts[2:] + ["*"] * (11 - len(parts[2:]))
    return vals


def uri_to_fs(s):
    return s if s.startswith("cpe:2.3:") else cpe_fs(s)


def superset(src, tgt):
    for s, t in zip(wfn(src), wfn(tgt)):
        if t not in ("*", "-") and ("*" in t or "?" in t):
            return False
        if s == "*":
            continue
        if s == "-":
            if t != "-":
                return False
            continue
        if t in ("*", "-"):
            return False
        if "*" in s or "?" in s:
            pat = "^" + re.escape(s).replace("\\*", ".*").replace("\\?", ".") + "$"
            if not re.match(pat, t, re.I):
                return False
            continue
        if s.lower() != t.lower():
            return False
    return True


def arch_ok(op, pkg_arch, vuln_arch):
    if not vuln_arch:
        return True
    if not pkg_arch:
        return False
    if op == "equals":
        return pkg_arch == vuln_arch
    if op == "not equals":
        return pkg_arch != vuln_arch
    if op == "pattern match":
        return re.search(vuln_arch, pkg_arch) is not None
    return False


def match(index_path, records_path, fixed_only=False):
    ir = json.load(open(index_path))
    vulns = []
    for line in open(records_path):
        if not line.startswith("record "):
            continue
        r = json.loads(line[7:])
        if fixed_only and not r[6]:
            continue
        vulns.append({"name": r[0], "package": {"name": r[1], "kind": r[2], "module": r[3], "arch": r[4]},
                      "arch_op": r[5], "fixed_in_version": r[6], "repository": {"name": r[7], "key": r[8]},
                      "links": r[10]})
    cands, pairs = [], []
    for pid, pkg in ir["packages"].items():
        src = pkg.get("source") or {}
        for env in ir.get("environments", {}).get(pid) or []:
            for rid in env.get("repository_ids") or []:
                repo = ir["repository"].get(rid) or {}
                if repo.get("key") != "rhel-cpe-repository":
                    continue
                for v in vulns:
                    vp = v["package"]
                    if not ((vp["name"] == pkg["name"] and vp["kind"] == pkg.get("kind", "")) or
                            (src.get("name") and vp["name"] == src["name"] and vp["kind"] == src.get("kind", ""))):
                        continue
                    if vp.get("module", "") != pkg.get("module", ""):
                        continue
                    if v["repository"]["key"] != "rhel-cpe-repository":
                        continue
                    rfs = uri_to_fs(repo.get("cpe") or "")
                    vfs = v["repository"]["name"]
                    if not (superset(vfs, rfs) or rfs.startswith(vfs.rstrip(":*"))):
                        continue
                    if not arch_ok(v["arch_op"], pkg.get("arch", ""), vp.get("arch", "")):
                        continue
                    bound = v["fixed_in_version"] or "65535:65535-65535"
                    cands.append((pid, pkg, v))
                    pairs.append((pkg["version"], bound))
    out = set()
    for (pid, pkg, v), c in zip(cands, rpm_vercmp_batch(pairs)):
        if (c < 0) if v["fixed_in_version"] else (c <= 0):
            frag = urllib.parse.unquote(v["links"].rsplit("#", 1)[1]) if "#" in v["links"] else ""
            out.add("\t".join([pid, pkg["name"], pkg["version"], v["name"], frag]))
    return sorted(out)


def main():
    cmd = sys.argv[1]
    if cmd == "run":
        lines = run(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    elif cmd == "doc":
        lines = []
        for p in sys.argv[2:]:
            name, rs, deleted = convert(open(p, "rb").read())
            lines += ["record " + json.dumps(r) for r in rs]
            if deleted or not rs:
                lines.append("delete " + name)
        lines.sort()
    elif cmd == "match":
        lines = match(sys.argv[2], sys.argv[3], len(sys.argv) > 4 and sys.argv[4] == "fixed")
    else:
        sys.exit("usage: vex_oracle.py run WWW [SINCE] | doc FILE... | match INDEX RECORDS")
    sys.stdout.write("".join(l + "\n" for l in lines))


if __name__ == "__main__":
    main()
