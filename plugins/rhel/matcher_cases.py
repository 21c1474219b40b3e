#!/usr/bin/env python3
# matcher_cases: cases and expected answers for the RPM-family matchers
# (rhel, aws-matcher, oracle, suse, photon), from real data only, for
# plugins/rhel/test-rpm-matchers.sh:
#
#   matcher_cases.py TESTDATA DISTS CASES WANT
#
# DISTS holds the distribution records claro's own scanners gave for real
# os-release files ("key<TAB>did<TAB>name<TAB>version<TAB>code name<TAB>
# version_id<TAB>arch<TAB>cpe<TAB>pretty name"). CASES gets one JSON line
# per case (run-matcher's input), WANT the expected "filter query
# vulnerable" line of each (Clair's rules, reference §6.3):
#
#   aws-matcher  records of Clair's index report of amazonlinux:1 (packages
#                and distribution) against every package of the staged ALAS
#                updateinfo files (fixed [epoch:]version-release, arch
#                "equals");
#   oracle       the distribution of Oracle Linux's os-release; installed
#                packages of real Enterprise Linux 5 to 8 databases (the
#                package lists of go-rpmdb's tests) against ELSA OVAL
#                advisories of the same names, plus version pairs of the
#                OVAL files;
#   suse         SLES's and Leap's distributions; installed packages of the
#                SLE 15 BCI image (its rpm database's package list) against
#                SUSE OVAL advisories of the same names and (the rule does
#                not look at names) every advisory against a slice of them,
#                plus version pairs of the OVAL files;
#   photon       Photon's distribution; version pairs of Photon 3's OVAL;
#   rhel         records of Clair's index reports of ubi8 and rhacs-main-
#                rhel8 against the records vex_oracle.py makes from every
#                staged Red Hat VEX document for the same package or source
#                package, plus each one's record with an rhcc repository key.
#
# Every record is also given to the other matchers (their filters must say
# no). Versions are compared by the real rpm (rpm --eval's rpm.vercmp).
# Installed packages derived from OVAL versions get the arches x86_64,
# aarch64, noarch and none in turn, to exercise the arch rule.
# SPDX-License-Identifier: Apache-2.0
import bz2
import csv
import glob
import gzip
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vex_oracle  # noqa: E402

T, dists_path, cases_path, want_path = sys.argv[1:]

MATCH = {"module": 0x4, "did": 0x8, "name": 0x10, "version": 0x20, "version_id": 0x80,
         "repo_key": 0x1000, "fixed": 0x2000}
QUERY = {
    "aws-matcher": MATCH["did"] | MATCH["version_id"],
    "oracle": MATCH["did"] | MATCH["name"] | MATCH["version"],
    "suse": MATCH["did"] | MATCH["name"] | MATCH["version"],
    "photon": MATCH["did"] | MATCH["name"] | MATCH["version"],
    "rhel": MATCH["module"] | MATCH["repo_key"],
}
ARCHES = ["x86_64", "aarch64", "noarch", ""]

dists = {}
for row in csv.reader(open(dists_path), delimiter="\t"):
    dists[row[0]] = dict(zip(["did", "name", "version", "version_code_name", "version_id", "arch", "cpe",
                              "pretty_name"], row[1:]))


def filt(m, rec):
    d = rec.get("distribution") or {}
    r = rec.get("repository") or {}
    if m == "aws-matcher":
        return d.get("name") in ("Amazon Linux AMI", "Amazon Linux") or d.get("did") == "amzn"
    if m == "oracle":
        return d.get("did") == "ol" or d.get("name") == "Oracle Linux Server"
    if m == "suse":
        return d.get("did") in ("sles", "opensuse", "opensuse-leap") or d.get("name") in ("SLES", "openSUSE Leap")
    if m == "photon":
        return d.get("did") == "photon"
    if m == "rhel":
        return r.get("key") == "rhel-cpe-repository"
    raise ValueError(m)


def oval_states(path):
    """(package, evr, arch, arch operation) of every rpminfo test whose state
    has an evr "less than"."""
    data = open(path, "rb").read()
    if path.endswith(".bz2"):
        data = bz2.decompress(data)
    root = ET.fromstring(data)
    ns_l = "{http://oval.mitre.org/XMLSchema/oval-definitions-5#linux}"
    objs, states = {}, {}
    for o in root.iter(ns_l + "rpminfo_object"):
        n = o.find(ns_l + "name")
        if n is not None and n.text and n.text.strip():
            objs[o.get("id")] = n.text.strip()
    for s in root.iter(ns_l + "rpminfo_state"):
        evr = s.find(ns_l + "evr")
        if evr is None or evr.get("operation") != "less than" or not (evr.text or "").strip():
            continue
        arch = s.find(ns_l + "arch")
        states[s.get("id")] = (evr.text.strip(), arch.text.strip() if arch is not None and arch.text else "",
                               arch.get("operation", "equals") if arch is not None else "")
    out = []
    for t in root.iter(ns_l + "rpminfo_test"):
        o, s = t.find(ns_l + "object"), t.find(ns_l + "state")
        if o is None or s is None:
            continue
        name, st = objs.get(o.get("object_ref")), states.get(s.get("state_ref"))
        if name and st:
            out.append((name, st[0], st[1], st[2]))
    return out


def oval_cases(m, dist_keys, files, limit):
    """Pairs of versions of one package: the installed one from another
    advisory (or the same), the advisory's as fixed."""
    by_name = {}
    for f in files:
        for name, evr, arch, op in oval_states(f):
            by_name.setdefault(name, []).append((evr, arch, op))
    out = []
    i = 0
    for name in sorted(by_name):
        vs = sorted(set(by_name[name]))
        evrs = sorted({v[0] for v in vs})
        for inst in evrs:
            for fixed, arch, op in vs:
                if len(out) >= limit:
                    return out
                key = dist_keys[i % len(dist_keys)]
                pkg_arch = ARCHES[i % len(ARCHES)]
                i += 1
                out.append((m, {"package": {"name": name, "version": inst, "kind": "binary", "arch": pkg_arch},
                                "distribution": dists[key], "repository": None},
                            {"name": "oval", "package": {"name": name, "arch": arch}, "fixed_in_version": fixed,
                             "arch_op": op if arch else ""}))
    return out


cases = []

# aws-matcher: Clair's AL1 index report against the ALAS updateinfo packages
al1 = json.load(open(T + "/clair-fixtures/datastore-postgres/stable-1.5.44/docker.io-library-amazonlinux-1.index.json"))
al1_dist = list(al1["distributions"].values())[0]
alas = []
for f in sorted(glob.glob(T + "/advisories/aws/vuln-list-update/updateinfo_*.xml.gz")):
    root = ET.fromstring(gzip.decompress(open(f, "rb").read()))
    for u in root.iter("update"):
        uid = (u.find("id").text or "") if u.find("id") is not None else ""
        for p in u.iter("package"):
            e = p.get("epoch") or "0"
            fixed = ("" if e == "0" else e + ":") + p.get("version") + "-" + p.get("release")
            alas.append({"name": uid, "package": {"name": p.get("name"), "arch": p.get("arch")},
                         "fixed_in_version": fixed, "arch_op": "equals"})
al1_recs = []
for pid, pkg in sorted(al1["packages"].items()):
    if pkg.get("kind") != "binary":
        continue
    al1_recs.append({"package": {"name": pkg["name"], "version": pkg["version"], "kind": "binary",
                                 "arch": pkg.get("arch", "")}, "distribution": al1_dist, "repository": None})
for i, v in enumerate(alas):
    for rec in al1_recs[i % 7::7]:
        cases.append(("aws-matcher", rec, dict(v, package=dict(v["package"], name=rec["package"]["name"]))))

# oracle: installed packages of real Enterprise Linux 5 to 8 databases (the
# rpm -qa lists go-rpmdb's tests give) against ELSA advisories of the same
# name, and version pairs of the OVAL files; photon: version pairs
oracle_files = sorted(glob.glob(T + "/advisories/oracle/*/*.xml*"))
elsa = {}
for f in oracle_files:
    for name, evr, arch, op in oval_states(f):
        elsa.setdefault(name, set()).add((evr, arch, op))
for lst in sorted(glob.glob(T + "/pkgdb/rpm/go-rpmdb/expected/centos*.expected.tsv")) + \
        [T + "/pkgdb/rpm/go-rpmdb/expected/ubi8-s390x.expected.tsv"]:
    for row in csv.reader(open(lst), delimiter="\t"):
        epoch, name, version, release, arch = row[:5]
        inst = ("" if epoch in ("(none)", "0") else epoch + ":") + version + "-" + release
        for evr, varch, op in sorted(elsa.get(name, [])):
            cases.append(("oracle", {"package": {"name": name, "version": inst, "kind": "binary", "arch": arch},
                                     "distribution": dists["oracle"], "repository": None},
                          {"name": "oval", "package": {"name": name, "arch": varch}, "fixed_in_version": evr,
                           "arch_op": op if varch else ""}))
cases += oval_cases("oracle", ["oracle"], oracle_files, 1500)
cases += oval_cases("photon", ["photon"], [T + "/advisories/photon/claircore/com.vmware.phsa-photon3.xml"], 1500)

# suse: the SLE 15 BCI packages against SUSE OVAL advisories of the same name,
# and version pairs of the OVAL files
suse_files = sorted(glob.glob(T + "/advisories/suse/*/*.xml"))
suse_adv = {}
for f in suse_files:
    for name, evr, arch, op in oval_states(f):
        suse_adv.setdefault(name, []).append((evr, arch, op))
for i, row in enumerate(csv.reader(open(T + "/pkgdb/rpm/go-rpmdb/expected/sle15-bci.expected.tsv"), delimiter="\t")):
    epoch, name, version, release, arch = row[:5]
    inst = ("" if epoch in ("(none)", "0") else epoch + ":") + version + "-" + release
    for evr, varch, op in suse_adv.get(name, []):
        cases.append(("suse", {"package": {"name": name, "version": inst, "kind": "binary", "arch": arch},
                               "distribution": dists["sles"] if i % 2 else dists["leap"], "repository": None},
                      {"name": "oval", "package": {"name": name, "arch": varch}, "fixed_in_version": evr,
                       "arch_op": op if varch else ""}))
# every SUSE advisory against a slice of the BCI packages too (the rule does
# not look at names: real installed versions and arches against real fixed
# versions and arch patterns)
bci = list(csv.reader(open(T + "/pkgdb/rpm/go-rpmdb/expected/sle15-bci.expected.tsv"), delimiter="\t"))
i = 0
for name in sorted(suse_adv):
    for evr, varch, op in sorted(set(suse_adv[name])):
        for row in bci[i % 5::5]:
            epoch, pname, version, release, arch = row[:5]
            inst = ("" if epoch in ("(none)", "0") else epoch + ":") + version + "-" + release
            cases.append(("suse", {"package": {"name": pname, "version": inst, "kind": "binary", "arch": arch},
                                   "distribution": dists["sles"] if i % 2 else dists["leap"], "repository": None},
                          {"name": "oval", "package": {"name": pname, "arch": varch}, "fixed_in_version": evr,
                           "arch_op": op if varch else ""}))
        i += 1
cases += oval_cases("suse", ["sles", "leap"], suse_files, 800)

# rhel: index report records against the oracle's VEX records
docs = sorted(glob.glob(T + "/clair-fixtures/acceptance/*.json")) + \
    sorted(glob.glob(T + "/advisories/rhel/claircore-vex/*.json")) + \
    sorted(glob.glob(T + "/advisories/rhel/claircore-vex/older-revisions/*.json"))
vex = {}
for p in docs:
    d = json.load(open(p))
    if d.get("document", {}).get("publisher", {}).get("namespace", "https://www.redhat.com") != "https://www.redhat.com":
        continue
    for r in vex_oracle.convert(open(p, "rb").read())[1]:
        vex.setdefault(r[1], []).append(r)
seen = set()
for ip in (T + "/clair-fixtures/datastore-postgres/stable-1.5.44/registry.access.redhat.com-ubi8-ubi.index.json",
           T + "/clair-fixtures/datastore-postgres/main/rhacs-main-rhel8.index.json"):
    ir = json.load(open(ip))
    for pid, pkg in sorted(ir["packages"].items()):
        src = pkg.get("source") or {}
        for env in ir["environments"].get(pid) or []:
            dist = ir["distributions"].get(env.get("distribution_id") or "")
            for rid in env.get("repository_ids") or []:
                repo = ir["repository"].get(rid)
                rec = {"package": {"name": pkg["name"], "version": pkg["version"], "kind": pkg.get("kind", ""),
                                   "arch": pkg.get("arch", ""), "module": pkg.get("module", ""),
                                   "source": {"name": src.get("name", ""), "kind": src.get("kind", "")}},
                       "distribution": dist, "repository": repo}
                cands = [r for r in vex.get(pkg["name"], []) + vex.get(src.get("name") or "\0", [])]
                if not cands:
                    continue
                for r in cands:
                    key = (pkg["name"], pkg["version"], pkg.get("arch"), rid, json.dumps(r[:10]))
                    if key in seen:
                        continue
                    seen.add(key)
                    v = {"name": r[0], "package": {"name": r[1], "kind": r[2], "module": r[3], "arch": r[4]},
                         "arch_op": r[5], "fixed_in_version": r[6],
                         "repository": {"name": r[7], "key": r[8], "cpe": r[9]}}
                    cases.append(("rhel", rec, v))
                    if len(seen) % 5 == 0:
                        cases.append(("rhel", rec, dict(v, repository=dict(v["repository"],
                                                                           key="rhcc-container-repository"))))

# every record to every matcher's filter too (the others must say no)
extra = []
for m, rec, v in cases[::25]:
    for other in QUERY:
        if other != m:
            extra.append((other, rec, None))
cases += extra


def want_vulnerable(m, rec, v, cmp):
    if m == "rhel":
        if not rec.get("repository") or v["repository"]["key"] != "rhel-cpe-repository":
            return False
        rfs = vex_oracle.uri_to_fs(rec["repository"].get("cpe") or "") if rec["repository"].get("cpe") else ""
        vfs = v["repository"]["name"]
        if not rfs or not (vex_oracle.superset(vfs, rfs) or rfs.startswith(vfs.rstrip(":*"))):
            return False
    fixed = v.get("fixed_in_version") or ""
    if fixed:
        ok = cmp < 0
    else:
        ok = cmp <= 0
    return ok and vex_oracle.arch_ok(v.get("arch_op", ""), rec["package"].get("arch", ""),
                                     v["package"].get("arch", ""))


pairs = [(rec["package"]["version"], (v.get("fixed_in_version") or v["package"].get("version") or
                                      "65535:65535-65535")) for m, rec, v in cases if v]
cmps = iter(vex_oracle.rpm_vercmp_batch(pairs))
with open(cases_path, "w") as fc, open(want_path, "w") as fw:
    for m, rec, v in cases:
        fc.write(json.dumps({"matcher": m, "record": rec, "vuln": v}) + "\n")
        f = filt(m, rec)
        if v is None:
            fw.write("%d %x -\n" % (f, QUERY[m]))
        else:
            fw.write("%d %x %d\n" % (f, QUERY[m], want_vulnerable(m, rec, v, next(cmps))))
