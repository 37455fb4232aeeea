/* SPDX-License-Identifier: Apache-2.0 */
/* bench_scp03t — SCP03t wrap throughput for a 64 KiB Profile Package, beside the same
 * process's raw OpenSSL EVP throughput for the two primitives it is made of.
 *
 * The package is the TS.48 test profile SAIP2.3_NoBERTLV.der (tests/vectors/ts48),
 * repeated or cut to 64 KiB. One figure is
 * rt_scp03t_host_segment at SL 33 (AES-128: counter ICV, CBC encryption with 80 00
 * padding, C-MAC chaining, TLV framing, per 1024-byte segment and per 255-byte segment).
 * The baseline is AES-128-CBC encryption and AES-CMAC each run once over the whole 64
 * KiB with EVP (contexts made once), combined as 64 KiB / (t_cbc + t_cmac), i.e. the best
 * a wrap that encrypts and MACs every byte once could do. `openssl speed -evp
 * aes-128-cbc` is printed too when the binary is there. Goal: wrap >= 50 % of the
 * baseline. Run: build/bench/bench_scp03t [iterations] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "scp/rt_scp03t.h"

#define PKG_LEN (64 * 1024)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int load_package(uint8_t *pkg, const char **from)
{
	static const char *paths[] = { RT_SRCDIR "/tests/vectors/ts48/SAIP2.3_NoBERTLV.der" };
	static uint8_t file[1 << 20];
	size_t i, n = 0, off;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		FILE *f = fopen(paths[i], "rb");

		if (!f)
			continue;
		n = fread(file, 1, sizeof(file), f);
		fclose(f);
		if (n) {
			*from = paths[i];
			break;
		}
	}
	if (!n)
		return -1;
	for (off = 0; off < PKG_LEN; off += n)
		memcpy(pkg + off, file, PKG_LEN - off < n ? PKG_LEN - off : n);
	return 0;
}

static void open_session(struct rt_scp03t *h, struct rt_scp03t *c, size_t maxseg)
{
	static const uint8_t aid[16] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
					 0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x10, 0x00 };
	struct rt_scp03_keys k;
	struct rt_scp03t_opts o = { .max_segment = maxseg };
	struct rt_err err = { 0 };
	struct rt_buf cmd, rsp, plain;
	uint8_t hc[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t used, i;

	memset(&k, 0, sizeof(k));
	k.len = 16;
	k.kvn = 0x30;
	for (i = 0; i < 16; i++) {
		k.enc[i] = (uint8_t)(0xA0 + i);
		k.mac[i] = (uint8_t)(0xB0 + i);
	}
	rt_buf_init(&cmd, 256);
	rt_buf_init(&rsp, 256);
	rt_buf_init(&plain, 256);
	if (rt_scp03t_host_init(h, &k, NULL, &o, &err) ||
	    rt_scp03t_card_init(c, &k, 0x70, aid, sizeof(aid), 0, NULL, NULL, &o, &err) ||
	    rt_scp03t_host_iu(h, hc, 8, &cmd, &err) ||
	    rt_scp03t_card_command(c, cmd.data, cmd.len, &used, &plain, &rsp, &err) ||
	    rt_scp03t_host_iu_response(h, rsp.data, rsp.len, &err)) {
		fprintf(stderr, "bench_scp03t: handshake: %s\n", err.msg);
		exit(1);
	}
	rt_buf_reset(&cmd);
	if (rt_scp03t_host_ext_auth(h, 0x33, &cmd, &err)) {
		fprintf(stderr, "bench_scp03t: 85: %s\n", err.msg);
		exit(1);
	}
	rt_buf_free(&cmd);
	rt_buf_free(&rsp);
	rt_buf_free(&plain);
}

static double bench_wrap(const uint8_t *pkg, size_t maxseg, int iters, size_t *segments)
{
	struct rt_scp03t h, c;
	struct rt_err err = { 0 };
	struct rt_buf out;
	double t0, t;
	int i;

	open_session(&h, &c, maxseg);
	rt_buf_init(&out, 2 * PKG_LEN);
	t0 = now();
	for (i = 0; i < iters; i++) {
		rt_buf_reset(&out);
		if (rt_scp03t_host_segment(&h, pkg, PKG_LEN, 0, &out, segments, NULL, 0, &err)) {
			fprintf(stderr, "bench_scp03t: segment: %s\n", err.msg);
			exit(1);
		}
	}
	t = now() - t0;
	rt_buf_free(&out);
	rt_scp03t_clear(&h);
	rt_scp03t_clear(&c);
	return (double)PKG_LEN * iters / t / 1e6;
}

/* Seconds per pass of AES-128-CBC encryption over the package (EVP, context reused). */
static double bench_cbc(const uint8_t *pkg, int iters)
{
	static uint8_t out[PKG_LEN + 16];
	uint8_t key[16] = { 1 }, iv[16] = { 2 };
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	double t0;
	int i, outl;

	t0 = now();
	for (i = 0; i < iters; i++) {
		if (!EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv) ||
		    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
		    !EVP_EncryptUpdate(ctx, out, &outl, pkg, PKG_LEN))
			exit(1);
	}
	t0 = (now() - t0) / iters;
	EVP_CIPHER_CTX_free(ctx);
	return t0;
}

/* Seconds per pass of AES-128-CMAC over the package (EVP_MAC, context reused). */
static double bench_cmac(const uint8_t *pkg, int iters)
{
	uint8_t key[16] = { 3 }, mac[16];
	EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(m);
	char cipher[] = "AES-128-CBC";
	OSSL_PARAM params[2];
	size_t ml;
	double t0;
	int i;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0);
	params[1] = OSSL_PARAM_construct_end();
	t0 = now();
	for (i = 0; i < iters; i++) {
		if (!EVP_MAC_init(ctx, key, 16, params) || !EVP_MAC_update(ctx, pkg, PKG_LEN) ||
		    !EVP_MAC_final(ctx, mac, &ml, sizeof(mac)))
			exit(1);
	}
	t0 = (now() - t0) / iters;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return t0;
}

/* `openssl speed -evp aes-128-cbc -bytes 65536 -seconds 1`: the last column in MB/s. */
static double openssl_speed(void)
{
	FILE *p = popen("openssl speed -evp aes-128-cbc -bytes 65536 -seconds 1 2>/dev/null", "r");
	char line[512];
	double v = -1;

	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		char *k;

		if (strncmp(line, "AES-128-CBC", 11) != 0 && strncmp(line, "aes-128-cbc", 11) != 0)
			continue;
		k = strrchr(line, 'k');
		if (k) {
			while (k > line && k[-1] != ' ')
				k--;
			v = strtod(k, NULL) * 1000.0 / 1e6;
		}
	}
	pclose(p);
	return v;
}

int main(int argc, char **argv)
{
	static uint8_t pkg[PKG_LEN];
	const char *from = "?";
	int iters = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 400;
	double w1024, w255, tc, tm, base, speed;
	size_t s1024 = 0, s255 = 0;

	if (iters < 1)
		iters = 1;
	if (load_package(pkg, &from)) {
		fprintf(stderr, "bench_scp03t: no TS.48 profile found\n");
		return 1;
	}
	/* warm up */
	bench_wrap(pkg, 1024, 10, &s1024);
	bench_cbc(pkg, 10);
	bench_cmac(pkg, 10);

	w1024 = bench_wrap(pkg, 1024, iters, &s1024);
	w255 = bench_wrap(pkg, 255, iters, &s255);
	tc = bench_cbc(pkg, iters);
	tm = bench_cmac(pkg, iters);
	base = PKG_LEN / (tc + tm) / 1e6;
	speed = openssl_speed();

	printf("bench_scp03t: package %s, repeated to %d bytes, %d iterations\n", from, PKG_LEN,
	       iters);
	printf("  SCP03t wrap, SL 33, 1024-byte 86 TLVs (%zu segments): %8.1f MB/s\n", s1024,
	       w1024);
	printf("  SCP03t wrap, SL 33,  255-byte 86 TLVs (%zu segments): %8.1f MB/s\n", s255, w255);
	printf("  OpenSSL EVP AES-128-CBC encrypt, 64 KiB:               %8.1f MB/s\n",
	       PKG_LEN / tc / 1e6);
	printf("  OpenSSL EVP AES-128-CMAC, 64 KiB:                      %8.1f MB/s\n",
	       PKG_LEN / tm / 1e6);
	printf("  baseline (CBC + CMAC over the same bytes, combined):   %8.1f MB/s\n", base);
	if (speed > 0)
		printf("  openssl speed -evp aes-128-cbc (64 KiB blocks):        %8.1f MB/s\n", speed);
	else
		printf("  openssl speed -evp aes-128-cbc: not available\n");
	printf("  wrap / baseline: %.0f %% (1024-byte segments), %.0f %% (255-byte); goal >= 50 %%\n",
	       100.0 * w1024 / base, 100.0 * w255 / base);
	return 0;
}
