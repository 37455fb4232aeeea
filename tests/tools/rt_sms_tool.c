/* SPDX-License-Identifier: Apache-2.0 */
/* rt_sms_tool — command-line bridge to codec/rt_sms for tests/crosscheck/test_sms.py.
 *
 * Lets the independent Python implementation of TS 23.040 compare its results with ours:
 *   rt_sms_tool decode deliver|submit HEX   one "key=value" line per field (flags, addr,
 *                                           pid, dcs, scts/vp, udl, udh, payload, ies)
 *   rt_sms_tool addr TOA DIGITS             the encoded address field (hex)
 *   rt_sms_tool concat ORDER REF16 REF IEI HEX   one UD (hex) per line; ORDER is
 *                                           concat_first or cpi_first
 *   rt_sms_tool reasm HEX...                the reassembled packet (hex)
 * A decoding error prints "error: ..." and exits 1; usage errors exit 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_sms.h"
#include "util/rt_hex.h"

#define TOOL_MAX 4096

static int tool_unhex(const char *hex, uint8_t *out, size_t *n)
{
	struct rt_err err = { 0 };

	if (rt_hex_decode(hex, strlen(hex), out, TOOL_MAX, n, &err)) {
		fprintf(stderr, "rt_sms_tool: %s\n", err.msg);
		return 2;
	}
	return 0;
}

static void tool_puthex(const char *key, const uint8_t *b, size_t n)
{
	static char h[2 * TOOL_MAX + 1];

	rt_hex_encode(b, n, h, sizeof(h));
	if (key)
		printf("%s=%s\n", key, h);
	else
		printf("%s\n", h);
}

static int tool_decode(const char *type, const char *hex)
{
	static uint8_t b[TOOL_MAX];
	static struct rt_sms_tpdu t;
	struct rt_err err = { 0 };
	size_t n, i;

	if (tool_unhex(hex, b, &n))
		return 2;
	if (rt_sms_tpdu_decode(b, n, strcmp(type, "submit") ? RT_SMS_DELIVER : RT_SMS_SUBMIT, &t,
			       &err)) {
		printf("error: %s\n", err.msg);
		return 1;
	}
	printf("rp=%d\nudhi=%d\n", t.rp, t.udhi);
	if (t.mti == RT_SMS_DELIVER) {
		printf("mms=%d\nlp=%d\nsri=%d\n", t.mms, t.lp, t.sri);
		tool_puthex("scts", t.scts, 7);
	} else {
		printf("rd=%d\nvpf=%d\nsrr=%d\nmr=%d\n", t.rd, (int)t.vpf, t.srr, t.mr);
		tool_puthex("vp", t.vp, t.vp_len);
	}
	printf("toa=%d\nndigits=%zu\ndigits=%s\npid=%d\ndcs=%d\nudl=%d\n", t.addr.toa,
	       t.addr.ndigits, t.addr.digits, t.pid, t.dcs, t.udl);
	tool_puthex("udh", t.udh ? t.udh : b, t.udh ? t.udh_len : 0);
	tool_puthex("payload", t.payload, t.payload_len);
	for (i = 0; i < t.n_ie; i++) {
		printf("ie=%02X:", t.ie[i].iei);
		tool_puthex(NULL, t.ie[i].data, t.ie[i].len);
	}
	return 0;
}

static int tool_addr(const char *toa, const char *digits)
{
	struct rt_sms_addr a;
	struct rt_err err = { 0 };
	struct rt_buf out;

	memset(&a, 0, sizeof(a));
	a.toa = (uint8_t)strtoul(toa, NULL, 16);
	snprintf(a.digits, sizeof(a.digits), "%s", digits);
	rt_buf_init(&out, 64);
	if (rt_sms_addr_encode(&a, &out, &err)) {
		printf("error: %s\n", err.msg);
		rt_buf_free(&out);
		return 1;
	}
	tool_puthex(NULL, out.data, out.len);
	rt_buf_free(&out);
	return 0;
}

static int tool_concat(char **argv)
{
	static uint8_t b[TOOL_MAX];
	struct rt_sms_concat_opts o;
	size_t lens[RT_SMS_CONCAT_MAX], n, cnt, i, off = 0;
	struct rt_err err = { 0 };
	struct rt_buf ud;

	o.order = strcmp(argv[0], "cpi_first") ? RT_SMS_CONCAT_CONCAT_FIRST : RT_SMS_CONCAT_CPI_FIRST;
	o.ref16 = strtoul(argv[1], NULL, 10) != 0;
	o.ref = (unsigned)strtoul(argv[2], NULL, 10);
	o.packet_iei = (uint8_t)strtoul(argv[3], NULL, 16);
	if (tool_unhex(argv[4], b, &n))
		return 2;
	rt_buf_init(&ud, 1 << 16);
	if (rt_sms_concat_split(b, n, &o, &ud, lens, RT_SMS_CONCAT_MAX, &cnt, &err)) {
		printf("error: %s\n", err.msg);
		rt_buf_free(&ud);
		return 1;
	}
	for (i = 0; i < cnt; i++) {
		tool_puthex(NULL, ud.data + off, lens[i]);
		off += lens[i];
	}
	rt_buf_free(&ud);
	return 0;
}

static int tool_reasm(int argc, char **argv)
{
	static uint8_t store[RT_SMS_CONCAT_MAX][TOOL_MAX / 8];
	const uint8_t *uds[RT_SMS_CONCAT_MAX];
	size_t lens[RT_SMS_CONCAT_MAX];
	struct rt_sms_reasm_info info;
	struct rt_err err = { 0 };
	struct rt_buf out;
	int i, rc = 0;

	if (argc > RT_SMS_CONCAT_MAX)
		return 2;
	for (i = 0; i < argc; i++) {
		if (strlen(argv[i]) / 2 > sizeof(store[i]) ||
		    rt_hex_decode(argv[i], strlen(argv[i]), store[i], sizeof(store[i]), &lens[i], &err))
			return 2;
		uds[i] = store[i];
	}
	rt_buf_init(&out, 1 << 16);
	if (rt_sms_reassemble(uds, lens, (size_t)argc, 0, &out, &info, &err)) {
		printf("error: %s\n", err.msg);
		rc = 1;
	} else {
		tool_puthex(NULL, out.data ? out.data : (const uint8_t *)"", out.len);
	}
	rt_buf_free(&out);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "decode"))
		return tool_decode(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "addr"))
		return tool_addr(argv[2], argv[3]);
	if (argc == 7 && !strcmp(argv[1], "concat"))
		return tool_concat(argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "reasm"))
		return tool_reasm(argc - 2, argv + 2);
	fprintf(stderr, "usage: rt_sms_tool decode deliver|submit HEX | addr TOA DIGITS | "
			"concat ORDER REF16 REF IEI HEX | reasm HEX...\n");
	return 2;
}
