#!/bin/sh
# SPDX-License-Identifier: MIT
# A Ctrl-C typed at the console of `xsig run` reaches its command once, as
# a POSIX command in a group of its own gets one INT (from xsig run, not
# from the terminal). The command does not use xsig and counts the Ctrl-C
# its handler gets. Windows gives a typed Ctrl-C to every process attached
# to the console, the command's group too (xsig run starts it with Ctrl-C
# on), so xsig run does not send it again; Wine's console gives it only to
# the group that made the console, so there xsig run sends it: once either
# way. Wine gives a console only under a terminal: script(1) makes one, and
# the Ctrl-C is typed into it. The terminal sends SIGINT to its foreground
# group: a shell between script(1) and Wine (sh -c, when SHELL is unset)
# would die of it and its 130 would be the status seen, so Wine is exec'd.
#   run-console-ctrl-c.sh XSIG_EXE XSIG_TEST_EXE
set -u
. "$(dirname "$0")/console-text.sh"
xsig_exe=$1 test_exe=$2
out=$(mktemp)
fail() { echo "run-console-ctrl-c: $*"; tr -d '\r' <"$out"; rm -f "$out"; exit 1; }
command -v script >/dev/null || fail "script(1) is missing (bsdutils)"
# -k: INT is a stop request; the command keeps running after its handler,
# and is KILLed after the grace
# typed once the command's handler is in (its "ready"), under load too
type_ctrl_c() {
  i=0
  while ! has ready && [ $i -lt 400 ]; do sleep 0.1; i=$((i + 1)); done
  sleep 0.5
  printf '\003'
  sleep 10 # script(1) keeps the terminal while its input is open
}
type_ctrl_c |
  timeout 60 script -qec "exec wine '$xsig_exe' run -v -k 3 40 '$test_exe' --helper ctrl_c_counter" /dev/null >"$out" 2>&1
rc=$?
has "ready" || fail "the command did not start"
has "ctrl-c1" || fail "the Ctrl-C did not reach the command"
has "ctrl-c2" && fail "the command got the Ctrl-C twice"
[ $rc -eq 137 ] || fail "xsig run ended with $rc, not 137 (the command KILLed after the grace)"
rm -f "$out"
echo "run-console-ctrl-c: ok"
