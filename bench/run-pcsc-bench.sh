#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run-pcsc-bench.sh — rsptest's PC/SC transport against a bare PC/SC client, one run.
#
#   bench/run-pcsc-bench.sh [BUILD_DIR] [bench_pcsc options, e.g. -n 20000]
#
# Starts the private pcscd sandbox (scripts/pcsc-sandbox.sh) and rsptest's software
# eUICC behind vpcd, then runs bench/bench_pcsc twice: unpinned, and with the card,
# pcscd and the client pinned to one CPU (RT_BENCH_CPU, default 0), since each hop between
# CPUs costs tens of µs (design.md 5). BUILD_DIR defaults to ./build.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=${1:-$src/build}
[ $# -gt 0 ] && shift
build=$(cd "$build" && pwd)
bench="$build/bench/bench_pcsc"
[ -x "$bench" ] || { echo "run-pcsc-bench: $bench not built (cmake --build $build)" >&2; exit 1; }

if [ -z "${RT_BENCH_INSIDE:-}" ]; then
  export RT_BENCH_INSIDE=1
  echo "== unpinned"
  "$src/scripts/pcsc-sandbox.sh" bash "$0" "$build" "$@"
  cpu=${RT_BENCH_CPU:-0}
  if command -v taskset >/dev/null 2>&1; then
    echo
    echo "== pinned to CPU $cpu (card, pcscd and client)"
    taskset -c "$cpu" "$src/scripts/pcsc-sandbox.sh" bash "$0" "$build" "$@"
  fi
  exit 0
fi

# Inside the sandbox: the card, then the bench.
if "$build/rsptest" card --help 2>/dev/null | grep -q 'card serve'; then
  card=("$build/rsptest" card serve)
else
  card=("$build/tests/rt_card_serve_tool" serve)
fi
"${card[@]}" &
card_pid=$!
trap 'kill -TERM $card_pid 2>/dev/null || true; wait $card_pid 2>/dev/null || true' EXIT
"$bench" "$@"
