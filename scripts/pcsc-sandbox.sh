#!/usr/bin/env bash
# pcsc-sandbox.sh — runs a command next to a private pcscd whose only reader is vpcd.
#
#   scripts/pcsc-sandbox.sh CMD [ARGS...]
#
# CMD runs in private network, mount and PID namespaces (unshare; non-root adds
# --map-root-user) with `lo` up, a tmpfs on /run/pcscd and a pcscd of its own started in
# the foreground with a private reader.conf.d holding only the vpcd reader (port 35963,
# CHANNELID 0x8C7B). A software card for that reader is started by CMD itself, e.g.
# `rsptest card serve &`. pcscd is stopped afterwards whatever happens (trap), and when
# CMD ends every process it left behind ends with the PID namespace. The exit status is
# CMD's.
#
# A pcscd already running on the machine is never touched: its socket path
# /run/pcscd/pcscd.comm is compiled in, so ours lives on a tmpfs only this mount
# namespace sees; its TCP port 35963 is in this network namespace only; and the USB
# driver folder is hidden in here, so our pcscd claims no real reader (design.md 5).
#
# Environment:
#   PCSC_SANDBOX_LOG=FILE        keep pcscd's log (stdout/stderr) in FILE
#   PCSC_SANDBOX_PCSCD_ARGS=...  extra pcscd options, e.g. "-d -a" (debug, APDUs)
#   PCSC_SANDBOX_TIMEOUT=SECONDS how long to wait for pcscd to listen (default 10)
set -euo pipefail

if [ $# -eq 0 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
  [ $# -eq 0 ] && exit 2 || exit 0
fi

VPCD_PORT=35963

# --- outside: enter the namespaces and run this script again inside them ------------
if [ -z "${RT_PCSC_SANDBOX_INSIDE:-}" ]; then
  for tool in unshare pcscd ip ss; do
    command -v "$tool" >/dev/null 2>&1 || {
      echo "pcsc-sandbox: '$tool' not found (run scripts/install-deps.sh)" >&2
      exit 127
    }
  done
  opts=(--mount --net --pid --fork --mount-proc --kill-child=SIGTERM --propagation private)
  [ "$(id -u)" -eq 0 ] || opts+=(--map-root-user)
  export RT_PCSC_SANDBOX_INSIDE=1
  exec unshare "${opts[@]}" bash "$0" "$@"
fi

# --- inside: private pcscd, then CMD -------------------------------------------------
log=${PCSC_SANDBOX_LOG:-/dev/null}
timeout_s=${PCSC_SANDBOX_TIMEOUT:-10}
pcscd_pid=
cmd_pid=
priv=

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -n "$cmd_pid" ] && kill -0 "$cmd_pid" 2>/dev/null; then
    kill -TERM "$cmd_pid" 2>/dev/null || true
  fi
  if [ -n "$pcscd_pid" ] && kill -0 "$pcscd_pid" 2>/dev/null; then
    kill -TERM "$pcscd_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
      kill -0 "$pcscd_pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$pcscd_pid" 2>/dev/null || true
    wait "$pcscd_pid" 2>/dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

ip link set lo up

# pcscd's socket folder: a tmpfs over /run/pcscd when the folder exists (a system
# pcscd's socket underneath stays untouched and unseen); else a tmpfs over /run so as not
# to create folders on the host.
if [ -d /run/pcscd ]; then
  mount -t tmpfs -o mode=0755 tmpfs /run/pcscd
else
  mount -t tmpfs -o mode=0755 tmpfs /run
  mkdir -p /run/pcscd
fi

# The vpcd driver and a reader.conf.d that lists only it. Both live on a tmpfs laid over
# the driver folder, which also hides the USB drivers: hotplug then finds no real reader
# to claim. The driver is read through a descriptor opened before the folder is covered.
vpcd_lib=$(sed -n 's/^[[:space:]]*LIBPATH[[:space:]]\+//p' /etc/reader.conf.d/vpcd 2>/dev/null | head -n1)
[ -n "$vpcd_lib" ] || vpcd_lib=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
if [ ! -r "$vpcd_lib" ]; then
  echo "pcsc-sandbox: vpcd driver $vpcd_lib not found (install vsmartcard-vpcd)" >&2
  exit 127
fi
priv=/usr/lib/pcsc/drivers
if [ ! -d "$priv" ]; then
  echo "pcsc-sandbox: $priv missing: unexpected pcsc-lite layout" >&2
  exit 127
fi
exec 3<"$vpcd_lib"
mount -t tmpfs -o mode=0755 tmpfs "$priv"
cat <&3 >"$priv/libifdvpcd.so"
exec 3<&-
mkdir -p "$priv/reader.conf.d"
cat >"$priv/reader.conf.d/vpcd" <<EOF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x8C7B
LIBPATH      $priv/libifdvpcd.so
CHANNELID    0x8C7B
EOF

# shellcheck disable=SC2086 # word splitting of the extra options is intended
pcscd -f -c "$priv/reader.conf.d" ${PCSC_SANDBOX_PCSCD_ARGS:-} >>"$log" 2>&1 </dev/null &
pcscd_pid=$!

# Ready when vpcd listens. Look with ss: a test connection would be taken for a card.
deadline=$((SECONDS + timeout_s))
until ss -Hltn "sport = :$VPCD_PORT" 2>/dev/null | grep -q .; do
  if ! kill -0 "$pcscd_pid" 2>/dev/null; then
    echo "pcsc-sandbox: pcscd exited before listening on $VPCD_PORT (log: PCSC_SANDBOX_LOG=FILE)" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "pcsc-sandbox: pcscd not listening on $VPCD_PORT after ${timeout_s}s" >&2
    exit 1
  fi
  sleep 0.02
done

# CMD in the background so signals reach the traps at once; stdin stays CMD's.
"$@" <&0 &
cmd_pid=$!
set +e
wait "$cmd_pid"
rc=$?
set -e
cmd_pid=
exit "$rc"
