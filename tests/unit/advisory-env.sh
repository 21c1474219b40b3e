# Sourced by tests/unit/advisory-{sqlite,postgres}.sh: the oracle for the
# advisory store test, counted from Alpine's secdb in the test data with awk,
# independently of the C reader in test_advisory.c:
#   CLARO_SECDB_RECORDS  every (file, package, fixed version, CVE) listed
#   CLARO_SECDB_ROWS     the distinct ones (what the store must hold)
#   CLARO_SECDB_OPENSSL  the distinct ones of openssl on Alpine 3.10 (both repos)
#   CLARO_SECDB_OPENSSL_37  the same on Alpine 3.7
# SPDX-License-Identifier: Apache-2.0
secdb="${CLARO_TESTDATA:-${abs_top_srcdir:-${srcdir:-.}}/../shared/testdata}/advisories/alpine/alpine-secdb"
if [ ! -d "$secdb" ]; then
	echo "1..0 # SKIP no Alpine secdb under $secdb (set CLARO_TESTDATA)"
	exit 0
fi
secdb_records() {
	(cd "$secdb" && awk '
		FNR == 1 { inpkg = 0; sec = 0; v = "" }
		/^[ ]*- pkg:/ { inpkg = 1; sec = 0; v = ""; next }
		inpkg && /^[ ]*name:/ { p = $2; next }
		inpkg && /^[ ]*secfixes:/ { sec = 1; next }
		sec && /^[ ]*- / { if (v != "") print FILENAME, p, v, $2; next }
		sec && /:[ ]*$/ { v = $1; sub(/:$/, "", v); gsub(/"/, "", v); next }
	' v*/*.yaml)
}
CLARO_SECDB_RECORDS=$(secdb_records | wc -l | tr -d ' ')
CLARO_SECDB_ROWS=$(secdb_records | LC_ALL=C sort -u | wc -l | tr -d ' ')
CLARO_SECDB_OPENSSL=$(secdb_records | awk '$1 ~ /^v3\.10\// && $2 == "openssl"' | LC_ALL=C sort -u | wc -l | tr -d ' ')
CLARO_SECDB_OPENSSL_37=$(secdb_records | awk '$1 ~ /^v3\.7\// && $2 == "openssl"' | LC_ALL=C sort -u | wc -l | tr -d ' ')
export CLARO_SECDB_RECORDS CLARO_SECDB_ROWS CLARO_SECDB_OPENSSL CLARO_SECDB_OPENSSL_37
