#!/usr/bin/env bash
# test.sh — every test: install, build (gcc, warnings as errors) and run ctest (unit
# tests, known-answer vectors, cross-checks, engine self-tests, the suite over loop and
# over pcscd + vpcd, fuzz seed replays); then build the libFuzzer targets with clang and
# run each for a short time (RT_FUZZ_SECONDS, default 10).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh" "$root/build"
status=0
(cd "$root/build" && ctest --output-on-failure -j"$(nproc)") || status=1

echo "== fuzz targets (clang + libFuzzer, ${RT_FUZZ_SECONDS:-10} s each) =="
cmake -S "$root" -B "$root/build-fuzz" -DCMAKE_C_COMPILER=clang -DRT_FUZZ=ON \
  -DRT_FUZZ_SECONDS="${RT_FUZZ_SECONDS:-10}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build-fuzz" -j"$(nproc)" >/dev/null
(cd "$root/build-fuzz" && ctest --output-on-failure -R '^fuzz\.') || status=1
exit $status
