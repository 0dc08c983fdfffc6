#!/bin/sh
# SPDX-License-Identifier: MIT
# The end of a GUI session under Wine: `wineboot -e` sends WM_QUERYENDSESSION
# and WM_ENDSESSION to top-level windows (it needs a display: the suite runs
# under xvfb-run). A GUI program built with xsig (examples/autosave.c) must
# get TERM, run its handler to the end (1 s of saving) and only then be
# ended. Its own prefix: -e ends every program of a prefix, the suite's too.
#   session-end.sh AUTOSAVE_EXE PREFIX
set -u
exe=$1
export WINEPREFIX=$2 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
dir=$(mktemp -d)
log=$dir/autosave.txt
fail() { echo "session-end: $*"; cat "$log" 2>/dev/null; wineserver -k 2>/dev/null; rm -rf "$dir"; exit 1; }
[ -n "${DISPLAY:-}" ] || fail "no display: run the suite under xvfb-run (wineboot -e needs one)"
mkdir -p "$WINEPREFIX"
wineserver -k 2>/dev/null
wineboot --init >/dev/null 2>&1 || fail "wineboot --init failed"
wine "$exe" "$(winepath -w "$log" 2>/dev/null)" >/dev/null 2>&1 &
app=$!
i=0
until grep -q '^working' "$log" 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 200 ] || fail "the program never started"; sleep 0.1
done
sleep 0.5
start=$(date +%s%N)
wine wineboot -e >/dev/null 2>&1
echo "wineboot -e: exit $?"
i=0
while kill -0 $app 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 200 ] || { kill $app; fail "the program was not ended"; }; sleep 0.1
done
took=$(( ($(date +%s%N) - start) / 1000000 ))
cat "$log"
echo "from wineboot -e to the program's end: $took ms"
grep -q "^TERM from the session's end, with a deadline" "$log" || fail "no TERM from the session's end"
grep -q '^saved ' "$log" || fail "ended before its handler's work was done"
wineserver -k 2>/dev/null
rm -rf "$dir"
echo "session-end: ok"
