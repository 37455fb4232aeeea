-- SPDX-License-Identifier: Apache-2.0
-- device — the terminal in front of the card (the role the harness plays when the
-- SUT is an eUICC): resets, APDUs, SELECT, GET DATA, the EID, and the card
-- application toolkit a device offers (TS 102 223 / TS 31.111): TERMINAL PROFILE, SMS-PP
-- DOWNLOAD (ENVELOPE), the FETCH / TERMINAL RESPONSE loop, MO short messages.
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

-- The last status word the card gave (91xx tells fetch_all a command is pending).
local last_sw = nil
-- MO short messages and REFRESH commands collected by fetch_all during this case.
local mo_list, refresh_list = {}, {}

local function exchange(capdu, raw)
  local card = case.card()
  local r
  if raw then
    local data, sw = apdu.split(card:transmit(capdu))
    r = result(data, sw)
  else
    r = result(card:send(capdu))
  end
  last_sw = r.sw
  return r
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

-- ---- card application toolkit (TS 102 223, TS 31.111) -------------------------------

local ctlv = require("rt.ctlv")
local sms = require("rt.sms")
local hex = require("rt.hex")

-- TS 102 223 5.2: a profile offering SMS-PP data download, the basic proactive commands
-- (incl. REFRESH, SEND SHORT MESSAGE) and nothing exotic: bytes 1-4 all set, then the
-- further bytes clear. Cases can pass their own.
M.DEFAULT_TERMINAL_PROFILE = "FFFFFFFF1F0000000000"

-- device.terminal_profile{profile="hex"} -> result
-- TS 102 221 10.1.2: 80 10 00 00 Lc profile. A 91xx answer means proactive commands wait.
function M.terminal_profile(args)
  local prof = bytes.hexarg(args, "profile", true) or hex.decode(M.DEFAULT_TERMINAL_PROFILE)
  return exchange(apdu.build({ cla = 0x80, ins = 0x10, p1 = 0, p2 = 0, data = prof }), args.raw)
end

-- device.sms_pp{tpdu=bytes|hex, sc_address=hex} -> result (+ envelope)
-- TS 31.111 7.1.1: ENVELOPE (SMS-PP DOWNLOAD) D1 {82 02 83 81 [86] 8B TPDU}; the
-- response data (a PoR by SMS-DELIVER-REPORT) is the result's data.
function M.sms_pp(args)
  local tpdu = args.tpdu
  if type(tpdu) ~= "string" then error("missing argument 'tpdu' (bytes or hex)", 2) end
  if tpdu:find("^[%x%s]+$") and #tpdu % 2 == 0 then tpdu = hex.decode(tpdu) end
  local sc = args.sc_address and bytes.hexarg(args, "sc_address") or nil
  local env = sms.envelope(tpdu, sc and { sc_address = sc } or nil)
  local r = exchange(env, args.raw)
  r.envelope = env
  return r
end

-- The value of the D0 proactive command (TS 102 223 6.6: BER-TLV D0, 1- or 2-byte length).
local function d0_value(b)
  if #b < 2 or b:byte(1) ~= 0xD0 then return nil, "not a D0 proactive command" end
  local l, h = b:byte(2), 2
  if l == 0x81 then l, h = b:byte(3), 3 end
  if not l or #b ~= h + l then return nil, "D0 length does not match the data" end
  return b:sub(h + 1)
end

local function tr_data(det, result_byte)
  -- TS 102 223 6.8: command details, device identities terminal -> UICC, result.
  return ctlv.encode(0x81, det) .. ctlv.encode(0x82, "\x82\x81") ..
      ctlv.encode(0x83, string.char(result_byte))
end

-- device.fetch_all{max=16, results={["13"]="00"}} -> {fetched, commands={...}, mo={...},
--   refreshes={...}, sw, data}
-- TS 102 221 7.4.2 / 10.1.4-5: while the card answers 91xx, FETCH the command (Le = xx)
-- and answer it: SEND SHORT MESSAGE (13) -> success, its SMS-SUBMIT TPDU collected as an
-- MO SMS; REFRESH (01) -> success, recorded; others -> 30 "command beyond terminal's
-- capabilities" (TS 102 223 8.12). `results` overrides the result byte per command type
-- (hex type -> hex result) for negative cases.
function M.fetch_all(args)
  local max = args.max or 16
  local out = { fetched = 0, commands = {}, mo = {}, refreshes = {} }
  local sw = args.sw or last_sw
  local last
  while sw and (sw >> 8) == 0x91 and out.fetched < max do
    local f = exchange(apdu.build({ cla = 0x80, ins = 0x12, p1 = 0, p2 = 0,
                                    le = (sw & 0xFF) == 0 and 256 or (sw & 0xFF) }))
    last = f
    if f.sw ~= 0x9000 then break end
    out.fetched = out.fetched + 1
    local v, why = d0_value(f.data)
    if not v then error("FETCH returned " .. hex.encode(f.data) .. ": " .. why, 0) end
    local det = ctlv.find(v, 0x81, { any_cr = true })
    if not det or #det ~= 3 then error("proactive command without command details", 0) end
    local ctype = det:byte(2)
    local cmd = { raw = f.data, number = det:byte(1), type = ctype, qualifier = det:byte(3) }
    out.commands[#out.commands + 1] = cmd
    local res = 0x30
    if ctype == 0x13 then
      local tpdu = ctlv.find(v, 0x8B, { any_cr = true })
      local ok, t = pcall(sms.decode, tpdu or "", "submit")
      local mo = { tpdu = tpdu, address = ctlv.find(v, 0x86, { any_cr = true }),
                   number = cmd.number }
      if ok then
        mo.submit = t
        mo.ud = t.ud
        local okc, ci = pcall(sms.concat_info, t.ud)
        if okc then mo.concat = ci; mo.packet_iei = ci.packet_iei end
      else
        mo.error = tostring(t)
      end
      out.mo[#out.mo + 1] = mo
      mo_list[#mo_list + 1] = mo
      res = 0x00
    elseif ctype == 0x01 then
      local rf = { raw = f.data, qualifier = cmd.qualifier, number = cmd.number }
      out.refreshes[#out.refreshes + 1] = rf
      refresh_list[#refresh_list + 1] = rf
      res = 0x00
    end
    local over = args.results and args.results[("%02X"):format(ctype)]
    if over then res = bytes.hexarg({ r = over }, "r"):byte() end
    local tr = exchange(apdu.build({ cla = 0x80, ins = 0x14, p1 = 0, p2 = 0,
                                     data = tr_data(det, res) }))
    last = tr
    sw = tr.sw
    if sw ~= 0x9000 and (sw >> 8) ~= 0x91 then break end
  end
  out.sw = last and last.sw or sw
  out.data = last and last.data or ""
  return out
end

-- device.mo_sms{} -> {mo = list, count} — every MO SMS the card sent in this case (each
-- {tpdu, submit, ud, concat, packet_iei, address, number, consumed}); the SM-SR role
-- reads them (smsr.lua). clear=true empties the list after reading.
function M.mo_sms(args)
  local r = { mo = mo_list, count = #mo_list }
  if args and args.clear then mo_list = {} end
  return r
end

-- device.refreshes{} -> {refreshes = list, count} — REFRESH commands seen in this case.
function M.refreshes(args)
  return { refreshes = refresh_list, count = #refresh_list }
end

return M
