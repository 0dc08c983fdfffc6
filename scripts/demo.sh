#!/usr/bin/env bash
# Builds xsig and runs its demo (`xsig demo`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh demo
cmake --preset native >/dev/null
cmake --build --preset native -j2 >/dev/null
exec build/xsig demo
