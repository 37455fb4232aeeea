/* SPDX-License-Identifier: Apache-2.0 */
/* test_personality — personality files of the reference eUICC (engine/rt_personality):
 * sut/personalities/reference.yaml is exactly the built-in defaults; every key is read
 * into struct rt_euicc_config; mistakes are RT_ECONFIG naming file:line:col and the
 * cause, and leave the configuration untouched. The key files are the test PKI's
 * (certs/p256, certs/bp256). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/rt_personality.h"
#include "roles/euicc/rt_euicc.h"

static char dir[256];
static const char *srcdir;

static int setup(void **state)
{
	(void)state;
	srcdir = getenv("RT_SRCDIR");
	if (!srcdir)
		srcdir = ".";
	snprintf(dir, sizeof(dir), "/tmp/rt_personality_XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to <dir>/name and returns the path (static buffer). */
static const char *write_yaml(const char *name, const char *text)
{
	static char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void assert_has(const char *msg, const char *needle)
{
	if (!strstr(msg, needle)) {
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", msg, needle);
		fail();
	}
}

static void test_reference_is_the_default(void **state)
{
	struct rt_euicc_config def, cfg;
	struct rt_err err = { 0 };
	char path[600];

	(void)state;
	rt_euicc_config_default(&def);
	/* Start from a config unlike the default: every value must come from the file. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.faults = RT_EUICC_FAULT_BAD_EID;
	snprintf(path, sizeof(path), "%s/sut/personalities/reference.yaml", srcdir);
	if (rt_personality_load(path, &cfg, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		fail();
	}
	assert_string_equal(cfg.eid, def.eid);
	assert_int_equal(cfg.atr_len, def.atr_len);
	assert_memory_equal(cfg.atr, def.atr, def.atr_len);
	assert_int_equal(cfg.t0_get_response, def.t0_get_response);
	assert_int_equal(cfg.mem_total, def.mem_total);
	assert_int_equal(cfg.n_scp80, def.n_scp80);
	assert_memory_equal(&cfg.scp80[0], &def.scp80[0], sizeof(def.scp80[0]));
	assert_memory_equal(&cfg.scp80[1], &def.scp80[1], sizeof(def.scp80[1]));
	assert_int_equal(cfg.smsr_addr_len, def.smsr_addr_len);
	assert_string_equal(cfg.curve, def.curve);
	assert_int_equal(cfg.ecasd_sk_len, def.ecasd_sk_len);
	assert_memory_equal(cfg.ecasd_sk, def.ecasd_sk, def.ecasd_sk_len);
	assert_int_equal(cfg.ecasd_cert_len, def.ecasd_cert_len);
	assert_memory_equal(cfg.ecasd_cert, def.ecasd_cert, def.ecasd_cert_len);
	assert_int_equal(cfg.pk_ci_len, def.pk_ci_len);
	assert_memory_equal(cfg.pk_ci, def.pk_ci, def.pk_ci_len);
	assert_string_equal(cfg.ci_curve, def.ci_curve);
	assert_int_equal(cfg.notif_retries, def.notif_retries);
	assert_int_equal(cfg.emergency_dgi, def.emergency_dgi);
	/* `faults: []` adds nothing (the personality never clears by itself) */
	assert_int_equal(cfg.faults, RT_EUICC_FAULT_BAD_EID);
}

static void test_all_keys(void **state)
{
	char text[2048];
	struct rt_euicc_config cfg;
	struct rt_err err = { 0 };
	const char *p;

	(void)state;
	snprintf(text, sizeof(text),
		 "name: other card\n"
		 "eid: \"89001012012341234012345678901224\"\n"
		 "atr: 3B9F96801FC78031A073BE21136743200718000001A5\n"
		 "t0_get_response: 17\n"
		 "memory: 0x20000\n"
		 "scp80:\n"
		 "  - { kvn: 2, kic_alg: 3des2, kid_alg: 3des2, kic: 0001020304050607 08090A0B0C0D0E0F,\n"
		 "      kid: \"00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F\", dek: 000102030405060708090A0B0C0D0E0F }\n"
		 "  - { kvn: 15, kic_alg: aes, kid_alg: crc32, kic: %s, kid: %s, dek: %s }\n"
		 "smsr_address: 0605911000\n"
		 "ecasd:\n"
		 "  private_key: %s/certs/bp256/ecasd.key\n"
		 "  certificate: %s/certs/bp256/ecasd.7f21.hex\n"
		 "  ci_public_key: %s/certs/bp256/ci.pem\n"
		 "notification_retries: 0\n"
		 "emergency_dgi: 3a0c\n"
		 "faults: [bad_eid, no_por, -bad_eid]\n",
		 "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
		 "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
		 "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", srcdir, srcdir,
		 srcdir);
	p = write_yaml("all.yaml", text);
	rt_euicc_config_default(&cfg);
	if (rt_personality_load(p, &cfg, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		fail();
	}
	assert_string_equal(cfg.eid, "89001012012341234012345678901224");
	assert_int_equal(cfg.atr_len, 22);
	assert_int_equal(cfg.t0_get_response, 17);
	assert_int_equal(cfg.mem_total, 0x20000);
	assert_int_equal(cfg.n_scp80, 2);
	assert_int_equal(cfg.scp80[0].kvn, 2);
	assert_int_equal(cfg.scp80[0].kic_alg, RT_SCP80_ALG_3DES2_CBC);
	assert_int_equal(cfg.scp80[0].kid_alg, RT_SCP80_ALG_3DES2_MAC);
	assert_int_equal(cfg.scp80[0].key_len, 16);
	assert_int_equal(cfg.scp80[0].kid[15], 0x0F);
	assert_int_equal(cfg.scp80[1].kvn, 15);
	assert_int_equal(cfg.scp80[1].kid_alg, RT_SCP80_ALG_CRC32);
	assert_int_equal(cfg.scp80[1].key_len, 32);
	assert_int_equal(cfg.smsr_addr_len, 5);
	assert_string_equal(cfg.curve, "brainpoolP256r1");
	assert_string_equal(cfg.ci_curve, "brainpoolP256r1");
	assert_int_equal(cfg.ecasd_sk_len, 32);
	assert_true(cfg.ecasd_cert_len > 100);
	assert_int_equal(cfg.pk_ci_len, 65);
	assert_int_equal(cfg.notif_retries, 0);
	assert_int_equal(cfg.emergency_dgi, 0x3A0C);
	assert_int_equal(cfg.faults, RT_EUICC_FAULT_NO_POR);
}

/* One broken personality: RT_ECONFIG, a message with the position and the cause, cfg
 * untouched. */
static void expect_bad(const char *text, const char *pos, const char *cause)
{
	struct rt_euicc_config cfg, def;
	struct rt_err err = { 0 };
	const char *p = write_yaml("bad.yaml", text);

	rt_euicc_config_default(&cfg);
	def = cfg;
	assert_int_equal(rt_personality_load(p, &cfg, &err), RT_ECONFIG);
	if (pos)
		assert_has(err.msg, pos);
	assert_has(err.msg, cause);
	assert_memory_equal(&cfg, &def, sizeof(cfg));
}

static void test_errors(void **state)
{
	char text[1024];

	(void)state;
	expect_bad("eid: \"89049032123451234512345678901235\"\ncolour: red\n", "bad.yaml:2:1",
		   "unknown key 'colour' in the personality");
	expect_bad("eid: \"89049032123451234512345678901234\"\n", "bad.yaml:1:6",
		   "'eid' must be 32 digits with valid check digits");
	expect_bad("eid: \"8904\"\n", "bad.yaml:1:6", "'eid' must be 32 digits");
	expect_bad("atr: 3B9796\n", "bad.yaml:1:6", "'atr': ATR");
	expect_bad("atr: 3B97ZZ\n", "bad.yaml:1:6", "'atr'");
	expect_bad("t0_get_response: 257\n", "bad.yaml:1:18", "in 1..256");
	expect_bad("memory: -5\n", "bad.yaml:1:9", "'memory' must be an integer");
	expect_bad("memory: [1]\n", "bad.yaml:1:9", "'memory' must be a single value");
	expect_bad("scp80: { kvn: 1 }\n", "bad.yaml:1:8", "'scp80' must be a list");
	expect_bad("scp80:\n  - { kvn: 16, kic: 00, kid: 00, dek: 00 }\n", "bad.yaml:2:12",
		   "'kvn' must be an integer in 1..15");
	expect_bad("scp80:\n  - { kvn: 1, kid: 00, dek: 00 }\n", "bad.yaml:2:5",
		   "needs 'kic'");
	expect_bad("scp80:\n  - { kvn: 1, kic_alg: rot13, kic: 00, kid: 00, dek: 00 }\n",
		   "bad.yaml:2:24", "'kic_alg' must be one of: des, 3des2");
	expect_bad("scp80:\n  - { kvn: 1, kid_alg: des_ecb, kic: 00, kid: 00, dek: 00 }\n",
		   "bad.yaml:2:24", "'kid_alg' must be one of");
	expect_bad("scp80:\n  - { kvn: 1, kic: 000102030405060708090A0B0C0D0E0F, kid: 0001, dek: 00 }\n",
		   "bad.yaml:2:", "the keys of a keyset have one length");
	expect_bad("scp80:\n  - { kvn: 1, kic: 0001020304050607, kid: 0001020304050607, dek: 0001020304050607 }\n",
		   "bad.yaml:2:5", "KIc keys of 8 bytes do not fit aes");
	expect_bad("scp80:\n  - { kvn: 1, kic: 00, kid: 00, dek: 00, size: 3 }\n", "bad.yaml:2:",
		   "unknown key 'size' in an scp80 keyset");
	expect_bad("scp80:\n"
		   "  - { kvn: 1, kic: 000102030405060708090A0B0C0D0E0F, kid: 000102030405060708090A0B0C0D0E0F, dek: 000102030405060708090A0B0C0D0E0F }\n"
		   "  - { kvn: 1, kic: 000102030405060708090A0B0C0D0E0F, kid: 000102030405060708090A0B0C0D0E0F, dek: 000102030405060708090A0B0C0D0E0F }\n",
		   "bad.yaml:3:5", "two scp80 keysets with kvn 1");
	expect_bad("smsr_address: 00112\n", "bad.yaml:1:15", "'smsr_address'");
	expect_bad("notification_retries: 256\n", "bad.yaml:1:23", "0..255");
	expect_bad("emergency_dgi: 3A\n", "bad.yaml:1:16", "'emergency_dgi' must be a DGI of 2 bytes");
	expect_bad("emergency_dgi: 3A0601\n", "bad.yaml:1:16", "'emergency_dgi'");
	expect_bad("emergency_dgi: \"0000\"\n", "bad.yaml:1:16", "must be a DGI of 2 bytes");
	expect_bad("emergency_dgi: 3A05\n", "bad.yaml:1:16", "3A05 is another ES5 function's DGI");
	expect_bad("faults: [bad_eid, fly]\n", "bad.yaml:1:19", "unknown fault 'fly' (known: por_bad_cc");
	expect_bad("faults: bad_eid\n", "bad.yaml:1:9", "'faults' must be a list");
	expect_bad("ecasd:\n  private_key: no-such.key\n", "bad.yaml:2:16",
		   "no-such.key: No such file or directory");
	expect_bad("ecasd:\n  curve: P-384\n", "bad.yaml:2:10", "'curve'");
	expect_bad("ecasd:\n  pin: 1234\n", "bad.yaml:2:3", "unknown key 'pin' in ecasd");
	/* a certificate of another key than the private key */
	snprintf(text, sizeof(text),
		 "ecasd:\n  private_key: %s/certs/p256/eum.key\n  certificate: %s/certs/p256/ecasd.7f21.hex\n",
		 srcdir, srcdir);
	expect_bad(text, "bad.yaml:3:16", "certifies another key than 'private_key'");
	/* a private key on another curve than `curve` */
	snprintf(text, sizeof(text), "ecasd:\n  curve: prime256v1\n  private_key: %s/certs/bp256/ecasd.key\n",
		 srcdir);
	expect_bad(text, "bad.yaml:3:16", "'curve' says");
	/* a PEM certificate where a 7F21 is needed */
	snprintf(text, sizeof(text), "ecasd:\n  certificate: %s/certs/p256/ci.pem\n", srcdir);
	expect_bad(text, "bad.yaml:2:16", "not a 7F21 certificate");
	/* a hex scalar needs the curve */
	write_yaml("sk.hex", "0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20\n");
	expect_bad("ecasd:\n  private_key: sk.hex\n", "bad.yaml:2:16", "a hex private key needs 'curve'");
	/* not YAML / not a mapping */
	expect_bad("- a\n- b\n", NULL, "a personality must be a mapping");
}

static void test_hex_key_files_and_paths(void **state)
{
	struct rt_euicc_config cfg;
	struct rt_err err = { 0 };
	char out[64];
	const char *p;

	(void)state;
	/* hex scalar + hex point, relative to the personality's folder */
	write_yaml("sk.hex", "0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20\n");
	write_yaml("ci.hex", "04 6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
			     "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5\n");
	p = write_yaml("hexkeys.yaml",
		       "ecasd:\n  curve: P-256\n  private_key: sk.hex\n  ci_public_key: ci.hex\n");
	rt_euicc_config_default(&cfg);
	if (rt_personality_load(p, &cfg, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		fail();
	}
	assert_int_equal(cfg.ecasd_sk[0], 0x01);
	assert_int_equal(cfg.ecasd_sk[31], 0x20);
	assert_int_equal(cfg.pk_ci[1], 0x6B); /* the P-256 generator, a valid point */
	assert_string_equal(cfg.curve, "prime256v1");
	/* path resolution */
	assert_int_equal(rt_personality_path("sut/reference.yaml", "personalities/r.yaml", out,
					     sizeof(out), &err), 0);
	assert_string_equal(out, "sut/personalities/r.yaml");
	assert_int_equal(rt_personality_path("reference.yaml", "x.key", out, sizeof(out), &err), 0);
	assert_string_equal(out, "x.key");
	assert_int_equal(rt_personality_path("/a/b.yaml", "/abs/x.key", out, sizeof(out), &err), 0);
	assert_string_equal(out, "/abs/x.key");
	assert_int_equal(rt_personality_path("/a/b.yaml", "0123456789012345678901234567890123456789"
					     "0123456789012345678901234567890123456789", out, sizeof(out), &err),
			 RT_EINVAL);
}

static void test_fault_names(void **state)
{
	const struct rt_euicc_fault_name *f;
	struct rt_err err = { 0 };
	uint64_t bit = 0, all = 0;

	(void)state;
	for (f = rt_euicc_fault_names; f->name; f++) {
		assert_int_equal(rt_personality_fault(f->name, &bit, &err), 0);
		assert_int_equal(bit, f->bit);
		assert_int_equal(all & bit, 0); /* one bit per name */
		assert_true(bit != 0 && (bit & (bit - 1)) == 0); /* exactly one bit */
		all |= bit;
	}
	assert_int_equal(rt_personality_fault("BAD_EID", &bit, &err), RT_EINVAL);
	assert_has(err.msg, "unknown fault 'BAD_EID'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_is_the_default),
		cmocka_unit_test(test_all_keys),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hex_key_files_and_paths),
		cmocka_unit_test(test_fault_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
