// SPDX-License-Identifier: GPL-2.0
/*
 * X25519 for xtunctl's "pubkey": derive a public key in userspace exactly as
 * the kernel and WireGuard do, written from RFC 7748.
 *
 * Field elements mod p = 2^255 - 19 are 16 signed 64-bit limbs of 16 bits
 * each (radix 2^16).  Limbs may leave [0, 2^16) between operations; carry()
 * brings them back.  2^256 = 38 (mod p), so what carries out of the top limb
 * re-enters the bottom one times 38.  Nothing branches on secret data and no
 * array is indexed by it.
 */

#include <string.h>

#include "curve25519.h"

#define LIMBS 16

typedef int64_t fe[LIMBS];

static void carry(fe a)
{
	int64_t c;
	int i;

	for (i = 0; i < LIMBS; i++) {
		c = a[i] >> 16;		/* arithmetic shift: floor division */
		a[i] -= c * 65536;
		if (i < LIMBS - 1)
			a[i + 1] += c;
		else
			a[0] += 38 * c;
	}
}

static void fe_add(fe out, const fe a, const fe b)
{
	int i;

	for (i = 0; i < LIMBS; i++)
		out[i] = a[i] + b[i];
}

static void fe_sub(fe out, const fe a, const fe b)
{
	int i;

	for (i = 0; i < LIMBS; i++)
		out[i] = a[i] - b[i];
}

static void fe_mul(fe out, const fe a, const fe b)
{
	int64_t product[2 * LIMBS - 1] = { 0 };
	int i, j;

	for (i = 0; i < LIMBS; i++)
		for (j = 0; j < LIMBS; j++)
			product[i + j] += a[i] * b[j];
	/* Limb 16 + i weighs 2^256 * 2^(16 i) = 38 * 2^(16 i). */
	for (i = 0; i < LIMBS - 1; i++)
		product[i] += 38 * product[i + LIMBS];
	for (i = 0; i < LIMBS; i++)
		out[i] = product[i];
	carry(out);
	carry(out);
}

static void fe_square(fe out, const fe a)
{
	fe_mul(out, a, a);
}

/* Swap a and b when bit is 1, without a branch. */
static void fe_cswap(fe a, fe b, int64_t bit)
{
	int64_t mask = -bit, t;
	int i;

	for (i = 0; i < LIMBS; i++) {
		t = mask & (a[i] ^ b[i]);
		a[i] ^= t;
		b[i] ^= t;
	}
}

/* a^(p - 2) = 1/a by Fermat; p - 2 = 2^255 - 21 has bits 2 and 4 clear. */
static void fe_invert(fe out, const fe a)
{
	fe c;
	int bit;

	memcpy(c, a, sizeof(c));
	for (bit = 253; bit >= 0; bit--) {
		fe_square(c, c);
		if (bit != 2 && bit != 4)
			fe_mul(c, c, a);
	}
	memcpy(out, c, sizeof(c));
}

static void fe_unpack(fe out, const uint8_t in[32])
{
	int i;

	for (i = 0; i < LIMBS; i++)
		out[i] = in[2 * i] | (int64_t)in[2 * i + 1] << 8;
	out[LIMBS - 1] &= 0x7fff;	/* RFC 7748: ignore the top bit of u */
}

/* Reduce fully into [0, p) and write little-endian. */
static void fe_pack(uint8_t out[32], const fe a)
{
	int64_t borrow;
	fe t, m;
	int i, pass;

	memcpy(t, a, sizeof(t));
	carry(t);
	carry(t);
	carry(t);
	/* Now 0 <= t < 2p: subtract p up to twice, keeping t - p if >= 0. */
	for (pass = 0; pass < 2; pass++) {
		m[0] = t[0] - 0xffed;
		for (i = 1; i < LIMBS - 1; i++) {
			m[i] = t[i] - 0xffff - ((m[i - 1] >> 16) & 1);
			m[i - 1] &= 0xffff;
		}
		m[LIMBS - 1] = t[LIMBS - 1] - 0x7fff - ((m[LIMBS - 2] >> 16) & 1);
		m[LIMBS - 2] &= 0xffff;
		borrow = (m[LIMBS - 1] >> 16) & 1;
		fe_cswap(t, m, 1 - borrow);
	}
	for (i = 0; i < LIMBS; i++) {
		out[2 * i] = t[i] & 0xff;
		out[2 * i + 1] = (t[i] >> 8) & 0xff;
	}
}

void curve25519_clamp(uint8_t key[CURVE25519_KEY_SIZE])
{
	key[0] &= 248;
	key[31] &= 127;
	key[31] |= 64;
}

/* The Montgomery ladder of RFC 7748 section 5. */
void curve25519(uint8_t out[CURVE25519_KEY_SIZE],
		const uint8_t scalar[CURVE25519_KEY_SIZE],
		const uint8_t point[CURVE25519_KEY_SIZE])
{
	static const fe a24 = { 0xdb41, 1 };	/* (486662 - 2) / 4 = 121665 */
	fe x1, x2 = { 1 }, z2 = { 0 }, x3, z3 = { 1 };
	fe a, aa, b, bb, e, c, d, da, cb;
	uint8_t k[CURVE25519_KEY_SIZE];
	int64_t swap = 0, bit;
	int t;

	memcpy(k, scalar, sizeof(k));
	curve25519_clamp(k);
	fe_unpack(x1, point);
	memcpy(x3, x1, sizeof(x3));

	for (t = 254; t >= 0; t--) {
		bit = (k[t / 8] >> (t % 8)) & 1;
		swap ^= bit;
		fe_cswap(x2, x3, swap);
		fe_cswap(z2, z3, swap);
		swap = bit;

		fe_add(a, x2, z2);
		fe_square(aa, a);
		fe_sub(b, x2, z2);
		fe_square(bb, b);
		fe_sub(e, aa, bb);
		fe_add(c, x3, z3);
		fe_sub(d, x3, z3);
		fe_mul(da, d, a);
		fe_mul(cb, c, b);
		fe_add(x3, da, cb);
		fe_square(x3, x3);
		fe_sub(z3, da, cb);
		fe_square(z3, z3);
		fe_mul(z3, z3, x1);
		fe_mul(x2, aa, bb);
		fe_mul(z2, a24, e);
		fe_add(z2, z2, aa);
		fe_mul(z2, z2, e);
	}
	fe_cswap(x2, x3, swap);
	fe_cswap(z2, z3, swap);

	fe_invert(z2, z2);
	fe_mul(x2, x2, z2);
	fe_pack(out, x2);

	explicit_bzero(k, sizeof(k));
	explicit_bzero(x2, sizeof(x2));
	explicit_bzero(z2, sizeof(z2));
	explicit_bzero(x3, sizeof(x3));
	explicit_bzero(z3, sizeof(z3));
}

void curve25519_public(uint8_t public_key[CURVE25519_KEY_SIZE],
		       const uint8_t private_key[CURVE25519_KEY_SIZE])
{
	static const uint8_t basepoint[CURVE25519_KEY_SIZE] = { 9 };

	curve25519(public_key, private_key, basepoint);
}
