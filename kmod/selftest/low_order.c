// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of xtun_noise_public_key_is_low_order(), a list lookup,
 * against the definition: a key is of low order when Curve25519 with a
 * private key that is a multiple of 8 (here 2^254 + 8, clamped already)
 * gives the all-zero result.  The keys tried: the low-order ones, written
 * here as numbers rather than copied from noise.c, each also with bit 255
 * set and with one random bit flipped, and random keys.
 */

#include <crypto/curve25519.h>
#include <linux/string.h>

#include "../noise.h"
#include "selftest.h"

#define XTUN_ST_RANDOM_KEYS	64

static bool __init xtun_st_low_order_ref(const u8 key[XTUN_KEY_SIZE])
{
	static const u8 probe[XTUN_KEY_SIZE] = { [0] = 0x08, [31] = 0x40 };
	u8 shared[XTUN_KEY_SIZE];

	return !curve25519(shared, probe, key);
}

static bool __init xtun_st_low_order_one(const u8 key[XTUN_KEY_SIZE],
					 int want)
{
	bool lookup = xtun_noise_public_key_is_low_order(key);
	bool ref = xtun_st_low_order_ref(key);

	if (lookup == ref && (want < 0 || ref == want))
		return true;
	pr_err("xtun: low-order %32phN: lookup %d, curve25519 %d, expected %d\n",
	       key, lookup, ref, want);
	return false;
}

/* @key as the little-endian sum of p = 2^255 - 19 times @ps and @add. */
static void __init xtun_st_key(u8 key[XTUN_KEY_SIZE], unsigned int ps, u8 add)
{
	memset(key, 0, XTUN_KEY_SIZE);
	if (ps) {
		memset(key, 0xff, XTUN_KEY_SIZE);
		key[0] = 0xed;
		key[XTUN_KEY_SIZE - 1] = 0x7f;
	}
	key[0] += add;	/* no carry for the values below */
}

bool __init xtun_selftest_low_order(struct rnd_state *rnd)
{
	/* u = 3256...3504 and 3938...5823, of order 8 on the curve. */
	static const u8 order8[2][XTUN_KEY_SIZE] __initconst = {
		{ 0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56,
		  0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb,
		  0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
		  0xb8, 0x00 },
		{ 0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0,
		  0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4,
		  0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
		  0x11, 0x57 },
	};
	u8 low[7][XTUN_KEY_SIZE], key[XTUN_KEY_SIZE];
	bool passed = true;
	unsigned int i, bit;

	xtun_st_key(low[0], 0, 0);	/* 0 */
	xtun_st_key(low[1], 0, 1);	/* 1 */
	memcpy(low[2], order8[0], XTUN_KEY_SIZE);
	memcpy(low[3], order8[1], XTUN_KEY_SIZE);
	xtun_st_key(low[4], 1, 0);	/* p, which is 0 */
	low[4][0]--;			/* p - 1 */
	xtun_st_key(low[5], 1, 0);	/* p */
	xtun_st_key(low[6], 1, 1);	/* p + 1, which is 1 */

	for (i = 0; i < ARRAY_SIZE(low); i++) {
		passed &= xtun_st_low_order_one(low[i], true);
		memcpy(key, low[i], XTUN_KEY_SIZE);
		key[XTUN_KEY_SIZE - 1] |= 0x80;
		passed &= xtun_st_low_order_one(key, true);
		/* A neighbour: not listed, and the lookup must agree. */
		bit = prandom_u32_state(rnd) % 255;
		key[bit / 8] ^= BIT(bit % 8);
		passed &= xtun_st_low_order_one(key, -1);
	}
	for (i = 0; i < XTUN_ST_RANDOM_KEYS; i++) {
		prandom_bytes_state(rnd, key, XTUN_KEY_SIZE);
		passed &= xtun_st_low_order_one(key, -1);
	}
	return passed;
}
