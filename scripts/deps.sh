#!/usr/bin/env bash
# Installs the Debian 12 packages xsig needs for a job, only those missing.
#   deps.sh demo   build tools for the native demo
#   deps.sh demo-windows  + mingw-w64 and Wine, for the demo's Windows half
#   deps.sh test   + clang (sanitizers, the second Windows compiler), mingw-w64 and Wine
#                  (Windows tests), musl-tools, procps/util-linux
#   deps.sh bench  + libuv1-dev (the side-by-side baseline)
set -euo pipefail
job=${1:-test}
pkgs=(cmake gcc make)
case "$job" in
  demo) ;;
  demo-windows) pkgs+=(mingw-w64 wine wine64) ;;
  test) pkgs+=(clang libclang-rt-14-dev mingw-w64 wine wine64 xvfb xauth procps util-linux coreutils pkg-config musl-tools
               build-essential debhelper lintian dpkg-dev man-db groff-base zip unzip) ;;
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
