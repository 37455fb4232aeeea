/* SPDX-License-Identifier: Apache-2.0 */
/* rt_icc — the card side: what a software card implements so that a transport can
 * offer it to a terminal.
 *
 * The same software card (roles/euicc) is driven in-process by the loop backend
 * (rt_card_loop.c) and over TCP by the vpcd card side (rt_vpcd.c), so its card logic
 * never knows the transport. */
#ifndef RT_ICC_H
#define RT_ICC_H

#include <stddef.h>
#include <stdint.h>

struct rt_icc_ops {
	/* Power on / reset: the card returns to its reset state and writes its ATR. */
	int (*reset)(void *card, uint8_t *atr, size_t *atr_len);
	/* Power off: volatile state (selected applications, sessions) is dropped. */
	void (*power_off)(void *card);
	/* Processes one C-APDU and writes the R-APDU (data + SW1 SW2). *rlen holds the
	 * capacity on entry. A card always answers: malformed input gets a status word. */
	int (*process)(void *card, const uint8_t *capdu, size_t clen, uint8_t *rapdu, size_t *rlen);
};

struct rt_icc {
	const struct rt_icc_ops *ops;
	void *card;
};

#endif
