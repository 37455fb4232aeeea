/* SPDX-License-Identifier: Apache-2.0 */
/* rt_cardlink — card factory shared by the engine and the Lua bindings; see
 * rt_cardlink.h. */
#include "roles/common/rt_cardlink.h"

#include <stdlib.h>

#include "transport/rt_card_loop.h"
#include "transport/rt_card_pcsc.h"

int rt_cardlink_open_reference(const struct rt_euicc_config *cfg, struct rt_cardlink **out,
			       struct rt_err *err)
{
	struct rt_euicc_config def;
	struct rt_cardlink *l;
	int rc;

	*out = NULL;
	if (!cfg) {
		rt_euicc_config_default(&def);
		cfg = &def;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return rt_err_set(err, RT_ENOMEM, "out of memory");
	rc = rt_euicc_new(cfg, &l->euicc, err);
	if (rc)
		goto out;
	rt_euicc_icc(l->euicc, &l->icc);
	rc = rt_card_loop_open(&l->icc, &l->card, err);
out:
	if (rc) {
		rt_cardlink_close(l);
		return rc;
	}
	*out = l;
	return 0;
}

int rt_cardlink_open_pcsc(const char *reader, int index, struct rt_cardlink **out,
			  struct rt_err *err)
{
	return rt_cardlink_open_pcsc_opts(reader, index, NULL, out, err);
}

int rt_cardlink_open_pcsc_opts(const char *reader, int index,
			       const struct rt_card_pcsc_opts *opts, struct rt_cardlink **out,
			       struct rt_err *err)
{
	struct rt_cardlink *l;
	int rc;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return rt_err_set(err, RT_ENOMEM, "out of memory");
	rc = rt_card_pcsc_open_opts(reader, index, opts, &l->card, err);
	if (rc) {
		free(l);
		return rc;
	}
	*out = l;
	return 0;
}

void rt_cardlink_close(struct rt_cardlink *link)
{
	if (!link)
		return;
	rt_card_close(link->card);
	rt_euicc_free(link->euicc);
	free(link);
}
