-- SPDX-License-Identifier: Apache-2.0
-- harness — hooks the engine calls around every test case.
--
-- prepare_case(vars, sut) runs before fixtures and steps: it makes the SGP.02
-- constants (lua/sgp02.lua) available as ${NAME} variables, without overriding what
-- the SUT description's vars: already set.
local sgp02 = require("sgp02")

local M = {}

function M.prepare_case(vars, sut)
  for k, v in pairs(sgp02.vars) do
    if vars[k] == nil then vars[k] = v end
  end
end

return M
