#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SIGKILL safety of the reference eUICC's state file (roles/euicc/rt_euicc_store.c).
#
# tests/tools/rt_euicc_torture drives the card (rt_euicc_new on a state file, then
# state changes each followed by rt_euicc_commit) through a deterministic sequence; it
# is killed with SIGKILL at random moments, many times. Saves are made slow with the
# store's test hook RT_EUICC_STORE_DELAY_US (a pause between writing "<file>.tmp" and
# renaming it), so that many kills land inside a save. After every kill the file must
# load (never corrupt) and be exactly the state before or after the interrupted step
# (the tool replays the sequence to know both). Then `rsptest card serve --state` is
# killed the same way and must come back with its file.
#
# Environment: RT_KILLS (default 150), RT_KILL_SEED (default: random, printed).
. "$(dirname "$0")/lib.sh"
TORTURE="$RT_BUILDDIR/tests/rt_euicc_torture"
if [ ! -x "$TORTURE" ]; then
  echo "not ok - $TORTURE not built"; exit 1
fi
KILLS=${RT_KILLS:-150}
SEED=${RT_KILL_SEED:-$((RANDOM * 32768 + RANDOM))}
STATE="$WORK/card.state"
echo "# seed $SEED, $KILLS kills"

export RT_EUICC_STORE_DELAY_US=4000
acked=-1
kills=0 before=0 after=0 absent=0 tmp_complete=0 tmp_partial=0 problems=0
for i in $(seq 1 "$KILLS"); do
  "$TORTURE" run "$STATE" "$SEED" >"$WORK/run.out" 2>"$WORK/run.err" &
  pid=$!
  # 0..59 ms: startup (load + replay check), inside saves, between them
  sleep "0.0$(printf '%02d' $((RANDOM % 60)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  kills=$((kills + 1))
  if [ -s "$WORK/run.err" ]; then
    problems=$((problems + 1)); echo "# run $i: $(cat "$WORK/run.err")"
  fi
  # the last step the run said it holds ("resumed K" at start, "committed K" after each
  # save): the file must be that step or the next one (interrupted)
  last=$(grep -E '^(resumed|committed) [0-9]+$' "$WORK/run.out" | tail -n 1 | cut -d' ' -f2)
  [ -n "$last" ] && acked=$last
  res=$("$TORTURE" check "$STATE" "$SEED" "$acked")
  case "$res" in
    ok*" before"*) before=$((before + 1)) ;;
    ok*" after"*) after=$((after + 1)) ;;
    "ok absent"*) absent=$((absent + 1)) ;;
    *) problems=$((problems + 1)); echo "# kill $i (acked $acked): $res" ;;
  esac
  case "$res" in *tmp-complete*) tmp_complete=$((tmp_complete + 1)) ;; esac
  case "$res" in *tmp-partial*) tmp_partial=$((tmp_partial + 1)) ;; esac
done
unset RT_EUICC_STORE_DELAY_US
echo "# $kills kills: $before at the state before the interrupted step, $after after," \
  "$absent before the first save; $tmp_complete inside a save after the write," \
  "$tmp_partial during the write; last step $acked"
check "no corrupt or unexpected state after $kills SIGKILLs" test "$problems" -eq 0
check "kills landed inside saves (a .tmp was left) at least 10 times" \
  test $((tmp_complete + tmp_partial)) -ge 10
check "both outcomes seen (state before and after an interrupted step)" \
  test "$before" -gt 0 -a "$after" -gt 0
check "the sequence advanced (over 50 steps committed)" test "$acked" -gt 50
check "a final uninterrupted run resumes and goes on" \
  "$TORTURE" run "$STATE" "$SEED" 20
check "the file it leaves is the state of its last step" \
  "$TORTURE" check "$STATE" "$SEED" $((acked + 20))

# --- the real card: state changes made by the suite's ES5/ES8 cases -----------------
# `rsptest run` against the loop reference card with `state:` set, SIGKILLed while the
# cases create, enable, delete profiles (each change committed through the store): the
# file must load after every kill.
RUNSTATE="$WORK/run.state"
sed -e "s|^  personality: .*|  personality: $RT_SRCDIR/sut/personalities/reference.yaml\n  state: $RUNSTATE|" \
  "$RT_SRCDIR/sut/reference.yaml" >"$WORK/stateful.yaml"
export RT_EUICC_STORE_DELAY_US=2000
run_kills=0 run_bad=0 run_tmp=0
for i in $(seq 1 25); do
  "$RSPTEST" run --sut "$WORK/stateful.yaml" --report-dir "$WORK/rep-run" \
    "$RT_SRCDIR/testcases" >/dev/null 2>&1 &
  pid=$!
  sleep "0.$(printf '%02d' $((RANDOM % 40 + 5)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  run_kills=$((run_kills + 1))
  [ -e "$RUNSTATE.tmp" ] && run_tmp=$((run_tmp + 1))
  if [ -e "$RUNSTATE" ]; then
    res=$("$TORTURE" load "$RUNSTATE")
    case "$res" in ok*) ;; *) run_bad=$((run_bad + 1)); echo "# run kill $i: $res" ;; esac
  fi
done
unset RT_EUICC_STORE_DELAY_US
echo "# rsptest run: $run_kills kills ($run_tmp inside a save); last: $("$TORTURE" load "$RUNSTATE")"
check "rsptest run with a state file: the file loads after each of $run_kills SIGKILLs" \
  test "$run_bad" -eq 0 -a -e "$RUNSTATE"

# --- rsptest card serve --state ------------------------------------------------------
# No vpcd is listening (port 9): the card keeps retrying, which is all we need to see
# it create its file as manufactured, die by SIGKILL, and come back with that file.
SERVESTATE="$WORK/serve.state"
serve() {
  "$RSPTEST" card serve --vpcd 127.0.0.1:9 --personality "$RT_SRCDIR/sut/personalities/reference.yaml" \
    --state "$SERVESTATE" "$@" >"$WORK/serve.out" 2>&1 &
  spid=$!
  for _ in $(seq 1 100); do [ -e "$SERVESTATE" ] && break; sleep 0.02; done
  sleep 0.1
  kill -KILL "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
}
serve
check "card serve --state creates the state file" "$TORTURE" load "$SERVESTATE"
check "... readable by its owner only (it holds keys)" test "$(stat -c %a "$SERVESTATE")" = 600
cp "$SERVESTATE" "$WORK/serve.first"
serve --fault bad_eid
check "after SIGKILL card serve restarts from its file (unchanged)" cmp -s "$SERVESTATE" "$WORK/serve.first"
printf 'garbage' >"$SERVESTATE"
"$RSPTEST" card serve --vpcd 127.0.0.1:9 --state "$SERVESTATE" >"$WORK/serve.bad" 2>&1 &
spid=$!
for _ in $(seq 1 50); do kill -0 "$spid" 2>/dev/null || break; sleep 0.02; done
kill -KILL "$spid" 2>/dev/null; wait "$spid"
check "card serve refuses a damaged state file, naming it" grep -q "serve.state.*card state" "$WORK/serve.bad"

finish
