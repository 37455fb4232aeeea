-- SPDX-License-Identifier: Apache-2.0
-- fixtures_es8 — preconditions of the ES8 cases (testcases/euicc/es8): an ISD-P in each
-- life-cycle state the SM-DP works on (SGP.02 Table 1 via facts §4.1), made through the
-- SM-SR's channel and deleted again after the case (rt.case.defer), so that cases stay
-- independent on a card that keeps its state for the whole run.
--
-- The ISD-P is created and deleted through smdp.create_isdp / smdp.delete_isdp, which
-- ask the SM-SR role for ES5 CreateISDP / DeleteProfile (lua/es5.lua).
local case = require("rt.case")
local device = require("device")

local M = {}

-- The ES8 test ISD-P: TAR 000010 (facts §4.1 example), AID ...89 000010 00.
M.TAR = "000010"

local function attach()
  -- The device's side of OTA (TS 102 223): TERMINAL PROFILE, then whatever is pending.
  device.terminal_profile({})
  device.fetch_all({})
end

local function smdp() return require("smdp") end

-- An ISD-P just created with `memory` bytes reserved (SELECTABLE), deleted after the case.
-- `tar`: hex, M.TAR by default.
local function selectable(memory, tar)
  attach()
  local s = smdp()
  local aid, tar = s.aid_tar({ tar = tar or M.TAR })
  local hex = require("rt.hex")
  -- a leftover from an interrupted run goes first (6A88 when there is none)
  s.delete_isdp({ aid = hex.encode(aid) })
  local r = s.create_isdp({ aid = hex.encode(aid), memory = memory })
  if r.sw ~= 0x9000 then
    error(("precondition: CreateISDP answered %s (PoR status %s)")
          :format(r.sw and string.format("%04X", r.sw) or "nothing", tostring(r.por_status)), 0)
  end
  case.defer(function()
    local d = s.delete_isdp({ aid = hex.encode(aid) })
    if d.sw ~= 0x9000 then
      error(("cleanup: DeleteProfile answered %s"):format(d.sw and string.format("%04X", d.sw) or "nothing"), 0)
    end
  end)
  return { ISDP_AID = hex.encode(aid), ISDP_TAR = hex.encode(tar) }
end

-- es8.isdp_selectable: an ISD-P just created (SELECTABLE, 64 KiB), deleted after the case.
-- Vars: ISDP_AID, ISDP_TAR.
function M.isdp_selectable(vars)
  return selectable(65536)
end

local function personalize(v)
  local r = smdp().establish_keyset({ aid = v.ISDP_AID })
  if r.stage ~= "done" then
    error(("precondition: key establishment stopped at %s (SW %s)")
          :format(r.stage, r.sw and string.format("%04X", r.sw) or "-"), 0)
  end
  return v
end

-- es8.isdp_small_quota: a PERSONALIZED ISD-P whose CreateISDP reserved 4096 bytes, less
-- than any TS.48 package (about 12 KB). Vars: ISDP_AID, ISDP_TAR, ISDP_QUOTA.
function M.isdp_small_quota(vars)
  local v = personalize(selectable(4096))
  v.ISDP_QUOTA = 4096
  return v
end

-- es8.isdp_personalized: + EstablishISDPKeySet (PERSONALIZED, keyset 30 known).
function M.isdp_personalized(vars)
  return personalize(M.isdp_selectable(vars))
end

-- fixtures_es8.extra_isdp{tar=, memory=} -> {ISDP_AID, ISDP_TAR}: one more PERSONALIZED
-- ISD-P for a case that needs several (TAR other than M.TAR), `memory` bytes reserved
-- (16 KiB by default: one TS.48 package, about 12 KB, fits, and a few of them fit
-- a card's free memory), deleted after the case like the fixtures' own.
function M.extra_isdp(args)
  return personalize(selectable(args.memory or 16384, args.tar))
end

-- es8.profile_installed: + the TS.48 NoBERTLV package downloaded (DISABLED).
function M.profile_installed(vars)
  local v = M.isdp_personalized(vars)
  local r = smdp().download_profile({ aid = v.ISDP_AID })
  if not r.installed then
    error(("precondition: profile download ended with status %s / %s")
          :format(tostring(r.euicc_status), tostring(r.error_tag)), 0)
  end
  return v
end

return M
