#!/bin/sh
# bin2c.sh NAME FILE: print C definitions of NAME, an unsigned char array
# holding FILE's bytes plus a terminating NUL, and NAME_len, the byte count
# without that NUL. POSIX od and awk only, so it runs wherever the build does.
# SPDX-License-Identifier: Apache-2.0
set -e
name=$1
file=$2
test -r "$file" || { echo "bin2c.sh: cannot read $file" >&2; exit 1; }
printf 'const unsigned char %s[] = {\n' "$name"
od -An -v -tu1 "$file" | awk '{ line = ""; for (i = 1; i <= NF; i++) line = line $i ","; if (line != "") print line }'
printf '0};\nconst size_t %s_len = sizeof(%s) - 1;\n' "$name" "$name"
