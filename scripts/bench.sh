#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and runs the benchmarks on Linux and on Windows under Wine, and
# prints one table: median, min and max of several runs, and the ratio to the
# baseline measured in the same run. Not a test: nothing here fails on time.
#   ROUNDS=7 scripts/bench.sh
#   BENCH_ONLY=posix scripts/bench.sh   the xsig-posix row only
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench || exit 1
ROUNDS=${ROUNDS:-7}
WROUNDS=${WROUNDS:-5}

echo "building..." >&2
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DXSIG_BUILD_BENCH=ON -DXSIG_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j2 >/dev/null || exit 1
cmake -S . -B build-bench-mingw --toolchain cmake/mingw-w64.cmake -DCMAKE_BUILD_TYPE=Release \
  -DXSIG_BUILD_BENCH=ON -DXSIG_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench-mingw -j2 >/dev/null || exit 1
LB=build-bench/bench/xsig-bench
WB=build-bench-mingw/bench/xsig-bench.exe
export WINEPREFIX=$PWD/build-bench-mingw/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
[ -d "$WINEPREFIX" ] || wineboot --init >/dev/null 2>&1
wineserver -w 2>/dev/null || true

# stats FILE -> "median min max"
stats() { sort -g "$1" | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%.1f %.1f %.1f", m, v[1], v[NR]}'; }
median() { stats "$1" | cut -d' ' -f1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; wineserver -k 2>/dev/null || true' EXIT

row() { printf '%-44s %10s %10s %10s  %s\n' "$@"; }

latency() { # platform runner iterations rounds modes...
  local plat=$1 run=$2 n=$3 rounds=$4; shift 4
  local r m
  for ((r = 0; r < rounds; r++)); do
    for m in "$@"; do
      $run latency "$m" "$n" | awk '{print $2}' >>"$tmp/$plat-$m"
    done
  done
}

# The POSIX layer: kill + sigwaitinfo (POSIX headers only, through
# xsig-posix on Windows) against xsig_kill + xsig_sigwait, interleaved.
PB=build-bench/bench/xsig-posix-bench
WPB=build-bench-mingw/bench/xsig-posix-bench.exe
posix_rows() {
  local r xs md mn mx
  echo "== kill + sigwaitinfo through xsig-posix against xsig_kill + xsig_sigwait (microseconds per round trip)"
  for ((r = 0; r < WROUNDS; r++)); do
    wine $WB latency xsig-wait 200 | awk '{print $2}' >>"$tmp/pw-xsig"
    wine $WPB latency 200 | awk '{print $2}' >>"$tmp/pw-posix"
  done
  for ((r = 0; r < ROUNDS; r++)); do
    taskset -c 0 $LB latency xsig-wait 3000 | awk '{print $2}' >>"$tmp/pl-xsig"
    taskset -c 0 $PB latency 3000 | awk '{print $2}' >>"$tmp/pl-posix"
  done
  row "case" "median" "min" "max" "ratio"
  xs=$(median "$tmp/pl-xsig")
  read -r md mn mx < <(stats "$tmp/pl-xsig"); row "Linux xsig_kill + xsig_sigwait" "$md" "$mn" "$mx" "1.00x"
  read -r md mn mx < <(stats "$tmp/pl-posix"); row "Linux kill + sigwaitinfo (libc, no layer)" "$md" "$mn" "$mx" "$(ratio "$md" "$xs") of xsig"
  xs=$(median "$tmp/pw-xsig")
  read -r md mn mx < <(stats "$tmp/pw-xsig"); row "Wine xsig_kill + xsig_sigwait (baseline)" "$md" "$mn" "$mx" "1.00x"
  read -r md mn mx < <(stats "$tmp/pw-posix"); row "Wine kill + sigwaitinfo via xsig-posix" "$md" "$mn" "$mx" "$(ratio "$md" "$xs") of xsig (goal 1.1x)"
}
if [ "${BENCH_ONLY:-}" = posix ]; then
  posix_rows
  exit 0
fi

echo "== round-trip latency between two processes (microseconds per round trip)"
# Linux: both processes on CPU 0, so that what is measured is the library's
# cost and not the scheduler's cross-core wake-up (which varies 6x here).
latency linux "taskset -c 0 $LB" 3000 "$ROUNDS" raw signalfd selfpipe libuv xsig-wait xsig-handler
latency windows "wine $WB" 200 "$WROUNDS" raw-event raw-event-relay raw-event-both raw-pipe raw-pipe-open xsig-wait xsig-handler xsig-apc
row "case" "median" "min" "max" "ratio"
raw=$(median "$tmp/linux-raw"); sfd=$(median "$tmp/linux-signalfd"); uv=$(median "$tmp/linux-libuv")
sp=$(median "$tmp/linux-selfpipe") # a handler writing to a pipe poll watches, by hand
for m in raw signalfd selfpipe libuv; do
  read -r md mn mx < <(stats "$tmp/linux-$m")
  row "Linux $m (baseline)" "$md" "$mn" "$mx" "$(ratio "$md" "$raw") of raw"
done
read -r md mn mx < <(stats "$tmp/linux-xsig-wait")
row "Linux xsig_sigwait" "$md" "$mn" "$mx" "$(ratio "$md" "$raw") of raw sigwaitinfo (target 1.1x)"
read -r md mn mx < <(stats "$tmp/linux-xsig-handler")
row "Linux xsig handler (poll + dispatch)" "$md" "$mn" "$mx" "$(ratio "$md" "$sfd") of signalfd (goal 1.15x), $(ratio "$md" "$sp") of the self-pipe by hand, $(ratio "$md" "$uv") of libuv (target <1)"
# raw-pipe: connect, transact, close, as the transport's first signal;
# raw-pipe-open: a pipe that stays connected; raw-event: two named events;
# raw-event-relay: a second thread hands each on (the handler path's
# shape); raw-event-both: the sender wakes both threads (bench-win.c).
ev=$(median "$tmp/windows-raw-event"); open=$(median "$tmp/windows-raw-pipe-open")
for m in raw-event raw-event-relay raw-event-both raw-pipe raw-pipe-open; do
  read -r md mn mx < <(stats "$tmp/windows-$m")
  row "Wine $m (baseline)" "$md" "$mn" "$mx" "$(ratio "$md" "$ev") of raw event"
done
for m in xsig-wait xsig-handler xsig-apc; do
  read -r md mn mx < <(stats "$tmp/windows-$m")
  row "Wine $m" "$md" "$mn" "$mx" "$(ratio "$md" "$ev") of raw event (goal 2x), $(ratio "$md" "$open") of a kept-open pipe"
done
# The first round trip to a new process goes over the pipe, the second
# too, setting up the rings; the third is the steady one (the ring).
for ((r = 0; r < 3; r++)); do wine $WB first 15 >>"$tmp/wfirst"; done
awk '{print $2}' "$tmp/wfirst" >"$tmp/wfirst.1"; awk '{print $4}' "$tmp/wfirst" >"$tmp/wfirst.2"
awk '{print $6}' "$tmp/wfirst" >"$tmp/wfirst.3"
read -r md mn mx < <(stats "$tmp/wfirst.1")
row "Wine first round trip to a new process" "$md" "$mn" "$mx" "$(ratio "$md" "$(median "$tmp/wfirst.3")") of the third one"
read -r md mn mx < <(stats "$tmp/wfirst.2")
row "Wine second round trip (sets up the rings)" "$md" "$mn" "$mx" "$(ratio "$md" "$(median "$tmp/wfirst.3")") of the third one"

echo
posix_rows

echo
echo "== a program blocked in a read (microseconds from send to answer; round trips 2 ms apart)"
# handler-gap: the usual program, waiting in poll/WaitFor* and dispatching;
# thread-gap: blocked in read(), its handler thread answers (POSIX: the
# signal lands on main, whose trampoline wakes the thread); thread-direct-gap:
# the same with USR1 blocked in main after the start, so the kernel hands it
# to the handler thread; interrupt-gap: blocked in read(), XSIG_INTERRUPT
# makes it return, then it dispatches. Both CPUs: the handler thread is one
# more wake-up, which is what this measures.
latency linux "$LB" 1000 "$ROUNDS" xsig-handler-gap xsig-thread-gap xsig-thread-direct-gap xsig-interrupt-gap
latency windows "wine $WB" 200 "$WROUNDS" xsig-handler-gap xsig-thread-gap xsig-thread-direct-gap xsig-interrupt-gap
row "case" "median" "min" "max" "ratio"
for plat in linux windows; do
  base=$(median "$tmp/$plat-xsig-handler-gap")
  name=Linux; [ $plat = windows ] && name=Wine
  read -r md mn mx < <(stats "$tmp/$plat-xsig-handler-gap")
  row "$name waiting program (baseline)" "$md" "$mn" "$mx" "1.00x"
  read -r md mn mx < <(stats "$tmp/$plat-xsig-thread-gap")
  row "$name blocked in read, handler thread" "$md" "$mn" "$mx" "$(ratio "$md" "$base") of a waiting program"
  read -r md mn mx < <(stats "$tmp/$plat-xsig-thread-direct-gap")
  row "$name the same, USR1 blocked in main" "$md" "$mn" "$mx" "$(ratio "$md" "$base") of a waiting program"
  read -r md mn mx < <(stats "$tmp/$plat-xsig-interrupt-gap")
  row "$name blocked in read, XSIG_INTERRUPT" "$md" "$mn" "$mx" "$(ratio "$md" "$base") of a waiting program"
done

echo
echo "== throughput: queued signals with values into one receiver (signals per second; received/sent)"
for s in 1 4; do
  for ((r = 0; r < 3; r++)); do $LB throughput $s 25000 >>"$tmp/tl$s"; done
  for ((r = 0; r < 3; r++)); do wine $WB throughput $s 25000 >>"$tmp/tw$s"; done
  awk '{print $1}' "$tmp/tl$s" >"$tmp/tl$s.n"
  awk '{print $1}' "$tmp/tw$s" >"$tmp/tw$s.n"
  read -r md mn mx < <(stats "$tmp/tl$s.n")
  row "Linux, $s sender(s) x 25000" "$md" "$mn" "$mx" "counts: $(awk '{print $2}' "$tmp/tl$s" | tr '\n' ' ')"
  read -r md mn mx < <(stats "$tmp/tw$s.n")
  row "Wine, $s sender(s) x 25000" "$md" "$mn" "$mx" "counts: $(awk '{print $2}' "$tmp/tw$s" | tr '\n' ' ') (goal: 50000/s from 4)"
  # what a raw shared-memory ring carries under Wine: the ceiling
  for ((r = 0; r < 3; r++)); do wine $WB ring $s 100000 | awk '{print int($4)}' >>"$tmp/twr$s"; done
  read -r md mn mx < <(stats "$tmp/twr$s")
  row "Wine, $s sender(s) x 100000, a raw shared-memory ring (no xsig)" "$md" "$mn" "$mx" "$(ratio "$md" "$(median "$tmp/tw$s.n")") of xsig's transport"
done

echo
echo "== a 10 ms periodic timer for 10 s: lateness of each expiry (microseconds; median of each run's median and p99)"
for ((r = 0; r < 3; r++)); do
  for m in raw xsig; do
    $LB timer $m 10 >>"$tmp/ml-$m"
    wine $WB timer $m 10 >>"$tmp/mw-$m"
  done
done
for pl in "Linux ml timerfd" "Wine mw waitable-timer"; do
  set -- $pl
  for m in raw xsig; do
    awk '{print $2}' "$tmp/$2-$m" >"$tmp/$2-$m.med"; awk '{print $3}' "$tmp/$2-$m" >"$tmp/$2-$m.p99"
  done
  rmed=$(median "$tmp/$2-raw.med"); rp99=$(median "$tmp/$2-raw.p99")
  read -r md mn mx < <(stats "$tmp/$2-raw.med"); row "$1 raw $3, median (baseline)" "$md" "$mn" "$mx" ""
  read -r md mn mx < <(stats "$tmp/$2-raw.p99"); row "$1 raw $3, p99 (baseline)" "$md" "$mn" "$mx" ""
  read -r md mn mx < <(stats "$tmp/$2-xsig.med"); row "$1 xsig timer signal, median" "$md" "$mn" "$mx" "$(ratio "$md" "$rmed") of raw $3"
  read -r md mn mx < <(stats "$tmp/$2-xsig.p99"); row "$1 xsig timer signal, p99" "$md" "$mn" "$mx" "$(ratio "$md" "$rp99") of raw $3"
done

echo
echo "== 10 trees whose process ignores TERM, grace 200 ms: stopped under one deadline or one after another (ms)"
for ((r = 0; r < 5; r++)); do
  for m in together serial; do
    $LB trees 10 200 $m >>"$tmp/trl-$m"
    wine $WB trees 10 200 $m >>"$tmp/trw-$m"
  done
done
for pl in "Linux trl" "Wine trw"; do
  set -- $pl
  serial=$(median "$tmp/$2-serial")
  read -r md mn mx < <(stats "$tmp/$2-serial"); row "$1 xsig_process_stop_tree each (baseline)" "$md" "$mn" "$mx" ""
  read -r md mn mx < <(stats "$tmp/$2-together"); row "$1 xsig_process_stop_trees" "$md" "$mn" "$mx" "$(ratio "$md" "$serial") of one after another"
done

echo
echo "== a child's end to its parent (microseconds; median of each run's median)"
for ((r = 0; r < 5; r++)); do
  for m in raw xsig; do
    $LB chld $m 20 | awk '{print $2}' >>"$tmp/cl-$m"
    wine $WB chld $m 10 | awk '{print $2}' >>"$tmp/cw-$m"
  done
done
for pl in "Linux cl waitpid" "Wine cw WaitForSingleObject"; do
  set -- $pl
  raw=$(median "$tmp/$2-raw")
  read -r md mn mx < <(stats "$tmp/$2-raw"); row "$1 raw $3 (baseline)" "$md" "$mn" "$mx" ""
  read -r md mn mx < <(stats "$tmp/$2-xsig"); row "$1 CHLD handler" "$md" "$mn" "$mx" "$(ratio "$md" "$raw") of raw $3"
done

echo
echo "== idle cost over 7 s (context switches of all threads; threads; RSS)"
probe() { # pid -> "switches threads rss_kb"
  local p=$1 sw=0 t
  for t in /proc/"$p"/task/*; do
    sw=$((sw + $(awk '/ctxt_switches/ {s += $2} END {print s}' "$t/status")))
  done
  echo "$sw $(ls /proc/"$p"/task | wc -l) $(awk '/VmRSS/ {print $2}' /proc/"$p"/status)"
}
idle_case() { # label cmd-prefix exe-pattern
  local label=$1 run=$2 pat=$3 a b c d e pa pb pc pd pe
  $run idle 10 init >/dev/null & $run idle 10 noinit >/dev/null & $run idle 10 children >/dev/null &
  $run idle 10 thread >/dev/null & $run idle 10 rings >/dev/null &
  sleep 2.5
  pa=$(pgrep -f "$pat idle 10 init" | tail -1); pb=$(pgrep -f "$pat idle 10 noinit" | tail -1)
  pc=$(pgrep -f "$pat idle 10 children" | tail -1); pd=$(pgrep -f "$pat idle 10 thread" | tail -1)
  pe=$(pgrep -f "$pat idle 10 rings" | tail -1)
  read -r a1 ta ra < <(probe "$pa"); read -r b1 tb rb < <(probe "$pb"); read -r c1 tc rc < <(probe "$pc")
  read -r d1 td rd < <(probe "$pd"); read -r e1 te re < <(probe "$pe")
  sleep 7
  read -r a2 _ _ < <(probe "$pa"); read -r b2 _ _ < <(probe "$pb"); read -r c2 _ _ < <(probe "$pc")
  read -r d2 _ _ < <(probe "$pd"); read -r e2 _ _ < <(probe "$pe")
  wait
  row "$label, a supervisor: 8 idle children, in xsig_wait_many" "$((c2 - c1))" "" "" "switches; $tc threads, RSS $rc KiB"
  row "$label, signals both ways with 4 peers, then idle" "$((e2 - e1))" "" "" "switches; $te threads, RSS $re KiB (Windows: 8 rings)"
  row "$label, the handler thread running" "$((d2 - d1))" "" "" "switches; $td threads, RSS $rd KiB"
  row "$label, xsig_init done" "$((a2 - a1))" "" "" "switches; $ta threads, RSS $ra KiB"
  row "$label, no xsig_init (baseline)" "$((b2 - b1))" "" "" "switches; $tb threads, RSS $rb KiB; init adds $((ta - tb)) thread(s), $((ra - rb)) KiB"
}
idle_case "Linux" "$LB" "bench/xsig-bench"
idle_case "Wine" "wine $WB" "xsig-bench.exe"

echo
echo "== xsig run waiting for an idle child, over 7 s (context switches of xsig run's threads)"
run_idle() { # label launcher tool child-command
  local p s1 s2 t
  $2 $3 run 0 $4 idle 10 noinit >/dev/null &
  sleep 2.5
  p=$(pgrep -f "^[^ ]*$(basename "$3") run 0" | tail -1) # not wine's launcher
  read -r s1 t _ < <(probe "$p"); sleep 7; read -r s2 _ _ < <(probe "$p")
  wait
  row "$1" "$((s2 - s1))" "" "" "switches; $t threads"
}
run_idle "Linux, xsig run 0 CHILD" "" build-bench/xsig "$LB"
run_idle "Wine, xsig run 0 CHILD" wine build-bench-mingw/xsig.exe "$WB"

echo
echo "== watching the console's size for WINCH on Windows, idle over 7 s (context switches of all threads)"
winch_case() { # label env mode
  local p s1 s2
  env $2 wine $WB idle 10 $3 >/dev/null &
  sleep 2.5
  p=$(pgrep -f "xsig-bench.exe idle 10 $3" | tail -1)
  read -r s1 t _ < <(probe "$p"); sleep 7; read -r s2 _ _ < <(probe "$p")
  wait
  row "$1" "$((s2 - s1))" "" "" "switches; $t threads"
}
winch_case "Wine, xsig_init, no WINCH handler (baseline)" "" init
winch_case "Wine, WINCH handler, polled every 200 ms" "" winch
# Wine's conhost has no window and cannot name its pid: another idle
# process stands in for it, so that the hook is set as on a classic console
wine $WB idle 13 noinit >"$tmp/host" &
sleep 2
winch_case "Wine, WINCH handler, WinEvent hook" "XSIG_CONSOLE_HOST_PID=$(cat "$tmp/host")" winch

echo
# The 50-process tree stopped each way with GRACE ms, against the
# wrapper's time-out per level ("level"), three runs each.
#   tree_against_levels GRACE TAG "MODE LABEL" ...
tree_against_levels() {
  local grace=$1 tag=$2 r m pl level
  shift 2
  local modes=("$@")
  for ((r = 0; r < 3; r++)); do
    for m in level "${modes[@]%% *}"; do
      $LB tree "$grace" "$m" >>"$tmp/$tag-l-$m"
      wine $WB tree "$grace" "$m" >>"$tmp/$tag-w-$m"
    done
  done
  for pl in "Linux l" "Wine w"; do
    set -- $pl
    level=$(median "$tmp/$tag-$2-level")
    read -r md mn mx < <(stats "$tmp/$tag-$2-level"); row "$1 a time-out of $grace ms per level, leaves first (baseline)" "$md" "$mn" "$mx" ""
    for m in "${modes[@]}"; do
      read -r md mn mx < <(stats "$tmp/$tag-$2-${m%% *}"); row "$1 ${m#* }" "$md" "$mn" "$mx" "$(ratio "$md" "$level") of per level"
    done
  done
}

echo "== the 50-process tree, grace 1000 ms: one deadline (what xsig run uses), leaf-first, and a wrapper's time-out per level (ms)"
tree_against_levels 1000 lv "leaf xsig_process_stop_trees, leaf-first" "xsig xsig_process_stop_tree, one deadline"

echo "== the 50-process tree under xsig run --init -k 5s, TERM to xsig run, against a wrapper's 5 s per level (ms)"
tree_against_levels 5000 r5 "run xsig run --init, one 5 s budget"

echo "== start-up: what xsig_init adds (microseconds, in-process)"
for ((r = 0; r < 15; r++)); do $LB init >>"$tmp/il"; wine $WB init >>"$tmp/iw"; done
read -r md mn mx < <(stats "$tmp/il"); row "Linux xsig_init" "$md" "$mn" "$mx" ""
read -r md mn mx < <(stats "$tmp/iw"); row "Wine xsig_init" "$md" "$mn" "$mx" ""

echo
echo "== tree of 50 processes (3 levels, half ignore TERM): request to last process gone (ms)"
for g in 0 200; do
  for ((r = 0; r < 5; r++)); do
    $LB tree $g xsig >>"$tmp/tx$g"; $LB tree $g hand >>"$tmp/th$g"
    wine $WB tree $g xsig >>"$tmp/wx$g"; wine $WB tree $g hand >>"$tmp/wh$g"
  done
  for pl in "Linux t" "Wine w"; do
    set -- $pl
    hand=$(median "$tmp/${2}h$g")
    read -r md mn mx < <(stats "$tmp/${2}x$g")
    row "$1 grace $g ms, xsig_process_stop_tree" "$md" "$mn" "$mx" "$(ratio "$md" "$hand") of by hand (target 1.10x)"
    read -r md mn mx < <(stats "$tmp/${2}h$g")
    row "$1 grace $g ms, by hand (baseline)" "$md" "$mn" "$mx" ""
  done
done
