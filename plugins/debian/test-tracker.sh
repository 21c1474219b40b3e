#!/bin/sh
# The debian plugin's security tracker updater set, run by
# tests/unit/run-updater against a loopback server
# (tests/unit/feed-server.py) serving:
#   - tracker/data/json: the staged excerpts of the tracker's JSON
#     ($CLARO_TESTDATA/advisories/debian/vunnel/debian.json, then
#     vulnerablecode/debian.json), byte for byte;
#   - mirror/debian/dists/: suites with Release files. No real Release file
#     is staged, so this script writes them in the archive's format (the
#     header fields Origin, Label, Suite, Version, Codename, ... and a hash
#     list, longer than the 512 bytes claro asks for) with the real version
#     numbers: stretch 9.13, buster 10.13, bullseye 11.9, bookworm 12.5, the
#     aliases oldstable -> bullseye and stable -> bookworm, trixie and sid
#     without a Version (testing, unstable), and experimental and
#     bookworm-updates, which must not even be fetched. jessie (in the feed)
#     is not on the mirror, so its records must be left out.
# The expected records are computed here by python3 from the same JSON (where
# an empty list stands for no releases, as in the vunnel excerpt): one
# per (source package, id, release on the mirror), fixed_in_version as given
# ("" unfixed, "0" not affected), urgency shifted up one step as reference
# §5.3 says (unimportant Low, low Medium, medium High, high Critical, else
# Unknown -- "high**" too), link https://security-tracker.debian.org/tracker/<id>,
# the canonical distribution record. Then fingerprint and conditional GET
# (Last-Modified / If-Modified-Since, as claircore), and bad input.
# SPDX-License-Identifier: Apache-2.0
set -u
. "${abs_top_srcdir:?run through make check}/tests/unit/updater-lib.sh"
D=$T/advisories/debian
if [ ! -f "$D/vunnel/debian.json" ]; then
	echo "1..0 # SKIP no test data at $D"
	exit 0
fi
plugin="$b/plugins/debian/.libs"
www=$tmp/www
mkdir -p "$www/tracker/data" "$www/alt/data" "$www/bad/data"
cp "$D/vunnel/debian.json" "$www/tracker/data/json"
cp "$D/vulnerablecode/debian.json" "$www/alt/data/json"

python3 - "$www/mirror/debian/dists" <<'EOF' || { echo "Bail out! could not write the mirror"; exit 1; }
import os, sys, hashlib
dists = sys.argv[1]
suites = {  # directory: (Suite, Codename, Version or None)
    "stretch": ("oldoldstable", "stretch", "9.13"), "buster": ("oldoldstable", "buster", "10.13"),
    "bullseye": ("oldstable", "bullseye", "11.9"), "oldstable": ("oldstable", "bullseye", "11.9"),
    "bookworm": ("stable", "bookworm", "12.5"), "stable": ("stable", "bookworm", "12.5"),
    "trixie": ("testing", "trixie", None), "sid": ("unstable", "sid", None),
    "experimental": ("experimental", "rc-buggy", None),
    "bookworm-updates": ("stable-updates", "bookworm-updates", "12-updates"),
}
for d, (suite, codename, version) in suites.items():
    os.makedirs(os.path.join(dists, d), exist_ok=True)
    lines = ["Origin: Debian", "Label: Debian", "Suite: " + suite]
    if version:
        lines.append("Version: " + version)
    lines += ["Codename: " + codename, "Date: Sat, 10 Feb 2024 09:41:08 UTC",
              "Architectures: all amd64 arm64 armel armhf i386 mips64el mipsel ppc64el s390x",
              "Components: main contrib non-free-firmware non-free", "MD5Sum:"]
    for comp in ("main", "contrib", "non-free"):
        for arch in ("amd64", "arm64", "i386"):
            p = "%s/binary-%s/Packages" % (comp, arch)
            lines.append(" %s %8d %s" % (hashlib.md5(p.encode()).hexdigest(), len(p) * 1000, p))
    with open(os.path.join(dists, d, "Release"), "w") as f:
        f.write("\n".join(lines) + "\n")
os.makedirs(os.path.join(dists, "..", "..", "..", "empty", "debian", "dists", "NotASuite"), exist_ok=True)
EOF

# Expected records of a tracker JSON file, tab-separated and sorted.
expect() {
	python3 - "$1" <<'EOF'
import json, sys
mirror = {"stretch": 9, "buster": 10, "bullseye": 11, "bookworm": 12}
sev = {"unimportant": "Low", "low": "Medium", "medium": "High", "high": "Critical"}
with open(sys.argv[1]) as f:
    doc = json.load(f)
out = []
for pkg, entries in doc.items():
    for vid, v in entries.items():
        for rel, rd in (v.get("releases") or {}).items():
            if rel not in mirror:
                continue
            n = mirror[rel]
            urgency = rd.get("urgency") or ""
            out.append("\t".join([vid, pkg, "source", rd.get("fixed_version") or "", "debian", "Debian GNU/Linux",
                                  str(n), "%d (%s)" % (n, rel), rel, "Debian GNU/Linux %d (%s)" % (n, rel),
                                  "https://security-tracker.debian.org/tracker/" + vid, urgency,
                                  sev.get(urgency.lower(), "Unknown"), v.get("description") or "", "null", ""]))
print("\n".join(sorted(out)))
EOF
}

records() {
	python3 -c '
import json, sys
out = []
for line in sys.stdin:
    r = json.loads(line)
    if r["kind"] != "vulnerability":
        continue
    p, d = r["package"], r["distribution"]
    out.append("\t".join([r["name"], p["name"], p["kind"], r["fixed_in_version"], d["did"], d["name"],
                          d["version_id"], d["version"], d["version_code_name"], d["pretty_name"], r["links"],
                          r["severity"], r["normalized_severity"], r["description"], json.dumps(r["issued"]),
                          r["arch_op"]]))
print("\n".join(sorted(out)))'
}

fingerprint() {
	python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin if l.strip()][-1]["fingerprint"])'
}

start_server "$www"
config() {
	printf '[plugin.debian]\nmirror_url = %s/%s/\njson_url = %s/%s/data/json\n' "$url" "$2" "$url" "$1" \
		>"$tmp/$1-$2.ini"
	echo "$tmp/$1-$2.ini"
}

ini=$(config tracker mirror)
out=$("$run" -c "$ini" "$plugin" debian debian list 2>&1)
check "$out" "$(printf 'updater\tdebian/updater\t0')" "list() names the single updater, debian/updater"

for feed in tracker alt; do
	ini=$(config $feed mirror)
	: >"$server_log"
	"$run" -c "$ini" "$plugin" debian debian update debian/updater >"$tmp/up.out" 2>"$tmp/up.err"
	rc=$?
	records <"$tmp/up.out" >"$tmp/got"
	expect "$www/$feed/data/json" >"$tmp/want"
	if [ $rc -eq 0 ]; then
		same_file "$tmp/got" "$tmp/want" "$feed: $(grep -c . "$tmp/want") records as the JSON says for the mirror's releases"
	else
		fail "$feed: exit $rc"
		sed 's/^/#   /' "$tmp/up.err"
	fi
	check "$(cut -f4 "$tmp/want" | grep -c '^0$'):$(cut -f4 "$tmp/want" | grep -c '^$')" \
		"$(cut -f4 "$tmp/got" | grep -c '^0$'):$(cut -f4 "$tmp/got" | grep -c '^$')" \
		"$feed: not-affected (\"0\") and unfixed (\"\") records kept as the tracker says"
done
check "$(cut -f9 "$tmp/got" "$tmp/want" | sort -u | tr '\n' ' ')" "bookworm bullseye buster stretch " \
	"records only for released suites on the mirror (no jessie, trixie, sid)"
grep -q 'Release.*range=bytes=0-512$' "$server_log" && pass "Release files are asked for with Range: bytes=0-512" ||
	fail "Release files are asked for with Range: bytes=0-512"
check "$(grep -c -e '/experimental/' -e '/bookworm-updates/' "$server_log")" 0 \
	"experimental and bookworm-updates are not fetched"
check "$(grep -c 'dists/sid/Release 200' "$server_log")" 1 "sid's Release is read (and has no version)"

# The urgency mapping on known records of the staged file.
ini=$(config tracker mirror)
"$run" -c "$ini" "$plugin" debian debian update debian/updater | records >"$tmp/got"
pick() { awk -F'\t' -v id="$1" -v rel="$2" '$1 == id && $9 == rel { print $12 "=" $13 }' "$tmp/got"; }
src_urgency() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[sys.argv[2]][sys.argv[3]]["releases"][sys.argv[4]]["urgency"])' \
		"$www/tracker/data/json" "$@"
}
check "$(pick CVE-2007-2383 stretch)" "$(src_urgency prototypejs CVE-2007-2383 stretch)=Low" "unimportant -> Low"
check "$(pick CVE-2008-7220 buster)" "$(src_urgency prototypejs CVE-2008-7220 buster)=Unknown" \
	"high** (an NVD-derived urgency) -> Unknown, as claircore's exact match does"
ini=$(config alt mirror)
"$run" -c "$ini" "$plugin" debian debian update debian/updater | records >"$tmp/got"
check "$(pick CVE-2009-1382 buster)" "medium=High" "medium -> High"
check "$(pick CVE-2014-8242 buster)" "low=Medium" "low -> Medium"

# Fingerprint = Last-Modified; If-Modified-Since -> 304 -> unchanged, no mirror traffic.
ini=$(config tracker mirror)
"$run" -c "$ini" "$plugin" debian debian update debian/updater >"$tmp/up.out" 2>&1
fp=$(fingerprint <"$tmp/up.out")
lm=$(python3 -c 'import email.utils,os,sys; print(email.utils.formatdate(int(os.stat(sys.argv[1]).st_mtime), usegmt=True))' "$www/tracker/data/json")
check "$fp" "$lm" "the fingerprint is the feed's Last-Modified"
: >"$server_log"
out=$("$run" -c "$ini" -p "$fp" "$plugin" debian debian update debian/updater 2>&1)
rc=$?
check "$rc:$out:$(cut -d' ' -f1-3,5- "$server_log" | sed 's/ range=.*//')" \
	"3::GET /tracker/data/json 304 ims=$lm" "unchanged feed: one conditional GET, 304, CLARO_ERR_UNCHANGED, no discovery"
touch -d '2031-02-03 04:05:06 UTC' "$www/tracker/data/json"
out=$("$run" -c "$ini" -p "$fp" "$plugin" debian debian update debian/updater 2>&1 | fingerprint)
check "$out" "Mon, 03 Feb 2031 04:05:06 GMT" "a newer feed is read again, with its new Last-Modified"

# Bad input, served as bad/data/json.
ini=$(config bad mirror)
bad_file() {
	cp "$2" "$www/bad/data/json"
	fails_clearly "$1" "could not read the Debian security tracker JSON" \
		"$run" -c "$ini" "$plugin" debian debian update debian/updater
}
bad() {
	printf '%s' "$2" >"$tmp/doc"
	bad_file "$1" "$tmp/doc"
}
real=$D/vunnel/debian.json
head -c $(($(wc -c <"$real") / 2)) "$real" >"$tmp/half"
bad_file "truncated feed (first half of the vunnel excerpt)" "$tmp/half"
head -c $(($(wc -c <"$real") - 2)) "$real" >"$tmp/nearly"
bad_file "truncated feed (all but the closing brace)" "$tmp/nearly"
bad "empty body" ""
bad "an array, not an object" '[]'
bad "an empty object" '{}'
bad "HTML" '<html>Service Unavailable</html>'
bad "garbage after the object" '{"p": {"CVE-1": {}}} x'
bad "a package whose value is a non-empty array" '{"p": ["CVE-2020-1"]}'
bad "releases is a list" '{"p": {"CVE-2020-1": {"releases": ["buster"]}}}'
bad "an urgency that is a number" '{"p": {"CVE-2020-1": {"releases": {"buster": {"urgency": 3}}}}}'
bad "a good package before a bad one reports nothing" \
	'{"good": {"CVE-2020-1": {"releases": {"buster": {"status": "open", "urgency": "low"}}}}, "bad": {"CVE-2020-2": {"description": 5}}}'
bad "a huge number inside an entry" '{"p": {"CVE-2020-1": {"debianbug": 1e99999999, "releases": {}}}}'
bad "a huge integer inside an entry" '{"p": {"CVE-2020-1": {"debianbug": 99999999999999999999999999}}}'
bad "an unterminated string" '{"p": {"CVE-2020-1": {"description": "abc}}}'
bad "a missing colon" '{"p" {"CVE-2020-1": {}}}'
bad "a trailing comma" '{"p": {"CVE-2020-1": {}},}'
python3 -c 'import sys; sys.stdout.write("{\"p\": {\"CVE-1\": " + "[" * 100000 + "]" * 100000 + "}}")' >"$tmp/deep"
bad_file "100000 nested arrays" "$tmp/deep"
printf '{"p\\u0000q": {"CVE-2020-1": {}}}' >"$tmp/nul"
bad_file "a NUL escaped in a package name" "$tmp/nul"
echo 503 >"$www/bad/data/json.status"
fails_clearly "the feed answers 503" "could not fetch" "$run" -c "$ini" "$plugin" debian debian update debian/updater
rm -f "$www/bad/data/json.status"
ini=$(config tracker empty)
fails_clearly "a mirror without releases" "could not find any Debian release" \
	"$run" -c "$ini" "$plugin" debian debian update debian/updater
ini=$(config tracker nowhere)
fails_clearly "a mirror without dists/ (404)" "could not fetch" \
	"$run" -c "$ini" "$plugin" debian debian update debian/updater
fails_clearly "an updater the set does not have" "no updater" \
	"$run" -c "$ini" "$plugin" debian debian update debian-bookworm-updater
ini=$(config tracker mirror)
stop_server
fails_clearly "the server is down" "could not fetch" "$run" -c "$ini" "$plugin" debian debian update debian/updater

echo "1..$n"
[ $fails -eq 0 ]
