#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# pcsc-sandbox.sh — runs a command next to a private pcscd whose only reader is vpcd.
#
#   scripts/pcsc-sandbox.sh CMD [ARGS...]
#
# Two ways to keep that pcscd private, chosen by RT_PCSC_SANDBOX (default auto: ns when
# the kernel lets us make namespaces, else plain):
#
# ns     CMD runs in private network, mount and PID namespaces (unshare; non-root adds
#        --map-root-user) with `lo` up, a tmpfs on /run/pcscd and a pcscd of its own whose
#        only reader is vpcd on port 35963. The USB driver folder is hidden in there, so
#        the pcscd claims no real reader. Whatever CMD leaves behind ends with the PID
#        namespace.
# plain  for unprivileged containers and chroots, where unshare is refused: a pcscd
#        with its own reader configuration (`pcscd -c DIR`, vpcd on a free port) and its
#        own socket in a temporary folder, handed over by socket activation (LISTEN_FDS;
#        pcscd 1.9 binds only its compiled-in path itself) and found by CMD's PC/SC
#        clients through PCSCLITE_CSOCK_NAME. CMD runs in a process group of its own that
#        is stopped when CMD ends. Limits: vpcd listens on all interfaces (INADDR_ANY),
#        pcscd's compiled-in /run/pcscd/pcscd.pid is written while it runs (a live
#        system pcscd's file is put back afterwards), and a real USB reader could be
#        claimed through hotplug (containers usually have none).
#
# Either way a system pcscd's socket is never used, and CMD finds in its environment
#   RT_VPCD=127.0.0.1:PORT  RT_VPCD_PORT=PORT  (`rsptest card serve` reads RT_VPCD)
#   RT_PCSC_SANDBOX_MODE=ns|plain
# A software card for the reader is started by CMD itself (`rsptest card serve &`).
#
# Signals: SIGINT/SIGTERM/SIGHUP sent to this script are passed on, once each, to CMD,
# and the script waits for CMD to end (rsptest then writes its report) before stopping
# pcscd. CMD runs in its own process group, so a terminal's Ctrl-C reaches it only
# through here, once. Exit status: CMD's (rsptest: 130 when interrupted); 128+signal
# when a signal came before CMD started; 1 when the sandbox could not be set up.
#
# Environment:
#   RT_PCSC_SANDBOX=auto|ns|plain  how to keep pcscd private (above)
#   PCSC_SANDBOX_LOG=FILE          keep pcscd's log (stdout/stderr) in FILE
#   PCSC_SANDBOX_PCSCD_ARGS=...    extra pcscd options, e.g. "-d -a" (debug, APDUs)
#   PCSC_SANDBOX_TIMEOUT=SECONDS   how long to wait for pcscd to listen (default 10)
set -euo pipefail

if [ $# -eq 0 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
  [ $# -eq 0 ] && exit 2 || exit 0
fi

NS_VPCD_PORT=35963
log=${PCSC_SANDBOX_LOG:-/dev/null}
timeout_s=${PCSC_SANDBOX_TIMEOUT:-10}

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || {
      echo "pcsc-sandbox: '$tool' not found (run scripts/install-deps.sh)" >&2
      exit 127
    }
  done
}

# The vpcd driver the system installed (its reader.conf names it).
vpcd_driver() {
  local lib
  lib=$(sed -n 's/^[[:space:]]*LIBPATH[[:space:]]\+//p' /etc/reader.conf.d/vpcd 2>/dev/null | head -n1)
  [ -n "$lib" ] || lib=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
  if [ ! -r "$lib" ]; then
    echo "pcsc-sandbox: vpcd driver $lib not found (install vsmartcard-vpcd)" >&2
    exit 127
  fi
  printf '%s\n' "$lib"
}

# write_conf DIR PORT LIBPATH — a reader.conf.d listing only vpcd on PORT. vpcd reads
# the port from DEVICENAME "/dev/null:PORT" (strtoul base 0) and listens on it (and
# on PORT+1 for its second slot, "Virtual PCD 00 01").
write_conf() {
  mkdir -p "$1"
  cat >"$1/vpcd" <<EOF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$2
LIBPATH      $3
CHANNELID    $2
EOF
}

# --- running CMD and passing signals on ----------------------------------------------
# child: the process waited for (CMD, or unshare); target: the one signals go to (CMD,
# or the namespace's init seen from outside); pending: a signal that came before there
# was a target, delivered once there is one.
child=
target=
pending=
on_signal() { # SIG
  if [ -n "$target" ]; then
    kill -s "$1" "$target" 2>/dev/null || true
  else
    pending=$1
  fi
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

# wait_child — waits until $child has ended (a trapped signal interrupts `wait`, so
# wait again) and sets rc to its status.
wait_child() {
  while kill -0 "$child" 2>/dev/null; do
    wait "$child" 2>/dev/null || true
  done
  set +e
  wait "$child" 2>/dev/null
  rc=$?
  set -e
}

# exit status for a signal that came before CMD ran
sig_status() { case $1 in INT) echo 130 ;; TERM) echo 143 ;; HUP) echo 129 ;; *) echo 1 ;; esac; }

# --- pcscd ---------------------------------------------------------------------------
pcscd_pid=
stop_pcscd() {
  [ -n "$pcscd_pid" ] || return 0
  if kill -0 "$pcscd_pid" 2>/dev/null; then
    kill -TERM "$pcscd_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pcscd_pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$pcscd_pid" 2>/dev/null || true
  fi
  wait "$pcscd_pid" 2>/dev/null || true
  pcscd_pid=
}

# wait_listen PORT — until pcscd ($pcscd_pid) listens on PORT. ss, not a test
# connection (vpcd would take that for a card). Returns 1 when pcscd died or the port
# is another process's (plain mode: a port taken between choosing and binding), 2 on
# timeout. With -p, ss names the owner: ours or not.
wait_listen() {
  local deadline=$((SECONDS + timeout_s)) line
  while :; do
    line=$(ss -Hltnp "sport = :$1" 2>/dev/null || true)
    if [ -n "$line" ]; then
      case $line in
        *"pid=$pcscd_pid,"*) return 0 ;;
        *users:*) return 1 ;;
        *) return 0 ;; # owner not shown (no permission): ns mode has only ours
      esac
    fi
    kill -0 "$pcscd_pid" 2>/dev/null || return 1
    [ "$SECONDS" -lt "$deadline" ] || return 2
    sleep 0.02
  done
}

# run_cmd CMD... — CMD in the background in a process group of its own (job control):
# signals reach the traps at once and a terminal's Ctrl-C does not reach CMD directly.
run_cmd() {
  if [ -n "$pending" ]; then
    rc=$(sig_status "$pending")
    return 0
  fi
  set -m
  "$@" <&0 &
  child=$!
  target=$child
  set +m
  wait_child
}

# ======================================================================================
mode=${RT_PCSC_SANDBOX:-auto}

# --- ns, inside: private pcscd, then CMD ---------------------------------------------
if [ -n "${RT_PCSC_SANDBOX_INSIDE:-}" ]; then
  unset RT_PCSC_SANDBOX_INSIDE PCSCLITE_CSOCK_NAME
  ready=${RT_PCSC_SANDBOX_READY:-}
  unset RT_PCSC_SANDBOX_READY
  rc=1
  cleanup_inside() {
    trap - EXIT
    stop_pcscd
    exit "$rc"
  }
  trap cleanup_inside EXIT
  # the traps are set: the outside may signal us now (PID 1 of a namespace gets only
  # the signals it has handlers for)
  [ -z "$ready" ] || : >"$ready"

  ip link set lo up
  # pcscd's socket folder: a tmpfs over /run/pcscd when the folder exists (a system
  # pcscd's socket underneath stays untouched and unseen); else a tmpfs over /run so as
  # not to create folders on the host.
  if [ -d /run/pcscd ]; then
    mount -t tmpfs -o mode=0755 tmpfs /run/pcscd
  else
    mount -t tmpfs -o mode=0755 tmpfs /run
    mkdir -p /run/pcscd
  fi
  # The vpcd driver and a reader.conf.d listing only it, on a tmpfs laid over the driver
  # folder, which also hides the USB drivers: hotplug finds no real reader to claim. The
  # driver is read through a descriptor opened before the folder is covered.
  vpcd_lib=$(vpcd_driver)
  priv=/usr/lib/pcsc/drivers
  if [ ! -d "$priv" ]; then
    echo "pcsc-sandbox: $priv missing: unexpected pcsc-lite layout" >&2
    exit 127
  fi
  exec 3<"$vpcd_lib"
  mount -t tmpfs -o mode=0755 tmpfs "$priv"
  cat <&3 >"$priv/libifdvpcd.so"
  exec 3<&-
  write_conf "$priv/reader.conf.d" "$NS_VPCD_PORT" "$priv/libifdvpcd.so"

  # shellcheck disable=SC2086 # word splitting of the extra options is intended
  pcscd -f -c "$priv/reader.conf.d" ${PCSC_SANDBOX_PCSCD_ARGS:-} >>"$log" 2>&1 </dev/null &
  pcscd_pid=$!
  if ! wait_listen "$NS_VPCD_PORT"; then
    echo "pcsc-sandbox: pcscd not listening on $NS_VPCD_PORT (log: PCSC_SANDBOX_LOG=FILE)" >&2
    exit 1
  fi
  export RT_VPCD=127.0.0.1:$NS_VPCD_PORT RT_VPCD_PORT=$NS_VPCD_PORT RT_PCSC_SANDBOX_MODE=ns
  run_cmd "$@"
  exit "$rc"
fi

# --- outside ---------------------------------------------------------------------------
need pcscd ss
ns_opts=(--mount --net --pid --fork --mount-proc --kill-child=SIGTERM --propagation private)
[ "$(id -u)" -eq 0 ] || ns_opts+=(--map-root-user)

case $mode in
  auto)
    # Can we make the namespaces and mount in them? (Refused in unprivileged
    # containers; in a chroot, --propagation fails: "cannot change root filesystem
    # propagation".)
    if command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 &&
      unshare "${ns_opts[@]}" sh -c 'mount -t tmpfs tmpfs /run && ip link set lo up' \
        >/dev/null 2>&1 </dev/null; then
      mode=ns
    else
      echo "pcsc-sandbox: namespaces not allowed here; private pcscd without them (plain)" >&2
      mode=plain
    fi
    ;;
  ns | plain) ;;
  *)
    echo "pcsc-sandbox: RT_PCSC_SANDBOX must be auto, ns or plain, not '$mode'" >&2
    exit 2
    ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pcsc-sandbox.XXXXXX")
rc=1
pidfile=/run/pcscd/pcscd.pid
saved_pid=

cleanup_outside() {
  trap - EXIT
  # plain: CMD's process group (what it left behind), then pcscd, then the system
  # pcscd's pid file as it was.
  if [ "$mode" = plain ] && [ -n "$child" ]; then
    kill -TERM -- "-$child" 2>/dev/null || true
  fi
  stop_pcscd
  if [ -n "$saved_pid" ] && kill -0 "$saved_pid" 2>/dev/null; then
    printf '%s\n' "$saved_pid" >"$pidfile" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup_outside EXIT

if [ "$mode" = ns ]; then
  need unshare ip
  # Not exec: unshare --fork blocks SIGINT/SIGTERM while it waits, so this script stays
  # to pass them on to the namespace's init (once it says its traps are set) and wait.
  export RT_PCSC_SANDBOX_INSIDE=1 RT_PCSC_SANDBOX_READY="$tmp/ready"
  set -m
  unshare "${ns_opts[@]}" bash "$0" "$@" <&0 &
  ushare=$!
  set +m
  unset RT_PCSC_SANDBOX_INSIDE RT_PCSC_SANDBOX_READY
  # The init's PID, seen from here, once its traps are set (or unshare gave up).
  init=
  while kill -0 "$ushare" 2>/dev/null; do
    if [ -e "$tmp/ready" ]; then
      init=$(pgrep -P "$ushare" | head -n1 || true)
      [ -n "$init" ] && break
    fi
    sleep 0.01
  done
  target=${init:-$ushare}
  [ -z "$pending" ] || kill -s "$pending" "$target" 2>/dev/null || true
  pending=
  # unshare's status is the init's
  child=$ushare
  wait_child
  exit "$rc"
fi

# --- plain ---------------------------------------------------------------------------
need python3
vpcd_lib=$(vpcd_driver)
sock=$tmp/pcscd.comm
# pcscd 1.9 gives up when it cannot make its compiled-in /run/pcscd (for the pid file;
# a chroot may not even have /run): make it here, and LEAVE it (empty) afterwards. Never
# rmdir it: an ns sandbox started meanwhile has laid its tmpfs over this very folder, and
# Linux (>= 3.18) detaches the mounts of a removed folder in every namespace — its pcscd
# socket would vanish mid-run ("Service not available"; engine.pcsc_sandbox_coexist).
if [ ! -d /run/pcscd ]; then
  if ! mkdir -p /run/pcscd 2>/dev/null; then
    echo "pcsc-sandbox: plain: pcscd needs /run/pcscd, which cannot be made here" >&2
    exit 1
  fi
fi
if [ -e "$pidfile" ]; then
  saved_pid=$(tr -dc 0-9 <"$pidfile" 2>/dev/null || true)
fi

# pcscd with its socket handed over (systemd's protocol: fd 3, LISTEN_FDS=1,
# LISTEN_PID = pcscd's PID, hence exec). The port: a free one, chosen by binding port 0;
# should another process take it before vpcd binds, try another.
activate='
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
s.listen(16)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_PID"] = str(os.getpid())
os.environ.pop("LISTEN_FDNAMES", None)
os.execvp(sys.argv[2], sys.argv[2:])
'
# vpcd listens on PORT for its first slot and PORT+1 for its second: both free.
freeport='
import socket
for _ in range(100):
    a = socket.socket(); a.bind(("", 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("", p + 1)); print(p); break
    except OSError:
        pass
    finally:
        a.close(); b.close()
'
port=
for attempt in 1 2 3 4 5; do
  [ -z "$pending" ] || break
  p=$(python3 -c "$freeport")
  rm -f "$sock"
  write_conf "$tmp/reader.conf.d" "$p" "$vpcd_lib"
  # shellcheck disable=SC2086 # word splitting of the extra options is intended
  python3 -c "$activate" "$sock" pcscd -f -c "$tmp/reader.conf.d" ${PCSC_SANDBOX_PCSCD_ARGS:-} \
    >>"$log" 2>&1 </dev/null &
  pcscd_pid=$!
  set +e
  wait_listen "$p"
  w=$?
  set -e
  if [ "$w" -eq 0 ]; then
    port=$p
    break
  fi
  stop_pcscd
  if [ "$w" -eq 2 ]; then
    break
  fi
  echo "pcsc-sandbox: port $p not ours (attempt $attempt), trying another" >&2
done
if [ -n "$pending" ]; then
  rc=$(sig_status "$pending")
  exit "$rc"
fi
if [ -z "$port" ]; then
  echo "pcsc-sandbox: plain pcscd did not listen (log: PCSC_SANDBOX_LOG=FILE)" >&2
  exit 1
fi
export PCSCLITE_CSOCK_NAME=$sock RT_VPCD=127.0.0.1:$port RT_VPCD_PORT=$port \
  RT_PCSC_SANDBOX_MODE=plain
run_cmd "$@"
exit "$rc"
