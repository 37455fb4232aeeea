#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run-suite-bench.sh [BUILD_DIR] — the eUICC suite's wall time in-process (loop) and
# through a real PC/SC stack (private pcscd + vpcd + `rsptest card serve`), measured in
# the same run, and the number of APDUs each case exchanges (counted from the evidence
# traces). The loop run is the baseline: the difference is what the PC/SC path costs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
rsptest="$build/rsptest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }

t0=$(now)
"$rsptest" run --sut reference --report-dir "$work/loop" "$root/testcases" >"$work/loop.out" 2>&1 || true
t1=$(now)
bash "$root/scripts/with-reference-card.sh" "$rsptest" \
  "$rsptest" run --sut reference-vpcd --report-dir "$work/vpcd" "$root/testcases" >"$work/vpcd.out" 2>&1 || true
t2=$(now)
# the pcscd sandbox start-up (pcscd launch, card appearing) measured on its own
bash "$root/scripts/with-reference-card.sh" "$rsptest" \
  "$rsptest" run --sut reference-vpcd --report-dir "$work/empty" -k NO_CASE_MATCHES "$root/testcases" >/dev/null 2>&1 || true
t3=$(now)

python3 - "$work" "$t0" "$t1" "$t2" "$t3" <<'PY'
import glob, os, statistics, sys
work, t0, t1, t2, t3 = sys.argv[1], *map(float, sys.argv[2:])
def count(run):
    per = {}
    for f in glob.glob(os.path.join(work, run, "**", "*.trace.txt"), recursive=True):
        per[os.path.basename(f)[:-len(".trace.txt")]] = sum(1 for l in open(f) if "] >> " in l)
    return per
def summary(run):
    out = open(os.path.join(work, run + ".out")).read().strip().splitlines()
    return out[-1] if out else "(no output)"
loop, vpcd = count("loop"), count("vpcd")
vals = sorted(loop.values())
total = sum(vals)
wl, wv, ws = t1 - t0, t2 - t1, t3 - t2
print(f"eUICC suite: {len(loop)} cases, {total} APDUs in all (loop), {sum(vpcd.values())} (pcscd + vpcd)")
print(f"  APDUs per case: min {vals[0]}, median {statistics.median(vals):g}, mean {total/len(vals):.1f}, max {vals[-1]}")
top = sorted(loop.items(), key=lambda kv: -kv[1])[:5]
print("  most APDUs: " + ", ".join(f"{k} {v}" for k, v in top))
print(f"  loop (in-process)   wall {wl:6.2f} s   {summary('loop')}")
print(f"  pcscd + vpcd        wall {wv:6.2f} s   {summary('vpcd')}")
print(f"  of which sandbox + card start-up (an empty run) {ws:.2f} s")
if total:
    print(f"  PC/SC cost per APDU: {(wv - ws - wl) / total * 1e6:.0f} us "
          f"(pcscd+vpcd run minus start-up minus loop run, over {total} APDUs)")
PY
