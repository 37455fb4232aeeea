#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fault self-test: the suite must catch a card that breaks a rule. For each fault knob
# of the reference eUICC (enum rt_euicc_fault, names in rt_euicc_fault_names), the
# cases that check that rule are run against the reference card with the fault
# injected (SUT description `card: faults: [NAME]`) and must FAIL; the same cases must
# PASS against the card without it (so a FAIL is the fault's doing, not a broken case).
#
# HOW TO ADD A ROW: when you write a case that checks a rule a fault knob breaks, add
# its id to that fault's row below (one line per fault: the name, then the case ids,
# separated by spaces; lines starting with '#' are comments). After a '|', cases that must still PASS with the fault (they do
# not depend on the broken rule: proof that the knob breaks one rule, not the card).
# A new knob gets a new row. Nothing else needs to change.
. "$(dirname "$0")/lib.sh"

#  fault                 cases that must FAIL with it (and PASS without it)
FAULT_TABLE='
bad_eid               EUICC-BASIC-EID-001 EUICC-BASIC-EID-002 | EUICC-BASIC-SELECT-ECASD-001
por_bad_cc            EUICC-OTA-EXP-001 EUICC-OTA-CMP-001 EUICC-OTA-POR-001 EUICC-OTA-POR-003 | EUICC-BASIC-EID-001
no_por                EUICC-OTA-EXP-001 EUICC-OTA-SEC-003 EUICC-OTA-POR-003 EUICC-OTA-SMS-001 | EUICC-BASIC-EID-001
accept_replay         EUICC-OTA-SEC-003 | EUICC-OTA-EXP-001
forget_notification   EUICC-ES5-NOTIF-001 EUICC-OTA-NOTIF-001 EUICC-ES5-ENABLE-001 EUICC-ES5-NOTIF-004 | EUICC-ES5-DELETE-005
ignore_pol1           EUICC-ES5-POL1-001 EUICC-ES5-POL1-002 | EUICC-ES5-ENABLE-001
bad_receipt           EUICC-ES8-KEY-001
no_refresh            EUICC-ES5-ENABLE-001 EUICC-ES5-DISABLE-001 | EUICC-ES5-DELETE-002
ignore_memory         EUICC-ES5-CISDP-003 | EUICC-ES5-CISDP-002
scp03t_no_mac_check   EUICC-ES8-DL-005
emergency_on_enabled  EUICC-ES5-EMERG-003 | EUICC-ES5-EMERG-001 EUICC-ES5-EMERG-004
envelope_6d00         EUICC-OTA-SEC-001 EUICC-OTA-SEC-002 EUICC-OTA-POR-002 EUICC-OTA-POR-003 EUICC-OTA-SMS-001 EUICC-OTA-SMS-002 EUICC-OTA-SMS-003 | EUICC-BASIC-EID-001

# OTA area (SCP80 receiver, scripts, concatenation)
accept_low_security   EUICC-OTA-SEC-005 EUICC-OTA-SEC-006 EUICC-OTA-SEC-007 EUICC-OTA-SEC-008 EUICC-OTA-SEC-009 | EUICC-OTA-SEC-003
cntr11_as_higher      EUICC-OTA-SEC-010 | EUICC-OTA-SEC-003
cntr_volatile         EUICC-OTA-SEC-011 | EUICC-OTA-SEC-003
cntr_blocked_as_low   EUICC-OTA-SEC-012 | EUICC-OTA-SEC-003
plain_refusal_por     EUICC-OTA-POR-004 EUICC-OTA-SEC-003 EUICC-OTA-SEC-010 EUICC-OTA-SEC-011 | EUICC-OTA-SEC-004 EUICC-OTA-EXP-001
refusal_cntr_zero     EUICC-OTA-POR-004 EUICC-OTA-SEC-003 EUICC-OTA-SEC-011 | EUICC-OTA-SEC-004
first_keyset          EUICC-OTA-SEC-012 | EUICC-OTA-SEC-003
script_no_stop        EUICC-OTA-CMP-002 EUICC-OTA-EXP-004 EUICC-OTA-EXP-003 | EUICC-OTA-EXP-001
skip_unknown_item     EUICC-OTA-EXP-005 | EUICC-OTA-EXP-006
no_eoc_check          EUICC-OTA-EXP-006 | EUICC-OTA-EXP-005
one_reasm_slot        EUICC-OTA-CONCAT-003 | EUICC-OTA-CONCAT-001
stale_reasm_slot      EUICC-OTA-CONCAT-004 EUICC-OTA-CONCAT-005 | EUICC-OTA-SEC-003
concat_no_cpi         EUICC-OTA-CONCAT-006 | EUICC-OTA-CONCAT-001
any_dcs_class         EUICC-OTA-SMS-004 | EUICC-OTA-SMS-001
ssm_to_terminal       EUICC-OTA-EXP-001 EUICC-OTA-SEC-003 | EUICC-OTA-CMP-001 EUICC-OTA-POR-001
# a card with no SMS-PP download at all must not pass the new negative OTA cases (each
# first sees the mechanism work): the envelope_6d00 row again, for the new OTA cases
envelope_6d00         EUICC-OTA-SEC-005 EUICC-OTA-SEC-006 EUICC-OTA-SEC-007 EUICC-OTA-SEC-008 EUICC-OTA-SEC-010 EUICC-OTA-SEC-011 EUICC-OTA-SEC-012 EUICC-OTA-POR-004 EUICC-OTA-CMP-002 EUICC-OTA-EXP-004 EUICC-OTA-EXP-005 EUICC-OTA-EXP-006 EUICC-OTA-CONCAT-003 EUICC-OTA-CONCAT-004 EUICC-OTA-CONCAT-005 EUICC-OTA-CONCAT-006 EUICC-OTA-SMS-004 | EUICC-BASIC-EID-001
# (end of the OTA area)

# ISD-R, basic and persistence area
select_fail_deselects EUICC-BASIC-SELECT-KEEP-001 | EUICC-BASIC-SELECT-ECASD-001
ignore_sm_cla         EUICC-BASIC-CLA-SM-001 | EUICC-BASIC-EID-001
closed_channel_accepted EUICC-BASIC-CHANNEL-001 | EUICC-BASIC-EID-001
memory_exact_refused  EUICC-ES5-CISDP-006 | EUICC-ES5-CISDP-003 EUICC-ES5-CISDP-001
isdp_aid_unchecked    EUICC-ES5-CISDP-007 | EUICC-ES5-CISDP-001
isdp_tar_reaches_isdr EUICC-ES5-PRIV-001 | EUICC-ES5-DELETE-001
smsr_address_unused   EUICC-ES5-SMSRADDR-003 EUICC-ES5-PERSIST-004 | EUICC-ES5-SMSRADDR-001
power_cycle_loses_fallback EUICC-ES5-PERSIST-001 | EUICC-ES5-PERSIST-002
power_cycle_resets_counters EUICC-ES5-PERSIST-002 | EUICC-OTA-SEC-003
power_cycle_resets_seq EUICC-ES5-PERSIST-003 | EUICC-ES5-PERSIST-002
power_cycle_declares_again EUICC-ES5-PERSIST-003 | EUICC-ES5-PERSIST-002
le_ignored            EUICC-BASIC-LE-001 | EUICC-BASIC-EID-001
get_data_lc_accepted  EUICC-BASIC-GETDATA-002 | EUICC-BASIC-EID-001
select_any_p1         EUICC-BASIC-SELECT-P1-001 | EUICC-BASIC-SELECT-ISDR-001
power_cycle_keeps_partial_sms EUICC-ES5-PERSIST-005 | EUICC-OTA-CONCAT-001
store_data_p1_unchecked EUICC-ES5-STORE-001 | EUICC-ES5-ENABLE-001
# ISD-R knobs in bits 12..15 (the ISD-R range 32..47 is full)
isdp_priv_unchecked   EUICC-ES5-CISDP-008 | EUICC-ES5-CISDP-002
bf30_unknown_gets_all EUICC-ES5-AUDIT-003 | EUICC-ES5-AUDIT-001
# (end of the ISD-R area)

# ES8 area
dp_key_usage_unchecked      EUICC-ES8-KEY-013 | EUICC-ES8-KEY-001 EUICC-ES8-KEY-004
kvn_any                     EUICC-ES8-KEY-017 | EUICC-ES8-KEY-018
rc_reused                   EUICC-ES8-KEY-019 | EUICC-ES8-KEY-001
keys_retry                  EUICC-ES8-KEY-020 | EUICC-ES8-KEY-005
scp03t_86_before_85         EUICC-ES8-DL-013 | EUICC-ES8-DL-001
scp03t_keep_after_mac_error EUICC-ES8-DL-014 | EUICC-ES8-DL-005
seq_not_stored              EUICC-ES8-DL-015 | EUICC-ES8-DL-001
iu_contact                  EUICC-ES8-SEC-002 | EUICC-ES8-SEC-001
ignore_quota                EUICC-ES8-DL-016 | EUICC-ES8-DL-001
saip_any_version            EUICC-ES8-DL-017 | EUICC-ES8-DL-001
unknown_dgi_ok              EUICC-ES8-KEY-021 | EUICC-ES8-KEY-001
pkg_memory_uncounted        EUICC-ES8-DL-019 | EUICC-ES8-DL-001
scp03t_no_session_ok        EUICC-ES8-DL-020 | EUICC-ES8-DL-013
scp03t_ea_replay            EUICC-ES8-DL-021 | EUICC-ES8-DL-001
duplicate_iccid_accepted    EUICC-ES8-DL-022 | EUICC-ES8-DL-011
# (end of the ES8 area)
'

SUITE="$RT_SRCDIR/testcases"
PERSONALITY="$RT_SRCDIR/sut/personalities/reference.yaml"

# sut FILE [FAULT] — the built-in reference SUT (keys, features, vars as they are),
# with the personality by absolute path and, when given, the fault injected.
sut() {
  sed -e "s|^  personality: .*|  personality: $PERSONALITY|" "$RT_SRCDIR/sut/reference.yaml" >"$1"
  if [ -n "${2:-}" ]; then
    sed -i -e "s|^  transport: loop$|  transport: loop\n  faults: [$2]|" "$1"
  fi
}

# verdict OUT ID -> PASS/FAIL/ERROR/SKIP of that case in a run's console output
verdict() { sed -n "s/^\(PASS\|FAIL\|ERROR\|SKIP\) *$2 .*/\1/p" "$1" | head -n 1; }

# kexpr ID... -> "ID or ID or ..." for rsptest run -k
kexpr() { local e="" id; for id in "$@"; do e="${e:+$e or }$id"; done; echo "$e"; }

rows=0

# One run without faults: every listed case must pass there.
sut "$WORK/clean.yaml"
# (The whole suite, not a -k of every listed id: that list outgrew -k's 256 nodes.)
"$RSPTEST" run --sut "$WORK/clean.yaml" --report-dir "$WORK/rep-clean" \
  "$SUITE" >"$WORK/clean.out" 2>&1
while read -r fault row; do
  case $fault in '' | '#'*) continue ;; esac
  rows=$((rows + 1))
  ids=${row%%|*}
  keep=""
  [ "$row" != "$ids" ] && keep=${row#*|}
  sut "$WORK/$fault.yaml" "$fault"
  # shellcheck disable=SC2086
  "$RSPTEST" run --sut "$WORK/$fault.yaml" --report-dir "$WORK/rep-$fault" \
    -k "$(kexpr $ids $keep)" "$SUITE" >"$WORK/$fault.out" 2>&1
  status=$?
  if grep -q "unknown fault\|unknown key 'faults'" "$WORK/$fault.out"; then
    cat "$WORK/$fault.out"
  fi
  check "$fault: the run reports failures (exit 1)" test $status -eq 1
  for id in $ids; do
    v=$(verdict "$WORK/$fault.out" "$id")
    c=$(verdict "$WORK/clean.out" "$id")
    check "$fault: $id FAILs with the fault (got ${v:-nothing: no such case?})" test "$v" = FAIL
    check "$fault: $id PASSes without it (got ${c:-nothing})" test "$c" = PASS
  done
  for id in $keep; do
    v=$(verdict "$WORK/$fault.out" "$id")
    check "$fault: $id, which does not depend on the rule, still PASSes (got ${v:-nothing})" test "$v" = PASS
  done
done <<<"$FAULT_TABLE"

# Faults from the command line: `rsptest card serve --fault` parses the same names.
"$RSPTEST" card serve --fault no_such_fault >"$WORK/cli.out" 2>&1
check "card serve --fault with an unknown name is a usage error" test $? -eq 2
check "... naming the fault and the known ones" grep -q "unknown fault 'no_such_fault' (known: por_bad_cc" "$WORK/cli.out"
# The SUT description refuses an unknown fault with its position.
sut "$WORK/typo.yaml" bad_eidd
"$RSPTEST" list --sut "$WORK/typo.yaml" >"$WORK/typo.out" 2>&1
check "SUT faults: an unknown name is a configuration error (exit 2)" test $? -eq 2
check "... at file:line:col" grep -q "typo.yaml:[0-9]*:[0-9]*: unknown fault 'bad_eidd'" "$WORK/typo.out"
echo "# $rows fault rows"
finish
