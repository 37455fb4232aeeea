/* SPDX-License-Identifier: Apache-2.0 */
/* rt_storedata — STORE DATA block splitting and sequence checks (rules in the header). */
#include "codec/rt_storedata.h"

#include "codec/rt_apdu.h"

int rt_storedata_split(const uint8_t *payload, size_t len, const struct rt_storedata_opts *o,
		       struct rt_buf *out, size_t *lens, size_t max, size_t *n,
		       struct rt_err *err)
{
	uint8_t apdu[5 + RT_STOREDATA_BLOCK_MAX + 1];
	size_t nblocks, i, limit = max < RT_STOREDATA_BLOCKS_MAX ? max : RT_STOREDATA_BLOCKS_MAX;
	int rc;

	*n = 0;
	if (o->block_size < 1 || o->block_size > RT_STOREDATA_BLOCK_MAX)
		return rt_err_set(err, RT_EINVAL, "STORE DATA block size %zu (1..255)",
				  o->block_size);
	nblocks = len ? (len + o->block_size - 1) / o->block_size : 1;
	if (nblocks > limit)
		return rt_err_set(err, RT_ERANGE,
				  "STORE DATA: %zu bytes need %zu blocks of %zu, at most %zu (P2 is one byte)",
				  len, nblocks, o->block_size, limit);
	for (i = 0; i < nblocks; i++) {
		size_t off = i * o->block_size;
		size_t chunk = len - off < o->block_size ? len - off : o->block_size;
		uint8_t p1 = (uint8_t)(o->p1 & ~RT_STOREDATA_P1_LAST);
		size_t alen;

		if (len == 0)
			chunk = 0;
		/* GP STORE DATA: b8 of P1 marks the last block; P2 numbers blocks from 00. */
		if (i == nblocks - 1)
			p1 |= RT_STOREDATA_P1_LAST;
		rc = rt_capdu_build(o->cla, RT_STOREDATA_INS, p1, (uint8_t)i,
				    chunk ? payload + off : NULL, chunk, o->le, o->le ? 256 : 0,
				    apdu, sizeof(apdu), &alen, err);
		if (rc)
			return rc;
		if (rt_buf_append(out, apdu, alen))
			return rt_err_set(err, RT_ENOMEM, "STORE DATA block %zu: output buffer full", i);
		lens[i] = alen;
		(*n)++;
	}
	return 0;
}

int rt_storedata_check(const uint8_t *const *apdus, const size_t *lens, size_t n,
		       struct rt_buf *payload, struct rt_storedata_info *info,
		       struct rt_err *err)
{
	size_t i;
	int rc;

	if (n == 0 || n > RT_STOREDATA_BLOCKS_MAX)
		return rt_err_set(err, RT_EINVAL, "STORE DATA sequence of %zu blocks (1..256)", n);
	info->blocks = n;
	info->max_block = 0;
	for (i = 0; i < n; i++) {
		struct rt_capdu c;
		int last = i == n - 1;

		if ((rc = rt_capdu_parse(apdus[i], lens[i], &c, err)) != 0) {
			rt_err_wrap(err, "STORE DATA block %zu", i);
			return rc;
		}
		if (c.ins != RT_STOREDATA_INS)
			return rt_err_set(err, RT_EPROTO, "STORE DATA block %zu: INS %02X (not E2)",
					  i, c.ins);
		if (i == 0) {
			info->cla = c.cla;
			info->p1 = (uint8_t)(c.p1 & ~RT_STOREDATA_P1_LAST);
		} else if (c.cla != info->cla) {
			return rt_err_set(err, RT_EPROTO,
					  "STORE DATA block %zu: CLA %02X differs from block 0 (%02X)",
					  i, c.cla, info->cla);
		} else if ((uint8_t)(c.p1 & ~RT_STOREDATA_P1_LAST) != info->p1) {
			return rt_err_set(err, RT_EPROTO,
					  "STORE DATA block %zu: P1 bits %02X differ from block 0 (%02X)",
					  i, c.p1 & ~RT_STOREDATA_P1_LAST, info->p1);
		}
		if (c.p2 != (uint8_t)i)
			return rt_err_set(err, RT_EPROTO,
					  "STORE DATA block %zu: P2 (block number) %02X, expected %02zX",
					  i, c.p2, i);
		if (!!(c.p1 & RT_STOREDATA_P1_LAST) != last)
			return rt_err_set(err, RT_EPROTO,
					  last ? "STORE DATA block %zu: last block without P1 b8 (P1 %02X)"
					       : "STORE DATA block %zu: P1 b8 (last block) set on a block that is not the last (P1 %02X)",
					  i, c.p1);
		if (c.lc > info->max_block)
			info->max_block = c.lc;
		if (c.lc && rt_buf_append(payload, c.data, c.lc))
			return rt_err_set(err, RT_ENOMEM, "STORE DATA block %zu: payload buffer full",
					  i);
	}
	return 0;
}
