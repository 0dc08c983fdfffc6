#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian packages from a copy of the source tree, checks them with
# lintian (no errors), installs them, builds a consumer through pkg-config
# and through find_package against the installed files only, runs it and
# the installed tool, and removes the packages again.
set -euo pipefail
src=$1
tmp=$(mktemp -d)
installed=0
cleanup() {
  if [ "$installed" = 1 ]; then dpkg -r xsig libxsig-dev libxsig1 >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
if [ "$(id -u)" != 0 ]; then echo "debian-check: needs root (dpkg -i)" >&2; exit 1; fi

# one place for the version: the header; the changelog must agree
hv=$(sed -nE 's/^#define XSIG_VERSION_(MAJOR|MINOR|PATCH) ([0-9]+)$/\2/p' "$src/include/xsig.h" | paste -sd.)
cv=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
if [ "$hv" != "$cv" ]; then
  echo "debian-check: xsig.h says $hv, debian/changelog says $cv" >&2; exit 1
fi

mkdir "$tmp/xsig"
(cd "$src" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$tmp/xsig")
(cd "$tmp/xsig" && dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1) || { tail -40 "$tmp/build.log"; exit 1; }
ls "$tmp"/*.deb
# ABI: the symbols file lists every exported function (dpkg-gensymbols
# fails the build above when the library's exports differ from it)
lintian --fail-on error --suppress-tags-from-file /dev/null "$tmp"/*.changes

dpkg -i "$tmp"/libxsig1_*.deb "$tmp"/libxsig-dev_*.deb "$tmp"/xsig_*.deb >/dev/null
installed=1
grep -q "^xsig (xsig) $hv\$" <<<"$(xsig --version)"
man -w xsig >/dev/null
cc -o "$tmp/pc-consumer" "$src/test/consumer/main.c" $(pkg-config --cflags --libs xsig)
"$tmp/pc-consumer"
cmake -S "$src/test/consumer" -B "$tmp/cm" >/dev/null
cmake --build "$tmp/cm" >/dev/null
"$tmp/cm/consumer"
grep -qE "libxsig.so.1 => /(usr/)?lib/" <<<"$(ldd "$tmp/cm/consumer")"
echo "debian-check: packages built, lintian clean, consumer works from the installed files"
