/* SPDX-License-Identifier: Apache-2.0 */
/* test_euicc_isdr — the ISD-R's ES5 functions of the reference eUICC
 * (roles/euicc/rt_euicc_isdr.c).
 *
 * Commands reach the ISD-R as the OTA path runs them (rt_euicc_exec: the executor channel
 * that rt_euicc_from_ota recognises) and, for the 6982 checks, through the card's contact
 * interface (struct rt_icc) after SELECT ISD-R. Covers every handler and error SW, the
 * profile life-cycle transitions (table-driven), POL1 in both codings and its fault knob,
 * the fall-back attribute, the Emergency Profile Attribute (its configured DGI and fault
 * knob), MasterDelete tokens, GET STATUS / GET DATA audits, the
 * notification queue (E1 encoding, confirmation, retries then roll-back, the declaration,
 * the forget_notification fault), REFRESH, and that every change is persisted (state file
 * reloaded, encode/decode round trip) and a failed save answers 6F00. The state is set
 * up directly in card->st where a precondition needs an installed profile (ES8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "codec/rt_apdu.h"
#include "codec/rt_tlv.h"
#include "crypto/rt_crypto.h"
#include "roles/euicc/rt_euicc.h"
#include "roles/euicc/rt_euicc_int.h"
#include "roles/euicc/rt_euicc_state.h"
#include "roles/euicc/rt_euicc_store.h"
#include "util/rt_buf.h"
#include "util/rt_hex.h"

/* --- helpers ------------------------------------------------------------------------ */

struct fx {
	struct rt_euicc *card;
	struct rt_euicc_resp resp;
	char dir[64];
	char path[96];
};

static struct rt_euicc *new_card(unsigned faults, const char *state_path)
{
	struct rt_euicc_config cfg;
	struct rt_euicc *card = NULL;
	struct rt_err err = { 0 };

	rt_euicc_config_default(&cfg);
	cfg.faults = faults;
	cfg.state_path = state_path;
	assert_int_equal(rt_euicc_new(&cfg, &card, &err), 0);
	return card;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/rt_isdr_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/card.state", f->dir);
	f->card = new_card(0, f->path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char tmp[128];

	rt_euicc_free(f->card);
	unlink(f->path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
	unlink(tmp);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Runs one C-APDU (hex) in the ISD-R as the OTA executor does. */
static uint16_t ota(struct fx *f, const char *hex)
{
	uint8_t c[300];
	size_t n;

	assert_int_equal(rt_hex_decode(hex, strlen(hex), c, sizeof(c), &n, NULL), 0);
	memset(&f->resp, 0, sizeof(f->resp));
	return rt_euicc_exec(f->card, &rt_euicc_app_isdr, -1, c, n, &f->resp);
}

/* Builds and runs a C-APDU from parts (hex data). */
static uint16_t ota_cmd(struct fx *f, uint8_t ins, uint8_t p1, uint8_t p2, const char *data_hex)
{
	uint8_t data[260], c[300];
	size_t dn = 0, cn;

	if (data_hex)
		assert_int_equal(rt_hex_decode(data_hex, strlen(data_hex), data, sizeof(data), &dn,
					       NULL), 0);
	assert_int_equal(rt_capdu_build(0x80, ins, p1, p2, data, dn, 0, 0, c, sizeof(c), &cn, NULL),
			 0);
	memset(&f->resp, 0, sizeof(f->resp));
	return rt_euicc_exec(f->card, &rt_euicc_app_isdr, -1, c, cn, &f->resp);
}

/* ISD-P AID for TAR 00 xx yy. */
static void isdp_aid(unsigned tar, uint8_t aid[16])
{
	static const uint8_t prefix[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10,
					  0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89 };

	memcpy(aid, prefix, sizeof(prefix));
	aid[12] = (uint8_t)(tar >> 16);
	aid[13] = (uint8_t)(tar >> 8);
	aid[14] = (uint8_t)tar;
	aid[15] = 0x00;
}

static void aid_hex(unsigned tar, char out[33])
{
	uint8_t aid[16];

	isdp_aid(tar, aid);
	assert_int_equal(rt_hex_encode(aid, 16, out, 33), 0);
}

/* INSTALL [for install and make selectable] of an ISD-P (facts §4.1), memory in EF 83. */
static uint16_t create(struct fx *f, unsigned tar, long memory)
{
	char aid[33], data[200];

	aid_hex(tar, aid);
	if (memory >= 0)
		snprintf(data, sizeof(data),
			 "10A0000005591010FFFFFFFF8900000D0010A0000005591010FFFFFFFF8900000E0010%s"
			 "03 80C000 0C C90481020370 EF0483 02%04lX 00",
			 aid, memory);
	else
		snprintf(data, sizeof(data),
			 "10A0000005591010FFFFFFFF8900000D0010A0000005591010FFFFFFFF8900000E0010%s"
			 "03 80C000 06 C90481020370 00",
			 aid);
	return ota_cmd(f, 0xE6, 0x0C, 0x00, data);
}

/* A DGI with a '4F' AID (EnableProfile & co., facts §5.2). */
static uint16_t dgi_aid(struct fx *f, unsigned dgi, unsigned tar)
{
	char aid[33], data[80];

	aid_hex(tar, aid);
	snprintf(data, sizeof(data), "%04X 12 4F10 %s", dgi, aid);
	return ota_cmd(f, 0xE2, 0x88, 0x00, data);
}

static uint16_t del(struct fx *f, unsigned tar)
{
	char aid[33], data[80];

	aid_hex(tar, aid);
	snprintf(data, sizeof(data), "4F10%s", aid);
	return ota_cmd(f, 0xE4, 0x00, 0x40, data);
}

static struct rt_euicc_isdp *isdp(struct fx *f, unsigned tar)
{
	uint8_t aid[16];

	isdp_aid(tar, aid);
	return rt_euicc_isdp_by_aid(&f->card->st, aid, 16);
}

/* Puts an ISD-P into the state directly (what ES8 would have done). */
static struct rt_euicc_isdp *put_isdp(struct fx *f, unsigned tar, enum rt_isdp_state st,
				      int fallback, int pol1)
{
	struct rt_euicc_isdp *p;

	if (!isdp(f, tar))
		assert_int_equal(create(f, tar, 4096), RT_SW_OK);
	p = isdp(f, tar);
	assert_non_null(p);
	p->state = st;
	p->fallback = fallback;
	p->pol1_len = pol1 >= 0 ? 1 : 0;
	p->pol1[0] = pol1 >= 0 ? (uint8_t)pol1 : 0;
	assert_int_equal(rt_euicc_commit(f->card), 0);
	return p;
}

static size_t notif_count(struct fx *f)
{
	size_t i, n = 0;

	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++)
		n += f->card->st.notif[i].used ? 1 : 0;
	return n;
}

static struct rt_euicc_notif *notif_of_type(struct fx *f, uint8_t type)
{
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++)
		if (f->card->st.notif[i].used && f->card->st.notif[i].type == type)
			return &f->card->st.notif[i];
	return NULL;
}

/* One flush: next_notification until it has nothing more; the first E1 is kept. Returns
 * how many notifications went out. */
static size_t flush_round(struct fx *f, uint8_t *first, size_t cap, size_t *first_len)
{
	uint8_t e1[256];
	size_t len, n = 0;

	*first_len = 0;
	for (;;) {
		assert_int_equal(rt_euicc_isdr_next_notification(f->card, e1, sizeof(e1), &len), 0);
		if (len == 0)
			return n;
		if (n++ == 0) {
			assert_true(len <= cap);
			memcpy(first, e1, len);
			*first_len = len;
		}
		assert_true(n <= RT_EUICC_MAX_NOTIF);
	}
}

/* The state file holds exactly what the card has in memory. */
static void assert_persisted(struct fx *f)
{
	struct rt_euicc_state loaded;
	struct rt_buf a, b;
	struct rt_err err = { 0 };

	rt_euicc_state_init(&loaded, 0);
	assert_int_equal(rt_euicc_store_load(f->path, &loaded, &err), 0);
	rt_buf_init(&a, RT_EUICC_STATE_MAX);
	rt_buf_init(&b, RT_EUICC_STATE_MAX);
	assert_int_equal(rt_euicc_state_encode(&f->card->st, &a, &err), 0);
	assert_int_equal(rt_euicc_state_encode(&loaded, &b, &err), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	rt_buf_free(&a);
	rt_buf_free(&b);
	rt_euicc_state_free(&loaded);
}

/* --- the contact interface ---------------------------------------------------------- */

static uint16_t contact(struct rt_icc *icc, const char *hex)
{
	uint8_t c[300], r[300];
	size_t n, rn = sizeof(r);

	assert_int_equal(rt_hex_decode(hex, strlen(hex), c, sizeof(c), &n, NULL), 0);
	assert_int_equal(icc->ops->process(icc->card, c, n, r, &rn), 0);
	assert_true(rn >= 2);
	return (uint16_t)(r[rn - 2] << 8 | r[rn - 1]);
}

static void test_contact_refused(void **state)
{
	struct fx *f = *state;
	struct rt_icc icc;
	uint8_t atr[40];
	size_t atr_len = sizeof(atr);
	char sel[64];

	rt_euicc_icc(f->card, &icc);
	assert_int_equal(icc.ops->reset(icc.card, atr, &atr_len), 0);
	snprintf(sel, sizeof(sel), "00A4040010A0000005591010FFFFFFFF8900000100");
	assert_int_equal(contact(&icc, sel), 0x9000);
	/* SGP.02 2.4 / docs/euicc-internals.md: ES5 only through the secured OTA path. */
	assert_int_equal(contact(&icc, "80E60C003910A0000005591010FFFFFFFF8900000D0010A0000005591010"
				       "FFFFFFFF8900000E0010A0000005591010FFFFFFFF8900001000"
				       "0380C000"
				       "0000"),
			 0x6982);
	assert_int_equal(contact(&icc, "80E2880015 3A03124F10A0000005591010FFFFFFFF8900001000"),
			 0x6982);
	assert_int_equal(contact(&icc, "80E4004012 4F10A0000005591010FFFFFFFF8900001000"), 0x6982);
	assert_int_equal(contact(&icc, "80F2400202 4F00"), 0x6982);
	assert_int_equal(contact(&icc, "80CABF3004 5C02FF21"), 0x6982);
	assert_int_equal(contact(&icc, "80CAFF2100"), 0x6982);
	assert_int_equal(contact(&icc, "80CA005A00"), 0x6A88); /* not an ES5 object */
	assert_int_equal(contact(&icc, "80E2890007 3A08044E020001"), 0x6982);
	/* Nothing changed. */
	assert_null(isdp(f, 0x10));
}

/* --- CreateISDP --------------------------------------------------------------------- */

static void test_create(void **state)
{
	struct fx *f = *state;
	struct rt_euicc_isdp *p;
	uint32_t before = rt_euicc_mem_free(&f->card->st);

	assert_int_equal(create(f, 0x10, 0x2000), RT_SW_OK);
	assert_int_equal(f->resp.len, 1);
	assert_int_equal(f->resp.data[0], 0x00);
	p = isdp(f, 0x10);
	assert_non_null(p);
	assert_int_equal(p->state, RT_ISDP_SELECTABLE);
	assert_int_equal(p->mem_quota, 0x2000);
	assert_memory_equal(p->tar, "\x00\x00\x10", 3);
	assert_int_equal(rt_euicc_mem_free(&f->card->st), before - 0x2000);
	assert_persisted(f);
	/* Without EF: the default quota. */
	assert_int_equal(create(f, 0x11, -1), RT_SW_OK);
	assert_int_equal(isdp(f, 0x11)->mem_quota, 16u << 10);
	/* The same AID/TAR again: conditions of use not satisfied. */
	assert_int_equal(create(f, 0x10, 0x100), 0x6985);
	/* GP system parameter C8 is a quota too. */
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00,
				 "10A0000005591010FFFFFFFF8900000D0010A0000005591010FFFFFFFF8900000E00"
				 "10A0000005591010FFFFFFFF8900001200"
				 "0380C000 0C C90481020370 EF04C8020400 00"),
			 RT_SW_OK);
	assert_int_equal(isdp(f, 0x12)->mem_quota, 0x400);
}

static void test_create_errors(void **state)
{
	struct fx *f = *state;
	static const char *const elf = "10A0000005591010FFFFFFFF8900000D00";
	static const char *const mod = "10A0000005591010FFFFFFFF8900000E00";
	static const char *const aid = "10A0000005591010FFFFFFFF8900001000";
	char d[256];

	/* Unknown load file / module: 6A88. */
	snprintf(d, sizeof(d), "10A0000005591010FFFFFFFF8900000C00%s%s0380C00006C9048102037000", mod,
		 aid);
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00, d), 0x6A88);
	snprintf(d, sizeof(d), "%s10A0000005591010FFFFFFFF8900000F00%s0380C00006C9048102037000", elf,
		 aid);
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00, d), 0x6A88);
	/* Malformed: truncated LV, trailing bytes, AID outside the ISD-P form, privileges
	 * without the SD bit, no C9, bad EF, a token. */
	snprintf(d, sizeof(d), "%s%s%s0380C0", elf, mod, aid);
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00, d), 0x6A80);
	snprintf(d, sizeof(d), "%s%s%s0380C00006C904810203700000", elf, mod, aid);
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00, d), 0x6A80);
	snprintf(d, sizeof(d), "%s%s10A0000005591010FFFFFFFF8800001000 0380C00006C9048102037000",
		 elf, mod);
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00, d), 0x6A80);
	snprintf(d, sizeof(d), "%s%s08A000000559101000 0380C00006C9048102037000", elf, mod);
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00, d), 0x6A80);
	snprintf(d, sizeof(d), "%s%s%s0300C00006C9048102037000", elf, mod, aid);
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00, d), 0x6A80);
	snprintf(d, sizeof(d), "%s%s%s0380C00004EF02830100", elf, mod, aid);
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00, d), 0x6A80);
	snprintf(d, sizeof(d), "%s%s%s0380C0000CC90481020370EF048305000000", elf, mod, aid);
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00, d), 0x6A80);
	snprintf(d, sizeof(d), "%s%s%s0380C00006C904810203700101", elf, mod, aid);
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00, d), 0x6A80);
	/* Other INSTALL variants: 6A86; no data: 6700. */
	snprintf(d, sizeof(d), "%s%s%s0380C00006C9048102037000", elf, mod, aid);
	assert_int_equal(ota_cmd(f, 0xE6, 0x04, 0x00, d), 0x6A86);
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x01, d), 0x6A86);
	assert_int_equal(ota(f, "80E60C0000"), 0x6700);
	assert_null(isdp(f, 0x10));
	assert_int_equal(ota_cmd(f, 0xE6, 0x0C, 0x00, d), RT_SW_OK);
}

static void test_create_memory(void **state)
{
	struct fx *f = *state;
	unsigned i;

	/* 256 KiB: a quota above what is free is 6A84 (SGP.02 4.1.1.1). */
	assert_int_equal(create(f, 0x10, 0xFFFF), RT_SW_OK);
	assert_int_equal(create(f, 0x11, 0xFFFF), RT_SW_OK);
	assert_int_equal(create(f, 0x12, 0xFFFF), RT_SW_OK);
	assert_int_equal(create(f, 0x13, 0xFFFF), RT_SW_OK);
	assert_int_equal(create(f, 0x14, 0x0100), 0x6A84);
	assert_null(isdp(f, 0x14));
	assert_int_equal(create(f, 0x14, 0x0004), RT_SW_OK);
	/* Deleting one gives its memory back. */
	assert_int_equal(del(f, 0x10), RT_SW_OK);
	assert_int_equal(create(f, 0x15, 0xFFF0), RT_SW_OK);
	/* Slots run out too (16 ISD-Ps). */
	for (i = 0x20; i < 0x20 + RT_EUICC_MAX_ISDP - 5; i++)
		assert_int_equal(create(f, i, 0), RT_SW_OK);
	assert_int_equal(create(f, 0x40, 0), 0x6A84);
}

static void test_create_ignore_memory_fault(void **state)
{
	struct fx *f = *state;

	rt_euicc_free(f->card);
	unlink(f->path);
	f->card = new_card(RT_EUICC_FAULT_IGNORE_MEMORY, f->path);
	f->card->st.mem_total = 0x1000;
	assert_int_equal(create(f, 0x10, 0x8000), RT_SW_OK); /* the bent rule */
}

/* --- the profile life cycle, table-driven ------------------------------------------- */

enum op { OP_ENABLE, OP_DISABLE, OP_FALLBACK, OP_DELETE };

struct lc_row {
	const char *name;
	enum rt_isdp_state target;   /* target ISD-P 0x10 */
	int target_fallback;
	int target_pol1;             /* -1 = none */
	enum rt_isdp_state other;    /* ISD-P 0x11 (FREE = absent) */
	int other_fallback;
	int other_pol1;
	enum op op;
	uint16_t sw;
	enum rt_isdp_state target_after;
	enum rt_isdp_state other_after;
};

#define S07 RT_ISDP_SELECTABLE
#define S0F RT_ISDP_PERSONALIZED
#define S1F RT_ISDP_DISABLED
#define S3F RT_ISDP_ENABLED
#define SFREE RT_ISDP_FREE

static const struct lc_row lc_rows[] = {
	/* EnableProfile (SGP.02 3.2 / 4.1.1.2) */
	{ "enable disabled, other enabled", S1F, 0, -1, S3F, 0, -1, OP_ENABLE, 0x9000, S3F, S1F },
	{ "enable disabled, none enabled", S1F, 0, -1, SFREE, 0, -1, OP_ENABLE, 0x9000, S3F, SFREE },
	{ "enable enabled", S3F, 0, -1, S1F, 0, -1, OP_ENABLE, 0x6985, S3F, S1F },
	{ "enable selectable", S07, 0, -1, S3F, 0, -1, OP_ENABLE, 0x6985, S07, S3F },
	{ "enable personalized", S0F, 0, -1, S3F, 0, -1, OP_ENABLE, 0x6985, S0F, S3F },
	{ "enable, enabled one POL1 no-disable", S1F, 0, -1, S3F, 0, 0x01, OP_ENABLE, 0x69E1, S1F, S3F },
	{ "enable, enabled one POL1 no-delete", S1F, 0, -1, S3F, 0, 0x02, OP_ENABLE, 0x9000, S3F, S1F },
	{ "enable fall-back profile", S1F, 1, -1, S3F, 0, -1, OP_ENABLE, 0x9000, S3F, S1F },
	/* DisableProfile (SGP.02 3.4 / 4.1.1.3): the fall-back profile takes over */
	{ "disable enabled, fall-back there", S3F, 0, -1, S1F, 1, -1, OP_DISABLE, 0x9000, S1F, S3F },
	{ "disable enabled, no fall-back", S3F, 0, -1, S1F, 0, -1, OP_DISABLE, 0x6985, S3F, S1F },
	{ "disable disabled", S1F, 0, -1, S3F, 1, -1, OP_DISABLE, 0x6985, S1F, S3F },
	{ "disable the fall-back profile", S3F, 1, -1, S1F, 0, -1, OP_DISABLE, 0x6985, S3F, S1F },
	{ "disable, POL1 no-disable", S3F, 0, 0x01, S1F, 1, -1, OP_DISABLE, 0x69E1, S3F, S1F },
	{ "disable, fall-back not installed", S3F, 0, -1, S0F, 1, -1, OP_DISABLE, 0x6985, S3F, S0F },
	/* SetFallBackAttribute (4.1.1.6) */
	{ "fall-back on disabled", S1F, 0, -1, S3F, 1, -1, OP_FALLBACK, 0x9000, S1F, S3F },
	{ "fall-back on enabled", S3F, 0, -1, SFREE, 0, -1, OP_FALLBACK, 0x9000, S3F, SFREE },
	{ "fall-back on selectable", S07, 0, -1, S3F, 1, -1, OP_FALLBACK, 0x6985, S07, S3F },
	/* DeleteProfile (SGP.02 3.6 / 4.1.1.4) */
	{ "delete disabled", S1F, 0, -1, S3F, 0, -1, OP_DELETE, 0x9000, SFREE, S3F },
	{ "delete selectable", S07, 0, -1, SFREE, 0, -1, OP_DELETE, 0x9000, SFREE, SFREE },
	{ "delete personalized", S0F, 0, -1, SFREE, 0, -1, OP_DELETE, 0x9000, SFREE, SFREE },
	{ "delete enabled", S3F, 0, -1, S1F, 1, -1, OP_DELETE, 0x6985, S3F, S1F },
	{ "delete fall-back", S1F, 1, -1, S3F, 0, -1, OP_DELETE, 0x6985, S1F, S3F },
	{ "delete, POL1 no-delete", S1F, 0, 0x02, S3F, 0, -1, OP_DELETE, 0x69E1, S1F, S3F },
	{ "delete, POL1 no-disable only", S1F, 0, 0x01, S3F, 0, -1, OP_DELETE, 0x9000, SFREE, S3F },
};

static void run_lc_row(struct fx *f, const struct lc_row *r)
{
	uint16_t sw = 0;
	struct rt_euicc_isdp *t, *o;

	put_isdp(f, 0x10, r->target, r->target_fallback, r->target_pol1);
	if (r->other != SFREE)
		put_isdp(f, 0x11, r->other, r->other_fallback, r->other_pol1);
	switch (r->op) {
	case OP_ENABLE: sw = dgi_aid(f, 0x3A03, 0x10); break;
	case OP_DISABLE: sw = dgi_aid(f, 0x3A04, 0x10); break;
	case OP_FALLBACK: sw = dgi_aid(f, 0x3A05, 0x10); break;
	case OP_DELETE: sw = del(f, 0x10); break;
	}
	if (sw != r->sw)
		fail_msg("%s: SW %04X, expected %04X", r->name, sw, r->sw);
	t = isdp(f, 0x10);
	o = isdp(f, 0x11);
	if ((t ? t->state : SFREE) != r->target_after || (o ? o->state : SFREE) != r->other_after)
		fail_msg("%s: states %02X/%02X, expected %02X/%02X", r->name, t ? t->state : 0,
			 o ? o->state : 0, r->target_after, r->other_after);
	if (r->op == OP_FALLBACK && sw == 0x9000) {
		assert_true(t->fallback);
		if (o)
			assert_false(o->fallback);
	}
	assert_persisted(f);
}

static void test_lifecycle_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(lc_rows) / sizeof(lc_rows[0]); i++) {
		teardown(state);
		setup(state);
		run_lc_row(*state, &lc_rows[i]);
	}
}

static void test_lifecycle_unknown_and_malformed(void **state)
{
	struct fx *f = *state;

	/* Unknown ISD-P: 6A88 for every function. */
	assert_int_equal(dgi_aid(f, 0x3A03, 0x77), 0x6A88);
	assert_int_equal(dgi_aid(f, 0x3A04, 0x77), 0x6A88);
	assert_int_equal(dgi_aid(f, 0x3A05, 0x77), 0x6A88);
	assert_int_equal(del(f, 0x77), 0x6A88);
	/* Malformed DGI contents: 6A80. */
	assert_int_equal(ota(f, "80E28800053A03034F0101"), 0x6A80);      /* AID of 1 byte */
	assert_int_equal(ota(f, "80E28800043A0302AA00"), 0x6A80);          /* not 4F */
	assert_int_equal(ota(f, "80E28800053A03034F05"), 0x6A80);          /* truncated TLV */
	assert_int_equal(ota(f, "80E28800043A030500"), 0x6A80);            /* DGI length past data */
	assert_int_equal(ota(f, "80E2880016 3A03124F10A0000005591010FFFFFFFF8900001000 00"),
			 0x6A80);                                          /* trailing byte */
	/* Unknown DGI: 6A88. Wrong P1/P2: 6A86. No data: 6700. */
	assert_int_equal(ota(f, "80E2880015 3A09124F10A0000005591010FFFFFFFF8900001000"), 0x6A88);
	assert_int_equal(ota(f, "80E2080015 3A03124F10A0000005591010FFFFFFFF8900001000"), 0x6A86);
	assert_int_equal(ota(f, "80E2980015 3A03124F10A0000005591010FFFFFFFF8900001000"), 0x6A86);
	assert_int_equal(ota(f, "80E2A80015 3A03124F10A0000005591010FFFFFFFF8900001000"), 0x6A86);
	assert_int_equal(ota(f, "80E2880115 3A03124F10A0000005591010FFFFFFFF8900001000"), 0x6A86);
	assert_int_equal(ota(f, "80E2880000"), 0x6700);
	/* DELETE: wrong P1/P2, malformed data, no data. */
	assert_int_equal(ota(f, "80E4014012 4F10A0000005591010FFFFFFFF8900001000"), 0x6A86);
	assert_int_equal(ota(f, "80E4008012 4F10A0000005591010FFFFFFFF8900001000"), 0x6A86);
	assert_int_equal(ota(f, "80E4004004 4F020102"), 0x6A80);
	assert_int_equal(ota(f, "80E4004004 4C020102"), 0x6A80);
	assert_int_equal(ota(f, "80E4004014 4F10A0000005591010FFFFFFFF8900001000 8100"), 0x6A80);
	assert_int_equal(ota(f, "80E4004000"), 0x6700);
}

/* --- enable / disable details ------------------------------------------------------- */

static void test_enable_side_effects(void **state)
{
	struct fx *f = *state;
	struct rt_euicc_notif *n;
	uint8_t a10[16], a11[16];

	isdp_aid(0x10, a10);
	isdp_aid(0x11, a11);
	put_isdp(f, 0x10, S3F, 1, -1);
	put_isdp(f, 0x11, S1F, 0, -1);
	assert_int_equal(dgi_aid(f, 0x3A03, 0x11), 0x9000);
	/* Roll-back point: back to 0x10 unless 0x11 is confirmed. */
	assert_true(f->card->st.change_pending);
	assert_memory_equal(f->card->st.rollback_to, a10, 16);
	assert_memory_equal(f->card->st.rollback_from, a11, 16);
	/* A "profile change succeeded" notification about the enabled ISD-P. */
	n = notif_of_type(f, 0x02);
	assert_non_null(n);
	assert_memory_equal(n->aid, a11, 16);
	/* REFRESH (TS 102 223 6.4.7) UICC reset: D0 09 81 03 01 01 04 82 02 81 82. */
	assert_int_equal(f->card->proactive.count, 1);
	assert_int_equal(f->card->proactive.len[f->card->proactive.head], 11);
	assert_memory_equal(f->card->proactive.cmd[f->card->proactive.head],
			    "\xD0\x09\x81\x03\x01\x01\x04\x82\x02\x81\x82", 11);
	assert_persisted(f);
	/* Disable: the fall-back 0x10 comes back, notification about it, REFRESH again. */
	assert_int_equal(dgi_aid(f, 0x3A04, 0x11), 0x9000);
	assert_int_equal(isdp(f, 0x10)->state, S3F);
	assert_int_equal(f->card->proactive.count, 2);
	assert_memory_equal(f->card->st.rollback_to, a11, 16);
	assert_memory_equal(f->card->st.rollback_from, a10, 16);
}

static void test_refresh_qualifier_and_fault(void **state)
{
	struct fx *f = *state;

	f->card->cfg.refresh_qualifier = 0x09;
	put_isdp(f, 0x10, S1F, 0, -1);
	assert_int_equal(dgi_aid(f, 0x3A03, 0x10), 0x9000);
	assert_int_equal(f->card->proactive.cmd[f->card->proactive.head][6], 0x09);
	/* no_refresh: the change happens, the REFRESH does not. */
	rt_euicc_cat_reset(f->card);
	f->card->cfg.faults = RT_EUICC_FAULT_NO_REFRESH;
	f->card->st.isdp[0].fallback = 1;
	put_isdp(f, 0x11, S1F, 0, -1);
	assert_int_equal(dgi_aid(f, 0x3A03, 0x11), 0x9000);
	assert_int_equal(f->card->proactive.count, 0);
}

static void test_pol1_coding_and_fault(void **state)
{
	struct fx *f = *state;

	/* MSB coding: 0x80 = no disable, 0x40 = no delete; 0x01 means nothing there. */
	f->card->cfg.pol1_coding = RT_EUICC_POL1_MSB;
	put_isdp(f, 0x10, S3F, 0, 0x80);
	put_isdp(f, 0x11, S1F, 0, 0x01);
	assert_int_equal(dgi_aid(f, 0x3A03, 0x11), 0x69E1);
	assert_int_equal(del(f, 0x11), 0x9000);
	put_isdp(f, 0x12, S1F, 0, 0x40);
	assert_int_equal(del(f, 0x12), 0x69E1);
	/* ignore_pol1: the same commands go through. */
	f->card->cfg.faults = RT_EUICC_FAULT_IGNORE_POL1;
	assert_int_equal(del(f, 0x12), 0x9000);
	put_isdp(f, 0x13, S1F, 0, -1);
	assert_int_equal(dgi_aid(f, 0x3A03, 0x13), 0x9000);
}

static void test_fallback_moves(void **state)
{
	struct fx *f = *state;

	put_isdp(f, 0x10, S3F, 1, -1);
	put_isdp(f, 0x11, S1F, 0, -1);
	assert_int_equal(dgi_aid(f, 0x3A05, 0x11), 0x9000);
	assert_false(isdp(f, 0x10)->fallback);
	assert_true(isdp(f, 0x11)->fallback);
	assert_persisted(f);
	/* Again on the holder: no change, 9000. */
	assert_int_equal(dgi_aid(f, 0x3A05, 0x11), 0x9000);
	assert_true(isdp(f, 0x11)->fallback);
	/* Now 0x10 (enabled, no fall-back) can be disabled: 0x11 takes over. */
	assert_int_equal(dgi_aid(f, 0x3A04, 0x10), 0x9000);
	assert_int_equal(isdp(f, 0x11)->state, S3F);
}

/* --- SetEmergencyProfileAttribute (SGP.02 3.25; DGI UNCONFIRMED, default 3A06) ------- */

/* GET STATUS of one ISD-P with tag 53 only: its profile properties byte. */
static uint8_t props_of(struct fx *f, unsigned tar)
{
	char aid[33], data[80];

	aid_hex(tar, aid);
	snprintf(data, sizeof(data), "4F10%s 5C0153", aid);
	assert_int_equal(ota_cmd(f, 0xF2, 0x40, 0x02, data), 0x9000);
	assert_true(f->resp.len >= 3);
	return f->resp.data[f->resp.len - 1];
}

static void test_emergency_set_and_move(void **state)
{
	struct fx *f = *state;

	put_isdp(f, 0x10, S3F, 1, -1);
	put_isdp(f, 0x11, S1F, 0, -1);
	put_isdp(f, 0x12, S1F, 0, -1);
	/* On a present, DISABLED profile: set and saved. */
	assert_int_equal(dgi_aid(f, 0x3A06, 0x11), 0x9000);
	assert_true(isdp(f, 0x11)->emergency);
	assert_false(isdp(f, 0x11)->fallback);
	assert_ptr_equal(rt_euicc_isdp_emergency(&f->card->st), isdp(f, 0x11));
	assert_persisted(f);
	/* GET STATUS 53: b2 = emergency (UNCONFIRMED), b1 = fall-back. */
	assert_int_equal(props_of(f, 0x11), 0x02);
	assert_int_equal(props_of(f, 0x10), 0x01);
	/* Again on the holder: no change, 9000. */
	assert_int_equal(dgi_aid(f, 0x3A06, 0x11), 0x9000);
	assert_true(isdp(f, 0x11)->emergency);
	/* Setting it on B unsets it on A: exactly one holder. */
	assert_int_equal(dgi_aid(f, 0x3A06, 0x12), 0x9000);
	assert_false(isdp(f, 0x11)->emergency);
	assert_true(isdp(f, 0x12)->emergency);
	assert_int_equal(props_of(f, 0x11), 0x00);
	assert_int_equal(props_of(f, 0x12), 0x02);
	assert_int_equal(rt_euicc_state_check(&f->card->st, NULL), 0);
	assert_persisted(f);
	/* The emergency profile can be enabled (that is what it is for) and keeps the
	 * attribute; deleting a disabled one takes the attribute with it. */
	assert_int_equal(dgi_aid(f, 0x3A03, 0x12), 0x9000);
	assert_int_equal(isdp(f, 0x12)->state, S3F);
	assert_true(isdp(f, 0x12)->emergency);
	assert_int_equal(dgi_aid(f, 0x3A04, 0x12), 0x9000); /* the fall-back 0x10 comes back */
	assert_int_equal(del(f, 0x12), 0x9000);
	assert_null(rt_euicc_isdp_emergency(&f->card->st));
	assert_persisted(f);
}

static void test_emergency_refusals(void **state)
{
	struct fx *f = *state;
	struct rt_euicc_state before;
	struct rt_icc icc;
	uint8_t atr[40];
	size_t atr_len = sizeof(atr);

	put_isdp(f, 0x10, S3F, 0, -1);  /* enabled, no fall-back attribute */
	put_isdp(f, 0x11, S1F, 1, -1);  /* disabled, fall-back */
	put_isdp(f, 0x12, S1F, 0, -1);  /* disabled: will be the emergency profile */
	assert_int_equal(create(f, 0x13, 0x100), 0x9000); /* SELECTABLE, no profile */
	assert_int_equal(rt_euicc_state_copy(&before, &f->card->st, NULL), 0);
	/* Unknown ISD-P: 6A88. */
	assert_int_equal(dgi_aid(f, 0x3A06, 0x77), 0x6A88);
	/* Malformed: not exactly one 4F with a 5..16-byte AID (6A80). */
	assert_int_equal(ota(f, "80E2880007 3A06 04 4F020102"), 0x6A80);
	assert_int_equal(ota(f, "80E2880003 3A06 00"), 0x6A80);
	assert_int_equal(ota(f, "80E2880017 3A06 14 4F10A0000005591010FFFFFFFF8900001200 0100"),
			 0x6A80);
	assert_int_equal(ota(f, "80E2880015 3A06 12 4E10A0000005591010FFFFFFFF8900001200"), 0x6A80);
	/* The enabled profile: 6985 (it must be present and disabled). */
	assert_int_equal(dgi_aid(f, 0x3A06, 0x10), 0x6985);
	/* An ISD-P without a profile is not DISABLED either. */
	assert_int_equal(dgi_aid(f, 0x3A06, 0x13), 0x6985);
	/* The fall-back profile: the attributes are mutually exclusive (6985). */
	assert_int_equal(dgi_aid(f, 0x3A06, 0x11), 0x6985);
	/* Refusals change nothing. */
	assert_int_equal(rt_euicc_state_equal(&before, &f->card->st, NULL), 1);
	rt_euicc_state_free(&before);
	/* And SetFallBackAttribute on the emergency profile: 6985, the fall-back stays. */
	assert_int_equal(dgi_aid(f, 0x3A06, 0x12), 0x9000);
	assert_int_equal(dgi_aid(f, 0x3A05, 0x12), 0x6985);
	assert_false(isdp(f, 0x12)->fallback);
	assert_true(isdp(f, 0x12)->emergency);
	assert_true(isdp(f, 0x11)->fallback);
	assert_persisted(f);
	/* ES5 only over OTA: 6982 on the contact interface. */
	rt_euicc_icc(f->card, &icc);
	assert_int_equal(icc.ops->reset(icc.card, atr, &atr_len), 0);
	assert_int_equal(contact(&icc, "00A4040010A0000005591010FFFFFFFF8900000100"), 0x9000);
	assert_int_equal(contact(&icc, "80E2880015 3A06124F10A0000005591010FFFFFFFF8900001100"),
			 0x6982);
	assert_true(isdp(f, 0x12)->emergency);
}

static void test_emergency_dgi_and_fault(void **state)
{
	struct fx *f = *state;

	put_isdp(f, 0x10, S3F, 0, -1);
	put_isdp(f, 0x11, S1F, 1, -1);
	put_isdp(f, 0x12, S1F, 0, -1);
	/* The DGI is configuration (option es5.emergency_dgi, personality emergency_dgi). */
	f->card->cfg.emergency_dgi = 0x3A09;
	assert_int_equal(dgi_aid(f, 0x3A06, 0x12), 0x6A88); /* no longer a known DGI */
	assert_false(isdp(f, 0x12)->emergency);
	assert_int_equal(dgi_aid(f, 0x3A09, 0x12), 0x9000);
	assert_true(isdp(f, 0x12)->emergency);
	/* Fault emergency_on_enabled bends one rule: the enabled profile takes it... */
	f->card->cfg.faults |= RT_EUICC_FAULT_EMERGENCY_ON_ENABLED;
	assert_int_equal(dgi_aid(f, 0x3A09, 0x10), 0x9000);
	assert_true(isdp(f, 0x10)->emergency);
	assert_false(isdp(f, 0x12)->emergency);
	/* ...the fall-back rule still holds. */
	assert_int_equal(dgi_aid(f, 0x3A09, 0x11), 0x6985);
	assert_persisted(f);
}

/* --- MasterDelete ------------------------------------------------------------------- */

static uint16_t master_delete(struct fx *f, unsigned tar, int corrupt)
{
	uint8_t body[80], mac[16], in[84], c[120];
	size_t n = 0, cn;
	uint8_t aid[16];
	static const uint8_t b6[] = { 0xB6, 0x0D, 0x42, 0x01, 0x01, 0x45, 0x01, 0x01,
				      0x5F, 0x20, 0x01, 0x01, 0x93, 0x01, 0x01 };

	isdp_aid(tar, aid);
	body[n++] = 0x4F;
	body[n++] = 16;
	memcpy(body + n, aid, 16);
	n += 16;
	/* B6 { 42 01 01, 45 01 01, 5F20 01 01, 93 01 01 } (WHTY-SR layout, facts §5.2). */
	memcpy(body + n, b6, sizeof(b6));
	n += sizeof(b6);
	/* Token: AES-CMAC(key 70..7F, P1 P2 Lc' data'). */
	in[0] = 0x00;
	in[1] = 0x40;
	in[2] = (uint8_t)n;
	memcpy(in + 3, body, n);
	assert_int_equal(rt_crypto_aes_cmac(rt_euicc_default_token_key, 16, in, 3 + n, mac, NULL), 0);
	if (corrupt)
		mac[0] ^= 1;
	body[n++] = 0x9E;
	body[n++] = 16;
	memcpy(body + n, mac, 16);
	n += 16;
	assert_int_equal(rt_capdu_build(0x80, 0xE4, 0x00, 0x40, body, n, 0, 0, c, sizeof(c), &cn, NULL),
			 0);
	return rt_euicc_exec(f->card, &rt_euicc_app_isdr, -1, c, cn, &f->resp);
}

static void test_master_delete(void **state)
{
	struct fx *f = *state;

	put_isdp(f, 0x10, S1F, 0, 0x02); /* POL1: deletion not allowed */
	assert_int_equal(del(f, 0x10), 0x69E1);
	assert_int_equal(master_delete(f, 0x10, 1), 0x6982); /* wrong token */
	assert_non_null(isdp(f, 0x10));
	assert_int_equal(master_delete(f, 0x10, 0), 0x9000);  /* SGP.02 3.10: POL1 overridden */
	assert_null(isdp(f, 0x10));
	assert_persisted(f);
	/* Not the fall-back profile, not the enabled one; unknown: 6A88. */
	put_isdp(f, 0x11, S1F, 1, -1);
	assert_int_equal(master_delete(f, 0x11, 0), 0x6985);
	put_isdp(f, 0x12, S3F, 0, -1);
	assert_int_equal(master_delete(f, 0x12, 0), 0x6985);
	assert_int_equal(master_delete(f, 0x13, 0), 0x6A88);
}

/* --- audit -------------------------------------------------------------------------- */

static void test_get_status(void **state)
{
	struct fx *f = *state;
	struct rt_tlv t;
	uint32_t path[2] = { 0xE3, 0x9F70 };

	assert_int_equal(ota(f, "80F24002024F0000"), 0x6A88); /* no ISD-P at all */
	put_isdp(f, 0x10, S3F, 1, -1);
	put_isdp(f, 0x11, S1F, 0, -1);
	assert_int_equal(ota(f, "80F24002024F0000"), 0x9000);
	/* Two E3 entries with 4F, 9F70, 53, 8F, 91. */
	assert_int_equal(rt_tlv_find_path(f->resp.data, f->resp.len, path, 2, 0, &t, NULL), 0);
	assert_int_equal(t.value[0], 0x3F);
	assert_int_equal(f->resp.len, 2 * (2 + 18 + 4 + 3 + 6 + 6));
	/* One ISD-P by AID, with a tag list. */
	assert_int_equal(ota(f, "80F2400218 4F10A0000005591010FFFFFFFF8900001100 5C044F9F7053"),
			 0x9000);
	{
		static const uint8_t want[] = { 0xE3, 0x19, 0x4F, 0x10, 0xA0, 0x00, 0x00, 0x05, 0x59,
						0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00,
						0x11, 0x00, 0x9F, 0x70, 0x01, 0x1F, 0x53, 0x01, 0x00 };
		assert_int_equal(f->resp.len, sizeof(want));
		assert_memory_equal(f->resp.data, want, sizeof(want));
	}
	/* Fall-back attribute in 53 b1. */
	assert_int_equal(ota(f, "80F2400215 4F10A0000005591010FFFFFFFF8900001000 5C0153"), 0x9000);
	assert_int_equal(f->resp.data[f->resp.len - 1], 0x01);
	/* Errors. */
	assert_int_equal(ota(f, "80F2400212 4F10A0000005591010FFFFFFFF8900007700"), 0x6A88);
	assert_int_equal(ota(f, "80F24202024F0000"), 0x6A86);
	assert_int_equal(ota(f, "80F24000024F0000"), 0x6A86);
	assert_int_equal(ota(f, "80F24003024F0000"), 0x6A88);
	assert_int_equal(ota(f, "80F2400202 5C00"), 0x6A80);
	assert_int_equal(ota(f, "80F2400203 4F0500"), 0x6A80);
	assert_int_equal(ota(f, "80F2400200"), 0x6700);
}

static void test_get_data_audit(void **state)
{
	struct fx *f = *state;
	struct rt_tlv t;
	uint32_t path[2] = { 0xFF21, 0x82 };
	uint32_t free_nv;

	put_isdp(f, 0x10, S3F, 1, -1);
	assert_int_equal(ota(f, "80CABF3004 5C02FF21 00"), 0x9000);
	assert_int_equal(f->resp.data[0], 0xFF);
	assert_int_equal(f->resp.data[1], 0x21);
	assert_int_equal(rt_tlv_find_path(f->resp.data, f->resp.len, path, 2, 0, &t, NULL), 0);
	free_nv = (uint32_t)t.value[0] << 24 | (uint32_t)t.value[1] << 16 |
		  (uint32_t)t.value[2] << 8 | t.value[3];
	assert_int_equal(free_nv, rt_euicc_mem_free(&f->card->st));
	path[1] = 0x81;
	assert_int_equal(rt_tlv_find_path(f->resp.data, f->resp.len, path, 2, 0, &t, NULL), 0);
	assert_int_equal(t.value[1], 1);
	/* FF21 and E3 together; unknown tags are left out. */
	assert_int_equal(ota(f, "80CABF3006 5C04FF21E366"), 0x9000);
	assert_int_equal(rt_tlv_find(f->resp.data, f->resp.len, 0xE3, 0, &t, NULL), 0);
	assert_int_equal(ota(f, "80CABF3003 5C0166"), 0x6A88);
	assert_int_equal(ota(f, "80CABF3003 4F0166"), 0x6A80);
	assert_int_equal(ota(f, "80CABF3000"), 0x6700);
	/* Plain GET DATA FF21; unknown tag 6A88; data on a plain GET DATA 6700. */
	assert_int_equal(ota(f, "80CAFF2100"), 0x9000);
	assert_int_equal(f->resp.data[0], 0xFF);
	assert_int_equal(ota(f, "80CA006600"), 0x6A88);
	assert_int_equal(ota(f, "80CAFF210100"), 0x6700);
}

/* --- SM-SR addressing parameters ---------------------------------------------------- */

static void test_smsr_addr(void **state)
{
	struct fx *f = *state;

	assert_int_equal(ota(f, "80E288000D 3A070AA308810691214365870F"), 0x9000);
	assert_int_equal(f->card->st.smsr_addr_len, 10);
	assert_memory_equal(f->card->st.smsr_addr, "\xA3\x08\x81\x06\x91\x21\x43\x65\x87\x0F", 10);
	assert_persisted(f);
	/* The ES8-style container is accepted too. */
	assert_int_equal(ota(f, "80E288000B 3A0708A006060491214365"), 0x9000);
	assert_int_equal(f->card->st.smsr_addr_len, 8);
	/* Empty or not TLV: 6A80. */
	assert_int_equal(ota(f, "80E28800033A0700"), 0x6A80);
	assert_int_equal(ota(f, "80E28800053A0702A305"), 0x6A80);
}

/* --- notifications ------------------------------------------------------------------ */

static void test_declaration_once(void **state)
{
	struct fx *f = *state;
	uint8_t e1[128];
	size_t len;
	struct rt_tlv t;

	rt_euicc_isdr_on_attach(f->card);
	assert_int_equal(notif_count(f), 1);
	assert_true(f->card->st.declared);
	assert_persisted(f);
	rt_euicc_isdr_on_attach(f->card);
	assert_int_equal(notif_count(f), 1);
	assert_int_equal(rt_euicc_isdr_next_notification(f->card, e1, sizeof(e1), &len), 0);
	/* E1 { 4C 10 EID, 4D 01 01, 4E 02 0001 } (no profile enabled: no 2F). */
	assert_int_equal(rt_tlv_decode(e1, len, 0, 0, 0, &t, NULL), 0);
	assert_int_equal(t.tag, 0xE1);
	assert_int_equal(t.total_len, len);
	assert_int_equal(len, 2 + 18 + 3 + 4);
	assert_memory_equal(e1 + 2, "\x4C\x10", 2);
	assert_memory_equal(e1 + 4, f->card->eid, 16);
	assert_memory_equal(e1 + 20, "\x4D\x01\x01\x4E\x02\x00\x01", 7);
	/* Confirmed: gone; confirming again: 6A88. */
	assert_int_equal(ota(f, "80E2890007 3A08044E020001"), 0x9000);
	assert_memory_equal(f->resp.data, "\x80\x00", 2);
	assert_int_equal(notif_count(f), 0);
	assert_int_equal(ota(f, "80E2890007 3A08044E020001"), 0x6A88);
	assert_persisted(f);
}

static void test_confirm_errors(void **state)
{
	struct fx *f = *state;

	rt_euicc_isdr_on_attach(f->card);
	assert_int_equal(ota(f, "80E2890007 3A08044E020099"), 0x6A88); /* unknown sequence */
	assert_int_equal(ota(f, "80E2890006 3A08034E0100"), 0x6A80);
	assert_int_equal(ota(f, "80E2890007 3A08044F020001"), 0x6A80);
	assert_int_equal(notif_count(f), 1);
	/* P1 88: no response data asked for. */
	assert_int_equal(ota(f, "80E2880007 3A08044E020001"), 0x9000);
	assert_int_equal(f->resp.len, 0);
}

static void test_notification_change_and_confirm(void **state)
{
	struct fx *f = *state;
	uint8_t e1[128], a11[16];
	size_t len;
	struct rt_tlv t;
	char confirm[40];

	isdp_aid(0x11, a11);
	put_isdp(f, 0x10, S3F, 1, -1);
	put_isdp(f, 0x11, S1F, 0, -1);
	f->card->st.declared = 1;
	assert_int_equal(dgi_aid(f, 0x3A03, 0x11), 0x9000);
	assert_int_equal(rt_euicc_isdr_next_notification(f->card, e1, sizeof(e1), &len), 0);
	assert_int_equal(rt_tlv_find_path(e1, len, (const uint32_t[]){ 0xE1, 0x4D }, 2, 0, &t, NULL), 0);
	assert_int_equal(t.value[0], 0x02);
	assert_int_equal(rt_tlv_find_path(e1, len, (const uint32_t[]){ 0xE1, 0x2F }, 2, 0, &t, NULL), 0);
	assert_memory_equal(t.value, a11, 16);
	assert_int_equal(rt_tlv_find_path(e1, len, (const uint32_t[]){ 0xE1, 0x4E }, 2, 0, &t, NULL), 0);
	snprintf(confirm, sizeof(confirm), "80E2890007 3A08044E02%02X%02X", t.value[0], t.value[1]);
	assert_int_equal(ota(f, confirm), 0x9000);
	assert_false(f->card->st.change_pending);
	assert_int_equal(notif_count(f), 0);
	/* Nothing left: no roll-back ever, whatever the attempts. */
	assert_int_equal(rt_euicc_isdr_next_notification(f->card, e1, sizeof(e1), &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(isdp(f, 0x11)->state, S3F);
}

static void test_rollback_after_retries(void **state)
{
	struct fx *f = *state;
	uint8_t e1[128], a10[16];
	size_t len;
	unsigned i;
	struct rt_euicc_notif *n;

	isdp_aid(0x10, a10);
	put_isdp(f, 0x10, S3F, 1, -1);
	put_isdp(f, 0x11, S1F, 0, -1);
	f->card->st.declared = 1;
	assert_int_equal(dgi_aid(f, 0x3A03, 0x11), 0x9000);
	rt_euicc_cat_reset(f->card);
	/* notif_retries = 3 attempts, unconfirmed. A power cycle does not reset them. */
	for (i = 0; i < 3; i++) {
		assert_int_equal(rt_euicc_isdr_next_notification(f->card, e1, sizeof(e1), &len), 0);
		assert_true(len > 0);
		rt_euicc_isdr_on_attach(f->card);
		assert_int_equal(isdp(f, 0x11)->state, i < 2 ? S3F : S1F);
	}
	/* The third on_attach saw the attempts used: roll-back done. */
	assert_int_equal(isdp(f, 0x10)->state, S3F);
	assert_int_equal(isdp(f, 0x11)->state, S1F);
	assert_false(f->card->st.change_pending);
	assert_null(notif_of_type(f, 0x02));
	n = notif_of_type(f, 0x03);
	assert_non_null(n);
	assert_memory_equal(n->aid, a10, 16);
	assert_int_equal(f->card->proactive.count, 1); /* REFRESH */
	assert_persisted(f);
	/* And the next notification sent is the roll-back one. */
	assert_int_equal(rt_euicc_isdr_next_notification(f->card, e1, sizeof(e1), &len), 0);
	assert_int_equal(e1[22], 0x03);
}

static void test_rollback_in_next_notification(void **state)
{
	struct fx *f = *state;
	uint8_t e1[128];
	size_t len;

	put_isdp(f, 0x11, S1F, 0, -1);
	f->card->st.declared = 1;
	f->card->cfg.notif_retries = 2;
	assert_int_equal(dgi_aid(f, 0x3A03, 0x11), 0x9000); /* nothing enabled before */
	assert_int_equal(flush_round(f, e1, sizeof(e1), &len), 1);
	assert_int_equal(flush_round(f, e1, sizeof(e1), &len), 1);
	assert_int_equal(e1[22], 0x02);
	assert_int_equal(isdp(f, 0x11)->state, S3F);
	/* Third flush: retries used: roll-back (nothing to re-enable), type 03 sent. */
	assert_int_equal(flush_round(f, e1, sizeof(e1), &len), 1);
	assert_int_equal(isdp(f, 0x11)->state, S1F);
	assert_null(rt_euicc_isdp_enabled(&f->card->st));
	assert_int_equal(e1[22], 0x03);
	/* Too small a buffer: RT_ENOMEM, nothing marked. */
	assert_int_equal(rt_euicc_isdr_next_notification(f->card, e1, 10, &len), RT_ENOMEM);
}

static void test_flush_once_per_round(void **state)
{
	struct fx *f = *state;
	uint8_t e1[128];
	size_t len, i;

	rt_euicc_isdr_on_attach(f->card); /* declaration */
	put_isdp(f, 0x10, S1F, 0, -1);
	assert_int_equal(dgi_aid(f, 0x3A03, 0x10), 0x9000);
	/* One flush: the declaration (oldest) first, then the change, each once. */
	assert_int_equal(flush_round(f, e1, sizeof(e1), &len), 2);
	assert_int_equal(e1[22], 0x01);
	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++)
		if (f->card->st.notif[i].used)
			assert_int_equal(f->card->st.notif[i].attempts, 1);
	/* Three flushes use the change's attempts; the fourth rolls back. */
	assert_int_equal(flush_round(f, e1, sizeof(e1), &len), 2);
	assert_int_equal(flush_round(f, e1, sizeof(e1), &len), 0 + 2);
	assert_int_equal(isdp(f, 0x10)->state, S3F);
	assert_int_equal(flush_round(f, e1, sizeof(e1), &len), 1);
	assert_int_equal(e1[22], 0x03);
	assert_int_equal(isdp(f, 0x10)->state, S1F);
	assert_persisted(f);
}

static void test_pol1_delete_on_disable(void **state)
{
	struct fx *f = *state;
	uint8_t e1[128], a11[16];
	size_t len;
	char confirm[40];

	isdp_aid(0x11, a11);
	put_isdp(f, 0x10, S1F, 1, -1);
	put_isdp(f, 0x11, S3F, 0, 0x04); /* deletion mandatory when disabled */
	f->card->st.declared = 1;
	assert_int_equal(dgi_aid(f, 0x3A04, 0x11), 0x9000);
	assert_non_null(isdp(f, 0x11)); /* still there until the confirmation */
	assert_int_equal(rt_euicc_isdr_next_notification(f->card, e1, sizeof(e1), &len), 0);
	snprintf(confirm, sizeof(confirm), "80E2890007 3A08044E02%02X%02X", e1[25], e1[26]);
	assert_int_equal(ota(f, confirm), 0x9000);
	/* 80 12 { 4F 10 <AID of 0x11> }: deleted as POL1 demands. */
	assert_int_equal(f->resp.len, 20);
	assert_memory_equal(f->resp.data, "\x80\x12\x4F\x10", 4);
	assert_memory_equal(f->resp.data + 4, a11, 16);
	assert_null(isdp(f, 0x11));
	assert_persisted(f);
}

static void test_forget_notification_fault(void **state)
{
	struct fx *f = *state;
	uint8_t e1[128];
	size_t len;

	f->card->cfg.faults = RT_EUICC_FAULT_FORGET_NOTIF;
	rt_euicc_isdr_on_attach(f->card);
	put_isdp(f, 0x10, S1F, 0, -1);
	assert_int_equal(dgi_aid(f, 0x3A03, 0x10), 0x9000);
	assert_int_equal(notif_count(f), 0);
	assert_int_equal(rt_euicc_isdr_next_notification(f->card, e1, sizeof(e1), &len), 0);
	assert_int_equal(len, 0);
}

static void test_notif_queue_full(void **state)
{
	struct fx *f = *state;
	unsigned i;

	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++) {
		f->card->st.notif[i].used = 1;
		f->card->st.notif[i].seq = (uint16_t)(100 + i);
		f->card->st.notif[i].type = 0x01;
	}
	put_isdp(f, 0x10, S1F, 0, -1);
	assert_int_equal(dgi_aid(f, 0x3A03, 0x10), 0x6A84);
	assert_int_equal(isdp(f, 0x10)->state, S1F);
}

static void test_delete_rollback_target(void **state)
{
	struct fx *f = *state;

	put_isdp(f, 0x10, S3F, 0, -1);
	put_isdp(f, 0x11, S1F, 1, -1);
	put_isdp(f, 0x12, S1F, 0, -1);
	assert_int_equal(dgi_aid(f, 0x3A03, 0x12), 0x9000);
	assert_true(f->card->st.change_pending);
	assert_int_equal(del(f, 0x10), 0x9000); /* the roll-back target: the change is final */
	assert_false(f->card->st.change_pending);
}

/* --- persistence failures ----------------------------------------------------------- */

static void test_commit_failure_6f00(void **state)
{
	struct fx *f = *state;

	put_isdp(f, 0x10, S1F, 0, -1);
	free(f->card->state_path);
	f->card->state_path = strdup("/nonexistent-rsptest-dir/card.state");
	assert_non_null(f->card->state_path);
	assert_int_equal(create(f, 0x11, 0x100), 0x6F00);
	assert_int_equal(dgi_aid(f, 0x3A03, 0x10), 0x6F00);
	assert_int_equal(del(f, 0x11), 0x6F00);
}

static void test_reload_after_changes(void **state)
{
	struct fx *f = *state;
	struct rt_euicc *again;

	put_isdp(f, 0x10, S3F, 1, -1);
	put_isdp(f, 0x11, S1F, 0, 0x02);
	assert_int_equal(dgi_aid(f, 0x3A03, 0x11), 0x9000);
	assert_int_equal(ota(f, "80E288000D 3A070AA308810691214365870F"), 0x9000);
	/* A new card on the same file resumes with everything. */
	again = new_card(0, f->path);
	{
		uint8_t a11[16];

		isdp_aid(0x11, a11);
		assert_int_equal(rt_euicc_isdp_by_aid(&again->st, a11, 16)->state, S3F);
		assert_int_equal(rt_euicc_isdp_by_aid(&again->st, a11, 16)->pol1[0], 0x02);
	}
	assert_true(again->st.change_pending);
	assert_int_equal(again->st.smsr_addr_len, 10);
	rt_euicc_free(again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_contact_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_ignore_memory_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lifecycle_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lifecycle_unknown_and_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_side_effects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_qualifier_and_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pol1_coding_and_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emergency_set_and_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emergency_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emergency_dgi_and_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_master_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_data_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_smsr_addr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_declaration_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notification_change_and_confirm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_after_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_in_next_notification, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_once_per_round, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pol1_delete_on_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forget_notification_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notif_queue_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_rollback_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_failure_6f00, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_after_changes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
