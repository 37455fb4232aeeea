#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test.sh — every test: install, build (gcc, warnings as errors) and run ctest (unit
# tests, known-answer vectors, cross-checks, engine self-tests, the suite over loop and
# over pcscd + vpcd, fuzz seed replays); then the same ctest in an ASan+UBSan build
# (build-asan, -DRT_SANITIZE=ON: any sanitizer report fails the run); then build the
# libFuzzer targets with clang and run them, in parallel, for a short time each
# (RT_FUZZ_SECONDS, default 10). Stage times are printed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
status=0
times=()
t=$(date +%s)
stage_done() { times+=("$1 $(( $(date +%s) - t )) s"); t=$(date +%s); }

bash "$root/scripts/build.sh" "$root/build"
stage_done "build"
(cd "$root/build" && ctest --output-on-failure -j"$jobs") || status=1
stage_done "ctest"

echo "== ctest under ASan + UBSan (build-asan) =="
# Reports go to files (one per process, children included: a leak in a background
# `rsptest card serve` would not change any exit status), so "no report" is checkable.
san="$root/build-asan/sanitizer-reports"
cmake -S "$root" -B "$root/build-asan" -DRT_WERROR=ON -DRT_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build-asan" -j"$jobs" >/dev/null
rm -rf "$san"
mkdir -p "$san"
# Left out here, with the reason: xcheck.eid and xcheck.sms are random-input
# comparisons of the same C code the gcc run checks (about 30 s each under ASan);
# engine.deps runs no C of ours.
(cd "$root/build-asan" &&
  ASAN_OPTIONS="detect_leaks=1:log_path=$san/asan" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$san/ubsan" \
  ctest --output-on-failure -j"$jobs" -E '^(xcheck\.eid|xcheck\.sms|engine\.deps)$') || status=1
if [ -n "$(ls -A "$san")" ]; then
  echo "sanitizer reports ($(ls "$san" | wc -l) files in $san):" >&2
  head -n 40 "$san"/* >&2
  status=1
else
  echo "sanitizers: 0 reports"
fi
stage_done "asan+ubsan"

echo "== fuzz targets (clang + libFuzzer, ${RT_FUZZ_SECONDS:-10} s each, $jobs at a time) =="
cmake -S "$root" -B "$root/build-fuzz" -DCMAKE_C_COMPILER=clang -DRT_FUZZ=ON \
  -DRT_FUZZ_SECONDS="${RT_FUZZ_SECONDS:-10}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build-fuzz" -j"$jobs" >/dev/null
(cd "$root/build-fuzz" && ctest --output-on-failure -j"$jobs" -R '^fuzz\.') || status=1
stage_done "fuzz"
printf 'test.sh stages: %s\n' "$(IFS=,; echo "${times[*]}")" | sed 's/,/, /g'
exit $status
