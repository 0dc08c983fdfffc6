#!/bin/sh
# SPDX-License-Identifier: MIT
# The end of a GUI session under Wine: `wineboot -e` sends WM_QUERYENDSESSION
# and WM_ENDSESSION to top-level windows (it needs a display: the suite runs
# under xvfb-run). Three GUI programs built with xsig (examples/autosave.c)
# run in one prefix: each must get TERM, do its work to the end (1 s of
# saving, after its handler returned) and only then be ended; and wineboot
# must come back (it waited for ever for an answer from a window whose
# process had ended while it held WM_ENDSESSION: issue 29, item 4). Its own
# prefix: -e ends every program of a prefix, the suite's too.
#   session-end.sh AUTOSAVE_EXE PREFIX
set -u
exe=$1
n=3
export WINEPREFIX=$2 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
dir=$(mktemp -d)
pids=
fail() {
  echo "session-end: $*"
  for i in $(seq 1 $n); do echo "--- program $i"; cat "$dir/autosave$i.txt" 2>/dev/null; done
  for p in $pids; do kill "$p" 2>/dev/null; done
  wineserver -k 2>/dev/null; rm -rf "$dir"; exit 1
}
[ -n "${DISPLAY:-}" ] || fail "no display: run the suite under xvfb-run (wineboot -e needs one)"
mkdir -p "$WINEPREFIX"
wineserver -k 2>/dev/null
wineboot --init >/dev/null 2>&1 || fail "wineboot --init failed"
for i in $(seq 1 $n); do
  wine "$exe" "$(winepath -w "$dir/autosave$i.txt" 2>/dev/null)" >/dev/null 2>&1 &
  pids="$pids $!"
done
for i in $(seq 1 $n); do
  j=0
  until grep -q '^working' "$dir/autosave$i.txt" 2>/dev/null; do
    j=$((j + 1)); [ $j -lt 300 ] || fail "program $i never started"; sleep 0.1
  done
done
sleep 0.5
start=$(date +%s%N)
timeout 60 wine wineboot -e >/dev/null 2>&1
rc=$?
echo "wineboot -e: exit $rc"
[ $rc -ne 124 ] || fail "wineboot -e did not come back within 60 s"
for p in $pids; do
  j=0
  while kill -0 "$p" 2>/dev/null; do
    j=$((j + 1)); [ $j -lt 200 ] || fail "a program was not ended"; sleep 0.1
  done
done
took=$(( ($(date +%s%N) - start) / 1000000 ))
for i in $(seq 1 $n); do
  echo "--- program $i"; cat "$dir/autosave$i.txt"
  grep -q "^TERM from the session's end, with a deadline" "$dir/autosave$i.txt" || fail "program $i: no TERM from the session's end"
  grep -q '^saved ' "$dir/autosave$i.txt" || fail "program $i: ended before its work was done"
done
echo "from wineboot -e to the programs' end: $took ms"
wineserver -k 2>/dev/null
rm -rf "$dir"
echo "session-end: ok"
