/* SPDX-License-Identifier: Apache-2.0 */
/* rt_trace — bounded, timestamped evidence log; see rt_trace.h. */
#include "util/rt_trace.h"

#include <stdarg.h>
#include <string.h>

#include "util/rt_hex.h"
#include "util/rt_time.h"

static const char rt_trace_cut[] = "[trace truncated: more than 8 MiB of evidence]\n";

void rt_trace_init(struct rt_trace *t, FILE *live)
{
	memset(t, 0, sizeof(*t));
	rt_buf_init(&t->text, RT_TRACE_MAX);
	t->t0_ns = rt_time_ns();
	t->live = live;
}

static void rt_trace_append(struct rt_trace *t, const char *line, size_t n)
{
	if (t->live) {
		fwrite(line, 1, n, t->live);
		fflush(t->live);
	}
	if (t->truncated)
		return;
	/* Keep room for the truncation note so the reader knows evidence is missing. */
	if (n + sizeof(rt_trace_cut) > t->text.max - t->text.len) {
		rt_buf_append(&t->text, rt_trace_cut, sizeof(rt_trace_cut) - 1);
		t->truncated = 1;
		return;
	}
	rt_buf_append(&t->text, line, n);
}

void rt_trace_line(struct rt_trace *t, const char *fmt, ...)
{
	char line[4096];
	double ms = (double)(rt_time_ns() - t->t0_ns) / 1e6;
	int head, n;
	va_list ap;

	head = snprintf(line, sizeof(line), "[%10.3f ms] ", ms);
	va_start(ap, fmt);
	n = vsnprintf(line + head, sizeof(line) - (size_t)head - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n += head;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	rt_trace_append(t, line, (size_t)n);
}

void rt_trace_bytes(struct rt_trace *t, const char *label, const uint8_t *p, size_t n,
		    const char *suffix)
{
	/* APDUs may be 64 KiB: format into a heap line instead of truncating evidence. */
	struct rt_buf b;
	char head[64];
	double ms = (double)(rt_time_ns() - t->t0_ns) / 1e6;
	static const char digits[] = "0123456789ABCDEF";
	size_t i;
	int hn;

	rt_buf_init(&b, 2 * n + 512);
	hn = snprintf(head, sizeof(head), "[%10.3f ms] %s ", ms, label);
	rt_buf_append(&b, head, (size_t)hn);
	for (i = 0; i < n; i++) {
		rt_buf_push(&b, (uint8_t)digits[p[i] >> 4]);
		rt_buf_push(&b, (uint8_t)digits[p[i] & 15]);
	}
	if (suffix)
		rt_buf_append(&b, suffix, strlen(suffix));
	rt_buf_push(&b, '\n');
	if (b.data)
		rt_trace_append(t, (const char *)b.data, b.len);
	rt_buf_free(&b);
}

void rt_trace_card_observer(void *obs_ctx, enum rt_card_event ev, const uint8_t *in, size_t inlen,
			    const uint8_t *out, size_t outlen, int rc, uint64_t usec)
{
	struct rt_trace *t = obs_ctx;
	char suffix[96];

	if (ev == RT_CARD_EV_RESET) {
		if (rc)
			rt_trace_line(t, "RESET failed (%s)", rt_err_name(rc));
		else
			rt_trace_bytes(t, "ATR", out, outlen, NULL);
		return;
	}
	t->napdu++;
	rt_trace_bytes(t, ">>", in, inlen, NULL);
	if (rc) {
		rt_trace_line(t, "<< (no response: %s after %llu us)", rt_err_name(rc),
			      (unsigned long long)usec);
		return;
	}
	snprintf(suffix, sizeof(suffix), "  (%llu us)", (unsigned long long)usec);
	rt_trace_bytes(t, "<<", out, outlen, suffix);
}

const char *rt_trace_text(struct rt_trace *t)
{
	/* Terminate without counting the NUL as content. */
	if (rt_buf_push(&t->text, 0) == 0) {
		t->text.len--;
		return (const char *)t->text.data;
	}
	return t->text.data && t->text.len ? (const char *)t->text.data : "";
}

void rt_trace_free(struct rt_trace *t)
{
	rt_buf_free(&t->text);
}

void rt_trace_print_tail(FILE *f, const char *text, int lines, const char *indent)
{
	const char *end = text + strlen(text), *p = end;
	int n = 0;

	while (p > text && n <= lines) {
		p--;
		if (*p == '\n' && p + 1 < end)
			n++;
	}
	if (n > lines)
		p++;
	while (p < end) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		fprintf(f, "%s%.*s\n", indent, (int)(len > 200 ? 200 : len), p);
		p += len + (nl ? 1 : 0);
	}
}
