#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The licence line of every source file (C, shell, CMake).
#   spdx.sh add     puts "SPDX-License-Identifier: MIT" into each file that
#                   lacks it: C's first line, after a script's #! line
#   spdx.sh check   lists the files without it; fails if there is one
# Run add again after merging a branch that brings new files.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-check}
tag="SPDX-License-Identifier: MIT"

sources() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files --cached --others --exclude-standard
  else
    find . -type f ! -path './build*' ! -path './.git/*' | sed 's|^\./||'
  fi | grep -E '(\.(c|h|sh|cmake)|(^|/)CMakeLists\.txt)$' | sort -u
}

add_line() { # file
  local f=$1 tmp
  tmp=$(mktemp)
  case "$f" in
    *.c|*.h) { echo "/* $tag */"; cat "$f"; } >"$tmp" ;;
    *) if head -1 "$f" | grep -q '^#!'; then
         { head -1 "$f"; echo "# $tag"; tail -n +2 "$f"; } >"$tmp"
       else
         { echo "# $tag"; cat "$f"; } >"$tmp"
       fi ;;
  esac
  cat "$tmp" >"$f" # keeps the file's mode
  rm -f "$tmp"
}

missing=0
while IFS= read -r f; do
  [ -f "$f" ] || continue
  head -3 "$f" | grep -q "$tag" && continue
  case "$mode" in
    add) add_line "$f"; echo "spdx: $f" ;;
    check) echo "spdx: no licence line: $f" >&2; missing=$((missing + 1)) ;;
    *) echo "spdx.sh: add or check, not '$mode'" >&2; exit 2 ;;
  esac
done < <(sources)
if [ "$mode" = check ]; then
  [ "$missing" -eq 0 ] || { echo "spdx: $missing file(s) without a licence line: scripts/spdx.sh add" >&2; exit 1; }
  echo "spdx: every source file names its licence"
fi
