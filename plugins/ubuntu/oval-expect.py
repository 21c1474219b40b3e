#!/usr/bin/env python3
# oval-expect: what claircore's dpkg OVAL mapping (ovalutil.DpkgDefsToVulns,
# reference §5.2) makes of an OVAL document, computed with ElementTree --
# an implementation independent of claro's streaming parser, used by
# test-oval.sh to derive the expected records from the served files.
#
#   oval-expect.py FILE[.bz2|.xz|.gz] VERSION CODENAME
#
# Prints one tab-separated line per vulnerability, sorted: name, package,
# kind, fixed_in_version, arch, arch_op, did, name, version_id, version,
# version_code_name, pretty_name, severity, normalized severity, links,
# description, issued.
# SPDX-License-Identifier: Apache-2.0
import bz2
import calendar
import gzip
import lzma
import sys
import xml.etree.ElementTree as ET

path, version, codename = sys.argv[1:4]
opener = {"bz2": bz2.open, "xz": lzma.open, "gz": gzip.open}.get(path.rsplit(".", 1)[-1], open)
with opener(path, "rb") as f:
    root = ET.parse(f).getroot()


def local(tag):
    return tag.rsplit("}", 1)[-1]


def children(e, name):
    return [c for c in e if local(c.tag) == name]


def first_child(e, name):
    c = children(e, name)
    return c[0] if c else None


def table(kind):
    out = {}
    for e in root.iter():
        if local(e.tag) == kind and e.get("id") is not None:
            out.setdefault(e.get("id"), e)
    return out


tests, objects, states = table("dpkginfo_test"), table("dpkginfo_object"), table("dpkginfo_state")
variables = table("constant_variable")
sev = {s: s for s in ("Negligible", "Low", "Medium", "High", "Critical")}
ops = {"equals": "equals", "not equal": "not equals", "pattern match": "pattern match"}
dist = ["ubuntu", "Ubuntu", version, "%s (%s)" % (version, codename.title()), codename, "Ubuntu " + version]

out = []
definitions = first_child(root, "definitions")
for d in children(definitions, "definition") if definitions is not None else []:
    meta = first_child(d, "metadata")
    title = (meta.findtext("{*}title") if meta is not None else None) or ""
    if not title:
        continue
    desc = meta.findtext("{*}description") or ""
    adv = meta.find("{*}advisory")
    severity = (adv.findtext("{*}severity") if adv is not None else None) or ""
    links = [r.get("ref_url") for r in meta.iter() if local(r.tag) == "reference" and r.get("ref_url")]
    issued = "null"
    if adv is not None:
        links += [r.text for r in adv.iter() if local(r.tag) == "ref" and r.text]
        links += [r.text for r in adv.iter() if local(r.tag) == "bug" and r.text]
        links += [r.get("href") for r in adv.iter() if local(r.tag) == "cve" and r.get("href")]
        iss = adv.find("{*}issued")
        if iss is not None and iss.get("date"):
            y, m, dd = (int(x) for x in iss.get("date")[:10].split("-"))
            issued = str(calendar.timegm((y, m, dd, 0, 0, 0)))
    for c in d.iter():
        if local(c.tag) != "criterion":
            continue
        t = tests.get(c.get("test_ref"))
        if t is None or first_child(t, "object") is None:
            continue
        o = objects.get(first_child(t, "object").get("object_ref"))
        if o is None:
            continue
        s = None
        if first_child(t, "state") is not None:
            s = states.get(first_child(t, "state").get("state_ref"))
            if s is None or first_child(s, "evr") is None:
                continue
        n = first_child(o, "name")
        if n is None:
            continue
        if n.get("var_ref"):
            v = variables.get(n.get("var_ref"))
            if v is None:
                continue
            names = [x.text or "" for x in children(v, "value")]
        else:
            names = [n.text or ""]
        fixed = (first_child(s, "evr").text or "") if s is not None else ""
        arch = first_child(s, "arch") if s is not None else None
        for name in names:
            if not name:
                continue
            out.append("\t".join([title, name, "binary", fixed, (arch.text or "") if arch is not None else "",
                                  ops.get(arch.get("operation"), "") if arch is not None else ""] + dist +
                                 [severity, sev.get(severity, "Unknown"), " ".join(links), desc, issued]))
print("\n".join(sorted(out)))
