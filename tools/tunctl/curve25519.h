/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_CURVE25519_H
#define _XTUNCTL_CURVE25519_H

#include <stdint.h>

#define CURVE25519_KEY_SIZE 32

/* Turn 32 random bytes into a private key, as RFC 7748 section 5 asks. */
void curve25519_clamp(uint8_t key[CURVE25519_KEY_SIZE]);

/* X25519(scalar, point): RFC 7748 section 5, constant time in the scalar. */
void curve25519(uint8_t out[CURVE25519_KEY_SIZE],
		const uint8_t scalar[CURVE25519_KEY_SIZE],
		const uint8_t point[CURVE25519_KEY_SIZE]);

/* The public key of @private_key: X25519 with the base point 9. */
void curve25519_public(uint8_t public_key[CURVE25519_KEY_SIZE],
		       const uint8_t private_key[CURVE25519_KEY_SIZE]);

#endif /* _XTUNCTL_CURVE25519_H */
