#!/bin/sh
# SPDX-License-Identifier: MIT
# What a command that handles every console event (Go, .NET) gets from
# `xsig run -s SIG` under Wine, with a console (script(1) makes one), since
# xsig run starts the command's group with Ctrl-C on: TERM comes as Ctrl-C
# and then, as the program goes on after it, SHUTDOWN (half the 3 s grace
# later; 5 s later without a grace); BREAK as CTRL_BREAK; each through CtrlRoutine. The program ends
# by its own cleanup (43) at SHUTDOWN, and goes on at BREAK until the KILL
# after the grace. (docs/sending.md's table; before, with Ctrl-C off, Wine
# delivered nothing.)
#   run-each-kind.sh XSIG_EXE XSIG_TEST_EXE
set -u
. "$(dirname "$0")/console-text.sh"
xsig_exe=$1 test_exe=$2
out=$(mktemp)
fail() { echo "run-each-kind: $*"; tr -d '\r' <"$out"; rm -f "$out"; exit 1; }
command -v script >/dev/null || fail "script(1) is missing (bsdutils)"
run() { # SIG [-k 3]: xsig run -s SIG after 2 s
  timeout 60 script -qec "exec wine '$xsig_exe' run -v -s $1 ${2:-} 2 '$test_exe' --helper every_event_handler" /dev/null >"$out" 2>&1
}
run TERM "-k 3"
rc=$?
has "ready" || fail "TERM: the command did not start"
has "event0" || fail "TERM: no Ctrl-C (0) reached the handler"
has "event6" || fail "TERM: no SHUTDOWN (6) reached the handler after the Ctrl-C"
has "goesonafterCtrl-C" || fail "TERM: xsig run -v did not say that the command went on after Ctrl-C"
has "KILL" && fail "TERM: the command was KILLed"
[ $rc -eq 124 ] || fail "TERM: xsig run ended with $rc, not 124 (timed out, the command ended by itself)"
# no grace: the next step comes 5 s after the Ctrl-C, from xsig run's wait
start=$(date +%s)
run TERM
rc=$?
took=$(( $(date +%s) - start ))
has "event0" || fail "TERM, no grace: no Ctrl-C (0) reached the handler"
has "event6" || fail "TERM, no grace: no SHUTDOWN (6) reached the handler after the Ctrl-C"
[ $rc -eq 124 ] || fail "TERM, no grace: xsig run ended with $rc, not 124"
[ $took -ge 6 ] || fail "TERM, no grace: SHUTDOWN came before 5 s ($took s in all)"
run BREAK "-k 3"
rc=$?
has "event1" || fail "BREAK: no CTRL_BREAK (1) reached the handler"
[ $rc -eq 137 ] || fail "BREAK: xsig run ended with $rc, not 137 (the command goes on, KILLed after the grace)"
rm -f "$out"
echo "run-each-kind: ok"
