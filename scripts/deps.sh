#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages xsig needs for a job, only those missing.
#   deps.sh demo   build tools for the native demo
#   deps.sh demo-windows  + mingw-w64 and Wine, for the demo's Windows half
#   deps.sh test   + clang (sanitizers, the second Windows compiler), mingw-w64 and Wine
#                  (Windows tests), musl-tools, procps/util-linux, the aarch64 cross
#                  compiler and qemu-user (with binfmt_misc, for the tests' children),
#                  abigail-tools (abidw, abidiff: the ABI check of scripts/abi.sh)
#   deps.sh bench  + libuv1-dev (the side-by-side baseline)
set -euo pipefail
job=${1:-test}
pkgs=(cmake gcc make)
case "$job" in
  demo) ;;
  demo-windows) pkgs+=(mingw-w64 wine wine64) ;;
  test) pkgs+=(clang libclang-rt-14-dev mingw-w64 wine wine64 xvfb xauth procps util-linux coreutils pkg-config musl-tools
               build-essential debhelper lintian dpkg-dev man-db groff-base zip unzip
               gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static binfmt-support abigail-tools) ;;
  bench) pkgs+=(mingw-w64 wine wine64 libuv1-dev pkg-config procps util-linux) ;;
  *) echo "deps.sh: unknown job '$job' (demo, demo-windows, test or bench)" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps.sh: installing ${missing[*]}"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# aarch64 programs started by other aarch64 programs (the tests' helpers)
# run through binfmt_misc; a container may need it mounted first.
if [ "$job" = test ]; then
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  [ -e /proc/sys/fs/binfmt_misc/register ] || $SUDO mount binfmt_misc -t binfmt_misc /proc/sys/fs/binfmt_misc || true
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || $SUDO update-binfmts --enable qemu-aarch64 || true
fi
