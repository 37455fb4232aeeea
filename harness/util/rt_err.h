/* SPDX-License-Identifier: Apache-2.0 */
/* rt_err — error codes and an error record with context.
 *
 * Every function that can fail returns 0 or a negative RT_E* code and, when given a
 * struct rt_err, fills it with a message that names the cause ("tag 9F7F truncated
 * at offset 12"). Only the runner and the CLI print errors. */
#ifndef RT_ERR_H
#define RT_ERR_H

#include <stddef.h>

enum rt_errcode {
	RT_OK = 0,
	RT_EINVAL = -1,    /* bad argument or bad user input */
	RT_ENOMEM = -2,    /* allocation failed or a bounded buffer is full */
	RT_EPROTO = -3,    /* malformed bytes from a peer (TLV, APDU, SMS, SOAP...) */
	RT_EIO = -4,       /* transport failure (socket, PC/SC, file) */
	RT_ETIMEDOUT = -5, /* the peer did not answer in time */
	RT_ERANGE = -6,    /* value out of range (length, counter...) */
	RT_ENOTSUP = -7,   /* not supported (algorithm, option) */
	RT_ESTATE = -8,    /* event in the wrong state */
	RT_ECRYPTO = -9,   /* cryptographic check failed (MAC, signature) */
	RT_ENOENT = -10,   /* not found (file, reader, AID, fixture) */
	RT_EINTR = -11,    /* interrupted (SIGINT/SIGTERM) */
	RT_ECONFIG = -12,  /* configuration error (YAML, SUT description) */
	RT_EREMOVED = -13, /* card removed / peer hung up */
};

#define RT_ERR_MSG_MAX 512

struct rt_err {
	int code;
	char msg[RT_ERR_MSG_MAX];
};

/* Records code and a printf-style message in err (err may be NULL). Returns code, so
 * callers write `return rt_err_set(err, RT_EPROTO, "...")`. */
int rt_err_set(struct rt_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the message already in err with more context ("reading EID: ..."). Returns
 * err->code (or RT_EINVAL when err is NULL). */
int rt_err_wrap(struct rt_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Resets err to RT_OK with an empty message. */
void rt_err_clear(struct rt_err *err);

/* Short symbolic name of a code ("EPROTO"); never NULL. */
const char *rt_err_name(int code);

#endif
