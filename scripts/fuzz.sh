#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every fuzz target for SECONDS (default 60) from its committed seed
# corpus (fuzz/corpus/<target>). A crash is saved as fuzz/crash-<target>-*
# and fails the run: add the input to fuzz/corpus/<target> (a regression
# seed) once it is fixed.
#   scripts/fuzz.sh [SECONDS]
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
scripts/deps.sh test || exit 1
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DXSIG_BUILD_FUZZ=ON \
  -DXSIG_BUILD_TESTS=OFF -DCMAKE_C_COMPILER=clang >/dev/null || exit 1
cmake --build build-fuzz -j2 >/dev/null || exit 1
passed=0 failed=0
for t in wire ring reply signame duration status cli; do
  work=$(mktemp -d)
  if build-fuzz/fuzz/fuzz-$t -max_total_time="$secs" -close_fd_mask=3 -artifact_prefix="fuzz/crash-$t-" \
       "$work" fuzz/corpus/$t >"$work.log" 2>&1; then
    echo "fuzz $t: ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$work.log" || grep -oE '#[0-9]+' "$work.log" | tail -1) runs in ${secs}s)"
    passed=$((passed + 1))
  else
    echo "fuzz $t: FAILED"; tail -30 "$work.log"; failed=$((failed + 1))
  fi
  rm -rf "$work" "$work.log"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
