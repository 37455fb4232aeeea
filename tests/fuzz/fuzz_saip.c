/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_saip — the SAIP profile package reader on arbitrary bytes (an SM-DP under test
 * sends the package). Invariants: never crash; on success every PE lies inside the
 * input, in order, the first is the header and the last the end PE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_saip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rt_saip_pe pes[RT_SAIP_MAX_PES];
	struct rt_saip_package pkg = { .pes = pes, .max_pes = RT_SAIP_MAX_PES };
	struct rt_err err = { 0 };
	size_t i, prev_end = 0;
	char oid[128];

	if (rt_saip_parse(data, size, &pkg, &err) != 0)
		return 0;
	if (pkg.n_pes < 2 || pkg.pes[0].choice != 0 || strcmp(pkg.pes[pkg.n_pes - 1].name, "end"))
		abort();
	for (i = 0; i < pkg.n_pes; i++) {
		if (pkg.pes[i].offset < prev_end || pkg.pes[i].offset + pkg.pes[i].len > size)
			abort();
		prev_end = pkg.pes[i].offset + pkg.pes[i].len;
	}
	if (pkg.header.iccid < data || pkg.header.iccid + 10 > data + size)
		abort();
	for (i = 0; i < pkg.header.n_gfste; i++)
		rt_saip_oid_text(pkg.header.gfste[i].der, pkg.header.gfste[i].len, oid, sizeof(oid), &err);
	return 0;
}
