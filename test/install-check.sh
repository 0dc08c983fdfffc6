#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build tree into a scratch prefix, then builds a program
# against it with find_package(xsig) and with pkg-config, and runs both.
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$src/test/consumer" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/cm" >/dev/null
LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib64" "$tmp/cm/consumer"
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig:$tmp/prefix/lib64/pkgconfig"
cc -o "$tmp/pc-consumer" "$src/test/consumer/main.c" $(pkg-config --cflags --libs --static xsig) -static-libgcc
LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib64" "$tmp/pc-consumer"
# the installed tool runs against the installed shared library
grep -q '^xsig ' <<<"$("$tmp/prefix/bin/xsig" --version)"
grep -q "libxsig.so.1 => $tmp/prefix/" <<<"$(ldd "$tmp/prefix/bin/xsig")"
# the man page is installed and man(1) can read it
test -f "$tmp/prefix/share/man/man1/xsig.1"
if command -v groff >/dev/null; then
  groff -man -Tutf8 -ww -z "$tmp/prefix/share/man/man1/xsig.1"
fi
echo "install-check: find_package and pkg-config both work, the man page is installed"
