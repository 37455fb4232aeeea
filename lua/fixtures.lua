-- SPDX-License-Identifier: Apache-2.0
-- fixtures — named preconditions a case lists under `fixtures:`.
--
-- Each is a function(vars) run before the steps; it may return a table of variables.
-- A fixture that cannot establish its precondition raises an error: the case ends
-- as ERROR (the precondition failed), not FAIL.
local case = require("rt.case")

local M = {}

-- cold_reset: power-cycle the card (the SUT's reset policy may already do a warm one).
function M.cold_reset(vars)
  return { ATR = case.card():reset(true) }
end

-- isd_r_selected: the ISD-R is the selected application on the basic channel.
function M.isd_r_selected(vars)
  local device = require("device")
  local r = device.select({ aid = vars.ISD_R_AID })
  if r.sw ~= 0x9000 then
    error(("precondition: SELECT ISD-R answered %04X"):format(r.sw), 0)
  end
end

return M
