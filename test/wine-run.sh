#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one Windows test under Wine: wine xsig-test.exe NAME.
# Twice in CI (2026-12-03: cli_status, action_handler_sets_own_mask) Wine
# ended the test program in 0.02 s with no output at all, not even the
# runner's verdict line that every test that ran prints. Then, and only
# then, this says so and runs the test once more; a test that printed
# anything keeps its own result.
out=$(mktemp)
wine "$@" >"$out" 2>&1
rc=$?
cat "$out"
if [ "$rc" -ne 0 ] && [ ! -s "$out" ]; then
  echo "wine-run: wine ended '$*' with status $rc before the program printed anything; running it again"
  wine "$@"
  rc=$?
fi
rm -f "$out"
exit "$rc"
