/* SPDX-License-Identifier: Apache-2.0 */
/* test_scp03_vectors — the SCP03 known-answer driver: reads every *.txt file under
 * $RT_VECTORS/scp03 (format and sources in the file headers: osmocom/pysim
 * test_globalplatform.py) and checks, per record:
 *   [session] the host side gives the published INITIALIZE UPDATE, accepts the published
 *             response (card cryptogram), gives the published EXTERNAL AUTHENTICATE and
 *             wrapped APDUs and unwraps the published response; the card side, fed the
 *             same commands (and the recorded card challenge), gives the published IU
 *             response and GET EID response and recovers every plain APDU;
 *   [kcv]     rt_scp03_kcv gives the published KCV. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scp/rt_scp03.h"
#include "util/rt_hex.h"

#define VEC_MAX_FIELDS 32
#define VEC_MAX_VAL 512

struct vec_field {
	char key[32];
	char val[VEC_MAX_VAL];
};

struct vec_rec {
	char kind[16];
	int nf;
	struct vec_field f[VEC_MAX_FIELDS];
};

static int vec_sessions, vec_kcvs;

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

static void expect_bytes(const struct vec_rec *r, const char *what, const uint8_t *got,
			 size_t gotlen, const uint8_t *want, size_t wantlen)
{
	char gh[1024], wh[1024];

	if (gotlen == wantlen && memcmp(got, want, gotlen) == 0)
		return;
	rt_hex_encode(got, gotlen < 500 ? gotlen : 500, gh, sizeof(gh));
	rt_hex_encode(want, wantlen < 500 ? wantlen : 500, wh, sizeof(wh));
	fail_msg("%s: %s\n  got  %s\n  want %s", vec_get(r, "name"), what, gh, wh);
}

static void ok(const struct vec_rec *r, const char *what, int rc, const struct rt_err *err)
{
	if (rc)
		fail_msg("%s: %s failed: %s (%s)", vec_get(r, "name"), what, err->msg,
			 rt_err_name(rc));
}

static void run_session(const struct vec_rec *r)
{
	static const char *cases[] = { "get_eid", "case1", "case2", "case3", "case4" };
	struct rt_scp03_keys keys;
	struct rt_scp03 host, card;
	struct rt_err err = {0};
	uint8_t kvn, buf[600], want[600], plain[600], rsp[600], cc[RT_SCP03_CH_MAX];
	size_t n, wn, pn, rn, k;
	uint16_t sw;
	char key[32];

	memset(&keys, 0, sizeof(keys));
	vec_hex(r, "kvn", &kvn, 1);
	keys.kvn = kvn;
	keys.len = vec_hex(r, "enc", keys.enc, sizeof(keys.enc));
	assert_int_equal(vec_hex(r, "mac", keys.mac, sizeof(keys.mac)), keys.len);
	assert_int_equal(vec_hex(r, "dek", keys.dek, sizeof(keys.dek)), keys.len);

	/* ---- host ---- */
	ok(r, "host_init", rt_scp03_host_init(&host, &keys, NULL, &err), &err);
	wn = vec_hex(r, "iu_cmd", want, sizeof(want));
	ok(r, "host_iu", rt_scp03_host_iu(&host, 0, want + 5, 8, buf, sizeof(buf), &n, &err), &err);
	expect_bytes(r, "INITIALIZE UPDATE", buf, n, want, wn);
	rn = vec_hex(r, "iu_rsp", rsp, sizeof(rsp) - 2);
	rsp[rn] = 0x90;
	rsp[rn + 1] = 0x00;
	ok(r, "host_iu_response", rt_scp03_host_iu_response(&host, rsp, rn + 2, &err), &err);
	wn = vec_hex(r, "ext_auth", want, sizeof(want));
	ok(r, "host_ext_auth",
	   rt_scp03_host_ext_auth(&host, want[2], buf, sizeof(buf), &n, &err), &err);
	expect_bytes(r, "EXTERNAL AUTHENTICATE", buf, n, want, wn);
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(key, sizeof(key), "%s_plain", cases[k]);
		pn = vec_hex(r, key, plain, sizeof(plain));
		wn = vec_hex(r, cases[k], want, sizeof(want));
		ok(r, cases[k], rt_scp03_host_wrap(&host, plain, pn, buf, sizeof(buf), &n, &err),
		   &err);
		expect_bytes(r, cases[k], buf, n, want, wn);
		if (k == 0) {
			/* pySim test_05: unwrap the GET EID response with SW 9000 */
			rn = vec_hex(r, "get_eid_rsp", rsp, sizeof(rsp) - 2);
			rsp[rn] = 0x90;
			rsp[rn + 1] = 0x00;
			ok(r, "host_unwrap",
			   rt_scp03_host_unwrap(&host, rsp, rn + 2, buf, sizeof(buf), &n, &sw, &err),
			   &err);
			assert_int_equal(sw, 0x9000);
			wn = vec_hex(r, "get_eid_rsp_plain", want, sizeof(want));
			expect_bytes(r, "GET EID response", buf, n, want, wn);
		}
	}
	rt_scp03_clear(&host);

	/* ---- card: the mirror, replaying the recorded card challenge ---- */
	{
		struct rt_scp03_iu_resp ir;
		uint8_t aid[] = { 0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00 };

		rn = vec_hex(r, "iu_rsp", rsp, sizeof(rsp));
		ok(r, "iu_resp_parse", rt_scp03_iu_resp_parse(rsp, rn, &ir, &err), &err);
		memcpy(cc, ir.card_challenge, ir.s);
		ok(r, "card_init",
		   rt_scp03_card_init(&card, &keys, ir.i, aid, sizeof(aid), ir.seq - 1, ir.kdd, NULL,
				      &err),
		   &err);
	}
	pn = vec_hex(r, "iu_cmd", plain, sizeof(plain));
	ok(r, "card_iu",
	   rt_scp03_card_iu(&card, plain, pn, cc, buf, sizeof(buf), &n, &sw, &err), &err);
	wn = vec_hex(r, "iu_rsp", want, sizeof(want) - 2);
	want[wn] = 0x90;
	want[wn + 1] = 0x00;
	expect_bytes(r, "card IU response", buf, n, want, wn + 2);
	pn = vec_hex(r, "ext_auth", plain, sizeof(plain));
	ok(r, "card_ext_auth", rt_scp03_card_ext_auth(&card, plain, pn, &sw, &err), &err);
	assert_int_equal(sw, 0x9000);
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(key, sizeof(key), "%s_plain", cases[k]);
		wn = vec_hex(r, key, want, sizeof(want));
		pn = vec_hex(r, cases[k], plain, sizeof(plain));
		ok(r, cases[k],
		   rt_scp03_card_unwrap(&card, plain, pn, buf, sizeof(buf), &n, &sw, &err), &err);
		expect_bytes(r, "card unwrap", buf, n, want, wn);
		if (k == 0) {
			pn = vec_hex(r, "get_eid_rsp_plain", plain, sizeof(plain));
			ok(r, "card_wrap",
			   rt_scp03_card_wrap(&card, plain, pn, 0x9000, buf, sizeof(buf), &n, &err),
			   &err);
			wn = vec_hex(r, "get_eid_rsp", want, sizeof(want) - 2);
			want[wn] = 0x90;
			want[wn + 1] = 0x00;
			expect_bytes(r, "card GET EID response", buf, n, want, wn + 2);
		} else {
			ok(r, "card_wrap",
			   rt_scp03_card_wrap(&card, NULL, 0, 0x9000, buf, sizeof(buf), &n, &err), &err);
		}
	}
	rt_scp03_clear(&card);
	memset(&keys, 0, sizeof(keys));
	vec_sessions++;
}

static void run_kcv(const struct vec_rec *r)
{
	uint8_t key[32], want[3], got[3];
	struct rt_err err = {0};
	size_t n = vec_hex(r, "key", key, sizeof(key));

	assert_int_equal(vec_hex(r, "kcv", want, sizeof(want)), 3);
	ok(r, "kcv", rt_scp03_kcv(key, n, got, &err), &err);
	expect_bytes(r, "KCV", got, 3, want, 3);
	vec_kcvs++;
}

static void run_rec(const struct vec_rec *r)
{
	if (strcmp(r->kind, "session") == 0)
		run_session(r);
	else if (strcmp(r->kind, "kcv") == 0)
		run_kcv(r);
	else
		fail_msg("unknown record kind [%s]", r->kind);
}

static void run_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	struct vec_rec *r = calloc(1, sizeof(*r));
	int have = 0;

	assert_non_null(f);
	assert_non_null(r);
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *eq, *e;

		line[strcspn(line, "\r\n")] = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == 0)
			continue;
		if (*p == '[') {
			if (have)
				run_rec(r);
			memset(r, 0, sizeof(*r));
			e = strchr(p, ']');
			assert_non_null(e);
			*e = 0;
			snprintf(r->kind, sizeof(r->kind), "%.15s", p + 1);
			have = 1;
			continue;
		}
		eq = strchr(p, '=');
		assert_non_null(eq);
		assert_true(r->nf < VEC_MAX_FIELDS);
		*eq = 0;
		for (e = eq - 1; e > p && (*e == ' ' || *e == '\t'); e--)
			*e = 0;
		snprintf(r->f[r->nf].key, sizeof(r->f[r->nf].key), "%.31s", p);
		p = eq + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		snprintf(r->f[r->nf].val, sizeof(r->f[r->nf].val), "%.511s", p);
		r->nf++;
	}
	if (have)
		run_rec(r);
	fclose(f);
	free(r);
}

static void test_vectors(void **state)
{
	const char *root = getenv("RT_VECTORS");
	char dir[1024], path[2048];
	struct dirent *de;
	DIR *d;
	int files = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/scp03", root ? root : RT_SRCDIR "/tests/vectors");
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		run_file(path);
		files++;
	}
	closedir(d);
	print_message("scp03 vectors: %d files, %d sessions, %d KCVs\n", files, vec_sessions,
		      vec_kcvs);
	assert_true(files >= 1);
	assert_int_equal(vec_sessions, 9);
	assert_int_equal(vec_kcvs, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
