/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_rcmd — libFuzzer target for codec/rt_rcmd: response scripts AB/AF and compact
 * responses (from a card), command scripts AA/AE and compact commands (from an SM-SR).
 *
 * On success every item lies in the input, the counts agree with the items, and a
 * rebuilt script of the same items in the same form is byte-identical when the input
 * used minimal lengths (it always parses again). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_rcmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                               \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_rcmd: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                       \
			abort();                                                        \
		}                                                                       \
	} while (0)

static struct rt_rcmd_script sc, sc2;
static struct rt_rcmd_item items[RT_RCMD_ITEMS_MAX];

static void check(const uint8_t *data, size_t size, int cmd)
{
	struct rt_err err;
	struct rt_buf b;
	size_t i, apdus = 0;

	FUZZ_CHECK(sc.total_len <= size);
	for (i = 0; i < sc.n; i++) {
		FUZZ_CHECK(sc.item[i].value >= data && sc.item[i].value + sc.item[i].len <= data + size);
		if (sc.item[i].tag == (cmd ? RT_RCMD_TAG_CAPDU : RT_RCMD_TAG_RAPDU))
			apdus++;
	}
	FUZZ_CHECK(apdus == sc.n_apdu);
	FUZZ_CHECK(cmd || sc.executed >= 0);
	rt_buf_init(&b, size + 16);
	FUZZ_CHECK(rt_rcmd_script_build(sc.tag, sc.item, sc.n, &b, &err) == 0);
	FUZZ_CHECK(b.len <= sc.total_len);
	FUZZ_CHECK((cmd ? rt_rcmd_cmd_parse : rt_rcmd_resp_parse)(b.data, b.len, 0, &sc2, &err) == 0);
	FUZZ_CHECK(sc2.n == sc.n && sc2.n_apdu == sc.n_apdu);
	rt_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_rcmd_compact_resp r;
	struct rt_err err;
	size_t n, i, sum = 0;

	if (rt_rcmd_resp_parse(data, size, RT_RCMD_F_TRAILING, &sc, &err) == 0)
		check(data, size, 0);
	if (rt_rcmd_cmd_parse(data, size, RT_RCMD_F_TRAILING, &sc, &err) == 0)
		check(data, size, 1);
	if (rt_rcmd_compact_resp_parse(data, size, &r, &err) == 0)
		FUZZ_CHECK(r.data + r.data_len == data + size);
	if (rt_rcmd_compact_split(data, size, items, RT_RCMD_ITEMS_MAX, &n, &err) == 0) {
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(items[i].offset == sum && items[i].len >= 4);
			sum += items[i].len;
		}
		FUZZ_CHECK(sum == size);
	}
	return 0;
}
