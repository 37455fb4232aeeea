/* SPDX-License-Identifier: Apache-2.0 */
/* test_scp03t — SCP03t (harness/scp/rt_scp03t) between an SM-DP host and an ISD-P card:
 * 84/85 handshake, a package cut into 86 segments at several maximum sizes and
 * reassembled, responses with and without data (both R-MAC input options); negative
 * cases: unknown KVN (9F44 03), wrong host cryptogram and bad C-MAC on 85 (9F45 02), 86
 * before 85 (wrong order), corrupted and replayed 86 (9F46 02), truncated 86 (9F46 01),
 * bad padding, a corrupted R-MAC and the host's reading of error TLVs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/rt_tlv.h"
#include "scp/rt_scp03t.h"

#define CHECK(expr)                                                                        \
	do {                                                                               \
		int rc_ = (expr);                                                          \
		if (rc_)                                                                   \
			fail_msg("%s: %s (%s)", #expr, err.msg, rt_err_name(rc_));         \
	} while (0)

static const uint8_t AID[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
			       0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x10, 0x00 };

static void keys(struct rt_scp03_keys *k)
{
	size_t i;

	memset(k, 0, sizeof(*k));
	k->len = 16;
	k->kvn = 0x30;
	for (i = 0; i < 16; i++) {
		k->enc[i] = (uint8_t)(0x40 + i);
		k->mac[i] = (uint8_t)(0x50 + i);
		k->dek[i] = (uint8_t)(0x60 + i);
	}
}

/* 84 + 85 between host and card; returns 0 or the first failure. */
static void handshake(struct rt_scp03t *h, struct rt_scp03t *c, const struct rt_scp03t_opts *o)
{
	struct rt_scp03_keys k;
	struct rt_err err = {0};
	struct rt_buf cmd, rsp, plain;
	uint8_t hc[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };
	size_t used;

	keys(&k);
	rt_buf_init(&cmd, 4096);
	rt_buf_init(&rsp, 4096);
	rt_buf_init(&plain, 4096);
	CHECK(rt_scp03t_host_init(h, &k, NULL, o, &err));
	CHECK(rt_scp03t_card_init(c, &k, 0x70, AID, sizeof(AID), 0, NULL, NULL, o, &err));
	CHECK(rt_scp03t_host_iu(h, hc, 8, &cmd, &err));
	assert_int_equal(cmd.len, 12);
	assert_int_equal(cmd.data[0], 0x84);
	assert_int_equal(cmd.data[1], 0x0A);
	CHECK(rt_scp03t_card_command(c, cmd.data, cmd.len, &used, &plain, &rsp, &err));
	assert_int_equal(used, cmd.len);
	assert_int_equal(rsp.data[0], 0x84);
	assert_int_equal(rsp.data[1], 32);
	CHECK(rt_scp03t_host_iu_response(h, rsp.data, rsp.len, &err));
	rt_buf_reset(&cmd);
	rt_buf_reset(&rsp);
	CHECK(rt_scp03t_host_ext_auth(h, 0x33, &cmd, &err));
	assert_int_equal(cmd.len, 19);
	assert_int_equal(cmd.data[1], 0x11);
	CHECK(rt_scp03t_card_command(c, cmd.data, cmd.len, &used, &plain, &rsp, &err));
	assert_int_equal(rsp.len, 2);
	assert_memory_equal(rsp.data, "\x85\x00", 2);
	CHECK(rt_scp03t_host_ext_auth_response(h, rsp.data, rsp.len, &err));
	rt_buf_free(&cmd);
	rt_buf_free(&rsp);
	rt_buf_free(&plain);
}

static void test_download(void **state)
{
	static const size_t segs[] = { 1024, 512, 255, 128, 64, 1000, 4096 };
	static const size_t lens[] = { 1, 15, 16, 17, 1000, 5000, 20011 };
	struct rt_scp03t h, c;
	struct rt_err err = {0};
	struct rt_buf cmds, rsp, plain, back;
	uint8_t *pkg = malloc(20011);
	size_t a, b, i, count, off, used, nseg;
	static struct rt_scp03t_mark marks[2048];
	int opt;

	(void)state;
	assert_non_null(pkg);
	for (i = 0; i < 20011; i++)
		pkg[i] = (uint8_t)(i * 7 + 3);
	for (opt = 0; opt < 2; opt++)
		for (a = 0; a < sizeof(segs) / sizeof(segs[0]); a++)
			for (b = 0; b < sizeof(lens) / sizeof(lens[0]); b++) {
				struct rt_scp03t_opts o = { .rmac_input = (enum rt_scp03t_rmac_input)opt,
							    .rmac_on_empty = opt };

				handshake(&h, &c, &o);
				rt_buf_init(&cmds, 1u << 20);
				rt_buf_init(&rsp, 1u << 16);
				rt_buf_init(&plain, 1u << 20);
				rt_buf_init(&back, 1u << 16);
				CHECK(rt_scp03t_host_segment(&h, pkg, lens[b], segs[a], &cmds, &count,
							     marks, 2048, &err));
				/* the card walks the 86 TLVs, checking each one's size */
				for (off = 0, nseg = 0; off < cmds.len; off += used, nseg++) {
					CHECK(rt_scp03t_card_command(&c, cmds.data + off, cmds.len - off,
								     &used, &plain, &rsp, &err));
					assert_true(used <= segs[a]);
					rt_buf_reset(&rsp);
					if (nseg % 3 == 1) {
						CHECK(rt_scp03t_card_response(&c, pkg, nseg % 40, &rsp,
									      &err));
					} else {
						CHECK(rt_scp03t_card_response(&c, NULL, 0, &rsp, &err));
						if (!opt)
							assert_memory_equal(rsp.data, "\x86\x00", 2);
					}
					rt_buf_reset(&back);
					if (getenv("DBG"))
						print_message("opt %d seg %zu len %zu nseg %zu\n", opt,
							      segs[a], lens[b], nseg);
					CHECK(rt_scp03t_host_unwrap_for(&h, &marks[nseg], rsp.data,
									rsp.len, &back, &err));
					assert_int_equal(back.len, nseg % 3 == 1 ? nseg % 40 : 0);
					if (back.len)
						assert_memory_equal(back.data, pkg, back.len);
				}
				assert_int_equal(nseg, count);
				assert_int_equal(plain.len, lens[b]);
				assert_memory_equal(plain.data, pkg, lens[b]);
				rt_buf_free(&cmds);
				rt_buf_free(&rsp);
				rt_buf_free(&plain);
				rt_buf_free(&back);
				rt_scp03t_clear(&h);
				rt_scp03t_clear(&c);
			}
	free(pkg);
}

/* Feeds one command to the card, expects rc and the error TLV 9F4x 01 reason. */
static void expect_error(struct rt_scp03t *c, const uint8_t *cmd, size_t len, int want_rc,
			 uint16_t tag, uint8_t reason)
{
	struct rt_err err = {0};
	struct rt_buf rsp, plain;
	size_t used;
	int rc;

	rt_buf_init(&rsp, 256);
	rt_buf_init(&plain, 4096);
	rc = rt_scp03t_card_command(c, cmd, len, &used, &plain, &rsp, &err);
	if (rc != want_rc)
		fail_msg("rc %d (%s), want %d", rc, err.msg, want_rc);
	assert_int_equal(rsp.len, 4);
	assert_int_equal(rsp.data[0], 0x9F);
	assert_int_equal(rsp.data[1], tag & 0xFF);
	assert_int_equal(rsp.data[2], 0x01);
	assert_int_equal(rsp.data[3], reason);
	assert_int_equal(plain.len, 0);
	rt_buf_free(&rsp);
	rt_buf_free(&plain);
}

static void test_errors(void **state)
{
	struct rt_scp03t h, c;
	struct rt_scp03_keys k;
	struct rt_err err = {0};
	struct rt_buf cmd, rsp, plain;
	uint8_t hc[8] = {0}, data[100];
	size_t used;

	(void)state;
	memset(data, 0x5A, sizeof(data));
	keys(&k);
	rt_buf_init(&cmd, 4096);
	rt_buf_init(&rsp, 4096);
	rt_buf_init(&plain, 4096);

	/* unknown KVN -> 9F44 03 */
	CHECK(rt_scp03t_card_init(&c, &k, 0x70, AID, sizeof(AID), 0, NULL, NULL, NULL, &err));
	expect_error(&c, (const uint8_t *)"\x84\x0A\x31\x00\x01\x02\x03\x04\x05\x06\x07\x08", 12,
		     RT_ENOENT, 0x9F44, 0x03);
	/* malformed 84 -> 9F44 01 */
	expect_error(&c, (const uint8_t *)"\x84\x03\x30\x00\x01", 5, RT_EPROTO, 0x9F44, 0x01);
	/* 85 before 84 -> 9F45 (order) */
	expect_error(&c, (const uint8_t *)"\x85\x11\x33\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
					  "\x00\x00\x00\x00\x00\x00",
		     19, RT_ESTATE, 0x9F45, 0x02);
	/* 86 before any session -> 9F46 (order) */
	expect_error(&c, (const uint8_t *)"\x86\x08\x00\x00\x00\x00\x00\x00\x00\x00", 10,
		     RT_ESTATE, 0x9F46, 0x02);
	rt_scp03t_clear(&c);

	/* wrong host cryptogram and bad MAC on 85 -> 9F45 02 */
	CHECK(rt_scp03t_host_init(&h, &k, NULL, NULL, &err));
	CHECK(rt_scp03t_card_init(&c, &k, 0x70, AID, sizeof(AID), 0, NULL, NULL, NULL, &err));
	CHECK(rt_scp03t_host_iu(&h, hc, 8, &cmd, &err));
	CHECK(rt_scp03t_card_command(&c, cmd.data, cmd.len, &used, &plain, &rsp, &err));
	CHECK(rt_scp03t_host_iu_response(&h, rsp.data, rsp.len, &err));
	rt_buf_reset(&cmd);
	CHECK(rt_scp03t_host_ext_auth(&h, 0x33, &cmd, &err));
	cmd.data[4] ^= 1;
	expect_error(&c, cmd.data, cmd.len, RT_ECRYPTO, 0x9F45, 0x02);
	assert_int_equal(rt_scp03t_host_ext_auth_response(&h, (const uint8_t *)"\x9F\x45\x01\x02",
							  4, &err),
			 RT_EPROTO);
	assert_int_equal(h.last_reason, 2);
	rt_scp03t_clear(&h);
	rt_scp03t_clear(&c);

	/* 86: bad MAC, replay, truncation, wrong length */
	handshake(&h, &c, NULL);
	rt_buf_reset(&cmd);
	CHECK(rt_scp03t_host_wrap(&h, data, sizeof(data), &cmd, &err));
	CHECK(rt_scp03t_card_command(&c, cmd.data, cmd.len, &used, &plain, &rsp, &err));
	/* the same 86 again: the MAC chain has moved -> 9F46 02 */
	expect_error(&c, cmd.data, cmd.len, RT_ECRYPTO, 0x9F46, 0x02);
	/* the session is closed now: anything else is out of order */
	expect_error(&c, cmd.data, cmd.len, RT_ESTATE, 0x9F46, 0x02);
	rt_scp03t_clear(&h);
	rt_scp03t_clear(&c);

	handshake(&h, &c, NULL);
	rt_buf_reset(&cmd);
	CHECK(rt_scp03t_host_wrap(&h, data, sizeof(data), &cmd, &err));
	cmd.data[cmd.len - 1] ^= 0x40;
	expect_error(&c, cmd.data, cmd.len, RT_ECRYPTO, 0x9F46, 0x02);
	rt_scp03t_clear(&h);
	rt_scp03t_clear(&c);

	handshake(&h, &c, NULL);
	rt_buf_reset(&cmd);
	CHECK(rt_scp03t_host_wrap(&h, data, sizeof(data), &cmd, &err));
	expect_error(&c, cmd.data, cmd.len - 5, RT_EPROTO, 0x9F46, 0x01); /* truncated */
	rt_scp03t_clear(&h);
	rt_scp03t_clear(&c);

	handshake(&h, &c, NULL);
	expect_error(&c, (const uint8_t *)"\x86\x03\x01\x02\x03", 5, RT_EPROTO, 0x9F46, 0x01);
	rt_scp03t_clear(&h);
	rt_scp03t_clear(&c);

	/* bad padding behind a good MAC (reason option: 01) */
	{
		struct rt_scp03t_opts o = { .reason_padding = RT_SCP03T_R_LENGTH };
		uint8_t zero[16] = {0}, ct[48], mac[8], hdr[2] = { 0x86, 16 + 8 };
		size_t ctn;

		handshake(&h, &c, &o);
		CHECK(rt_scp03_counter_next(&h.s, &err));
		CHECK(rt_scp03_encrypt(&h.s, NULL, 0, zero, 16, ct, sizeof(ct), &ctn, &err));
		CHECK(rt_scp03_cmac_chain(&h.s, NULL, hdr, 2, ct, 16, mac, &err));
		rt_buf_reset(&cmd);
		assert_int_equal(rt_buf_append(&cmd, hdr, 2), 0);
		assert_int_equal(rt_buf_append(&cmd, ct, 16), 0);
		assert_int_equal(rt_buf_append(&cmd, mac, 8), 0);
		expect_error(&c, cmd.data, cmd.len, RT_ECRYPTO, 0x9F46, 0x01);
		rt_scp03t_clear(&h);
		rt_scp03t_clear(&c);
	}

	/* corrupted R-MAC on a data response */
	handshake(&h, &c, NULL);
	rt_buf_reset(&cmd);
	rt_buf_reset(&rsp);
	CHECK(rt_scp03t_host_wrap(&h, data, 10, &cmd, &err));
	CHECK(rt_scp03t_card_command(&c, cmd.data, cmd.len, &used, &plain, &rsp, &err));
	CHECK(rt_scp03t_card_response(&c, data, 20, &rsp, &err));
	rsp.data[rsp.len - 1] ^= 1;
	{
		struct rt_buf back;

		rt_buf_init(&back, 256);
		assert_int_equal(rt_scp03t_host_unwrap(&h, rsp.data, rsp.len, &back, &err),
				 RT_ECRYPTO);
		rt_buf_free(&back);
	}
	/* host reads an error TLV; a new handshake re-initialises both ends, so the
	 * previous session ends first (init overwrites the context pointers: they leaked) */
	rt_scp03t_clear(&h);
	rt_scp03t_clear(&c);
	handshake(&h, &c, NULL);
	{
		struct rt_buf back;

		rt_buf_init(&back, 256);
		assert_int_equal(rt_scp03t_host_unwrap(&h, (const uint8_t *)"\x9F\x46\x01\x01", 4,
						       &back, &err),
				 RT_EPROTO);
		assert_int_equal(h.last_reason, 1);
		rt_buf_free(&back);
	}
	/* segment size too small, TLV over the maximum */
	rt_scp03t_clear(&h);
	rt_scp03t_clear(&c);
	handshake(&h, &c, NULL);
	{
		size_t count;

		rt_buf_reset(&cmd);
		assert_int_equal(rt_scp03t_host_segment(&h, data, 10, 16, &cmd, &count, NULL, 0, &err),
				 RT_EINVAL);
		h.opts.max_segment = 40;
		assert_int_equal(rt_scp03t_host_wrap(&h, data, 100, &cmd, &err), RT_ERANGE);
	}
	rt_scp03t_clear(&h);
	rt_scp03t_clear(&c);
	rt_buf_free(&cmd);
	rt_buf_free(&rsp);
	rt_buf_free(&plain);
}

static void test_payload_max(void **state)
{
	struct rt_scp03 s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.s = 8;
	s.sl = 0x33;
	/* 1024: 86 82 03F8 | 1008 ciphertext | 8 MAC = 1020 bytes; 1008 plain would need 1036 */
	assert_int_equal(rt_scp03t_payload_max(&s, 1024), 1007);
	assert_int_equal(rt_scp03t_payload_max(&s, 128), 111);
	s.sl = 0x01;
	assert_int_equal(rt_scp03t_payload_max(&s, 1024), 1024 - 8 - 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_download),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_payload_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
