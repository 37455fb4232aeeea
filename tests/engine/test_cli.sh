#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# list, show and lua subcommands.
. "$(dirname "$0")/lib.sh"

"$RSPTEST" list >"$WORK/list" 2>&1
check "list exits 0" test $? -eq 0
check "list shows a basic case as applicable" grep -q '^EUICC-BASIC-EID-001 *yes' "$WORK/list"
"$RSPTEST" list "$HERE/cases/verdicts" >"$WORK/list2" 2>&1
check "list says why a case does not apply" grep -A1 '^SELF-SKIP-002 *no' "$WORK/list2" | grep -q 'judges an smsr'

"$RSPTEST" show SELF-PASS-003 "$HERE/cases/verdicts" >"$WORK/show" 2>&1
check "show exits 0" test $? -eq 0
check "show applies folder defaults" grep -q '^sut: euicc' "$WORK/show"
check "show applies default keywords" grep -A1 '^keywords:' "$WORK/show" | grep -q selftest
check "show expands include steps" grep -q 'device.select:' "$WORK/show"
check "show has the default timeout" grep -q '^timeout: 60' "$WORK/show"
"$RSPTEST" show NO-SUCH-ID >/dev/null 2>&1
check "show of an unknown id exits 2" test $? -eq 2

"$RSPTEST" options >"$WORK/opts" 2>&1
check "options lists the SCP80 CC length with its default" grep -q '^scp80.aes_cc_len: 8 (default) | 4' "$WORK/opts"
mkdir -p "$WORK/optcase"
cat >"$WORK/optcase/o.yaml" <<'YAML'
id: OPT-001
title: a case reads the effective option values
sut: euicc
steps:
  - lua: return { cc = case.option("scp80.aes_cc_len"), c11 = case.option("scp80.counter_mode_11") }
    expect: { cc: "4", c11: "one_higher" }
  - lua: return case.option("no.such.option")
YAML
printf 'name: opt\nrole: euicc\ncard: { transport: loop }\noptions:\n  scp80.aes_cc_len: "4"\n' >"$WORK/optsut.yaml"
"$RSPTEST" run --sut "$WORK/optsut.yaml" --report-dir "$WORK/optrep" "$WORK/optcase" >"$WORK/optout" 2>&1
check "a SUT's option reaches the case; an unknown name is an ERROR at that step" \
  grep -q "^ERROR OPT-001 .*step 2 .*unknown option 'no.such.option'" "$WORK/optout"

"$RSPTEST" run --report-dir "$WORK/clrep" "$HERE/cases/cleanup" >"$WORK/clout" 2>&1
check "a case failing in a step still runs its cleanups" grep -q '^FAIL  CLEAN-001' "$WORK/clout"
check "cleanups run last-registered first" \
  sh -c "grep -n 'print: cleanup' '$WORK/clrep/cleanup/CLEAN-001.trace.txt' | head -1 | grep -q second-registered"
check "cleanups see the case's variables" grep -q 'print: cleanup first-registered seen' "$WORK/clrep/cleanup/CLEAN-001.trace.txt"
check "a failing cleanup is an ERROR" grep -q '^ERROR CLEAN-002 .*cleanup: .*cleanup broke' "$WORK/clout"
check "time_ms works" grep -q '^PASS  CLEAN-003' "$WORK/clout"
check "the run store keeps values across cases" grep -q "^PASS  CLEAN-005" "$WORK/clout"

cat >"$WORK/script.lua" <<'LUA'
local card = rt.card.open_reference()
local data, sw = card:send(rt.hex.decode("00A4040010A0000005591010FFFFFFFF890000020000"))
assert(sw == 0x9000, ("select ECASD: %04X"):format(sw))
data, sw = card:send(rt.hex.decode("80CA005A00"))
print(rt.eid.digits(rt.tlv.find(data, 0x5A)), arg[1], select("#", ...))
card:close()
LUA
"$RSPTEST" lua "$WORK/script.lua" hello there >"$WORK/lua" 2>&1
check "lua script exits 0" test $? -eq 0
check "lua script reads the EID and gets its args" grep -q '^89049032123451234512345678901235	hello	2$' "$WORK/lua"
echo 'error("boom")' >"$WORK/bad.lua"
"$RSPTEST" lua "$WORK/bad.lua" >"$WORK/lua2" 2>&1
check "a failing lua script exits 1" test $? -eq 1
check "a failing lua script shows a traceback" grep -q 'stack traceback' "$WORK/lua2"
printf '1+2\nx = rt.hex.encode("\\1\\2")\nx\n' | "$RSPTEST" lua >"$WORK/repl" 2>&1
check "the prompt evaluates expressions" grep -qx '3' "$WORK/repl"
check "the prompt keeps globals between lines" grep -qx '0102' "$WORK/repl"

finish
