#!/bin/sh
# SPDX-License-Identifier: MIT
# XSIG_INTERRUPT and fgets() when standard input is a Unix pipe under Wine
# (`cat fifo | wine prog.exe`): Wine reads such a pipe with a blocking
# read() of its own, which it does not register as I/O that can be
# cancelled: CancelSynchronousIo finds nothing (ERROR_NOT_FOUND) and
# CancelIoEx changes nothing (probed with Wine 8.0). So the handler runs at
# once but the read returns only with the next line. This checks what can
# be checked: the program sees a pipe that is no named pipe, its TERM
# handler runs within a second, and it stops at the next line; if the read
# is interrupted at once (a Wine that can do it, or Windows' own pipes),
# that is accepted too, and said.
#   stdin-unix-pipe.sh XSIG_TEST_EXE XSIG_EXE
set -u
test_exe=$1 xsig_exe=$2
dir=$(mktemp -d)
fifo=$dir/in out=$dir/out
reader=
fail() {
  echo "stdin-unix-pipe: $*"; cat "$out" 2>/dev/null
  [ -n "$reader" ] && kill "$reader" 2>/dev/null
  exec 3>&- 2>/dev/null; rm -rf "$dir"; exit 1
}
wait_line() { # PATTERN TENTHS
  j=0
  until grep -q "$1" "$out" 2>/dev/null; do
    j=$((j + 1)); [ $j -lt "$2" ] || return 1; sleep 0.1
  done
}
mkfifo "$fifo" || fail "mkfifo"
cat "$fifo" | wine "$test_exe" --helper stdin_reader as-is >"$out" 2>&1 &
reader=$!
exec 3>"$fifo"
echo one >&3
wait_line '^stdin_reader: line 1' 300 || fail "the reader never read its first line"
grep -q 'stdin is a pipe that is no named pipe' "$out" || fail "stdin is not what Wine makes of a Unix pipe"
pid=$(sed -n 's/^stdin_reader: pid \([0-9]*\) ready.*/\1/p' "$out")
[ -n "$pid" ] || fail "no pid"
sleep 0.3
wine "$xsig_exe" kill -TERM "$pid" || fail "xsig kill -TERM $pid failed"
wait_line '^stdin_reader: TERM handled' 50 || fail "the TERM handler did not run within 5 s"
if wait_line '^stdin_reader: stopped after 1 lines' 10; then
  echo "stdin-unix-pipe: the read was interrupted at once"
else
  echo "stdin-unix-pipe: Wine deviation: the read of a Unix pipe is not cancelled; it returns with the next line"
  echo two >&3
  wait_line '^stdin_reader: stopped after 2 lines' 100 || fail "the reader did not stop at the next line"
fi
exec 3>&-
j=0
while kill -0 "$reader" 2>/dev/null; do
  j=$((j + 1)); [ $j -lt 100 ] || fail "the reader did not end"; sleep 0.1
done
cat "$out"
rm -rf "$dir"
echo "stdin-unix-pipe: ok"
