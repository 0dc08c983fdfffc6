#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's example, as it stands: built with -Wall -Wextra -Werror
# against the header and the static library, then sent TERM by xsig kill.
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
awk '/^```c$/ { on = 1; next } /^```$/ { if (on) exit } on' "$src/README.md" >"$tmp/example.c"
test -s "$tmp/example.c"
cc -std=c11 -Wall -Wextra -Werror -I"$src/include" -o "$tmp/example" "$tmp/example.c" \
  "$build/libxsig.a" -pthread -ldl
"$tmp/example" >"$tmp/out" &
pid=$!
# until it catches TERM (bit 15 of SigCgt), so that TERM cannot come first
for _ in $(seq 200); do
  cgt=$(sed -n 's/^SigCgt:\t//p' "/proc/$pid/status" 2>/dev/null || echo 0)
  (( (16#${cgt:-0} >> 14) & 1 )) && break
  sleep 0.05
done
"$build/xsig" kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"
grep -q "TERM from pid [0-9]*: cleaning up" "$tmp/out"
pid=
echo "readme-example: builds with -Werror, and catches TERM"
