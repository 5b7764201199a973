// SPDX-License-Identifier: GPL-2.0
/*
 * base64_test: the key codec of base64.c against a plain reference codec,
 * on the host, without a kernel.  selftests/xtunctl.sh runs it.
 *
 * The codec computes characters and values with arithmetic (base64.c says
 * why), which is easy to get wrong for one character of 64, so this tries
 * them all: every byte value in every position of a key round-trips, and
 * encodes as the public-key encoder encodes it; every character of the
 * alphabet in every position decodes as the reference decodes it; and
 * every other byte, a wrong length, a misplaced '=' and a non-canonical
 * last character are refused.  Exits 0 when all hold, else 1
 * with a line per failure.
 */

#include <stdio.h>
#include <string.h>

#include "base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static unsigned int failures;

static void fail(const char *what, const char *text)
{
	if (failures++ < 20)
		fprintf(stderr, "base64_test: %s: '%s'\n", what, text);
}

/* The reference: the textbook loop over the alphabet, bits in a queue. */
static void ref_encode(char out[KEY_B64_LEN + 1], const uint8_t key[XTUN_KEY_LEN])
{
	unsigned int bits = 0, n = 0, o = 0, i;

	for (i = 0; i < XTUN_KEY_LEN; i++) {
		bits = bits << 8 | key[i];
		for (n += 8; n >= 6; n -= 6)
			out[o++] = alphabet[(bits >> (n - 6)) & 63];
	}
	out[o++] = alphabet[(bits << (6 - n)) & 63];
	out[o++] = '=';
	out[o] = '\0';
}

/* True when @text is a key's canonical base64; its bytes in @key. */
static bool ref_decode(uint8_t key[XTUN_KEY_LEN], const char *text)
{
	unsigned int bits = 0, n = 0, o = 0, i;
	const char *p;

	if (strlen(text) != KEY_B64_LEN || text[KEY_B64_LEN - 1] != '=')
		return false;
	for (i = 0; i < KEY_B64_LEN - 1; i++) {
		p = text[i] ? strchr(alphabet, text[i]) : NULL;
		if (!p)
			return false;
		bits = bits << 6 | (unsigned int)(p - alphabet);
		n += 6;
		if (n >= 8) {
			n -= 8;
			key[o++] = bits >> n;
		}
	}
	return (bits & ((1u << n) - 1)) == 0;
}

static void check_round_trip(const uint8_t key[XTUN_KEY_LEN])
{
	char text[KEY_B64_LEN + 1], ref[KEY_B64_LEN + 1];
	uint8_t back[XTUN_KEY_LEN];

	key_to_base64(text, key);
	ref_encode(ref, key);
	if (strcmp(text, ref))
		fail("encoding differs from the reference", text);
	public_key_to_base64(text, key);
	if (strcmp(text, ref))
		fail("public key encoding differs from the reference", text);
	key_to_base64(text, key);
	if (!key_from_base64(back, text) || memcmp(back, key, XTUN_KEY_LEN))
		fail("does not decode to the key it encodes", text);
}

/* @text decodes exactly when the reference decodes it, to the same key. */
static void check_decode(const char *text)
{
	uint8_t got[XTUN_KEY_LEN], want[XTUN_KEY_LEN];
	bool ok = key_from_base64(got, text);
	bool ref_ok = ref_decode(want, text);
	static const uint8_t zero[XTUN_KEY_LEN];

	if (ok != ref_ok)
		fail(ok ? "accepted bad text" : "refused a valid key", text);
	else if (ok && memcmp(got, want, XTUN_KEY_LEN))
		fail("decoded to other bytes than the reference", text);
	else if (!ok && memcmp(got, zero, XTUN_KEY_LEN))
		fail("left bytes behind after refusing", text);
}

int main(void)
{
	char text[KEY_B64_LEN + 2];
	uint8_t key[XTUN_KEY_LEN];
	unsigned int pos, b, valid = 0;

	/* Every byte value in every position, the rest a changing pattern. */
	for (pos = 0; pos < XTUN_KEY_LEN; pos++) {
		for (b = 0; b < 256; b++) {
			for (unsigned int i = 0; i < XTUN_KEY_LEN; i++)
				key[i] = (uint8_t)(i * 73 + b * 151 + pos);
			key[pos] = (uint8_t)b;
			check_round_trip(key);
		}
	}

	/* Every byte (1-255) in every character position of a valid key. */
	memset(key, 0xa5, sizeof(key));
	for (pos = 0; pos < KEY_B64_LEN; pos++) {
		for (b = 1; b < 256; b++) {
			key_to_base64(text, key);
			text[pos] = (char)b;
			check_decode(text);
			valid += ref_decode(key, text);
			memset(key, 0xa5, sizeof(key));
		}
	}
	/*
	 * 64 in each of the 42 free positions, 16 canonical last characters,
	 * and the one '=' in the last position.
	 */
	if (valid != 42 * 64 + 16 + 1) {
		fprintf(stderr, "base64_test: %u valid texts, not %u\n", valid,
			42 * 64 + 16 + 1);
		failures++;
	}

	/* Lengths around 44, with and without the '='. */
	key_to_base64(text, key);
	check_decode("");
	text[KEY_B64_LEN - 1] = '\0';
	check_decode(text);
	text[KEY_B64_LEN - 1] = 'A';
	check_decode(text);
	text[KEY_B64_LEN - 1] = '=';
	text[KEY_B64_LEN] = '=';
	text[KEY_B64_LEN + 1] = '\0';
	check_decode(text);

	if (failures) {
		fprintf(stderr, "base64_test: %u failures\n", failures);
		return 1;
	}
	printf("base64_test: %u round trips and %u texts agree with the reference\n",
	       XTUN_KEY_LEN * 256, KEY_B64_LEN * 255 + 4);
	return 0;
}
