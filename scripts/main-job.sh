#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# main-job.sh [rsptest run options...] — the main job: install, build, then run the
# suite in testcases/ against rsptest's reference eUICC through a real PC/SC stack
# (private pcscd + vpcd, the card served by `rsptest card serve`), writing
# reports/junit.xml and one evidence trace per case under reports/.
# Exit status: rsptest run's (0 all passed, 1 something failed, 2 configuration error,
# 130 interrupted: SIGINT/SIGTERM to this script reach rsptest, which still writes
# reports/junit.xml; 143/130 if the signal came before rsptest started). Works with or
# without namespaces (scripts/pcsc-sandbox.sh, RT_PCSC_SANDBOX).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh" "$root/build"
cd "$root"
exec bash scripts/with-reference-card.sh "$root/build/rsptest" \
  "$root/build/rsptest" run --sut reference-vpcd --report-dir reports "$@"
