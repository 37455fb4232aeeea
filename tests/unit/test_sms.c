/* SPDX-License-Identifier: Apache-2.0 */
/* test_sms — unit tests for codec/rt_sms (TPDUs, UDH, concatenation, reassembly,
 * ENVELOPE (SMS-PP DOWNLOAD)).
 *
 * Vector sources (public, never our own output):
 *  - tests/vectors/sms/tpdu.txt: osmocom/pysim tests/unittests/test_sms.py TPDUs and the
 *    asterix card trace (ENVELOPE + SMS-DELIVER + the card's SMS-SUBMIT); see its header.
 *  - osmocom/pysim tests/unittests/test_sms.py: address fields 0480214399 (1234, TOA 80),
 *    038021f399 (123), 05912143f5 (12345, TOA 91); UDHs 027100, 03710110,
 *    0571007001ffabcd; concatenation UDHs 0700030102017100 (segment 1 observed from a
 *    sysmocom SJA5 card: concatenation IE first, then the RPI 71) and
 *    080804123402017100 (16-bit reference); its reassembly cases (two parts, out of
 *    order, three parts, 16-bit reference, reserved values, same reference in both IE
 *    forms).
 *  - sgp02-facts §1.8: first-segment UDHs 07 70 00 00 03 r t 01 (NJIWA) and
 *    07 00 03 r t 01 70 00 (WHTY-SR); 132/134 payload octets per segment.
 *  - 3GPP TS 03.48 (predecessor of TS 31.115), "Command Packet contained in concatenated
 *    short messages" table as quoted on e-com-net.com/article/572389: UDHL 07, IEIa 00,
 *    IEIb 70 (docs/spec-notes.md, SMS). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "codec/rt_sms.h"
#include "util/rt_hex.h"

static struct rt_sms_tpdu tp;

/* Runs every record of tests/vectors/sms/tpdu.txt. */
static void test_vector_file(void **state)
{
	const char *dir = getenv("RT_VECTORS");
	char path[1024], line[4096];
	int good = 0, bad = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/sms/tpdu.txt", dir ? dir : "tests/vectors");
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *sp, kind[32];
		uint8_t b[512];
		size_t n;
		struct rt_err err = { 0 };
		struct rt_buf out;
		int rc = 0;

		if (hash)
			*hash = '\0';
		if (sscanf(line, "%31s", kind) != 1)
			continue;
		sp = strchr(line, ' ');
		assert_non_null(sp);
		n = unhex(sp, b, sizeof(b));
		rt_buf_init(&out, 512);
		if (!strcmp(kind, "deliver") || !strcmp(kind, "submit")) {
			enum rt_sms_mti m = kind[0] == 'd' ? RT_SMS_DELIVER : RT_SMS_SUBMIT;

			rc = rt_sms_tpdu_decode(b, n, m, &tp, &err);
			if (rc)
				fail_msg("%s: %s", line, err.msg);
			/* The encoder rebuilds the public bytes from the decoded fields. */
			assert_int_equal(rt_sms_tpdu_encode(&tp, &out, &err), 0);
			if (out.len != n || memcmp(out.data, b, n))
				fail_msg("re-encoding differs: %s", line);
			good++;
		} else if (!strcmp(kind, "envelope")) {
			struct rt_sms_envelope e;

			assert_int_equal(rt_sms_envelope_parse_apdu(b, n, &e, &err), 0);
			assert_int_equal(rt_sms_tpdu_decode(e.tpdu, e.tpdu_len, RT_SMS_DELIVER, &tp, &err), 0);
			assert_int_equal(rt_sms_envelope_build(e.tpdu, e.tpdu_len, e.addr, e.addr_len,
							       &out, &err), 0);
			assert_true(out.len == n && !memcmp(out.data, b, n));
			good++;
		} else {
			struct rt_sms_envelope e;

			if (!strcmp(kind, "bad-deliver"))
				rc = rt_sms_tpdu_decode(b, n, RT_SMS_DELIVER, &tp, &err);
			else if (!strcmp(kind, "bad-submit"))
				rc = rt_sms_tpdu_decode(b, n, RT_SMS_SUBMIT, &tp, &err);
			else if (!strcmp(kind, "bad-envelope"))
				rc = rt_sms_envelope_parse_apdu(b, n, &e, &err);
			else
				fail_msg("unknown kind %s", kind);
			if (rc != RT_EPROTO)
				fail_msg("accepted: %s", line);
			assert_true(err.msg[0] != '\0');
			bad++;
		}
		rt_buf_free(&out);
	}
	fclose(f);
	assert_int_equal(good, 5);
	assert_true(bad >= 17);
}

static void test_deliver_fields(void **state)
{
	uint8_t b[256];
	size_t n = unhex("0408D0E5759A0E7FF6907090307513000824010101BB400101", b, sizeof(b));
	struct rt_err err = { 0 };

	(void)state;
	/* pySim Test_DELIVER expectations */
	assert_int_equal(rt_sms_tpdu_decode(b, n, RT_SMS_DELIVER, &tp, &err), 0);
	assert_true(tp.mms);
	assert_false(tp.lp || tp.rp || tp.udhi || tp.sri);
	assert_int_equal(tp.pid, 0x7F);
	assert_int_equal(tp.dcs, 0xF6);
	assert_int_equal(tp.udl, 8);
	assert_int_equal(tp.addr.toa, 0xD0);
	assert_int_equal(tp.addr.ndigits, 8);
	assert_int_equal(strlen(tp.addr.digits), 4); /* 8 semi-octets hold 4 septets */
	assert_null(tp.udh);
	assert_int_equal(tp.payload_len, 8);
	assert_int_equal(rt_sms_dcs_alphabet(0xF6), RT_SMS_ALPHA_8BIT);
	assert_int_equal(rt_sms_dcs_alphabet(0xF5), RT_SMS_ALPHA_8BIT);
	assert_int_equal(rt_sms_dcs_alphabet(0x00), RT_SMS_ALPHA_7BIT);
	assert_int_equal(rt_sms_dcs_alphabet(0x08), RT_SMS_ALPHA_UCS2);
	assert_int_equal(rt_sms_dcs_alphabet(0xF0), RT_SMS_ALPHA_7BIT);
	assert_int_equal(rt_sms_dcs_alphabet(0x84), RT_SMS_ALPHA_RESERVED);
	assert_int_equal(rt_sms_dcs_alphabet(0xE0), RT_SMS_ALPHA_UCS2);
}

static void test_submit_fields(void **state)
{
	uint8_t b[256];
	size_t n = unhex("550d0b911614261771f000f5a78c0b050423f423f40003010201424547494e3a56434152440d0a56455253494f4e3a322e310d0a4e3a4d650d0a54454c3b505245463b43454c4c3b564f4943453a2b36313431363237313137300d0a54454c3b484f4d453b564f4943453a2b36313339353337303437310d0a54454c3b574f524b3b564f4943453a2b36313339363734373031350d0a454e443a", b, sizeof(b));
	struct rt_err err = { 0 };

	(void)state;
	/* pySim Test_SUBMIT expectations */
	assert_int_equal(rt_sms_tpdu_decode(b, n, RT_SMS_SUBMIT, &tp, &err), 0);
	assert_true(tp.rd);
	assert_int_equal(tp.vpf, RT_SMS_VPF_RELATIVE);
	assert_int_equal(tp.vp_len, 1);
	assert_false(tp.rp || tp.srr);
	assert_true(tp.udhi);
	assert_int_equal(tp.pid, 0);
	assert_int_equal(tp.dcs, 0xF5);
	assert_int_equal(tp.udl, 140);
	assert_int_equal(tp.mr, 0x0D);
	assert_string_equal(tp.addr.digits, "61416271170");
	assert_int_equal(tp.n_ie, 2); /* 05 04 23f4 23f4 (ports), 00 03 01 02 01 (concat) */
	assert_int_equal(tp.ie[0].iei, 0x05);
	assert_int_equal(tp.ie[1].iei, 0x00);
	assert_int_equal(tp.udh_len, 12);
	assert_int_equal(tp.payload_len, 128);
}

static void test_addresses(void **state)
{
	struct rt_sms_addr a;
	struct rt_err err = { 0 };
	struct rt_buf out;
	uint8_t b[32];
	size_t n, used;

	(void)state;
	n = unhex("0480214399", b, sizeof(b));
	assert_int_equal(rt_sms_addr_decode(b, n, &a, &used, &err), 0);
	assert_int_equal(used, 4);
	assert_string_equal(a.digits, "1234");
	assert_int_equal(a.toa, 0x80);
	n = unhex("038021f399", b, sizeof(b));
	assert_int_equal(rt_sms_addr_decode(b, n, &a, &used, &err), 0);
	assert_string_equal(a.digits, "123");
	rt_buf_init(&out, 32);
	memset(&a, 0, sizeof(a));
	a.toa = 0x91;
	snprintf(a.digits, sizeof(a.digits), "%s", "12345");
	assert_int_equal(rt_sms_addr_encode(&a, &out, &err), 0);
	assert_hex(out.data, out.len, "05912143f5");
	/* TS 23.040 9.1.2.3 extra semi-octet values */
	rt_buf_reset(&out);
	snprintf(a.digits, sizeof(a.digits), "%s", "*#abc0");
	assert_int_equal(rt_sms_addr_encode(&a, &out, &err), 0);
	assert_hex(out.data, out.len, "0691BADC0E");
	assert_int_equal(rt_sms_addr_decode(out.data, out.len, &a, &used, &err), 0);
	assert_string_equal(a.digits, "*#abc0");
	rt_buf_reset(&out);
	snprintf(a.digits, sizeof(a.digits), "%s", "12x");
	assert_int_equal(rt_sms_addr_encode(&a, &out, &err), RT_EINVAL);
	assert_err_has(&err, "address character 'x' at 2");
	/* alphanumeric: encode/decode agree; capacity 11 characters */
	rt_buf_reset(&out);
	a.toa = 0xD0;
	snprintf(a.digits, sizeof(a.digits), "%s", "Tele2");
	assert_int_equal(rt_sms_addr_encode(&a, &out, &err), 0);
	assert_int_equal(out.data[0], 9); /* 35 bits -> 9 semi-octets */
	assert_int_equal(rt_sms_addr_decode(out.data, out.len, &a, &used, &err), 0);
	assert_string_equal(a.digits, "Tele2");
	rt_buf_reset(&out);
	snprintf(a.digits, sizeof(a.digits), "%s", "ABCDEFGHIJKL");
	assert_int_equal(rt_sms_addr_encode(&a, &out, &err), RT_ERANGE);
	snprintf(a.digits, sizeof(a.digits), "%s", "x\x01");
	assert_int_equal(rt_sms_addr_encode(&a, &out, &err), RT_EINVAL);
	assert_err_has(&err, "not in the GSM 7-bit default alphabet");
	rt_buf_free(&out);
	/* decode errors */
	n = unhex("05912143", b, sizeof(b));
	assert_int_equal(rt_sms_addr_decode(b, n, &a, &used, &err), RT_EPROTO);
	assert_err_has(&err, "truncated");
	assert_int_equal(rt_sms_addr_decode(b, 1, &a, &used, &err), RT_EPROTO);
}

static void test_udh(void **state)
{
	struct rt_sms_ie ie[RT_SMS_IE_MAX];
	struct rt_err err = { 0 };
	struct rt_buf out;
	uint8_t b[64];
	size_t n, cnt, used;

	(void)state;
	n = unhex("0571007001ffabcd", b, sizeof(b));
	assert_int_equal(rt_sms_udh_parse(b, n, ie, RT_SMS_IE_MAX, &cnt, &used, &err), 0);
	assert_int_equal(cnt, 2);
	assert_int_equal(used, 6);
	assert_int_equal(ie[0].iei, 0x71);
	assert_int_equal(ie[0].len, 0);
	assert_int_equal(ie[1].iei, 0x70);
	assert_int_equal(ie[1].data[0], 0xFF);
	rt_buf_init(&out, 140);
	assert_int_equal(rt_sms_udh_encode(ie, cnt, &out, &err), 0);
	assert_hex(out.data, out.len, "0571007001ff");
	rt_buf_free(&out);
	n = unhex("03710110", b, sizeof(b));
	assert_int_equal(rt_sms_udh_parse(b, n, ie, RT_SMS_IE_MAX, &cnt, &used, &err), 0);
	assert_int_equal(ie[0].len, 1);
	assert_int_equal(rt_sms_udh_parse(b, 3, ie, RT_SMS_IE_MAX, &cnt, &used, &err), RT_EPROTO);
	assert_err_has(&err, "UDHL 3 overruns");
	n = unhex("037102", b, sizeof(b));
	assert_int_equal(rt_sms_udh_parse(b, 4, ie, RT_SMS_IE_MAX, &cnt, &used, &err), RT_EPROTO);
	n = unhex("0171", b, sizeof(b));
	assert_int_equal(rt_sms_udh_parse(b, n, ie, RT_SMS_IE_MAX, &cnt, &used, &err), RT_EPROTO);
	assert_err_has(&err, "truncated");
	assert_int_equal(rt_sms_udh_parse(b, 0, ie, RT_SMS_IE_MAX, &cnt, &used, &err), RT_EPROTO);
}

static void test_encode_ota_deliver(void **state)
{
	/* The asterix trace SMS-DELIVER, rebuilt from its fields with the UDH as an IE list. */
	uint8_t pkt[64], scts[8];
	size_t pn = unhex("00201115351515C000004D5C2C7F43D3E774316C66CE8E1D5045755BACEF5DC83203", pkt, sizeof(pkt));
	struct rt_err err = { 0 };
	struct rt_buf out;

	(void)state;
	unhex("15112413582204", scts, sizeof(scts));
	memset(&tp, 0, sizeof(tp));
	tp.mti = RT_SMS_DELIVER;
	tp.mms = 1;
	tp.udhi = 1;
	tp.addr.toa = 0x81;
	snprintf(tp.addr.digits, sizeof(tp.addr.digits), "%s", "910");
	tp.pid = 0x7F;
	tp.dcs = 0xF6;
	memcpy(tp.scts, scts, 7);
	tp.n_ie = 1;
	tp.ie[0].iei = RT_SMS_IEI_CPI;
	tp.ie[0].data = pkt;
	tp.ie[0].len = 0;
	tp.payload = pkt;
	tp.payload_len = pn;
	rt_buf_init(&out, 256);
	assert_int_equal(rt_sms_tpdu_encode(&tp, &out, &err), 0);
	assert_hex(out.data, out.len,
		   "4403811 9F07FF6151124135822042502700000201115351515C000004D5C2C7F43D3E774316C66CE8E1D5045755BACEF5DC83203");
	/* 7-bit DCS and oversize UD are refused */
	tp.dcs = 0x00;
	assert_int_equal(rt_sms_tpdu_encode(&tp, &out, &err), RT_ENOTSUP);
	tp.dcs = 0xF6;
	{
		static uint8_t big[141];

		tp.payload = big;
		tp.payload_len = 138;
		assert_int_equal(rt_sms_tpdu_encode(&tp, &out, &err), RT_ERANGE);
		assert_err_has(&err, "over 140");
	}
	tp.mti = RT_SMS_SUBMIT;
	tp.vpf = RT_SMS_VPF_RELATIVE;
	tp.vp_len = 0;
	assert_int_equal(rt_sms_tpdu_encode(&tp, &out, &err), RT_EINVAL);
	assert_err_has(&err, "TP-VP of 0 octets for TP-VPF 2");
	rt_buf_free(&out);
}

/* Splits a packet and checks each UD's header. */
static void test_concat_split(void **state)
{
	static uint8_t pkt[400];
	struct rt_sms_concat_opts o = { RT_SMS_CONCAT_DEFAULT, 0, 0x12, RT_SMS_IEI_CPI };
	size_t lens[RT_SMS_CONCAT_MAX], n, i;
	struct rt_err err = { 0 };
	struct rt_buf ud;

	(void)state;
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	rt_buf_init(&ud, 1 << 16);
	/* fits one SMS: 02 70 00 + 137 bytes */
	assert_int_equal(rt_sms_concat_split(pkt, 137, &o, &ud, lens, 255, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(lens[0], 140);
	assert_hex(ud.data, 3, "027000");
	rt_buf_reset(&ud);
	/* 138 bytes: two segments, 132 + 6 (facts §1.8) */
	assert_int_equal(rt_sms_concat_split(pkt, 138, &o, &ud, lens, 255, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(lens[0], 140);
	assert_hex(ud.data, 8, "07 000312 0201 7000"); /* WHTY-SR / TS 03.48 order */
	assert_int_equal(lens[1], 6 + 6);
	assert_hex(ud.data + 140, 6, "05 000312 0202");
	rt_buf_reset(&ud);
	o.order = RT_SMS_CONCAT_CPI_FIRST;
	assert_int_equal(rt_sms_concat_split(pkt, 400, &o, &ud, lens, 255, &n, &err), 0);
	assert_int_equal(n, 3); /* 132 + 134 + 134 */
	assert_hex(ud.data, 8, "07 7000 000312 0301"); /* NJIWA order */
	assert_int_equal(lens[2], 6 + 134);
	rt_buf_reset(&ud);
	/* 16-bit reference: pySim ground truth layout 08 | 08 04 1234 02 01 | 71 00 */
	o.order = RT_SMS_CONCAT_CONCAT_FIRST;
	o.ref16 = 1;
	o.ref = 0x1234;
	o.packet_iei = RT_SMS_IEI_RPI;
	assert_int_equal(rt_sms_concat_split(pkt, 200, &o, &ud, lens, 255, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_hex(ud.data, 9, "080804123402017100");
	assert_int_equal(lens[0], 140);
	rt_buf_reset(&ud);
	/* limits */
	assert_int_equal(rt_sms_concat_split(pkt, 400, &o, &ud, lens, 2, &n, &err), RT_ERANGE);
	o.ref16 = 0;
	o.ref = 256;
	assert_int_equal(rt_sms_concat_split(pkt, 400, &o, &ud, lens, 255, &n, &err), RT_EINVAL);
	rt_buf_free(&ud);
}

static struct rt_buf rb;

/* Reassembles the hex UDs; returns rc. */
static int reasm(const char *const *hex, size_t n, size_t maxp, struct rt_sms_reasm_info *info,
		 struct rt_err *err)
{
	static uint8_t store[8][300];
	const uint8_t *uds[8];
	size_t lens[8], i;

	for (i = 0; i < n; i++) {
		lens[i] = unhex(hex[i], store[i], sizeof(store[i]));
		uds[i] = store[i];
	}
	rt_buf_reset(&rb);
	return rt_sms_reassemble(uds, lens, n, maxp, &rb, info, err);
}

static void test_reassemble(void **state)
{
	struct rt_sms_reasm_info info;
	struct rt_err err = { 0 };

	(void)state;
	rt_buf_init(&rb, 4096);
	{ /* pySim test_two_part shape: concat IE first, RPI 71 only in segment 1 */
		const char *p[] = { "07000301020171 00 AABB", "05000301 0202 CC" };

		assert_int_equal(reasm(p, 2, 0, &info, &err), 0);
		assert_hex(rb.data, rb.len, "AABBCC");
		assert_true(info.concatenated);
		assert_int_equal(info.ref, 1);
		assert_int_equal(info.packet_iei, 0x71);
		assert_int_equal(info.order, RT_SMS_CONCAT_CONCAT_FIRST);
	}
	{ /* out of order, three parts, NJIWA order in segment 1 */
		const char *p[] = { "0500030703 03 33", "07 7000 00030703 01 11", "0500030703 02 22" };

		assert_int_equal(reasm(p, 3, 0, &info, &err), 0);
		assert_hex(rb.data, rb.len, "112233");
		assert_int_equal(info.order, RT_SMS_CONCAT_CPI_FIRST);
		assert_int_equal(info.packet_iei, 0x70);
	}
	{ /* 16-bit reference */
		const char *p[] = { "080804123402017100 0A", "060804123402 02 0B" };

		assert_int_equal(reasm(p, 2, 0, &info, &err), 0);
		assert_true(info.ref16);
		assert_int_equal(info.ref, 0x1234);
		assert_hex(rb.data, rb.len, "0A0B");
	}
	{ /* single SMS without concatenation IE */
		const char *p[] = { "027000 0102" };

		assert_int_equal(reasm(p, 1, 0, &info, &err), 0);
		assert_false(info.concatenated);
		assert_hex(rb.data, rb.len, "0102");
	}
	{ /* split then reassemble, both orders and reference sizes */
		static uint8_t pkt[600];
		struct rt_sms_concat_opts o = { RT_SMS_CONCAT_CPI_FIRST, 1, 0xBEEF, RT_SMS_IEI_CPI };
		size_t lens[RT_SMS_CONCAT_MAX], n, i, off = 0;
		const uint8_t *uds[RT_SMS_CONCAT_MAX];
		struct rt_buf ud;

		for (i = 0; i < sizeof(pkt); i++)
			pkt[i] = (uint8_t)(i * 7);
		rt_buf_init(&ud, 1 << 16);
		assert_int_equal(rt_sms_concat_split(pkt, sizeof(pkt), &o, &ud, lens, 255, &n, &err), 0);
		for (i = 0; i < n; i++) {
			uds[n - 1 - i] = ud.data + off; /* reversed order */
			off += lens[i];
		}
		for (i = 0; i < n / 2; i++) {
			size_t t = lens[i];

			lens[i] = lens[n - 1 - i];
			lens[n - 1 - i] = t;
		}
		rt_buf_reset(&rb);
		assert_int_equal(rt_sms_reassemble(uds, lens, n, 0, &rb, &info, &err), 0);
		assert_true(rb.len == sizeof(pkt) && !memcmp(rb.data, pkt, sizeof(pkt)));
		assert_int_equal(info.order, RT_SMS_CONCAT_CPI_FIRST);
		assert_int_equal(rt_sms_reassemble(uds, lens, n, n - 1, &rb, &info, &err), RT_ERANGE);
		rt_buf_free(&ud);
	}
	{ const char *p[] = { "0500030102 01 11", "0500030102 01 22" };
		assert_int_equal(reasm(p, 2, 0, &info, &err), RT_EPROTO);
		assert_err_has(&err, "segment 1 received twice"); }
	{ const char *p[] = { "0500030103 01 11", "0500030103 03 33" };
		assert_int_equal(reasm(p, 2, 0, &info, &err), RT_EPROTO); /* total 3, two given */
		assert_err_has(&err, "segment 2 of 3 missing"); }
	{ const char *p[] = { "0500030102 01 11", "0500030202 02 22" };
		assert_int_equal(reasm(p, 2, 0, &info, &err), RT_EPROTO);
		assert_err_has(&err, "reference 2 (8-bit), UD 1 has 1"); }
	{ /* pySim test_same_reference_in_both_ie_forms: 8-bit and 16-bit ref 1 differ */
		const char *p[] = { "0500030102 01 0A", "060804000102 02 1B" };
		assert_int_equal(reasm(p, 2, 0, &info, &err), RT_EPROTO);
		assert_err_has(&err, "(16-bit)"); }
	{ const char *p[] = { "0500030102 01 11", "0500030103 02 22" };
		assert_int_equal(reasm(p, 2, 0, &info, &err), RT_EPROTO);
		assert_err_has(&err, "announces 3 segments"); }
	{ /* pySim test_reserved_concat_ie: seq > total, seq 0, total 0 */
		const char *a[] = { "0500030102 03 00" }, *b[] = { "0500030102 00 00" },
			   *c[] = { "0500030100 01 00" };
		assert_int_equal(reasm(a, 1, 0, &info, &err), RT_EPROTO);
		assert_err_has(&err, "reserved values");
		assert_int_equal(reasm(b, 1, 0, &info, &err), RT_EPROTO);
		assert_int_equal(reasm(c, 1, 0, &info, &err), RT_EPROTO); }
	{ const char *p[] = { "0500030102 01 11", "07 000301020 2 7000 22" };
		assert_int_equal(reasm(p, 2, 0, &info, &err), RT_EPROTO);
		assert_err_has(&err, "segment 2 carries the packet identifier IE 70"); }
	{ const char *p[] = { "027000 11", "027000 22" };
		assert_int_equal(reasm(p, 2, 0, &info, &err), RT_EPROTO);
		assert_err_has(&err, "no concatenation IE"); }
	{ const char *p[] = { "0A 00030102 01 000301020 1 11" };
		assert_int_equal(reasm(p, 1, 0, &info, &err), RT_EPROTO);
		assert_err_has(&err, "second concatenation IE"); }
	{ const char *p[] = { "04 000201 02 11" };
		assert_int_equal(reasm(p, 1, 0, &info, &err), RT_EPROTO);
		assert_err_has(&err, "of length 2 (must be 3)"); }
	{ const char *p[] = { "03 700101 11" };
		assert_int_equal(reasm(p, 1, 0, &info, &err), RT_EPROTO);
		assert_err_has(&err, "packet identifier IE 70 of length 1"); }
	{ const char *p[] = { "00 0102" };
		assert_int_equal(reasm(p, 1, 0, &info, &err), 0); }
	{ const char *p[] = { "" };
		assert_int_equal(reasm(p, 1, 0, &info, &err), RT_EPROTO); }
	assert_int_equal(rt_sms_reassemble(NULL, NULL, 0, 0, &rb, &info, &err), RT_EINVAL);
	rt_buf_free(&rb);
}

static void test_envelope(void **state)
{
	uint8_t b[300], tpdu[8];
	size_t n, tn = unhex("0102030405", tpdu, sizeof(tpdu));
	struct rt_sms_envelope e;
	struct rt_err err = { 0 };
	struct rt_buf out;
	static uint8_t big[250];

	(void)state;
	rt_buf_init(&out, 512);
	/* with an SC address (TS 31.111 7.1.1.2 layout) */
	n = unhex("0691214365", b, sizeof(b));
	assert_int_equal(rt_sms_envelope_build(tpdu, tn, b, n, &out, &err), 0);
	assert_hex(out.data, out.len, "80C2000014 D112 82028381 86050691214365 8B050102030405");
	assert_int_equal(rt_sms_envelope_parse_apdu(out.data, out.len, &e, &err), 0);
	assert_int_equal(e.cla, 0x80);
	assert_int_equal(e.src, 0x83);
	assert_int_equal(e.dst, 0x81);
	assert_int_equal(e.addr_len, 5);
	assert_int_equal(e.tpdu_len, 5);
	/* long form D1 81 xx */
	rt_buf_reset(&out);
	assert_int_equal(rt_sms_envelope_build(big, 160, NULL, 0, &out, &err), 0);
	assert_hex(out.data, 12, "80C20000AA D181A7 82028381");
	assert_int_equal(rt_sms_envelope_parse_apdu(out.data, out.len, &e, &err), 0);
	assert_int_equal(e.tpdu_len, 160);
	assert_null(e.addr);
	rt_buf_reset(&out);
	assert_int_equal(rt_sms_envelope_build(big, 250, NULL, 0, &out, &err), RT_ERANGE);
	/* CR-less tags and an unknown tag without CR are accepted (TS 102 223 6.10) */
	n = unhex("D10C 02028381 1D0100 0B030102 03", b, sizeof(b));
	assert_int_equal(rt_sms_envelope_parse(b, n, &e, &err), 0);
	assert_int_equal(e.tpdu_len, 3);
	/* errors */
	n = unhex("D1058202838100", b, sizeof(b));
	assert_int_equal(rt_sms_envelope_parse(b, n, &e, &err), RT_EPROTO);
	n = unhex("D18105 82028381", b, sizeof(b));
	assert_int_equal(rt_sms_envelope_parse(b, n, &e, &err), RT_EPROTO);
	assert_err_has(&err, "length form 81");
	n = unhex("D108 82028381 82028381", b, sizeof(b));
	assert_int_equal(rt_sms_envelope_parse(b, n, &e, &err), RT_EPROTO);
	assert_err_has(&err, "second device identities");
	n = unhex("D106 8B0101 8B0102", b, sizeof(b));
	assert_int_equal(rt_sms_envelope_parse(b, n, &e, &err), RT_EPROTO);
	n = unhex("D103 8B0101", b, sizeof(b));
	assert_int_equal(rt_sms_envelope_parse(b, n, &e, &err), RT_EPROTO);
	assert_err_has(&err, "device identities (82) missing");
	n = unhex("D203 8B0101", b, sizeof(b));
	assert_int_equal(rt_sms_envelope_parse(b, n, &e, &err), RT_EPROTO);
	n = unhex("80C20000", b, sizeof(b));
	assert_int_equal(rt_sms_envelope_parse_apdu(b, n, &e, &err), RT_EPROTO);
	assert_err_has(&err, "without data");
	n = unhex("80C2", b, sizeof(b));
	assert_int_equal(rt_sms_envelope_parse_apdu(b, n, &e, &err), RT_EPROTO);
	rt_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_file),
		cmocka_unit_test(test_deliver_fields),
		cmocka_unit_test(test_submit_fields),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_udh),
		cmocka_unit_test(test_encode_ota_deliver),
		cmocka_unit_test(test_concat_split),
		cmocka_unit_test(test_reassemble),
		cmocka_unit_test(test_envelope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
