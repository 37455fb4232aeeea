-- SPDX-License-Identifier: Apache-2.0
-- bytes — argument helpers for step functions: bytes travel as Lua strings; test
-- cases write them as hex. Errors name the argument so a case author sees which.
local hex = require("rt.hex")

local M = {}

-- hexarg(args, name [, optional]) -> bytes | nil
-- Accepts hex text (spaces allowed) or an integer (taken as hex digits: 9000 -> "9000").
function M.hexarg(args, name, optional)
  local v = args[name]
  if v == nil then
    if optional then return nil end
    error(("missing argument '%s' (hex bytes)"):format(name), 3)
  end
  if math.type(v) == "integer" then v = tostring(v) end
  if type(v) ~= "string" then
    error(("argument '%s' must be hex text, got a %s"):format(name, type(v)), 3)
  end
  local ok, b = pcall(hex.decode, v)
  if not ok then
    error(("argument '%s': %s"):format(name, tostring(b)), 3)
  end
  return b
end

-- bytearg(args, name, default) -> integer 0..255 from hex text ("80") or a number.
function M.bytearg(args, name, default)
  local v = args[name]
  if v == nil then return default end
  if type(v) == "string" then
    local b = M.hexarg(args, name)
    if #b ~= 1 then error(("argument '%s' must be one byte"):format(name), 3) end
    return b:byte()
  end
  if math.type(v) == "integer" and v >= 0 and v <= 255 then return v end
  error(("argument '%s' must be one byte (hex text like \"80\")"):format(name), 3)
end

function M.tohex(b)
  return hex.encode(b)
end

return M
