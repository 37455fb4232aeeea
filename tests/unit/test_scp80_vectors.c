/* SPDX-License-Identifier: Apache-2.0 */
/* test_scp80_vectors — the SCP80 known-answer driver: reads every *.txt file under
 * $RT_VECTORS/scp80 (format and sources in the file headers: osmocom/pysim
 * test_ota.py and the opentelecoms gsm0348 data set) and checks, per record:
 *   [cmd] rt_scp80_cmd_wrap gives the published packet; rt_scp80_cmd_unwrap, playing
 *         the card with the same keys, recovers the data with status 00;
 *   [por] rt_scp80_por_verify gives the published status and data, or the expected
 *         error; rt_scp80_por_build gives the published packet back. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scp/rt_scp80.h"
#include "util/rt_hex.h"

#define VEC_MAX_FIELDS 16
#define VEC_MAX_VAL 1024

struct vec_field {
	char key[32];
	char val[VEC_MAX_VAL];
};

struct vec_rec {
	char kind[8];
	int nf;
	struct vec_field f[VEC_MAX_FIELDS];
};

static const char *vec_get(const struct vec_rec *r, const char *key)
{
	int i;

	for (i = 0; i < r->nf; i++)
		if (strcmp(r->f[i].key, key) == 0)
			return r->f[i].val;
	return NULL;
}

static size_t vec_hex(const struct vec_rec *r, const char *key, uint8_t *out, size_t outsz)
{
	const char *v = vec_get(r, key);
	struct rt_err err = {0};
	size_t n = 0;

	if (!v)
		fail_msg("record '%s' lacks '%s'", vec_get(r, "name"), key);
	if (rt_hex_decode(v, strlen(v), out, outsz, &n, &err))
		fail_msg("record '%s' field %s: %s", vec_get(r, "name"), key, err.msg);
	return n;
}

static void vec_fixed(const struct vec_rec *r, const char *key, uint8_t *out, size_t n)
{
	uint8_t tmp[64];

	if (vec_hex(r, key, tmp, sizeof(tmp)) != n)
		fail_msg("record '%s' field %s: not %zu bytes", vec_get(r, "name"), key, n);
	memcpy(out, tmp, n);
}

struct vec_ctx {
	struct rt_scp80_key kic, kid;
	uint8_t cntr[5];
};

static int vec_lookup(void *ctx, const uint8_t tar[3], uint8_t kic_ks, uint8_t kid_ks,
		      struct rt_scp80_keyset *ks, struct rt_err *err)
{
	const struct vec_ctx *c = ctx;

	ks->kic = c->kic;
	ks->kid = c->kid;
	memcpy(ks->cntr, c->cntr, 5);
	return 0;
}

static void vec_sec(const struct vec_rec *r, struct rt_scp80_sec *s, struct vec_ctx *c,
		    struct rt_scp80_opts *opts)
{
	const char *d = vec_get(r, "dialect");

	memset(s, 0, sizeof(*s));
	memset(c, 0, sizeof(*c));
	s->dialect = d && strcmp(d, "gen") == 0 ? RT_SCP80_GENERIC : RT_SCP80_SMS;
	vec_fixed(r, "spi", s->spi, 2);
	vec_fixed(r, "kic", &s->kic, 1);
	vec_fixed(r, "kid", &s->kid, 1);
	vec_fixed(r, "tar", s->tar, 3);
	vec_fixed(r, "cntr", s->cntr, 5);
	c->kic.len = vec_hex(r, "kic_key", c->kic.key, sizeof(c->kic.key));
	c->kid.len = vec_hex(r, "kid_key", c->kid.key, sizeof(c->kid.key));
	s->kic_key = &c->kic;
	s->kid_key = &c->kid;
	opts->aes_cc_len = strtoul(vec_get(r, "aes_cc_len") ? vec_get(r, "aes_cc_len") : "8",
				   NULL, 10);
	opts->cntr11 = RT_SCP80_CNTR11_ONE_HIGHER;
	opts->cntr_max_delta = 0;
}

static void vec_expect_bytes(const struct vec_rec *r, const char *what, const uint8_t *got,
			     size_t gotlen, const uint8_t *want, size_t wantlen)
{
	if (gotlen != wantlen || memcmp(got, want, wantlen) != 0) {
		char g[2 * 600 + 1] = "", w[2 * 600 + 1] = "";

		rt_hex_encode(got, gotlen < 600 ? gotlen : 600, g, sizeof(g));
		rt_hex_encode(want, wantlen < 600 ? wantlen : 600, w, sizeof(w));
		fail_msg("%s: %s\n  got  %s\n  want %s", vec_get(r, "name"), what, g, w);
	}
}

static void vec_run_cmd(const struct vec_rec *r)
{
	static uint8_t data[VEC_MAX_VAL], packet[VEC_MAX_VAL];
	struct rt_scp80_sec s;
	struct rt_scp80_opts opts;
	struct vec_ctx card;
	struct rt_scp80_lookup lk = {vec_lookup, &card};
	struct rt_scp80_rx rx;
	struct rt_buf out, got;
	struct rt_err err = {0};
	size_t dlen, plen;
	uint64_t c = 0;
	int i, rc;

	vec_sec(r, &s, &card, &opts);
	dlen = vec_hex(r, "data", data, sizeof(data));
	plen = vec_hex(r, "packet", packet, sizeof(packet));
	rt_buf_init(&out, RT_SCP80_MAX_PACKET + 16);
	rc = rt_scp80_cmd_wrap(&s, data, dlen, &opts, &out, &err);
	if (rc)
		fail_msg("%s: wrap failed: %s", vec_get(r, "name"), err.msg);
	vec_expect_bytes(r, "wrap", out.data, out.len, packet, plen);
	rt_buf_free(&out);

	/* The card accepts it: stored counter one below when the SPI asks for a check. */
	for (i = 0; i < 5; i++)
		c = c << 8 | s.cntr[i];
	if (((s.spi[0] >> 3) & 3) >= 2)
		c--;
	for (i = 4; i >= 0; i--) {
		card.cntr[i] = (uint8_t)c;
		c >>= 8;
	}
	rt_buf_init(&got, RT_SCP80_MAX_PACKET);
	rc = rt_scp80_cmd_unwrap(s.dialect, packet, plen, &lk, &opts, &rx, &got, &err);
	if (rc || rx.status != RT_SCP80_ST_OK)
		fail_msg("%s: card rejects it (status %02X): %s", vec_get(r, "name"), rx.status,
			 err.msg);
	vec_expect_bytes(r, "unwrap data", got.data, got.len, data, dlen);
	rt_scp80_rx_clear(&rx);
	rt_buf_free(&got);
}

static void vec_run_por(const struct vec_rec *r)
{
	static uint8_t data[VEC_MAX_VAL], packet[VEC_MAX_VAL];
	struct rt_scp80_sec s;
	struct rt_scp80_opts opts;
	struct vec_ctx keys;
	struct rt_scp80_por res;
	struct rt_buf got, out;
	struct rt_err err = {0};
	uint8_t status;
	size_t dlen, plen;
	const char *expect = vec_get(r, "expect");
	int rc;

	vec_sec(r, &s, &keys, &opts);
	plen = vec_hex(r, "packet", packet, sizeof(packet));
	rt_buf_init(&got, RT_SCP80_MAX_PACKET);
	rc = rt_scp80_por_verify(&s, packet, plen, &opts, &res, &got, &err);
	if (expect) {
		if (strcmp(expect, rt_err_name(rc)) != 0)
			fail_msg("%s: expected %s, got %s (%s)", vec_get(r, "name"), expect,
				 rt_err_name(rc), err.msg);
		rt_buf_free(&got);
		return;
	}
	if (rc)
		fail_msg("%s: PoR rejected: %s", vec_get(r, "name"), err.msg);
	vec_fixed(r, "status", &status, 1);
	dlen = vec_hex(r, "data", data, sizeof(data));
	assert_int_equal(res.status, status);
	vec_expect_bytes(r, "PoR data", got.data, got.len, data, dlen);
	rt_buf_free(&got);

	rt_buf_init(&out, RT_SCP80_MAX_PACKET + 16);
	rc = rt_scp80_por_build(&s, status, data, dlen, &opts, &out, &err);
	if (rc)
		fail_msg("%s: PoR build failed: %s", vec_get(r, "name"), err.msg);
	vec_expect_bytes(r, "PoR build", out.data, out.len, packet, plen);
	rt_buf_free(&out);
}

/* Reads one file; returns the number of records checked. */
static int vec_file(const char *path)
{
	static struct vec_rec rec;
	char line[4096];
	FILE *f = fopen(path, "r");
	int have = 0, count = 0;

	if (!f)
		fail_msg("cannot open %s", path);
	for (;;) {
		char *got = fgets(line, sizeof(line), f);
		char *p, *eq;

		if (got) {
			p = strchr(line, '#');
			if (p)
				*p = '\0';
			for (p = line; *p == ' ' || *p == '\t'; p++)
				;
			if (*p == '\0' || *p == '\n' || *p == '\r')
				continue;
		}
		if (!got || *p == '[') {
			if (have) {
				if (strcmp(rec.kind, "cmd") == 0)
					vec_run_cmd(&rec);
				else if (strcmp(rec.kind, "por") == 0)
					vec_run_por(&rec);
				else
					fail_msg("%s: unknown record kind [%s]", path, rec.kind);
				count++;
			}
			if (!got)
				break;
			memset(&rec, 0, sizeof(rec));
			snprintf(rec.kind, sizeof(rec.kind), "%.*s", (int)strcspn(p + 1, "]"),
				 p + 1);
			have = 1;
			continue;
		}
		eq = strchr(p, '=');
		if (!eq || !have || rec.nf >= VEC_MAX_FIELDS)
			fail_msg("%s: bad line '%s'", path, p);
		*eq = '\0';
		snprintf(rec.f[rec.nf].key, sizeof(rec.f[rec.nf].key), "%.*s",
			 (int)strcspn(p, " \t"), p);
		for (eq++; *eq == ' ' || *eq == '\t'; eq++)
			;
		snprintf(rec.f[rec.nf].val, sizeof(rec.f[rec.nf].val), "%.*s",
			 (int)strcspn(eq, "\r\n"), eq);
		rec.nf++;
	}
	fclose(f);
	return count;
}

static void test_scp80_vector_files(void **state)
{
	const char *base = getenv("RT_VECTORS");
	char dir[1024], path[2048];
	struct dirent *e;
	DIR *d;
	int total = 0, files = 0;

	(void)state;
	if (!base)
		base = RT_SRCDIR "/tests/vectors";
	snprintf(dir, sizeof(dir), "%s/scp80", base);
	d = opendir(dir);
	if (!d)
		fail_msg("no vector directory %s", dir);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n < 5 || strcmp(e->d_name + n - 4, ".txt") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		total += vec_file(path);
		files++;
	}
	closedir(d);
	print_message("scp80 vectors: %d records in %d files\n", total, files);
	assert_true(files >= 2);
	assert_true(total >= 38);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scp80_vector_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
