/* rt_options — the registry of named protocol options; see rt_options.h. Protocol
 * knowledge as data: adding an option is adding a row (and using it in lua/ or C). */
#include "engine/rt_options.h"

#include <stdio.h>
#include <string.h>

const struct rt_option_def rt_option_defs[] = {
	{ "scp80.aes_cc_len", { "8", "4", NULL },
	  "Length of the SCP80 cryptographic checksum with AES-CMAC (TS 102 225 5.1.3): 8 as "
	  "pySim, njiwa and WHTY send; 4 seen only in the gsm0348 test data. "
	  "docs/spec-notes.md, SCP80." },
	{ "scp80.counter_mode_11", { "one_higher", "higher", NULL },
	  "SPI1 counter bits 11 (TS 102 225 5.1.1): process only if the counter is exactly one "
	  "higher than the stored one (default), or treat it as 10 (any higher value). "
	  "docs/spec-notes.md, SCP80." },
	{ NULL, { NULL }, NULL },
};

const struct rt_option_def *rt_option_find(const char *name)
{
	const struct rt_option_def *d;

	for (d = rt_option_defs; d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static int rt_option_allows(const struct rt_option_def *d, const char *v)
{
	size_t i;

	for (i = 0; i < RT_OPTION_MAX_VALUES && d->values[i]; i++)
		if (strcmp(d->values[i], v) == 0)
			return 1;
	return 0;
}

int rt_options_validate(const struct rt_ynode *options, struct rt_err *err)
{
	size_t i, j;

	if (!options)
		return 0;
	if (options->kind != RT_Y_MAP)
		return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: 'options' must be a mapping of name: value "
				  "(see `rsptest options`)", options->file, options->line, options->col);
	for (i = 0; i < options->n; i++) {
		const struct rt_option_def *d = rt_option_find(options->keys[i]);
		const struct rt_ynode *v = options->items[i];
		char allowed[256] = "";
		size_t used = 0;

		if (!d)
			return rt_err_set(err, RT_ECONFIG,
					  "%s:%u:%u: unknown option '%s' (`rsptest options` lists them)",
					  options->file, options->key_lines[i], options->key_cols[i],
					  options->keys[i]);
		if (v && v->kind == RT_Y_SCALAR && rt_option_allows(d, v->str))
			continue;
		for (j = 0; j < RT_OPTION_MAX_VALUES && d->values[j]; j++)
			used += (size_t)snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
						 j ? ", " : "", d->values[j]);
		return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: option '%s' must be one of: %s",
				  options->file, v ? v->line : options->line, v ? v->col : options->col,
				  d->name, allowed);
	}
	return 0;
}

const char *rt_option_value(const struct rt_ynode *options, const char *name)
{
	const struct rt_option_def *d = rt_option_find(name);
	const struct rt_ynode *v;

	if (!d)
		return NULL;
	v = rt_ynode_get(options, name);
	return v && v->kind == RT_Y_SCALAR ? v->str : d->values[0];
}
