-- SPDX-License-Identifier: Apache-2.0
-- atr — the Answer-To-Reset as ISO/IEC 7816-3 §8.2 defines it, parsed so that the
-- harness can judge any card's ATR.
--
-- parse(atr) -> { ts, t0, protocols = {0,1,...}, interface = {TA1=..,...},
--                 historical = bytes, tck = byte|nil } or nil, reason
-- The TCK rule (§8.2.5): present unless only T=0 is indicated; T0..TCK XOR to 0.
local M = {}

function M.parse(atr)
  if type(atr) ~= "string" or #atr < 2 then return nil, "ATR shorter than 2 bytes" end
  if #atr > 33 then return nil, ("ATR of %d bytes (at most 33)"):format(#atr) end
  local ts = atr:byte(1)
  if ts ~= 0x3B and ts ~= 0x3F then
    return nil, ("TS is %02X (3B direct or 3F inverse convention expected)"):format(ts)
  end
  local r = { ts = ts, t0 = atr:byte(2), protocols = {}, interface = {} }
  local pos, y, k, i = 3, r.t0 >> 4, r.t0 & 0x0F, 1
  local seen, only_t0 = {}, true
  while true do
    for bit, name in ipairs({ "TA", "TB", "TC", "TD" }) do
      if y & (1 << (bit - 1)) ~= 0 then
        if pos > #atr then return nil, ("%s%d missing: ATR ends at byte %d"):format(name, i, #atr) end
        r.interface[name .. i] = atr:byte(pos)
        pos = pos + 1
      end
    end
    local td = r.interface["TD" .. i]
    if not td then break end
    local t = td & 0x0F
    if not seen[t] then r.protocols[#r.protocols + 1] = t; seen[t] = true end
    if t ~= 0 then only_t0 = false end
    y, i = td >> 4, i + 1
  end
  if #r.protocols == 0 then r.protocols[1] = 0 end
  if pos + k - 1 > #atr then
    return nil, ("T0 announces %d historical bytes, only %d follow"):format(k, #atr - pos + 1)
  end
  r.historical = atr:sub(pos, pos + k - 1)
  pos = pos + k
  if only_t0 then
    if pos <= #atr then return nil, ("%d extra bytes after the historical bytes (no TCK with T=0 only)"):format(#atr - pos + 1) end
    return r
  end
  if pos ~= #atr then
    return nil, (pos > #atr) and "TCK missing (required when a protocol other than T=0 is indicated)"
      or ("%d bytes after TCK"):format(#atr - pos)
  end
  r.tck = atr:byte(pos)
  local x = 0
  for j = 2, #atr do x = x ~ atr:byte(j) end
  if x ~= 0 then
    return nil, ("TCK %02X is wrong: T0..TCK XOR to %02X, not 00"):format(r.tck, x)
  end
  return r
end

return M
