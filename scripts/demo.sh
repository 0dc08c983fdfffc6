#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds xsig and runs its demo (`xsig demo`) natively, then the same demo's
# Windows build under Wine, and ends with what carried each step on each.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh demo
cmake --preset native >/dev/null
cmake --build --preset native -j2 --target xsig xsig-worker xsig-supervisor >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "=== Linux (native) ==="
build/xsig demo | tee "$out/posix.txt" || true

echo
echo "=== Windows (the same demo, built with mingw-w64, under Wine) ==="
why=
if ! scripts/deps.sh demo-windows >"$out/deps.log" 2>&1; then
  why="Wine and mingw-w64 could not be installed here ($(tail -1 "$out/deps.log"))"
elif ! { cmake --preset mingw >/dev/null &&
         cmake --build --preset mingw -j2 --target xsig xsig-worker xsig-supervisor >"$out/build.log" 2>&1; }; then
  why="the Windows build failed ($(tail -1 "$out/build.log"))"
else
  export WINEPREFIX=$PWD/build-mingw/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  [ -d "$WINEPREFIX" ] || echo "(creating a Wine prefix once: about 20 s)"
  # the server and Wine's services first, with their output elsewhere, so
  # that they do not hold the demo's output pipe open after it ends
  mkdir -p "$WINEPREFIX"
  wineserver -p30 </dev/null >/dev/null 2>&1 || true
  wineboot --init </dev/null >/dev/null 2>&1 || true
  wine build-mingw/xsig.exe demo </dev/null 2>&1 | tr -d '\r' | tee "$out/windows.txt" || true
  wineserver -k 2>/dev/null || true
fi
if [ -n "$why" ]; then
  echo "The Windows half did not run: $why."
fi

echo
echo "=== Side by side: what carried each step ==="
# the demo ends with "  N | what | what carried it" lines
awk -F' [|] ' -v win="$out/windows.txt" '
  BEGIN { while ((getline line < win) > 0) if (split(line, f, / [|] /) == 3 && f[1] ~ /^  [0-9]+$/) w[f[1] + 0] = f[3] }
  NF == 3 && $1 ~ /^  [0-9]+$/ {
    printf "%d. %s\n     Linux:   %s\n     Windows: %s\n", $1, $2, $3, (($1 + 0) in w) ? w[$1 + 0] : "(did not run)"
  }' "$out/posix.txt"
