#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/fresh-root/run.sh [ROOT_DIR] — runs the README's two commands in a fresh
# minimal Debian 12 root, as a new user would: `debootstrap --variant=minbase bookworm`
# (only Essential + required packages), the committed tree (git archive HEAD) copied in,
# then `bash scripts/main-job.sh` and `bash scripts/test.sh` in a chroot, as root.
# Whatever the scripts need must come from scripts/install-deps.sh; this is the check
# that catches a program nothing installs (engine.deps only sees installed ones).
#
# Not part of ctest: it downloads Debian packages and takes a while (about a full
# build and test run). Run it as root on a Debian host with debootstrap installed:
#   bash tests/fresh-root/run.sh                 # root in build-fresh/root
#   RT_FRESH_KEEP=1 bash tests/fresh-root/run.sh # reuse an existing root (faster)
# Logs: ROOT_DIR/../main-job.log and ROOT_DIR/../test.log. Exit status: 0 when both
# commands exited 0.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
root=${1:-$src/build-fresh/root}
logs=$(dirname "$root")
mirror=${RT_FRESH_MIRROR:-http://deb.debian.org/debian}

[ "$(id -u)" -eq 0 ] || { echo "fresh-root: run as root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "fresh-root: apt-get install debootstrap" >&2; exit 2; }

if [ ! -x "$root/bin/bash" ] || [ -z "${RT_FRESH_KEEP:-}" ]; then
  rm -rf "$root"
  mkdir -p "$root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$logs/debootstrap.log" 2>&1
fi

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
bind() { mkdir -p "$root$1"; mount --bind "$1" "$root$1"; mounted+=("$root$1"); }
# The root must be a mount point of its own: pcsc-sandbox.sh's `unshare --propagation
# private` fails with EINVAL when / inside the chroot is only a directory.
mount --bind "$root" "$root"; mounted+=("$root")
mount -t proc proc "$root/proc"; mounted+=("$root/proc")
bind /sys
bind /dev
bind /dev/pts
cp /etc/resolv.conf "$root/etc/resolv.conf"

# The committed tree only: what a fresh clone would have.
rm -rf "$root/src"
mkdir -p "$root/src"
git -C "$src" archive HEAD | tar -x -C "$root/src"

run() { # run NAME COMMAND — in the chroot, from /src, with a clean environment
  local name=$1 t0 rc=0
  shift
  t0=$(date +%s)
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM=dumb bash -c "cd /src && $*" >"$logs/$name.log" 2>&1 || rc=$?
  echo "fresh-root: '$*' exited $rc after $(( $(date +%s) - t0 )) s (log $logs/$name.log)"
  return $rc
}
status=0
run main-job "bash scripts/main-job.sh" || status=1
run test "bash scripts/test.sh" || status=1
exit $status
