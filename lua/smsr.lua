-- SPDX-License-Identifier: Apache-2.0
-- smsr — the SM-SR's ES5 transport over SMS (SGP.02 2.4.3 / 2.5): remote command
-- scripts (ETSI TS 102 226) in SCP80 secured packets (TS 102 225 / 3GPP TS 31.115),
-- delivered to the eUICC as SMS-PP DOWNLOAD through the device role, and the PoR back
-- (in the SMS-DELIVER-REPORT or as an MO SMS-SUBMIT the card sends with SEND SHORT
-- MESSAGE). Also the notifications the eUICC sends by MO SMS.
--
-- Keys, algorithms and keyset numbers come from the SUT description's `scp80:` section
-- (docs/sut-config.md); the counter is the SM-SR's own memory, kept per keyset in
-- rt.case.store so that it grows across cases and runs. Generic on purpose: the ES5
-- functions themselves (lua/es5.lua) build the commands and read the responses.
local case = require("rt.case")
local scp80 = require("rt.scp80")
local sms = require("rt.sms")
local rcmd = require("rt.rcmd")
local tlv = require("rt.tlv")
local ctlv = require("rt.ctlv")
local hex = require("rt.hex")
local sgp02 = require("sgp02")
local device = require("device")
local expect = require("expect")

local M = {}

-- Milliseconds from 1970-01-01 to 2020-01-01: the automatic counter is the time since
-- 2020 in ms (5 bytes last until the year 2054), so it only ever grows.
local EPOCH_2020_MS = 1577836800000
local CNTR_MAX = 0xFFFFFFFFFF

-- The SMS-DELIVER the SM-SR's SMSC hands the device (TS 23.040 9.2.2.1; facts §1.8):
-- originating address, TP-PID 7F (SIM data download), TP-DCS F6 (8-bit, class 2).
M.DEFAULT_OA = "447700900123"
M.SCTS = "\x22\x01\x01\x00\x00\x00\x00"

-- Accepts hex text or raw bytes of a known length for an argument.
local function bytes_of(v, name, len)
  if v == nil then return nil end
  if math.type(v) == "integer" then v = tostring(v) end
  if type(v) ~= "string" then error(("argument '%s' must be hex text"):format(name), 3) end
  if len and #v == len and not v:find("^%x+$") then return v end
  local ok, b = pcall(hex.decode, v)
  if not ok then error(("argument '%s': %s"):format(name, tostring(b)), 3) end
  if len and #b ~= len then
    error(("argument '%s' must be %d bytes, got %d"):format(name, len, #b), 3)
  end
  return b
end

local function int5(n) return string.pack(">I5", n) end
local function from5(b) return (string.unpack(">I5", b)) end

-- The SUT's SCP80 keysets: {[kvn] = {kvn, kic, kid, kic_alg, kid_alg}}.
function M.keysets()
  local sut = case.sut() or {}
  local sec = sut.scp80
  if type(sec) ~= "table" or type(sec.keysets) ~= "table" then
    error("the SUT description has no scp80: keysets (docs/sut-config.md)", 0)
  end
  local out = {}
  for i, k in ipairs(sec.keysets) do
    local kvn = tonumber(k.kvn)
    if not kvn or kvn < 1 or kvn > 15 then
      error(("scp80.keysets[%d]: kvn must be 1..15"):format(i), 0)
    end
    out[kvn] = { kvn = kvn, kic = bytes_of(k.kic, "kic"), kid = bytes_of(k.kid, "kid"),
                 kic_alg = k.kic_alg or "aes", kid_alg = k.kid_alg or "aes" }
  end
  return out
end

local function keyset(n)
  local ks = M.keysets()[n]
  if not ks then error(("the SUT has no SCP80 keyset %d"):format(n), 0) end
  return ks
end

local function cntr_key(kvn) return "smsr.scp80.cntr." .. kvn end

-- The counter last used with keyset kvn (5 bytes), or nil.
function M.last_counter(kvn)
  return case.store(cntr_key(kvn or 1))
end

-- TS 102 225 5.1.1: the next counter for keyset kvn, higher than any sent before:
-- max(last + 1, ms since 2020). Stored before use.
function M.next_counter(kvn)
  local last = M.last_counter(kvn)
  local n = last and from5(last) + 1 or 1
  local now = case.time_ms() - EPOCH_2020_MS
  if now > n then n = now end
  if n > CNTR_MAX then error("SCP80 counter exhausted", 0) end
  local c = int5(n)
  case.store(cntr_key(kvn), c)
  return c
end

local function opts()
  return { aes_cc_len = tonumber(case.option("scp80.aes_cc_len")) }
end

-- TS 102 226 5.2.1: the expanded script; 5.1.1 the compact one.
local function build_script(args)
  local fmt = args.format or "expanded"
  local cmds = args.commands or {}
  if fmt == "compact" then
    if args.items then error("items only go into an expanded script", 0) end
    local parts = {}
    for i, c in ipairs(cmds) do parts[i] = bytes_of(c, "commands[" .. i .. "]") end
    return table.concat(parts)
  elseif fmt ~= "expanded" then
    error(("format must be expanded or compact, not '%s'"):format(tostring(fmt)), 0)
  end
  local parts = {}
  for i, c in ipairs(cmds) do parts[#parts + 1] = tlv.encode(0x22, bytes_of(c, "commands[" .. i .. "]")) end
  for i, it in ipairs(args.items or {}) do parts[#parts + 1] = bytes_of(it, "items[" .. i .. "]") end
  local body = table.concat(parts)
  if args.definite == false then
    return "\xAE\x80" .. body .. "\x00\x00"
  end
  return tlv.encode(0xAA, body)
end

-- One SMS-DELIVER TPDU carrying user data ud (UDH included).
local function deliver(ud, bend)
  return sms.encode({ type = "deliver", addr = bend.oa or M.DEFAULT_OA, mms = true,
                      pid = bend.pid and bytes_of(bend.pid, "pid"):byte() or 0x7F,
                      dcs = bend.dcs and bytes_of(bend.dcs, "dcs"):byte() or 0xF6,
                      scts = M.SCTS, udhi = not bend.no_udh, ud = ud })
end

-- The MO SMS among list that are secured packets with the given identifier (70/71),
-- reassembled: {packet (with UDH 02 xx 00), parts} per message; the others stay.
local function collect_packets(list, iei)
  local single, groups, order = {}, {}, {}
  for _, mo in ipairs(list) do
    if not mo.consumed and mo.ud and mo.concat then
      local ci = mo.concat
      if not ci.present and ci.packet_iei == iei then
        mo.consumed = true
        single[#single + 1] = { packet = mo.ud, parts = 1 }
      elseif ci.present then
        local key = ci.ref .. "/" .. ci.total
        if not groups[key] then groups[key] = { uds = {}, mos = {} }; order[#order + 1] = key end
        local g = groups[key]
        g.uds[#g.uds + 1] = mo.ud
        g.mos[#g.mos + 1] = mo
        if ci.packet_iei then g.iei = ci.packet_iei end
      end
    end
  end
  for _, key in ipairs(order) do
    local g = groups[key]
    if g.iei == iei then
      local ok, pkt = pcall(sms.reassemble, g.uds)
      if ok then
        for _, mo in ipairs(g.mos) do mo.consumed = true end
        single[#single + 1] = { packet = string.char(2, iei, 0) .. pkt, parts = #g.uds }
      end
    end
  end
  return single
end

local function decode_response(r, data, fmt)
  r.raw = data
  r.responses = {}
  if data == nil or #data == 0 then return end
  local first = data:byte(1)
  r.response_tag = first
  if first == 0xAB or first == 0xAF then
    local ok, p = pcall(rcmd.parse_response, data)
    if not ok then r.response_error = tostring(p); return end
    r.executed = p.executed
    r.bad_format = p.bad_format
    for i, ra in ipairs(p.rapdus or {}) do
      local sw = ra:byte(-2) << 8 | ra:byte(-1)
      r.responses[i] = { data = ra:sub(1, -3), sw = sw }
    end
    local lastr = r.responses[#r.responses]
    if lastr then r.sw, r.data = lastr.sw, lastr.data end
    r.format = "expanded"
  else
    local ok, p = pcall(rcmd.compact_response, data)
    if not ok then r.response_error = tostring(p); return end
    r.executed = p.executed
    r.sw, r.data = p.sw, p.data
    r.responses[1] = { sw = p.sw, data = p.data }
    r.format = "compact"
  end
  if fmt and r.format ~= fmt then
    r.response_error = ("a %s command got a %s response"):format(fmt, r.format)
  end
end

-- TS 102 225 5.2: a PoR echoes the command's counter and is secured as SPI2 asks. Two
-- refusals are read more leniently (docs/spec-notes/50-ota-cat.md, refused packets): a
-- card that refuses a packet before deciphering it cannot echo the counter (it sends
-- zero), and one that holds no usable key for it cannot secure the PoR. Statuses:
-- 05 ciphering error, 06 unidentified security error (unknown keyset or algorithm),
-- 09 TAR unknown, 0A insufficient security level may carry a zero counter; only 06 and
-- 09 (no key) may come unsecured. Every other status (01 CC failed, 02/03/04 counter,
-- ...) is answered after the card deciphered the counter with keys it holds, so its
-- PoR must verify exactly as sent.
local ZERO_CNTR_OK = { [0x05] = true, [0x06] = true, [0x09] = true, [0x0A] = true }
local PLAIN_OK = { [0x06] = true, [0x09] = true }

-- Builds the secured packet of one script and its SMS segments: a context for deliver
-- and finish (send_script, send_interleaved).
local function prepare(args)
  args = args or {}
  local bend = args.bend or {}
  local kvn = args.keyset or 1
  local ks = keyset(kvn)
  local tar = bytes_of(bend.tar or args.tar or sgp02.vars.TAR_ISD_R, "tar", 3)
  local spi = bytes_of(bend.spi or args.spi or "1639", "spi", 2)
  local kic = bend.kic and bytes_of(bend.kic, "kic", 1):byte() or
      scp80.kic_encode({ keyset = kvn, alg = ks.kic_alg })
  local kid = bend.kid and bytes_of(bend.kid, "kid", 1):byte() or
      scp80.kid_encode({ keyset = kvn, alg = ks.kid_alg })
  local cntr
  if bend.cntr == "last" then
    cntr = M.last_counter(kvn) or int5(0)
  elseif type(bend.cntr) == "string" and bend.cntr:match("^last%+%d+$") then
    -- "last+N": N above the last counter sent (TS 102 225 5.1.1 counter mode 11 wants
    -- exactly last + 1); it becomes the last one.
    local last = M.last_counter(kvn)
    cntr = int5((last and from5(last) or 0) + tonumber(bend.cntr:match("%d+$")))
    case.store(cntr_key(kvn), cntr)
  elseif bend.cntr then
    cntr = bytes_of(bend.cntr, "cntr", 5)
  else
    cntr = M.next_counter(kvn)
  end
  local script = args.script and bytes_of(args.script, "script") or build_script(args)
  local kic_key, kid_key = ks.kic, ks.kid
  -- wrong_key: another authentication (KID) key, so the card's CC check fails while
  -- the counter still deciphers (the PoR echoes it); wrong_kic: another cipher key too.
  local function flip(k) return (k:gsub(".", function(c) return string.char(c:byte() ~ 0xFF) end)) end
  if bend.wrong_key then kid_key = flip(kid_key) end
  if bend.wrong_kic then kic_key = flip(kic_key) end
  local o = opts()
  local sec = { dialect = "sms", spi = spi, kic = kic, kid = kid, tar = tar, cntr = cntr,
                kic_key = kic_key, kid_key = kid_key, kic_alg = ks.kic_alg,
                kid_alg = ks.kid_alg, opts = o }
  sec.data = script
  local pkt = scp80.wrap(sec)
  -- Bends applied to the secured packet itself.
  if bend.corrupt_cc then
    -- Flipping the last byte changes the (deciphered) secured data, so the CC the card
    -- computes no longer matches (TS 102 225 5.1.3).
    pkt = pkt:sub(1, -2) .. string.char(pkt:byte(-1) ~ 0x01)
  end
  if bend.truncate then pkt = pkt:sub(1, #pkt - bend.truncate) end
  -- TS 31.115 6.2/6.3: one SMS or concatenated ones (140-octet TP-UD). bend.iei: the
  -- packet identifier announced in the first segment (70 command packet).
  local uds
  if bend.no_udh then
    uds = { pkt:sub(4) }
  else
    local iei = bend.iei and bytes_of(bend.iei, "iei", 1):byte() or 0x70
    uds = sms.concat_split(pkt:sub(4), { order = case.option("sms.concat_ie_order"),
                                          ref = bend.ref or (from5(cntr) & 0xFF), iei = iei })
  end
  local r = { cntr = cntr, tar = tar, spi = spi, kic = kic, kid = kid, script = script,
              packet = pkt, segments = #uds, segment_sws = {}, mo = {} }
  if bend.reverse then
    local rev = {}
    for i = #uds, 1, -1 do rev[#rev + 1] = uds[i] end
    uds = rev
  end
  return { args = args, bend = bend, ks = ks, sec = sec, spi = spi, cntr = cntr, uds = uds,
           r = r }
end

-- Delivers segment i of a prepared script as SMS-PP DOWNLOAD (TS 31.111 7.1.1).
local function deliver_segment(ctx, i)
  local env = device.sms_pp({ tpdu = deliver(ctx.uds[i], ctx.bend) })
  ctx.r.segment_sws[i] = env.sw
  ctx.r.envelope_sw = env.sw
  return env
end

-- TS 102 223 6.6.9: a SEND SHORT MESSAGE names the UICC (81) as source and the network
-- (83) as destination in its device identities (82). nil, or what is wrong with the
-- first fetched SEND SHORT MESSAGE that does not.
local function ssm_devices_error(commands)
  for _, c in ipairs(commands or {}) do
    if c.type == 0x13 then
      local v = c.raw and c.raw:sub(c.raw:byte(2) == 0x81 and 4 or 3)
      local ok, d = pcall(ctlv.find, v or "", 0x82, { any_cr = true })
      if not ok or d ~= "\x81\x83" then
        return ("SEND SHORT MESSAGE %02X names the devices %s, TS 102 223 6.6.9 wants 81 (UICC) -> 83 (network)")
            :format(c.number or 0, ok and d and hex.encode(d) or "(none)")
      end
    end
  end
  return nil
end

-- Collects and verifies the PoR after the ENVELOPE env that completed the message.
local function finish(ctx, env)
  local r, sec, ks, spi, cntr, args = ctx.r, ctx.sec, ctx.ks, ctx.spi, ctx.cntr, ctx.args
  -- The PoR: in the ENVELOPE response (SMS-DELIVER-REPORT) or by SMS-SUBMIT.
  local por
  if env.sw == 0x9000 or (env.sw >> 8) == 0x91 then
    if #env.data > 0 then
      por = env.data
      r.por_via = "deliver_report"
    end
    if (env.sw >> 8) == 0x91 then
      local f = device.fetch_all({ sw = env.sw })
      r.fetch_sw = f.sw
      local pors = collect_packets(f.mo, 0x71)
      if not por and pors[1] then
        por = pors[1].packet
        r.por_via = "sms_submit"
        r.por_parts = pors[1].parts
        r.por_sms_error = ssm_devices_error(f.commands)
      end
      for _, mo in ipairs(f.mo) do
        if not mo.consumed then r.mo[#r.mo + 1] = mo end
      end
    end
  end
  r.por = por
  r.por_present = por ~= nil
  if por then
    local vsec = {}
    for k, v in pairs(sec) do vsec[k] = v end
    vsec.kic_key, vsec.kid_key = ks.kic, ks.kid
    vsec.data = nil
    vsec.packet = por
    local ok, p = pcall(scp80.verify_por, vsec)
    if not ok then
      -- The lenient readings of a refusal PoR (ZERO_CNTR_OK, PLAIN_OK above); a PoR
      -- that verifies only under a reading its status does not allow is not authentic.
      local why = p
      local plain_spi = spi:sub(1, 1) .. string.char(spi:byte(2) & ~0x1C)
      for _, alt in ipairs({ { spi, int5(0) }, { plain_spi, cntr }, { plain_spi, int5(0) } }) do
        local try = {}
        for k, v in pairs(vsec) do try[k] = v end
        try.spi, try.cntr = alt[1], alt[2]
        local ok2, p2 = pcall(scp80.verify_por, try)
        if ok2 and p2.status ~= 0 then
          local plain, zero = alt[1] ~= spi, alt[2] ~= cntr
          if (plain and not PLAIN_OK[p2.status]) or (zero and not ZERO_CNTR_OK[p2.status]) then
            why = ("the PoR for status %02X (%s) verifies only %s%s%s; TS 102 225 5.2 wants it "
                   .. "secured as SPI2 %02X asks and echoing the counter %s"):format(
              p2.status, p2.status_name, plain and "unsecured" or "",
              plain and zero and " and " or "", zero and "with a zero counter" or "",
              spi:byte(2), hex.encode(cntr))
            break
          end
          ok, p = ok2, p2
          r.por_plain = plain
          r.por_cntr_zero = zero
          break
        end
      end
      if not ok then p = why end
    end
    -- A PoR the card did not address to the network is not one the SM-SR receives.
    if ok and r.por_sms_error then ok, p = false, r.por_sms_error end
    if ok then
      r.por_status = p.status
      r.por_status_name = p.status_name
      r.por_cntr = p.cntr
      r.por_tar = p.tar
      r.por_authentic = true
      decode_response(r, p.data, args.script == nil and (args.format or "expanded") or nil)
    else
      r.por_error = tostring(p)
      r.por_authentic = false
    end
  end
  return r
end

-- smsr.send_script(args) -> result; see docs/lua-api.md, smsr.
function M.send_script(args)
  local ctx = prepare(args)
  local env
  for i = 1, #ctx.uds do env = deliver_segment(ctx, i) end
  return finish(ctx, env)
end

-- smsr.send_interleaved{scripts = {args1, args2, ...}, order = {"1.1", "2.1", "1.2", ...}}
-- -> {results = {r1, r2, ...}, <field>_<n> = the scalar fields of result n}
-- Delivers the SMS segments of several scripts in the given order (message.segment;
-- "interleaved": round robin; default: all of message 1, then 2, ...), so that concatenated messages interleave
-- (TS 23.040 9.2.3.24.1) or are abandoned (segments left out). A message's PoR is
-- collected right after its last segment went; a message not sent whole has
-- complete = false and no PoR.
function M.send_interleaved(args)
  args = args or {}
  local ctxs = {}
  for i, a in ipairs(args.scripts or {}) do ctxs[i] = prepare(a) end
  if #ctxs == 0 then error("send_interleaved: scripts must list at least one script", 0) end
  local order = args.order
  if order == "interleaved" then
    -- Round robin: segment 1 of every message, then segment 2 of every message, ...
    order = {}
    local most = 0
    for _, c in ipairs(ctxs) do if #c.uds > most then most = #c.uds end end
    for s = 1, most do
      for m, c in ipairs(ctxs) do if c.uds[s] then order[#order + 1] = m .. "." .. s end end
    end
  elseif not order then
    order = {}
    for m, c in ipairs(ctxs) do for s = 1, #c.uds do order[#order + 1] = m .. "." .. s end end
  end
  local sent = {}
  for _, o in ipairs(order) do
    local m, s = tostring(o):match("^(%d+)%.(%d+)$")
    m, s = tonumber(m), tonumber(s)
    local c = m and ctxs[m]
    if not c or not c.uds[s] then
      error(("send_interleaved: order entry '%s' names no segment"):format(tostring(o)), 0)
    end
    local env = deliver_segment(c, s)
    sent[m] = sent[m] or {}
    sent[m][s] = true
    local n = 0
    for _ in pairs(sent[m]) do n = n + 1 end
    if n == #c.uds and not c.done then
      c.done = true
      finish(c, env)
    end
  end
  local out = { results = {} }
  for m, c in ipairs(ctxs) do
    c.r.complete = c.done == true
    if not c.done then c.r.por_present = false end
    out.results[m] = c.r
    for k, v in pairs(c.r) do
      if type(v) ~= "table" then out[k .. "_" .. m] = v end
    end
  end
  return out
end

-- The minimum security level the SUT demands (option scp80.isdr_min_spi1, an SPI1
-- value as TS 102 226 codes the MSL) and whether SPI1 spi1 meets it, compared as TS
-- 102 225 5.1.1 orders the fields: check b2b1 (none < RC < CC < DS), ciphering b3,
-- counter b5b4 (none < available < higher < one higher).
function M.min_spi1()
  return tonumber(case.option("scp80.isdr_min_spi1"), 16)
end

function M.meets_min_security(spi1)
  local min = M.min_spi1()
  if (spi1 & 0x03) < (min & 0x03) then return false end
  if (min & 0x04) ~= 0 and (spi1 & 0x04) == 0 then return false end
  if ((spi1 >> 3) & 0x03) < ((min >> 3) & 0x03) then return false end
  return true
end

-- smsr.security_level{spi=hex4, commands=..., tar=...} -> send_script's result, FAIL
-- unless the card answered as its minimum security level (option scp80.isdr_min_spi1)
-- makes it: SPI1 below the level -> an authentic PoR with status 0A (insufficient
-- security level) and no response data (TS 102 225 Table 5.3; nothing ran); at or
-- above it -> status 00 and the script ran. `expected` says which ("refuse"/"accept").
function M.security_level(args)
  args = args or {}
  local spi = bytes_of(args.spi, "spi", 2)
  local r = M.send_script(args)
  local refuse = not M.meets_min_security(spi:byte(1))
  r.expected = refuse and "refuse" or "accept"
  local head = ("SPI1 %02X against the minimum %02X (option scp80.isdr_min_spi1)"):format(
    spi:byte(1), M.min_spi1())
  if not r.por_authentic then
    case.fail(("%s: expected an authentic PoR (%s), got %s"):format(head,
      refuse and "status 0A" or "status 00",
      r.por_present and ("one that does not verify: " .. tostring(r.por_error)) or "none"), 0)
  end
  if refuse and (r.por_status ~= 0x0A or (r.raw and #r.raw > 0)) then
    case.fail(("%s is below it: expected PoR status 0A and no response data, got status %02X%s"):format(
      head, r.por_status, (r.raw and #r.raw > 0) and " with response data" or ""), 0)
  end
  if not refuse and (r.por_status ~= 0 or not r.executed or r.executed < 1) then
    case.fail(("%s meets it: expected PoR status 00 and the script run, got status %02X"):format(
      head, r.por_status), 0)
  end
  return r
end

-- A receiving entity (the SM-SR) for the card's command packets: its keys, TAR 000001.
local function rx_entity()
  local keysets = {}
  for kvn, ks in pairs(M.keysets()) do
    keysets[kvn] = { kic = ks.kic, kid = ks.kid, kic_alg = ks.kic_alg, kid_alg = ks.kid_alg }
  end
  return scp80.card({ keysets = keysets, tars = { hex.decode(sgp02.vars.TAR_ISD_R) },
                      opts = opts() })
end

-- SGP.02 ES5 notification TLV (facts §5.4): E1 { 4C EID, 4D type, 4E seq, 2F/AF AID, ... }.
local function decode_notification(data)
  local n = { raw = data }
  local ok, e1 = pcall(tlv.find, data, 0xE1)
  if not ok or not e1 then n.error = "no E1 notification TLV"; return n end
  local okl, items = pcall(tlv.parse, e1)
  if not okl then n.error = tostring(items); return n end
  for _, it in ipairs(items) do
    local t = it.tag
    if t == 0x4C then n.eid = it.value
    elseif t == 0x4D then n.type = it.value:byte(1)
    elseif t == 0x4E and #it.value == 2 then n.seq = it.value:byte(1) << 8 | it.value:byte(2)
    elseif t == 0x2F or t == 0xAF or t == 0x4F then n.aid = it.value
    elseif t == 0x14 or t == 0x94 then n.imei = it.value
    elseif t == 0x6D or t == 0xED then n.meid = it.value end
  end
  return n
end

-- smsr.notifications{} -> {notifications = list, count} — decodes every MO SMS that is
-- an SCP80 command packet (UDH 70) the card sent in this case (fetching what is still
-- pending first): {status, status_name, spi, cntr, type, seq, eid, aid, raw}.
function M.notifications(args)
  device.fetch_all({})
  local list = {}
  local pkts = collect_packets(device.mo_sms({}).mo, 0x70)
  if #pkts > 0 then
    local rx <close> = rx_entity()
    for _, p in ipairs(pkts) do
      local u = rx:unwrap(p.packet)
      local n = u.ok and decode_notification(u.data) or { error = u.error }
      n.status, n.status_name, n.spi, n.cntr = u.status, u.status_name, u.spi, u.cntr
      n.packet = p.packet
      list[#list + 1] = n
    end
  end
  M._seen = M._seen or {}
  for _, n in ipairs(list) do M._seen[#M._seen + 1] = n end
  return { notifications = M._seen, count = #M._seen }
end

-- smsr.expect_notification{type=2, aid="hex"} -> the matching notification (+ fields)
-- FAIL when the card sent none that matches (type as an integer or hex text).
function M.expect_notification(args)
  args = args or {}
  local want_type = args.type
  if type(want_type) == "string" then want_type = tonumber(want_type, 16) end
  local want_aid = args.aid and bytes_of(args.aid, "aid") or nil
  local all = M.notifications({}).notifications
  for _, n in ipairs(all) do
    if not n.matched and (want_type == nil or n.type == want_type) and
        (want_aid == nil or n.aid == want_aid) then
      n.matched = true
      local r = { found = true, count = #all }
      for k, v in pairs(n) do r[k] = v end
      return r
    end
  end
  case.fail(("no notification%s%s among the %d MO SMS notifications the card sent"):format(
    want_type and (" of type %02X"):format(want_type) or "",
    want_aid and (" for AID " .. hex.encode(want_aid)) or "", #all), 0)
end

-- Expectation matcher: por_status_name: "CNTR low" (text, case-insensitive).
expect.register("por_status_name", function(r, want)
  if r.por_status_name == nil then
    return false, r.por_present and ("PoR not authentic: " .. tostring(r.por_error)) or "no PoR"
  end
  if r.por_status_name:lower() == tostring(want):lower() then return true end
  return false, ("PoR status '%s', expected '%s'"):format(r.por_status_name, want)
end)

-- Expectation matcher: por: "absent" | "present" | "authentic" | "none_or_status_XX"
-- (no PoR, or an authentic one with status XX: for refusals where TS 102 225 lets the
-- card stay silent).
expect.register("por", function(r, want)
  if want == "absent" then
    if not r.por_present then return true end
    return false, ("expected no PoR, got %s"):format(hex.encode(r.por))
  elseif want == "present" then
    if r.por_present then return true end
    return false, "expected a PoR, the card sent none"
  elseif want == "authentic" then
    if r.por_authentic then return true end
    return false, r.por_present and ("PoR not authentic: " .. tostring(r.por_error)) or "no PoR"
  end
  local st = type(want) == "string" and want:match("^none_or_status_(%x%x)$")
  if st then
    if not r.por_present then return true end
    if r.por_authentic and r.por_status == tonumber(st, 16) and (r.raw == nil or #r.raw == 0) then
      return true
    end
    return false, ("expected no PoR or an authentic PoR with status %s and no data, got %s"):format(
      st, r.por_authentic and ("status %02X"):format(r.por_status) or tostring(r.por_error))
  end
  error("expect por: absent | present | authentic | none_or_status_XX", 0)
end)

return M
