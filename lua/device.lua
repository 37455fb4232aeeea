-- device — the terminal in front of the card (the role the harness plays when the
-- SUT is an eUICC): resets, APDUs, SELECT, GET DATA, the EID.
--
-- Every verb returns a result table for `expect:` and `save:`:
--   sw    the status word as an integer (0x9000)   data  response data (bytes)
--   rapdu data .. SW1 SW2                            plus verb-specific fields.
-- APDUs go through card:send (61xx GET RESPONSE and 6Cxx handled, ISO 7816-4 / TS
-- 102 221 7.3.1) unless raw: true.
local case = require("rt.case")
local apdu = require("rt.apdu")
local tlv = require("rt.tlv")
local eid = require("rt.eid")
local bytes = require("bytes")
local sgp02 = require("sgp02")
local atr = require("atr")

local M = {}

local function result(data, sw)
  return { data = data, sw = sw, rapdu = data .. string.char(sw >> 8, sw & 0xFF) }
end

local function exchange(capdu, raw)
  local card = case.card()
  if raw then
    local r = card:transmit(capdu)
    local data, sw = apdu.split(r)
    return result(data, sw)
  end
  return result(card:send(capdu))
end

-- device.reset{cold=false} -> {atr=bytes, atr_info=parsed|nil, atr_error=string|nil}
function M.reset(args)
  local a = case.card():reset(args.cold == true)
  local info, why = atr.parse(a)
  return { atr = a, atr_info = info, atr_error = why }
end

-- device.apdu{apdu="00A40400..", raw=false} -> result
function M.apdu(args)
  return exchange(bytes.hexarg(args, "apdu"), args.raw)
end

-- device.command{cla="80", ins="CA", p1="00", p2="5A", data="..", le=0..65536} -> result
function M.command(args)
  local c = apdu.build({
    cla = bytes.bytearg(args, "cla", 0x00), ins = bytes.bytearg(args, "ins"),
    p1 = bytes.bytearg(args, "p1", 0), p2 = bytes.bytearg(args, "p2", 0),
    data = bytes.hexarg(args, "data", true), le = args.le,
  })
  return exchange(c, args.raw)
end

-- device.select{aid="A000..", p2="00", cla="00"} -> result + fci (parsed TLV list)
-- ISO 7816-4 11.2.2 / GP CS 11.9: SELECT by DF name, P1 04; P2 00 asks for the FCI.
function M.select(args)
  local aid = bytes.hexarg(args, "aid")
  local p2 = bytes.bytearg(args, "p2", 0x00)
  local c = apdu.build({ cla = bytes.bytearg(args, "cla", 0x00), ins = 0xA4, p1 = 0x04,
                         p2 = p2, data = aid, le = (p2 & 0x0C) == 0x0C and nil or 256 })
  local r = exchange(c, args.raw)
  if r.sw == 0x9000 and #r.data > 0 then
    local ok, parsed = pcall(tlv.parse, r.data)
    if ok then r.fci = parsed else r.fci_error = tostring(parsed) end
  end
  return r
end

-- device.get_data{tag="5A", cla="80"} -> result + value (of the tag, when present)
-- GP CS 11.3: GET DATA, P1P2 = tag.
function M.get_data(args)
  local tag = bytes.hexarg(args, "tag")
  if #tag < 1 or #tag > 2 then error("argument 'tag' must be 1 or 2 bytes", 2) end
  local p1, p2 = 0, tag:byte(-1)
  if #tag == 2 then p1 = tag:byte(1) end
  local c = apdu.build({ cla = bytes.bytearg(args, "cla", 0x80), ins = 0xCA, p1 = p1, p2 = p2, le = 256 })
  local r = exchange(c, args.raw)
  if r.sw == 0x9000 then
    local want = p1 ~= 0 and (p1 << 8 | p2) or p2
    local ok, v = pcall(tlv.find, r.data, want)
    if ok then r.value = v else r.tlv_error = tostring(v) end
  end
  return r
end

-- device.read_eid{} -> result of GET DATA + eid (16 bytes) and eid_digits
-- SGP.02 2.2.2 / 5.1 (facts §5.1): SELECT the ECASD, then GET DATA tag 5A.
function M.read_eid(args)
  local s = M.select({ aid = sgp02.vars.ECASD_AID })
  if s.sw ~= 0x9000 then
    s.step = "select ECASD"
    return s
  end
  local r = M.get_data({ tag = "5A" })
  r.select_sw = s.sw
  r.eid = r.value
  if r.eid and #r.eid == 16 then
    local ok, d = pcall(eid.digits, r.eid)
    if ok then r.eid_digits = d end
  end
  return r
end

return M
