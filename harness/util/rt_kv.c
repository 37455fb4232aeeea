/* SPDX-License-Identifier: Apache-2.0 */
/* rt_kv — bounded run-scoped key/value store; see rt_kv.h. */
#include "util/rt_kv.h"

#include <stdlib.h>
#include <string.h>

#include "util/rt_err.h"

static struct rt_kv_entry *rt_kv_find(const struct rt_kv *kv, const char *key)
{
	size_t i;

	for (i = 0; i < kv->n; i++)
		if (strcmp(kv->e[i].key, key) == 0)
			return (struct rt_kv_entry *)&kv->e[i];
	return NULL;
}

const uint8_t *rt_kv_get(const struct rt_kv *kv, const char *key, size_t *len)
{
	const struct rt_kv_entry *e = rt_kv_find(kv, key);

	if (!e)
		return NULL;
	*len = e->len;
	return e->val;
}

int rt_kv_set(struct rt_kv *kv, const char *key, const uint8_t *val, size_t len)
{
	struct rt_kv_entry *e = rt_kv_find(kv, key);
	uint8_t *copy;

	if (!val) {
		if (e) {
			free(e->key);
			free(e->val);
			*e = kv->e[--kv->n];
		}
		return 0;
	}
	if (len > RT_KV_MAX_VALUE)
		return RT_ENOMEM;
	copy = malloc(len ? len : 1);
	if (!copy)
		return RT_ENOMEM;
	memcpy(copy, val, len);
	if (!e) {
		if (kv->n >= RT_KV_MAX_ENTRIES) {
			free(copy);
			return RT_ENOMEM;
		}
		e = &kv->e[kv->n];
		e->key = strdup(key);
		if (!e->key) {
			free(copy);
			return RT_ENOMEM;
		}
		kv->n++;
	} else {
		free(e->val);
	}
	e->val = copy;
	e->len = len;
	return 0;
}

void rt_kv_free(struct rt_kv *kv)
{
	size_t i;

	for (i = 0; i < kv->n; i++) {
		free(kv->e[i].key);
		free(kv->e[i].val);
	}
	kv->n = 0;
}
