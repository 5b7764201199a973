/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_VALUE_H
#define _XTUNCTL_SHOW_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "state.h"

/*
 * Values of a device or a peer as scripts see them, each written to stdout
 * with nothing around it: one spelling of "(none)" and "(hidden)" for the
 * field table's printers (fields.c) and for monitor's events.
 */

/* @key in base64, or "(none)" when not @present. */
void value_key(const uint8_t key[XTUN_KEY_LEN], bool present);
/* "(hidden)" or "(none)": the kernel never gives a secret key out. */
void value_secret(bool present);
void value_endpoint(const struct peer_state *peer);
/* The allowed IPs separated by @sep, or "(none)". */
void value_allowedips(const struct peer_state *peer, const char *sep);
/* "0x1234", or "off". */
void value_fwmark(const struct dev_state *dev);

/* JSON members monitor -j shares with show -j: "public_key", "endpoint". */
void json_public_key(struct json *j, const uint8_t key[XTUN_KEY_LEN]);
/* The endpoint, or null. */
void json_endpoint(struct json *j, const struct peer_state *peer);

/* The latest handshake as dumps and JSON have it: Unix seconds, 0 for none. */
static inline uint64_t handshake_seconds(const struct peer_state *peer)
{
	return peer->last_handshake_ns / 1000000000;
}

#endif /* _XTUNCTL_SHOW_VALUE_H */
