/* SPDX-License-Identifier: Apache-2.0 */
/* test_lua_codecs — the rt.hex, rt.tlv, rt.apdu and rt.eid Lua bindings, driven from Lua.
 *
 * Each test opens a fresh lua_State, registers the four modules in package.loaded (as
 * the sandbox will) and runs a Lua chunk that asserts results and error messages
 * (pcall returns false with the expected text). Vectors are the public ones used by
 * test_tlv.c, test_apdu.c and test_eid.c (pySim, open-ecard, facts §1.7/§5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
	{ "rt.tlv", luaopen_rt_tlv },
	{ "rt.apdu", luaopen_rt_apdu },
	{ "rt.eid", luaopen_rt_eid },
	{ NULL, NULL },
};

static const char prelude[] =
	"tlv = require 'rt.tlv'\n"
	"apdu = require 'rt.apdu'\n"
	"eid = require 'rt.eid'\n";

static void run_chunk(const char *name, const char *code)
{
	rt_test_lua_run(mods, prelude, name, code);
}

static void test_hex(void **state)
{
	(void)state;
	run_chunk("=hex",
		  "assert(X('\\x80\\xca\\xff\\x21\\x00') == '80CAFF2100')\n"
		  "assert(X('') == '')\n"
		  "assert(H('80 ca ff 21 00') == '\\x80\\xca\\xff\\x21\\x00')\n"
		  "assert(H('BF3E:12') == '\\xbf\\x3e\\x12')\n"
		  "assert(#H(string.rep('00', 300)) == 300)\n"
		  "assert(H('') == '')\n"
		  "local all = {} for i = 0, 255 do all[#all + 1] = string.char(i) end\n"
		  "all = table.concat(all)\n"
		  "assert(H(X(all)) == all)\n"
		  "raises(\"not a hex digit 'g' at offset 1\", hex.decode, '0g')\n"
		  "raises('odd number of hex digits', hex.decode, '123')\n"
		  "raises('rt.hex.decode', hex.decode, 'zz')\n"
		  "raises('bad argument #1', hex.encode, {})\n");
}

static void test_tlv(void **state)
{
	(void)state;
	run_chunk("=tlv",
		  /* pySim GET EID response */
		  "local b = H('bf3e125a1089882119900000000000000000000005')\n"
		  "local l = tlv.parse(b)\n"
		  "assert(#l == 1 and l[1].tag == 0xBF3E and l[1].constructed and not l[1].indefinite)\n"
		  "assert(l[1].offset == 0 and l[1].size == 21 and #l[1].value == 18)\n"
		  "local c = l[1].children\n"
		  "assert(#c == 1 and c[1].tag == 0x5A and not c[1].constructed and c[1].children == nil)\n"
		  "assert(X(c[1].value) == '89882119900000000000000000000005' and c[1].offset == 3)\n"
		  "assert(X(tlv.find(b, {0xBF3E, 0x5A})) == '89882119900000000000000000000005')\n"
		  "assert(tlv.find(b, 0x5A) == nil)\n"
		  "assert(#tlv.find(b, 0xBF3E) == 18)\n"
		  "assert(tlv.find(b, {0xBF3E, 0x4F}) == nil)\n"
		  /* encode reproduces it */
		  "assert(tlv.encode(0xBF3E, tlv.encode(0x5A, c[1].value)) == b)\n"
		  /* facts §1.7 scripts: AE indefinite; 22/23 hold raw APDUs */
		  "local s = H('ae80220580caff21000000')\n"
		  "l = tlv.parse(s)\n"
		  "assert(#l == 1 and l[1].tag == 0xAE and l[1].indefinite and l[1].size == 11)\n"
		  "local cmd = l[1].children[1]\n"
		  "assert(cmd.tag == 0x22 and X(cmd.value) == '80CAFF2100')\n"
		  "assert(cmd.children == nil and cmd.children_error:find('tag 80 at offset 4: length form CA', 1, true))\n"
		  "raises('rt.tlv.parse: tag 80 at offset 4: length form CA', tlv.parse, s, {strict = true})\n"
		  "assert(tlv.encode(0xAE, tlv.encode(0x22, H('80CAFF2100')), {indefinite = true}) == s)\n"
		  "local r = H('af80 800101 2304 93059000 0000')\n"
		  "assert(X(tlv.find(r, {0xAF, 0x23})) == '93059000')\n"
		  "assert(X(tlv.find(r, {0xAF, 0x80})) == '01')\n"
		  "l = tlv.parse(r, {recurse = false})\n"
		  "assert(l[1].children == nil and l[1].children_error == nil)\n"
		  /* lengths: X.690 example 201 -> 81 C9 */
		  "assert(X(tlv.length(201)) == '81C9')\n"
		  "assert(X(tlv.length(0)) == '00' and X(tlv.length(127)) == '7F')\n"
		  "assert(X(tlv.length(256)) == '820100' and X(tlv.length(0xFFFFFFFF)) == '84FFFFFFFF')\n"
		  "assert(X(tlv.encode(0x5A, string.rep('\\0', 200))):sub(1, 6) == '5A81C8')\n"
		  "raises('length must be 0..0xFFFFFFFF', tlv.length, -1)\n"
		  "raises('length must be 0..0xFFFFFFFF', tlv.length, 0x100000000)\n"
		  /* padding */
		  "local p = H('00FF 5A0101 FFFF')\n"
		  "raises('tag byte 00 at offset 0', tlv.parse, p)\n"
		  "l = tlv.parse(p, {padding = true})\n"
		  "assert(#l == 1 and l[1].tag == 0x5A and l[1].offset == 2)\n"
		  "assert(tlv.find(p, 0x5A, {padding = true}) == '\\1')\n"
		  /* decoder errors name tag and offset */
		  "raises('tag 5C at offset 4: value truncated', tlv.parse, H('4f0212345c054f9f70c5'))\n"
		  "raises('tag 02 at offset 0: indefinite length on a primitive tag', tlv.parse, H('02800000'))\n"
		  "raises('without end-of-contents', tlv.parse, H('AE80220100'))\n"
		  "raises('length form 85', tlv.parse, H('5A850000000001AA'))\n"
		  "raises('tag 9F.. at offset 0: tag truncated', tlv.parse, H('9F'))\n"
		  "raises('rt.tlv.find: tag 5C at offset 4', tlv.find, H('4f0212345c054f9f70c5'), 0x90)\n"
		  "local deep = string.rep('\\xA0\\x80', 33) .. string.rep('\\0\\0', 33)\n"
		  "raises('nesting deeper than 32 levels', tlv.parse, deep)\n"
		  "deep = string.rep('\\xA0\\x80', 32) .. string.rep('\\0\\0', 32)\n"
		  "l = tlv.parse(deep)\n"
		  "local d = 0 local t = l[1] while t do d = d + 1 t = t.children and t.children[1] end\n"
		  "assert(d == 32)\n"
		  /* argument errors */
		  "raises('indefinite length needs a constructed tag', tlv.encode, 0x22 & 0xDF, 'x', {indefinite = true})\n"
		  "raises('announces subsequent bytes', tlv.encode, 0x9F, '')\n"
		  "raises('tag must be 1..0xFFFFFF', tlv.encode, 0, '')\n"
		  "raises('path[2] is not a tag', tlv.find, b, {0xBF3E, 'x'})\n"
		  "raises('path must hold 1..32 tags', tlv.find, b, {})\n");
}

static void test_apdu(void **state)
{
	(void)state;
	run_chunk("=apdu",
		  /* pySim GP case 4 */
		  "local a = apdu.build{cla = 0x80, ins = 0xE2, p1 = 0x91, p2 = 0x00, data = H('BF3E035C015A'), le = 256}\n"
		  "assert(X(a) == '80E2910006BF3E035C015A00')\n"
		  "local p = apdu.parse(a)\n"
		  "assert(p.cla == 0x80 and p.ins == 0xE2 and p.p1 == 0x91 and p.p2 == 0)\n"
		  "assert(p.case == 4 and not p.extended and p.lc == 6 and p.le == 256)\n"
		  "assert(X(p.data) == 'BF3E035C015A')\n"
		  "assert(X(apdu.build{cla = 0x80, ins = 0xF2, p1 = 0x20, p2 = 0x02}) == '80F22002')\n"
		  "p = apdu.parse(H('80F22002'))\n"
		  "assert(p.case == 1 and p.data == nil and p.le == nil and p.lc == 0)\n"
		  "assert(X(apdu.build{cla = 0x80, ins = 0xCA, p1 = 0, p2 = 0x5A, le = 256}) == '80CA005A00')\n"
		  /* open-ecard extended encodings */
		  "assert(X(apdu.build{cla = 0, ins = 1, p1 = 2, p2 = 3, le = 65535}) == '0001020300FFFF')\n"
		  "assert(X(apdu.build{cla = 0, ins = 1, p1 = 2, p2 = 3, le = 65536}) == '00010203000000')\n"
		  "assert(X(apdu.build{cla = 0, ins = 1, p1 = 2, p2 = 3, le = 256, extended = true}) == '00010203000100')\n"
		  "local big = apdu.build{cla = 0, ins = 1, p1 = 2, p2 = 3, data = string.rep('\\0', 256)}\n"
		  "assert(X(big:sub(1, 7)) == '00010203000100' and #big == 263)\n"
		  "p = apdu.parse(big)\n"
		  "assert(p.case == 3 and p.extended and p.lc == 256 and #p.data == 256)\n"
		  "p = apdu.parse(H('00010203000001000000'))\n"
		  "assert(p.case == 4 and p.extended and p.le == 65536)\n"
		  /* errors */
		  "raises('short Lc 21 but 8 bytes follow', apdu.parse, H('80E28800153A03124F10A00000'))\n"
		  "raises('extended Lc 16962', apdu.parse, H('4141414100') .. string.rep('B', 256))\n"
		  "raises('header needs 4', apdu.parse, H('80CA'))\n"
		  "raises(\"field 'ins' missing\", apdu.build, {cla = 0, p1 = 0, p2 = 0})\n"
		  "raises(\"field 'p1' must be an integer 0..255\", apdu.build, {cla = 0, ins = 0, p1 = 256, p2 = 0})\n"
		  "raises('le 0 is not a length', apdu.build, {cla = 0, ins = 0, p1 = 0, p2 = 0, le = 0})\n"
		  "raises(\"field 'le' must be an integer 0..65536\", apdu.build, {cla = 0, ins = 0, p1 = 0, p2 = 0, le = 65537})\n"
		  "raises(\"field 'data' must be a byte string\", apdu.build, {cla = 0, ins = 0, p1 = 0, p2 = 0, data = 5})\n"
		  "raises('Lc 65536 over 65535', apdu.build, {cla = 0, ins = 0, p1 = 0, p2 = 0, data = string.rep('x', 65536)})\n"
		  /* R-APDU and SW */
		  "local d, sw = apdu.split(H('04a0a1a2a308b0b1b2b3b4b5b6b79000'))\n"
		  "assert(#d == 14 and sw == 0x9000)\n"
		  "d, sw = apdu.split(H('6A82'))\n"
		  "assert(d == '' and sw == 0x6A82)\n"
		  "raises('R-APDU of 1 bytes', apdu.split, '\\x90')\n"
		  "assert(apdu.describe(0x6A82) == 'file or application not found')\n"
		  "assert(apdu.describe(0x6110):find('still available', 1, true))\n"
		  "assert(apdu.describe(0x69E1):find('POL1', 1, true))\n"
		  "assert(apdu.describe(0x1234) == 'unknown status word')\n"
		  "raises('status word must be 0..0xFFFF', apdu.describe, 0x10000)\n"
		  "assert(apdu.sw_matches(0x6110, '61XX') and not apdu.sw_matches(0x6210, '61XX'))\n"
		  "assert(apdu.sw_matches(0x9000, '9000') and apdu.sw_matches(0x63C2, '63cx'))\n"
		  "raises('SW pattern needs 4 characters', apdu.sw_matches, 0x9000, '900')\n"
		  "raises(\"'G' at 3 is neither hex nor X\", apdu.sw_matches, 0x9000, '61XG')\n");
}

static void test_eid(void **state)
{
	(void)state;
	run_chunk("=eid",
		  "local e = eid.from_digits('89049032123451234512345678901235')\n"
		  "assert(#e == 16 and X(e) == '89049032123451234512345678901235')\n"
		  "assert(eid.validate(e) == true)\n"
		  "assert(eid.digits(e) == '89049032123451234512345678901235')\n"
		  "for _, s in ipairs{'89086030202200000022000023022943', '89044045116727494800000004479366',\n"
		  "                   '89882119900000000000000000001654', '89882119900000000000000000000005'} do\n"
		  "  assert(eid.validate(eid.from_digits(s)), s)\n"
		  "end\n"
		  "local ok, why = eid.validate(eid.from_digits('89049032123451234512345678901234'))\n"
		  "assert(ok == false and why:find('check digits 34 wrong', 1, true))\n"
		  "ok, why = eid.validate(H('890490321234512345123456789012'))\n"
		  "assert(ok == false and why:find('EID of 15 bytes', 1, true))\n"
		  "ok, why = eid.validate(H('88049032123451234512345678901235'))\n"
		  "assert(ok == false and why:find('does not start with 89', 1, true))\n"
		  "ok, why = eid.validate(H('8904903212345123451234567890123A'))\n"
		  "assert(ok == false and why:find('nibble A', 1, true))\n"
		  "assert(eid.complete('890490321234512345123456789012') == '89049032123451234512345678901235')\n"
		  "assert(eid.complete('89049032123451234512345678901299') == '89049032123451234512345678901235')\n"
		  "assert(eid.complete('890490321234512345123456700007') == '89049032123451234512345670000709')\n"
		  "raises('29 digits', eid.complete, '89049032123451234512345678901')\n"
		  "raises('does not start with 89', eid.complete, '120490321234512345123456789012')\n"
		  "raises('NUL at position 3', eid.complete, '89\\x00490321234512345123456789012')\n"
		  "raises(\"'a' at position 32\", eid.from_digits, '8904903212345123451234567890123a')\n"
		  "raises('31 digits', eid.from_digits, '8904903212345123451234567890123')\n"
		  "raises('at most 32 digits', eid.from_digits, string.rep('8', 33))\n"
		  "raises('rt.eid.digits: EID of 3 bytes', eid.digits, 'abc')\n"
		  "raises('nibble F', eid.digits, H('F9049032123451234512345678901235'))\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_tlv),
		cmocka_unit_test(test_apdu),
		cmocka_unit_test(test_eid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
