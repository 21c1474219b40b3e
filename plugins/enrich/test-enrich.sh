#!/bin/sh
# The enrich plugin end to end. tests/unit/run-updater runs each of its three
# enrichment updaters (clair.cvss, claro.epss, claro.kev) with the real
# loader, host services and HTTP client against a loopback server
# (tests/unit/feed-server.py) serving the real files of
# $CLARO_TESTDATA/advisories/nvd/claircore-enricher in the upstream layouts:
#   nvd/nvdcve-2.0-<year>.meta and .json.gz   (NVD's CVE API 2.0 yearly feed)
#   epss/epss_scores-current.csv.gz            (FIRST's EPSS scores, and plain)
#   kev/known_exploited_vulnerabilities.json   (CISA's KEV catalog)
# What each emits must equal what enrich_oracle.py computes from the same
# files with Python's json/csv (claircore's rules). Then change detection
# (NVD .meta hashes, ETag, Last-Modified), the enrichers over a set of
# vulnerabilities naming those CVEs in Clair's ways (plugins/enrich/run-enrich:
# the updates go to the in-memory enrichment store, the enrichers run
# through core/enrich.c) checked against the oracle, the same through an
# air-gapped mirror directory with the default upstream URLs, and broken or
# hostile feeds (truncated, corrupt, bombs, deep JSON, huge numbers, bad CSV,
# wrong types, limits): each a three-part error with nothing emitted.
# SPDX-License-Identifier: Apache-2.0
set -u
. "${abs_top_srcdir:?run through make check}/tests/unit/updater-lib.sh"
N=$T/advisories/nvd/claircore-enricher
nvd=$N/cvss/feed.json
meta=$N/cvss/feed.meta
epss=$N/epss/data.csv
kev=$N/kev/known_exploited_vulnerabilities.json
if [ ! -f "$nvd" ] || [ ! -f "$meta" ] || [ ! -f "$epss" ] || [ ! -f "$kev" ]; then
	echo "1..0 # SKIP no NVD/EPSS/KEV test data at $N"
	exit 0
fi
oracle="$src/plugins/enrich/enrich_oracle.py"
renrich="$b/plugins/enrich/run-enrich"
gz() { python3 -c 'import gzip,sys; sys.stdout.buffer.write(gzip.compress(open(sys.argv[1],"rb").read(), mtime=0))' "$1"; }

mkdir -p "$tmp/plugins" "$tmp/www/nvd" "$tmp/www/nvd2" "$tmp/www/epss" "$tmp/www/plain" "$tmp/www/kev"
cp "$b/plugins/enrich/.libs/enrich.so" "$tmp/plugins/" || exit 1
cp "$meta" "$tmp/www/nvd/nvdcve-2.0-2016.meta"
gz "$nvd" >"$tmp/www/nvd/nvdcve-2.0-2016.json.gz"
for y in 2015 2016; do
	cp "$meta" "$tmp/www/nvd2/nvdcve-2.0-$y.meta"
	cp "$tmp/www/nvd/nvdcve-2.0-2016.json.gz" "$tmp/www/nvd2/nvdcve-2.0-$y.json.gz"
done
gz "$epss" >"$tmp/www/epss/epss_scores-current.csv.gz"
cp "$epss" "$tmp/www/plain/epss_scores-current.csv"
cp "$kev" "$tmp/www/kev/known_exploited_vulnerabilities.json"
python3 "$oracle" hostile "$nvd" "$epss" "$kev" "$tmp/www/bad" || exit 1
start_server "$tmp/www"

ini="$tmp/enrich.ini"
# conf [KEY=VALUE...]: the feeds served above, years 2016 only, with overrides
conf() {
	{
		echo "[plugin.enrich]"
		for kv in "cvss_feed_root=$url/nvd/" cvss_first_year=2016 cvss_last_year=2016 \
			"epss_url=$url/epss/epss_scores-current.csv.gz" \
			"kev_url=$url/kev/known_exploited_vulnerabilities.json" "$@"; do
			echo "$kv"
		done
	} | awk -F= '/^\[/ { print; next } { v[$1] = substr($0, length($1) + 2); if (!($1 in seen)) { seen[$1] = 1; k[++n] = $1 } }
		END { for (i = 1; i <= n; i++) print k[i] " = " v[k[i]] }' >"$ini"
}
# upd NAME [-p FP]: run one updater -> $tmp/NAME.out, $tmp/NAME.err; exit status
upd() {
	name=$1
	shift
	"$run" -c "$ini" "$@" "$tmp/plugins" enrich "$name" update "$name" >"$tmp/$name.out" 2>"$tmp/$name.err"
}
fingerprint() { python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["fingerprint"])' "$1"; }
# oracle_check KIND FILE OUT MSG
oracle_check() {
	if res=$(python3 "$oracle" compare "$1" "$2" "$3"); then
		pass "$4: $(echo "$res" | tail -1 | sed 's/^# //')"
	else
		fail "$4"
		echo "$res" | sed 's/^/#   /'
	fi
}
requests() { sed -n "$1,\$p" "$server_log"; }
log_mark() { wc -l <"$server_log"; }

conf
# 1-3: each set lists one updater, named as the set, flagged as an enrichment updater.
for s in clair.cvss claro.epss claro.kev; do
	check "$("$run" -c "$ini" "$tmp/plugins" enrich "$s" list 2>&1)" "$(printf 'updater\t%s\t1' "$s")" \
		"$s lists the updater $s (CLARO_UPDATER_ENRICHMENT)"
done

# 4-10: clair.cvss.
if upd clair.cvss; then
	oracle_check cvss "$nvd" "$tmp/clair.cvss.out" "clair.cvss emits one record per non-rejected CVE with its Primary CVSS 3.x cvssData, tag = CVE id"
else
	fail "clair.cvss runs"
	sed 's/^/#   /' "$tmp/clair.cvss.err"
fi
fp=$(fingerprint "$tmp/clair.cvss.out")
want=$(python3 -c 'import json,sys
sha = [l.split(":", 1)[1].strip().upper() for l in open(sys.argv[1]) if l.startswith("sha256:")][0]
print(json.dumps({"2016": sha}, separators=(",", ":")))' "$meta")
check "$fp" "$want" "the fingerprint is Clair's: the JSON map year -> sha256 of the .meta file"
mark=$(log_mark)
upd clair.cvss -p "$fp"
rc=$?
if [ $rc -eq 3 ] && [ ! -s "$tmp/clair.cvss.out" ] && requests $((mark + 1)) | grep -q 'GET /nvd/nvdcve-2.0-2016.meta 200' &&
	! requests $((mark + 1)) | grep -q 'json.gz'; then
	pass "with that fingerprint: only the .meta is fetched, UNCHANGED, nothing emitted"
else
	fail "unchanged NVD feeds (exit $rc)"
	requests $((mark + 1)) | sed 's/^/#   /'
fi
upd clair.cvss -p '{"2016":"0000000000000000000000000000000000000000000000000000000000000000"}'
if [ $? -eq 0 ] && python3 "$oracle" compare cvss "$nvd" "$tmp/clair.cvss.out" >/dev/null; then
	pass "a changed .meta hash refetches the feed"
else
	fail "changed NVD feed is refetched"
fi
conf "cvss_feed_root=$url/nvd2/" cvss_first_year=2015
upd clair.cvss
n2=$(grep -c '"kind":"enrichment"' "$tmp/clair.cvss.out")
n1=$(python3 "$oracle" records cvss "$nvd" | wc -l)
fp2=$(fingerprint "$tmp/clair.cvss.out")
case $fp2 in
'{"2015":"'*'","2016":"'*'"}') ok_fp=1 ;;
*) ok_fp=0 ;;
esac
if [ "$n2" -eq $((2 * n1)) ] && [ $ok_fp = 1 ]; then
	pass "two yearly feeds: both fetched ($n2 records), both hashes in the fingerprint"
else
	fail "two yearly feeds ($n2 records, fingerprint $fp2)"
fi
# Two more real NVD API 2.0 pages (anchore/vunnel's fixtures: 38 CVEs, some
# awaiting analysis with only Secondary metrics) as the 2022 and 2023 feeds,
# with the .meta files NVD would publish for them (CRLF lines, as NVD's).
V=$T/advisories/nvd/vunnel
python3 "$oracle" nvd-year "$V/single-entry.json" "$tmp/www/nvd3" 2022 &&
	python3 "$oracle" nvd-year "$V/full-page.json" "$tmp/www/nvd3" 2023 || exit 1
conf "cvss_feed_root=$url/nvd3/" cvss_first_year=2022 cvss_last_year=2023
upd clair.cvss
oracle_check cvss "$V/single-entry.json,$V/full-page.json" "$tmp/clair.cvss.out" \
	"clair.cvss over vunnel's real NVD pages (2022, 2023)"
conf "max_record_bytes=1024"
fails_clearly "clair.cvss: a CVE record over max_record_bytes" "feed record too large" \
	"$run" -c "$ini" "$tmp/plugins" enrich clair.cvss update clair.cvss

# 11-14: claro.epss.
conf
upd claro.epss
oracle_check epss "$epss" "$tmp/claro.epss.out" "claro.epss (gzip) emits one record per row, claircore's EPSSItem shape"
conf "epss_url=$url/plain/epss_scores-current.csv"
upd claro.epss
oracle_check epss "$epss" "$tmp/claro.epss.out" "claro.epss reads the same CSV uncompressed (a mirror's copy)"
conf
upd claro.epss
efp=$(fingerprint "$tmp/claro.epss.out")
case $efp in
'"'*'"') pass "claro.epss's fingerprint is the ETag ($efp)" ;;
*) fail "claro.epss fingerprint is the ETag: $efp" ;;
esac
mark=$(log_mark)
upd claro.epss -p "$efp"
rc=$?
if [ $rc -eq 3 ] && [ ! -s "$tmp/claro.epss.out" ] &&
	requests $((mark + 1)) | grep -qF "GET /epss/epss_scores-current.csv.gz 304 inm=$efp"; then
	pass "with that fingerprint: If-None-Match sent, 304, UNCHANGED, nothing emitted"
else
	fail "conditional EPSS fetch (exit $rc)"
	requests $((mark + 1)) | sed 's/^/#   /'
fi
# 15-17: claro.kev.
upd claro.kev
oracle_check kev "$kev" "$tmp/claro.kev.out" "claro.kev emits one record per catalog entry, claircore's kev.Entry shape"
kfp=$(fingerprint "$tmp/claro.kev.out")
case $kfp in
*" GMT") pass "claro.kev's fingerprint is Last-Modified ($kfp): CISA answers If-Modified-Since" ;;
*) fail "claro.kev fingerprint is Last-Modified: $kfp" ;;
esac
mark=$(log_mark)
upd claro.kev -p "$kfp"
rc=$?
if [ $rc -eq 3 ] && [ ! -s "$tmp/claro.kev.out" ] &&
	requests $((mark + 1)) | grep -qF "GET /kev/known_exploited_vulnerabilities.json 304 inm=- ims=$kfp"; then
	pass "with that fingerprint: If-Modified-Since sent, 304, UNCHANGED, nothing emitted"
else
	fail "conditional KEV fetch (exit $rc)"
	requests $((mark + 1)) | sed 's/^/#   /'
fi

# 18-19: the enrichers over vulnerabilities naming those CVEs.
python3 "$oracle" vulns "$nvd" "$epss" "$kev" "$tmp/vulns.json" || exit 1
if "$renrich" -c "$ini" "$tmp/plugins" enrich "$tmp/vulns.json" clair.cvss claro.epss claro.kev \
	>"$tmp/enrich.out" 2>"$tmp/enrich.err" &&
	res=$(python3 "$oracle" enrichments "$tmp/vulns.json" "$nvd" "$epss" "$kev" "$tmp/enrich.out"); then
	pass "every enricher attaches what Clair's rule gives per vulnerability id: $(echo "$res" | tail -1 | sed 's/^# //')"
else
	fail "enrichers attach the expected records"
	echo "${res:-}" | sed 's/^/#   /'
	sed 's/^/#   /' "$tmp/enrich.err"
fi
# The same through an air-gapped mirror: default upstream URLs, no network.
m="$tmp/mirror"
mkdir -p "$m/nvd.nist.gov/feeds/json/cve/2.0" "$m/epss.empiricalsecurity.com" "$m/www.cisa.gov/sites/default/files/feeds"
cp "$tmp/www/nvd/"* "$m/nvd.nist.gov/feeds/json/cve/2.0/"
cp "$tmp/www/epss/epss_scores-current.csv.gz" "$m/epss.empiricalsecurity.com/"
cp "$kev" "$m/www.cisa.gov/sites/default/files/feeds/"
printf '[plugin.enrich]\ncvss_first_year = 2016\ncvss_last_year = 2016\n' >"$tmp/defaults.ini"
if "$renrich" -c "$tmp/defaults.ini" -m "$m" "$tmp/plugins" enrich "$tmp/vulns.json" clair.cvss claro.epss claro.kev \
	>"$tmp/mirror.out" 2>"$tmp/mirror.err" &&
	python3 "$oracle" enrichments "$tmp/vulns.json" "$nvd" "$epss" "$kev" "$tmp/mirror.out" >/dev/null; then
	pass "air-gapped: the default upstream URLs read from a mirror directory give the same enrichments"
else
	fail "air-gapped mirror run"
	sed 's/^/#   /' "$tmp/mirror.err" "$tmp/mirror.out" | head -10
fi

# 20-: broken and hostile feeds: exit 1, a three-part error, nothing emitted.
# bad UPDATER CASE MESSAGE DETAIL: the feed of UPDATER replaced by the broken
# variant CASE (enrich_oracle.py hostile) fails with exit 1, nothing on
# stdout, a message starting with MESSAGE, a detail matching DETAIL, a hint.
bad() {
	case $1 in
	clair.cvss) conf "cvss_feed_root=$url/bad/$2/" ;;
	claro.epss) conf "epss_url=$url/bad/$2/epss.csv.gz" ;;
	claro.kev) conf "kev_url=$url/bad/$2/kev.json" ;;
	esac
	"$run" -c "$ini" "$tmp/plugins" enrich "$1" update "$1" >"$tmp/bad.out" 2>"$tmp/bad.err"
	rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$tmp/bad.out" ] && grep -q "^run-updater: $3" "$tmp/bad.err" &&
		grep -qi -- "^  detail: .*$4" "$tmp/bad.err" && grep -q '^  hint: .' "$tmp/bad.err"; then
		pass "$1, $2: $3 / $(sed -n "/^  detail: /{s|^  detail: ||; s|$url/bad/$2/||; p;}" "$tmp/bad.err" | cut -c1-110)"
	else
		fail "$1, $2 (exit $rc)"
		sed 's/^/#   /' "$tmp/bad.err" | head -4
		head -c 300 "$tmp/bad.out" | sed 's/^/#   stdout: /'
		echo
	fi
}
bad clair.cvss meta-no-sha "malformed NVD .meta file" 'no "sha256:" line'
bad clair.cvss meta-bad-sha "malformed NVD .meta file" "not 64 hex digits"
bad clair.cvss nvd-missing-feed "could not fetch" "status 404"
bad clair.cvss nvd-truncated-gz "truncated gzip feed" "ends in the middle of its gzip data"
bad clair.cvss nvd-truncated-json "malformed JSON feed" "ends in the middle of a value"
bad clair.cvss nvd-cvssdata-string "malformed NVD feed" "cvssData is not an object"
bad clair.cvss nvd-id-not-cve "malformed NVD feed" "cve.id is not a CVE id"
bad clair.cvss nvd-metrics-array "malformed NVD feed" "metrics is not an object"
bad clair.cvss nvd-deep-json "malformed JSON feed" "nested too deeply"
bad clair.cvss nvd-huge-number "malformed JSON feed" "too large for a double"
bad clair.cvss nvd-huge-integer "malformed JSON feed" "does not fit in 64 bits"
bad clair.cvss nvd-bad-utf8 "malformed JSON feed" "invalid UTF-8"
bad clair.cvss nvd-duplicate-key "malformed NVD feed" "member name repeats"
bad clair.cvss nvd-not-object "malformed JSON feed" "not a JSON object"
bad clair.cvss nvd-no-vulnerabilities "malformed JSON feed" 'no "vulnerabilities" array'
bad clair.cvss nvd-all-rejected "no CVSS records" "no CVE with a Primary CVSS 3.x"
bad clair.cvss nvd-trailing-data "malformed JSON feed" "data follows the top-level object"
bad claro.epss epss-bad-header "malformed EPSS feed" "header is not"
bad claro.epss epss-no-meta "malformed EPSS feed" "first line is not"
bad claro.epss epss-bad-number "malformed EPSS feed" "not a decimal number between 0 and 1"
bad claro.epss epss-huge-number "malformed EPSS feed" "not a decimal number between 0 and 1"
bad claro.epss epss-long-number "malformed EPSS feed" "not a decimal number between 0 and 1"
bad claro.epss epss-above-one "malformed EPSS feed" "not a decimal number between 0 and 1"
bad claro.epss epss-missing-field "malformed EPSS feed" "as many fields as the header"
bad claro.epss epss-quoted "malformed EPSS feed" "quoted fields"
bad claro.epss epss-not-cve "malformed EPSS feed" "not a CVE id"
bad claro.epss epss-long-line "malformed EPSS feed" "longer than 4096 bytes"
bad claro.epss epss-no-rows "empty EPSS feed" "no scores"
bad claro.epss epss-truncated-gz "truncated gzip feed" "ends in the middle of its gzip data"
bad claro.epss epss-corrupt-gz "corrupt gzip feed" "zlib failed"
bad claro.epss epss-trailing-garbage "corrupt gzip feed" "after the end of its gzip data"
bad claro.epss epss-gzip-bomb "feed looks like a decompression bomb" "a ratio above 200:1"
bad claro.kev kev-truncated "malformed JSON feed" "ends in the middle of a value"
bad claro.kev kev-deep-json "malformed JSON feed" "nested too deeply"
bad claro.kev kev-wrong-type "malformed KEV catalog" "a string is expected in dueDate"
bad claro.kev kev-not-cve "malformed KEV catalog" "cveID is not a CVE id"
bad claro.kev kev-huge-count "malformed JSON feed" "too large for a double"
bad claro.kev kev-huge-integer "malformed JSON feed" "does not fit in 64 bits"
bad claro.kev kev-bad-escape "malformed JSON feed" "invalid escape"
bad claro.kev kev-nul-escape "malformed JSON feed" "u0000 escape"
bad claro.kev kev-no-entries "empty KEV catalog" "no entries"
bad claro.kev kev-not-json "malformed JSON feed" "not a JSON object"
bad claro.kev kev-empty "malformed JSON feed" "the feed is empty"
bad claro.kev kev-gzip-bomb "feed looks like a decompression bomb" "a ratio above 200:1"
conf "max_uncompressed_bytes=1024"
fails_clearly "claro.kev: a catalog over max_uncompressed_bytes" "feed too large when decompressed" \
	"$run" -c "$ini" "$tmp/plugins" enrich claro.kev update claro.kev
conf "epss_url=$url/missing/epss.csv.gz"
fails_clearly "claro.epss: a 404" "could not fetch" "$run" -c "$ini" "$tmp/plugins" enrich claro.epss update claro.epss
conf "cvss_first_year=2017"
fails_clearly "bad configuration: cvss_last_year before cvss_first_year" "invalid cvss_last_year" \
	"$run" -c "$ini" "$tmp/plugins" enrich clair.cvss list

echo "1..$n"
[ $fails -eq 0 ]
