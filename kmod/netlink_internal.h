/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the three files of the "xtun" family share: netlink.c's device
 * lookup and per-namespace sequence, for netlink_dump.c and netlink_set.c.
 * Not for the rest of the module, which has netlink.h.
 */
#ifndef _XTUN_NETLINK_INTERNAL_H
#define _XTUN_NETLINK_INTERNAL_H

#include <linux/atomic.h>
#include <net/genetlink.h>

#include "messages.h"

struct net;
struct net_device;

atomic_t *xtun_nl_config_seq(struct net *net);
void xtun_nl_config_changed(struct net *net);

struct net_device *xtun_nl_get_device(struct net *net, struct nlattr **attrs,
				      struct netlink_ext_ack *extack);

bool xtun_nl_key_is_zero(const u8 key[XTUN_KEY_SIZE]);

#endif /* _XTUN_NETLINK_INTERNAL_H */
