-- SPDX-License-Identifier: Apache-2.0
-- expect — checks a step's result against its `expect:` mapping.
--
-- Each key names a matcher; a key without a matcher compares the result field of the
-- same name (hex text matches bytes, numbers match numbers, text matches text). A
-- mismatch is a FAIL verdict (rt.case.fail): the SUT did not do what the case says.
-- Matchers are a table, so the step library can add its own with register().
local case = require("rt.case")
local apdu = require("rt.apdu")
local hex = require("rt.hex")
local eid = require("rt.eid")
local tlv = require("rt.tlv")

local M = {}
local matchers = {}

local function swtext(sw)
  return ("%04X (%s)"):format(sw, apdu.describe(sw))
end

local function normhex(s)
  if math.type(s) == "integer" then s = tostring(s) end
  if type(s) ~= "string" then return nil end
  local ok, b = pcall(hex.decode, s)
  return ok and b or nil
end

local function show(v)
  if type(v) == "string" then
    if v:find("[^%g ]") then return hex.encode(v) end
    return v
  end
  return tostring(v)
end

-- register(name, fn): fn(result, expected) -> true | false, message. A new matcher's
-- name (and its sub-keys) must also be declared in harness/engine/rt_expect.c, where
-- cases are checked for misspelt keys when they load (unit.expect_keys checks both).
function M.register(name, fn) matchers[name] = fn end

-- names() -> sorted list of the matcher names (for unit.expect_keys).
function M.names()
  local t = {}
  for k in pairs(matchers) do t[#t + 1] = k end
  table.sort(t)
  return t
end

-- Refuses a sub-key a matcher does not take (a typo such as lenn); the loader already
-- refuses these in YAML (rt_expect.c), this catches tables built in Lua.
local function subkeys(what, want, allowed)
  if type(want) ~= "table" then return end
  for k in pairs(want) do
    if not allowed[k] then
      error(("expect %s: unknown key '%s'"):format(what, tostring(k)), 0)
    end
  end
end

-- sw: "9000", "61XX", 9000, or a list of those (any matches).
matchers.sw = function(r, want)
  if math.type(r.sw) ~= "integer" then return false, "the step returned no status word" end
  local list = type(want) == "table" and want or { want }
  local shown = {}
  for _, w in ipairs(list) do
    local pat = math.type(w) == "integer" and tostring(w) or w
    if type(pat) ~= "string" or #pat ~= 4 then
      error(("expect sw: '%s' is not a 4-digit status word pattern"):format(tostring(w)), 0)
    end
    if apdu.sw_matches(r.sw, pat) then return true end
    shown[#shown + 1] = pat:upper()
  end
  return false, ("expected SW %s, got %s"):format(table.concat(shown, " or "), swtext(r.sw))
end

-- data / data_prefix: hex bytes; data_len: a number.
matchers.data = function(r, want)
  local b = normhex(want)
  if not b then error("expect data: not hex text", 0) end
  if r.data == b then return true end
  return false, ("expected data %s, got %s"):format(hex.encode(b), hex.encode(r.data or ""))
end

matchers.data_prefix = function(r, want)
  local b = normhex(want)
  if not b then error("expect data_prefix: not hex text", 0) end
  if r.data and r.data:sub(1, #b) == b then return true end
  return false, ("expected data starting %s, got %s"):format(hex.encode(b), hex.encode(r.data or ""))
end

matchers.data_len = function(r, want)
  local n = #(r.data or "")
  if n == want then return true end
  return false, ("expected %d data bytes, got %d"):format(want, n)
end

-- tlv: {tag="5A", len=16, value="…"}: the data holds this TLV at top level.
matchers.tlv = function(r, want)
  subkeys("tlv", want, { tag = true, len = true, value = true })
  local tagb = normhex(want.tag)
  if not tagb then error("expect tlv: needs tag: hex", 0) end
  local tag = 0
  for i = 1, #tagb do tag = tag << 8 | tagb:byte(i) end
  local ok, v = pcall(tlv.find, r.data or "", tag)
  if not ok then return false, ("response data is not valid BER-TLV: %s"):format(tostring(v)) end
  if v == nil then
    return false, ("no tag %s in response data %s"):format(hex.encode(tagb), hex.encode(r.data or ""))
  end
  if want.len and #v ~= want.len then
    return false, ("tag %s holds %d bytes, expected %d"):format(hex.encode(tagb), #v, want.len)
  end
  if want.value and v ~= normhex(want.value) then
    return false, ("tag %s holds %s, expected %s"):format(hex.encode(tagb), hex.encode(v), want.value)
  end
  return true
end

-- eid_valid: true — the result's eid (16 bytes) passes SGP.02 2.2.2 + SGP.29 rules:
-- 32 decimal digits, starting 89, check digits (mod 97 == 1).
matchers.eid_valid = function(r, want)
  if r.eid == nil then return false, "no EID in the response (GET DATA 5A returned no tag 5A)" end
  local ok, why = eid.validate(r.eid)
  if (ok == true) == (want == true) then return true end
  if want then return false, ("EID %s is not valid: %s"):format(hex.encode(r.eid), why) end
  return false, ("EID %s is valid, the case expected an invalid one"):format(hex.encode(r.eid))
end

-- atr_valid: true — the ATR is well-formed per ISO 7816-3 §8.2 (lua/atr.lua).
matchers.atr_valid = function(r, want)
  if r.atr == nil then return false, "the step returned no ATR" end
  local ok = r.atr_error == nil
  if ok == (want == true) then return true end
  return false, ("ATR %s: %s"):format(hex.encode(r.atr), r.atr_error or "is valid")
end

local function generic(r, key, want)
  local got = r[key]
  if got == nil then return false, ("the result has no field '%s'"):format(key) end
  if type(got) == "string" and type(want) == "string" then
    if got == want then return true end
    local b = normhex(want)
    if b and got == b then return true end
  elseif got == want then
    return true
  elseif math.type(got) == "integer" and type(want) == "string" and normhex(want) then
    -- an integer field written as hex in the case ("sw"-like codes)
    local b = normhex(want)
    local n = 0
    for i = 1, #b do n = n << 8 | b:byte(i) end
    if n == got then return true end
  end
  return false, ("%s: expected %s, got %s"):format(key, show(want), show(got))
end

-- check(result, expectations): FAIL on the first expectation that does not hold
-- (keys in sorted order, so the report is stable).
function M.check(r, exp)
  if type(r) ~= "table" then
    error("the step returned no result table to check expectations against", 0)
  end
  local keys = {}
  for k in pairs(exp) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local m = matchers[k]
    local ok, msg
    if m then ok, msg = m(r, exp[k]) else ok, msg = generic(r, k, exp[k]) end
    if not ok then case.fail(msg, 0) end
  end
end

return M
