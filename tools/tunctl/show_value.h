/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_VALUE_H
#define _XTUNCTL_SHOW_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

/*
 * Values of a device or a peer as scripts see them, each written to stdout
 * with nothing around it: one spelling of "(none)" and "(hidden)" for the
 * field table's printers (fields.c), which monitor's events print with too.
 */

/* @key in base64, or "(none)" when not @present. */
void value_key(const uint8_t key[XTUN_KEY_LEN], bool present);
/* "(hidden)" or "(none)": the kernel never gives a secret key out. */
void value_secret(bool present);
/* The allowed IPs separated by @sep, or "(none)". */
void value_allowedips(const struct peer_state *peer, const char *sep);

/* The latest handshake as dumps and JSON have it: Unix seconds, 0 for none. */
static inline uint64_t handshake_seconds(const struct peer_state *peer)
{
	return peer->last_handshake_ns / 1000000000;
}

#endif /* _XTUNCTL_SHOW_VALUE_H */
