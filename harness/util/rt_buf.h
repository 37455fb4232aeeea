/* SPDX-License-Identifier: Apache-2.0 */
/* rt_buf — growable byte buffer with a hard maximum.
 *
 * Peers are untrusted, so every buffer that grows from their input has a cap; going
 * past it is RT_ENOMEM with a message, never an unbounded allocation. */
#ifndef RT_BUF_H
#define RT_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_err.h"

struct rt_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max; /* len never exceeds this */
};

/* Starts an empty buffer that may grow to max bytes. No allocation yet. */
void rt_buf_init(struct rt_buf *b, size_t max);

/* Appends n bytes; RT_ENOMEM when that would pass b->max or malloc fails. */
int rt_buf_append(struct rt_buf *b, const void *p, size_t n);

/* Appends one byte. */
int rt_buf_push(struct rt_buf *b, uint8_t byte);

/* Empties the buffer, keeping its memory. */
void rt_buf_reset(struct rt_buf *b);

/* Frees the memory; the buffer is empty and reusable afterwards. */
void rt_buf_free(struct rt_buf *b);

#endif
