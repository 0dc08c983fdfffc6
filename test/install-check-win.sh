#!/usr/bin/env bash
# Installs the Windows build into a scratch prefix, checks that the DLL and
# the tools import system DLLs only, builds a consumer of the DLL with
# find_package(xsig), and runs it under Wine with the DLL found in the
# install prefix alone (WINEPATH), as a user's program would.
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
system='^(kernel32|user32|advapi32|msvcrt|ntdll|ws2_32|ucrtbase|api-ms-win-.*)\.dll$'
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
if x86_64-w64-mingw32-objdump -p "$tmp/cm/consumer.exe" | grep -qi 'DLL Name: libxsig.dll'; then :; else
  echo "install-check-win: the consumer does not use the DLL" >&2; exit 1
fi
out=$(WINEPATH="$(winepath -w "$tmp/prefix/bin")" wine "$tmp/cm/consumer.exe" </dev/null 2>&1)
echo "$out"
grep -q "consumer: got" <<<"$out"
x86_64-w64-mingw32-objdump -p "$tmp/prefix/bin/xsig.exe" | grep -qi 'DLL Name: libxsig.dll'
ver=$(wine "$tmp/prefix/bin/xsig.exe" --version </dev/null 2>&1)
echo "$ver"
grep -q "^xsig " <<<"$ver"
echo "install-check-win: the installed DLL and tool run under Wine"
