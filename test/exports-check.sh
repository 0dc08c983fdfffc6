#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The functions a built libxsig exports are exactly those of the committed
# list, debian/libxsig1.symbols (one list for every platform: each public
# function is defined once, in shared code).
#   exports-check.sh SOURCE_DIR LIBRARY [OBJDUMP]
# LIBRARY: libxsig.so.N (read with nm -D) or libxsig.dll (its export
# table, read with OBJDUMP -p).
set -euo pipefail
src=$1 lib=$2 objdump=${3:-objdump}
want=$(mktemp) got=$(mktemp)
trap 'rm -f "$want" "$got"' EXIT
sed -nE 's/^ ([A-Za-z0-9_]+)@Base .*/\1/p' "$src/debian/libxsig1.symbols" | sort >"$want"
# the public header names no internal function (xsig__*): nor may the list
if grep -n 'xsig__' "$src/include/xsig.h" "$want"; then
  echo "exports-check: an internal name (xsig__*) in the public header or the list" >&2; exit 1
fi
case "$lib" in
  *.dll)
    # the export table's name rows: GNU objdump's "[   0] +base[   1]  0000
    # name", llvm-objdump's "       1   0x3110  name" (mingw-clang)
    "$objdump" -p "$lib" >"$got.dump"
    sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' "$got.dump" |
      sed -nE 's/^[[:space:]]*\[[[:space:]]*[0-9]+\].*[[:space:]]([A-Za-z_][A-Za-z0-9_]*)$/\1/p' >"$got"
    sed -n '/^Export Table:/,/^$/p' "$got.dump" |
      sed -nE 's/^[[:space:]]+[0-9]+[[:space:]]+0x[0-9a-f]+[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)$/\1/p' >>"$got"
    rm -f "$got.dump"
    sort -o "$got" "$got" ;;
  *)
    nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRW]$/ {print $3}' | sort >"$got" ;;
esac
[ -s "$got" ] || { echo "exports-check: no export read from $lib" >&2; exit 1; }
if ! diff -u "$want" "$got"; then
  echo "exports-check: $lib exports differ from debian/libxsig1.symbols (- listed only, + exported only)" >&2
  exit 1
fi
echo "exports-check: $(wc -l <"$got") functions, as listed"
