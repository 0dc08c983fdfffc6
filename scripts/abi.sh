#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The ABI of libxsig.so.1, recorded with abidw (Debian's abigail-tools) in
# abi/libxsig.abi, and checked with abidiff.
#   abi.sh record [LIB]   writes abi/libxsig.abi from LIB (default: the
#                         native preset's build/libxsig.so.1, built first)
#   abi.sh check [LIB]    compares LIB with the record: fails on an
#                         incompatible change (a function removed, a
#                         type, a struct's layout or a signature changed);
#                         an addition is reported and passes, and wants
#                         a new record once it ships
# Only what include/xsig.h declares counts (--headers-dir include).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-check}
lib=${2:-}
record=abi/libxsig.abi
command -v abidw >/dev/null || { echo "abi.sh: abidw missing: scripts/deps.sh test (abigail-tools)" >&2; exit 1; }
if [ -z "$lib" ]; then
  cmake --preset native >/dev/null && cmake --build --preset native -j2 --target xsig_shared >/dev/null
  lib=build/libxsig.so.$(sed -nE 's/^#define XSIG_VERSION_MAJOR ([0-9]+)$/\1/p' include/xsig.h)
fi
[ -f "$lib" ] || { echo "abi.sh: no library $lib" >&2; exit 1; }
dump() { # lib out
  abidw --headers-dir include --drop-private-types --no-corpus-path --no-comp-dir-path \
        --short-locs --out-file "$2" "$1"
}
case "$mode" in
  record)
    mkdir -p abi
    dump "$lib" "$record"
    echo "abi.sh: recorded $(grep -c '<elf-symbol ' "$record") symbols of $lib in $record" ;;
  check)
    [ -f "$record" ] || { echo "abi.sh: no record $record: abi.sh record" >&2; exit 1; }
    now=$(mktemp); trap 'rm -f "$now"' EXIT
    dump "$lib" "$now"
    # abidiff's status: bit 1 error, 2 usage, 4 a change, 8 incompatible;
    # an added function is a change too, so it is left out of the verdict
    set +e
    abidiff --no-added-syms "$record" "$now"
    rc=$?
    abidiff "$record" "$now" >/dev/null
    all=$?
    set -e
    if [ $(((rc | all) & 3)) -ne 0 ]; then echo "abi.sh: abidiff failed ($rc)" >&2; exit 1; fi
    if [ $((rc & 12)) -ne 0 ]; then
      echo "abi.sh: $lib breaks the ABI recorded in $record (above); a break needs a new major version" >&2; exit 1
    fi
    if [ $((all & 4)) -ne 0 ]; then
      abidiff "$record" "$now" | sed -n '/Added function/,$p'
      echo "abi.sh: additions only (above): record them when they ship"
    fi
    echo "abi.sh: $lib keeps the ABI of $record" ;;
  *) echo "abi.sh: record or check, not '$mode'" >&2; exit 2 ;;
esac
