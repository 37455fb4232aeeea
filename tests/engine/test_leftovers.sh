#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# State left by a killed case (issue 7): a run against the reference card with a state
# file is SIGKILLed inside a case after its fixture built profiles, so the case's clean-up
# never runs and the card keeps an enabled ISD-P and a disabled one (memory used, the base
# profile disabled). The next run's base fixture must bring the card back to the suite's
# starting point: the ES5 cases that need free memory and the base profile pass, and no
# ISD-P of the killed case is left.
. "$(dirname "$0")/lib.sh"

STATE="$WORK/card.state"
sed -e "s|^  personality: .*|  personality: $RT_SRCDIR/sut/personalities/reference.yaml\n  state: $STATE|" \
  "$RT_SRCDIR/sut/reference.yaml" >"$WORK/stateful.yaml"

"$RSPTEST" run -v --sut "$WORK/stateful.yaml" --report-dir "$WORK/rep-killed" \
  "$HERE/cases/leftovers" >"$WORK/killed.out" 2>&1 &
pid=$!
# wait (bounded, 60 s) for the case to say it is ready, then kill it mid-case
for _ in $(seq 1 600); do
  grep -q 'print: READY-TO-BE-KILLED' "$WORK/killed.out" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
check "the killed case built its profiles" grep -q 'print: READY-TO-BE-KILLED' "$WORK/killed.out"
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check "the card's state file survived the kill" test -s "$STATE"

ids="EUICC-ES5-MDEL-001 EUICC-ES5-EMERG-002 EUICC-ES5-PROC-003 EUICC-ES5-AUDIT-001"
kexpr=$(echo "$ids" | sed 's/ / or /g')
"$RSPTEST" run --sut "$WORK/stateful.yaml" --report-dir "$WORK/rep-next" -k "$kexpr" \
  "$RT_SRCDIR/testcases" >"$WORK/next.out" 2>&1
status=$?
cat "$WORK/next.out"
check "the next run passes (exit 0)" test "$status" -eq 0
for id in $ids; do
  check "$id passes after the kill" grep -q "^PASS  $id " "$WORK/next.out"
done

# The card holds only the base profile of this harness now: audit it from a case.
mkdir -p "$WORK/audit/es5"
cp "$HERE/cases/leftovers/defaults.yaml" "$WORK/audit/"
cp "$HERE/cases/leftovers/es5/defaults.yaml" "$WORK/audit/es5/"
cat >"$WORK/audit/es5/audit.yaml" <<'YAML'
id: SELF-LEFTOVER-AUDIT
title: only the base profile is left
fixtures: [es5.base_profile]
steps:
  - es5.audit: {}
    expect: { nprofiles: 1 }
YAML
"$RSPTEST" run --sut "$WORK/stateful.yaml" --report-dir "$WORK/rep-audit" "$WORK/audit" \
  >"$WORK/audit.out" 2>&1
cat "$WORK/audit.out"
check "no ISD-P of the killed case is left (one profile: the base)" \
  grep -q '^PASS  SELF-LEFTOVER-AUDIT ' "$WORK/audit.out"
finish
