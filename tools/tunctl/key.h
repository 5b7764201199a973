/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_KEY_H
#define _XTUNCTL_KEY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/xtun.h>	/* XTUN_KEY_LEN */

/* WireGuard's text form of a key: base64 with padding, 44 characters. */
#define KEY_B64_LEN	44

void key_to_base64(char out[KEY_B64_LEN + 1], const uint8_t key[XTUN_KEY_LEN]);

/* Strict: exactly 44 characters, canonical encoding.  False on bad input. */
bool key_from_base64(uint8_t key[XTUN_KEY_LEN], const char *in);

/*
 * Read one key from @f: its base64 form, white space around it allowed, as
 * written by genkey or "wg genkey".  False on anything else.
 */
bool key_read(FILE *f, uint8_t key[XTUN_KEY_LEN]);

int cmd_genkey(int argc, char **argv);
int cmd_genpsk(int argc, char **argv);
int cmd_pubkey(int argc, char **argv);

#endif /* _XTUNCTL_KEY_H */
