#!/usr/bin/env python3
# enrich_oracle: what the enrich plugin must produce, computed independently
# with Python's json, csv, gzip and re from the same real files the test
# serves (plugins/enrich/test-enrich.sh).
#
#   enrich_oracle.py records cvss|epss|kev FILE          expected records, JSON lines
#   enrich_oracle.py compare cvss|epss|kev FILE[,FILE] OUT  OUT (run-updater's output)
#                                                        has exactly those records
#   enrich_oracle.py nvd-year JSON DIR YEAR               DIR/nvdcve-2.0-YEAR.json.gz and
#                                                        the .meta NVD would publish for it
#   enrich_oracle.py vulns NVD EPSS KEV OUT              vulnerabilities naming CVEs of
#                                                        the three files in Clair's ways
#   enrich_oracle.py enrichments VULNS NVD EPSS KEV OUT  run-enrich's "enrichments" are
#                                                        what Clair's rule attaches
#   enrich_oracle.py hostile NVD EPSS KEV DIR            broken and hostile variants
#
# The rules, from claircore (enricher/cvss, enricher/epss, enricher/kev):
#   cvss  one record per CVE whose vulnStatus is not "Rejected" (any case):
#         the cvssData of the first "Primary" metric of cvssMetricV31, then
#         cvssMetricV30; tag = cve.id.
#   epss  one record per row: {modelVersion, date, cve, epss, percentile}
#         from the "#model_version:...,score_date:..." line and the row.
#   kev   one record per entry: claircore's kev.Entry fields.
#   enrich: CVE ids are re.findall(r"(?i:cve)[-_][0-9]{4}[-_][0-9]{4,}") over
#         description, name and links, deduplicated and sorted; clair.cvss
#         attaches the first record of the first id that has one (Clair's
#         query returns one record), claro.epss and claro.kev every record.
# SPDX-License-Identifier: Apache-2.0
import csv
import gzip
import io
import json
import os
import re
import sys

CVSS_TYPE = ("message/vnd.clair.map.vulnerability; enricher=clair.cvss "
             "schema=https://csrc.nist.gov/schema/nvd/api/2.0/cve_api_json_2.0.schema")
EPSS_TYPE = ("message/vnd.clair.map.vulnerability; enricher=claro.epss "
             "schema=https://www.first.org/epss/data_stats")
KEV_TYPE = ("message/vnd.clair.map.vulnerability; enricher=claro.kev "
            "schema=https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities_schema.json")
CVE_RE = re.compile(r"(?i:cve)[-_][0-9]{4}[-_][0-9]{4,}")


def cvss_records(path):
    doc = json.load(open(path, encoding="utf-8"))
    out = []
    for item in doc["vulnerabilities"]:
        cve = item["cve"]
        if (cve.get("vulnStatus") or "").lower() == "rejected":
            continue
        metrics = cve.get("metrics") or {}
        data = None
        for m in (metrics.get("cvssMetricV31") or []) + (metrics.get("cvssMetricV30") or []):
            if m.get("type") == "Primary":
                data = m.get("cvssData")
                break
        if data is not None:
            out.append(([cve["id"]], data))
    return out


def epss_records(path):
    text = open(path, encoding="utf-8").read()
    lines = text.splitlines()
    meta = {}
    for field in lines[0].lstrip("#").split(","):
        k, _, v = field.partition(":")
        meta[k.strip().lstrip("#")] = v.strip()
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    header = rows[0]
    assert header[:3] == ["cve", "epss", "percentile"], header
    out = []
    for r in rows[1:]:
        if not r:
            continue
        out.append(([r[0]], {"modelVersion": meta["model_version"], "date": meta["score_date"],
                             "cve": r[0], "epss": float(r[1]), "percentile": float(r[2])}))
    return out


def kev_records(path):
    doc = json.load(open(path, encoding="utf-8"))
    out = []
    for v in doc["vulnerabilities"]:
        out.append(([v["cveID"]], {
            "cve": v["cveID"],
            "vulnerability_name": v.get("vulnerabilityName") or "",
            "catalog_version": doc.get("catalogVersion") or "",
            "date_added": v.get("dateAdded") or "",
            "short_description": v.get("shortDescription") or "",
            "required_action": v.get("requiredAction") or "",
            "due_date": v.get("dueDate") or "",
            "known_ransomware_campaign_use": v.get("knownRansomwareCampaignUse") or "",
        }))
    return out


RECORDS = {"cvss": cvss_records, "epss": epss_records, "kev": kev_records}


def canon(tags, data):
    return json.dumps([tags, data], sort_keys=True)


def compare(kind, paths, out_path):
    want = sorted(canon(t, d) for path in paths.split(",") for t, d in RECORDS[kind](path))
    got = []
    for line in open(out_path):
        rec = json.loads(line)
        if rec["kind"] == "enrichment":
            got.append(canon(rec["tags"], rec["json"]))
        elif rec["kind"] != "fingerprint":
            print("# unexpected line: %s" % line.strip())
            return 1
    got.sort()
    if got != want:
        for x in sorted(set(want) - set(got))[:5]:
            print("# missing: %s" % x[:300])
        for x in sorted(set(got) - set(want))[:5]:
            print("# extra:   %s" % x[:300])
        print("# %d emitted, %d expected" % (len(got), len(want)))
        return 1
    print("# %d records, every field equal" % len(got))
    return 0


def all_ids(path):
    doc = json.load(open(path, encoding="utf-8"))
    return [i["cve"]["id"] for i in doc["vulnerabilities"]]


def vulns(nvd, epss, kev, out):
    cv = [t[0] for t, _ in cvss_records(nvd)]
    rejected = [i for i in all_ids(nvd) if i not in cv]
    ep = [t[0] for t, _ in epss_records(epss)]
    kv = [t[0] for t, _ in kev_records(kev)]
    vs = []

    def add(name="", description="", links=""):
        vs.append({"id": str(len(vs) + 1), "name": name, "description": description, "links": links})

    for c in cv:  # by name, as Ubuntu and OSV name them
        add(name=c)
    for c in rejected:
        add(name=c, description="rejected upstream")
    # A distribution advisory naming several CVEs, in reverse order, in its
    # description and links (Debian DSA, Red Hat RHSA style).
    add(name="DSA-0000-1 coreutils", description="Several issues: " + ", ".join(reversed(cv)) + ".",
        links=" ".join("https://security-tracker.debian.org/tracker/" + c for c in cv))
    add(name="lower case " + cv[0].lower())
    add(name="underscores " + cv[0].replace("-", "_"))
    add(name="longer id " + cv[0] + "0")
    add(name="no CVE at all", description="GHSA-xxxx-yyyy-zzzz", links="https://example.invalid/")
    vs.append({"id": "", "name": cv[0], "description": "", "links": ""})  # no id: skipped
    for c in ep:
        add(links="https://nvd.nist.gov/vuln/detail/" + c)
    add(name="RHSA-0000:0001", description=" ".join(ep[:3]))
    for c in kv:
        add(name="GHSA-0000-0000-0000", description="Exploited in the wild: %s (see CISA)." % c)
    add(name=kv[0], description="also " + kv[-1])
    json.dump(vs, open(out, "w"), indent=1)
    return 0


def expected(vs, records, first_only):
    by_tag = {}
    for tags, data in records:
        for t in tags:
            by_tag.setdefault(t, []).append(data)
    m = {}
    for v in vs:
        if not v["id"]:
            continue
        ids = sorted({x for f in (v["description"], v["name"], v["links"]) for x in CVE_RE.findall(f)})
        got = []
        for i in ids:
            for d in by_tag.get(i, []):
                if d not in got:
                    got.append(d)
                if first_only:
                    break
            if first_only and got:
                break
        if got:
            m[v["id"]] = got
    return [m] if m else None


def enrichments(vpath, nvd, epss, kev, out_path):
    vs = json.load(open(vpath))
    got = json.load(open(out_path))["enrichments"]
    bad = 0
    summary = []
    for typ, recs, first in ((CVSS_TYPE, cvss_records(nvd), True), (EPSS_TYPE, epss_records(epss), False),
                             (KEV_TYPE, kev_records(kev), False)):
        want = expected(vs, recs, first)
        if got.get(typ) != want:
            print("# %s differs:\n#  got  %s\n#  want %s" % (typ.split(";")[1].split()[0],
                                                          json.dumps(got.get(typ))[:400],
                                                          json.dumps(want)[:400]))
            bad = 1
        summary.append("%s %d vulnerabilities / %d records" % (
            typ.split("enricher=")[1].split()[0], len(want[0]) if want else 0,
            sum(len(x) for x in want[0].values()) if want else 0))
    if set(got) - {CVSS_TYPE, EPSS_TYPE, KEV_TYPE}:
        print("# unexpected types: %s" % sorted(set(got) - {CVSS_TYPE, EPSS_TYPE, KEV_TYPE}))
        bad = 1
    print("# " + "; ".join(summary))
    return bad


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "wb").write(data)


def hostile(nvd, epss, kev, d):
    """Broken variants of the real files, one directory per case, laid out
    as the served feeds: <case>/nvdcve-2.0-2016.{meta,json.gz},
    <case>/epss.csv.gz, <case>/kev.json."""
    meta = open(os.path.join(os.path.dirname(nvd), "feed.meta"), "rb").read()
    feed = json.load(open(nvd, encoding="utf-8"))
    raw_feed = open(nvd, "rb").read()
    csv_text = open(epss, "rb").read()
    kev_doc = json.load(open(kev, encoding="utf-8"))
    raw_kev = open(kev, "rb").read()
    gz = lambda b: gzip.compress(b, mtime=0)

    def nvd_case(name, feed_bytes=None, meta_bytes=meta, gzipped=True):
        write(os.path.join(d, name, "nvdcve-2.0-2016.meta"), meta_bytes)
        if feed_bytes is not None:
            write(os.path.join(d, name, "nvdcve-2.0-2016.json.gz"), gz(feed_bytes) if gzipped else feed_bytes)

    def mutate(fn):
        f = json.loads(json.dumps(feed))
        fn(f)
        return json.dumps(f).encode()

    nvd_case("meta-no-sha", raw_feed, b"\n".join(l for l in meta.splitlines() if not l.startswith(b"sha256")))
    nvd_case("meta-bad-sha", raw_feed, meta.replace(b"sha256:D", b"sha256:Z"))
    nvd_case("nvd-truncated-gz", gz(raw_feed)[: len(gz(raw_feed)) // 2], gzipped=False)
    nvd_case("nvd-truncated-json", raw_feed[: len(raw_feed) // 2])
    nvd_case("nvd-missing-feed", None)
    nvd_case("nvd-cvssdata-string", mutate(lambda f: f["vulnerabilities"][0]["cve"]["metrics"]["cvssMetricV30"][0]
                                           .__setitem__("cvssData", "6.5")))
    nvd_case("nvd-id-not-cve", mutate(lambda f: f["vulnerabilities"][1]["cve"].__setitem__("id", "GHSA-1")))
    nvd_case("nvd-metrics-array", mutate(lambda f: f["vulnerabilities"][0]["cve"].__setitem__("metrics", [])))
    deep = raw_feed.replace(b'"cveTags": []', b'"cveTags": ' + b"[" * 100 + b"]" * 100, 1)
    assert deep != raw_feed
    nvd_case("nvd-deep-json", deep)
    nvd_case("nvd-huge-number", raw_feed.replace(b'"baseScore": 6.5', b'"baseScore": 6.5e999', 1))
    nvd_case("nvd-huge-integer", raw_feed.replace(b'"exploitabilityScore": 2,', b'"exploitabilityScore": '
                                                  + b"9" * 40 + b",", 1))
    nvd_case("nvd-bad-utf8", raw_feed.replace(b"chroot in GNU", b"chroot \xff\xfe GNU", 1))
    nvd_case("nvd-duplicate-key", raw_feed.replace(b'"baseScore": 6.5,', b'"baseScore": 6.5, "baseScore": 9.8,', 1))
    nvd_case("nvd-not-object", b"[" + raw_feed + b"]")
    nvd_case("nvd-no-vulnerabilities", mutate(lambda f: f.pop("vulnerabilities")))
    nvd_case("nvd-all-rejected", mutate(lambda f: [v["cve"].__setitem__("vulnStatus", "REJECTED")
                                                   for v in f["vulnerabilities"]]))
    nvd_case("nvd-trailing-data", raw_feed + b"\n{}")

    def epss_case(name, data, gzipped=True):
        write(os.path.join(d, name, "epss.csv.gz"), gz(data) if gzipped else data)

    lines = csv_text.split(b"\n")
    row = lines[2]
    epss_case("epss-bad-header", b"\n".join([lines[0], b"cve,score,percentile"] + lines[2:]))
    epss_case("epss-no-meta", b"\n".join(lines[1:]))
    epss_case("epss-bad-number", csv_text.replace(row, row.split(b",")[0] + b",0.9x,0.5", 1))
    epss_case("epss-huge-number", csv_text.replace(row, row.split(b",")[0] + b",1e999,0.5", 1))
    epss_case("epss-long-number", csv_text.replace(row, row.split(b",")[0] + b"," + b"9" * 400 + b",0.5", 1))
    epss_case("epss-above-one", csv_text.replace(row, row.split(b",")[0] + b",1.5,0.5", 1))
    epss_case("epss-missing-field", csv_text.replace(row, b",".join(row.split(b",")[:2]), 1))
    epss_case("epss-quoted", csv_text.replace(row, b'"' + row.replace(b",", b'","') + b'"', 1))
    epss_case("epss-not-cve", csv_text.replace(row, b"GHSA-1," + b",".join(row.split(b",")[1:]), 1))
    epss_case("epss-long-line", csv_text.replace(row, row + b"," * 5000, 1))
    epss_case("epss-no-rows", b"\n".join(lines[:2]) + b"\n")
    epss_case("epss-truncated-gz", gz(csv_text)[: len(gz(csv_text)) * 2 // 3], gzipped=False)
    epss_case("epss-corrupt-gz", gz(csv_text)[:40] + bytes(b ^ 0x5a for b in gz(csv_text)[40:60])
              + gz(csv_text)[60:], gzipped=False)
    epss_case("epss-trailing-garbage", gz(csv_text) + b"garbage", gzipped=False)
    # A gzip bomb: the real file, then 32 MiB of blank lines (about 32 KiB
    # compressed), which the CSV reader would skip one by one.
    z = gzip.compress(csv_text + b"\n" * (32 << 20), compresslevel=9, mtime=0)
    epss_case("epss-gzip-bomb", z, gzipped=False)

    def kev_case(name, data):
        write(os.path.join(d, name, "kev.json"), data)

    def kmutate(fn):
        k = json.loads(json.dumps(kev_doc))
        fn(k)
        return json.dumps(k).encode()

    kev_case("kev-truncated", raw_kev[: len(raw_kev) // 2])
    kev_case("kev-deep-json", kmutate(lambda k: k["vulnerabilities"][0].__setitem__("cwes", json.loads(
        "[" * 200 + "]" * 200))))
    kev_case("kev-wrong-type", kmutate(lambda k: k["vulnerabilities"][1].__setitem__("dueDate", 20211224)))
    kev_case("kev-not-cve", kmutate(lambda k: k["vulnerabilities"][0].__setitem__("cveID", "Log4Shell")))
    kev_case("kev-huge-count", raw_kev.replace(b'"count": 2', b'"count": 1e999', 1))
    kev_case("kev-huge-integer", raw_kev.replace(b'"count": 2', b'"count": ' + b"1" * 30, 1))
    kev_case("kev-bad-escape", raw_kev.replace(b"Adobe ColdFusion Deser", b"Adobe \\x ColdFusion Deser", 1))
    kev_case("kev-nul-escape", raw_kev.replace(b"Adobe ColdFusion Deser", b"Adobe \\u0000 ColdFusion Deser", 1))
    kev_case("kev-no-entries", kmutate(lambda k: k.__setitem__("vulnerabilities", [])))
    kev_case("kev-not-json", b"<html>Service Unavailable</html>")
    kev_case("kev-empty", b"")
    kev_case("kev-gzip-bomb", gzip.compress(raw_kev[:-2] + b" " * (32 << 20) + raw_kev[-2:], mtime=0))
    return 0


def nvd_year(path, d, year):
    """A yearly feed and its .meta (NVD's format: lastModifiedDate, size,
    zipSize, gzSize, sha256 of the uncompressed JSON) for a real page."""
    import hashlib
    raw = open(path, "rb").read()
    z = gzip.compress(raw, mtime=0)
    stamp = json.loads(raw)["timestamp"].split(".")[0]
    write(os.path.join(d, "nvdcve-2.0-%s.json.gz" % year), z)
    write(os.path.join(d, "nvdcve-2.0-%s.meta" % year), (
        "lastModifiedDate:%s-00:00\r\nsize:%d\r\nzipSize:%d\r\ngzSize:%d\r\nsha256:%s\r\n" % (
            stamp, len(raw), len(z), len(z), hashlib.sha256(raw).hexdigest().upper())).encode())
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "records":
        for tags, data in RECORDS[argv[2]](argv[3]):
            print(json.dumps({"tags": tags, "json": data}))
        return 0
    if cmd == "compare":
        return compare(argv[2], argv[3], argv[4])
    if cmd == "nvd-year":
        return nvd_year(*argv[2:5])
    if cmd == "vulns":
        return vulns(*argv[2:6])
    if cmd == "enrichments":
        return enrichments(*argv[2:7])
    if cmd == "hostile":
        return hostile(*argv[2:6])
    print("unknown command %s" % cmd, file=sys.stderr)
    return 2


sys.exit(main(sys.argv))
