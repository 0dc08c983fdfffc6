#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one Windows test under Wine: wine xsig-test.exe NAME.
# Twice in CI (2026-12-03: cli_status, action_handler_sets_own_mask) Wine
# ended the test program in 0.02 s with no output at all, not even the
# runner's verdict line that every test that ran prints. Once (2026-12-07,
# posix_thread_wait, 0.14 s) Wine's launcher printed only "Application
# could not be started ... ShellExecuteEx failed: File not found." for a
# program that was there. Then, and only then, this says so and runs the
# test once more; a test that printed anything of its own keeps its own
# result.
out=$(mktemp)
wine "$@" >"$out" 2>&1
rc=$?
cat "$out"
if [ "$rc" -ne 0 ] && { [ ! -s "$out" ] || ! grep -qv -e '^Application could not be started' -e '^ShellExecuteEx failed' -e '^[[:space:]]*$' "$out"; }; then
  echo "wine-run: wine ended '$*' with status $rc before the program printed anything; running it again"
  wine "$@"
  rc=$?
fi
rm -f "$out"
exit "$rc"
