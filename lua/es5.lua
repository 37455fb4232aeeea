-- SPDX-License-Identifier: Apache-2.0
-- es5 — the SM-SR's ES5 functions towards the eUICC's ISD-R (SGP.02 4.1.1), as step
-- verbs: CreateISDP, EnableProfile, DisableProfile, DeleteProfile, SetFallBackAttribute,
-- SetEmergencyProfileAttribute, eUICCCapabilityAudit (GET DATA BF30 / GET STATUS), UpdateSMSRAddressingParameters,
-- MasterDelete, and the notifications (confirmation, expectation, the retries that end
-- in a roll-back). Encodings: docs/sgp02-facts.md §4.1, §5.2-§5.5; open points
-- and choices: docs/spec-notes.md, ES5 (part docs/spec-notes/60-es5.md).
--
-- Every command travels as an SCP80 remote command script to TAR 000001 through
-- smsr.send_script (lua/smsr.lua); each verb returns that result (sw, data, por_status,
-- responses, mo, ...) extended with what it parsed. Each verb can be bent for negative
-- cases: `bend = { apdu=hex (the whole C-APDU), data=hex (its data field), dgi=hex (the DGI
-- tag), value=hex (the DGI value), cla=, ins=, p1=, p2= (hex bytes), le=false, ota={...}
-- (smsr.send_script bends) }`.
--
-- A case that creates ISD-Ps gets them deleted after it (case.defer), after the card's
-- notifications were confirmed and the run's base profile (below) was put back.
local case = require("rt.case")
local hex = require("rt.hex")
local tlv = require("rt.tlv")
local dgi = require("rt.dgi")
local expect = require("expect")
local sgp02 = require("sgp02")
local smsr = require("smsr")
local device = require("device")

local M = {}

-- facts §4.1: ISD-P instance AID = A0000005591010FFFFFFFF89 | TAR(3) | 00.
M.ISDP_AID_PREFIX = "A0000005591010FFFFFFFF89"
-- TEST ONLY: the MasterDelete token key of the reference card (rt_euicc_default_token_key).
M.DEFAULT_TOKEN_KEY = "707172737475767778797A7B7C7D7E7F"
-- ISD-P quota asked for when a case gives no memory= (bytes).
M.DEFAULT_MEMORY = 16384

-- SGP.02 Table 1 life-cycle coding as GET STATUS 9F70 reports it (facts §4.1).
M.STATES = { [0x03] = "installed", [0x07] = "selectable", [0x0F] = "personalized",
             [0x1F] = "disabled", [0x3F] = "enabled" }
-- facts §5.4 notification types.
M.NOTIF_TYPES = { declaration = 0x01, change_succeeded = 0x02, rollback = 0x03,
                  fallback = 0x05 }

-- ---- helpers ---------------------------------------------------------------------------

local function hexb(v, name, optional)
  if v == nil then
    if optional then return nil end
    error(("missing argument '%s' (hex bytes)"):format(name), 3)
  end
  if math.type(v) == "integer" then v = tostring(v) end
  if type(v) ~= "string" then error(("argument '%s' must be hex text"):format(name), 3) end
  local ok, b = pcall(hex.decode, v)
  if not ok then error(("argument '%s': %s"):format(name, tostring(b)), 3) end
  return b
end

local function byte_of(v, name, default)
  if v == nil then return default end
  if math.type(v) == "integer" then return v end
  local b = hexb(v, name)
  if #b ~= 1 then error(("argument '%s' must be one byte"):format(name), 3) end
  return b:byte()
end

-- ISO 7816-4 5.1 short C-APDU: CLA INS P1 P2 [Lc data] [Le].
local function capdu(cla, ins, p1, p2, data, le)
  local c = string.char(cla, ins, p1, p2)
  if data and #data > 0 then
    if #data > 255 then error("command data over 255 bytes (short APDU)", 0) end
    c = c .. string.char(#data) .. data
  end
  if le then c = c .. "\0" end
  return c
end

-- Builds a command from its parts, with the case's bends applied.
local function command(args, cla, ins, p1, p2, data, le)
  local bend = args.bend or {}
  if bend.apdu then return hexb(bend.apdu, "bend.apdu") end
  if bend.data then data = hexb(bend.data, "bend.data") end
  if bend.le == false then le = false elseif bend.le == true then le = true end
  return capdu(byte_of(bend.cla, "bend.cla", cla), byte_of(bend.ins, "bend.ins", ins),
               byte_of(bend.p1, "bend.p1", p1), byte_of(bend.p2, "bend.p2", p2), data, le)
end

-- The AID and TAR of an ISD-P from args (aid= and/or tar=, hex).
local function aid_tar(args)
  local aid = hexb(args.aid, "aid", true)
  local tar = hexb(args.tar, "tar", true)
  if not aid and not tar then return nil end
  if not aid then aid = hex.decode(M.ISDP_AID_PREFIX) .. tar .. "\0" end
  if not tar then tar = #aid == 16 and aid:sub(13, 15) or nil end
  return aid, tar
end

local function need_aid(args)
  local aid = aid_tar(args)
  if not aid then error("missing argument 'aid' (hex ISD-P AID) or 'tar'", 3) end
  return aid
end

-- Notifications the card sent in this case, counted before a command so the verb can say
-- which ones that command caused.
local function notif_mark()
  return #smsr.notifications({}).notifications, device.refreshes({}).count
end

local function notif_since(r, n0, f0)
  local all = smsr.notifications({}).notifications
  r.notifications = {}
  for i = n0 + 1, #all do r.notifications[#r.notifications + 1] = all[i] end
  local n = r.notifications[1]
  if n then
    r.notification = n
    r.notif_type, r.notif_seq, r.notif_aid = n.type, n.seq, n.aid
  end
  local rf = device.refreshes({}).refreshes
  r.refreshes = #rf - f0
  if rf[f0 + 1] then r.refresh_qualifier = rf[f0 + 1].qualifier end
end

-- Sends C-APDUs to the ISD-R in one script (SGP.02 2.4.3: ES5 over SCP80, expanded
-- format by default).
local function to_isdr(args, cmds)
  local bend = args.bend or {}
  local list = {}
  for i, c in ipairs(cmds) do list[i] = hex.encode(c) end
  local n0, f0 = notif_mark()
  local r = smsr.send_script({ tar = args.isdr_tar or sgp02.vars.TAR_ISD_R, commands = list,
                               format = args.format, definite = args.definite,
                               keyset = args.keyset, spi = args.spi, bend = bend.ota })
  r.capdus = list
  notif_since(r, n0, f0)
  return r
end

-- GP STORE DATA of one DGI (facts §5.2): 80 E2 88|89 00 Lc DGI.
local function store_dgi(args, tag, value, p1, le)
  local bend = args.bend or {}
  local t = bend.dgi and hexb(bend.dgi, "bend.dgi") or nil
  local tagn = tag
  if t then tagn = string.unpack(">I2", t) end
  local v = bend.value and hexb(bend.value, "bend.value") or value
  return command(args, 0x80, 0xE2, p1 or 0x88, 0x00, dgi.encode(tagn, v), le or false)
end

local function aid_value(aid) return tlv.encode(0x4F, aid) end

-- ---- cleanup: created ISD-Ps, notifications, the base profile ---------------------------

local created = {}   -- [aid bytes] = true: ISD-Ps this case created
local confirmed = {} -- [seq] = true
local confirmed_at = {} -- [seq] = how many notifications had arrived when it was confirmed
local cleanup_registered = false

local function confirm_raw(seq)
  local c = capdu(0x80, 0xE2, 0x89, 0x00, dgi.encode(0x3A08, tlv.encode(0x4E, string.pack(">I2", seq))), true)
  return smsr.send_script({ tar = sgp02.vars.TAR_ISD_R, commands = { hex.encode(c) } })
end

-- Confirms every notification the card sent in this case that was not confirmed yet
-- (SGP.02 3.15: the SM-SR acknowledges each one), so none is left to roll back a later case.
-- The eUICC declaration is left alone: its case (EUICC-ES5-NOTIF-001) confirms it.
function M.confirm_all()
  local n = 0
  for _, x in ipairs(smsr.notifications({}).notifications) do
    if x.seq and not confirmed[x.seq] and x.type ~= M.NOTIF_TYPES.declaration then
      confirmed[x.seq] = true
      confirm_raw(x.seq)
      n = n + 1
    end
  end
  return n
end

local function status_of(aid)
  local c = capdu(0x80, 0xF2, 0x40, 0x02, tlv.encode(0x4F, aid) .. hex.decode("5C044F9F7053"), true)
  local r = smsr.send_script({ tar = sgp02.vars.TAR_ISD_R, commands = { hex.encode(c) } })
  if r.sw ~= 0x9000 then return nil end
  local ok, e3 = pcall(tlv.find, r.data, { 0xE3, 0x9F70 })
  local okf, props = pcall(tlv.find, r.data, { 0xE3, 0x53 })
  return ok and e3 and e3:byte(1) or nil, okf and props and (props:byte(1) & 1) == 1
end

local function base_aid()
  local b = case.store("es5.base_aid")
  return b
end

-- Puts the run's base profile back: enabled with the fall-back attribute. Checks every
-- status word and the state it ends in: -> true, or false and why (a broken precondition,
-- never a verdict on the card: the caller raises an ERROR).
local function restore_base()
  local b = base_aid()
  if not b then return true end
  local st, fb = status_of(b)
  if st == nil then
    return false, ("the base profile %s is not on the card (GET STATUS)"):format(hex.encode(b))
  end
  local function swtxt(r) return r.sw and ("%04X"):format(r.sw) or "nothing" end
  if st ~= 0x3F then
    local c = capdu(0x80, 0xE2, 0x88, 0x00, dgi.encode(0x3A03, aid_value(b)), false)
    local r = smsr.send_script({ tar = sgp02.vars.TAR_ISD_R, commands = { hex.encode(c) } })
    if r.sw ~= 0x9000 then
      return false, ("EnableProfile of the base profile %s (state %02X) answered %s"):format(
        hex.encode(b), st, swtxt(r))
    end
  end
  if not fb then
    local c = capdu(0x80, 0xE2, 0x88, 0x00, dgi.encode(0x3A05, aid_value(b)), false)
    local r = smsr.send_script({ tar = sgp02.vars.TAR_ISD_R, commands = { hex.encode(c) } })
    if r.sw ~= 0x9000 then
      return false, ("SetFallBackAttribute of the base profile %s answered %s"):format(
        hex.encode(b), swtxt(r))
    end
  end
  M.confirm_all()
  st, fb = status_of(b)
  if st ~= 0x3F or not fb then
    return false, ("the base profile %s is %s%s after restoring it (expected enabled, 3F, with "
      .. "the fall-back attribute)"):format(hex.encode(b), st and ("%02X"):format(st) or "absent",
      fb and "" or " without the fall-back attribute")
  end
  return true
end

local function cleanup()
  M.confirm_all()
  local problems = {}
  local ok, why = restore_base()
  if not ok then problems[#problems + 1] = why end
  for aid in pairs(created) do
    local c = capdu(0x80, 0xE4, 0x00, 0x40, aid_value(aid), true)
    local r = smsr.send_script({ tar = sgp02.vars.TAR_ISD_R, commands = { hex.encode(c) } })
    -- POL1 forbids the deletion: MasterDelete (SGP.02 3.10) overrides it.
    if r.sw == 0x69E1 then r = M.master_delete({ aid = hex.encode(aid) }) end
    -- 6A88: the case deleted it already.
    if r.sw ~= 0x9000 and r.sw ~= 0x6A88 then
      problems[#problems + 1] = ("%s: DELETE answered %s"):format(hex.encode(aid),
        r.sw and ("%04X"):format(r.sw) or "nothing")
    end
  end
  M.confirm_all()
  if #problems > 0 then error("es5 cleanup: " .. table.concat(problems, "; "), 0) end
end

local function track(aid)
  created[aid] = true
  if not cleanup_registered then
    cleanup_registered = true
    case.defer(cleanup)
  end
end

-- A TAR no other case of the run uses: 00 xx yy from the case's generator, away from the
-- low TARs other roles use by default (000010..0000FF).
local function fresh_tar()
  local r = case.random(2)
  local hi = r:byte(1)
  if hi == 0 then hi = 1 end
  return "\0" .. string.char(hi, r:byte(2))
end

-- ---- CreateISDP ------------------------------------------------------------------------

-- The install parameters (facts §4.1): C9 04 81 02 03 70 (SCP03, i = 70), EF { 83 <memory> }
-- (njiwa's allocated memory: 2 bytes when it fits, else 4).
function M.install_params(memory)
  local mem = memory <= 0xFFFF and string.pack(">I2", memory) or string.pack(">I4", memory)
  return hex.decode("C90481020370") .. tlv.encode(0xEF, tlv.encode(0x83, mem))
end

-- es5.create_isdp{aid=, tar=, memory=16384, params=hex, privileges="80C000", elf=, module=,
--                 bend} -> result + aid, tar (hex), response
-- SGP.02 4.1.1.1 / GP CS 11.5: INSTALL [for install and make selectable] 80 E6 0C 00.
function M.create_isdp(args)
  args = args or {}
  local aid, tar = aid_tar(args)
  if not aid then
    tar = fresh_tar()
    aid = hex.decode(M.ISDP_AID_PREFIX) .. tar .. "\0"
  end
  local params = args.params and hexb(args.params, "params") or
      M.install_params(args.memory or M.DEFAULT_MEMORY)
  local priv = hexb(args.privileges or "80C000", "privileges")
  local elf = hexb(args.elf or sgp02.vars.ISD_P_ELF_AID, "elf")
  local mod = hexb(args.module or sgp02.vars.ISD_P_MODULE_AID, "module")
  local d = string.char(#elf) .. elf .. string.char(#mod) .. mod .. string.char(#aid) .. aid ..
      string.char(#priv) .. priv .. string.char(#params) .. params .. "\0"
  local r = to_isdr(args, { command(args, 0x80, 0xE6, 0x0C, 0x00, d, true) })
  r.aid, r.tar = hex.encode(aid), tar and hex.encode(tar) or nil
  if r.sw == 0x9000 and args.cleanup ~= false then track(aid) end
  return r
end

-- ---- Enable / Disable / SetFallBackAttribute ---------------------------------------------

-- es5.enable_profile{aid=, bend} -> result + notification, notif_type, notif_seq, notif_aid,
--   refreshes, refresh_qualifier
-- SGP.02 4.1.1.2 / 3.2.1: STORE DATA DGI 3A03 { 4F AID } (facts §5.2).
function M.enable_profile(args)
  args = args or {}
  return to_isdr(args, { store_dgi(args, 0x3A03, aid_value(need_aid(args))) })
end

-- es5.disable_profile{aid=, bend} -> as enable_profile
-- SGP.02 4.1.1.3 / 3.4.1: STORE DATA DGI 3A04 { 4F AID }.
function M.disable_profile(args)
  args = args or {}
  return to_isdr(args, { store_dgi(args, 0x3A04, aid_value(need_aid(args))) })
end

-- es5.set_fallback{aid=, bend} -> result
-- SGP.02 4.1.1.6 (facts §5.2, WHTY-SR): STORE DATA DGI 3A05 { 4F AID }.
function M.set_fallback(args)
  args = args or {}
  return to_isdr(args, { store_dgi(args, 0x3A05, aid_value(need_aid(args))) })
end

-- es5.set_emergency{aid=, bend} -> result + dgi (hex)
-- SGP.02 3.25 SetEmergencyProfileAttribute over ES5: no source gives the command, so it
-- follows SetFallBackAttribute: STORE DATA DGI <option es5.emergency_dgi, default 3A06,
-- UNCONFIRMED> { 4F AID } (docs/spec-notes.md, ES5).
function M.set_emergency(args)
  args = args or {}
  local d = tonumber(case.option("es5.emergency_dgi"), 16)
  local r = to_isdr(args, { store_dgi(args, d, aid_value(need_aid(args))) })
  r.dgi = ("%04X"):format(d)
  return r
end

-- ---- DeleteProfile / MasterDelete --------------------------------------------------------

-- es5.delete_profile{aid=, p2=option es5.delete_p2, bend} -> result
-- SGP.02 4.1.1.4 / 3.6: GP DELETE 80 E4 00 40 { 4F AID } (facts §5.2).
function M.delete_profile(args)
  args = args or {}
  local p2 = byte_of(args.p2 or case.option("es5.delete_p2"), "p2")
  local r = to_isdr(args, { command(args, 0x80, 0xE4, 0x00, p2, aid_value(need_aid(args)), true) })
  return r
end

-- es5.master_delete{aid=, b6=hex (B6 content), token=hex | token_key=hex, bend={
--                   corrupt_token=true, no_token=true, ...}} -> result + token
-- SGP.02 3.10 / facts §5.2 (WHTY-SR): DELETE 80 E4 00 40 { 4F AID | B6 { 42 | 45 | 5F20 | 93 }
-- | 9E token }, token = AES-CMAC(token key, P1 P2 Lc' data') over the command data without
-- the 9E TLV. The key: token_key=, else the SUT's var MASTER_DELETE_KEY, else the reference
-- card's test key.
function M.master_delete(args)
  args = args or {}
  local bend = args.bend or {}
  local p2 = byte_of(args.p2 or case.option("es5.delete_p2"), "p2")
  local b6 = hexb(args.b6 or "420101450101" .. "5F2001019301" .. "01", "b6")
  local body = aid_value(need_aid(args)) .. tlv.encode(0xB6, b6)
  local token = args.token and hexb(args.token, "token")
  if not token then
    local key = hexb(args.token_key or case.vars().MASTER_DELETE_KEY or M.DEFAULT_TOKEN_KEY,
                     "token_key")
    token = require("rt.crypto").aes_cmac(key, string.char(0x00, p2, #body) .. body)
  end
  if bend.corrupt_token then
    token = token:sub(1, -2) .. string.char(token:byte(-1) ~ 0x01)
  end
  local data = body
  if not bend.no_token then data = data .. tlv.encode(0x9E, token) end
  local r = to_isdr(args, { command(args, 0x80, 0xE4, 0x00, p2, data, true) })
  r.token = hex.encode(token)
  return r
end

-- ---- audit -------------------------------------------------------------------------------

local function be(b)
  local n = 0
  for i = 1, #(b or "") do n = n << 8 | b:byte(i) end
  return n
end

-- Parses E3 entries (facts §5.3) into {[AID hex] = {aid, state, state_name, fallback,
-- emergency, quota, free}}. 53 b1 = fall-back, b2 = emergency (UNCONFIRMED, the next bit).
function M.parse_e3(data, into)
  into = into or {}
  local ok, items = pcall(tlv.parse, data or "")
  if not ok then return into, tostring(items) end
  for _, it in ipairs(items) do
    if it.tag == 0xE3 then
      local p = {}
      for _, c in ipairs(it.children or {}) do
        if c.tag == 0x4F then p.aid = hex.encode(c.value)
        elseif c.tag == 0x9F70 then p.state = c.value:byte(1); p.state_name = M.STATES[p.state]
        elseif c.tag == 0x53 then
          p.fallback = (c.value:byte(1) or 0) & 1 == 1
          p.emergency = (c.value:byte(1) or 0) & 2 == 2
        elseif c.tag == 0x8F then p.quota = be(c.value)
        elseif c.tag == 0x91 then p.free = be(c.value) end
      end
      if p.aid then into[p.aid] = p end
    end
  end
  return into
end

-- Parses FF21 (GP extended card resources, facts §5.3).
function M.parse_resources(data)
  local ok, v = pcall(tlv.find, data or "", 0xFF21)
  if not ok or not v then return nil end
  local m = {}
  for _, c in ipairs(tlv.parse(v)) do
    if c.tag == 0x81 then m.installed = be(c.value)
    elseif c.tag == 0x82 then m.free_nv = be(c.value)
    elseif c.tag == 0x83 then m.free_volatile = be(c.value) end
  end
  return m
end

-- es5.audit{aids={hex,...} | aid=hex, tags="4F9F70538F91" (GET STATUS 5C list, or none),
--           resources=true (GET DATA BF30 5C FF21), status=true, bend} -> result +
--   profiles {[AID hex] = {aid, state, state_name, fallback, emergency, quota, free}},
--   nprofiles,
--   memory {installed, free_nv, free_volatile}, status_sw, resources_sw
-- SGP.02 4.1.1.5 eUICCCapabilityAudit (facts §5.3): GET DATA 80 CA BF 30 { 5C FF21 } and
-- GET STATUS 80 F2 40 02 { 4F <AID or empty> [5C tags] }, all in one script.
function M.audit(args)
  args = args or {}
  local cmds, which = {}, {}
  if args.resources ~= false then
    local tags = hexb(args.audit_tags or "FF21", "audit_tags")
    cmds[#cmds + 1] = command(args, 0x80, 0xCA, 0xBF, 0x30, tlv.encode(0x5C, tags), true)
    which[#cmds] = "resources"
  end
  if args.status ~= false then
    local aids = args.aids or (args.aid and { args.aid }) or { "" }
    local tags = args.tags and tlv.encode(0x5C, hexb(args.tags, "tags")) or ""
    for i, a in ipairs(aids) do
      local aid = a == "" and "" or hexb(a, "aids[" .. i .. "]")
      cmds[#cmds + 1] = capdu(0x80, 0xF2, 0x40, 0x02, tlv.encode(0x4F, aid) .. tags, true)
      which[#cmds] = "status"
    end
  end
  -- TS 102 226 5.2.1: an expanded script stops at the first error, so a 6A88 from one
  -- GET STATUS ends the script; each response is read where it is.
  local r = to_isdr(args, cmds)
  r.profiles, r.nprofiles = {}, 0
  for i, resp in ipairs(r.responses or {}) do
    if which[i] == "resources" then
      r.resources_sw = resp.sw
      if resp.sw == 0x9000 then
        r.memory = M.parse_resources(resp.data)
        M.parse_e3(resp.data, r.profiles)
      end
    elseif which[i] == "status" then
      r.status_sw = resp.sw
      if resp.sw == 0x9000 then M.parse_e3(resp.data, r.profiles) end
    end
  end
  for _ in pairs(r.profiles) do r.nprofiles = r.nprofiles + 1 end
  return r
end

-- ---- UpdateSMSRAddressingParameters -----------------------------------------------------

-- TS 23.040 9.1.2.5: TON/NPI 91 + BCD digits, nibble-swapped, F-padded.
local function bcd_address(number)
  local digits = number:gsub("^%+", "")
  if not digits:find("^%d+$") then error("address number must be digits", 0) end
  if #digits % 2 == 1 then digits = digits .. "F" end
  local out = { "\x91" }
  for i = 1, #digits, 2 do
    out[#out + 1] = string.char(tonumber(digits:sub(i + 1, i + 1), 16) << 4 |
                                tonumber(digits:sub(i, i), 16))
  end
  return table.concat(out)
end

-- es5.update_smsr_address{address=hex (the whole 3A07 value) | number="+44..", bend}
--   -> result + value (hex)
-- SGP.02 4.1.1.8 (facts §5.2, container UNCONFIRMED): STORE DATA DGI 3A07 to the ISD-R;
-- the container follows option es5.smsr_addr_container: A3_81 = A3 { 81 <TON/NPI + BCD> }
-- (WHTY-SR), A0_06 = A0 { 06 <TON/NPI + BCD> } (the ES8 connectivity-parameter form).
function M.update_smsr_address(args)
  args = args or {}
  local v
  if args.address then
    v = hexb(args.address, "address")
  else
    local a = bcd_address(args.number or "447700900123")
    if case.option("es5.smsr_addr_container") == "A0_06" then
      v = tlv.encode(0xA0, tlv.encode(0x06, a))
    else
      v = tlv.encode(0xA3, tlv.encode(0x81, a))
    end
  end
  local r = to_isdr(args, { store_dgi(args, 0x3A07, v) })
  r.value = hex.encode(v)
  return r
end

-- ---- notifications ---------------------------------------------------------------------

local function seq_of(v)
  if math.type(v) == "integer" then return v end
  if type(v) == "string" then return be(hexb(v, "seq")) end
  error("argument 'seq' must be an integer or 2 hex bytes", 3)
end

-- es5.confirm_notification{seq=n|hex, p1="89", bend} -> result + deleted {AID hex...}
-- SGP.02 4.1.1.12 (facts §5.2): STORE DATA 80 E2 89 00 DGI 3A08 { 4E 02 <seq> }; the
-- response 80 { 4F AID ... } lists ISD-Ps the card deleted as POL1 demanded.
function M.confirm_notification(args)
  args = args or {}
  local seq = seq_of(args.seq)
  local p1 = byte_of(args.p1, "p1", 0x89)
  -- GP CS 11.11.2.1: P1 b1 = a response is expected (then Le 00).
  local c = store_dgi(args, 0x3A08, tlv.encode(0x4E, string.pack(">I2", seq)), p1, (p1 & 1) == 1)
  local r = to_isdr(args, { c })
  confirmed[seq] = true
  confirmed_at[seq] = #smsr.notifications({}).notifications
  r.seq = seq
  r.deleted = {}
  if r.sw == 0x9000 and r.data and #r.data > 0 then
    local ok, v = pcall(tlv.find, r.data, 0x80)
    if ok and v then
      for _, it in ipairs(tlv.parse(v)) do
        if it.tag == 0x4F then r.deleted[#r.deleted + 1] = hex.encode(it.value) end
      end
    end
  end
  r.ndeleted = #r.deleted
  return r
end

local function type_of(v)
  if v == nil or math.type(v) == "integer" then return v end
  if M.NOTIF_TYPES[v] then return M.NOTIF_TYPES[v] end
  return be(hexb(v, "type"))
end

-- es5.expect_notification{type=2|"change_succeeded"|"02", aid=hex, confirm=false}
--   -> the notification (type, seq, eid, aid, status...) + confirmation result when confirm
-- FAIL when the card sent no such notification in this case (facts §5.4; read from the MO
-- SMS the device role collected, smsr.notifications).
function M.expect_notification(args)
  args = args or {}
  local n = smsr.expect_notification({ type = type_of(args.type), aid = args.aid })
  if args.confirm then
    local c = M.confirm_notification({ seq = n.seq })
    n.confirm_sw = c.sw
    n.deleted = c.deleted
  end
  return n
end

-- es5.no_notification{type=, aid=} -> {count}: FAIL when the card sent a notification that
-- matches (a card that must stay silent, e.g. after a refused command), other than one the
-- case expected (expect_notification) or one that arrived before the case confirmed it (a
-- copy arriving after its confirmation counts: SGP.02 3.15.1, the card must stop).
function M.no_notification(args)
  args = args or {}
  local want_type = type_of(args.type)
  local want_aid = args.aid and hexb(args.aid, "aid")
  local all = smsr.notifications({}).notifications
  for i, n in ipairs(all) do
    local before_confirm = n.seq and confirmed_at[n.seq] and i <= confirmed_at[n.seq]
    if not n.matched and not before_confirm and (want_type == nil or n.type == want_type) and
        (want_aid == nil or n.aid == want_aid) then
      case.fail(("unexpected notification type %s seq %s"):format(tostring(n.type),
        tostring(n.seq)), 0)
    end
  end
  return { count = #all }
end

-- es5.network_event{cold=true} -> {sw, fetched, notifications (new), mo}
-- A new attachment as the device sees it: reset, TERMINAL PROFILE, FETCH / TERMINAL
-- RESPONSE until the card has nothing more (SGP.02 3.15.1: the eUICC retries its
-- notification at each attachment until it is confirmed).
function M.network_event(args)
  args = args or {}
  local n0, f0 = notif_mark()
  device.reset({ cold = args.cold ~= false })
  local tp = device.terminal_profile({})
  local f = device.fetch_all({ sw = tp.sw })
  local r = { sw = tp.sw, fetched = f.fetched, mo = f.mo }
  notif_since(r, n0, f0)
  return r
end

-- ---- fixtures' building blocks ---------------------------------------------------------

-- es5.install_profile{aid=, tar=, memory=, pol1=hex, package=, fallback=false, enable=false}
--   -> {aid, tar, state, ...}
-- CreateISDP, then the SM-DP's ES8 key establishment and download (lua/smdp.lua) of a
-- TS.48 test profile whose header carries `pol` = pol1 (POL1 bit coding: option
-- es5.pol1_coding). The ISD-P ends DISABLED (SGP.02 3.1); deleted after the case.
function M.install_profile(args)
  args = args or {}
  local smdp = require("smdp")
  local c = M.create_isdp({ aid = args.aid, tar = args.tar, memory = args.memory or 65535 })
  if c.sw ~= 0x9000 then
    error(("precondition: CreateISDP answered %s"):format(c.sw and ("%04X"):format(c.sw) or
      ("no response (PoR status " .. tostring(c.por_status) .. ")")), 0)
  end
  local k = smdp.establish_keyset({ aid = c.aid, tar = c.tar })
  if k.stage ~= "done" then
    error("precondition: ES8 key establishment stopped at " .. tostring(k.stage), 0)
  end
  local pkg = args.package
  if args.pol1 then
    pkg = hex.encode(smdp.with_header({ package = args.package, pol = args.pol1 }))
  end
  local d = smdp.download_profile({ aid = c.aid, tar = c.tar, package = pkg })
  if not d.installed then
    error(("precondition: profile download failed (status %s, %s)"):format(
      tostring(d.euicc_status), tostring(d.error_tag)), 0)
  end
  local out = { aid = c.aid, tar = c.tar }
  if args.fallback then
    local r = M.set_fallback({ aid = c.aid })
    if r.sw ~= 0x9000 then error(("precondition: SetFallBackAttribute answered %04X"):format(r.sw or 0), 0) end
  end
  if args.enable then
    local r = M.enable_profile({ aid = c.aid })
    if r.sw ~= 0x9000 then error(("precondition: EnableProfile answered %04X"):format(r.sw or 0), 0) end
    M.confirm_all()
  end
  return out
end

-- POL1 octet for a set of rules in the coding of option es5.pol1_coding (UNCONFIRMED, facts
-- §5.5): lsb = b1 disabling not allowed, b2 deletion not allowed, b3 deletion mandatory when
-- disabled; msb = the same from b8 down.
function M.pol1(rules)
  local bits = { no_disable = 0, no_delete = 1, delete_on_disable = 2 }
  local msb = case.option("es5.pol1_coding") == "msb"
  local v = 0
  for _, r in ipairs(rules) do
    local b = bits[r]
    if not b then error("unknown POL1 rule " .. tostring(r), 0) end
    v = v | (msb and (0x80 >> b) or (1 << b))
  end
  return ("%02X"):format(v)
end

-- ISD-Ps this harness makes: the ISD-P AID prefix, a TAR 00 xx yy with xx >= 1
-- (fresh_tar) or the base profile's 00 00 EE, then 00. Only these are swept as leftovers;
-- an ISD-P with any other AID (a vendor's provisioning profile) is never touched.
local BASE_TAR = "\0\0\xEE"
local function harness_made(aid)
  local pfx = hex.decode(M.ISDP_AID_PREFIX)
  if #aid ~= #pfx + 4 or aid:sub(1, #pfx) ~= pfx then return false end
  local t = aid:sub(#pfx + 1)
  return t:byte(1) == 0 and t:byte(4) == 0 and (t:byte(2) >= 1 or t:sub(1, 3) == BASE_TAR)
end

-- Deletes one leftover ISD-P (MasterDelete when POL1 forbids DELETE) -> nil or why not.
local function delete_leftover(aid, state)
  local c = capdu(0x80, 0xE4, 0x00, 0x40, aid_value(aid), true)
  local r = smsr.send_script({ tar = sgp02.vars.TAR_ISD_R, commands = { hex.encode(c) } })
  if r.sw == 0x69E1 then r = M.master_delete({ aid = hex.encode(aid) }) end
  M.confirm_all()
  if r.sw == 0x9000 or r.sw == 0x6A88 then return nil end
  return ("ISD-P %s (state %s): DELETE answered %s"):format(hex.encode(aid),
    state and ("%02X"):format(state) or "?", r.sw and ("%04X"):format(r.sw) or "nothing")
end

-- The suite's starting point, once per run before the base profile is used: a case killed
-- before its clean-up (or a card that keeps state across runs) may have left ISD-Ps of this
-- harness on the card, filling its memory or holding attributes. Those not enabled are
-- deleted now; an enabled one is returned, to delete once the base profile is enabled
-- again. Raises, naming the state, when a leftover cannot be removed.
local function sweep_leftovers()
  if case.store("es5.swept") then return {} end
  M.confirm_all()
  local a = M.audit({ resources = false })
  local base = hex.decode(M.ISDP_AID_PREFIX) .. BASE_TAR .. "\0"
  local list = {}
  for aidh, p in pairs(a.profiles or {}) do
    local aid = hex.decode(aidh)
    if aid ~= base and harness_made(aid) then list[#list + 1] = { aid = aid, state = p.state } end
  end
  table.sort(list, function(x, y) return x.aid < y.aid end)
  local later, problems = {}, {}
  for _, l in ipairs(list) do
    if l.state == 0x3F then
      later[#later + 1] = l
    else
      problems[#problems + 1] = delete_leftover(l.aid, l.state)
    end
  end
  if #problems > 0 then
    error("the card holds state left by an earlier run that blocks the suite's starting point: "
      .. table.concat(problems, "; "), 0)
  end
  return later
end

local function sweep_enabled(later)
  local problems = {}
  for _, l in ipairs(later) do problems[#problems + 1] = delete_leftover(l.aid, l.state) end
  if #problems > 0 then
    error("the card holds state left by an earlier run that blocks the suite's starting point: "
      .. table.concat(problems, "; "), 0)
  end
  case.store("es5.swept", "1")
end

-- Restores the base profile or raises with the reason.
local function restore_base_or_raise()
  local ok, why = restore_base()
  if not ok then error("base profile: " .. why, 0) end
end

-- The run's base profile: downloaded once per run (its AID in rt.case.store), enabled and
-- holding the fall-back attribute, like the provisioning profile every M2M eUICC ships
-- with (SGP.02 3.16). Returns its AID (hex). Never deleted by a case. Every step is checked:
-- what cannot be established is raised (the fixture's ERROR, never a FAIL of the card).
function M.base_profile()
  local later = sweep_leftovers()
  local b = base_aid()
  if b and status_of(b) then
    restore_base_or_raise()
    sweep_enabled(later)
    return hex.encode(b)
  end
  M.confirm_all()
  local aid = hex.decode(M.ISDP_AID_PREFIX) .. BASE_TAR .. "\0"
  local st = status_of(aid)
  if st == 0x1F or st == 0x3F then
    -- a complete profile left by an earlier run on a card that keeps its state: adopt it
    case.store("es5.base_aid", aid)
    restore_base_or_raise()
    sweep_enabled(later)
    return hex.encode(aid)
  elseif st then
    -- SELECTABLE (07) / PERSONALIZED (0F): an earlier attempt stopped half-way (no
    -- profile in it); adopting it would make every later case misjudge the card.
    local why = delete_leftover(aid, st)
    if why then error("base profile: a half-made base ISD-P cannot be removed: " .. why, 0) end
  end
  local smdp = require("smdp")
  -- On failure the half-made ISD-P is deleted again, so the next case starts clean.
  local function abandon(msg)
    delete_leftover(aid, nil)
    error("base profile: " .. msg, 0)
  end
  local c = M.create_isdp({ aid = hex.encode(aid), memory = 65535, cleanup = false })
  if c.sw ~= 0x9000 then
    error(("base profile: CreateISDP answered %s"):format(c.sw and ("%04X"):format(c.sw) or
      "nothing"), 0)
  end
  local k = smdp.establish_keyset({ aid = c.aid, tar = c.tar })
  if k.stage ~= "done" then abandon("ES8 key establishment stopped at " .. tostring(k.stage)) end
  local d = smdp.download_profile({ aid = c.aid, tar = c.tar })
  if not d.installed then
    abandon(("profile download failed (status %s, %s)"):format(tostring(d.euicc_status),
      tostring(d.error_tag)))
  end
  case.store("es5.base_aid", aid)
  restore_base_or_raise()
  sweep_enabled(later)
  return hex.encode(aid)
end

-- ---- expectation matchers ----------------------------------------------------------------

-- refresh: true — the command made the card send a REFRESH whose qualifier is the one of
-- option es5.refresh_qualifier (SGP.02 3.2.1 / 3.4.1; TS 102 223 6.4.7); false — none.
expect.register("refresh", function(r, want)
  local n = r.refreshes or 0
  if want == false then
    if n == 0 then return true end
    return false, ("the card sent %d REFRESH command(s), expected none"):format(n)
  end
  if n == 0 then return false, "the card sent no REFRESH after the profile change" end
  local q = tonumber(case.option("es5.refresh_qualifier"), 16)
  if r.refresh_qualifier ~= q then
    return false, ("REFRESH qualifier %02X, expected %02X (option es5.refresh_qualifier)"):format(
      r.refresh_qualifier or 0, q)
  end
  return true
end)

-- profile: {aid=hex, state="enabled"|0x3F, fallback=true|false, emergency=true|false,
-- absent=true} — the audit result holds that ISD-P in that state.
expect.register("profile", function(r, want)
  if type(r.profiles) ~= "table" then return false, "the step returned no audit (profiles)" end
  local list = want[1] and want or { want }
  for _, w in ipairs(list) do
    local aid = hex.encode(hexb(w.aid, "profile.aid"))
    local p = r.profiles[aid]
    if w.absent then
      if p then return false, ("ISD-P %s is still on the card (state %s)"):format(aid, tostring(p.state_name)) end
    else
      if not p then return false, ("ISD-P %s not in the audit"):format(aid) end
      if w.state ~= nil then
        local ok = (type(w.state) == "string" and p.state_name == w.state) or p.state == w.state
        if not ok then
          return false, ("ISD-P %s is %s (%s), expected %s"):format(aid, tostring(p.state_name),
            p.state and ("%02X"):format(p.state) or "?", tostring(w.state))
        end
      end
      if w.fallback ~= nil and p.fallback ~= w.fallback then
        return false, ("ISD-P %s fall-back attribute %s, expected %s"):format(aid,
          tostring(p.fallback), tostring(w.fallback))
      end
      if w.emergency ~= nil and p.emergency ~= w.emergency then
        return false, ("ISD-P %s emergency attribute %s, expected %s"):format(aid,
          tostring(p.emergency), tostring(w.emergency))
      end
    end
  end
  return true
end)

return M
