#!/usr/bin/env bash
# with-reference-card.sh RSPTEST CMD [ARGS...] — runs CMD next to rsptest's reference
# eUICC as the card of a private pcscd's vpcd reader ("Virtual PCD").
#
# Inside scripts/pcsc-sandbox.sh (private pcscd in its own network/mount namespaces, so
# a system pcscd is never disturbed): starts `RSPTEST card serve`, runs CMD (which
# reaches the card through PC/SC, e.g. `rsptest run --sut reference-vpcd`), stops the
# card, and exits with CMD's status. The card's own log goes to
# ${RT_CARD_LOG:-/dev/null}.
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

rsptest=$1
shift
"$rsptest" card serve --vpcd 127.0.0.1:35963 >"${RT_CARD_LOG:-/dev/null}" 2>&1 &
card=$!
trap 'kill -TERM $card 2>/dev/null || true; wait $card 2>/dev/null || true' EXIT
status=0
"$@" || status=$?
exit $status
