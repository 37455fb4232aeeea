/* SPDX-License-Identifier: Apache-2.0 */
/* rt_rcmd — remote command and response formats of ETSI TS 102 226 §5 (pure codec).
 *
 * Owns both sides of the secured data that SCP80 (SMS) and SCP81 (HTTP) carry:
 *  - the compact format: a bare run of C-APDUs; its response is the number of executed
 *    commands (1 byte), the last status word (2) and the last command's response data;
 *  - the expanded format: a command scripting template AA (definite length) or
 *    AE 80 … 00 00 (indefinite) holding C-APDU TLVs 22 and the optional immediate action
 *    81, error action 82 and script chaining 83; the response scripting template AB / AF
 *    holding the executed-command count 80, R-APDU TLVs 23, the immediate action
 *    response 81 and bad format 90 (sgp02-facts §1.7).
 * The SM-SR builds commands and parses responses; the card does the reverse; the
 * harness judges whichever side is the SUT, so parsers are strict and name the fault.
 *
 * Tags 22/23 have the BER constructed bit set but hold a raw APDU: this module reads
 * them with rt_tlv_decode at one level only and never descends (rt_tlv.h). */
#ifndef RT_RCMD_H
#define RT_RCMD_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_buf.h"
#include "util/rt_err.h"

/* TS 102 226 §5.2 tags. */
enum rt_rcmd_tag {
	RT_RCMD_TAG_CMD_DEF = 0xAA,   /* command scripting template, definite */
	RT_RCMD_TAG_CMD_INDEF = 0xAE, /* command scripting template, indefinite */
	RT_RCMD_TAG_RSP_DEF = 0xAB,   /* response scripting template, definite */
	RT_RCMD_TAG_RSP_INDEF = 0xAF, /* response scripting template, indefinite */
	RT_RCMD_TAG_CAPDU = 0x22,
	RT_RCMD_TAG_RAPDU = 0x23,
	RT_RCMD_TAG_IMMEDIATE = 0x81, /* immediate action (command) / its response */
	RT_RCMD_TAG_ERROR_ACTION = 0x82,
	RT_RCMD_TAG_CHAINING = 0x83,
	RT_RCMD_TAG_EXECUTED = 0x80,  /* number of executed C-APDUs (response) */
	RT_RCMD_TAG_BAD_FORMAT = 0x90,
};

/* Script chaining values (TLV 83, 1 byte). */
enum rt_rcmd_chaining {
	RT_RCMD_CHAIN_FIRST_DELETE = 0x01, /* first script; chain deleted on reset */
	RT_RCMD_CHAIN_FIRST_KEEP = 0x11,   /* first script; chain kept across reset */
	RT_RCMD_CHAIN_NEXT = 0x02,         /* subsequent script, more to follow */
	RT_RCMD_CHAIN_LAST = 0x03,         /* last script */
};

#define RT_RCMD_ITEMS_MAX 255 /* TLVs in one script (the count in 80 is one byte) */
#define RT_RCMD_CAPDU_MIN 4   /* CLA INS P1 P2 */
#define RT_RCMD_RAPDU_MIN 2   /* SW1 SW2 */

/* Parser options (bit flags). */
enum rt_rcmd_flags {
	RT_RCMD_F_TRAILING = 1u << 0, /* allow bytes after the script TLV (total_len says where it ends) */
};

/* One TLV of a script, in order. value points into the parsed buffer. */
struct rt_rcmd_item {
	uint8_t tag;
	const uint8_t *value;
	size_t len;
	size_t offset; /* of the tag byte in the parsed buffer */
};

/* A parsed command or response script. */
struct rt_rcmd_script {
	uint8_t tag;       /* AA, AE, AB or AF */
	int indefinite;    /* AE/AF */
	size_t total_len;  /* bytes of the whole template TLV */
	size_t n;          /* items used */
	struct rt_rcmd_item item[RT_RCMD_ITEMS_MAX];
	size_t n_apdu;     /* 22 items (command) or 23 items (response) */
	int chaining;      /* command: value of 83, -1 when absent */
	int executed;      /* response: value of 80, -1 when absent */
	int bad_format;    /* response: index in item[] of the 90 TLV, -1 when absent */
	int immediate;     /* index in item[] of the (first) 81 TLV, -1 when absent */
};

/* Parses a command scripting template (card side). buf must start with AA (definite) or
 * AE (indefinite, ended by 00 00) and, unless RT_RCMD_F_TRAILING, hold nothing else.
 * RT_EPROTO naming tag and offset on: another outer tag, AA with the indefinite form or
 * AE with a definite length, an item tag other than 22/81/82/83 (TS 102 226 "unknown
 * tag"), a multi-byte tag, a 22 of fewer than 4 bytes or with the indefinite form, an 83
 * whose length is not 1 or whose value is not 01/11/02/03, a second 83, malformed BER.
 * RT_ERANGE above RT_RCMD_ITEMS_MAX items. */
int rt_rcmd_cmd_parse(const uint8_t *buf, size_t len, unsigned flags,
		      struct rt_rcmd_script *out, struct rt_err *err);

/* Parses a response scripting template (SM-SR side; the bytes come from the card).
 * AB (definite) or AF (indefinite). Items 80 (exactly once, length 1), 23 (length >= 2,
 * definite), 81, 90. Other tags, a missing or repeated 80, a second 90 and malformed BER
 * are RT_EPROTO with the tag and offset. */
int rt_rcmd_resp_parse(const uint8_t *buf, size_t len, unsigned flags,
		       struct rt_rcmd_script *out, struct rt_err *err);

/* Builds a script TLV: tag AA/AB as definite length, AE/AF as 80 … 00 00, around the
 * items in order (each item written as tag + minimal BER length + value; any 1-byte BER
 * tag is accepted so that negative tests can build odd scripts). Appends to out.
 * RT_EINVAL on another template tag or a malformed item tag; RT_ENOMEM when out is full. */
int rt_rcmd_script_build(uint8_t tag, const struct rt_rcmd_item *items, size_t n,
			 struct rt_buf *out, struct rt_err *err);

/* Compact response (TS 102 226 §5.1.2): executed count, last SW, last response data. */
struct rt_rcmd_compact_resp {
	uint8_t executed;
	uint16_t sw;
	const uint8_t *data; /* into the parsed buffer */
	size_t data_len;
};

/* Parses a compact response: at least 3 bytes. RT_EPROTO otherwise. */
int rt_rcmd_compact_resp_parse(const uint8_t *buf, size_t len,
			       struct rt_rcmd_compact_resp *out, struct rt_err *err);

/* Appends executed | SW | data to out. */
int rt_rcmd_compact_resp_build(uint8_t executed, uint16_t sw, const uint8_t *data,
			       size_t data_len, struct rt_buf *out, struct rt_err *err);

/* Splits compact-format commands (a run of short C-APDUs CLA INS P1 P2 P3 [data]) into
 * items (tag 22, value = one APDU). P3 is taken as Lc (P3 data bytes follow) except for
 * the instructions that only return data (static table in rt_rcmd.c: READ BINARY,
 * READ RECORD, GET RESPONSE, GET DATA, STATUS, FETCH, GET CHALLENGE), where P3 is Le and no
 * data follow; a bare 4-byte header at the very end is a case-1 command. RT_EPROTO when
 * an APDU is truncated; RT_ERANGE past max items. */
int rt_rcmd_compact_split(const uint8_t *buf, size_t len, struct rt_rcmd_item *items,
			  size_t max, size_t *n, struct rt_err *err);

/* Name of a script chaining value ("first script, chain deleted on reset"), NULL when
 * the value is not one of TS 102 226's. */
const char *rt_rcmd_chaining_name(uint8_t v);

#endif
