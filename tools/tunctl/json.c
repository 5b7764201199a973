// SPDX-License-Identifier: GPL-2.0
/*
 * Writing JSON (RFC 8259) for "xtunctl show -j".
 *
 * Strings come from the kernel (interface names) as well as from xtunctl,
 * and a Linux interface name may hold any byte but '/', ':', white space
 * and NUL, so json_string() makes sure the output stays valid JSON and
 * valid UTF-8 whatever the bytes are.
 */

#include <inttypes.h>
#include <stdlib.h>

#include "json.h"

void json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->after_key = false;
	j->has_items[0] = false;
}

/* Before every value and key: a comma unless it is the first in its container. */
static void json_separate(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->has_items[j->depth])
		putc(',', j->out);
	j->has_items[j->depth] = true;
}

static void json_open(struct json *j, char bracket)
{
	json_separate(j);
	putc(bracket, j->out);
	/* A caller nesting deeper than JSON_MAX_DEPTH is a bug in xtunctl. */
	if (++j->depth >= JSON_MAX_DEPTH)
		abort();
	j->has_items[j->depth] = false;
}

static void json_close(struct json *j, char bracket)
{
	j->depth--;
	putc(bracket, j->out);
	/* The document is complete: end the line, as text output does. */
	if (!j->depth)
		putc('\n', j->out);
}

void json_begin_array(struct json *j)
{
	json_open(j, '[');
}

void json_end_array(struct json *j)
{
	json_close(j, ']');
}

void json_begin_object(struct json *j)
{
	json_open(j, '{');
}

void json_end_object(struct json *j)
{
	json_close(j, '}');
}

/*
 * The length of the well-formed UTF-8 sequence at @s (1 to 4 bytes), or 0
 * if there is none: a stray continuation byte, an overlong form, a
 * surrogate, a code point beyond U+10FFFF or a sequence cut short.
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* Unicode's table of well-formed sequences narrows the second byte. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	/* A NUL terminator is not a continuation byte, so this stops there. */
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void json_escape_char(FILE *out, unsigned char c)
{
	switch (c) {
	case '"':	fputs("\\\"", out); break;
	case '\\':	fputs("\\\\", out); break;
	case '\n':	fputs("\\n", out); break;
	case '\t':	fputs("\\t", out); break;
	case '\r':	fputs("\\r", out); break;
	default:
		if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			putc(c, out);
	}
}

void json_string(struct json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	json_separate(j);
	putc('"', j->out);
	while (*p) {
		n = utf8_len(p);
		if (n == 1) {
			json_escape_char(j->out, *p);
		} else if (n) {
			fwrite(p, 1, n, j->out);
		} else {
			/* Not text: U+FFFD REPLACEMENT CHARACTER, one per byte. */
			fputs("\\ufffd", j->out);
			n = 1;
		}
		p += n;
	}
	putc('"', j->out);
}

void json_key(struct json *j, const char *key)
{
	json_string(j, key);
	putc(':', j->out);
	j->after_key = true;
}

void json_u64(struct json *j, uint64_t v)
{
	json_separate(j);
	fprintf(j->out, "%" PRIu64, v);
}

void json_bool(struct json *j, bool v)
{
	json_separate(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	json_separate(j);
	fputs("null", j->out);
}

void json_key_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_key_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_key_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
