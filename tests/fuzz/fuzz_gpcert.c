/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_gpcert — libFuzzer target for codec/rt_gpcert (7F21 certificates from a peer)
 * and scp/rt_gpcert_verify.
 *
 * Decodes the input in every flag combination and checks invariants that must hold for
 * any input: every decoded view lies inside the input; the signed data is the start of
 * the 7F21 value and ends where 5F37 begins; re-wrapping the signed data and signature
 * decodes again to the same fields; verification with a fixed issuer key never succeeds
 * on a decode failure and always fills a status and a message on failure. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_gpcert.h"
#include "scp/rt_gpcert_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                               \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_gpcert: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                       \
			abort();                                                        \
		}                                                                       \
	} while (0)

static int fuzz_inside(const struct rt_gpcert_bytes *b, const uint8_t *d, size_t n)
{
	return !b->p || (b->p >= d && b->p + b->len <= d + n);
}

static struct rt_ec_key *fuzz_issuer(void)
{
	static struct rt_ec_key *k;
	static const uint8_t d[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

	if (!k && rt_ec_key_from_private(RT_EC_P256, d, sizeof(d), &k, NULL))
		abort();
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags;

	for (flags = 0; flags < 8; flags++) {
		struct rt_gpcert c, c2;
		struct rt_err err;
		size_t used = 0;
		struct rt_buf b;

		if (rt_gpcert_decode(data, size, flags, &c, &used, &err)) {
			FUZZ_CHECK(err.code == RT_EPROTO && err.msg[0]);
			continue;
		}
		FUZZ_CHECK(used <= size && c.raw.p == data && c.raw.len == used);
		FUZZ_CHECK(fuzz_inside(&c.serial, data, size) && fuzz_inside(&c.ca_id, data, size) &&
			   fuzz_inside(&c.subject_id, data, size) && fuzz_inside(&c.aki, data, size) &&
			   fuzz_inside(&c.public_key, data, size) && fuzz_inside(&c.signature, data, size) &&
			   fuzz_inside(&c.discretionary, data, size) &&
			   fuzz_inside(&c.signed_data, data, size));
		FUZZ_CHECK(c.signed_data.p + c.signed_data.len <= c.signature.p);
		FUZZ_CHECK(c.key_usage_len == 1 || c.key_usage_len == 2);
		/* any calendar date of years 0000-9999 (a year 1649 is valid, merely expired) */
		FUZZ_CHECK(c.expiration % 100 >= 1 && c.expiration <= 99991231);
		rt_buf_init(&b, RT_GPCERT_MAX + 16);
		FUZZ_CHECK(rt_gpcert_wrap(c.signed_data.p, c.signed_data.len, c.signature.p,
					  c.signature.len, &b, &err) == 0);
		FUZZ_CHECK(rt_gpcert_decode(b.data, b.len, flags & ~RT_GPCERT_F_TRAILING, &c2, NULL,
					    &err) == 0);
		FUZZ_CHECK(c2.key_usage == c.key_usage && c2.expiration == c.expiration &&
			   c2.effective == c.effective && c2.cert_type == c.cert_type &&
			   c2.key_param_ref == c.key_param_ref && c2.signed_data.len == c.signed_data.len &&
			   memcmp(c2.signed_data.p, c.signed_data.p, c.signed_data.len) == 0);
		rt_buf_free(&b);
		if (flags == 0) {
			enum rt_gpcert_status st = RT_GPCERT_OK;
			struct rt_gpcert_policy p;
			struct rt_ec_key *k = NULL;
			int rc;

			rt_gpcert_policy_init(&p);
			p.date = 20300101;
			rc = rt_gpcert_verify(&c, fuzz_issuer(), &p, &k, &st, &err);
			FUZZ_CHECK(rc == 0 ? (st == RT_GPCERT_OK && k) : (st != RT_GPCERT_OK && err.msg[0]));
			rt_ec_key_free(k);
		}
	}
	return 0;
}
