#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test_pcsc_vpcd — rsptest's software eUICC through a real pcscd + vpcd.
#
# Inside scripts/pcsc-sandbox.sh (private pcscd, private network): starts the card
# (`rsptest card serve`), then checks with tests/tools/rt_pcsc_probe, both as a bare PC/SC client and
# through rsptest's pcsc transport:
#   - the ATR the reader reports is the eUICC ATR;
#   - SELECT ISD-R (FCI), SELECT ECASD, GET DATA EID, an unknown tag, a short Le (6Cxx);
#   - the T=0 knob: the bare client sees 61xx, rsptest's transport the whole answer;
#   - a killed card is reported as removed (EREMOVED), and a restarted one comes back.
# Every wait is on an event: process exit, or pcscd's view of the reader through
# `rt_pcsc_probe wait present|absent` (SCardGetStatusChange), never a fixed delay.
# RT_PCSC_SANDBOX=plain runs it next to a pcscd without namespaces (pcsc-sandbox.sh).
# Every process started here is stopped on exit (trap; the sandbox's PID namespace
# catches anything left over).
#
# Environment (set by ctest): RSPTEST, RT_SRCDIR, RT_BUILDDIR.
set -euo pipefail

: "${RT_SRCDIR:?RT_SRCDIR not set}"
: "${RT_BUILDDIR:?RT_BUILDDIR not set}"

if [ -z "${RT_PCSC_TEST_INSIDE:-}" ]; then
  export RT_PCSC_TEST_INSIDE=1
  exec "$RT_SRCDIR/scripts/pcsc-sandbox.sh" bash "$0" "$@"
fi

PROBE="$RT_BUILDDIR/tests/rt_pcsc_probe"
ISDR=A0000005591010FFFFFFFF8900000100
ECASD=A0000005591010FFFFFFFF8900000200
EID=89049032123451234512345678901235
ATR=3B979680B1FE453FC7828031807380210012
FCI_ISDR="6F188410${ISDR}A5049F6501FF"
work=$(mktemp -d)
card_pid=
fails=0

cleanup() {
  local rc=$?
  trap - EXIT
  stop_card
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

: "${RSPTEST:?RSPTEST not set}"
CARD=("$RSPTEST" card)

# the sandbox's vpcd (a free port in plain mode)
start_card() {
  "${CARD[@]}" serve --vpcd "${RT_VPCD:-127.0.0.1:35963}" "$@" 2>>"$work/card.log" &
  card_pid=$!
}
# wait_state present|absent — until pcscd reports it (generous bound, under load too)
wait_state() { "$PROBE" --wait-ms 20000 wait "$1" >>"$work/wait.log" 2>&1; }

stop_card() {
  if [ -n "$card_pid" ]; then
    kill -TERM "$card_pid" 2>/dev/null || true
    wait "$card_pid" 2>/dev/null || true
    card_pid=
  fi
}

check() { # name expected actual
  if [ "$2" = "$3" ]; then
    echo "ok   - $1"
  else
    echo "FAIL - $1: expected '$2', got '$3'"
    fails=$((fails + 1))
  fi
}

echo "# card: ${CARD[*]} (sandbox: ${RT_PCSC_SANDBOX_MODE:-?}, vpcd ${RT_VPCD:-?})"
start_card -v
check "card inserted (pcscd sees it)" 0 "$(wait_state present; echo $?)"

# ATR, as pcscd reports it (bare client waits for the card with SCardGetStatusChange).
check "ATR (bare)" "ATR $ATR" "$("$PROBE" --wait-ms 5000 atr)"
check "ATR (rsptest pcsc)" "ATR $ATR" "$("$PROBE" --rt atr)"

apdus=("00A4040010$ISDR" "00A4040C10$ECASD" 80CA005A00 80CA004200 80CA005A05 00A4040010A0000005591010FFFFFFFF8900000300)
mapfile -t bare < <("$PROBE" send "${apdus[@]}")
check "SELECT ISD-R -> FCI" "${FCI_ISDR}9000" "${bare[0]:-}"
check "SELECT ECASD, no FCI" "9000" "${bare[1]:-}"
check "GET DATA EID" "5A10${EID}9000" "${bare[2]:-}"
check "GET DATA unknown tag" "6A88" "${bare[3]:-}"
check "GET DATA short Le (bare sees 6Cxx)" "6C12" "${bare[4]:-}"
check "SELECT unknown AID" "6A82" "${bare[5]:-}"

mapfile -t rt < <("$PROBE" --rt send "${apdus[@]}")
check "rsptest pcsc: SELECT ISD-R" "${FCI_ISDR}9000" "${rt[0]:-}"
check "rsptest pcsc: GET DATA EID" "5A10${EID}9000" "${rt[2]:-}"
check "rsptest pcsc: short Le repeated with 6Cxx's length" "5A10${EID}9000" "${rt[4]:-}"

# Removal: rsptest's transport must name it. Kill the card while a client polls.
"$PROBE" --rt poll 80CA005A00 20 500 >"$work/poll.out" 2>&1 &
poll_pid=$!
for _ in $(seq 1 1000); do
  grep -q polling "$work/poll.out" 2>/dev/null && break
  kill -0 "$poll_pid" 2>/dev/null || break
  sleep 0.02
done
kill -KILL "$card_pid"
wait "$card_pid" 2>/dev/null || true
card_pid=
set +e
wait "$poll_pid"
poll_rc=$?
set -e
check "killed card -> exit 3 (removed)" "3" "$poll_rc"
check "killed card -> EREMOVED" "error EREMOVED" "$(grep -o '^error [A-Z]*' "$work/poll.out" || true)"
# pcscd must have seen the card go before a new one comes: else a client may still
# see the old card's state (present) and talk to nobody.
check "killed card -> pcscd reports the reader empty" 0 "$(wait_state absent; echo $?)"

# Re-insertion with the T=0 knob: the bare client sees 61xx, rsptest's transport fetches
# the data with GET RESPONSE.
start_card --t0-get-response
check "re-inserted card -> pcscd reports it" 0 "$(wait_state present; echo $?)"
mapfile -t bare < <("$PROBE" --wait-ms 5000 send "00A4040C10$ECASD" 80CA005A00 00C0000012)
check "re-inserted card answers" "9000" "${bare[0]:-}"
check "T=0 mode: 61xx" "6112" "${bare[1]:-}"
check "T=0 mode: GET RESPONSE" "5A10${EID}9000" "${bare[2]:-}"
mapfile -t rt < <("$PROBE" --rt send "00A4040C10$ECASD" 80CA005A00 "00A4040010$ISDR")
check "T=0 mode via rsptest pcsc: GET DATA EID" "5A10${EID}9000" "${rt[1]:-}"
check "T=0 mode via rsptest pcsc: SELECT FCI" "${FCI_ISDR}9000" "${rt[2]:-}"
stop_card

if [ "$fails" -ne 0 ]; then
  echo "# $fails check(s) failed; poll, waits, card log:"
  cat "$work/poll.out" "$work/wait.log" "$work/card.log" 2>/dev/null
  exit 1
fi
echo "# all checks passed"
