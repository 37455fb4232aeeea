#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs every Debian 12 package rsptest needs to build, run and test.
# Idempotent: packages already present are left alone; apt runs only when one is missing.
set -euo pipefail

PKGS=(
  # build
  build-essential cmake pkg-config clang libclang-rt-14-dev
  # libraries (design.md §5)
  libssl-dev openssl libcurl4-openssl-dev libxml2-dev libxml2-utils libyaml-dev
  liblua5.4-dev libpcsclite-dev libevent-dev libcmocka-dev
  # line editing, history and completion at the `rsptest lua` prompt (harness/cli/rt_repl_edit.c)
  libedit-dev
  # PC/SC without hardware: private pcscd + the vpcd driver (scripts/pcsc-sandbox.sh:
  # unshare from util-linux, ip/ss from iproute2, pgrep from procps; python3 below also
  # hands the plain sandbox's socket to pcscd by socket activation)
  pcscd vsmartcard-vpcd iproute2 util-linux procps
  # independent cross-checks in tests
  python3 python3-cryptography
  # engine.cli_habits: an independent JUnit reader checks our reports
  python3-junitparser
  # xcheck.xsd: a second XML Schema validator (pure Python, no libxml2) judges the
  # off-card messages against xsd/esim-messaging-3.xsd beside libxml2
  python3-xmlschema
  # test PKI generation (certs/make-test-pki.sh, engine.certs): hex dumps
  xxd
  # tests/fresh-root/run.sh: a minimal Debian 12 root, the committed tree copied in
  debootstrap git
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts pcscd through socket activation; our tests run their own private
# instance (scripts/pcsc-sandbox.sh) and never depend on the system one.
echo "install-deps: done"
