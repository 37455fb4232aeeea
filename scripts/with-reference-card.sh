#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# with-reference-card.sh RSPTEST CMD [ARGS...] — runs CMD next to rsptest's reference
# eUICC as the card of a private pcscd's vpcd reader ("Virtual PCD").
#
# Inside scripts/pcsc-sandbox.sh (a private pcscd, so a system pcscd is never
# disturbed; namespaces or not, see there): starts `RSPTEST card serve` on the sandbox's
# vpcd ($RT_VPCD), runs CMD (which reaches the card through PC/SC, e.g.
# `rsptest run --sut reference-vpcd`), stops the card, and exits with CMD's status.
# SIGINT/SIGTERM/SIGHUP are passed on to CMD, once each, and CMD is waited for (rsptest
# then writes its report) before the card stops. The card's own log goes to
# ${RT_CARD_LOG:-/dev/null}; RT_CARD_ARGS adds options to `card serve` (e.g.
# "--personality sut/personalities/reference-brainpool.yaml").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -lt 2 ]; then
  echo "usage: $0 RSPTEST CMD [ARGS...]" >&2
  exit 2
fi
if [ -z "${RT_WITH_CARD_INSIDE:-}" ]; then
  export RT_WITH_CARD_INSIDE=1
  exec "$here/pcsc-sandbox.sh" bash "$0" "$@"
fi
unset RT_WITH_CARD_INSIDE

rsptest=$1
shift
card=
cmd=
pending=
status=1
forward() { # SIG
  if [ -n "$cmd" ]; then kill -s "$1" "$cmd" 2>/dev/null || true; else pending=$1; fi
}
trap 'forward INT' INT
trap 'forward TERM' TERM
trap 'forward HUP' HUP
stop_card() {
  trap - EXIT
  if [ -n "$card" ]; then
    kill -TERM "$card" 2>/dev/null || true
    wait "$card" 2>/dev/null || true
  fi
  exit "$status"
}
trap stop_card EXIT

# shellcheck disable=SC2086 # RT_CARD_ARGS: extra card serve options, split on purpose
"$rsptest" card serve --vpcd "${RT_VPCD:-127.0.0.1:35963}" ${RT_CARD_ARGS:-} >"${RT_CARD_LOG:-/dev/null}" 2>&1 </dev/null &
card=$!
if [ -n "$pending" ]; then
  case $pending in INT) status=130 ;; TERM) status=143 ;; *) status=129 ;; esac
  exit "$status"
fi
# CMD in the background so that a signal runs the trap at once (bash runs traps only
# between commands), in a process group of its own (job control; also keeps SIGINT from
# being ignored in it); wait again after each interruption until CMD has ended.
set -m
"$@" <&0 &
cmd=$!
set +m
while kill -0 "$cmd" 2>/dev/null; do
  wait "$cmd" 2>/dev/null || true
done
set +e
wait "$cmd" 2>/dev/null
status=$?
set -e
exit "$status"
