/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_BASE64_H
#define _XTUNCTL_BASE64_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/xtun.h>	/* XTUN_KEY_LEN */

/*
 * WireGuard's text form of a key: base64 with padding, 44 characters, so
 * that "wg pubkey" and "xtunctl pubkey" agree on every key.  Both ways run
 * in time that does not depend on the key: private and preshared keys pass
 * through here.
 */
#define KEY_B64_LEN	44

void key_to_base64(char out[KEY_B64_LEN + 1], const uint8_t key[XTUN_KEY_LEN]);

/*
 * The same text for a public key, which is no secret: a table lookup, four
 * times faster, for the outputs that print a key per peer.  Never for a
 * private or preshared key.
 */
void public_key_to_base64(char out[KEY_B64_LEN + 1],
			  const uint8_t key[XTUN_KEY_LEN]);

/*
 * Strict: exactly 44 characters, canonical encoding.  False on bad input,
 * and then @key is zeroed.
 */
bool key_from_base64(uint8_t key[XTUN_KEY_LEN], const char *in);

#endif /* _XTUNCTL_BASE64_H */
