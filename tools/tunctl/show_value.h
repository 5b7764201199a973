/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_VALUE_H
#define _XTUNCTL_SHOW_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "peer_counter.h"
#include "state.h"

/*
 * Values of a device or a peer as the formats for scripts (fields, dump)
 * and showconf write them, each to stdout with nothing around it: one
 * spelling of "(none)", "off" and "(hidden)" for all of them.
 */

/* @key in base64, or "(none)" when not @present. */
void value_key(const uint8_t key[XTUN_KEY_LEN], bool present);
/* "(hidden)" or "(none)": the kernel never gives a secret key out. */
void value_secret(bool present);
void value_endpoint(const struct peer_state *peer);
/* The allowed IPs separated by @sep, or "(none)". */
void value_allowedips(const struct peer_state *peer, const char *sep);
/* The latest handshake as Unix seconds, 0 for none. */
void value_handshake(const struct peer_state *peer);
void value_keepalive(const struct peer_state *peer);
void value_fwmark(const struct dev_state *dev);
/* The counters of @group, raw, separated by @sep. */
void value_counters(const struct peer_state *peer, enum counter_group group,
		    const char *sep);
/* "IFNAME\t" when @with_ifname: the start of a line for "all". */
void value_ifname_tab(const struct dev_state *dev, bool with_ifname);

/* The latest handshake as dumps and JSON have it: Unix seconds, 0 for none. */
static inline uint64_t handshake_seconds(const struct peer_state *peer)
{
	return peer->last_handshake_ns / 1000000000;
}

#endif /* _XTUNCTL_SHOW_VALUE_H */
