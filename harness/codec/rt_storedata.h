/* SPDX-License-Identifier: Apache-2.0 */
/* rt_storedata — splitting a payload into GP STORE DATA commands and checking a
 * sequence of them (pure codec).
 *
 * STORE DATA is CLA E2 P1 P2 Lc data (GP Card Specification; sgp02-facts §5.2, PYSIM
 * ADF_SD.StoreData): P1 b8 = last block, b7b6 = encryption, b5b4 = structure (01 = DGI,
 * 10 = BER-TLV), b1 = response may be returned; P2 = block number, 00 for the first block
 * and +1 for each next one (so at most 256 blocks). SGP.02 uses P1 88 (last, DGI, no
 * response), 89 (last, DGI, response) and 09 (more blocks follow, DGI, response). The
 * caller gives the P1 bits without b8; this module sets b8 on the last block only. */
#ifndef RT_STOREDATA_H
#define RT_STOREDATA_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_buf.h"
#include "util/rt_err.h"

#define RT_STOREDATA_INS 0xE2
#define RT_STOREDATA_P1_LAST 0x80
#define RT_STOREDATA_P1_DGI 0x08
#define RT_STOREDATA_P1_BERTLV 0x10
#define RT_STOREDATA_P1_RESPONSE 0x01
#define RT_STOREDATA_BLOCKS_MAX 256 /* P2 00..FF */
#define RT_STOREDATA_BLOCK_MAX 255  /* short Lc */

struct rt_storedata_opts {
	uint8_t cla;       /* 0x80 (GP proprietary class) usually; a secure channel may set b3 */
	uint8_t p1;        /* b7..b1 for every block; b8 is ignored (set on the last block) */
	size_t block_size; /* data bytes per command, 1..255 */
	int le;            /* append Le 00 to every command (case 4) */
};

/* Splits payload into ceil(len / block_size) STORE DATA C-APDUs (one case-1 command
 * without data for an empty payload), appended back to back to out; lens[i] receives the
 * length of command i and *n their number (lens must hold RT_STOREDATA_BLOCKS_MAX
 * entries, or max). RT_EINVAL on a block size outside 1..255; RT_ERANGE when more than
 * min(max, 256) blocks would be needed; RT_ENOMEM when out is full. */
int rt_storedata_split(const uint8_t *payload, size_t len, const struct rt_storedata_opts *o,
		       struct rt_buf *out, size_t *lens, size_t max, size_t *n,
		       struct rt_err *err);

/* What a checked sequence used. */
struct rt_storedata_info {
	uint8_t cla;
	uint8_t p1;          /* P1 of the blocks without b8 */
	size_t blocks;
	size_t max_block;    /* largest Lc seen */
};

/* Checks a sequence of n STORE DATA C-APDUs (apdus[i], lens[i]) and appends the joined
 * data to payload: each is a valid C-APDU (rt_capdu_parse) with INS E2 and the same CLA;
 * P2 of block i is i; P1 b8 is set on the last block and on no other; P1 b7..b1 are the
 * same in every block. RT_EPROTO naming the block on the first violation; RT_EINVAL when
 * n is 0 or over 256. */
int rt_storedata_check(const uint8_t *const *apdus, const size_t *lens, size_t n,
		       struct rt_buf *payload, struct rt_storedata_info *info,
		       struct rt_err *err);

#endif
