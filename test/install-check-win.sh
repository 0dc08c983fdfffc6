#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Windows build into a scratch prefix (or, with "archive",
# unpacks the release zip that cpack makes), checks that the DLL and the
# tools import system DLLs only, builds a consumer of the DLL with
# find_package(xsig) on Linux, and runs it and xsig.exe under Wine with the
# DLL found in that tree alone (WINEPATH), as a user's program would.
set -euo pipefail
build=$1 src=$2 mode=${3:-install}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$mode" = archive ]; then
  (cd "$build" && cpack -G ZIP -B "$tmp/cpack" >/dev/null)
  zip=$(ls "$tmp"/cpack/xsig-*-windows-x86_64.zip)
  mkdir "$tmp/prefix"
  unzip -q "$zip" -d "$tmp/prefix"
  for f in README.txt LICENSE.txt bin/xsig.exe bin/xsig-worker.exe bin/xsig-supervisor.exe bin/libxsig.dll lib/libxsig.dll.a lib/libxsig.a \
           include/xsig.h lib/pkgconfig/xsig.pc lib/cmake/xsig/xsigConfig.cmake share/man/man1/xsig.1 \
           share/man/man1/xsig.txt; do
    [ -f "$tmp/prefix/$f" ] || { echo "archive-check: $f is missing from $(basename "$zip")" >&2; exit 1; }
  done
  grep -q "NAME" "$tmp/prefix/share/man/man1/xsig.txt"
  grep -q "^MIT License" "$tmp/prefix/LICENSE.txt"
else
  cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
fi
system='^(kernel32|user32|advapi32|msvcrt|ntdll|ws2_32|ucrtbase|api-ms-win-.*|libxsig)\.dll$' # libxsig.dll: ours, beside it
for f in "$tmp"/prefix/bin/*.dll "$tmp"/prefix/bin/*.exe; do
  while read -r dll; do
    if ! grep -qiE "$system" <<<"$dll"; then
      echo "install-check-win: $(basename "$f") imports $dll, which Windows does not ship" >&2
      exit 1
    fi
  done < <(x86_64-w64-mingw32-objdump -p "$f" | sed -n 's/.*DLL Name: //p')
done
cmake -S "$src/test/consumer" -B "$tmp/cm" -DCMAKE_TOOLCHAIN_FILE="$src/cmake/mingw-w64.cmake" \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_EXE_LINKER_FLAGS="-static-libgcc" >/dev/null
cmake --build "$tmp/cm" >/dev/null
if grep -qi 'DLL Name: libxsig.dll' <<<"$(x86_64-w64-mingw32-objdump -p "$tmp/cm/consumer.exe")"; then :; else
  echo "install-check-win: the consumer does not use the DLL" >&2; exit 1
fi
out=$(WINEPATH="$(winepath -w "$tmp/prefix/bin")" wine "$tmp/cm/consumer.exe" </dev/null 2>&1)
echo "$out"
grep -q "consumer: got" <<<"$out"
grep -qi 'DLL Name: libxsig.dll' <<<"$(x86_64-w64-mingw32-objdump -p "$tmp/prefix/bin/xsig.exe")"
ver=$(wine "$tmp/prefix/bin/xsig.exe" --version </dev/null 2>&1)
echo "$ver"
grep -q "^xsig " <<<"$ver"
echo "install-check-win ($mode): the DLL and the tool run under Wine from that tree alone"
