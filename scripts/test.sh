#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every test: native, native under ASan+UBSan, native with POSIX alone
# (no Linux extras), the threaded ones under TSan, and the Windows build
# under Wine. Any failure (or a Windows test that
# could not run) fails the whole run.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test || exit 1

passed=0; failed=0; status=0
run_suite() { # name preset [wrapper...]
  local name=$1 preset=$2 log line p t
  shift 2
  echo "== $name"
  log=$(mktemp)
  if ! { cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" -j2 >"$log.build" 2>&1; }; then
    cat "$log.build"; echo "$name: build FAILED"; failed=$((failed + 1)); status=1; return
  fi
  "$@" ctest --preset "$preset" 2>&1 | tee "$log"
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then echo "$name: no test ran"; failed=$((failed + 1)); status=1; return; fi
  t=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  p=$(sed -E 's/.*tests passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + t - p)); failed=$((failed + p))
  [ "$p" -eq 0 ] || status=1
}

export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 TSAN_OPTIONS=halt_on_error=1
run_suite "Linux" native
run_suite "Linux, AddressSanitizer + UndefinedBehaviorSanitizer" asan
# What a macOS or FreeBSD port runs: POSIX stand-ins for every Linux extra.
run_suite "Linux, POSIX only (XSIG_LINUX_EXTRAS=OFF: no pidfd, epoll, pipe2, SI_TKILL, /proc)" portable
# musl, the C library of Alpine (Debian's musl-gcc): no backtrace() there.
run_suite "Linux, musl (musl-gcc)" musl
# aarch64, cross-built, under qemu-user; its gaps are named in test/CMakeLists.txt.
if [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  run_suite "Linux, aarch64 (cross gcc) under qemu-user" aarch64
else
  echo "aarch64: binfmt_misc has no qemu-aarch64 entry: the tests' children cannot run"; failed=$((failed + 1)); status=1
fi
# TSan needs the old mmap layout on kernels with high ASLR entropy.
tsan_wrap=(env)
setarch "$(uname -m)" -R true 2>/dev/null && tsan_wrap=(setarch "$(uname -m)" -R)
run_suite "Linux threaded tests, ThreadSanitizer" tsan "${tsan_wrap[@]}"
# Every parser of untrusted input under libFuzzer, 30 s each, from the
# committed seeds (a crash fails the run and is saved under fuzz/).
echo "== fuzzing (libFuzzer + ASan + UBSan, 30 s per target)"
scripts/fuzz.sh 30 | tee /tmp/xsig-fuzz.log
line=$(grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed' /tmp/xsig-fuzz.log | tail -1)
if [ -z "$line" ]; then failed=$((failed + 1)); status=1; else
  fp=$(sed -E 's/fuzz: ([0-9]+) passed.*/\1/' <<<"$line"); ff=$(sed -E 's/.*passed, ([0-9]+) failed/\1/' <<<"$line")
  passed=$((passed + fp)); failed=$((failed + ff)); [ "$ff" -eq 0 ] || status=1
fi

# One Xvfb display for the whole Wine session: WM_CLOSE needs real windows.
# The suite's fixture leaves a persistent wineserver for its prefix: end it.
wine_prefix=$PWD/build-mingw/wineprefix
WINEPREFIX=$wine_prefix wineserver -k 2>/dev/null || true
run_suite "Windows (mingw-w64, -pedantic) under Wine" mingw xvfb-run -a -s "-screen 0 800x600x24"
WINEPREFIX=$wine_prefix wineserver -k 2>/dev/null || true
# The second Windows compiler: clang targeting mingw-w64 (MSVC's proxy).
wine_prefix=$PWD/build-mingw-clang/wineprefix
WINEPREFIX=$wine_prefix wineserver -k 2>/dev/null || true
run_suite "Windows (clang targeting mingw-w64, -pedantic) under Wine" mingw-clang xvfb-run -a -s "-screen 0 800x600x24"
WINEPREFIX=$wine_prefix wineserver -k 2>/dev/null || true

# 32-bit Windows (i686): built with warnings as errors, not run: this
# machine's kernel refuses 32-bit programs (exec says "Exec format error"),
# so Wine's 32-bit half cannot start here (docs/platforms.md).
echo "== Windows i686 (mingw-w64, -pedantic): build only"
if cmake --preset mingw-i686 >/dev/null && cmake --build --preset mingw-i686 -j2 >/tmp/xsig-i686.log 2>&1; then
  passed=$((passed + 1)); echo "i686: library, tool, examples and tests built"
else
  failed=$((failed + 1)); status=1; tail -40 /tmp/xsig-i686.log; echo "i686: build FAILED"
fi

# The newcomer's first command shows both platforms, each step carried.
echo "== the demo (scripts/demo.sh), both platforms"
scripts/demo.sh >/tmp/xsig-demo.log 2>&1
if grep -q "^     Windows: " /tmp/xsig-demo.log && ! grep -qE "did not run|failed" /tmp/xsig-demo.log; then
  passed=$((passed + 1)); echo "demo: both platforms, every step done"
else
  failed=$((failed + 1)); status=1; tail -40 /tmp/xsig-demo.log; echo "demo: FAILED"
fi

echo
echo "summary: $passed passed, $failed failed"
exit $status
