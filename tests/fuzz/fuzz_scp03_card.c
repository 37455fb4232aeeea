/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_scp03_card — libFuzzer target for the SCP03 card side (rt_scp03_card_iu,
 * rt_scp03_card_ext_auth, rt_scp03_card_unwrap, rt_scp03_card_wrap): a card unwrapping
 * attacker-controlled commands.
 *
 * Input: one configuration byte, then records `len(1) bytes`. Config bits 0-2 pick the
 * security level (00 01 03 11 13 31 33, 7 = 33), bit 3 S16 mode, bit 4 AES-256 keys,
 * bit 5 the mode:
 *   mode 0 (raw): record 1 goes to INITIALIZE UPDATE, record 2 to EXTERNAL AUTHENTICATE,
 *     the rest to unwrap; after each accepted command the card answers through wrap.
 *   mode 1 (forgery): a genuine host opens the session; per record the host wraps a
 *     fixed command and the record is XORed over the wrapped bytes (a longer record
 *     appends bytes, a zero-length record truncates one) before the card sees it.
 * Invariants: an accepted command parses as an APDU no longer than what came in; a
 * failure closes the session; in mode 1 an accepted command has the INS, P1, P2 and data
 * the host wrapped (only CLA channel bits and Le are outside the C-MAC); the card's
 * responses are accepted by the genuine host. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_apdu.h"
#include "scp/rt_scp03.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                              \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "fuzz_scp03_card: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                      \
			abort();                                                       \
		}                                                                      \
	} while (0)

static const uint8_t SLS[8] = { 0x00, 0x01, 0x03, 0x11, 0x13, 0x31, 0x33, 0x33 };
static const uint8_t AID[8] = { 0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00 };
static const uint8_t PLAIN[] = { 0x80, 0xE2, 0x91, 0x00, 0x06, 0xBF, 0x3E, 0x03, 0x5C, 0x01,
				 0x5A, 0x00 };

static void fuzz_keys(struct rt_scp03_keys *k, int big)
{
	size_t i;

	memset(k, 0, sizeof(*k));
	k->len = big ? 32 : 16;
	k->kvn = 0x30;
	for (i = 0; i < k->len; i++) {
		k->enc[i] = (uint8_t)i;
		k->mac[i] = (uint8_t)(0x10 + i);
		k->dek[i] = (uint8_t)(0x20 + i);
	}
}

/* Card accepted plain[0..pn): check it and answer; the host (if any) must accept. */
static void answer(struct rt_scp03 *card, struct rt_scp03 *host, const uint8_t *in, size_t n,
		   const uint8_t *plain, size_t pn)
{
	static uint8_t rsp[600], back[600];
	struct rt_capdu c;
	struct rt_err err = {0};
	size_t rn, bn;
	uint16_t sw;

	FUZZ_CHECK(rt_capdu_parse(plain, pn, &c, &err) == 0);
	FUZZ_CHECK(pn <= n + 3);
	FUZZ_CHECK(card->rsp_ok == 1);
	FUZZ_CHECK(rt_scp03_card_wrap(card, in, n < 300 ? n : 300, n & 1 ? 0x9000 : 0x6A80, rsp,
				      sizeof(rsp), &rn, &err) == 0);
	if (host)
		FUZZ_CHECK(rt_scp03_host_unwrap(host, rsp, rn, back, sizeof(back), &bn, &sw, &err) ==
			   0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[RT_CAPDU_MAX], plain[RT_CAPDU_MAX];
	struct rt_scp03_keys k;
	struct rt_scp03 card, host;
	struct rt_err err = {0};
	uint8_t cfg, sl, hc[16] = {0}, cmd[64], rsp[64];
	size_t off = 1, rec = 0, s, n, pn, rn;
	uint16_t sw;
	int rc, forge;

	if (size < 1)
		return 0;
	cfg = data[0];
	sl = SLS[cfg & 7];
	s = (cfg & 8) ? 16 : 8;
	forge = (cfg & 0x20) != 0;
	fuzz_keys(&k, cfg & 0x10);
	if (rt_scp03_card_init(&card, &k, (uint8_t)(0x70 | (s == 16 ? 1 : 0)), AID, sizeof(AID),
			       5, NULL, NULL, &err))
		abort();
	if (forge) {
		FUZZ_CHECK(rt_scp03_host_init(&host, &k, NULL, &err) == 0);
		FUZZ_CHECK(rt_scp03_host_iu(&host, 0, hc, s, cmd, sizeof(cmd), &n, &err) == 0);
		FUZZ_CHECK(rt_scp03_card_iu(&card, cmd, n, NULL, rsp, sizeof(rsp), &rn, &sw, &err) ==
			   0);
		FUZZ_CHECK(rt_scp03_host_iu_response(&host, rsp, rn, &err) == 0);
		FUZZ_CHECK(rt_scp03_host_ext_auth(&host, sl, cmd, sizeof(cmd), &n, &err) == 0);
		FUZZ_CHECK(rt_scp03_card_ext_auth(&card, cmd, n, &sw, &err) == 0);
	}
	while (off < size) {
		size_t len = data[off++];
		const uint8_t *r = data + off;

		if (len > size - off)
			len = size - off;
		off += len;
		if (forge) {
			size_t wn, i;
			struct rt_capdu a, b;

			if (host.state != RT_SCP03_ST_OPEN || card.state != RT_SCP03_ST_OPEN)
				break;
			FUZZ_CHECK(rt_scp03_host_wrap(&host, PLAIN, sizeof(PLAIN), buf, sizeof(buf),
						      &wn, &err) == 0);
			if (len == 0 && wn > 1)
				wn--;
			for (i = 0; i < len; i++) {
				if (i < wn)
					buf[i] ^= r[i];
				else
					buf[wn++] = r[i];
			}
			rc = rt_scp03_card_unwrap(&card, buf, wn, plain, sizeof(plain), &pn, &sw, &err);
			if (rc) {
				FUZZ_CHECK(card.state == RT_SCP03_ST_CLOSED);
				FUZZ_CHECK(sw != 0x9000);
				break;
			}
			FUZZ_CHECK(rt_capdu_parse(plain, pn, &a, &err) == 0);
			FUZZ_CHECK(rt_capdu_parse(PLAIN, sizeof(PLAIN), &b, &err) == 0);
			if (sl & RT_SCP03_SL_CMAC) {
				FUZZ_CHECK(a.ins == b.ins && a.p1 == b.p1 && a.p2 == b.p2);
				FUZZ_CHECK(a.lc == b.lc && memcmp(a.data, b.data, a.lc) == 0);
			}
			answer(&card, &host, buf, wn, plain, pn);
			continue;
		}
		switch (rec++) {
		case 0:
			rc = rt_scp03_card_iu(&card, r, len, NULL, buf, sizeof(buf), &n, &sw, &err);
			FUZZ_CHECK(rc != 0 || (sw == 0x9000 && n >= 31));
			break;
		case 1:
			rc = rt_scp03_card_ext_auth(&card, r, len, &sw, &err);
			FUZZ_CHECK((rc == 0) == (sw == 0x9000));
			FUZZ_CHECK(rc == 0 || card.state != RT_SCP03_ST_OPEN);
			break;
		default:
			rc = rt_scp03_card_unwrap(&card, r, len, plain, sizeof(plain), &pn, &sw, &err);
			if (rc == 0)
				answer(&card, NULL, r, len, plain, pn);
			else
				FUZZ_CHECK(card.state != RT_SCP03_ST_OPEN);
			break;
		}
	}
	rt_scp03_clear(&card);
	if (forge)
		rt_scp03_clear(&host);
	return 0;
}
