#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test_lua_ecka.sh — runs examples/ecka_establish.lua through the real binary: a whole
# SGP.02 EstablishISDPKeySet between rt.ecka's SM-DP and card objects on both curves,
# plus the two bent runs (wrong signing key, changed receipt) it contains.
. "$(dirname "$0")/lib.sh"

out="$WORK/ecka.out"
if "$RSPTEST" lua "$RT_SRCDIR/examples/ecka_establish.lua" >"$out" 2>&1; then
  ok "examples/ecka_establish.lua exits 0"
else
  bad "examples/ecka_establish.lua exits 0"; cat "$out"
fi
check "both curves ran" grep -q "== bp256: bent receipt" "$out"
check "receipts matched on both curves" test "$(grep -c 'SM-DP: receipt matches  *ok' "$out")" -eq 2
check "bad signature refused on both curves" test "$(grep -c 'refuses a signature by another key  *ok' "$out")" -eq 2
check "no failed check" sh -c "! grep -q FAILED '$out'"
check "single curve argument" "$RSPTEST" lua "$RT_SRCDIR/examples/ecka_establish.lua" p256
# the module refuses a closed object instead of crashing
cat >"$WORK/closed.lua" <<'LUA'
local ec = require "rt.ec"
local k = ec.generate("brainpoolP256r1")
k:close(); k:close()
local ok, e = pcall(function() return k:public() end)
assert(not ok and tostring(e):find("closed"), e)
assert(not pcall(ec.generate, "secp384r1"))
print("closed ok")
LUA
check "closed key raises, double close is fine" "$RSPTEST" lua "$WORK/closed.lua"
finish
