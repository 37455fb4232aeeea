/* SPDX-License-Identifier: Apache-2.0 */
/* bench_scp80 — SCP80 (ETSI TS 102 225 / 3GPP TS 31.115) operations per second, beside
 * raw OpenSSL measured in the same process.
 *
 *   bench_scp80 [N]   (default N = 20000 operations per measurement)
 *
 * Setting: AES-128 keyset 1 (KIc = KID = 12), SPI 16 39 (cipher + CC + counter higher;
 * PoR required, CC, ciphered, by SMS-SUBMIT), SMS dialect, TAR 000001, a 100-byte
 * command and a 100-byte PoR response. Measured through harness/scp/rt_scp80:
 *   (a) wrap;
 *   (b) PoR build on the card side + PoR verify on the sender side;
 *   (c) the full round: wrap + card unwrap + PoR build + PoR verify.
 * Baseline: the cryptography each operation cannot avoid, done with raw EVP over the
 * same byte counts (taken from the real packets): AES-128-CBC over the enciphered part
 * and AES-CMAC over the checksummed part, with the EVP_CIPHER / EVP_MAC fetched once and
 * the contexts reused, only the key set per operation (the floor a tuned implementation
 * could reach). Also `openssl speed -evp aes-128-cbc` at 256 bytes (read via popen;
 * "n/a" without the openssl command), for a sense of the raw cipher throughput.
 * Each figure is the median of 5 runs of N operations. Keys are fixed sample bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "scp/rt_scp80.h"
#include "util/rt_time.h"

#define BENCH_RUNS 5
#define BENCH_PAYLOAD 100

static const uint8_t bench_key_kic[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
					  0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
static const uint8_t bench_key_kid[16] = {0x0F, 0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 0x09, 0x08,
					  0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x00};
static const uint8_t bench_tar[3] = {0x00, 0x00, 0x01};

struct bench_ctx {
	struct rt_scp80_key kic, kid;
	struct rt_scp80_sec sec;   /* sender side */
	struct rt_scp80_sec sec0;  /* sender side of the fixed exchange (b) answers */
	uint8_t card_cntr[5];      /* card side stored counter */
	uint64_t cntr;             /* next counter the sender uses */
	uint8_t payload[BENCH_PAYLOAD];
	struct rt_buf pkt, data, por, pdata;
	struct rt_scp80_lookup lookup;
	/* raw EVP baseline */
	EVP_CIPHER *cbc;
	EVP_CIPHER_CTX *cctx;
	EVP_MAC *mac;
	EVP_MAC_CTX *mctx;
	uint8_t in[512], out[512 + 16];
	size_t cmd_enc, cmd_mac, por_enc, por_mac; /* byte counts from the real packets */
};

static void bench_die(const char *what, const struct rt_err *err)
{
	fprintf(stderr, "bench_scp80: %s: %s\n", what, err ? err->msg : "failed");
	exit(1);
}

static int bench_lookup(void *ctx, const uint8_t tar[3], uint8_t kic_ks, uint8_t kid_ks,
			struct rt_scp80_keyset *ks, struct rt_err *err)
{
	struct bench_ctx *b = ctx;

	(void)kic_ks;
	(void)kid_ks;
	if (memcmp(tar, bench_tar, 3) != 0)
		return rt_err_set(err, RT_ENOENT, "unknown TAR");
	memset(ks, 0, sizeof(*ks));
	ks->kic = b->kic;
	ks->kid = b->kid;
	memcpy(ks->cntr, b->card_cntr, 5);
	return 0;
}

static void bench_set_cntr(uint8_t c[5], uint64_t v)
{
	int i;

	for (i = 4; i >= 0; i--) {
		c[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* ---- SCP80 operations ------------------------------------------------------------ */

static void bench_wrap(struct bench_ctx *b)
{
	struct rt_err err = {0};

	bench_set_cntr(b->sec.cntr, ++b->cntr);
	rt_buf_reset(&b->pkt);
	if (rt_scp80_cmd_wrap(&b->sec, b->payload, sizeof(b->payload), NULL, &b->pkt, &err))
		bench_die("wrap", &err);
}

static void bench_unwrap(struct bench_ctx *b, struct rt_scp80_rx *rx)
{
	struct rt_err err = {0};

	rt_buf_reset(&b->data);
	if (rt_scp80_cmd_unwrap(RT_SCP80_SMS, b->pkt.data, b->pkt.len, &b->lookup, NULL, rx,
				&b->data, &err))
		bench_die("unwrap", &err);
	if (rx->cntr_update)
		memcpy(b->card_cntr, rx->new_cntr, 5);
}

/* The card builds the PoR answering rx; the sender (whose command was s) verifies it. */
static void bench_por(struct bench_ctx *b, const struct rt_scp80_sec *s,
		      const struct rt_scp80_rx *rx)
{
	struct rt_scp80_por res;
	struct rt_err err = {0};

	rt_buf_reset(&b->por);
	rt_buf_reset(&b->pdata);
	if (rt_scp80_por_build(&rx->por, rx->status, b->payload, sizeof(b->payload), NULL, &b->por,
			       &err))
		bench_die("PoR build", &err);
	if (rt_scp80_por_verify(s, b->por.data, b->por.len, NULL, &res, &b->pdata, &err))
		bench_die("PoR verify", &err);
	if (res.status != 0 || b->pdata.len != sizeof(b->payload))
		bench_die("PoR verify: unexpected result", NULL);
}

/* ---- raw EVP baseline ------------------------------------------------------------ */

static void bench_raw_cbc(struct bench_ctx *b, const uint8_t *key, size_t len, int enc)
{
	static const uint8_t iv[16] = {0};
	int outl = 0, finl = 0;

	if (!EVP_CipherInit_ex2(b->cctx, b->cbc, key, iv, enc, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(b->cctx, 0) ||
	    !EVP_CipherUpdate(b->cctx, b->out, &outl, b->in, (int)len) ||
	    !EVP_CipherFinal_ex(b->cctx, b->out + outl, &finl))
		bench_die("raw AES-128-CBC", NULL);
}

static void bench_raw_cmac(struct bench_ctx *b, const uint8_t *key, size_t len)
{
	uint8_t tag[16];
	size_t tl = 0;

	if (!EVP_MAC_init(b->mctx, key, 16, NULL) || !EVP_MAC_update(b->mctx, b->in, len) ||
	    !EVP_MAC_final(b->mctx, tag, &tl, sizeof(tag)))
		bench_die("raw AES-CMAC", NULL);
}

/* Sender: encipher + CMAC; receiver: decipher + CMAC. */
static void bench_raw_send(struct bench_ctx *b, size_t enc, size_t mac)
{
	bench_raw_cmac(b, bench_key_kid, mac);
	bench_raw_cbc(b, bench_key_kic, enc, 1);
}

static void bench_raw_recv(struct bench_ctx *b, size_t enc, size_t mac)
{
	bench_raw_cbc(b, bench_key_kic, enc, 0);
	bench_raw_cmac(b, bench_key_kid, mac);
}

/* ---- measurement ----------------------------------------------------------------- */

enum bench_op { OP_WRAP, OP_POR, OP_ROUND, OP_RAW_WRAP, OP_RAW_POR, OP_RAW_ROUND };

static void bench_one(struct bench_ctx *b, enum bench_op op, const struct rt_scp80_rx *por_rx)
{
	struct rt_scp80_rx rx;

	switch (op) {
	case OP_WRAP:
		bench_wrap(b);
		break;
	case OP_POR:
		bench_por(b, &b->sec0, por_rx);
		break;
	case OP_ROUND:
		bench_wrap(b);
		bench_unwrap(b, &rx);
		bench_por(b, &b->sec, &rx);
		rt_scp80_rx_clear(&rx);
		break;
	case OP_RAW_WRAP:
		bench_raw_send(b, b->cmd_enc, b->cmd_mac);
		break;
	case OP_RAW_POR:
		bench_raw_send(b, b->por_enc, b->por_mac);
		bench_raw_recv(b, b->por_enc, b->por_mac);
		break;
	case OP_RAW_ROUND:
		bench_raw_send(b, b->cmd_enc, b->cmd_mac);
		bench_raw_recv(b, b->cmd_enc, b->cmd_mac);
		bench_raw_send(b, b->por_enc, b->por_mac);
		bench_raw_recv(b, b->por_enc, b->por_mac);
		break;
	}
}

static int bench_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, c = *(const double *)y;

	return (a > c) - (a < c);
}

/* Median ops/s over BENCH_RUNS runs of n operations. */
static double bench_rate(struct bench_ctx *b, enum bench_op op, int n,
			 const struct rt_scp80_rx *por_rx)
{
	double r[BENCH_RUNS];
	int i, k;

	for (i = 0; i < n / 10 + 1; i++) /* warm-up */
		bench_one(b, op, por_rx);
	for (k = 0; k < BENCH_RUNS; k++) {
		double t0 = rt_time_s(), dt;

		for (i = 0; i < n; i++)
			bench_one(b, op, por_rx);
		dt = rt_time_s() - t0;
		r[k] = dt > 0 ? n / dt : 0;
	}
	qsort(r, BENCH_RUNS, sizeof(r[0]), bench_cmp);
	return r[BENCH_RUNS / 2];
}

/* `openssl speed -evp aes-128-cbc` at 256 bytes, in bytes/s; 0 when not available. */
static double bench_openssl_speed(void)
{
	char line[256];
	double bps = 0;
	FILE *p = popen("command -v openssl >/dev/null 2>&1 && "
			"openssl speed -mr -seconds 1 -bytes 256 -evp aes-128-cbc 2>/dev/null",
			"r");

	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p)) {
		/* Machine-readable form: "+F:<n>:AES-128-CBC:<bytes per second>". */
		const char *c = strrchr(line, ':');

		if (strncmp(line, "+F:", 3) == 0 && c)
			bps = strtod(c + 1, NULL);
	}
	pclose(p);
	return bps;
}

static void bench_setup(struct bench_ctx *b)
{
	OSSL_PARAM params[2];
	size_t i;

	memset(b, 0, sizeof(*b));
	memcpy(b->kic.key, bench_key_kic, 16);
	b->kic.len = 16;
	memcpy(b->kid.key, bench_key_kid, 16);
	b->kid.len = 16;
	b->sec.dialect = RT_SCP80_SMS;
	b->sec.spi[0] = 0x16;
	b->sec.spi[1] = 0x39;
	b->sec.kic = 0x12;
	b->sec.kid = 0x12;
	memcpy(b->sec.tar, bench_tar, 3);
	b->sec.kic_key = &b->kic;
	b->sec.kid_key = &b->kid;
	for (i = 0; i < sizeof(b->payload); i++)
		b->payload[i] = (uint8_t)(i * 7 + 1);
	rt_buf_init(&b->pkt, 4096);
	rt_buf_init(&b->data, 4096);
	rt_buf_init(&b->por, 4096);
	rt_buf_init(&b->pdata, 4096);
	b->lookup.fn = bench_lookup;
	b->lookup.ctx = b;
	b->cbc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
	b->cctx = EVP_CIPHER_CTX_new();
	b->mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	b->mctx = b->mac ? EVP_MAC_CTX_new(b->mac) : NULL;
	if (!b->cbc || !b->cctx || !b->mctx)
		bench_die("OpenSSL setup", NULL);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, (char *)"AES-128-CBC", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_CTX_set_params(b->mctx, params))
		bench_die("CMAC cipher parameter", NULL);
	memset(b->in, 0x5A, sizeof(b->in));
}

/* The baseline must do the same work: its CMAC and CBC output equal rt_crypto's. */
static void bench_check_baseline(struct bench_ctx *b)
{
	static const uint8_t iv[16] = {0};
	uint8_t ref[RT_CRYPTO_CMAC_LEN], tag[16], enc[64];
	size_t tl = 0;
	int outl = 0;
	struct rt_err err = {0};

	if (rt_crypto_aes_cmac(bench_key_kid, 16, b->in, 130, ref, &err) ||
	    rt_crypto_cipher(RT_CRYPTO_AES, RT_CRYPTO_CBC, RT_CRYPTO_ENCRYPT, bench_key_kic, 16, iv,
			     b->in, 64, enc, &err))
		bench_die("rt_crypto reference", &err);
	if (!EVP_MAC_init(b->mctx, bench_key_kid, 16, NULL) || !EVP_MAC_update(b->mctx, b->in, 130) ||
	    !EVP_MAC_final(b->mctx, tag, &tl, sizeof(tag)) || tl != 16 || memcmp(tag, ref, 16) != 0)
		bench_die("raw AES-CMAC differs from rt_crypto_aes_cmac", NULL);
	if (!EVP_CipherInit_ex2(b->cctx, b->cbc, bench_key_kic, iv, 1, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(b->cctx, 0) ||
	    !EVP_CipherUpdate(b->cctx, b->out, &outl, b->in, 64) || outl != 64 ||
	    memcmp(b->out, enc, 64) != 0)
		bench_die("raw AES-128-CBC differs from rt_crypto_cipher", NULL);
}

static void bench_teardown(struct bench_ctx *b)
{
	rt_buf_free(&b->pkt);
	rt_buf_free(&b->data);
	rt_buf_free(&b->por);
	rt_buf_free(&b->pdata);
	EVP_CIPHER_CTX_free(b->cctx);
	EVP_CIPHER_free(b->cbc);
	EVP_MAC_CTX_free(b->mctx);
	EVP_MAC_free(b->mac);
}

static void bench_row(const char *name, double scp, double raw)
{
	printf("%-34s %12.0f %14.0f %9.2f %8.1f %%\n", name, scp, raw, raw / scp, 100.0 * scp / raw);
}

int main(int argc, char **argv)
{
	static struct bench_ctx b; /* large: keep it off the stack */
	struct rt_scp80_rx por_rx;
	double wrap, por, round, raw_wrap, raw_por, raw_round, speed;
	int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 20000;

	if (n <= 0) {
		fprintf(stderr, "usage: bench_scp80 [N]\n");
		return 2;
	}
	bench_setup(&b);
	bench_check_baseline(&b);
	/* One real exchange fixes the byte counts the baseline must process:
	 * command: UDH(3) CPL(2) CHL(1) SPI..TAR(7) | enciphered; CMAC over all but UDH and CC;
	 * PoR: UDH(3) RPL(2) RHL(1) TAR(3) | enciphered; CMAC over all but the CC. */
	bench_wrap(&b);
	b.sec0 = b.sec;
	bench_unwrap(&b, &por_rx);
	bench_por(&b, &b.sec0, &por_rx);
	b.cmd_enc = b.pkt.len - 13;
	b.cmd_mac = b.pkt.len - 3 - 8;
	b.por_enc = b.por.len - 9;
	b.por_mac = b.por.len - 8;
	if (b.cmd_mac > sizeof(b.in) || b.por_mac > sizeof(b.in))
		bench_die("packet larger than the baseline buffer", NULL);

	printf("SCP80 benchmark: AES-128 (KIc/KID 12), SPI 16 39, SMS dialect, %d-byte command "
	       "and PoR data\n", BENCH_PAYLOAD);
	printf("command %zu bytes (AES-CBC %zu, CMAC %zu); PoR %zu bytes (AES-CBC %zu, CMAC %zu)\n",
	       b.pkt.len, b.cmd_enc, b.cmd_mac, b.por.len, b.por_enc, b.por_mac);
	printf("median of %d runs x %d operations\n\n", BENCH_RUNS, n);

	wrap = bench_rate(&b, OP_WRAP, n, &por_rx);
	raw_wrap = bench_rate(&b, OP_RAW_WRAP, n, &por_rx);
	por = bench_rate(&b, OP_POR, n, &por_rx);
	raw_por = bench_rate(&b, OP_RAW_POR, n, &por_rx);
	round = bench_rate(&b, OP_ROUND, n, &por_rx);
	raw_round = bench_rate(&b, OP_RAW_ROUND, n, &por_rx);
	rt_scp80_rx_clear(&por_rx);

	printf("%-34s %12s %14s %9s %10s\n", "operation", "scp80 ops/s", "raw EVP ops/s",
	       "raw/scp80", "scp80/raw");
	bench_row("(a) wrap", wrap, raw_wrap);
	bench_row("(b) PoR build + PoR verify", por, raw_por);
	bench_row("(c) wrap+unwrap+PoR build+verify", round, raw_round);

	speed = bench_openssl_speed();
	if (speed > 0)
		printf("\nopenssl speed -evp aes-128-cbc, 256-byte blocks: %.0f ops/s (%.1f MB/s); "
		       "(a) wrap reaches %.2f %% of that rate\n",
		       speed / 256, speed / 1e6, 100.0 * wrap / (speed / 256));
	else
		printf("\nopenssl speed -evp aes-128-cbc, 256-byte blocks: n/a\n");
	bench_teardown(&b);
	return 0;
}
