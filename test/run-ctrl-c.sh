#!/bin/sh
# SPDX-License-Identifier: MIT
# A wrapped program that knows nothing of xsig and handles only Ctrl-C (as
# Python and Node do), under `xsig run -s INT`, then `xsig run` (TERM, as
# xsig service sends it: Ctrl-C first), with a console (Wine gives
# one only under a terminal: script(1) makes a pseudo-terminal). The
# command runs in a group of its own, which Windows starts with Ctrl-C off;
# xsig run starts it with Ctrl-C on (XSIG_SPAWN_CTRL_C_ON), so the INT
# reaches the program's handler, which ends it (42) long before the KILL
# after the grace (3 s: the program must have its handler by then). With
# Ctrl-C off nothing arrived under Wine and the program was KILLed
# (issue 29, item 11).
#   run-ctrl-c.sh XSIG_EXE XSIG_TEST_EXE
set -u
. "$(dirname "$0")/console-text.sh"
xsig_exe=$1 test_exe=$2
out=$(mktemp)
fail() { echo "run-ctrl-c: $*"; cat "$out"; rm -f "$out"; exit 1; }
command -v script >/dev/null || fail "script(1) is missing (bsdutils)"
run() { # SIG
  start=$(date +%s%N)
  timeout 60 script -qec "exec wine '$xsig_exe' run -v -s $1 -k 8 3 '$test_exe' --helper ctrl_c_only" /dev/null >"$out" 2>&1
  rc=$?
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  tr -d '\r' <"$out"
  echo "xsig run -s $1: exit $rc after $took ms"
  [ $rc -ne 124 ] || [ $took -lt 55000 ] || fail "$1: xsig run did not end"
  has "ctrl_c_only:CTRL_Chandled" || fail "$1: the program's Ctrl-C handler did not run"
  has "KILL" && fail "$1: the program was KILLed"
  [ $took -lt 10000 ] || fail "$1: it took the whole grace"
}
run INT
run TERM
has "TERMreachedcommand.*throughCtrl-C" || fail "TERM: xsig run -v did not name the Ctrl-C step"
rm -f "$out"
echo "run-ctrl-c: ok"
