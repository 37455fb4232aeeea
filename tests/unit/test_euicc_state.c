/* SPDX-License-Identifier: Apache-2.0 */
/* test_euicc_state — the reference eUICC's persistent state: the TLV document
 * (roles/euicc/rt_euicc_state) and its atomic store (rt_euicc_store).
 *
 * Round trip of a fully populated model (every field, 4 SCP80 keysets, 16 ISD-Ps with
 * packages of RT_EUICC_PKG_MAX bytes, 8 notifications) compared field by field with an
 * independent comparator (not through the encoder); every kind of damage — truncation
 * at every byte, every tag replaced by every other byte, wrong and over-long lengths,
 * unknown/repeated/missing fields, non-minimal lengths, broken invariants, a newer
 * version — is an error naming the cause; the store's save/load paths (missing file,
 * leftover .tmp, permissions, folders, damaged files, the delay test hook).
 * The documents here are our own format (no external vector exists); the hand-written
 * ones follow the tag table at the top of rt_euicc_state.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "codec/rt_tlv.h"
#include "roles/euicc/rt_euicc.h"
#include "roles/euicc/rt_euicc_state.h"
#include "roles/euicc/rt_euicc_store.h"
#include "util/rt_hex.h"

/* ---- helpers ------------------------------------------------------------------------ */

static void fill_bytes(uint8_t *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 31u + i * 7u + (i >> 8));
}

/* A model with every field set. pkg_len is the size of every ISD-P's package. */
static void fill_full(struct rt_euicc_state *st, size_t pkg_len)
{
	static const enum rt_isdp_state states[] = { RT_ISDP_INSTALLED, RT_ISDP_SELECTABLE,
						     RT_ISDP_PERSONALIZED, RT_ISDP_DISABLED };
	static const enum rt_scp80_alg kic[] = { RT_SCP80_ALG_AES_CBC, RT_SCP80_ALG_3DES2_CBC,
						 RT_SCP80_ALG_3DES3_CBC, RT_SCP80_ALG_DES_CBC };
	static const enum rt_scp80_alg kid[] = { RT_SCP80_ALG_AES_CMAC, RT_SCP80_ALG_3DES2_MAC,
						 RT_SCP80_ALG_CRC32, RT_SCP80_ALG_DES_MAC };
	static const uint8_t klen[] = { 32, 16, 24, 8 };
	size_t i;

	rt_euicc_state_init(st, 0x00123456);
	for (i = 0; i < RT_EUICC_MAX_SCP80; i++) {
		struct rt_euicc_scp80_keyset *k = &st->scp80[i];

		k->kvn = (uint8_t)(0x0F - i);
		k->kic_alg = kic[i];
		k->kid_alg = kid[i];
		k->kic_len = k->kid_len = k->dek_len = klen[i];
		fill_bytes(k->kic, k->kic_len, (unsigned)i + 1);
		fill_bytes(k->kid, k->kid_len, (unsigned)i + 2);
		fill_bytes(k->dek, k->dek_len, (unsigned)i + 3);
		fill_bytes(k->cntr, 5, (unsigned)i + 4);
	}
	st->smsr_addr_len = RT_EUICC_PARAM_MAX;
	fill_bytes(st->smsr_addr, st->smsr_addr_len, 99);
	st->next_seq = 0xFFFE;
	st->declared = 1;
	for (i = 0; i < RT_EUICC_MAX_ISDP; i++) {
		struct rt_euicc_isdp *p = &st->isdp[i];

		p->state = i == 5 ? RT_ISDP_ENABLED : states[i % 4];
		p->aid_len = (uint8_t)(i % 2 ? 16 : 5 + i % 11);
		fill_bytes(p->aid, p->aid_len, 200);
		p->aid[p->aid_len - 1] = (uint8_t)i; /* unique */
		p->tar[0] = 0x00;
		p->tar[1] = 0x00;
		p->tar[2] = (uint8_t)(0x10 + i);
		p->has_iccid = i % 3 != 0;
		if (p->has_iccid)
			fill_bytes(p->iccid, 10, (unsigned)i + 50);
		p->fallback = i == 7;
		p->emergency = i == 3;
		p->pol1_len = (uint8_t)(i == 0 ? RT_EUICC_PARAM_MAX : i);
		fill_bytes(p->pol1, p->pol1_len, (unsigned)i + 60);
		p->mem_quota = 0x10000u + (uint32_t)i;
		p->mem_used = (uint32_t)pkg_len;
		if (i % 4 != 1) {
			p->scp03.kvn = (uint8_t)(0x30 + i);
			p->scp03.key_len = (uint8_t)(i % 3 == 0 ? 16 : i % 3 == 1 ? 24 : 32);
			fill_bytes(p->scp03.enc, p->scp03.key_len, (unsigned)i + 70);
			fill_bytes(p->scp03.mac, p->scp03.key_len, (unsigned)i + 71);
			fill_bytes(p->scp03.dek, p->scp03.key_len, (unsigned)i + 72);
			fill_bytes(p->scp03.seq, 3, (unsigned)i + 73);
		}
		p->conn_len = (uint8_t)(i == 1 ? RT_EUICC_PARAM_MAX : 2 * i);
		fill_bytes(p->conn, p->conn_len, (unsigned)i + 80);
		if (i != 2) { /* one ISD-P without a package */
			p->pkg = malloc(pkg_len ? pkg_len : 1);
			assert_non_null(p->pkg);
			p->pkg_len = (uint32_t)pkg_len;
			fill_bytes(p->pkg, pkg_len, (unsigned)i + 90);
		}
	}
	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++) {
		struct rt_euicc_notif *n = &st->notif[i];

		n->used = 1;
		n->seq = (uint16_t)(0x1000 + i);
		n->type = (uint8_t)(i % 4 + 1);
		n->aid_len = (uint8_t)(i ? 16 : 0);
		fill_bytes(n->aid, n->aid_len, (unsigned)i + 100);
		n->attempts = (uint8_t)i;
	}
	st->change_pending = 1;
	st->rollback_to_len = 16;
	fill_bytes(st->rollback_to, 16, 110);
	st->rollback_from_len = 15;
	fill_bytes(st->rollback_from, 15, 111);
}

/* Field-by-field comparison, independent of the encoder. Decoding compacts the
 * tables, so used entries are compared in order. */
static void assert_state_same(const struct rt_euicc_state *a, const struct rt_euicc_state *b)
{
	size_t i, j;

	assert_int_equal(a->version, b->version);
	for (i = j = 0; i < RT_EUICC_MAX_SCP80; i++) {
		const struct rt_euicc_scp80_keyset *x = &a->scp80[i], *y;

		if (!x->kvn)
			continue;
		y = &b->scp80[j++];
		assert_int_equal(x->kvn, y->kvn);
		assert_int_equal(x->kic_alg, y->kic_alg);
		assert_int_equal(x->kid_alg, y->kid_alg);
		assert_int_equal(x->kic_len, y->kic_len);
		assert_int_equal(x->kid_len, y->kid_len);
		assert_int_equal(x->dek_len, y->dek_len);
		assert_memory_equal(x->kic, y->kic, x->kic_len);
		assert_memory_equal(x->kid, y->kid, x->kid_len);
		assert_memory_equal(x->dek, y->dek, x->dek_len);
		assert_memory_equal(x->cntr, y->cntr, 5);
	}
	assert_int_equal(a->smsr_addr_len, b->smsr_addr_len);
	assert_memory_equal(a->smsr_addr, b->smsr_addr, a->smsr_addr_len);
	assert_int_equal(a->mem_total, b->mem_total);
	assert_int_equal(a->next_seq, b->next_seq);
	assert_int_equal(a->declared, b->declared);
	for (i = j = 0; i < RT_EUICC_MAX_ISDP; i++) {
		const struct rt_euicc_isdp *x = &a->isdp[i], *y;

		if (x->state == RT_ISDP_FREE)
			continue;
		y = &b->isdp[j++];
		assert_int_equal(x->state, y->state);
		assert_int_equal(x->aid_len, y->aid_len);
		assert_memory_equal(x->aid, y->aid, x->aid_len);
		assert_memory_equal(x->tar, y->tar, 3);
		assert_int_equal(x->has_iccid, y->has_iccid);
		if (x->has_iccid)
			assert_memory_equal(x->iccid, y->iccid, 10);
		assert_int_equal(!!x->fallback, !!y->fallback);
		assert_int_equal(!!x->emergency, !!y->emergency);
		assert_int_equal(x->pol1_len, y->pol1_len);
		assert_memory_equal(x->pol1, y->pol1, x->pol1_len);
		assert_int_equal(x->mem_quota, y->mem_quota);
		assert_int_equal(x->mem_used, y->mem_used);
		assert_int_equal(x->scp03.kvn, y->scp03.kvn);
		if (x->scp03.kvn) {
			assert_int_equal(x->scp03.key_len, y->scp03.key_len);
			assert_memory_equal(x->scp03.enc, y->scp03.enc, x->scp03.key_len);
			assert_memory_equal(x->scp03.mac, y->scp03.mac, x->scp03.key_len);
			assert_memory_equal(x->scp03.dek, y->scp03.dek, x->scp03.key_len);
			assert_memory_equal(x->scp03.seq, y->scp03.seq, 3);
		}
		assert_int_equal(x->conn_len, y->conn_len);
		assert_memory_equal(x->conn, y->conn, x->conn_len);
		assert_int_equal(x->pkg != NULL && x->pkg_len, y->pkg != NULL);
		if (x->pkg && x->pkg_len) {
			assert_int_equal(x->pkg_len, y->pkg_len);
			assert_memory_equal(x->pkg, y->pkg, x->pkg_len);
		}
	}
	for (; j < RT_EUICC_MAX_ISDP; j++)
		assert_int_equal(b->isdp[j].state, RT_ISDP_FREE);
	for (i = j = 0; i < RT_EUICC_MAX_NOTIF; i++) {
		const struct rt_euicc_notif *x = &a->notif[i], *y;

		if (!x->used)
			continue;
		y = &b->notif[j++];
		assert_true(y->used);
		assert_int_equal(x->seq, y->seq);
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->aid_len, y->aid_len);
		assert_memory_equal(x->aid, y->aid, x->aid_len);
		assert_int_equal(x->attempts, y->attempts);
	}
	assert_int_equal(!!a->change_pending, !!b->change_pending);
	assert_int_equal(a->rollback_to_len, b->rollback_to_len);
	assert_memory_equal(a->rollback_to, b->rollback_to, a->rollback_to_len);
	assert_int_equal(a->rollback_from_len, b->rollback_from_len);
	assert_memory_equal(a->rollback_from, b->rollback_from, a->rollback_from_len);
}

static void encode_ok(const struct rt_euicc_state *st, struct rt_buf *b)
{
	struct rt_err err = { 0 };

	rt_buf_init(b, RT_EUICC_STATE_FILE_MAX);
	if (rt_euicc_state_encode(st, b, &err)) {
		fprintf(stderr, "encode: %s\n", err.msg);
		fail();
	}
}

/* Decodes buf, expecting code and a message containing needle. */
static void expect_decode_err(const uint8_t *buf, size_t len, int code, const char *needle)
{
	struct rt_euicc_state st;
	struct rt_err err = { 0 };
	int rc = rt_euicc_state_decode(buf, len, &st, &err);

	if (rc != code) {
		fprintf(stderr, "decode returned %d (%s), expected %d\n", rc, err.msg, code);
		fail();
	}
	assert_int_equal(err.code, code);
	assert_true(err.msg[0] != '\0');
	if (needle)
		assert_err_has(&err, needle);
	rt_euicc_state_free(&st); /* empty after a failure; freeing again is fine */
}

/* Builds E0 <len> <inner hex> into out. */
static size_t doc_hex(const char *inner_hex, uint8_t *out, size_t cap)
{
	uint8_t inner[70000];
	size_t n = 0, hn = 0;
	struct rt_err err = { 0 };
	struct rt_buf b;

	assert_int_equal(rt_hex_decode(inner_hex, strlen(inner_hex), inner, sizeof(inner), &n, &err), 0);
	rt_buf_init(&b, cap);
	assert_int_equal(rt_tlv_put(&b, 0xE0, inner, n, &err), 0);
	memcpy(out, b.data, b.len);
	hn = b.len;
	rt_buf_free(&b);
	return hn;
}

/* The mandatory fields of a document, nothing repeated. */
#define DOC_BASE "800400000001 8200 830400040000 84020001 850100 A407 800100 8100 8200"
/* One ISD-P with every field (empty optional parts). */
#define ISDP_FIELDS(state, aid)                                                          \
	"8001" state " 81" aid " 8203000001 8300 840100 8500 860400000000 870400000000 A800 "  \
	"8900 8A00 8B0100"

static void expect_doc_err(const char *inner_hex, int code, const char *needle)
{
	static uint8_t buf[80000];
	size_t n = doc_hex(inner_hex, buf, sizeof(buf));

	expect_decode_err(buf, n, code, needle);
}

static void expect_doc_ok(const char *inner_hex, struct rt_euicc_state *st)
{
	static uint8_t buf[80000];
	struct rt_err err = { 0 };
	size_t n = doc_hex(inner_hex, buf, sizeof(buf));

	if (rt_euicc_state_decode(buf, n, st, &err)) {
		fprintf(stderr, "decode: %s\n", err.msg);
		fail();
	}
}

/* Wraps hex in tag (one byte) with the right length, as hex text. */
static void wrap_hex(char *out, size_t cap, const char *tag, const char *hex)
{
	uint8_t v[4096];
	size_t n = 0;
	struct rt_err err = { 0 };

	assert_int_equal(rt_hex_decode(hex, strlen(hex), v, sizeof(v), &n, &err), 0);
	assert_true(n < 0x80);
	snprintf(out, cap, "%s%02zX%s", tag, n, hex);
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_round_trip_full(void **state)
{
	struct rt_euicc_state st, back, again;
	struct rt_buf b, b2;
	struct rt_err err = { 0 };

	(void)state;
	fill_full(&st, RT_EUICC_PKG_MAX);
	assert_int_equal(rt_euicc_state_check(&st, &err), 0);
	encode_ok(&st, &b);
	assert_true(b.len > (RT_EUICC_MAX_ISDP - 1) * (size_t)RT_EUICC_PKG_MAX);
	assert_true(b.len <= RT_EUICC_STATE_FILE_MAX);
	assert_int_equal(rt_euicc_state_decode(b.data, b.len, &back, &err), 0);
	assert_state_same(&st, &back);
	assert_int_equal(rt_euicc_state_equal(&st, &back, &err), 1);
	/* Canonical: the decoded model encodes to the same bytes. */
	encode_ok(&back, &b2);
	assert_int_equal(b.len, b2.len);
	assert_memory_equal(b.data, b2.data, b.len);
	/* A deep copy is the same state; changing one byte makes it different. */
	assert_int_equal(rt_euicc_state_copy(&again, &back, &err), 0);
	assert_int_equal(rt_euicc_state_equal(&again, &st, &err), 1);
	again.isdp[3].pkg[100] ^= 1;
	assert_int_equal(rt_euicc_state_equal(&again, &st, &err), 0);
	rt_euicc_state_free(&again);
	rt_buf_free(&b2);
	rt_buf_free(&b);
	rt_euicc_state_free(&back);
	rt_euicc_state_free(&st);
}

static void test_round_trip_empty_and_sparse(void **state)
{
	struct rt_euicc_state st, back;
	struct rt_buf b;
	struct rt_err err = { 0 };

	(void)state;
	rt_euicc_state_init(&st, 0);
	encode_ok(&st, &b);
	assert_int_equal(rt_euicc_state_decode(b.data, b.len, &back, &err), 0);
	assert_state_same(&st, &back);
	rt_euicc_state_free(&back);
	rt_buf_free(&b);
	/* Used slots anywhere in the tables; a package of 0 bytes is no package. */
	st.scp80[3].kvn = 1;
	st.scp80[3].kic_len = 16;
	st.isdp[15].state = RT_ISDP_SELECTABLE;
	st.isdp[15].aid_len = 16;
	st.isdp[15].pkg = malloc(1);
	st.isdp[15].pkg_len = 0;
	st.isdp[9].state = RT_ISDP_ENABLED;
	st.isdp[9].aid_len = 5;
	st.notif[7].used = 1;
	encode_ok(&st, &b);
	assert_int_equal(rt_euicc_state_decode(b.data, b.len, &back, &err), 0);
	assert_state_same(&st, &back);
	assert_int_equal(back.isdp[0].state, RT_ISDP_ENABLED);
	assert_null(back.isdp[1].pkg);
	assert_int_equal(rt_euicc_state_equal(&st, &back, &err), 1);
	rt_euicc_state_free(&back);
	rt_buf_free(&b);
	rt_euicc_state_free(&st);
}

/* The encoder refuses models the decoder would refuse (the card could not restart). */
static void test_encode_refuses_invalid(void **state)
{
	struct rt_euicc_state st;
	struct rt_buf b;
	struct rt_err err = { 0 };
	struct {
		const char *needle;
		int field;
	} cases[] = {
		{ "AID of 17 bytes", 0 },        { "AID of 4 bytes", 1 },
		{ "SCP80 KVN 10", 2 },           { "two SCP80 keysets 01", 3 },
		{ "2 ISD-Ps enabled", 4 },       { "fall-back attribute", 5 },
		{ "same AID", 6 },               { "SCP03 keys of 20 bytes", 7 },
		{ "POL1", 8 },                   { "profile package of 65537", 9 },
		{ "SM-SR addressing", 10 },      { "notification AID of 17", 11 },
		{ "roll-back AID", 12 },         { "ISD-P state 05", 13 },
		{ "unknown algorithm", 14 },
		{ "2 ISD-Ps with the emergency attribute", 15 },
		{ "both the fall-back and the emergency attribute", 16 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rt_euicc_state_init(&st, 1000);
		st.isdp[0].state = st.isdp[1].state = RT_ISDP_DISABLED;
		st.isdp[0].aid_len = st.isdp[1].aid_len = 16;
		st.isdp[1].aid[0] = 1;
		st.scp80[0].kvn = 1;
		switch (cases[i].field) {
		case 0: st.isdp[0].aid_len = 17; break;
		case 1: st.isdp[0].aid_len = 4; break;
		case 2: st.scp80[0].kvn = 0x10; break;
		case 3: st.scp80[2].kvn = 1; break;
		case 4: st.isdp[0].state = st.isdp[1].state = RT_ISDP_ENABLED; break;
		case 5: st.isdp[0].fallback = st.isdp[1].fallback = 1; break;
		case 6: st.isdp[1].aid[0] = 0; break;
		case 7: st.isdp[0].scp03.kvn = 0x30; st.isdp[0].scp03.key_len = 20; break;
		case 8: st.isdp[0].pol1_len = 200; break;
		case 9: st.isdp[0].pkg = malloc(1); st.isdp[0].pkg_len = RT_EUICC_PKG_MAX + 1; break;
		case 10: st.smsr_addr_len = 129; break;
		case 11: st.notif[0].used = 1; st.notif[0].aid_len = 17; break;
		case 12: st.rollback_from_len = 17; break;
		case 13: st.isdp[0].state = (enum rt_isdp_state)5; break;
		case 15: st.isdp[0].emergency = st.isdp[1].emergency = 1; break;
		case 16: st.isdp[0].emergency = st.isdp[0].fallback = 1; break;
		default: st.scp80[0].kid_alg = (enum rt_scp80_alg)99; break;
		}
		rt_buf_init(&b, RT_EUICC_STATE_FILE_MAX);
		assert_int_equal(rt_euicc_state_encode(&st, &b, &err), RT_EINVAL);
		assert_err_has(&err, cases[i].needle);
		assert_int_equal(b.len, 0);
		rt_buf_free(&b);
		rt_euicc_state_free(&st);
	}
}

/* A mid-sized real encoding truncated at every byte: every prefix is an error. */
static void test_truncation_everywhere(void **state)
{
	struct rt_euicc_state st;
	struct rt_buf b;
	size_t cut;

	(void)state;
	fill_full(&st, 40);
	encode_ok(&st, &b);
	for (cut = 0; cut < b.len; cut++)
		expect_decode_err(b.data, cut, RT_EPROTO, "card state");
	/* And one byte more than the document. */
	{
		uint8_t *x = malloc(b.len + 1);

		memcpy(x, b.data, b.len);
		x[b.len] = 0x00;
		expect_decode_err(x, b.len + 1, RT_EPROTO, "not a state document");
		free(x);
	}
	rt_buf_free(&b);
	rt_euicc_state_free(&st);
}

/* Collects the offsets of every tag in a TLV tree. */
static void collect_tags(const uint8_t *buf, size_t len, size_t base, size_t *offs, size_t *n,
			 size_t cap)
{
	struct rt_tlv_iter it;
	struct rt_tlv t;

	rt_tlv_iter_init(&it, buf, len, 0);
	while (!rt_tlv_iter_done(&it)) {
		assert_int_equal(rt_tlv_next(&it, &t, NULL), 0);
		assert_true(*n < cap);
		offs[(*n)++] = base + t.offset;
		if (t.constructed && t.len)
			collect_tags(t.value, t.len, base + t.offset + t.hdr_len, offs, n, cap);
	}
}

/* Every tag of a real encoding replaced by every other byte value: each variant is
 * refused (unknown, repeated or missing field, broken structure), never a different
 * card state. */
static void test_every_tag_replaced(void **state)
{
	struct rt_euicc_state st;
	struct rt_buf b;
	size_t offs[512], n = 0, i;
	unsigned v, tried = 0;
	uint8_t *x;

	(void)state;
	rt_euicc_state_init(&st, 5000);
	fill_full(&st, 3);
	/* Keep it small: two of each repeated item. */
	for (i = 2; i < RT_EUICC_MAX_ISDP; i++) {
		free(st.isdp[i].pkg);
		memset(&st.isdp[i], 0, sizeof(st.isdp[i]));
	}
	st.isdp[0].state = RT_ISDP_ENABLED;
	for (i = 2; i < RT_EUICC_MAX_SCP80; i++)
		st.scp80[i].kvn = 0;
	for (i = 2; i < RT_EUICC_MAX_NOTIF; i++)
		st.notif[i].used = 0;
	encode_ok(&st, &b);
	collect_tags(b.data, b.len, 0, offs, &n, sizeof(offs) / sizeof(offs[0]));
	assert_true(n > 50);
	x = malloc(b.len);
	for (i = 0; i < n; i++) {
		for (v = 0; v < 256; v++) {
			struct rt_euicc_state d;
			struct rt_err err = { 0 };
			int rc;

			if (v == b.data[offs[i]])
				continue;
			memcpy(x, b.data, b.len);
			x[offs[i]] = (uint8_t)v;
			rc = rt_euicc_state_decode(x, b.len, &d, &err);
			if (rc == 0) {
				fprintf(stderr, "tag at offset %zu (%02X) replaced by %02X: accepted\n",
					offs[i], b.data[offs[i]], v);
				fail();
			}
			assert_true(rc == RT_EPROTO);
			assert_true(err.msg[0] != '\0');
			tried++;
		}
	}
	print_message("      %u tag replacements at %zu tags, all refused\n", tried, n);
	free(x);
	rt_buf_free(&b);
	rt_euicc_state_free(&st);
}

static void test_hand_made_documents(void **state)
{
	struct rt_euicc_state st;
	char isdp[512], buf[4096], big[70000 * 2 + 64];
	size_t i;

	(void)state;
	expect_doc_ok(DOC_BASE, &st);
	assert_int_equal(st.mem_total, 0x40000);
	assert_int_equal(st.next_seq, 1);
	rt_euicc_state_free(&st);
	/* Fields in another order are fine. */
	expect_doc_ok("A407 800100 8100 8200 850100 84020001 830400040000 8200 800400000001", &st);
	rt_euicc_state_free(&st);

	/* version */
	expect_doc_err("800400000002 8200 830400040000 84020001 850100 A407800100 8100 8200",
		       RT_ENOTSUP, "card state version 2");
	/* a newer version with fields unknown here is still "version", not "unknown tag" */
	expect_doc_err("9F7F0100 800400000003 8200", RT_ENOTSUP, "version 3");
	expect_doc_err("80030000018200 830400040000 84020001 850100 A407800100 8100 8200",
		       RT_EPROTO, "version has 3 bytes");
	expect_doc_err("8200 830400040000 84020001 850100 A407800100 8100 8200", RT_EPROTO,
		       "without version");
	/* wrong lengths */
	expect_doc_err("800400000001 8200 8303040000 84020001 850100 A407800100 8100 8200",
		       RT_EPROTO, "memory has 3 bytes");
	expect_doc_err("800400000001 8200 830400040000 8401 01 850100 A407800100 8100 8200",
		       RT_EPROTO, "sequence number has 1 bytes");
	expect_doc_err("800400000001 8200 830400040000 84020001 850102 A407800100 8100 8200",
		       RT_EPROTO, "declaration flag is 02");
	expect_doc_err("800400000001 8200 830400040000 84020001 850100 A407800102 8100 8200",
		       RT_EPROTO, "change-pending flag is 02");
	expect_doc_err("800400000001 8200 830400040000 84020001 850100 A418 800100 8200 "
		       "8111000102030405060708090A0B0C0D0E0F10",
		       RT_EPROTO, "roll-back AID has 17 bytes (0..16)");
	/* unknown, repeated, missing */
	expect_doc_err(DOC_BASE " 860100", RT_EPROTO, "unknown tag 86 at offset");
	expect_doc_err(DOC_BASE " 9F2000", RT_EPROTO, "unknown tag 9F20");
	expect_doc_err(DOC_BASE " 8200", RT_EPROTO, "tag 82 repeated");
	expect_doc_err(DOC_BASE " A407 800100 8100 8200", RT_EPROTO, "tag A4 repeated");
	expect_doc_err("800400000001 8200 830400040000 84020001 850100", RT_EPROTO,
		       "without roll-back record");
	expect_doc_err("800400000001 8200 830400040000 84020001 850100 A405 800100 8100",
		       RT_EPROTO, "roll-back record without roll-back source");
	expect_doc_err("800400000001 8200 830400040000 84020001 850100 A40A 800100 8100 8200 830100",
		       RT_EPROTO, "unknown tag 83");
	/* over-long values */
	snprintf(buf, sizeof(buf), "800400000001 8281%02X", RT_EUICC_PARAM_MAX + 1);
	for (i = 0; i <= RT_EUICC_PARAM_MAX; i++)
		strncat(buf, "AB", sizeof(buf) - strlen(buf) - 1);
	strncat(buf, " 830400040000 84020001 850100 A407 800100 8100 8200", sizeof(buf) - strlen(buf) - 1);
	expect_doc_err(buf, RT_EPROTO, "SM-SR addressing parameters has 129 bytes (0..128)");
	expect_doc_err(DOC_BASE " A3 0E 80020001 810101 8211 000102030405060708090A0B0C0D0E0F10 830100",
		       RT_EPROTO, NULL);
	/* non-minimal and indefinite lengths */
	expect_doc_err("800400000001 828100 830400040000 84020001 850100 A407800100 8100 8200",
		       RT_EPROTO, "non-minimal length");
	{
		static const char indef[] =
			"E080 800400000001 8200 830400040000 84020001 850100 A407800100 8100 8200 0000";
		uint8_t raw[128];
		size_t n = 0;

		assert_int_equal(rt_hex_decode(indef, strlen(indef), raw, sizeof(raw), &n, NULL), 0);
		expect_decode_err(raw, n, RT_EPROTO, "non-minimal length");
		raw[0] = 0xE1;
		expect_decode_err(raw, n, RT_EPROTO, "not a state document");
		expect_decode_err(raw, 0, RT_EPROTO, "empty");
		expect_decode_err(NULL, 0, RT_EPROTO, "empty");
	}

	/* ISD-Ps */
	wrap_hex(isdp, sizeof(isdp), "A2", ISDP_FIELDS("07", "05A000000559"));
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_ok(buf, &st);
	assert_int_equal(st.isdp[0].state, RT_ISDP_SELECTABLE);
	assert_int_equal(st.isdp[0].aid_len, 5);
	assert_false(st.isdp[0].has_iccid);
	assert_null(st.isdp[0].pkg);
	assert_int_equal(st.isdp[0].scp03.kvn, 0);
	rt_euicc_state_free(&st);
	wrap_hex(isdp, sizeof(isdp), "A2", ISDP_FIELDS("05", "05A000000559"));
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, "ISD-P state 05");
	wrap_hex(isdp, sizeof(isdp), "A2", ISDP_FIELDS("07", "04A0000005"));
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, "ISD-P AID has 4 bytes (5..16)");
	wrap_hex(isdp, sizeof(isdp), "A2", ISDP_FIELDS("07", "05A000000559") " 880100");
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, "unknown tag 88");
	wrap_hex(isdp, sizeof(isdp), "A2", ISDP_FIELDS("07", "05A000000559") " 8300");
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, "tag 83 repeated");
	wrap_hex(isdp, sizeof(isdp), "A2",
		 "800107 8105A000000559 8203000001 8300 840100 8500 860400000000 870400000000 "
		 "A800 8900 8B0100");
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, "an ISD-P without profile package");
	wrap_hex(isdp, sizeof(isdp), "A2",
		 "800107 8105A000000559 8203000001 830501020304 05 840100 8500 860400000000 "
		 "870400000000 A800 8900 8A00 8B0100");
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, "ICCID has 5 bytes (0 or 10)");
	wrap_hex(isdp, sizeof(isdp), "A2",
		 "800107 8105A000000559 8203000001 8300 840102 8500 860400000000 870400000000 "
		 "A800 8900 8A00 8B0100");
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, "fall-back attribute is 02");
	/* the Emergency Profile Attribute (SGP.02 3.25): a flag, required, one holder, never
	 * with the fall-back attribute */
	wrap_hex(isdp, sizeof(isdp), "A2",
		 "800107 8105A000000559 8203000001 8300 840100 8500 860400000000 870400000000 "
		 "A800 8900 8A00 8B0102");
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, "emergency attribute is 02");
	wrap_hex(isdp, sizeof(isdp), "A2",
		 "800107 8105A000000559 8203000001 8300 840100 8500 860400000000 870400000000 "
		 "A800 8900 8A00");
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, "an ISD-P without emergency attribute");
	wrap_hex(isdp, sizeof(isdp), "A2",
		 "800107 8105A000000559 8203000001 8300 840101 8500 860400000000 870400000000 "
		 "A800 8900 8A00 8B0101");
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, "both the fall-back and the emergency attribute");
	wrap_hex(isdp, sizeof(isdp), "A2",
		 "80011F 8105A000000559 8203000001 8300 840100 8500 860400000000 870400000000 "
		 "A800 8900 8A00 8B0101");
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_ok(buf, &st);
	assert_true(st.isdp[0].emergency);
	rt_euicc_state_free(&st);
	{
		char b2[512];

		wrap_hex(b2, sizeof(b2), "A2",
			 "80011F 8105A000000558 8203000002 8300 840100 8500 860400000000 "
			 "870400000000 A800 8900 8A00 8B0101");
		snprintf(buf, sizeof(buf), DOC_BASE " %s %s", isdp, b2);
		expect_doc_err(buf, RT_EPROTO, "2 ISD-Ps with the emergency attribute");
	}
	/* SCP03 inside */
	wrap_hex(isdp, sizeof(isdp), "A2",
		 "800107 8105A000000559 8203000001 8300 840100 8500 860400000000 870400000000 "
		 "A80D 800130 810F000102030405060708090A0B0C0D0E 8900 8A00 8B0100");
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, NULL);
	wrap_hex(isdp, sizeof(isdp), "A2",
		 "800107 8105A000000559 8203000001 8300 840100 8500 860400000000 870400000000 "
		 "A803 800130 8900 8A00 8B0100");
	snprintf(buf, sizeof(buf), DOC_BASE " %s", isdp);
	expect_doc_err(buf, RT_EPROTO, "an SCP03 keyset without S-ENC");
	/* two ISD-Ps: same AID, two enabled */
	{
		char a[512], b2[512];

		wrap_hex(a, sizeof(a), "A2", ISDP_FIELDS("1F", "05A000000559"));
		wrap_hex(b2, sizeof(b2), "A2", ISDP_FIELDS("3F", "05A000000559"));
		snprintf(buf, sizeof(buf), DOC_BASE " %s %s", a, b2);
		expect_doc_err(buf, RT_EPROTO, "two ISD-Ps with the same AID");
		wrap_hex(a, sizeof(a), "A2", ISDP_FIELDS("3F", "05A000000558"));
		snprintf(buf, sizeof(buf), DOC_BASE " %s %s", a, b2);
		expect_doc_err(buf, RT_EPROTO, "2 ISD-Ps enabled");
	}
	/* 17 ISD-Ps */
	{
		size_t k;

		snprintf(big, sizeof(big), DOC_BASE);
		for (k = 0; k < RT_EUICC_MAX_ISDP + 1; k++) {
			snprintf(buf, sizeof(buf),
				 "800107 8105A0000005%02zX 8203000001 8300 840100 8500 860400000000 "
				 "870400000000 A800 8900 8A00 8B0100", k);
			wrap_hex(isdp, sizeof(isdp), "A2", buf);
			strncat(big, " ", sizeof(big) - strlen(big) - 1);
			strncat(big, isdp, sizeof(big) - strlen(big) - 1);
		}
		expect_doc_err(big, RT_EPROTO, "more than 16 ISD-Ps");
	}
	/* 5 SCP80 keysets, 9 notifications */
	{
		size_t k;

		snprintf(big, sizeof(big), DOC_BASE);
		for (k = 0; k < RT_EUICC_MAX_SCP80 + 1; k++) {
			snprintf(buf, sizeof(buf), " A116 8001%02zX 810105 820109 8300 8400 8500 86050000000000",
				 k + 1);
			strncat(big, buf, sizeof(big) - strlen(big) - 1);
		}
		expect_doc_err(big, RT_EPROTO, "more than 4 SCP80 keysets");
		snprintf(big, sizeof(big), DOC_BASE " A116 800110 810105 820109 8300 8400 8500 86050000000000");
		expect_doc_err(big, RT_EPROTO, "SCP80 KVN 10 (01..0F)");
		snprintf(big, sizeof(big), DOC_BASE " A116 800101 81010C 820109 8300 8400 8500 86050000000000");
		expect_doc_err(big, RT_EPROTO, "SCP80 algorithm 12");
		snprintf(big, sizeof(big), DOC_BASE " A115 800101 810105 820109 8300 8400 8500 860400000000");
		expect_doc_err(big, RT_EPROTO, "SCP80 counter has 4 bytes (5..5)");
		snprintf(big, sizeof(big), DOC_BASE " A111 800101 810105 820109 8300 8400 8500 8600");
		expect_doc_err(big, RT_EPROTO, "SCP80 counter has 0 bytes");
		snprintf(big, sizeof(big), DOC_BASE " A114 800101 810105 820109 8300 8400 86050000000000");
		expect_doc_err(big, RT_EPROTO, "an SCP80 keyset without DEK");
		snprintf(big, sizeof(big), DOC_BASE);
		for (k = 0; k < RT_EUICC_MAX_NOTIF + 1; k++) {
			snprintf(buf, sizeof(buf), " A30C 8002%04zX 810102 8200 830100", k);
			strncat(big, buf, sizeof(big) - strlen(big) - 1);
		}
		expect_doc_err(big, RT_EPROTO, "more than 8 notifications");
	}
}

/* A package over RT_EUICC_PKG_MAX inside an otherwise valid ISD-P. */
static void test_package_over_max(void **state)
{
	static const char fields[] =
		"800107 8105A000000559 8203000001 8300 840100 8500 860400000000 870400000000 A800 8900 "
		"8B0100";
	uint8_t f[64], *pkg;
	size_t fn = 0;
	struct rt_buf isdp, doc, out;
	struct rt_err err = { 0 };
	struct rt_euicc_state st;
	uint8_t base[64];
	size_t bn = 0;

	(void)state;
	assert_int_equal(rt_hex_decode(fields, strlen(fields), f, sizeof(f), &fn, NULL), 0);
	assert_int_equal(rt_hex_decode(DOC_BASE, strlen(DOC_BASE), base, sizeof(base), &bn, NULL), 0);
	pkg = calloc(1, RT_EUICC_PKG_MAX + 1);
	for (size_t m = RT_EUICC_PKG_MAX; m <= RT_EUICC_PKG_MAX + 1; m++) {
		rt_buf_init(&isdp, 2 * RT_EUICC_PKG_MAX);
		rt_buf_init(&doc, 2 * RT_EUICC_PKG_MAX);
		rt_buf_init(&out, 2 * RT_EUICC_PKG_MAX);
		assert_int_equal(rt_buf_append(&isdp, f, fn), 0);
		assert_int_equal(rt_tlv_put(&isdp, 0x8A, pkg, m, &err), 0);
		assert_int_equal(rt_buf_append(&doc, base, bn), 0);
		assert_int_equal(rt_tlv_put(&doc, 0xA2, isdp.data, isdp.len, &err), 0);
		assert_int_equal(rt_tlv_put(&out, 0xE0, doc.data, doc.len, &err), 0);
		if (m == RT_EUICC_PKG_MAX) {
			assert_int_equal(rt_euicc_state_decode(out.data, out.len, &st, &err), 0);
			assert_int_equal(st.isdp[0].pkg_len, RT_EUICC_PKG_MAX);
			rt_euicc_state_free(&st);
		} else {
			expect_decode_err(out.data, out.len, RT_EPROTO, "profile package of 65537 bytes");
		}
		rt_buf_free(&isdp);
		rt_buf_free(&doc);
		rt_buf_free(&out);
	}
	free(pkg);
}

/* ---- store ------------------------------------------------------------------------- */

static char tmpdir[256];

static int store_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rt_euicc_state_XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int store_teardown(void **state)
{
	char cmd[1024];

	(void)state;
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' && rm -rf '%s'", tmpdir, tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void test_store_save_load(void **state)
{
	char path[512], tmp[520];
	struct rt_euicc_state st, back;
	struct rt_err err = { 0 };
	struct stat sb;

	(void)state;
	snprintf(path, sizeof(path), "%s/card.state", tmpdir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	rt_euicc_state_init(&back, 7);
	/* missing file */
	assert_int_equal(rt_euicc_store_load(path, &back, &err), RT_ENOENT);
	assert_err_has(&err, "card.state");
	assert_int_equal(back.mem_total, 7); /* untouched */
	/* the biggest state there is */
	fill_full(&st, RT_EUICC_PKG_MAX);
	assert_int_equal(rt_euicc_store_save(path, &st, &err), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600); /* it holds keys */
	assert_int_not_equal(access(tmp, F_OK), 0);  /* no .tmp left */
	assert_int_equal(rt_euicc_store_load(path, &back, &err), 0);
	assert_state_same(&st, &back);
	/* a leftover .tmp from a crash (garbage, or a newer half-written state) is ignored */
	write_file(tmp, "\xE0\x05garbage", 9);
	rt_euicc_state_free(&back);
	assert_int_equal(rt_euicc_store_load(path, &back, &err), 0);
	assert_state_same(&st, &back);
	/* ... and the next save replaces it */
	st.next_seq = 42;
	assert_int_equal(rt_euicc_store_save(path, &st, &err), 0);
	assert_int_not_equal(access(tmp, F_OK), 0);
	assert_int_equal(rt_euicc_store_load(path, &back, &err), 0);
	assert_int_equal(back.next_seq, 42);
	rt_euicc_state_free(&back);
	rt_euicc_state_free(&st);
}

static void test_store_damage(void **state)
{
	char path[512];
	struct rt_euicc_state st, back;
	struct rt_err err = { 0 };
	struct rt_buf b;
	uint8_t *big;

	(void)state;
	snprintf(path, sizeof(path), "%s/damaged.state", tmpdir);
	fill_full(&st, 10);
	encode_ok(&st, &b);
	rt_euicc_state_init(&back, 7);
	/* truncated (as a non-atomic writer would leave it): refused, st untouched */
	write_file(path, b.data, b.len / 2);
	assert_int_equal(rt_euicc_store_load(path, &back, &err), RT_EPROTO);
	assert_err_has(&err, "damaged.state");
	assert_err_has(&err, "card state");
	assert_int_equal(back.mem_total, 7);
	/* empty file */
	write_file(path, "", 0);
	assert_int_equal(rt_euicc_store_load(path, &back, &err), RT_EPROTO);
	assert_err_has(&err, "empty");
	/* newer version */
	b.data[6] = 9; /* 80 04 00 00 00 01 -> ... 09: E0 83 xx xx xx | 80 04 00 00 00 09 */
	{
		uint8_t doc[64];
		size_t n = doc_hex("800400000009 8200", doc, sizeof(doc));

		write_file(path, doc, n);
	}
	assert_int_equal(rt_euicc_store_load(path, &back, &err), RT_ENOTSUP);
	assert_err_has(&err, "version 9");
	/* larger than any state */
	big = calloc(1, RT_EUICC_STATE_FILE_MAX + 1);
	write_file(path, big, RT_EUICC_STATE_FILE_MAX + 1);
	free(big);
	assert_int_equal(rt_euicc_store_load(path, &back, &err), RT_EPROTO);
	assert_err_has(&err, "larger than a card state can be");
	/* a folder */
	assert_int_equal(rt_euicc_store_load(tmpdir, &back, &err), RT_EIO);
	assert_err_has(&err, "not a regular file");
	assert_int_equal(back.mem_total, 7);
	rt_buf_free(&b);
	rt_euicc_state_free(&back);
	rt_euicc_state_free(&st);
}

static void test_store_io_errors(void **state)
{
	char path[600], dir[300];
	struct rt_euicc_state st, back;
	struct rt_err err = { 0 };

	(void)state;
	rt_euicc_state_init(&st, 1234);
	rt_euicc_state_init(&back, 7);
	/* a folder that does not exist */
	snprintf(path, sizeof(path), "%s/no/such/folder/card.state", tmpdir);
	assert_int_equal(rt_euicc_store_save(path, &st, &err), RT_EIO);
	assert_err_has(&err, "card.state.tmp: No such file or directory");
	/* no path */
	assert_int_equal(rt_euicc_store_save("", &st, &err), RT_EINVAL);
	/* an invalid model is never written */
	snprintf(path, sizeof(path), "%s/invalid.state", tmpdir);
	st.isdp[0].state = RT_ISDP_ENABLED;
	st.isdp[0].aid_len = 2;
	assert_int_equal(rt_euicc_store_save(path, &st, &err), RT_EINVAL);
	assert_err_has(&err, "invalid.state");
	assert_int_not_equal(access(path, F_OK), 0);
	st.isdp[0].state = RT_ISDP_FREE;
	/* a regular file where a folder should be (also refused for root) */
	snprintf(path, sizeof(path), "%s/plain", tmpdir);
	write_file(path, "x", 1);
	snprintf(path, sizeof(path), "%s/plain/card.state", tmpdir);
	assert_int_equal(rt_euicc_store_save(path, &st, &err), RT_EIO);
	assert_err_has(&err, "Not a directory");
	assert_int_equal(rt_euicc_store_load(path, &back, &err), RT_EIO);
	assert_err_has(&err, "Not a directory");
	/* the state path is a folder: the rename fails, no .tmp is left behind */
	snprintf(dir, sizeof(dir), "%s/isdir", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(rt_euicc_store_save(dir, &st, &err), RT_EIO);
	assert_err_has(&err, "rename");
	snprintf(path, sizeof(path), "%s.tmp", dir);
	assert_int_not_equal(access(path, F_OK), 0);
	if (geteuid() == 0) {
		print_message("      (root: permission checks skipped)\n");
	} else {
		/* a read-only folder: save fails naming the cause, the old file stays */
		snprintf(dir, sizeof(dir), "%s/ro", tmpdir);
		assert_int_equal(mkdir(dir, 0700), 0);
		snprintf(path, sizeof(path), "%s/card.state", dir);
		assert_int_equal(rt_euicc_store_save(path, &st, &err), 0);
		assert_int_equal(chmod(dir, 0500), 0);
		st.mem_total = 999;
		assert_int_equal(rt_euicc_store_save(path, &st, &err), RT_EIO);
		assert_err_has(&err, "Permission denied");
		assert_int_equal(rt_euicc_store_load(path, &back, &err), 0);
		assert_int_equal(back.mem_total, 1234);
		/* an unreadable file */
		assert_int_equal(chmod(dir, 0700), 0);
		assert_int_equal(chmod(path, 0000), 0);
		assert_int_equal(rt_euicc_store_load(path, &back, &err), RT_EIO);
		assert_err_has(&err, "Permission denied");
		assert_int_equal(chmod(path, 0600), 0);
	}
	rt_euicc_state_free(&back);
	rt_euicc_state_free(&st);
}

/* The SIGKILL test hook: saves pause between the write and the rename. */
static void test_store_delay_hook(void **state)
{
	char path[512];
	struct rt_euicc_state st;
	struct rt_err err = { 0 };
	struct timespec t0, t1;
	long ms;

	(void)state;
	snprintf(path, sizeof(path), "%s/slow.state", tmpdir);
	rt_euicc_state_init(&st, 1);
	setenv("RT_EUICC_STORE_DELAY_US", "30000", 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(rt_euicc_store_save(path, &st, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	unsetenv("RT_EUICC_STORE_DELAY_US");
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 29);
	setenv("RT_EUICC_STORE_DELAY_US", "junk", 1);
	assert_int_equal(rt_euicc_store_save(path, &st, &err), 0);
	unsetenv("RT_EUICC_STORE_DELAY_US");
	rt_euicc_state_free(&st);
}

/* rt_euicc_new with a state file: created as manufactured, resumed afterwards, a
 * damaged one refused naming the file. */
static void test_card_state_file(void **state)
{
	char path[512];
	struct rt_euicc_config cfg;
	struct rt_euicc *card = NULL;
	struct rt_euicc_state st;
	struct rt_err err = { 0 };

	(void)state;
	snprintf(path, sizeof(path), "%s/new-card.state", tmpdir);
	rt_euicc_config_default(&cfg);
	cfg.state_path = path;
	assert_int_equal(rt_euicc_new(&cfg, &card, &err), 0);
	rt_euicc_free(card);
	rt_euicc_state_init(&st, 0);
	assert_int_equal(rt_euicc_store_load(path, &st, &err), 0);
	assert_int_equal(st.mem_total, cfg.mem_total);
	assert_int_equal(st.scp80[0].kvn, 1);
	assert_int_equal(st.scp80[0].kic_len, 16);
	/* the file wins over the configuration once it exists */
	st.mem_total = 4321;
	assert_int_equal(rt_euicc_store_save(path, &st, &err), 0);
	assert_int_equal(rt_euicc_new(&cfg, &card, &err), 0);
	rt_euicc_free(card);
	assert_int_equal(rt_euicc_store_load(path, &st, &err), 0);
	assert_int_equal(st.mem_total, 4321);
	rt_euicc_state_free(&st);
	write_file(path, "\xE0\x01\x80", 3);
	assert_int_not_equal(rt_euicc_new(&cfg, &card, &err), 0);
	assert_null(card);
	assert_err_has(&err, "new-card.state");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_full),
		cmocka_unit_test(test_round_trip_empty_and_sparse),
		cmocka_unit_test(test_encode_refuses_invalid),
		cmocka_unit_test(test_truncation_everywhere),
		cmocka_unit_test(test_every_tag_replaced),
		cmocka_unit_test(test_hand_made_documents),
		cmocka_unit_test(test_package_over_max),
		cmocka_unit_test(test_store_save_load),
		cmocka_unit_test(test_store_damage),
		cmocka_unit_test(test_store_io_errors),
		cmocka_unit_test(test_store_delay_hook),
		cmocka_unit_test(test_card_state_file),
	};

	return cmocka_run_group_tests(tests, store_setup, store_teardown);
}
