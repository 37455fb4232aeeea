/* SPDX-License-Identifier: Apache-2.0 */
/* test_lua_codecs2 — the rt.rcmd, rt.sms, rt.dgi, rt.ctlv, rt.storedata and rt.scp81
 * Lua bindings, driven from Lua.
 *
 * Each test opens a fresh lua_State, registers the modules in package.loaded (as the
 * sandbox does) and runs a chunk that asserts results and error messages. Vectors are
 * the public ones of the C unit tests (test_rcmd.c, test_sms.c, test_dgi.c, test_ctlv.c,
 * test_storedata.c, test_scp81.c: pySim, the asterix card trace, sgp02-facts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lua/rt_lua_modules.h"

static const luaL_Reg mods[] = {
	{ "rt.hex", luaopen_rt_hex },
	{ "rt.rcmd", luaopen_rt_rcmd },
	{ "rt.sms", luaopen_rt_sms },
	{ "rt.dgi", luaopen_rt_dgi },
	{ "rt.ctlv", luaopen_rt_ctlv },
	{ "rt.storedata", luaopen_rt_storedata },
	{ "rt.scp81", luaopen_rt_scp81 },
	{ NULL, NULL },
};

static const char prelude[] =
	"rcmd = require 'rt.rcmd'\n"
	"sms = require 'rt.sms'\n"
	"dgi = require 'rt.dgi'\n"
	"ctlv = require 'rt.ctlv'\n"
	"storedata = require 'rt.storedata'\n"
	"scp81 = require 'rt.scp81'\n";

static void run_chunk(const char *name, const char *code)
{
	rt_test_lua_run(mods, prelude, name, code);
}

static void test_rcmd(void **state)
{
	(void)state;
	run_chunk("=rcmd",
		  "local s = rcmd.command({H'80CAFF2100'}, {indefinite = true})\n"
		  "assert(X(s) == 'AE80220580CAFF21000000')\n"
		  "local p = rcmd.parse_command(s)\n"
		  "assert(p.tag == 0xAE and p.indefinite and p.size == 11 and #p.apdus == 1)\n"
		  "assert(X(p.apdus[1]) == '80CAFF2100' and p.items[1].offset == 2 and p.chaining == nil)\n"
		  "s = rcmd.command({H'80CAFF2100', {tag = 0x81, value = '\\1'}}, {chaining = 0x01})\n"
		  "assert(X(s) == 'AA0D830101220580CAFF2100810101')\n"
		  "p = rcmd.parse_command(s)\n"
		  "assert(p.chaining == 1 and p.immediate == '\\1')\n"
		  "assert(rcmd.chaining_name(0x03) == 'last script' and rcmd.chaining_name(7) == nil)\n"
		  "local r = rcmd.parse_response(H'AF80 800101 2304 93059000 0000')\n"
		  "assert(r.executed == 1 and #r.rapdus == 1 and r.last_sw == 0x9000 and r.bad_format == nil)\n"
		  "assert(X(rcmd.response({H'93059000'}, {executed = 1, indefinite = true})) == ('AF80800101230493059000 0000'):gsub(' ', ''))\n"
		  "r = rcmd.parse_response(rcmd.response({}, {executed = 0, bad_format = '\\1'}))\n"
		  "assert(r.executed == 0 and r.bad_format == '\\1')\n"
		  "local c = rcmd.compact_response(H'016132')\n"
		  "assert(c.executed == 1 and c.sw == 0x6132 and c.data == '')\n"
		  "assert(X(rcmd.compact_response_build{executed = 1, sw = 0x6132}) == '016132')\n"
		  "local l = rcmd.compact_split(H'80CA00E000 00C0000000')\n"
		  "assert(#l == 2 and X(l[2]) == '00C0000000')\n"
		  "raises('unknown tag', rcmd.parse_command, H'AA03840100')\n"
		  "raises('2 bytes after the AA template', rcmd.parse_command, H'AA07220580CAFF21009000')\n"
		  "assert(rcmd.parse_command(H'AA07220580CAFF21009000', {trailing = true}).size == 9)\n"
		  "raises('no executed-commands TLV 80', rcmd.parse_response, H'AB0423029000')\n"
		  "raises('compact response of 2 bytes', rcmd.compact_response, H'0161')\n"
		  "raises('item 1 must be an APDU string', rcmd.command, {5})\n"
		  "raises('tag must be an integer 1..0xFF', rcmd.command, {{tag = 0x100, value = ''}})\n"
		  "raises(\"field 'chaining' must be an integer\", rcmd.command, {}, {chaining = 300})\n"
		  "raises('needs executed and sw', rcmd.compact_response_build, {sw = 0x9000})\n");
}

static void test_sms(void **state)
{
	(void)state;
	run_chunk("=sms",
		  /* pySim Test_DELIVER */
		  "local d = sms.decode(H'0408D0E5759A0E7FF6907090307513000824010101BB400101', 'deliver')\n"
		  "assert(d.type == 'deliver' and d.mms and not d.udhi and d.pid == 0x7F and d.dcs == 0xF6 and d.udl == 8)\n"
		  "assert(d.addr.ton == 5 and d.addr.ndigits == 8 and #d.scts == 7)\n"
		  /* the asterix trace SMS-DELIVER, rebuilt field by field */
		  "local tp = H'44038119F07FF6151124135822042502700000201115351515C000004D5C2C7F43D3E774316C66CE8E1D5045755BACEF5DC83203'\n"
		  "d = sms.decode(tp, 'deliver')\n"
		  "assert(d.udhi and #d.ies == 1 and d.ies[1].iei == 0x70 and d.addr.digits == '910' and d.addr.toa == 0x81)\n"
		  "assert(X(d.udh) == '027000' and #d.payload == 34)\n"
		  "assert(sms.encode{type = 'deliver', mms = true, addr = {toa = 0x81, digits = '910'}, pid = 0x7F, dcs = 0xF6,\n"
		  "                  scts = d.scts, ies = {{iei = 0x70}}, payload = d.payload} == tp)\n"
		  "assert(sms.encode{type = 'deliver', mms = true, addr = {toa = 0x81, digits = '910'}, pid = 0x7F, dcs = 0xF6,\n"
		  "                  scts = d.scts, udhi = true, ud = d.ud} == tp)\n"
		  /* pySim Test_SUBMIT */
		  "local s = sms.decode(H'550d0b911614261771f000f5a78c0b050423f423f40003010201424547494e3a56434152440d0a56455253494f4e3a322e310d0a4e3a4d650d0a54454c3b505245463b43454c4c3b564f4943453a2b36313431363237313137300d0a54454c3b484f4d453b564f4943453a2b36313339353337303437310d0a54454c3b574f524b3b564f4943453a2b36313339363734373031350d0a454e443a', 'submit')\n"
		  "assert(s.rd and s.vpf == 'relative' and #s.vp == 1 and s.udl == 140 and s.addr.digits == '61416271170')\n"
		  "assert(X(sms.encode{type = 'submit', addr = '12345', mr = 1, vpf = 'relative', vp = '\\xA7', dcs = 0xF6, payload = 'x'}) == ('1101 05912143F5 00F6A7 0178'):gsub(' ', ''))\n"
		  "raises('TP-MTI 1, expected 0', sms.decode, H'4100038119F000F600', 'deliver')\n"
		  "raises('TP-UDL 37 means 37 user data octets, 36 present', sms.decode, tp:sub(1, -2), 'deliver')\n"
		  "raises(\"bad argument #2\", sms.decode, tp, 'status')\n"
		  "raises('TP-DCS 00 is 7-bit', sms.encode, {type = 'deliver', addr = '1', payload = 'x'})\n"
		  "raises('scts must be 7 bytes', sms.encode, {type = 'deliver', dcs = 0xF6, scts = 'x'})\n"
		  /* UDH */
		  "local ies, rest = sms.udh_parse(H'0571007001ffabcd')\n"
		  "assert(#ies == 2 and ies[2].iei == 0x70 and ies[2].data == '\\xff' and X(rest) == 'ABCD')\n"
		  "assert(X(sms.udh_encode(ies)) == '0571007001FF')\n"
		  "raises('UDHL 3 overruns', sms.udh_parse, H'037101')\n"
		  /* concatenation both orders, reassembly, info */
		  "local pkt = string.rep('\\x5A', 300)\n"
		  "local uds = sms.concat_split(pkt, {ref = 0x12})\n"
		  "assert(#uds == 3 and #uds[1] == 140 and X(uds[1]:sub(1, 8)) == '0700031203017000')\n"
		  "local n = sms.concat_split(pkt, {ref = 0x12, order = 'cpi_first'})\n"
		  "assert(X(n[1]:sub(1, 8)) == '0770000003120301')\n"
		  "local out, info = sms.reassemble({uds[3], uds[1], uds[2]})\n"
		  "assert(out == pkt and info.concatenated and info.ref == 0x12 and info.packet_iei == 0x70 and info.order == 'concat_first')\n"
		  "out, info = sms.reassemble(n)\n"
		  "assert(out == pkt and info.order == 'cpi_first')\n"
		  "local ci = sms.concat_info(H'0700030102017100')\n"
		  "assert(ci.present and ci.ref == 1 and ci.total == 2 and ci.seq == 1 and ci.packet_iei == 0x71 and not ci.packet_ie_first)\n"
		  "ci = sms.concat_info(H'027000AB')\n"
		  "assert(not ci.present and ci.payload == '\\xAB')\n"
		  "local r16 = sms.concat_split(pkt, {ref = 0x1234, ref16 = true, iei = 0x71})\n"
		  "assert(X(r16[1]:sub(1, 9)) == '080804123403017100')\n"
		  "raises('segment 2 received twice', sms.reassemble, {uds[2], uds[2]})\n"
		  "raises('segment 3 of 3 missing', sms.reassemble, {uds[1], uds[2]})\n"
		  "raises('3 segments, at most 2', sms.reassemble, uds, {max_parts = 2})\n"
		  "raises(\"field 'ref' must be an integer 0..255\", sms.concat_split, pkt, {ref = 256})\n"
		  "raises('bad argument', sms.concat_split, pkt, {order = 'sideways'})\n"
		  /* envelope: the asterix trace */
		  "local env = H'80C200003CD13A820283818B34' .. tp\n"
		  "local e = sms.parse_envelope(env)\n"
		  "assert(e.cla == 0x80 and e.src == 0x83 and e.dst == 0x81 and e.address == nil and e.tpdu == tp)\n"
		  "assert(sms.envelope(tp) == env)\n"
		  "e = sms.parse_envelope(env:sub(6), {apdu = false})\n"
		  "assert(e.tpdu == tp and e.cla == nil)\n"
		  "local ea = sms.envelope('\\1', {sc_address = H'0691214365'})\n"
		  "assert(X(ea) == ('80C2000010D10E8202838186050691214365 8B0101'):gsub(' ', ''))\n"
		  "assert(sms.parse_envelope(ea).address == H'0691214365')\n"
		  "raises('INS P1 P2 C4 00 00', sms.parse_envelope, H'80C4000010D10E82028381860506912143658B0101')\n"
		  "raises('SMS TPDU (8B) missing', sms.parse_envelope, H'D10482028381', {apdu = false})\n"
		  "raises('value of 260 bytes over 255', sms.envelope, string.rep('x', 260))\n"
		  "assert(sms.dcs_alphabet(0xF6) == '8bit' and sms.dcs_alphabet(0) == '7bit' and sms.dcs_alphabet(8) == 'ucs2')\n"
		  "assert(sms.UD_MAX == 140 and sms.PID_SIM_DOWNLOAD == 0x7F and sms.DCS_OTA == 0xF6 and sms.IEI_CPI == 0x70)\n");
}

static void test_dgi_ctlv(void **state)
{
	(void)state;
	run_chunk("=dgi_ctlv",
		  "local b = H'3A0312 4F10A0000005591010FFFFFFFF8900000100 3A08044E020001'\n"
		  "local l = dgi.parse(b)\n"
		  "assert(#l == 2 and l[1].tag == 0x3A03 and #l[1].value == 18 and l[2].offset == 21 and l[2].size == 7)\n"
		  "assert(X(dgi.find(b, 0x3A08)) == '4E020001' and dgi.find(b, 0x3A07) == nil)\n"
		  "assert(X(dgi.encode(0x3A08, H'4E020001')) == '3A08044E020001')\n"
		  "assert(X(dgi.encode(0x0070, string.rep('\\0', 255))):sub(1, 10) == '0070FF00FF')\n"
		  "raises('length FF 0005 for a length that fits one byte', dgi.parse, H'3A03FF00050102030405')\n"
		  "assert(#dgi.parse(H'3A03FF00050102030405', {nonminimal = true})[1].value == 5)\n"
		  "raises('value truncated', dgi.parse, H'3A030501')\n"
		  "raises('DGI must be 0..0xFFFF', dgi.encode, 0x10000, '')\n"
		  "raises('over 65535', dgi.encode, 1, string.rep('x', 65536))\n"
		  /* pySim TextString / IMEISV */
		  "l = ctlv.parse(H'8d090470617373776f7264 e2091332547698103254f6')\n"
		  "assert(#l == 2 and l[1].tag == 0x8D and l[1].tag_nocr == 0x0D and l[1].cr and l[2].tag_nocr == 0x62)\n"
		  "assert(ctlv.encode(0x0D, l[1].value, {cr = true}) == H'8d090470617373776f7264')\n"
		  "assert(X(ctlv.encode(0x05, '')) == '0500')\n"
		  "local p = H'8103011300820281830500'\n"
		  "assert(ctlv.find(p, 0x85) == nil and ctlv.find(p, 0x85, {any_cr = true}) == '')\n"
		  "assert(X(ctlv.find(p, 0x82)) == '8183')\n"
		  "assert(X(ctlv.encode(0x7F0001, string.rep('\\0', 128), {cr = true})):sub(1, 10) == '7F80018180')\n"
		  "raises('length 81 01 (the 81 form codes 80..FF)', ctlv.parse, H'8B810100')\n"
		  "raises('tag byte 80', ctlv.parse, H'8000')\n"
		  "raises('is not a COMPREHENSION-TLV tag', ctlv.encode, 0x80, '')\n"
		  "raises('value of 256 bytes over 255', ctlv.encode, 0x0B, string.rep('x', 256))\n");
}

static void test_storedata_scp81(void **state)
{
	(void)state;
	run_chunk("=storedata_scp81",
		  "local l = storedata.split(H'3A0312 4F10A0000005591010FFFFFFFF8900000100', {p1 = 0x08})\n"
		  "assert(#l == 1 and X(l[1]) == '80E28800153A03124F10A0000005591010FFFFFFFF8900000100')\n"
		  "local payload = string.rep('\\xAB', 500)\n"
		  "l = storedata.split(payload, {p1 = 0x09, block_size = 200, le = true})\n"
		  "assert(#l == 3 and X(l[1]:sub(1, 5)) == '80E20900C8' and X(l[3]:sub(1, 5)) == '80E2890264' and l[3]:sub(-1) == '\\0')\n"
		  "local back, info = storedata.join(l)\n"
		  "assert(back == payload and info.p1 == 0x09 and info.blocks == 3 and info.max_block == 200 and info.cla == 0x80)\n"
		  "raises('block 1: last block without P1 b8', storedata.join, {l[1], l[2]})\n"
		  "raises('P2 (block number) 01, expected 02', storedata.join, {l[1], l[2], l[2]})\n"
		  "raises('block size 0 (1..255)', storedata.split, 'x', {block_size = 0})\n"
		  "raises('command 1 is not a byte string', storedata.join, {5})\n"
		  "assert(storedata.P1_LAST == 0x80 and storedata.P1_DGI == 0x08)\n"
		  /* SCP81 */
		  "local eid = H'89049032123451234512345678901235'\n"
		  "local aid = H'A0000005591010FFFFFFFF8900000100'\n"
		  "local id = scp81.psk_identity{eid = eid, aid = aid, key_id = 1, kvn = 0x40}\n"
		  "assert(id == '8001028110' .. X(eid) .. '4F10' .. X(aid) .. '820101830140')\n"
		  "local p = scp81.parse_psk_identity(id:lower())\n"
		  "assert(p.format == 2 and p.eid == eid and p.aid == aid and p.key_id == 1 and p.kvn == 0x40)\n"
		  "raises('tag 81 at offset 0, expected 80', scp81.parse_psk_identity, '810102')\n"
		  "raises('eid must be 16 bytes', scp81.psk_identity, {eid = 'x', aid = aid})\n"
		  "assert(scp81.targeted_application(aid) == '//aid/A000000559/1010FFFFFFFF8900000100')\n"
		  "assert(scp81.parse_targeted_application('//aid/A000000559/1010FFFFFFFF8900000100') == aid)\n"
		  "local from = scp81.admin_from(eid, aid)\n"
		  "assert(from == '//se-id/eid/' .. X(eid) .. ';//aa-id/aid/A000000559/1010FFFFFFFF8900000100')\n"
		  "local e2, a2 = scp81.parse_admin_from(from)\n"
		  "assert(e2 == eid and a2 == aid)\n"
		  "assert(scp81.check_header('X-Admin-Protocol', scp81.PROTOCOL, 'card'))\n"
		  "assert(scp81.check_header('Content-Type', scp81.CT_RESPONSE, 'card'))\n"
		  "assert(scp81.check_header('Content-Type', scp81.CT_COMMAND, 'server'))\n"
		  "local ok, why = scp81.check_header('Content-Type', scp81.CT_COMMAND, 'card')\n"
		  "assert(not ok and why:find('expected ' .. scp81.CT_RESPONSE, 1, true))\n"
		  "ok, why = scp81.check_header('X-Admin-Script-Status', 'bogus', 'card')\n"
		  "assert(not ok and why:find('not a GP Amd B value', 1, true))\n"
		  "assert(not scp81.check_header('Host', 'x', 'card'))\n"
		  "assert(#scp81.headers == 7 and scp81.headers[1].name == 'X-Admin-Protocol' and scp81.script_status[1] == 'ok')\n"
		  "local t = H'8132 8330 850804deadbeef020040 8924 8a0a61646d696e2e686f7374 8c1668747470733a2f2f61646d696e2e686f73742f757269'\n"
		  "local tr = scp81.parse_trigger(t)\n"
		  "assert(tr.session and tr.http and tr.psk_id == H'deadbeef' and tr.kvn == 0 and tr.kid == 0x40)\n"
		  "assert(tr.host == 'admin.host' and tr.uri == 'https://admin.host/uri' and tr.agent_id == nil)\n"
		  "assert(scp81.trigger(tr) == t)\n"
		  "assert(X(scp81.trigger{}) == '8100')\n"
		  "local rt = scp81.parse_trigger(scp81.trigger{retry = {counter = 3, delay = H'A503000000', report = H'8700'}})\n"
		  "assert(rt.session and rt.retry.counter == 3 and rt.retry.report == H'8700' and not rt.http)\n"
		  "raises('not allowed inside 83', scp81.parse_trigger, H'81048302 8A00')\n"
		  "raises('retry.delay must be 5 bytes', scp81.trigger, {retry = {delay = 'x'}})\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rcmd),
		cmocka_unit_test(test_sms),
		cmocka_unit_test(test_dgi_ctlv),
		cmocka_unit_test(test_storedata_scp81),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
