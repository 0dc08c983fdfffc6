#!/usr/bin/env bash
# Builds xsig and runs its demo (`xsig demo`) natively, then the same demo's
# Windows build under Wine, and ends with what carried each step on each.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh demo
cmake --preset native >/dev/null
cmake --build --preset native -j2 --target xsig xsig-worker xsig-supervisor >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
windows_built=

# The POSIX daemon (examples/posix/daemon.c) from its log: HUP, TERM, and
# whether every worker it started was reaped. $1 log, $2 its exit status.
daemon_summary() {
  local started reaped
  started=$(grep -c "started worker" "$1" || true)
  reaped=$(grep -c "reaped worker .*: exit 0" "$1" || true)
  printf 'started %s workers, HUP gave %s new ones, TERM: %s of %s reaped after exit 0, daemon exit %s' \
    "$started" "$(grep -c "worker up" "$1" | awk '{ print ($1 > 2) ? $1 - 2 : 0 }')" "$reaped" "$started" "$2"
  if [ "$2" = 0 ] && [ "$started" = "$reaped" ] && grep -q "exit: all workers reaped" "$1"; then
    echo " (clean)"
  else
    echo " (NOT clean: $(grep -v 'worker up\|started worker\|reaped worker' "$1" | sed 's/^\[[0-9]*\] //' | tr '\n' ';'))"
  fi
}

# Waits (up to 20 s) for N lines with TEXT in the log $1.
daemon_wait() {
  local i
  for i in $(seq 200); do
    [ "$(grep -c "$2" "$1" 2>/dev/null || true)" -ge "$3" ] && return 0
    sleep 0.1
  done
  return 1
}

echo "=== Linux (native) ==="
build/xsig demo | tee "$out/posix.txt" || true

echo
echo "=== Windows (the same demo, built with mingw-w64, under Wine) ==="
why=
if ! scripts/deps.sh demo-windows >"$out/deps.log" 2>&1; then
  why="Wine and mingw-w64 could not be installed here ($(tail -1 "$out/deps.log"))"
elif ! { cmake --preset mingw >/dev/null &&
         cmake --build --preset mingw -j2 --target xsig xsig-worker xsig-supervisor >"$out/build.log" 2>&1; }; then
  why="the Windows build failed ($(tail -1 "$out/build.log"))"
else
  export WINEPREFIX=$PWD/build-mingw/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  [ -d "$WINEPREFIX" ] || echo "(creating a Wine prefix once: about 20 s)"
  # the server and Wine's services first, with their output elsewhere, so
  # that they do not hold the demo's output pipe open after it ends
  mkdir -p "$WINEPREFIX"
  wineserver -p30 </dev/null >/dev/null 2>&1 || true
  wineboot --init </dev/null >/dev/null 2>&1 || true
  wine build-mingw/xsig.exe demo </dev/null 2>&1 | tr -d '\r' | tee "$out/windows.txt" || true
  windows_built=1
fi
if [ -n "$why" ]; then
  echo "The Windows half did not run: $why."
fi

echo
echo "=== Side by side: what carried each step ==="
# the demo ends with "  N | what | what carried it" lines
awk -F' [|] ' -v win="$out/windows.txt" '
  BEGIN { while ((getline line < win) > 0) if (split(line, f, / [|] /) == 3 && f[1] ~ /^  [0-9]+$/) w[f[1] + 0] = f[3] }
  NF == 3 && $1 ~ /^  [0-9]+$/ {
    printf "%d. %s\n     Linux:   %s\n     Windows: %s\n", $1, $2, $3, (($1 + 0) in w) ? w[$1 + 0] : "(did not run)"
  }' "$out/posix.txt"

echo
echo "=== A POSIX daemon, one source for both (examples/posix/daemon.c) ==="
# Linux: plain cc. Windows: x86_64-w64-mingw32-gcc with the installed
# layer's `pkg-config --cflags --libs xsig-posix`. Each run: start it, HUP
# from outside (a new generation of workers), TERM from outside.
linux_daemon=
if cc -o "$out/posixd" examples/posix/daemon.c 2>"$out/cc.log"; then
  : >"$out/linux-daemon.log"
  "$out/posixd" "$out/linux-daemon.log" 2 & dpid=$!
  daemon_wait "$out/linux-daemon.log" "worker up" 2 && kill -HUP "$dpid"
  daemon_wait "$out/linux-daemon.log" "worker up" 4 && kill -TERM "$dpid"
  rc=0; wait "$dpid" || rc=$?
  linux_daemon=$(daemon_summary "$out/linux-daemon.log" "$rc")
else
  linux_daemon="cc could not build it: $(tail -1 "$out/cc.log")"
fi
echo "Linux (cc):               $linux_daemon"
if [ -n "$windows_built" ]; then
  win_daemon=
  if cmake --build --preset mingw -j2 --target xsig_posix xsig_static xsig_shared >"$out/layer.log" 2>&1 &&
     cmake --install build-mingw --prefix "$out/win" >>"$out/layer.log" 2>&1 &&
     PKG_CONFIG_PATH="$out/win/lib/pkgconfig" x86_64-w64-mingw32-gcc -static -o "$out/posixd.exe" \
       examples/posix/daemon.c $(PKG_CONFIG_PATH="$out/win/lib/pkgconfig" pkg-config --static --cflags --libs xsig-posix) \
       >>"$out/layer.log" 2>&1; then
    : >"$out/win-daemon.log"
    timeout 120 wine "$out/posixd.exe" "$(winepath -w "$out/win-daemon.log")" 2 </dev/null >/dev/null 2>&1 & wpid=$!
    if daemon_wait "$out/win-daemon.log" "worker up" 2; then
      dpid=$(sed -n 's/.*ready: pid \([0-9]*\).*/\1/p' "$out/win-daemon.log")
      wine build-mingw/xsig.exe kill -HUP "$dpid" </dev/null >/dev/null 2>&1 || true
      daemon_wait "$out/win-daemon.log" "worker up" 4 &&
        wine build-mingw/xsig.exe kill -TERM "$dpid" </dev/null >/dev/null 2>&1 || true
    fi
    rc=0; wait "$wpid" || rc=$?
    win_daemon=$(daemon_summary "$out/win-daemon.log" "$rc")
  else
    win_daemon="not built with the layer here ($(tail -1 "$out/layer.log"))"
  fi
  echo "Windows (mingw + layer):  $win_daemon"
  wineserver -k 2>/dev/null || true
fi
