#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build.sh [BUILD_DIR] — installs the Debian packages (scripts/install-deps.sh) and
# builds rsptest with warnings as errors. Default BUILD_DIR: build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build}
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$dir" -DRT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$dir" -j"$(nproc)"
