#!/bin/sh
# checksrc: claro's house rules that a compiler does not catch (cf. curl's
# checksrc.pl). Fails on banned calls and on SQL assembled with printf-family
# functions. Usage: checksrc.sh [TOPDIR]
# SPDX-License-Identifier: Apache-2.0
top=${1:-.}
cd "$top" || exit 2
status=0
files=$(find core include plugins tests contrib -name '*.[ch]' -not -path '*/_build/*' 2>/dev/null | sort)
[ -n "$files" ] || { echo "checksrc: no sources found under $top" >&2; exit 2; }

# Unbounded or unchecked calls: use str_copy, str_printf/snprintf, the buf_*
# functions and parse_int64 & co. from core/strutil.h instead.
banned='strcpy|strcat|strncat|sprintf|vsprintf|gets|atoi|atol|atoll|atof|strtok|tmpnam|tempnam|mktemp'
hits=$(grep -nE "(^|[^_[:alnum:]])($banned)[[:space:]]*\(" $files | grep -v 'checksrc:allow')
if [ -n "$hits" ]; then
	echo "checksrc: banned function calls (see build-aux/checksrc.sh for the alternatives):"
	echo "$hits"
	status=1
fi

# SQL text is a constant; values go in as parameters ($1, $2, ...).
sql=$(grep -nE '(printf|buf_printf|str_printf)[^;]*"[^"]*\b(SELECT|INSERT|UPDATE|DELETE)\b' $files | grep -v 'checksrc:allow')
if [ -n "$sql" ]; then
	echo "checksrc: SQL built with a printf-family call (use a parameterised statement):"
	echo "$sql"
	status=1
fi

# Every C file carries its licence identifier.
nolic=$(for f in $files; do grep -q 'SPDX-License-Identifier' "$f" || echo "$f"; done)
if [ -n "$nolic" ]; then
	echo "checksrc: files without an SPDX-License-Identifier line:"
	echo "$nolic"
	status=1
fi

[ $status -eq 0 ] && echo "checksrc: $(echo "$files" | wc -l) files OK"
exit $status
