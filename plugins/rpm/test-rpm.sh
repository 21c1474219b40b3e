#!/bin/sh
# The rpm plugin against rpm's own answers.
#
# Oracles (see $CLARO_TESTDATA/SOURCES.md): `rpm -qa --qf` (RPM 4.18) for
# every staged database rpm can read, the published go-rpmdb list for the ndb
# one (RPM 4.18 on Debian has no ndb backend); and, when the rpm tool is
# installed (contrib/install-deps.sh installs it), rpm run here on the same
# files and on databases generated from real headers:
#   - the staged headers re-inserted into SQLite, and into Berkeley DB hash
#     files of both byte orders and three page sizes (db5.3_load), which
#     covers overflow chains and inline values;
#   - packages built here with rpmbuild (epochs absent/0/7, modularity
#     labels, releases with an architecture suffix, no files) and installed
#     with `rpm --justdb`.
# For each database: rpmdb-dump prints exactly what `rpm -qa --qf` prints;
# the scanner (tests/unit/scan-layer) reports the same package set in
# Clair's shape (EVR with epoch 0 left out, source from SOURCERPM,
# name:stream module), with rpm's payload digest and signing key as the
# repository hint; the RPM-owned path set (the test plugin rpmpaths) equals
# `rpm -qal`. Then discovery in a layer (anywhere, symlinks, look-alike
# files) and malformed databases, which must fail with a three-part error.
# SPDX-License-Identifier: Apache-2.0
set -u
b=${abs_top_builddir:?run through make check}
s=${abs_top_srcdir:?run through make check}
td=${CLARO_TESTDATA:-/work/shared/testdata}
rt=$td/pkgdb/rpm
scan="$b/tests/unit/scan-layer $b/plugins/rpm/.libs rpm package rpm"
paths="$b/tests/unit/scan-layer $b/plugins/rpm/.libs rpmpaths file rpm-owned-paths"
dump=$b/plugins/rpm/rpmdb-dump
gen="python3 $s/plugins/rpm/gen-rpmdb.py"
QF='%{EPOCH}\t%{NAME}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{MODULARITYLABEL}\n'
HQF='%{NAME}\t%{PAYLOADDIGESTALGO}\t%{PAYLOADDIGEST}\t%{SIGPGP:pgpsig}\n'
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
check() { n=$((n + 1)); if [ "$1" = "$2" ]; then echo "ok $n - $3"; else printf 'not ok %d - %s\n' $n "$3"; diff -u "$tmp/.want" "$tmp/.got" 2>/dev/null | sed 's/^/#   /' | head -20; fi; }
same() { printf '%s\n' "$1" >"$tmp/.got"; printf '%s\n' "$2" >"$tmp/.want"; check "$1" "$2" "$3"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
have_rpm=no; command -v rpm >/dev/null 2>&1 && have_rpm=yes
have_gen=no; [ $have_rpm = yes ] && command -v python3 >/dev/null 2>&1 && command -v rpmbuild >/dev/null 2>&1 &&
	command -v db5.3_load >/dev/null 2>&1 && have_gen=yes

# rpm's answers for a database file: rpmq FILE KIND ARGS... (rpm gets its own
# copy in a directory of its own, where it may leave lock files).
rpmq() {
	f=$1; k=$2; shift 2
	rm -rf "$tmp/rpmdb" && mkdir "$tmp/rpmdb" && cp "$f" "$tmp/rpmdb/" || return 1
	if [ "$k" = bdb ]; then
		rpm --define '_db_backend bdb_ro' --dbpath "$tmp/rpmdb" "$@" 2>/dev/null
	else
		rpm --dbpath "$tmp/rpmdb" "$@" 2>/dev/null
	fi
}
# Clair's view of an `rpm -qa --qf "$QF"` line: name, EVR (epoch 0 or none
# left out), arch, source name and EVR parsed from SOURCERPM, module.
clair_view() {
	awk 'function evr(e, v, r) { return (e == "(none)" || e == "0" ? "" : e ":") v "-" r }
	BEGIN { FS = OFS = "\t" }
	$2 == "gpg-pubkey" { next }
	{
		s = $6; sn = ""; se = ""
		if (s != "(none)") {
			sub(/\.rpm$/, "", s); sub(/\.src$/, "", s); sub(/\.nosrc$/, "", s)
			k = split(s, p, "-")
			if (k >= 3) {
				sn = p[1]; for (i = 2; i <= k - 2; i++) sn = sn "-" p[i]
				ev = p[k - 1]; ra = p[k]; ep = "0"
				if ((c = index(ev, ":")) > 0) { if (c > 1) ep = substr(ev, 1, c - 1); ev = substr(ev, c + 1) }
				sub(/\.(aarch64|i386|i686|noarch|ppc64le|riscv|s390x|src|x86_64)$/, "", ra)
				se = (ep == "0" ? "" : ep ":") ev "-" ra
			}
		}
		m = ""
		if ($7 != "(none)" && split($7, q, ":") >= 3) m = q[1] ":" q[2]
		print $2, evr($1, $3, $4), ($5 == "(none)" ? "" : $5), sn, se, m
	}' | LC_ALL=C sort
}
scanner_view() { awk 'BEGIN { FS = OFS = "\t" } $1 == "package" { print $2, $3, $5, $6, $7, $8 }' | LC_ALL=C sort; }
# The repository hint rpm's answers imply: hash=sha256%3A<digest> when the
# digest algorithm is 8, key=<the signature's key ID>.
hint_view() {
	awk 'BEGIN { FS = OFS = "\t" }
	$1 == "gpg-pubkey" { next }
	{
		h = ""
		if ($2 == "8" && $3 != "(none)") h = "hash=sha256%3A" $3
		if (match($4, /Key ID [0-9a-f]+/)) h = h (h == "" ? "" : "&") "key=" substr($4, RSTART + 7, RLENGTH - 7)
		print $1, h
	}' | LC_ALL=C sort
}
# a layer root holding FILE at PATH
mkroot() { rm -rf "$tmp/root" && mkdir -p "$tmp/root/$(dirname "$2")" && cp "$1" "$tmp/root/$2"; }

# Everything about one database: dbcase LABEL FILE KIND LAYER-PATH ORACLE
# (ORACLE: an `rpm -qa --qf "$QF"` listing, sorted).
dbcase() {
	label=$1; f=$2; k=$3; lp=$4; oracle=$5
	$dump -k "$k" "$f" 2>"$tmp/dump.err" | LC_ALL=C sort >"$tmp/dump.tsv"
	same "$(cat "$tmp/dump.tsv")$(cat "$tmp/dump.err")" "$(cat "$oracle")" \
		"$label: rpmdb-dump prints what rpm -qa prints, epochs and labels included ($(grep -c . "$oracle") headers)"
	mkroot "$f" "$lp"
	$scan "$tmp/root" >"$tmp/scan.tsv" 2>"$tmp/scan.err"
	same "$(scanner_view <"$tmp/scan.tsv")$(cat "$tmp/scan.err")" "$(clair_view <"$oracle")" \
		"$label: the scanner's packages equal rpm -qa in Clair's shape ($(grep -c '^package' "$tmp/scan.tsv") packages)"
	dir=$(dirname "$lp")
	same "$(awk -F'\t' -v db="$k:$dir" -v fp="$lp" '$1 == "package" && ($4 != "binary" || $9 != db || $11 != fp) { print }' "$tmp/scan.tsv")" "" \
		"$label: kind binary, package_db $k:$dir, filepath $lp"
	if [ $have_rpm = yes ] && [ "$k" != ndb ]; then
		rpmq "$f" "$k" -qa --qf "$HQF" | hint_view >"$tmp/hints.want"
		same "$(awk 'BEGIN { FS = OFS = "\t" } $1 == "package" { print $2, $10 }' "$tmp/scan.tsv" | LC_ALL=C sort)" \
			"$(cat "$tmp/hints.want")" "$label: repository hints from rpm's payload digest and signature key ID"
		$paths "$tmp/root" 2>"$tmp/paths.err" | cut -f2 | LC_ALL=C sort >"$tmp/paths.got"
		rpmq "$f" "$k" -qal | sed -n 's|^/||p' | LC_ALL=C sort -u >"$tmp/paths.want"
		same "$(cat "$tmp/paths.got" "$tmp/paths.err")" "$(cat "$tmp/paths.want")" \
			"$label: the RPM-owned path set equals rpm -qal ($(grep -c . "$tmp/paths.want") paths)"
	else
		skip "$label: repository hints (no rpm oracle${k:+ for $k})"
		skip "$label: RPM-owned paths (no rpm oracle${k:+ for $k})"
	fi
}

# 1. The staged databases and their oracles.
dbcase "CBL-Mariner 2.0 rpmdb.sqlite" "$rt/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite" sqlite \
	usr/lib/sysimage/rpm/rpmdb.sqlite "$rt/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite.rpm-qa.tsv"
dbcase "UBI 8 libuuid Packages (bdb)" "$rt/go-rpmdb/libuuid/Packages" bdb var/lib/rpm/Packages \
	"$rt/go-rpmdb/libuuid/Packages.rpm-qa.tsv"
dbcase "syft Packages (bdb)" "$rt/syft-bdb/Packages" bdb var/lib/rpm/Packages "$rt/syft-bdb/Packages.rpm-qa.tsv"
LC_ALL=C sort "$rt/go-rpmdb/sle15-bci/Packages.db.go-rpmdb-expected.tsv" >"$tmp/sle15.tsv"
dbcase "SLE 15 BCI Packages.db (ndb)" "$rt/go-rpmdb/sle15-bci/Packages.db" ndb usr/lib/sysimage/rpm/Packages.db \
	"$tmp/sle15.tsv"

# 2. Databases generated from real headers, rpm as the oracle.
if [ $have_gen = yes ]; then
	mkdir -p "$tmp/gen/sqlite"
	$gen sqlite "$tmp/gen/sqlite/rpmdb.sqlite" "$rt/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite" \
		--blob "$rt/claircore/package.header" >/dev/null
	rpmq "$tmp/gen/sqlite/rpmdb.sqlite" sqlite -qa --qf "$QF" | LC_ALL=C sort >"$tmp/gen/oracle.tsv"
	dbcase "CBL-Mariner headers + claircore package.header in SQLite" "$tmp/gen/sqlite/rpmdb.sqlite" sqlite \
		var/lib/rpm/rpmdb.sqlite "$tmp/gen/oracle.tsv"
	for o in le be; do
		for ps in 512 4096 65536; do
			lo=1234; [ $o = be ] && lo=4321
			mkdir -p "$tmp/gen/$o$ps"
			$gen bdb-load "$tmp/gen/load.txt" "$tmp/gen/sqlite/rpmdb.sqlite" --order $o --pagesize $ps >/dev/null
			db5.3_load -c db_lorder=$lo -f "$tmp/gen/load.txt" "$tmp/gen/$o$ps/Packages"
			rpmq "$tmp/gen/$o$ps/Packages" bdb -qa --qf "$QF" | LC_ALL=C sort >"$tmp/gen/oracle-$o$ps.tsv"
			same "$(cat "$tmp/gen/oracle-$o$ps.tsv")" "$(cat "$tmp/gen/oracle.tsv")" \
				"Berkeley DB $o, $ps-byte pages: rpm reads the same packages as from SQLite"
			dbcase "Berkeley DB $o, $ps-byte pages" "$tmp/gen/$o$ps/Packages" bdb var/lib/rpm/Packages \
				"$tmp/gen/oracle-$o$ps.tsv"
		done
	done

	# Packages built here: what rpmbuild writes and rpm --justdb installs.
	mkdir -p "$tmp/rb"
	spec() { # name epoch(- for none) version release label(- for none) files...
		nm=$1; ep=$2; ve=$3; re=$4; la=$5; shift 5
		{
			printf 'Name: %s\nVersion: %s\nRelease: %s\nSummary: claro test\nLicense: MIT\nBuildArch: noarch\n' "$nm" "$ve" "$re"
			[ "$ep" = - ] || printf 'Epoch: %s\n' "$ep"
			printf '%%description\nclaro test package\n%%install\n'
			for f in "$@"; do printf 'mkdir -p %%{buildroot}%s && echo x > %%{buildroot}%s\n' "$(dirname "$f")" "$f"; done
			printf '%%files\n'
			for f in "$@"; do printf '%s\n' "$f"; done
		} >"$tmp/rb/$nm.spec"
		if [ "$la" = - ]; then
			rpmbuild -bb --define "_topdir $tmp/rb/top" "$tmp/rb/$nm.spec" >"$tmp/rb/$nm.log" 2>&1
		else
			rpmbuild -bb --define "_topdir $tmp/rb/top" --define "modularitylabel $la" "$tmp/rb/$nm.spec" \
				>"$tmp/rb/$nm.log" 2>&1
		fi
	}
	spec claro-epoch7 7 1.2.3 4.el8 mystream:rhel8:8020020200507003530:0d58ad57 /usr/bin/claro-a \
		/usr/lib/python3.9/site-packages/foo-1.0.dist-info/METADATA &&
		spec claro-epoch0 0 2.0 1 - /usr/libexec/claro/helper /etc/claro.conf &&
		spec claro-noepoch - 3.0~rc1 2.x86_64 short:label /usr/sbin/claro-d &&
		spec claro-multi-dash-name - 0.1 0.1 'nodejs:18:9040020230607160327:rhel9' /opt/claro/lib/x.jar &&
		spec claro-nofiles 12 1 1 - &&
		mkdir -p "$tmp/rb/root" &&
		rpm -i --justdb --nodeps --noscripts --ignorearch --root "$tmp/rb/root" --dbpath /var/lib/rpm \
			"$tmp"/rb/top/RPMS/noarch/*.rpm >"$tmp/rb/install.log" 2>&1
	check "$?:$(ls "$tmp/rb/root/var/lib/rpm/rpmdb.sqlite" 2>&1)" "0:$tmp/rb/root/var/lib/rpm/rpmdb.sqlite" \
		"rpmbuild builds five packages and rpm --justdb installs them $(tail -3 "$tmp/rb/install.log" | tr '\n' ' ')"
	rpmq "$tmp/rb/root/var/lib/rpm/rpmdb.sqlite" sqlite -qa --qf "$QF" | LC_ALL=C sort >"$tmp/rb/oracle.tsv"
	dbcase "rpmbuild packages in rpm's own SQLite database" "$tmp/rb/root/var/lib/rpm/rpmdb.sqlite" sqlite \
		var/lib/rpm/rpmdb.sqlite "$tmp/rb/oracle.tsv"
	same "$(awk -F'\t' '$1 == "package" { print $2 "=" $3 "=" $7 "=" $8 }' "$tmp/scan.tsv" | LC_ALL=C sort)" \
		"$(printf '%s\n' claro-epoch0=2.0-1=2.0-1= claro-epoch7=7:1.2.3-4.el8=1.2.3-4.el8=mystream:rhel8 \
			claro-multi-dash-name=0.1-0.1=0.1-0.1=nodejs:18 claro-noepoch=3.0~rc1-2.x86_64=3.0~rc1-2= \
			claro-nofiles=12:1-1=1-1=)" \
		"rpmbuild packages: epoch 0 left out, 7 and 12 kept; the source at epoch 0 with Clair's arch suffix cut; labels with fewer than two ':' give no module"
	mkdir -p "$tmp/rb/bdb"
	$gen bdb-load "$tmp/rb/load.txt" "$tmp/rb/root/var/lib/rpm/rpmdb.sqlite" --order be >/dev/null &&
		db5.3_load -c db_lorder=4321 -f "$tmp/rb/load.txt" "$tmp/rb/bdb/Packages"
	dbcase "rpmbuild packages in big-endian Berkeley DB" "$tmp/rb/bdb/Packages" bdb var/lib/rpm/Packages \
		"$tmp/rb/oracle.tsv"
else
	for i in $(seq 1 53); do skip "generated databases need rpm, rpmbuild, python3, db5.3_load"; done
fi

# 3. Finding databases in a layer.
rm -rf "$tmp/root" && mkdir -p "$tmp/root/opt/chroot/var/lib/rpm" "$tmp/root/var/lib/apt/lists" "$tmp/root/srv" &&
	cp "$rt/go-rpmdb/libuuid/Packages" "$tmp/root/opt/chroot/var/lib/rpm/" &&
	cp "$rt/syft-bdb/Packages" "$tmp/root/Packages" &&
	printf 'Package: bash\nVersion: 5.2\n\n' >"$tmp/root/var/lib/apt/lists/Packages" &&
	printf 'RpmX not a package db' >"$tmp/root/srv/Packages.db" && : >"$tmp/root/srv/Packages"
same "$($scan "$tmp/root" 2>&1 | cut -f2,9,11)" "$(printf 'dive\tbdb:.\tPackages\nlibuuid\tbdb:opt/chroot/var/lib/rpm\topt/chroot/var/lib/rpm/Packages')" \
	"databases anywhere in the layer, in path order; files named Packages or Packages.db without the magic are skipped"
rm -rf "$tmp/root" && mkdir -p "$tmp/root/var/lib/rpm" && cp "$rt/go-rpmdb/libuuid/Packages" "$tmp/root/var/lib/rpm/" &&
	cp "$rt/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite" "$tmp/root/var/lib/rpm/"
same "$($scan "$tmp/root" 2>&1 | cut -f9 | uniq -c | awk '{ print $1, $2 }')" "$(printf '1 bdb:var/lib/rpm\n129 sqlite:var/lib/rpm')" \
	"a Berkeley DB and a SQLite database side by side are two databases"
rm -rf "$tmp/root" && mkdir -p "$tmp/root/usr/lib/sysimage/rpm" "$tmp/root/var/lib" &&
	cp "$rt/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite" "$tmp/root/usr/lib/sysimage/rpm/" &&
	ln -s ../../usr/lib/sysimage/rpm "$tmp/root/var/lib/rpm"
same "$($scan "$tmp/root" 2>&1 | cut -f9 | sort | uniq -c | awk '{ print $1, $2 }')" "129 sqlite:usr/lib/sysimage/rpm" \
	"a symlinked database directory (Fedora's var/lib/rpm) is not walked into twice"
rm -rf "$tmp/root" && mkdir -p "$tmp/root/var/lib/rpm" "$tmp/root/data" && cp "$rt/go-rpmdb/libuuid/Packages" "$tmp/root/data/pk" &&
	ln -s /data/pk "$tmp/root/var/lib/rpm/Packages"
same "$($scan "$tmp/root" 2>&1 | cut -f2,9,11)" "$(printf 'libuuid\tbdb:var/lib/rpm\tvar/lib/rpm/Packages')" \
	"a database file that is a symlink is read through it, inside the layer"
rm -rf "$tmp/root" && mkdir "$tmp/root" && tar -xf "$td/images/edge/claircore/rpm/dangling_symlink" -C "$tmp/root" 2>/dev/null
out=$($scan "$tmp/root" 2>&1); rc=$?
same "$rc:$out" "0:" "claircore's dangling_symlink layer (rpmdb.sqlite -> /tmp/algo): no packages, no error"
rm -rf "$tmp/root" && mkdir -p "$tmp/root/etc" && echo x >"$tmp/root/etc/hostname"
same "$($scan "$tmp/root" 2>&1)" "" "a layer without an rpm database gives nothing"
same "$($paths "$tmp/root" 2>&1)" "" "... and no RPM-owned path set"
mkroot "$rt/go-rpmdb/sle15-bci/Packages.db" usr/lib/sysimage/rpm/Packages.db
$dump -m files "$rt/go-rpmdb/sle15-bci/Packages.db" | cut -f2 | sed 's|^/||' | LC_ALL=C sort -u >"$tmp/ndb.files"
same "$($paths "$tmp/root" 2>&1 | cut -f2 | LC_ALL=C sort)" "$(cat "$tmp/ndb.files")" \
	"ndb: the path set holds every file of the file lists ($(grep -c . "$tmp/ndb.files") paths)"

# 4. Malformed databases: a three-part error, never a crash.
fails_clearly() { # label, then patterns for the message and the detail
	out=$($scan "$tmp/root" 2>"$tmp/err"); rc=$?
	if [ $rc -eq 1 ] && [ -z "$out" ] && grep -q "^scan-layer: $2" "$tmp/err" && grep -q "^  detail: $3" "$tmp/err" &&
		grep -q '^  hint: ' "$tmp/err"; then
		check ok ok "$1"
	else
		check "rc=$rc out=$(echo "$out" | head -2) err=$(cat "$tmp/err")" "three-part error" "$1"
	fi
}
mkroot "$rt/claircore/sqlite-no-packages/rpmdb.sqlite" var/lib/rpm/rpmdb.sqlite
fails_clearly "claircore's no_packages.sqlite is not an rpm database (rpm fails on it too)" \
	'could not read rpm database "var/lib/rpm/rpmdb.sqlite" (sqlite)' 'The database has no "Packages" table'
head -c 40000 "$rt/go-rpmdb/libuuid/Packages" >"$tmp/trunc" && mkroot "$tmp/trunc" var/lib/rpm/Packages
fails_clearly "a truncated Berkeley DB file" 'could not read rpm database "var/lib/rpm/Packages" (bdb)' \
	'The metadata names 23 pages of 4096 bytes but the file holds only 40000 bytes'
python3 - "$rt/go-rpmdb/libuuid/Packages" "$tmp/badov" <<'EOF' && mkroot "$tmp/badov" var/lib/rpm/Packages
import sys
d = bytearray(open(sys.argv[1], "rb").read())
ps = 4096
for n in range(1, len(d) // ps):  # the first overflow page becomes an invalid page
    if d[n * ps + 25] == 7:
        d[n * ps + 25] = 0
        break
open(sys.argv[2], "wb").write(d)
EOF
fails_clearly "a Berkeley DB overflow chain that reaches a page of another type" 'could not read rpm database' \
	'Page [0-9]*: the overflow chain from page [0-9]* reaches page [0-9]* of type 0'
python3 - "$rt/go-rpmdb/sle15-bci/Packages.db" "$tmp/badsum" <<'EOF' && mkroot "$tmp/badsum" usr/lib/sysimage/rpm/Packages.db
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[4096 + 100] ^= 0x20  # a byte inside the first blob's header data
open(sys.argv[2], "wb").write(d)
EOF
fails_clearly "an ndb blob with a flipped byte fails its checksum" 'could not read rpm database "usr/lib/sysimage/rpm/Packages.db" (ndb)' \
	'The blob of package 1 at offset 4096 fails its adler32 checksum'
head -c 600000 "$rt/go-rpmdb/sle15-bci/Packages.db" >"$tmp/ndbtrunc" && mkroot "$tmp/ndbtrunc" usr/lib/sysimage/rpm/Packages.db
fails_clearly "a truncated ndb file" 'could not read rpm database' \
	'Slot [0-9]* (package [0-9]*): its blob at offset [0-9]* ([0-9]* bytes) lies past the end of the 600000-byte file'
if [ $have_gen = yes ]; then
	mkdir -p "$tmp/bad" && $gen sqlite "$tmp/bad/rpmdb.sqlite" "$rt/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite" \
		--blob "$rt/go-rpmdb/blob.bin" >/dev/null && mkroot "$tmp/bad/rpmdb.sqlite" var/lib/rpm/rpmdb.sqlite
	rpmq "$tmp/bad/rpmdb.sqlite" sqlite -qa >/dev/null 2>"$tmp/rpm.err"
	fails_clearly "go-rpmdb's fuzz seed blob.bin, a header rpm skips as damaged: refused, naming it" \
		'could not read rpm database "var/lib/rpm/rpmdb.sqlite" (sqlite)' \
		'Header 130 (5256 bytes): file 3 of the file list names directory 4 of 4'
	python3 - "$tmp/bad/rpmdb.sqlite" <<'EOF' && mkroot "$tmp/bad/rpmdb.sqlite" var/lib/rpm/rpmdb.sqlite
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DELETE FROM Packages")
c.execute("ALTER TABLE Packages RENAME TO real_packages")
c.execute("CREATE VIEW Packages AS SELECT * FROM real_packages")
c.commit()
EOF
	fails_clearly "a Packages view instead of a table is refused before it runs" 'could not read rpm database' \
		'"Packages" is a view, not an ordinary table'
else
	skip "blob.bin in SQLite needs python3 and rpm"
	skip "a Packages view needs python3"
fi
head -c 20000 /dev/urandom >"$tmp/rand" && printf 'SQLite format 3\000' | cat - "$tmp/rand" >"$tmp/rand.sqlite"
mkroot "$tmp/rand.sqlite" var/lib/rpm/rpmdb.sqlite
fails_clearly "random bytes after a SQLite header" 'could not read rpm database' 'SQLite failed'
mkroot "$tmp/rand" var/lib/rpm/rpmdb.sqlite
fails_clearly "random bytes named rpmdb.sqlite" 'could not read rpm database' 'The file is not a SQLite 3 database'
printf '\000\000\000\000\000\000\000\000\000\000\000\000\141\025\006\000' | cat - "$tmp/rand" >"$tmp/randbdb"
mkroot "$tmp/randbdb" var/lib/rpm/Packages
$scan "$tmp/root" >/dev/null 2>&1; rc=$?
check "$([ $rc -le 1 ] && echo fine)" fine "random bytes behind the Berkeley DB hash magic end in a result or a clean error (exit $rc)"
for f in "$rt/go-rpmdb/sle15-bci/Packages.db" "$rt/go-rpmdb/libuuid/Packages"; do
	case $f in *.db) lp=usr/lib/sysimage/rpm/Packages.db ;; *) lp=var/lib/rpm/Packages ;; esac
	bad=0
	for off in 0 12 20 25 32 4096 4200 8192 65536 65600 70000; do
		python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); o = int(sys.argv[2])
if o < len(d): d[o] ^= 0xff
open(sys.argv[3], "wb").write(d)' "$f" $off "$tmp/flip" 2>/dev/null || continue
		mkroot "$tmp/flip" "$lp"
		$scan "$tmp/root" >/dev/null 2>"$tmp/err"; rc=$?
		if [ $rc -gt 1 ] || { [ $rc -eq 1 ] && ! grep -q '^  hint: ' "$tmp/err"; }; then bad=$((bad + 1)); echo "# offset $off: rc=$rc $(head -3 "$tmp/err")"; fi
	done
	check $bad 0 "$(basename "$f") with single flipped bytes at 11 offsets: a result or a three-part error each time"
done

echo "1..$n"
