/* SPDX-License-Identifier: Apache-2.0 */
/* rt_buf — bounded growable byte buffer; see rt_buf.h. */
#include "util/rt_buf.h"

#include <stdlib.h>
#include <string.h>

void rt_buf_init(struct rt_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

static int rt_buf_reserve(struct rt_buf *b, size_t need)
{
	size_t ncap;
	uint8_t *p;

	if (need > b->max)
		return RT_ENOMEM;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > b->max / 2 ? b->max : ncap * 2;
	p = realloc(b->data, ncap);
	if (!p)
		return RT_ENOMEM;
	b->data = p;
	b->cap = ncap;
	return 0;
}

int rt_buf_append(struct rt_buf *b, const void *p, size_t n)
{
	int rc;

	if (n == 0)
		return 0;
	if (n > b->max - b->len)
		return RT_ENOMEM;
	rc = rt_buf_reserve(b, b->len + n);
	if (rc)
		return rc;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int rt_buf_push(struct rt_buf *b, uint8_t byte)
{
	return rt_buf_append(b, &byte, 1);
}

void rt_buf_reset(struct rt_buf *b)
{
	b->len = 0;
}

void rt_buf_free(struct rt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
