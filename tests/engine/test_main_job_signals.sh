#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SIGTERM/SIGINT sent to the main job's script (scripts/with-reference-card.sh, which
# main-job.sh execs into) at a random point of a run over pcscd + vpcd: the signal
# reaches rsptest, the script waits for it, and every time the report survives —
# exit status 130 (rsptest's, interrupted), junit.xml valid, no junit.xml.tmp.* left,
# no process of the run left behind. 20 runs, a few real cases then one that runs until
# interrupted (so that the signal always lands inside the run).
# RT_SIGNAL_RUNS overrides the count; RT_PCSC_SANDBOX picks the sandbox (ns/plain).
. "$(dirname "$0")/lib.sh"
runs=${RT_SIGNAL_RUNS:-20}
mkdir -p "$WORK/tmp"
export TMPDIR="$WORK/tmp" # the sandbox's folder (plain: pcscd's -c) names $WORK
for i in $(seq 1 "$runs"); do
  if [ $((i % 2)) -eq 0 ]; then sig=INT; else sig=TERM; fi
  rep="$WORK/rep-$i"
  out="$WORK/out-$i"
  # job control: the script's SIGINT is not ignored as in a plain background job
  set -m
  bash "$RT_SRCDIR/scripts/with-reference-card.sh" "$RSPTEST" \
    "$RSPTEST" run --sut reference-vpcd --report-dir "$rep" \
    -k "basic or slow" "$RT_SRCDIR/testcases" "$HERE/cases/slow" >"$out" 2>&1 &
  pid=$!
  set +m
  # the run has started once rsptest printed its header (its handlers are set by then)
  for _ in $(seq 1 500); do grep -q 'cases selected' "$out" && break; sleep 0.02; done
  # a random point inside the run: during the real cases or the endless one
  sleep "0.$((RANDOM % 6))$((RANDOM % 10))"
  kill -s "$sig" "$pid"
  # bounded wait for the script to end
  for _ in $(seq 1 1500); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
  if kill -0 "$pid" 2>/dev/null; then
    bad "run $i (SIG$sig): script still running 30 s after the signal"
    kill -KILL -- "-$pid" 2>/dev/null
  fi
  wait "$pid"
  status=$?
  strays=$(pgrep -f -- "$WORK" || true)
  if [ "$status" -eq 130 ] && [ -s "$rep/junit.xml" ] &&
    xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$rep/junit.xml" 2>/dev/null &&
    ! ls "$rep" | grep -q 'junit.xml.tmp' && [ -z "$strays" ] &&
    grep -q 'interrupted' "$rep/junit.xml"; then
    ok "run $i (SIG$sig): exit 130, junit.xml valid, nothing left behind"
  else
    bad "run $i (SIG$sig): status $status, strays '${strays}'"
    ls -la "$rep" 2>&1
    cat "$out"
    [ -z "$strays" ] || kill -KILL $strays 2>/dev/null
  fi
done
finish
