#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stress-pcsc.sh [BUILD_DIR] [N] — flakiness check, not part of the test command (too
# long): runs the PC/SC and interrupt engine tests N times (default 20) under
# `ctest -j2`, with the fuzz seed replays in the same ctest run and, when a libFuzzer
# build exists (RT_FUZZ_BUILD, default build-fuzz next to BUILD_DIR), its fuzzers
# running beside the whole time as load. Prints "<test> <passed>/<N>" per test; exit
# status 0 only when every test passed every time. Failing outputs are kept under
# BUILD_DIR/stress-pcsc/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
n=${2:-20}
fuzz_build=${RT_FUZZ_BUILD:-$(dirname "$build")/build-fuzz}
tests='engine\.(pcsc_vpcd|pcsc_card_dies|pcsc_sandbox_plain|pcsc_sandbox_coexist|interrupt|card_pulled|suite_vpcd|main_job_signals)$'
keep="$build/stress-pcsc"
rm -rf "$keep"
mkdir -p "$keep"

load=()
stop_load() {
  local p
  for p in "${load[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${load[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap stop_load EXIT
if [ -d "$fuzz_build/tests" ]; then
  for f in "$fuzz_build"/tests/fuzz_*; do
    [ -x "$f" ] || continue
    # a fuzzer that runs until stopped; corpus in a scratch folder
    mkdir -p "$keep/corpus-$(basename "$f")"
    "$f" -max_total_time=100000 "$keep/corpus-$(basename "$f")" >/dev/null 2>&1 &
    load+=($!)
    [ "${#load[@]}" -lt 2 ] || break # two fuzzers: one per core
  done
fi
echo "stress-pcsc: $n rounds of ctest -j2 -R '$tests|fuzz-replay' (${#load[@]} fuzzers beside)"

declare -A pass
for i in $(seq 1 "$n"); do
  out="$keep/round-$i.log"
  (cd "$build" && ctest -j2 --output-on-failure -R "$tests|^fuzz-replay\." >"$out" 2>&1) || true
  while read -r name result; do
    [ "$result" = Passed ] && pass[$name]=$((${pass[$name]:-0} + 1))
    [ -n "${pass[$name]:-}" ] || pass[$name]=0
  done < <(sed -n 's/.*Test *#[0-9]*: \([^ ]*\) \.*[* ]*\([A-Za-z]*\).*/\1 \2/p' "$out" | grep '^engine\.')
  grep -q 'tests passed, 0 tests failed' "$out" && rm -f "$out"
  echo "round $i done"
done
status=0
for name in $(printf '%s\n' "${!pass[@]}" | sort); do
  echo "$name ${pass[$name]}/$n"
  [ "${pass[$name]}" -eq "$n" ] || status=1
done
exit $status
