#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The same invocations of `xsig kill` and procps-ng kill(1), and of `xsig run`
# and GNU timeout(1), must give the same exit codes and messages where the
# tools overlap. Messages are compared without the program-name prefix.
# Deliberate differences (not compared): `kill -l FOO` exits 0 in procps 4.0
# (xsig exits 1: a bad signal is an error); `kill -s FOO` says "Invalid
# argument" in procps (xsig says "unknown signal name FOO").
set -u
XSIG=${1:?usage: cli-compare.sh path/to/xsig}
export LC_ALL=C
KILL=$(command -v kill.procps 2>/dev/null || echo /bin/kill)
pass=0; fail=0
pids=()
# Outputs in a folder of this run alone: two builds' suites may run at once.
cmp=$(mktemp -d)
# In this shell only: a child forked for `sleep 30 &` keeps the trap until
# it execs sleep, and a TERM sent to it before then ran the trap there and
# removed the folder under the test (seen once in CI).
trap 'if [ "$BASHPID" = "$$" ]; then kill -9 "${pids[@]}" 2>/dev/null; rm -rf "$cmp"; fi; true' EXIT

strip() { sed -E -e 's/^[^ :]*(kill|timeout|xsig run|xsig kill): //' -e "s/^Try '[^']*--help'/Try '--help'/"; }

compare() { # label, command A..., ---, command B...
  local label=$1; shift
  local a=() b=() seen=0
  for x in "$@"; do
    if [ "$x" = "---" ]; then seen=1; elif [ $seen = 0 ]; then a+=("$x"); else b+=("$x"); fi
  done
  local oa ob ra rb
  "${a[@]}" >"$cmp"/a.out 2>"$cmp"/a.err; ra=$?
  "${b[@]}" >"$cmp"/b.out 2>"$cmp"/b.err; rb=$?
  oa="$(cat "$cmp"/a.out; strip <"$cmp"/a.err)"
  ob="$(cat "$cmp"/b.out; strip <"$cmp"/b.err)"
  if [ "$ra" = "$rb" ] && [ "$oa" = "$ob" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    printf 'DIFFERENT: %s\n  %s -> %s: %s\n  %s -> %s: %s\n' "$label" "${a[*]}" "$ra" "$oa" "${b[*]}" "$rb" "$ob"
  fi
}

# Under qemu-user (XSIG_COMPARE_QEMU=1) posix_spawn cannot report an exec
# failure (test/CMakeLists.txt, qemu_gaps): those cases are not compared.
exec_failure() { # label, command A..., ---, command B...
  if [ "${XSIG_COMPARE_QEMU:-0}" = 1 ]; then echo "not compared under qemu-user: $1"; else compare "$@"; fi
}

two_live() { sleep 30 & p=$!; sleep 30 & q=$!; pids+=("$p" "$q"); }
gone=2147483000

# kill(1)
two_live
compare "TERM to a live process" "$KILL" -s TERM "$p" --- "$XSIG" kill -s TERM "$q"
two_live
compare "-9 form" "$KILL" -9 "$p" --- "$XSIG" kill -9 "$q"
two_live
compare "-SIGNAME form" "$KILL" -KILL "$p" --- "$XSIG" kill -KILL "$q"
two_live
compare "--signal=NAME" "$KILL" --signal=HUP "$p" --- "$XSIG" kill --signal=HUP "$q"
compare "signal 0 to self" "$KILL" -0 $$ --- "$XSIG" kill -0 $$
compare "no such process" "$KILL" $gone --- "$XSIG" kill $gone
compare "signal 0, no such process" "$KILL" -0 $gone --- "$XSIG" kill -0 $gone
compare "queue to no such process" "$KILL" -q 5 -s USR1 $gone --- "$XSIG" kill -q 5 -s USR1 $gone
compare "pid that is not a number" "$KILL" abc --- "$XSIG" kill abc
compare "one good pid, one bad" "$KILL" -0 $$ $gone --- "$XSIG" kill -0 $$ $gone
compare "queue value not a number" "$KILL" -q abc -s 0 $$ --- "$XSIG" kill -q abc -s 0 $$
compare "-l NUMBER" "$KILL" -l 9 --- "$XSIG" kill -l 9
compare "-l NAME" "$KILL" -l TERM --- "$XSIG" kill -l TERM
compare "--list=NUMBER" "$KILL" --list=15 --- "$XSIG" kill --list=15
a=$("$KILL" >/dev/null 2>&1; echo $?); b=$("$XSIG" kill >/dev/null 2>&1; echo $?)
if [ "$a" = "$b" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "DIFFERENT: no pid: $a vs $b"; fi

# timeout(1)
compare "command succeeds" timeout 5 true --- "$XSIG" run 5 true
compare "command fails" timeout 5 false --- "$XSIG" run 5 false
compare "exit code passed on" timeout 5 sh -c 'exit 7' --- "$XSIG" run 5 sh -c 'exit 7'
compare "timed out" timeout 0.2 sleep 5 --- "$XSIG" run 0.2 sleep 5
compare "0 disables" timeout 0 sleep 0.1 --- "$XSIG" run 0 sleep 0.1
compare "-s KILL" timeout -s KILL 0.2 sleep 5 --- "$XSIG" run -s KILL 0.2 sleep 5
compare "--signal=INT" timeout --signal=INT 0.2 sleep 5 --- "$XSIG" run --signal=INT 0.2 sleep 5
compare "--preserve-status" timeout --preserve-status 0.2 sleep 5 --- "$XSIG" run --preserve-status 0.2 sleep 5
compare "-k after TERM is ignored" timeout -k 0.2 0.2 sh -c 'trap "" TERM; sleep 5' --- "$XSIG" run -k 0.2 0.2 sh -c 'trap "" TERM; sleep 5'
compare "killed by a signal" timeout 5 sh -c 'kill -USR1 $$' --- "$XSIG" run 5 sh -c 'kill -USR1 $$'
compare "minutes suffix" timeout 0.001m true --- "$XSIG" run 0.001m true
compare "fraction" timeout .5 true --- "$XSIG" run .5 true
compare "exponent" timeout 1e1 true --- "$XSIG" run 1e1 true
exec_failure "not found" timeout 5 /nonexistent/cmd --- "$XSIG" run 5 /nonexistent/cmd
exec_failure "not executable" timeout 5 /etc/passwd --- "$XSIG" run 5 /etc/passwd
compare "bad duration" timeout abc true --- "$XSIG" run abc true
compare "bad suffix" timeout 1x true --- "$XSIG" run 1x true
compare "negative duration" timeout -- -1 true --- "$XSIG" run -- -1 true
compare "bad signal" timeout -s FOO 1 true --- "$XSIG" run -s FOO 1 true
compare "missing operand" timeout --- "$XSIG" run
compare "verbose" timeout -v 0.2 sleep 5 --- "$XSIG" run -v 0.2 sleep 5
compare "verbose with KILL" timeout -v -k 0.2 0.2 sh -c 'trap "" TERM; sleep 5' --- "$XSIG" run -v -k 0.2 0.2 sh -c 'trap "" TERM; sleep 5'
compare "--foreground" timeout --foreground 0.2 sleep 5 --- "$XSIG" run --foreground 0.2 sleep 5
# coreutils' own tests/timeout/timeout-parameters.sh, and more values timeout takes
compare "invalid timeout" timeout invalid sleep 0 --- "$XSIG" run invalid sleep 0
compare "invalid kill delay" timeout --kill-after=invalid 1 sleep 0 --- "$XSIG" run --kill-after=invalid 1 sleep 0
compare "invalid suffix 42D" timeout 42D sleep 0 --- "$XSIG" run 42D sleep 0
compare "floating point" timeout 10.34 sleep 0 --- "$XSIG" run 10.34 sleep 0
compare "nanoseconds" timeout 9.999999999 sleep 0 --- "$XSIG" run 9.999999999 sleep 0
compare "invalid signal spec" timeout --signal=invalid 1 sleep 0 --- "$XSIG" run --signal=invalid 1 sleep 0
exec_failure "command is a directory" timeout 10 . --- "$XSIG" run 10 .
exec_failure "no such command" timeout 10 no_such --- "$XSIG" run 10 no_such
compare "huge duration" timeout 4294967296 sleep 0 --- "$XSIG" run 4294967296 sleep 0
compare "huge days" timeout 999999999999999999999999999999999999999999999999999999999999d sleep 0 --- "$XSIG" run 999999999999999999999999999999999999999999999999999999999999d sleep 0
compare "exponent with days" timeout 2.34e+5d sleep 0 --- "$XSIG" run 2.34e+5d sleep 0
compare "signal by number" timeout -s 9 0.2 sleep 5 --- "$XSIG" run -s 9 0.2 sleep 5
compare "signal with SIG prefix" timeout -s SIGINT 0.2 sleep 5 --- "$XSIG" run -s SIGINT 0.2 sleep 5
compare "-sNAME glued" timeout -sKILL 0.2 sleep 5 --- "$XSIG" run -sKILL 0.2 sleep 5
compare "-kDURATION glued" timeout -k0.1 0.2 sh -c 'trap "" TERM; sleep 5' --- "$XSIG" run -k0.1 0.2 sh -c 'trap "" TERM; sleep 5'
compare "--kill-after DURATION" timeout --kill-after 0.1 0.2 sh -c 'trap "" TERM; sleep 5' --- "$XSIG" run --kill-after 0.1 0.2 sh -c 'trap "" TERM; sleep 5'
compare "unknown option" timeout --bogus 1 true --- "$XSIG" run --bogus 1 true
compare "options after the command are its own" timeout 5 sh -c 'echo "$@"' sh -v --help --- "$XSIG" run 5 sh -c 'echo "$@"' sh -v --help
compare "infinity" timeout inf true --- "$XSIG" run inf true
compare "hex duration" timeout 0x10 true --- "$XSIG" run 0x10 true
compare "empty duration" timeout '' true --- "$XSIG" run '' true
compare "signal 0" timeout -s 0 0.2 sleep 5 --- "$XSIG" run -s 0 0.2 sleep 5

echo "cli-compare: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
