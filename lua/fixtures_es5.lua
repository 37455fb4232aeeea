-- SPDX-License-Identifier: Apache-2.0
-- fixtures_es5 — preconditions of the ES5 cases (testcases/euicc/es5), named
-- `es5.<name>` under `fixtures:` (docs/testcase-format.md). Each returns variables:
--   BASE  the run's base profile (lua/es5.lua base_profile): enabled, fall-back attribute
--   P     a second profile (ISD-P AID), in the state the fixture names
--   Q     a third profile (ISD-P AID), DISABLED (es5.profiles_disabled)
--   ISDP  an ISD-P just created (SELECTABLE, no profile)
-- What they create is deleted after the case (lua/es5.lua cleanup).
local M = {}

local function es5() return require("es5") end

-- es5.base_profile: the base profile is there, enabled, with the fall-back attribute.
function M.base_profile(vars)
  return { BASE = es5().base_profile() }
end

-- es5.isdp_created: an empty ISD-P (SGP.02 Table 1: SELECTABLE after CreateISDP).
function M.isdp_created(vars)
  local r = es5().create_isdp({})
  if r.sw ~= 0x9000 then
    error(("precondition: CreateISDP answered %s"):format(r.sw and ("%04X"):format(r.sw) or "nothing"), 0)
  end
  return { ISDP = r.aid }
end

-- es5.profile_disabled: the base profile plus a downloaded profile P, DISABLED.
function M.profile_disabled(vars)
  local base = es5().base_profile()
  local p = es5().install_profile({})
  return { BASE = base, P = p.aid }
end

-- es5.profiles_disabled: the base profile plus two downloaded profiles P and Q, DISABLED.
function M.profiles_disabled(vars)
  local base = es5().base_profile()
  local p = es5().install_profile({})
  local q = es5().install_profile({})
  return { BASE = base, P = p.aid, Q = q.aid }
end

-- es5.profile_enabled: as profile_disabled, then P enabled (its notification confirmed);
-- BASE is disabled and keeps the fall-back attribute.
function M.profile_enabled(vars)
  local base = es5().base_profile()
  local p = es5().install_profile({ enable = true })
  return { BASE = base, P = p.aid }
end

return M
