#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run-fuzz.sh TARGET SEEDS_DIR SECONDS — a short libFuzzer run from the committed seeds.
# New corpus entries go to a scratch directory; a crash leaves its reproducer in
# the build's fuzz-artifacts/ and fails the test.
set -euo pipefail
target=$1 seeds=$2 secs=$3
name=$(basename "$target")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
art="$(dirname "$target")/fuzz-artifacts/$name/"
mkdir -p "$art"
"$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
  -artifact_prefix="$art" "$work" "$seeds" 2>&1 | tail -n 15
