/* SPDX-License-Identifier: Apache-2.0 */
/* test_scp81 — unit tests for codec/rt_scp81 (PSK identity, admin headers, trigger).
 *
 * Vector sources (public, never our own output):
 *  - sgp02-facts §2.1 (SGP.02 §2.4.4.1 Table 4 per EKN 04 and NJIWA RamHttp.makePskId):
 *    PSK identity = hex text of 80 01 02 | 81 10 EID | 4F 10 ISD-R AID | 82 01 kid |
 *    83 01 KVN; the expected string is assembled from those literal pieces with the
 *    pySim EID 89049032123451234512345678901235 and the ISD-R AID of facts §1.10.
 *  - sgp02-facts §2.2: X-Admin-Protocol globalplatform-remote-admin/1.0, the two media
 *    types, X-Admin-From //se-id/eid/<EID>;//aa-id/aid/<RID>/<PIX>,
 *    X-Admin-Targeted-Application //aid/<RID>/<PIX>, script status values.
 *  - osmocom/pysim pySim/global_platform/http.py _test_de_encode: 850804deadbeef020040
 *    (kvn 00, kid 40), 8a0a61646d696e2e686f7374 ("admin.host"),
 *    8c1668747470733a2f2f61646d696e2e686f73742f757269 ("https://admin.host/uri");
 *    NJIWA's default trigger 81 00 (facts §2.3). Whole triggers are those TLVs nested as
 *    GP Amd B Table 3-3 (pySim AdmSessTriggerParams) nests them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "codec/rt_scp81.h"
#include "util/rt_hex.h"

#define EID "89049032123451234512345678901235"
#define AID "A0000005591010FFFFFFFF8900000100"

static void test_pskid(void **state)
{
	static const char want[] = "800102" "8110" EID "4F10" AID "820101" "830140";
	struct rt_scp81_pskid p, q;
	char out[RT_SCP81_PSKID_HEX_MAX], lower[RT_SCP81_PSKID_HEX_MAX];
	struct rt_err err = { 0 };
	size_t i;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.format = 2;
	unhex(EID, p.eid, sizeof(p.eid));
	p.aid_len = unhex(AID, p.aid, sizeof(p.aid));
	p.key_id = 1;
	p.kvn = 0x40;
	assert_int_equal(rt_scp81_pskid_build(&p, out, sizeof(out), &err), 0);
	assert_string_equal(out, want);
	for (i = 0; want[i]; i++)
		lower[i] = (char)(want[i] >= 'A' && want[i] <= 'F' ? want[i] + 32 : want[i]);
	lower[i] = '\0';
	assert_int_equal(rt_scp81_pskid_parse(lower, strlen(lower), &q, &err), 0);
	assert_int_equal(q.kvn, 0x40);
	assert_int_equal(q.key_id, 1);
	assert_int_equal(q.aid_len, 16);
	assert_memory_equal(q.eid, p.eid, 16);
	assert_int_equal(rt_scp81_pskid_build(&p, out, 10, &err), RT_ENOMEM);
	p.aid_len = 4;
	assert_int_equal(rt_scp81_pskid_build(&p, out, sizeof(out), &err), RT_EINVAL);
}

static void expect_pskid_err(const char *text, const char *needle)
{
	struct rt_scp81_pskid q;
	struct rt_err err = { 0 };

	assert_int_equal(rt_scp81_pskid_parse(text, strlen(text), &q, &err), RT_EPROTO);
	assert_err_has(&err, needle);
}

static void test_pskid_errors(void **state)
{
	(void)state;
	expect_pskid_err("80010", "odd number (5) of hex digits");
	expect_pskid_err("8001 020", "byte 20 at offset 4 is not a hex digit");
	expect_pskid_err("", "TLV 80 missing");
	expect_pskid_err("810102", "tag 81 at offset 0, expected 80");
	expect_pskid_err("80020202", "TLV 80 of length 2 (must be 1..1)");
	expect_pskid_err("800102" "810F" EID, "TLV 81 of length 15");
	expect_pskid_err("800102" "8110" EID "4F04A0000005", "TLV 4F of length 4 (must be 5..16)");
	expect_pskid_err("800102" "8110" EID "4F10" AID "830140820101", "tag 83 at offset 39, expected 82");
	expect_pskid_err("800102" "8110" EID "4F10" AID "820101" "830140" "00", "1 bytes after TLV 83");
	expect_pskid_err("800102" "8110" EID "4F10" AID "8201", "TLV 82 value truncated");
}

static void test_headers(void **state)
{
	uint8_t eid[16], aid[16], e2[16], a2[16];
	char out[RT_SCP81_HDR_VALUE_MAX];
	struct rt_err err = { 0 };
	size_t al, n;

	(void)state;
	unhex(EID, eid, sizeof(eid));
	al = unhex(AID, aid, sizeof(aid));
	assert_int_equal(rt_scp81_targeted_app(aid, al, out, sizeof(out), &err), 0);
	assert_string_equal(out, "//aid/A000000559/1010FFFFFFFF8900000100");
	assert_int_equal(rt_scp81_targeted_app_parse("//aid/a000000559/1010ffffffff8900000100", a2, &n, &err), 0);
	assert_int_equal(n, 16);
	assert_memory_equal(a2, aid, 16);
	assert_int_equal(rt_scp81_targeted_app(aid, 5, out, sizeof(out), &err), 0);
	assert_string_equal(out, "//aid/A000000559/");
	assert_int_equal(rt_scp81_admin_from(eid, aid, al, out, sizeof(out), &err), 0);
	assert_string_equal(out, "//se-id/eid/" EID ";//aa-id/aid/A000000559/1010FFFFFFFF8900000100");
	assert_int_equal(rt_scp81_admin_from_parse(out, e2, a2, &n, &err), 0);
	assert_memory_equal(e2, eid, 16);
	assert_int_equal(rt_scp81_admin_from(eid, aid, al, out, 20, &err), RT_ENOMEM);

	assert_int_equal(rt_scp81_header_check("x-admin-protocol", "globalplatform-remote-admin/1.0", RT_SCP81_CARD_TO_SERVER, &err), 0);
	assert_int_equal(rt_scp81_header_check("X-Admin-Protocol", "globalplatform-remote-admin/1.1.1", RT_SCP81_CARD_TO_SERVER, &err), RT_EPROTO);
	assert_int_equal(rt_scp81_header_check("Content-Type", "application/vnd.globalplatform.card-content-mgt-response;version=1.0", RT_SCP81_CARD_TO_SERVER, &err), 0);
	assert_int_equal(rt_scp81_header_check("Content-Type", "Application/Vnd.GlobalPlatform.Card-Content-Mgt ; version=1.0", RT_SCP81_SERVER_TO_CARD, &err), 0);
	assert_int_equal(rt_scp81_header_check("Content-Type", "application/vnd.globalplatform.card-content-mgt;version=1.0", RT_SCP81_CARD_TO_SERVER, &err), RT_EPROTO);
	assert_err_has(&err, "expected application/vnd.globalplatform.card-content-mgt-response");
	assert_int_equal(rt_scp81_header_check("Content-Type", "application/vnd.globalplatform.card-content-mgt;version=1.1", RT_SCP81_SERVER_TO_CARD, &err), RT_EPROTO);
	assert_int_equal(rt_scp81_header_check("Content-Type", "application/vnd.globalplatform.card-content-mgt", RT_SCP81_SERVER_TO_CARD, &err), RT_EPROTO);
	assert_int_equal(rt_scp81_header_check("X-Admin-Script-Status", "security-error", RT_SCP81_CARD_TO_SERVER, &err), 0);
	assert_int_equal(rt_scp81_header_check("X-Admin-Script-Status", "script-format-error", RT_SCP81_CARD_TO_SERVER, &err), RT_EPROTO);
	assert_int_equal(rt_scp81_header_check("X-Admin-Script-Status", "ok", RT_SCP81_SERVER_TO_CARD, &err), RT_EPROTO);
	assert_err_has(&err, "not sent by the server");
	assert_int_equal(rt_scp81_header_check("X-Admin-Next-URI", "/server/next?x=1", RT_SCP81_SERVER_TO_CARD, &err), 0);
	assert_int_equal(rt_scp81_header_check("X-Admin-Next-URI", "/a b", RT_SCP81_SERVER_TO_CARD, &err), RT_EPROTO);
	assert_int_equal(rt_scp81_header_check("X-Admin-Next-URI", "", RT_SCP81_SERVER_TO_CARD, &err), RT_EPROTO);
	assert_int_equal(rt_scp81_header_check("X-Admin-Targeted-Application", "//aid/A000000559/1010FFFFFFFF8900001000", RT_SCP81_SERVER_TO_CARD, &err), 0);
	assert_int_equal(rt_scp81_header_check("X-Admin-Targeted-Application", "//aid/A0000005/591010", RT_SCP81_SERVER_TO_CARD, &err), RT_EPROTO);
	assert_err_has(&err, "RID of 8 hex digits");
	assert_int_equal(rt_scp81_header_check("X-Admin-From", "//se-id/eid/" EID ";//aa-id/aid/A000000559/10", RT_SCP81_CARD_TO_SERVER, &err), 0);
	assert_int_equal(rt_scp81_header_check("X-Admin-From", "//se-id/eid/8904;//aa-id/aid/A000000559/10", RT_SCP81_CARD_TO_SERVER, &err), RT_EPROTO);
	assert_int_equal(rt_scp81_header_check("X-Admin-From", "//se-id/eid/" EID, RT_SCP81_CARD_TO_SERVER, &err), RT_EPROTO);
	assert_int_equal(rt_scp81_header_check("X-Admin-Resume", "true", RT_SCP81_CARD_TO_SERVER, &err), 0);
	assert_int_equal(rt_scp81_header_check("X-Admin-Resume", "yes", RT_SCP81_CARD_TO_SERVER, &err), RT_EPROTO);
	assert_int_equal(rt_scp81_header_check("X-Admin-SE-List", "x", RT_SCP81_CARD_TO_SERVER, &err), RT_ENOENT);
	assert_int_equal(rt_scp81_targeted_app_parse("//aid/A000000559", a2, &n, &err), RT_EPROTO);
	assert_int_equal(rt_scp81_targeted_app_parse("//aid/A000000559/" AID AID, a2, &n, &err), RT_EPROTO);
	assert_int_equal(rt_scp81_targeted_app_parse("//aid/A00000055G/10", a2, &n, &err), RT_EPROTO);
	assert_non_null(rt_scp81_header_find("content-type"));
	assert_null(rt_scp81_header_find("Host"));
}

static void test_trigger(void **state)
{
	uint8_t b[256];
	struct rt_scp81_trigger t;
	struct rt_err err = { 0 };
	struct rt_buf out;
	size_t n;

	(void)state;
	/* NJIWA default trigger */
	n = unhex("8100", b, sizeof(b));
	assert_int_equal(rt_scp81_trigger_parse(b, n, &t, &err), 0);
	assert_false(t.has_session);
	/* pySim sub-vectors nested as Table 3-3: 81 { 83 { 85 ..., 89 { 8A ..., 8C ... } } } */
	n = unhex("8132 8330 850804deadbeef020040 8924 8a0a61646d696e2e686f7374 8c1668747470733a2f2f61646d696e2e686f73742f757269", b, sizeof(b));
	assert_int_equal(rt_scp81_trigger_parse(b, n, &t, &err), 0);
	assert_true(t.has_session && t.has_security && t.has_http);
	assert_int_equal(t.psk_id.len, 4);
	assert_int_equal(t.kvn, 0x00);
	assert_int_equal(t.kid, 0x40);
	assert_int_equal(t.sha_type, -1);
	assert_int_equal(t.host.len, 10);
	assert_memory_equal(t.host.ptr, "admin.host", 10);
	assert_memory_equal(t.uri.ptr, "https://admin.host/uri", 22);
	assert_null(t.agent_id.ptr);
	rt_buf_init(&out, 512);
	assert_int_equal(rt_scp81_trigger_build(&t, &out, &err), 0);
	assert_true(out.len == n && !memcmp(out.data, b, n));
	/* facts §2.3 WHTY-SR shape: 84 with OPEN CHANNEL TLVs; plus a retry policy */
	memset(&t, 0, sizeof(t));
	t.sha_type = -1;
	n = unhex("350103 39020500 3C03020050 3E0521C0A80001", b, sizeof(b));
	t.conn.ptr = b;
	t.conn.len = n;
	t.has_retry = 1;
	t.retry_counter = 3;
	t.retry_delay[0] = 0xA5;
	t.retry_delay[1] = 0x03;
	t.retry_report.ptr = (const uint8_t *)"\x87\x00";
	t.retry_report.len = 2;
	rt_buf_reset(&out);
	assert_int_equal(rt_scp81_trigger_build(&t, &out, &err), 0);
	{
		struct rt_scp81_trigger u;

		assert_int_equal(rt_scp81_trigger_parse(out.data, out.len, &u, &err), 0);
		assert_int_equal(u.conn.len, n);
		assert_int_equal(u.retry_counter, 3);
		assert_int_equal(u.retry_report.len, 2);
		assert_false(u.has_http);
	}
	rt_buf_free(&out);
}

static void expect_trig_err(const char *hex, const char *needle)
{
	uint8_t b[256];
	size_t n = unhex(hex, b, sizeof(b));
	struct rt_scp81_trigger t;
	struct rt_err err = { 0 };

	if (rt_scp81_trigger_parse(b, n, &t, &err) != RT_EPROTO)
		fail_msg("accepted %s", hex);
	assert_err_has(&err, needle);
}

static void test_trigger_errors(void **state)
{
	(void)state;
	expect_trig_err("", "tag 00 at offset 0 (expected 81)");
	expect_trig_err("8200", "tag 82 at offset 0 (expected 81)");
	expect_trig_err("8101", "value truncated");
	expect_trig_err("8100 00", "1 bytes after the 81 TLV");
	expect_trig_err("8102 8400", "tag 84 at offset 2 not allowed inside 81");
	expect_trig_err("8104 8300 8300", "second tag 83");
	expect_trig_err("8104 8302 8A00", "tag 8A at offset 4 not allowed inside 83");
	expect_trig_err("8106 8304 8902 8400", "not allowed inside 89");
	expect_trig_err("810C 830A 850804deadbeef030040", "security parameters 85");
	expect_trig_err("8109 8307 850504deadbeef", "security parameters 85");
	expect_trig_err("810A 8308 8606 0003A5030000", "counter 2 + delay 5");
	expect_trig_err("8104 8302 8480", "indefinite length");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pskid),
		cmocka_unit_test(test_pskid_errors),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_trigger),
		cmocka_unit_test(test_trigger_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
