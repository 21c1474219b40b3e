#!/bin/sh
# Red Hat end to end: the rhel-vex updater over a loopback feed of every
# staged Red Hat VEX document (tree "all" of plugins/rhel/vex_stage.py), its
# records into core/matcher.c with the rhel matcher and an in-memory
# advisory source (plugins/rhel/run-vex-match), over Clair's own
# IndexReports of real Red Hat images:
#   - registry.access.redhat.com/ubi8/ubi (clair-fixtures/datastore-postgres/
#     stable-1.5.44): openssl-libs, brotli, libssh, curl, python3 ... in
#     BaseOS/AppStream 8 repositories;
#   - rhacs-main-rhel8 (datastore-postgres/main);
#   - claircore's test/rhel reports, which have only Red Hat Container
#     Catalog repositories: the rhel matcher must report nothing.
# The expected (package, vulnerability, product) triples are computed by
# plugins/rhel/vex_oracle.py from the same documents and reports alone: its
# own records, the CPE superset / prefix rule, the arch rule, and versions
# compared by the real rpm (rpm --eval's rpm.vercmp). The updater's records
# (with their ranges) must equal the oracle's. Then the same with
# ignore_unpatched = true (fixed records only).
# SPDX-License-Identifier: Apache-2.0
set -u
. "${abs_top_srcdir:?run through make check}/tests/unit/updater-lib.sh"
R=$T/advisories/rhel
F=$T/clair-fixtures
if [ ! -f "$R/claircore-vex/server.txtar" ] || [ ! -d "$F/acceptance" ]; then
	echo "1..0 # SKIP no test data at $R"
	exit 0
fi
for tool in zstd rpm; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "1..0 # SKIP the $tool program is needed (archives; rpm's own version comparison)"
		exit 0
	fi
done
driver="$b/plugins/rhel/run-vex-match"
oracle="$src/plugins/rhel/vex_oracle.py"
www=$tmp/www
python3 "$src/plugins/rhel/vex_stage.py" "$T" "$www" || { echo "Bail out! could not stage the VEX feed trees"; exit 1; }
start_server "$www"

reports="$F/datastore-postgres/stable-1.5.44/registry.access.redhat.com-ubi8-ubi.index.json
$F/datastore-postgres/main/rhacs-main-rhel8.index.json
$F/test-rhel/clair-rhel8-v3.5.5-4-indexreport.json
$F/test-rhel/rook-ceph-operator-container-4.7-159.76b9b11.release_4.7-indexreport.json"

python3 "$oracle" run "$www/all" >"$tmp/oracle.records"
# records in one JSON spelling, sorted
canon() { python3 -c '
import json, sys
print("".join(sorted("record " + json.dumps(json.loads(l[7:])) + "\n" for l in sys.stdin if l.startswith("record "))), end="")'; }
canon <"$tmp/oracle.records" >"$tmp/oracle.sorted"

for mode in all fixed; do
	extra=
	[ $mode = fixed ] && extra="ignore_unpatched = true
"
	printf '[plugin.rhel]\nvex_url = %s/all/\n%s' "$url" "$extra" >"$tmp/$mode.ini"
	# shellcheck disable=SC2086
	"$driver" -c "$tmp/$mode.ini" -o "$tmp/$mode.records" "$b/plugins" $reports >"$tmp/$mode.got" 2>"$tmp/$mode.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$mode: run-vex-match exit $rc"
		sed 's/^/#   /' "$tmp/$mode.err" | head -5
		continue
	fi
	sed 's/^/# /' "$tmp/$mode.err"
	if [ $mode = all ]; then
		canon <"$tmp/$mode.records" >"$tmp/records.sorted"
		same_file "$tmp/records.sorted" "$tmp/oracle.sorted" \
			"the updater's $(wc -l <"$tmp/records.sorted") records, ranges included, are the oracle's"
	fi
	for r in $reports; do
		base=${r##*/}
		grep "^$base	" "$tmp/$mode.got" | cut -f2- >"$tmp/$mode.$base.got"
		python3 "$oracle" match "$r" "$tmp/oracle.records" $([ $mode = fixed ] && echo fixed) >"$tmp/$mode.$base.want"
		same_file "$tmp/$mode.$base.got" "$tmp/$mode.$base.want" \
			"$mode: $base: $(wc -l <"$tmp/$mode.$base.want") (package, vulnerability, product) triples as the oracle says"
	done
done

ubi=$tmp/all.registry.access.redhat.com-ubi8-ubi.index.json.got
check "$(cut -f4 "$ubi" | sort -u | tr '\n' ' ')" \
	"$(cut -f4 "$tmp/all.registry.access.redhat.com-ubi8-ubi.index.json.want" | sort -u | tr '\n' ' ')" \
	"ubi8: the same CVEs as the oracle ($(cut -f4 "$ubi" | sort -u | wc -l))"
# Known-affected records are source packages: they reach binary packages
# built from that source (libssh-config comes from the libssh source rpm).
check "$(awk -F'\t' '$4 == "CVE-2026-0968" {print $2 " " $5}' "$ubi" | sort -u | tr '\n' ',')" \
	"libssh red_hat_enterprise_linux_8:libssh,libssh red_hat_enterprise_linux_8:libssh.src,libssh-config red_hat_enterprise_linux_8:libssh,libssh-config red_hat_enterprise_linux_8:libssh.src," \
	"ubi8: CVE-2026-0968 (known affected, RHEL 8 CPE) reaches libssh and libssh-config through their source"
check "$(awk -F'\t' '$4 == "CVE-2026-0968"' "$tmp/fixed.registry.access.redhat.com-ubi8-ubi.index.json.got" | wc -l)" 0 \
	"ubi8 with ignore_unpatched: no known-affected (unpatched) record"
check "$(cat "$tmp/all.clair-rhel8-v3.5.5-4-indexreport.json.got" "$tmp/all.rook-ceph-operator-container-4.7-159.76b9b11.release_4.7-indexreport.json.got" | wc -l)" 0 \
	"images with only Red Hat Container Catalog repositories: nothing from the rhel matcher"

echo "1..$n"
[ $fails -eq 0 ]
