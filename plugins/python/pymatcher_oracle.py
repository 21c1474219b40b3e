#!/usr/bin/env python3
# The oracle of test-pymatcher.sh: from the real OSV PyPI advisories, the
# fixed_in_version query strings Clair's OSV updater stores (reference
# §5.2) and, for every version an advisory names, whether the python
# matcher must call it vulnerable, decided with packaging (PyPA's reference
# PEP 440 implementation).
#
#   pymatcher_oracle.py table ZIP OUT
#       OUT: one line per distinct (installed, query) pair,
#            INSTALLED <TAB> QUERY <TAB> 0|1
#       where INSTALLED runs over every PEP 440 version of an affected
#       entry's "versions" list and its range bounds (in packaging's
#       normalised spelling, as the python scanner reports versions), and
#       QUERY over the query strings of that entry's ECOSYSTEM ranges.
#       Prints summary lines ("key value") on stdout.
#   pymatcher_oracle.py affected ZIP INSTALLED
#       The advisories of ZIP that affect installed distributions, decided
#       by packaging straight from the OSV ranges (no query strings): an
#       installed version is affected by an ECOSYSTEM interval (walked as
#       below) when it is >= "introduced" (unless "0") and < "fixed", or
#       <= "last_affected", or unbounded above. INSTALLED is oracle.py's
#       output ("pkg NAME VERSION python:DIR" lines; other lines ignored);
#       names compare PEP 503-normalised, as PyPI and the advisories do.
#       One line per (package, advisory): NAME <TAB> VERSION <TAB> ID, sorted.
#   pymatcher_oracle.py clair ZIP TXTAR
#       For every vulnerability of a claircore matcher fixture whose advisory
#       is in ZIP: "NAME PACKAGE CLAIR-QUERY ok|missing (OURS...)", whether
#       the string Clair stored is one this script builds for it.
#
# Clair's OSV updater, ECOSYSTEM ranges of PyPI: the events of a range are
# walked in order; "introduced" opens an interval (another "introduced"
# while one is open is ignored), "fixed" or "last_affected" closes it, an
# interval still open at the end runs to infinity. Each interval becomes one
# vulnerability whose fixed_in_version is url.Values{introduced (unless
# "0"), fixed, lastAffected (only without fixed)}.Encode(): keys sorted,
# values escaped like Go's url.QueryEscape.
# Exit status 3 when packaging is not importable.
# SPDX-License-Identifier: Apache-2.0
import json
import re
import sys
import urllib.parse
import zipfile

try:
    from packaging.version import InvalidVersion, Version
except ImportError:
    try:
        from pip._vendor.packaging.version import InvalidVersion, Version
    except ImportError:
        print("pymatcher_oracle.py: neither packaging nor pip's copy of it is importable", file=sys.stderr)
        sys.exit(3)


def intervals(events):
    out, cur = [], None
    for ev in events:
        if not isinstance(ev, dict):
            continue
        if ev.get("introduced"):
            if cur is None:
                cur = {"introduced": ev["introduced"]}
            continue
        if cur is None:
            continue
        if ev.get("fixed"):
            cur["fixed"] = ev["fixed"]
        elif ev.get("last_affected"):
            cur["last_affected"] = ev["last_affected"]
        else:
            continue
        out.append(cur)
        cur = None
    if cur is not None:
        out.append(cur)
    return out


def query(iv):
    vals = {}
    if iv["introduced"] != "0":
        vals["introduced"] = iv["introduced"]
    if iv.get("fixed"):
        vals["fixed"] = iv["fixed"]
    elif iv.get("last_affected"):
        vals["lastAffected"] = iv["last_affected"]
    # Go's Values.Encode: keys sorted, QueryEscape (quote_plus, nothing safe)
    return urllib.parse.urlencode(sorted(vals.items()), quote_via=urllib.parse.quote_plus)


_versions = {}


def version(s):
    if s not in _versions:
        try:
            _versions[s] = Version(s)
        except InvalidVersion:
            _versions[s] = None
    return _versions[s]


def vulnerable(installed, q):
    """Clair's python matcher (claircore:python/matcher.go) with packaging."""
    if q == "":
        return 1
    iv = version(installed)
    if iv is None:
        return 0
    first = {}
    for k, v in urllib.parse.parse_qsl(q, keep_blank_values=True):
        first.setdefault(k, v)
    intro = first.get("introduced", "")
    if intro:
        b = version(intro)
        if b is None or iv < b:
            return 0
    fixed, last = first.get("fixed", ""), first.get("lastAffected", "")
    if fixed:
        b = version(fixed)
        return int(b is not None and iv < b)
    if last:
        b = version(last)
        return int(b is not None and iv <= b)
    return 1


def pypi_entries(zip_path):
    """(advisory id, package name, [query], [version string]) per PyPI affected entry."""
    with zipfile.ZipFile(zip_path) as z:
        for name in sorted(z.namelist()):
            a = json.loads(z.read(name))
            for af in a.get("affected") or []:
                pkg = af.get("package") or {}
                if pkg.get("ecosystem", "").split(":")[0] != "PyPI":
                    continue
                ivs = []
                for r in af.get("ranges") or []:
                    if r.get("type") == "ECOSYSTEM":
                        ivs += intervals(r.get("events") or [])
                bounds = [iv.get(k) for iv in ivs for k in ("introduced", "fixed", "last_affected")]
                versions = list(af.get("versions") or []) + [b for b in bounds if b and b != "0"]
                yield a.get("id"), pkg.get("name"), [query(iv) for iv in ivs], versions, af.get("versions") or []


def table(zip_path, out_path):
    pairs = {}
    stats = dict(advisories=set(), entries=0, queries=0, osv_listed=0, osv_agree=0, invalid_versions=0)
    for aid, _, queries, versions, listed in pypi_entries(zip_path):
        stats["advisories"].add(aid)
        stats["entries"] += 1
        stats["queries"] += len(queries)
        for v in versions:
            pv = version(v)
            if pv is None:
                stats["invalid_versions"] += 1
                continue
            installed = str(pv)
            for q in queries:
                pairs.setdefault((installed, q), vulnerable(installed, q))
        # OSV's own enumeration of affected versions: each should fall in
        # some interval (a property of the data, printed for the record)
        for v in listed:
            if version(v) is None or not queries:
                continue
            stats["osv_listed"] += 1
            stats["osv_agree"] += any(vulnerable(str(version(v)), q) for q in queries)
    with open(out_path, "w") as fh:
        for (installed, q), verdict in sorted(pairs.items()):
            if "\t" in installed + q or "\n" in installed + q:
                continue
            fh.write("%s\t%s\t%d\n" % (installed, q, verdict))
    print("advisories", len(stats["advisories"]))
    print("entries", stats["entries"])
    print("queries", stats["queries"])
    print("distinct_queries", len({q for _, q in pairs}))
    print("pairs", len(pairs))
    print("vulnerable", sum(pairs.values()))
    print("invalid_versions", stats["invalid_versions"])
    print("osv_listed", stats["osv_listed"])
    print("osv_agree", stats["osv_agree"])
    return 0


def pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def in_interval(installed, iv):
    v = version(installed)
    if v is None:
        return False
    intro = iv["introduced"]
    if intro != "0" and (version(intro) is None or v < version(intro)):
        return False
    if iv.get("fixed"):
        return version(iv["fixed"]) is not None and v < version(iv["fixed"])
    if iv.get("last_affected"):
        return version(iv["last_affected"]) is not None and v <= version(iv["last_affected"])
    return True


def affected(zip_path, installed_path):
    installed = {}
    with open(installed_path, encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) >= 3 and f[0] == "pkg":
                installed.setdefault(pep503(f[1]), set()).add(f[2])
    out = set()
    with zipfile.ZipFile(zip_path) as z:
        for name in sorted(z.namelist()):
            a = json.loads(z.read(name))
            for af in a.get("affected") or []:
                pkg = af.get("package") or {}
                if pkg.get("ecosystem", "").split(":")[0] != "PyPI":
                    continue
                pname = pep503(pkg.get("name") or "")
                ivs = [iv for r in af.get("ranges") or [] if r.get("type") == "ECOSYSTEM"
                       for iv in intervals(r.get("events") or [])]
                for v in installed.get(pname, ()):
                    if any(in_interval(v, iv) for iv in ivs):
                        out.add("%s\t%s\t%s" % (pname, v, a.get("id")))
    for line in sorted(out):
        print(line)
    return 0


def clair(zip_path, txtar_path):
    text = open(txtar_path, encoding="utf-8").read()
    sections, name = {}, None
    for line in text.split("\n"):
        if line.startswith("-- ") and line.endswith(" --") and len(line) > 6:
            name = line[3:-3]
            sections[name] = []
        elif name is not None:
            sections[name].append(line)
    ours = {}
    for aid, pkg, queries, _, _ in pypi_entries(zip_path):
        ours.setdefault((aid, pkg), []).extend(queries)
    for sec, lines in sorted(sections.items()):
        if not sec.startswith("vulnerability/"):
            continue
        v = json.loads("\n".join(lines).lstrip("\x1e"))
        key = (v.get("name"), (v.get("package") or {}).get("name"))
        if key not in ours:
            continue
        got = ours[key]
        print("%s %s %s %s (%s)" % (key[0], key[1], v.get("fixed_in_version"),
                                    "ok" if v.get("fixed_in_version") in got else "missing", " ".join(got)))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "table":
        sys.exit(table(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == "clair":
        sys.exit(clair(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == "affected":
        sys.exit(affected(sys.argv[2], sys.argv[3]))
    print("usage: pymatcher_oracle.py table ZIP OUT | affected ZIP INSTALLED | clair ZIP TXTAR", file=sys.stderr)
    sys.exit(2)
