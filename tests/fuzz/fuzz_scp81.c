/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_scp81 — libFuzzer target for codec/rt_scp81: the PSK identity (sent by the card in
 * the TLS handshake), the SMS trigger TLV (from an SM-SR) and the header checker.
 *
 * A parsed PSK identity rebuilds to the input (upper-cased); a parsed trigger rebuilds
 * to a trigger that parses to the same fields. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_scp81.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz_scp81: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                        \
			abort();                                                         \
		}                                                                        \
	} while (0)

static int same(const struct rt_scp81_bytes *a, const struct rt_scp81_bytes *b)
{
	return (!a->ptr) == (!b->ptr) && a->len == b->len && (!a->len || !memcmp(a->ptr, b->ptr, a->len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_scp81_pskid p;
	struct rt_scp81_trigger t, u;
	struct rt_err err;
	char text[512];
	size_t i;

	if (rt_scp81_pskid_parse((const char *)data, size, &p, &err) == 0) {
		char out[RT_SCP81_PSKID_HEX_MAX];

		FUZZ_CHECK(rt_scp81_pskid_build(&p, out, sizeof(out), &err) == 0);
		FUZZ_CHECK(strlen(out) == size);
		for (i = 0; i < size; i++) {
			char c = (char)data[i];

			if (c >= 'a' && c <= 'f')
				c = (char)(c - 32);
			FUZZ_CHECK(out[i] == c);
		}
	}
	if (rt_scp81_trigger_parse(data, size, &t, &err) == 0) {
		struct rt_buf b;

		rt_buf_init(&b, 1 << 16);
		FUZZ_CHECK(rt_scp81_trigger_build(&t, &b, &err) == 0);
		FUZZ_CHECK(rt_scp81_trigger_parse(b.data, b.len, &u, &err) == 0);
		FUZZ_CHECK(same(&t.conn, &u.conn) && same(&t.psk_id, &u.psk_id) &&
			   same(&t.host, &u.host) && same(&t.agent_id, &u.agent_id) &&
			   same(&t.uri, &u.uri) && same(&t.dns, &u.dns) &&
			   same(&t.ext_security, &u.ext_security));
		FUZZ_CHECK(t.kvn == u.kvn && t.kid == u.kid && t.sha_type == u.sha_type);
		FUZZ_CHECK(t.has_retry == u.has_retry && t.retry_counter == u.retry_counter);
		rt_buf_free(&b);
	}
	/* header values: the input as text, checked as each known header both ways */
	if (size < sizeof(text)) {
		memcpy(text, data, size);
		text[size] = '\0';
		for (i = 0; rt_scp81_headers[i].name; i++) {
			(void)rt_scp81_header_check(rt_scp81_headers[i].name, text, RT_SCP81_CARD_TO_SERVER, &err);
			(void)rt_scp81_header_check(rt_scp81_headers[i].name, text, RT_SCP81_SERVER_TO_CARD, &err);
		}
	}
	return 0;
}
