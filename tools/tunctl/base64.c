// SPDX-License-Identifier: GPL-2.0
/*
 * The base64 codec of keys (see base64.h).
 *
 * Private keys are encoded by genkey and decoded from config files, so no
 * step may depend on a key's bits through a branch or a memory address: a
 * lookup in a 64-character alphabet indexed by key bits, or a search for a
 * secret character in it, leaks them through the cache.  Characters and
 * their values are therefore computed with arithmetic alone.  Only the
 * length of the input and the place of its '=', which are not secret,
 * decide anything before the end.
 *
 * Public keys, which a dump prints by the hundred thousand, have an
 * encoder of their own that looks characters up in a table.
 */

#include <string.h>

#include "base64.h"

/*
 * -1 (all bits set) when @lo <= @c <= @hi, else 0, without a branch.  For
 * @c, @lo and @hi within 0..255 both differences are negative exactly when
 * @c is in range; their sign bit then survives the shift.
 */
static int range_mask(int c, int lo, int hi)
{
	return ((lo - 1 - c) & (c - hi - 1)) >> 8;
}

/* The character of a 6-bit value: 'A'-'Z', 'a'-'z', '0'-'9', '+', '/'. */
static char b64_char(unsigned int v)
{
	int c = 'A' + (int)v;

	/* Past each range, move up or down to the start of the next. */
	c += range_mask((int)v, 26, 63) & ('a' - 'A' - 26);
	c -= range_mask((int)v, 52, 63) & ('a' - 26 - ('0' - 52));
	c -= range_mask((int)v, 62, 63) & ('0' - 52 + 62 - '+');
	c += range_mask((int)v, 63, 63) & ('/' - '+' - 1);
	return (char)c;
}

/* The 6-bit value of @ch, or -1 if it is not in the alphabet. */
static int b64_value(char ch)
{
	int c = (unsigned char)ch;
	int v = -1;

	/* At most one range holds @c; it adds its value plus one. */
	v += range_mask(c, 'A', 'Z') & (c - 'A' + 1);
	v += range_mask(c, 'a', 'z') & (c - 'a' + 26 + 1);
	v += range_mask(c, '0', '9') & (c - '0' + 52 + 1);
	v += range_mask(c, '+', '+') & (62 + 1);
	v += range_mask(c, '/', '/') & (63 + 1);
	return v;
}

void key_to_base64(char out[KEY_B64_LEN + 1], const uint8_t key[XTUN_KEY_LEN])
{
	uint32_t v;
	int i, o = 0;

	/* 10 groups of 3 bytes, then 2 bytes padded with one '='. */
	for (i = 0; i + 3 <= XTUN_KEY_LEN; i += 3) {
		v = (uint32_t)key[i] << 16 | key[i + 1] << 8 | key[i + 2];
		out[o++] = b64_char((v >> 18) & 63);
		out[o++] = b64_char((v >> 12) & 63);
		out[o++] = b64_char((v >> 6) & 63);
		out[o++] = b64_char(v & 63);
	}
	v = (uint32_t)key[30] << 16 | key[31] << 8;
	out[o++] = b64_char((v >> 18) & 63);
	out[o++] = b64_char((v >> 12) & 63);
	out[o++] = b64_char((v >> 6) & 63);
	out[o++] = '=';
	out[o] = '\0';
}

void public_key_to_base64(char out[KEY_B64_LEN + 1],
			  const uint8_t key[XTUN_KEY_LEN])
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t v;
	int i, o = 0;

	for (i = 0; i + 3 <= XTUN_KEY_LEN; i += 3) {
		v = (uint32_t)key[i] << 16 | key[i + 1] << 8 | key[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	v = (uint32_t)key[30] << 16 | key[31] << 8;
	out[o++] = alphabet[(v >> 18) & 63];
	out[o++] = alphabet[(v >> 12) & 63];
	out[o++] = alphabet[(v >> 6) & 63];
	out[o++] = '=';
	out[o] = '\0';
}

bool key_from_base64(uint8_t key[XTUN_KEY_LEN], const char *in)
{
	uint32_t v = 0;
	int i, d, bad = 0, o = 0;

	if (strlen(in) != KEY_B64_LEN || in[KEY_B64_LEN - 1] != '=') {
		memset(key, 0, XTUN_KEY_LEN);
		return false;
	}
	/* Every character is decoded; a bad one only sets the sign of @bad. */
	for (i = 0; i < KEY_B64_LEN - 1; i++) {
		d = b64_value(in[i]);
		bad |= d;
		v = v << 6 | ((uint32_t)d & 63);
		if (i % 4 == 3) {
			key[o++] = v >> 16;
			key[o++] = v >> 8;
			key[o++] = v;
			v = 0;
		}
	}
	/*
	 * 43 characters: 10 full groups, then 3 characters = 18 bits of which
	 * the last 2 must be zero in the canonical encoding.
	 */
	bad |= -(int)(v & 3);
	key[o++] = v >> 10;
	key[o] = v >> 2;
	if (bad < 0) {
		memset(key, 0, XTUN_KEY_LEN);
		return false;
	}
	return true;
}
