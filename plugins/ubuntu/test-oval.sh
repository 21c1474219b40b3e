#!/bin/sh
# The ubuntu plugin's OVAL updater set, run by tests/unit/run-updater against
# a loopback server (tests/unit/feed-server.py) serving:
#   - lp/ubuntu/series: Launchpad's series collection. None is staged, so this
#     script writes one in the API's shape (entries[].{name, version, active,
#     status}): bionic (active, has a feed), focal (active, no feed: skipped),
#     trusty (not active: skipped), and the fake series the cases below use;
#   - oval/com.ubuntu.<codename>.cve.oval.xml.bz2 (use_bzip2, as Canonical
#     publishes them):
#       bionic:  $CLARO_TESTDATA/advisories/ubuntu/vulnerablecode/ubuntu_oval_data.xml
#                as it is (bzip2-compressed here): dpkginfo tests whose objects
#                name constant variables;
#       derived: the same file plus definitions this script adds for what the
#                excerpt lacks -- an unfixed package (evr "0"), an arch
#                pattern, an existence-only test, a state without evr, an
#                inventory definition with a textfilecontent54 test, dangling
#                references, an object without a name (a crash libFuzzer
#                found), Untriaged severity, issued/bug/cve metadata;
#       debianoval (xz): $CLARO_TESTDATA/advisories/debian/vulnerablecode/
#                debian_oval_data.xml, real OVAL whose dpkginfo objects carry
#                literal package names in nested criteria;
#       big:     the bionic file's definitions, tests, objects, states and
#                variables replicated with fresh ids (about 20 MB of XML).
# The expected records come from plugins/ubuntu/oval-expect.py, an
# ElementTree implementation of claircore's dpkg OVAL mapping reading the same
# files. Then conditional GET (ETag), bounded memory, and bad input:
# truncated, malformed and hostile documents (deep nesting, a DTD with
# entity expansion, a decompression bomb), each a three-part error with
# nothing printed.
# With CLARO_BIG_OVAL=1 the replicated document is about 200 MB instead.
# SPDX-License-Identifier: Apache-2.0
set -u
. "${abs_top_srcdir:?run through make check}/tests/unit/updater-lib.sh"
U=$T/advisories/ubuntu/vulnerablecode/ubuntu_oval_data.xml
DO=$T/advisories/debian/vulnerablecode/debian_oval_data.xml
if [ ! -f "$U" ]; then
	echo "1..0 # SKIP no test data at $U"
	exit 0
fi
plugin="$b/plugins/ubuntu/.libs"
expect_py="$src/plugins/ubuntu/oval-expect.py"
www=$tmp/www
oval=$www/oval
mkdir -p "$oval" "$www/lp/ubuntu"
cat >"$www/lp/ubuntu/series" <<'EOF'
{"total_size": 7, "start": 0, "entries": [
 {"name": "bionic", "version": "18.04", "active": true, "status": "Supported"},
 {"name": "focal", "version": "20.04", "active": true, "status": "Supported"},
 {"name": "trusty", "version": "14.04", "active": false, "status": "Obsolete"},
 {"name": "derived", "version": "18.04", "active": true, "status": "Supported"},
 {"name": "debianoval", "version": "7", "active": true, "status": "Supported"},
 {"name": "big", "version": "18.04", "active": true, "status": "Supported"},
 {"name": "bad", "version": "99.04", "active": true, "status": "Supported"}]}
EOF
feed() { echo "$oval/com.ubuntu.$1.cve.oval.xml.bz2"; }
bzip2 -c "$U" >"$(feed bionic)"
xz -c "$DO" >"$(feed debianoval)"

python3 - "$U" "$tmp/derived.xml" <<'EOF' || { echo "Bail out! could not derive the test document"; exit 1; }
import sys
src, dst = sys.argv[1:]
doc = open(src, encoding="utf-8").read()
p = "oval:com.ubuntu.bionic:"
add = {
"</definitions>": f"""
<definition class="inventory" id="{p}def:100" version="1">
 <metadata><title>Check that Ubuntu 18.04 LTS (bionic) is installed.</title><description/></metadata>
 <criteria><criterion test_ref="{p}tst:100" comment="The host is part of the unix family."/></criteria>
</definition>
<definition class="vulnerability" id="{p}def:201999990000000" version="1">
 <metadata>
  <title>CVE-2019-99999 on Ubuntu 18.04 LTS (bionic) - high &amp; more.</title>
  <description><![CDATA[derived case: <unfixed>, arch, existence-only]]> and dangling criteria</description>
  <reference source="CVE" ref_id="CVE-2019-99999" ref_url="https://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2019-99999"/>
  <advisory>
   <severity>High</severity><issued date="2019-02-03"/>
   <bug>https://launchpad.net/bugs/1</bug>
   <cve href="https://ubuntu.com/security/CVE-2019-99999">CVE-2019-99999</cve>
   <ref>https://example.org/ref</ref>
  </advisory>
 </metadata>
 <criteria operator="OR">
  <criterion test_ref="{p}tst:9001" comment="unfixed: evr 0"/>
  <criteria operator="AND"><criteria><criterion test_ref="{p}tst:9002" comment="arch pattern"/></criteria></criteria>
  <criterion test_ref="{p}tst:9003" comment="exists, no state"/>
  <criterion test_ref="{p}tst:9004" comment="a state without evr"/>
  <criterion test_ref="{p}tst:9999" comment="no such test"/>
  <criterion test_ref="{p}tst:9005" comment="a var_ref to no variable"/>
  <criterion test_ref="{p}tst:9006" comment="an object without a name"/>
 </criteria>
</definition>
<definition class="vulnerability" id="{p}def:201999980000000" version="1">
 <metadata><title>CVE-2019-99998 on Ubuntu 18.04 LTS (bionic) - untriaged.</title>
  <description>untriaged</description><advisory><severity>Untriaged</severity></advisory></metadata>
 <criteria><criterion test_ref="{p}tst:9001"/></criteria>
</definition>
<definition class="vulnerability" id="{p}def:201999970000000" version="1">
 <metadata><title></title><description>no title: claro skips it</description></metadata>
 <criteria><criterion test_ref="{p}tst:9001"/></criteria>
</definition>
</definitions>""",
"</tests>": f"""
 <ind-def:textfilecontent54_test id="{p}tst:100" version="1" check="at least one" comment="unix family">
  <ind-def:object object_ref="{p}obj:100"/>
 </ind-def:textfilecontent54_test>
 <linux-def:dpkginfo_test id="{p}tst:9001" version="1"><linux-def:object object_ref="{p}obj:9001"/><linux-def:state state_ref="{p}ste:9001"/></linux-def:dpkginfo_test>
 <linux-def:dpkginfo_test id="{p}tst:9002" version="1"><linux-def:object object_ref="{p}obj:9002"/><linux-def:state state_ref="{p}ste:9002"/></linux-def:dpkginfo_test>
 <linux-def:dpkginfo_test id="{p}tst:9003" version="1" check_existence="at_least_one_exists"><linux-def:object object_ref="{p}obj:9003"/></linux-def:dpkginfo_test>
 <linux-def:dpkginfo_test id="{p}tst:9004" version="1"><linux-def:object object_ref="{p}obj:9003"/><linux-def:state state_ref="{p}ste:9004"/></linux-def:dpkginfo_test>
 <linux-def:dpkginfo_test id="{p}tst:9005" version="1"><linux-def:object object_ref="{p}obj:9005"/></linux-def:dpkginfo_test>
 <linux-def:dpkginfo_test id="{p}tst:9006" version="1"><linux-def:object object_ref="{p}obj:9006"/></linux-def:dpkginfo_test>
</tests>""",
"</objects>": f"""
 <ind-def:textfilecontent54_object id="{p}obj:100" version="1"><ind-def:path>/etc</ind-def:path></ind-def:textfilecontent54_object>
 <linux-def:dpkginfo_object id="{p}obj:9001" version="1"><linux-def:name>unfixedpkg</linux-def:name></linux-def:dpkginfo_object>
 <linux-def:dpkginfo_object id="{p}obj:9002" version="1"><linux-def:name var_ref="{p}var:9002" var_check="at least one"/></linux-def:dpkginfo_object>
 <linux-def:dpkginfo_object id="{p}obj:9003" version="1"><linux-def:name>onlyexists</linux-def:name></linux-def:dpkginfo_object>
 <linux-def:dpkginfo_object id="{p}obj:9005" version="1"><linux-def:name var_ref="{p}var:missing"/></linux-def:dpkginfo_object>
 <linux-def:dpkginfo_object id="{p}obj:9006" version="1"/>
</objects>""",
"</states>": f"""
 <linux-def:dpkginfo_state id="{p}ste:9001" version="1"><linux-def:evr datatype="debian_evr_string" operation="less than">0</linux-def:evr></linux-def:dpkginfo_state>
 <linux-def:dpkginfo_state id="{p}ste:9002" version="1"><linux-def:arch operation="pattern match">amd64|i386</linux-def:arch><linux-def:evr datatype="debian_evr_string" operation="less than">1.2-3</linux-def:evr></linux-def:dpkginfo_state>
 <linux-def:dpkginfo_state id="{p}ste:9004" version="1"><linux-def:arch operation="equals">amd64</linux-def:arch></linux-def:dpkginfo_state>
</states>""",
"</variables>": f"""
 <constant_variable id="{p}var:9002" version="1" datatype="string"><value>archpkg</value><value>archpkg-dev</value></constant_variable>
</variables>""",
}
for k, v in add.items():
    assert doc.count(k) == 1, k
    doc = doc.replace(k, v)
open(dst, "w", encoding="utf-8").write(doc)
EOF
bzip2 -c "$tmp/derived.xml" >"$(feed derived)"

# The bionic file replicated: section bodies repeated with "r<k>" ids.
make_big() {
	python3 - "$U" "$1" "$2" <<'EOF'
import re, sys
src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
doc = open(src, encoding="utf-8").read()
p = "oval:com.ubuntu.bionic:"
with open(dst, "w", encoding="utf-8") as out:
    pos = 0
    for sec in ("definitions", "tests", "objects", "states", "variables"):
        m = re.search(r"<%s>(.*?)</%s>" % (sec, sec), doc, re.S)
        out.write(doc[pos:m.start(1)])
        body = m.group(1)
        for k in range(copies):
            out.write(body.replace(p, "oval:com.ubuntu.bionic.r%d:" % k))
        pos = m.end(1)
    out.write(doc[pos:])
EOF
}
copies=1200
[ "${CLARO_BIG_OVAL:-0}" = 1 ] && copies=30000
make_big "$tmp/big.xml" $copies
bzip2 -c "$tmp/big.xml" >"$(feed big)"

records() {
	python3 -c '
import json, sys
out = []
for line in sys.stdin:
    r = json.loads(line)
    if r["kind"] != "vulnerability":
        continue
    p, d = r["package"], r["distribution"]
    out.append("\t".join([r["name"], p["name"], p["kind"], r["fixed_in_version"], p["arch"], r["arch_op"],
                          d["did"], d["name"], d["version_id"], d["version"], d["version_code_name"],
                          d["pretty_name"], r["severity"], r["normalized_severity"], r["links"],
                          r["description"], json.dumps(r["issued"])]))
print("\n".join(sorted(out)))'
}

start_server "$www"
printf '[plugin.ubuntu]\nurl = %s/lp/\noval_url = %s/oval/\n' "$url" "$url" >"$tmp/ubuntu.ini"
ini=$tmp/ubuntu.ini

"$run" -c "$ini" "$plugin" ubuntu ubuntu list >"$tmp/list.out" 2>"$tmp/list.err"
check "$(cut -f2 "$tmp/list.out" | LC_ALL=C sort | tr '\n' ' ')" \
	"ubuntu/updater/big ubuntu/updater/bionic ubuntu/updater/debianoval ubuntu/updater/derived " \
	"list(): active series with a feed (not focal without one, not inactive trusty)"
check "$(grep -c 'HEAD /oval/' "$server_log"):$(grep -c 'trusty' "$server_log")" "6:0" \
	"one HEAD probe per active series, none for the inactive one"

compare() { # NAME SOURCE VERSION
	"$run" -c "$ini" "$plugin" ubuntu ubuntu update "ubuntu/updater/$1" >"$tmp/up.out" 2>"$tmp/up.err"
	rc=$?
	records <"$tmp/up.out" >"$tmp/got"
	python3 "$expect_py" "$2" "$3" "$1" >"$tmp/want"
	if [ $rc -eq 0 ]; then
		same_file "$tmp/got" "$tmp/want" "$1: $(grep -c . "$tmp/want") records as the OVAL says"
	else
		fail "$1: exit $rc"
		sed 's/^/#   /' "$tmp/up.err"
	fi
}
compare bionic "$U" 18.04
check "$(cut -f2 "$tmp/got" | sort | tr '\n' ' ')" \
	"$(python3 -c 'import sys,xml.etree.ElementTree as E; print(" ".join(sorted(v.text for v in E.parse(sys.argv[1]).getroot().iter("{http://oval.mitre.org/XMLSchema/oval-definitions-5}value"))))' "$U") " \
	"bionic: the packages are the constant variables' values"
compare derived "$tmp/derived.xml" 18.04
awk -F'\t' '$2 == "unfixedpkg" { print $4 "|" $14 }' "$tmp/got" | sort -u >"$tmp/unfixed"
check "$(tr '\n' ' ' <"$tmp/unfixed")" "0|High 0|Unknown " "derived: the unfixed package keeps fixed_in_version 0 (High; Untriaged -> Unknown)"
check "$(awk -F'\t' '$2 ~ /^archpkg/ { print $2 "|" $5 "|" $6 }' "$tmp/got" | tr '\n' ' ')" \
	"archpkg|amd64|i386|pattern match archpkg-dev|amd64|i386|pattern match " "derived: state arch and operation"
check "$(awk -F'\t' '$2 == "onlyexists" { print "[" $4 "]" }' "$tmp/got")" "[]" \
	"derived: an existence-only test gives an empty fixed_in_version; a state without evr gives nothing"
check "$(awk -F'\t' '$2 == "archpkg" { print $17 }' "$tmp/got")" \
	"$(python3 -c 'import calendar; print(calendar.timegm((2019, 2, 3, 0, 0, 0)))')" "derived: issued from the advisory date"
xz -dc "$(feed debianoval)" >"$tmp/debianoval.xml"
compare debianoval "$tmp/debianoval.xml" 7
check "$(cut -f2,4 "$tmp/got" | sort -u | tr '\t\n' '= ')" \
	"$(grep -o 'comment="[^"]* DPKG is earlier than [^"]*"' "$DO" | sed 's/comment="\([^ ]*\) DPKG is earlier than \(.*\)"/\1=0:\2/' | sort -u | tr '\n' ' ')" \
	"debianoval (xz): literal package names and versions match the criteria comments"

# Size: the replicated document, counts and the parser's memory.
base=$(python3 "$expect_py" "$U" 18.04 bionic | grep -c .)
"$run" -s -v -c "$ini" "$plugin" ubuntu ubuntu update ubuntu/updater/big >"$tmp/up.out" 2>"$tmp/up.err"
check "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["vulnerabilities"])' <"$tmp/up.out")" \
	$((base * copies)) "big: $copies copies of the bionic file give $copies x $base records"
"$b/tests/unit/parse-oval" "$(feed big)" >"$tmp/parse.json" 2>"$tmp/parse.err"
stat() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$tmp/parse.json" "$1"; }
if [ -s "$tmp/parse.json" ]; then
	mib=$(($(stat max_rss_kib) / 1024))
	check "$(stat vulnerabilities):$([ $mib -le 128 ] && echo bounded)" "$((base * copies)):bounded" \
		"big: the parser alone over $(($(stat bytes) / 1048576)) MiB of OVAL ($(stat compression)) peaks at $mib MiB RSS (target <= 128 MiB), tables $(($(stat table_bytes) / 1048576)) MiB, $(stat seconds) s"
else
	fail "big: parse-oval failed"
	sed 's/^/#   /' "$tmp/parse.err"
fi
grep 'ubuntu/updater\|big' "$tmp/up.err" | sed -n 's/.*INFO: /# /p' | head -3

# Conditional GET on the ETag.
"$run" -c "$ini" "$plugin" ubuntu ubuntu update ubuntu/updater/bionic >"$tmp/up.out" 2>&1
fp=$(python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin][-1]["fingerprint"])' <"$tmp/up.out")
etag=$(python3 -c 'import os,sys; s=os.stat(sys.argv[1]); print("\"%x-%x\"" % (s.st_mtime_ns, s.st_size))' "$(feed bionic)")
check "$fp" "$etag" "the fingerprint is the feed's ETag"
: >"$server_log"
out=$("$run" -c "$ini" -p "$fp" "$plugin" ubuntu ubuntu update ubuntu/updater/bionic 2>&1)
rc=$?
check "$rc:$out:$(cut -d' ' -f1-4 "$server_log")" "3::GET /oval/com.ubuntu.bionic.cve.oval.xml.bz2 304 inm=$etag" \
	"unchanged feed: If-None-Match, 304, CLARO_ERR_UNCHANGED, not even Launchpad asked"

# Bad input, served as the feed of series "bad".
bad_xml() { # MSG PATTERN FILE [compress]
	case ${4:-bzip2} in
	bzip2) bzip2 -c "$3" >"$(feed bad)" ;;
	raw) cp "$3" "$(feed bad)" ;;
	esac
	fails_clearly "$1" "$2" "$run" -c "$ini" "$plugin" ubuntu ubuntu update ubuntu/updater/bad
}
bad() { printf '%s' "$2" >"$tmp/doc"; bad_xml "$1" "could not read the Ubuntu OVAL feed" "$tmp/doc"; }
head -c $(($(wc -c <"$U") * 2 / 3)) "$U" >"$tmp/part"
bad_xml "truncated XML (two thirds of the bionic file)" "could not read the Ubuntu OVAL feed" "$tmp/part"
head -c $(($(wc -c <"$(feed bionic)") / 2)) "$(feed bionic)" >"$tmp/partbz"
bad_xml "truncated bzip2 stream" "could not read the Ubuntu OVAL feed" "$tmp/partbz" raw
bad_xml "an empty body" "could not read the Ubuntu OVAL feed" /dev/null raw
bad "not XML" "<html><body>oops"
bad "another root element" '<rss><channel/></rss>'
bad "OVAL without definitions" '<oval_definitions><tests/></oval_definitions>'
bad "mismatched tags" '<oval_definitions><definitions><definition></definitions></oval_definitions>'
bad "garbage after the root" '<oval_definitions><definitions/></oval_definitions><x/>'
python3 -c 'import sys; sys.stdout.write("<oval_definitions><definitions>" + "<criteria>" * 100000 + "</criteria>" * 100000 + "</definitions></oval_definitions>")' >"$tmp/deep"
bad_xml "100000 nested elements" "could not read the Ubuntu OVAL feed" "$tmp/deep"
cat >"$tmp/lol" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<oval_definitions><definitions><definition><metadata><title>&lol3;</title></metadata></definition></definitions></oval_definitions>
EOF
bad_xml "a DTD with nested entities (billion laughs)" "could not read the Ubuntu OVAL feed" "$tmp/lol"
cat >"$tmp/xxe" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<oval_definitions><definitions><definition><metadata><title>&xxe;</title></metadata></definition></definitions></oval_definitions>
EOF
bad_xml "an external entity (XXE)" "could not read the Ubuntu OVAL feed" "$tmp/xxe"
python3 -c '
import sys
sys.stdout.write("<oval_definitions><definitions><definition><metadata><title>x</title><description>")
sys.stdout.write("A" * (5 << 20) + "</description></metadata></definition></definitions></oval_definitions>")' >"$tmp/longtext"
bad_xml "a 5 MiB description" "could not read the Ubuntu OVAL feed" "$tmp/longtext"
# A decompression bomb: 40 MiB of empty elements in a few kB of bzip2,
# against a 16 MiB limit.
python3 -c '
import bz2, sys
c = bz2.BZ2Compressor(9)
out = [c.compress(b"<oval_definitions><definitions/>")]
for _ in range(40):
    out.append(c.compress(b"<x/>" * (1 << 18)))
out.append(c.compress(b"</oval_definitions>"))
out.append(c.flush())
sys.stdout.buffer.write(b"".join(out))' >"$(feed bad)"
printf '[plugin.ubuntu]\nurl = %s/lp/\noval_url = %s/oval/\nmax_feed_size = 16777216\n' "$url" "$url" >"$tmp/small.ini"
fails_clearly "a decompression bomb ($(wc -c <"$(feed bad)") bytes of bzip2 for 40 MiB) against max_feed_size" \
	"could not read the Ubuntu OVAL feed" "$run" -c "$tmp/small.ini" "$plugin" ubuntu ubuntu update ubuntu/updater/bad
grep -q 'decompresses to more than 16777216 bytes' "$tmp/fc.err" && pass "the bomb's error names the limit" ||
	fail "the bomb's error names the limit"
echo 503 >"$(feed bad).status"
fails_clearly "the feed answers 503" "could not fetch" "$run" -c "$ini" "$plugin" ubuntu ubuntu update ubuntu/updater/bad
fails_clearly "a series without a feed (404)" "could not fetch" \
	"$run" -c "$ini" "$plugin" ubuntu ubuntu update ubuntu/updater/focal
rm -f "$(feed bad).status"
cp "$(feed bionic)" "$(feed trusty)"
fails_clearly "a feed for a release Launchpad no longer lists as active" "is not an active release" \
	"$run" -c "$ini" "$plugin" ubuntu ubuntu update ubuntu/updater/trusty
fails_clearly "an updater the set does not have" "no updater" \
	"$run" -c "$ini" "$plugin" ubuntu ubuntu update ubuntu-bionic-updater
printf '{"entries": "none"}' >"$www/lp/ubuntu/series"
fails_clearly "a malformed series list" "could not read the Launchpad series list" \
	"$run" -c "$ini" "$plugin" ubuntu ubuntu list
stop_server
fails_clearly "the server is down" "could not fetch" "$run" -c "$ini" "$plugin" ubuntu ubuntu list

echo "1..$n"
[ $fails -eq 0 ]
