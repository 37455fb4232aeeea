/* SPDX-License-Identifier: Apache-2.0 */
/* test_euicc_isdp — the reference eUICC's ISD-P (harness/roles/euicc/rt_euicc_isdp.c):
 * ES8 key establishment with the card's default TEST ONLY ECASD personality (certs/p256),
 * SCP03t download and installation of the GSMA TS.48 packages ($RT_VECTORS/ts48), the
 * SAIP EUICCResponse answers, UpdateConnectivityParameters over SCP03, and every
 * refusal: contact interface, wrong CI, bad signature, out of order, MAC error, the
 * fault knobs, malformed, oversized and truncated packages.
 *
 * The SM-DP side is rt_ecka_dp / rt_scp03t host / rt_scp03 host (tested against public
 * vectors in test_ecka, test_scp03*); here they drive the card through rt_euicc_exec and
 * rt_euicc_isdp_script_tlv, the two entry points the OTA layer uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/rt_apdu.h"
#include "codec/rt_tlv.h"
#include "crypto/rt_ec.h"
#include "roles/euicc/rt_euicc_int.h"
#include "scp/rt_ecka.h"
#include "scp/rt_scp03.h"
#include "scp/rt_scp03t.h"
#include "util/rt_hex.h"

static const uint8_t isdp_aid[16] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
				      0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x10, 0x00 };
/* EUICCResponse { peStatus { { status ok } } } */
static const uint8_t resp_ok[] = { 0x30, 0x07, 0xA0, 0x05, 0x30, 0x03, 0x80, 0x01, 0x00 };

static uint8_t *slurp(const char *env, const char *dflt, const char *rel, size_t *n)
{
	const char *base = getenv(env);
	char path[1024];
	uint8_t *buf;
	FILE *f;
	long sz;

	snprintf(path, sizeof(path), "%s/%s", base ? base : dflt, rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)sz + 1);
	assert_non_null(buf);
	*n = fread(buf, 1, (size_t)sz, f);
	fclose(f);
	return buf;
}

static struct rt_ec_key *pki_key(const char *rel)
{
	size_t n;
	uint8_t *b = slurp("RT_SRCDIR", ".", rel, &n);
	struct rt_ec_key *k = NULL;
	struct rt_err err = { 0 };

	if (rt_ec_key_from_pem_der(b, n, &k, &err))
		fail_msg("%s: %s", rel, err.msg);
	memset(b, 0, n);
	free(b);
	return k;
}

static size_t pki_7f21(const char *rel, uint8_t *out, size_t cap)
{
	size_t hl, n;
	uint8_t *hex = slurp("RT_SRCDIR", ".", rel, &hl);
	struct rt_err err = { 0 };

	while (hl && (hex[hl - 1] == '\n' || hex[hl - 1] == '\r'))
		hl--;
	assert_int_equal(rt_hex_decode((const char *)hex, hl, out, cap, &n, &err), 0);
	free(hex);
	return n;
}

struct t {
	struct rt_euicc *card;
	struct rt_ec_key *sk_dp, *pk_ecasd;
	uint8_t cert[1024];
	size_t cert_len;
	struct rt_ecka_dp dp;
	struct rt_euicc_resp r;
};

static void t_open(struct t *w, unsigned faults, uint32_t quota, const char *dpcert)
{
	struct rt_euicc_config cfg;
	struct rt_err err = { 0 };
	struct rt_euicc_isdp *p;
	uint8_t pt[65];
	char rel[64];
	struct rt_ec_key *ecasd;

	memset(w, 0, sizeof(*w));
	rt_euicc_config_default(&cfg);
	cfg.faults = faults;
	assert_int_equal(cfg.ecasd_sk_len, 32); /* the TEST ONLY personality is in place */
	assert_int_equal(rt_euicc_new(&cfg, &w->card, &err), 0);
	/* an ISD-P as CreateISDP leaves it (SELECTABLE; facts §4.1) */
	p = &w->card->st.isdp[0];
	p->state = RT_ISDP_SELECTABLE;
	memcpy(p->aid, isdp_aid, 16);
	p->aid_len = 16;
	memcpy(p->tar, isdp_aid + 12, 3);
	p->mem_quota = quota;
	w->sk_dp = pki_key("certs/p256/smdp.key");
	/* PK.ECASD.ECKA as the SM-DP learns it from the EIS: the ECASD certificate's key */
	ecasd = pki_key("certs/p256/ecasd.key");
	assert_int_equal(rt_ec_key_public(ecasd, pt, &err), 0);
	assert_int_equal(rt_ec_key_from_public(RT_EC_P256, pt, 65, &w->pk_ecasd, &err), 0);
	rt_ec_key_free(ecasd);
	snprintf(rel, sizeof(rel), "certs/p256/%s.7f21.hex", dpcert);
	w->cert_len = pki_7f21(rel, w->cert, sizeof(w->cert));
	rt_ecka_dp_init(&w->dp);
	w->dp.sk_dp = w->sk_dp;
	w->dp.cert = w->cert;
	w->dp.cert_len = w->cert_len;
	w->dp.pk_ecasd = w->pk_ecasd;
}

static void t_close(struct t *w)
{
	rt_ecka_dp_clear(&w->dp);
	rt_ec_key_free(w->sk_dp);
	rt_ec_key_free(w->pk_ecasd);
	rt_euicc_free(w->card);
}

/* One C-APDU through the OTA executor, in the ISD-P. */
static uint16_t t_exec(struct t *w, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
		       const uint8_t *data, size_t lc, int le)
{
	uint8_t apdu[300];
	size_t n;
	struct rt_err err = { 0 };

	assert_int_equal(rt_capdu_build(cla, ins, p1, p2, data, lc, le, le ? 256 : 0, apdu,
					sizeof(apdu), &n, &err), 0);
	return rt_euicc_exec(w->card, &rt_euicc_app_isdp, 0, apdu, n, &w->r);
}

static void t_install_perso(struct t *w)
{
	uint8_t d[3 + 16 + 3] = { 0x00, 0x00, 0x10 };

	memcpy(d + 3, isdp_aid, 16);
	assert_int_equal(t_exec(w, 0x80, 0xE6, 0x20, 0x00, d, sizeof(d), 1), 0x9000);
	assert_int_equal(w->r.len, 1);
	assert_int_equal(w->r.data[0], 0x00);
}

/* INSTALL [for personalization] + 3A01; returns the SW of the 3A01. */
static uint16_t t_3a01(struct t *w)
{
	struct rt_buf b;
	struct rt_err err = { 0 };
	uint16_t sw;

	t_install_perso(w);
	rt_buf_init(&b, 2048);
	assert_int_equal(rt_ecka_dp_cert_data(&w->dp, &b, &err), 0);
	sw = t_exec(w, 0x80, 0xE2, 0x09, 0x00, b.data, b.len, 1);
	rt_buf_free(&b);
	if (sw == 0x9000)
		assert_int_equal(rt_ecka_dp_take_rc(&w->dp, w->r.data, w->r.len, &err), 0);
	return sw;
}

/* 3A02 (bend: 1 = flip a bit of the signature); returns the SW. */
static uint16_t t_3a02(struct t *w, int bend)
{
	struct rt_buf b;
	struct rt_err err = { 0 };
	uint16_t sw;

	rt_buf_init(&b, 2048);
	assert_int_equal(rt_ecka_dp_key_data(&w->dp, &b, &err), 0);
	if (bend)
		b.data[b.len - 1] ^= 0x01;
	sw = t_exec(w, 0x80, 0xE2, 0x89, 0x01, b.data, b.len, 1);
	rt_buf_free(&b);
	return sw;
}

static void t_establish(struct t *w)
{
	struct rt_err err = { 0 };
	const struct rt_euicc_isdp *p = &w->card->st.isdp[0];

	assert_int_equal(t_3a01(w), 0x9000);
	assert_int_equal(t_3a02(w, 0), 0x9000);
	assert_int_equal(rt_ecka_dp_check_receipt(&w->dp, w->r.data, w->r.len, &err), 0);
	assert_int_equal(p->state, RT_ISDP_PERSONALIZED);
	assert_int_equal(p->scp03.kvn, 0x30);
	assert_int_equal(p->scp03.key_len, 16);
	assert_memory_equal(p->scp03.enc, w->dp.keys.enc, 16);
	assert_memory_equal(p->scp03.mac, w->dp.keys.mac, 16);
	assert_memory_equal(p->scp03.dek, w->dp.keys.dek, 16);
}

/* Sends one SCP03t TLV string; the answer TLVs land in w->r. */
static int t_tlv(struct t *w, const uint8_t *tlv, size_t len)
{
	w->r.len = 0;
	return rt_euicc_isdp_script_tlv(w->card, 0, tlv, len, &w->r);
}

static void t_scp03t_open(struct t *w, struct rt_scp03t *h)
{
	struct rt_scp03_keys k;
	struct rt_buf b;
	struct rt_err err = { 0 };
	static const uint8_t hc[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	memset(&k, 0, sizeof(k));
	memcpy(k.enc, w->dp.keys.enc, 16);
	memcpy(k.mac, w->dp.keys.mac, 16);
	memcpy(k.dek, w->dp.keys.dek, 16);
	k.len = 16;
	k.kvn = 0x30;
	assert_int_equal(rt_scp03t_host_init(h, &k, NULL, NULL, &err), 0);
	rt_buf_init(&b, 256);
	assert_int_equal(rt_scp03t_host_iu(h, hc, 8, &b, &err), 0);
	assert_int_equal(t_tlv(w, b.data, b.len), 0);
	if (rt_scp03t_host_iu_response(h, w->r.data, w->r.len, &err))
		fail_msg("84: %s", err.msg);
	rt_buf_reset(&b);
	assert_int_equal(rt_scp03t_host_ext_auth(h, 0x33, &b, &err), 0);
	assert_int_equal(t_tlv(w, b.data, b.len), 0);
	if (rt_scp03t_host_ext_auth_response(h, w->r.data, w->r.len, &err))
		fail_msg("85: %s", err.msg);
	rt_buf_free(&b);
}

/* Cuts pkg into 86 segments and sends them one by one (stop_after: how many; 0 = all).
 * Returns the answer to the last one sent, unwrapped into out; *n86 = 86 00 answers. */
static int t_download(struct t *w, struct rt_scp03t *h, const uint8_t *pkg, size_t len,
		      size_t stop_after, int corrupt_k, struct rt_buf *out, size_t *n86)
{
	struct rt_buf segs;
	struct rt_scp03t_mark marks[128];
	struct rt_err err = { 0 };
	size_t count, k, pos = 0;
	struct rt_tlv x;
	int rc = 0;

	rt_buf_init(&segs, 1 << 20);
	assert_int_equal(rt_scp03t_host_segment(h, pkg, len, 1024, &segs, &count, marks, 128, &err), 0);
	*n86 = 0;
	for (k = 0; k < count && (!stop_after || k < stop_after); k++) {
		assert_int_equal(rt_tlv_decode(segs.data + pos, segs.len - pos, 0, 0, 0, &x, &err), 0);
		if ((int)k == corrupt_k)
			segs.data[pos + x.total_len - 1] ^= 0x01;
		assert_int_equal(t_tlv(w, segs.data + pos, x.total_len), 0);
		pos += x.total_len;
		if (w->r.len == 2 && w->r.data[0] == 0x86 && w->r.data[1] == 0x00) {
			(*n86)++;
			continue;
		}
		rt_buf_reset(out);
		/* the first answer that is not 86 00 ends the download (EUICCResponse or 9F46) */
		rc = rt_scp03t_host_unwrap_for(h, &marks[k], w->r.data, w->r.len, out, &err);
		break;
	}
	rt_buf_free(&segs);
	return rc;
}

static uint8_t *ts48(const char *name, size_t *n)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "ts48/%s.der", name);
	return slurp("RT_VECTORS", "tests/vectors", rel, n);
}

static void test_full_flow(void **state)
{
	static const char *const names[] = { "SAIP2.3_NoBERTLV", "SAIP2.3_NoBERTLV_NoRAMRFM",
					     "SAIP2.3_BERTLV_SUCI", "SAIP2.3_BERTLV_SUCI_NoRAMRFM" };
	static const uint8_t iccid[10] = { 0x89, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0x01, 0x23, 0x41 };
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		struct t w;
		struct rt_scp03t h;
		struct rt_buf out;
		size_t len, n86;
		uint8_t *pkg = ts48(names[i], &len);
		const struct rt_euicc_isdp *p;

		t_open(&w, 0, 64u << 10, "smdp");
		t_establish(&w);
		t_scp03t_open(&w, &h);
		rt_buf_init(&out, 1024);
		assert_int_equal(t_download(&w, &h, pkg, len, 0, -1, &out, &n86), 0);
		assert_true(n86 >= 10);
		assert_int_equal(out.len, sizeof(resp_ok));
		assert_memory_equal(out.data, resp_ok, sizeof(resp_ok));
		p = &w.card->st.isdp[0];
		assert_int_equal(p->state, RT_ISDP_DISABLED);
		assert_int_equal(p->has_iccid, 1);
		assert_memory_equal(p->iccid, iccid, 10);
		assert_int_equal(p->pkg_len, len);
		assert_int_equal(p->mem_used, len);
		assert_memory_equal(p->pkg, pkg, len);
		rt_buf_free(&out);
		rt_scp03t_clear(&h);
		free(pkg);
		t_close(&w);
	}
}

static void test_refusals_key_establishment(void **state)
{
	struct t w;
	struct rt_err err = { 0 };
	uint8_t apdu[] = { 0x00, 0xA4, 0x04, 0x00, 0x10 };
	uint8_t buf[64], rap[300];
	size_t rl;
	struct rt_icc icc;

	(void)state;
	/* contact interface: SELECT the ISD-P, then STORE DATA -> 6982 */
	t_open(&w, 0, 0, "smdp");
	rt_euicc_icc(w.card, &icc);
	rl = sizeof(rap);
	assert_int_equal(icc.ops->reset(icc.card, rap, &rl), 0);
	memcpy(buf, apdu, 5);
	memcpy(buf + 5, isdp_aid, 16);
	rl = sizeof(rap);
	assert_int_equal(icc.ops->process(icc.card, buf, 21, rap, &rl), 0);
	assert_int_equal(rap[rl - 2] << 8 | rap[rl - 1], 0x9000);
	memcpy(buf, (const uint8_t[]){ 0x80, 0xE2, 0x09, 0x00, 0x03, 0x3A, 0x01, 0x00 }, 8);
	rl = sizeof(rap);
	assert_int_equal(icc.ops->process(icc.card, buf, 8, rap, &rl), 0);
	assert_int_equal(rap[rl - 2] << 8 | rap[rl - 1], 0x6982);
	/* 3A02 before 3A01: out of sequence */
	assert_int_equal(t_exec(&w, 0x80, 0xE2, 0x89, 0x01,
				(const uint8_t[]){ 0x3A, 0x02, 0x00 }, 3, 1), 0x6985);
	/* INSTALL [for personalization] naming another AID: 6A88 */
	{
		uint8_t d[3 + 16 + 3] = { 0x00, 0x00, 0x10 };

		memcpy(d + 3, isdp_aid, 16);
		d[3 + 14] ^= 0x01;
		assert_int_equal(t_exec(&w, 0x80, 0xE6, 0x20, 0x00, d, sizeof(d), 1), 0x6A88);
	}
	/* bad signature: 6982, and the attempt is over (3A02 again: 6985) */
	assert_int_equal(t_3a01(&w), 0x9000);
	assert_int_equal(t_3a02(&w, 1), 0x6982);
	assert_int_equal(w.card->st.isdp[0].state, RT_ISDP_SELECTABLE);
	assert_int_equal(t_3a02(&w, 0), 0x6985);
	/* a complete establishment afterwards works, and a second one is refused */
	rt_ecka_dp_clear(&w.dp);
	rt_ecka_dp_init(&w.dp);
	w.dp.sk_dp = w.sk_dp;
	w.dp.cert = w.cert;
	w.dp.cert_len = w.cert_len;
	w.dp.pk_ecasd = w.pk_ecasd;
	t_establish(&w);
	assert_int_equal(t_3a01(&w), 0x6985);
	t_close(&w);

	/* SM-DP certificate from another CI: 6982, nothing changes */
	t_open(&w, 0, 0, "smdp-ci2");
	assert_int_equal(t_3a01(&w), 0x6982);
	assert_int_equal(w.card->st.isdp[0].state, RT_ISDP_SELECTABLE);
	t_close(&w);
	/* an SM-SR certificate (C8 = 02) is not an SM-DP certificate */
	t_open(&w, 0, 0, "smsr");
	assert_int_equal(t_3a01(&w), 0x6982);
	t_close(&w);

	/* fault knob bad_receipt: the SM-DP's receipt check catches it */
	t_open(&w, RT_EUICC_FAULT_BAD_RECEIPT, 0, "smdp");
	assert_int_equal(t_3a01(&w), 0x9000);
	assert_int_equal(t_3a02(&w, 0), 0x9000);
	assert_int_not_equal(rt_ecka_dp_check_receipt(&w.dp, w.r.data, w.r.len, &err), 0);
	t_close(&w);
}

static void test_scp03t_refusals(void **state)
{
	struct t w;
	struct rt_scp03t h;
	struct rt_buf out;
	size_t len, n86;
	uint8_t *pkg = ts48("SAIP2.3_NoBERTLV", &len);
	static const uint8_t iu[] = { 0x84, 0x0A, 0x30, 0x00, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t e9f46[] = { 0x9F, 0x46, 0x01, 0x02 };
	uint8_t *bad;
	struct rt_err err = { 0 };

	(void)state;
	rt_buf_init(&out, 1024);
	/* before key establishment: 84 -> 9F44 01 03 (no keyset) */
	t_open(&w, 0, 0, "smdp");
	assert_int_equal(t_tlv(&w, iu, sizeof(iu)), 0);
	assert_int_equal(w.r.len, 4);
	assert_memory_equal(w.r.data, ((const uint8_t[]){ 0x9F, 0x44, 0x01, 0x03 }), 4);
	/* 86 without a session: 9F46 */
	assert_int_equal(t_tlv(&w, (const uint8_t[]){ 0x86, 0x00 }, 2), 0);
	assert_memory_equal(w.r.data, e9f46, 4);
	/* MAC error on segment 3: 9F46 01 02, the download is over, nothing installed */
	t_establish(&w);
	t_scp03t_open(&w, &h);
	assert_int_not_equal(t_download(&w, &h, pkg, len, 4, 2, &out, &n86), 0);
	assert_int_equal(n86, 2);
	assert_int_equal(h.last_reason, 0x02);
	assert_int_equal(w.card->st.isdp[0].state, RT_ISDP_PERSONALIZED);
	rt_scp03t_clear(&h);
	/* truncated: every segment but the last -> all 86 00, still PERSONALIZED; a new
	 * session then drops the partial package and a full download works */
	t_scp03t_open(&w, &h);
	assert_int_equal(t_download(&w, &h, pkg, len - 100, 0, -1, &out, &n86), 0);
	assert_int_equal(w.card->st.isdp[0].state, RT_ISDP_PERSONALIZED);
	rt_scp03t_clear(&h);
	t_scp03t_open(&w, &h);
	assert_int_equal(t_download(&w, &h, pkg, len, 0, -1, &out, &n86), 0);
	assert_memory_equal(out.data, resp_ok, sizeof(resp_ok));
	assert_int_equal(w.card->st.isdp[0].state, RT_ISDP_DISABLED);
	/* a second download into an installed ISD-P: status 6985 */
	rt_scp03t_clear(&h);
	t_scp03t_open(&w, &h);
	assert_int_equal(t_download(&w, &h, pkg, len, 1, -1, &out, &n86), 0);
	assert_int_equal(out.len, 10);
	assert_memory_equal(out.data, ((const uint8_t[]){ 0x30, 0x08, 0xA0, 0x06, 0x30, 0x04, 0x80,
							  0x02, 0x69, 0x85 }), 10);
	rt_scp03t_clear(&h);
	t_close(&w);

	/* fault knob scp03t_no_mac_check: the corrupted segment is accepted */
	t_open(&w, RT_EUICC_FAULT_SCP03T_NO_MAC_CHECK, 0, "smdp");
	t_establish(&w);
	t_scp03t_open(&w, &h);
	assert_int_equal(t_download(&w, &h, pkg, len, 4, 2, &out, &n86), 0);
	assert_int_equal(n86, 4);
	rt_scp03t_clear(&h);
	t_close(&w);

	/* malformed: the first PE is not the header -> invalid-request-format(5), aborted;
	 * the session is over (the next 86: 9F46) */
	bad = malloc(len);
	memcpy(bad, pkg, len);
	bad[0] = 0xB0;
	t_open(&w, 0, 0, "smdp");
	t_establish(&w);
	t_scp03t_open(&w, &h);
	assert_int_equal(t_download(&w, &h, bad, len, 0, -1, &out, &n86), 0);
	assert_int_equal(n86, 0);
	assert_int_equal(out.len, 14);
	assert_memory_equal(out.data, ((const uint8_t[]){ 0x30, 0x0C, 0xA0, 0x08, 0x30, 0x06, 0x80,
							  0x01, 0x05, 0x83, 0x01, 0x00, 0x81,
							  0x00 }), 14);
	assert_int_equal(t_tlv(&w, (const uint8_t[]){ 0x86, 0x00 }, 2), 0);
	assert_memory_equal(w.r.data, e9f46, 4);
	rt_scp03t_clear(&h);
	t_close(&w);

	/* not enough memory: quota 4 KiB -> not-enough-memory(4) */
	t_open(&w, 0, 4096, "smdp");
	t_establish(&w);
	t_scp03t_open(&w, &h);
	assert_int_equal(t_download(&w, &h, pkg, len, 0, -1, &out, &n86), 0);
	assert_true(n86 >= 3);
	assert_int_equal(out.data[8], 0x04);
	assert_int_equal(w.card->st.isdp[0].state, RT_ISDP_PERSONALIZED);
	rt_scp03t_clear(&h);
	t_close(&w);
	(void)err;
	free(bad);
	free(pkg);
	rt_buf_free(&out);
}

static void test_connectivity(void **state)
{
	struct t w;
	struct rt_scp03t h;
	struct rt_scp03 s;
	struct rt_scp03_keys k;
	struct rt_buf out;
	size_t len, n86, n, dl;
	uint8_t *pkg = ts48("SAIP2.3_NoBERTLV", &len);
	uint8_t apdu[300], rap[300], data[256];
	struct rt_err err = { 0 };
	uint16_t sw;
	static const uint8_t hc[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
	/* WHTY-SR's sample: 3A07 { A0 { 06 07 91 33 86 99 42 11 F1 } } */
	static const uint8_t dgi[] = { 0x3A, 0x07, 0x0B, 0xA0, 0x09, 0x06, 0x07, 0x91, 0x33,
				       0x86, 0x99, 0x42, 0x11, 0xF1 };
	const struct rt_euicc_isdp *p;

	(void)state;
	rt_buf_init(&out, 1024);
	t_open(&w, 0, 0, "smdp");
	t_establish(&w);
	/* before the profile is installed: refused (6985) */
	memset(&k, 0, sizeof(k));
	memcpy(k.enc, w.dp.keys.enc, 16);
	memcpy(k.mac, w.dp.keys.mac, 16);
	memcpy(k.dek, w.dp.keys.dek, 16);
	k.len = 16;
	k.kvn = 0x30;
	t_scp03t_open(&w, &h);
	assert_int_equal(t_download(&w, &h, pkg, len, 0, -1, &out, &n86), 0);
	rt_scp03t_clear(&h);
	/* plain 3A07 over SCP80 only: 6982 */
	assert_int_equal(t_exec(&w, 0x80, 0xE2, 0x88, 0x00, dgi, sizeof(dgi), 0), 0x6982);
	/* SCP03 session in APDU form (WHTY-SR ConnectParaUpdate) */
	assert_int_equal(rt_scp03_host_init(&s, &k, NULL, &err), 0);
	assert_int_equal(rt_scp03_host_iu(&s, 0, hc, 8, apdu, sizeof(apdu), &n, &err), 0);
	sw = rt_euicc_exec(w.card, &rt_euicc_app_isdp, 0, apdu, n, &w.r);
	assert_int_equal(sw, 0x9000);
	memcpy(rap, w.r.data, w.r.len);
	rap[w.r.len] = 0x90;
	rap[w.r.len + 1] = 0x00;
	if (rt_scp03_host_iu_response(&s, rap, w.r.len + 2, &err))
		fail_msg("IU: %s", err.msg);
	assert_int_equal(rt_scp03_host_ext_auth(&s, 0x33, apdu, sizeof(apdu), &n, &err), 0);
	assert_int_equal(rt_euicc_exec(w.card, &rt_euicc_app_isdp, 0, apdu, n, &w.r), 0x9000);
	assert_int_equal(rt_capdu_build(0x80, 0xE2, 0x88, 0x00, dgi, sizeof(dgi), 0, 0, data,
					sizeof(data), &dl, &err), 0);
	assert_int_equal(rt_scp03_host_wrap(&s, data, dl, apdu, sizeof(apdu), &n, &err), 0);
	sw = rt_euicc_exec(w.card, &rt_euicc_app_isdp, 0, apdu, n, &w.r);
	assert_int_equal(sw, 0x9000);
	memcpy(rap, w.r.data, w.r.len);
	rap[w.r.len] = 0x90;
	rap[w.r.len + 1] = 0x00;
	assert_int_equal(rt_scp03_host_unwrap(&s, rap, w.r.len + 2, data, sizeof(data), &dl, &sw,
					      &err), 0);
	p = &w.card->st.isdp[0];
	assert_int_equal(p->conn_len, sizeof(dgi) - 3);
	assert_memory_equal(p->conn, dgi + 3, sizeof(dgi) - 3);
	/* a malformed 3A07 in the same session: 6A80 */
	assert_int_equal(rt_capdu_build(0x80, 0xE2, 0x88, 0x00,
					(const uint8_t[]){ 0x3A, 0x07, 0x02, 0x06, 0x05 }, 5, 0, 0,
					data, sizeof(data), &dl, &err), 0);
	assert_int_equal(rt_scp03_host_wrap(&s, data, dl, apdu, sizeof(apdu), &n, &err), 0);
	assert_int_equal(rt_euicc_exec(w.card, &rt_euicc_app_isdp, 0, apdu, n, &w.r), 0x6A80);
	rt_scp03_clear(&s);
	/* the same through SCP03t: an 86 carrying the DGI -> EUICCResponse ok */
	t_scp03t_open(&w, &h);
	assert_int_equal(t_download(&w, &h, dgi, sizeof(dgi), 0, -1, &out, &n86), 0);
	assert_memory_equal(out.data, resp_ok, sizeof(resp_ok));
	rt_scp03t_clear(&h);
	rt_buf_free(&out);
	free(pkg);
	t_close(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_flow),
		cmocka_unit_test(test_refusals_key_establishment),
		cmocka_unit_test(test_scp03t_refusals),
		cmocka_unit_test(test_connectivity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
