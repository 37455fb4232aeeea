/* SPDX-License-Identifier: Apache-2.0 */
/* rt_kv — a small bounded map from text keys to byte strings that outlives one test
 * case: the run-scoped memory of the roles the harness plays (an SM-SR's last SCP80
 * counter per keyset, notification sequence numbers seen...). Steps reach it through
 * rt.case.store(). */
#ifndef RT_KV_H
#define RT_KV_H

#include <stddef.h>
#include <stdint.h>

#define RT_KV_MAX_ENTRIES 1024
#define RT_KV_MAX_VALUE 4096

struct rt_kv_entry {
	char *key;
	uint8_t *val;
	size_t len;
};

struct rt_kv {
	struct rt_kv_entry e[RT_KV_MAX_ENTRIES];
	size_t n;
};

/* The value of key (NULL when absent); *len receives its length. */
const uint8_t *rt_kv_get(const struct rt_kv *kv, const char *key, size_t *len);

/* Sets key to val[0..len) (copied). RT_ENOMEM when full or too long. val NULL deletes. */
int rt_kv_set(struct rt_kv *kv, const char *key, const uint8_t *val, size_t len);

void rt_kv_free(struct rt_kv *kv);

#endif
