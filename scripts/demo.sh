#!/usr/bin/env bash
# Sets the machine up, builds cbcc, then traces file opens for a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)"
echo "== tracing openat for 3 seconds (build/tools/trace 't:syscalls:sys_enter_openat \"%s\", args->filename')"
( sleep 1; cat /etc/hostname /etc/os-release >/dev/null ) &
timeout -s INT 3 build/tools/trace 't:syscalls:sys_enter_openat "%s", args->filename' | head -20 || true
wait
