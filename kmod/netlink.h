/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "xtun" generic netlink family, as the rest of the module sees it:
 * the family to send on, the attributes that notifications share with
 * replies, and its registration.  What netlink.c, netlink_dump.c and
 * netlink_set.c share among themselves is in netlink_internal.h.
 */
#ifndef _XTUN_NETLINK_H
#define _XTUN_NETLINK_H

#include <net/genetlink.h>
#include <uapi/linux/xtun.h>

struct xtun_device;
struct xtun_peer;

extern struct genl_family xtun_nl_family;

int xtun_nl_put_device_settings(struct sk_buff *skb, struct xtun_device *xtun);
int xtun_nl_put_endpoint(struct sk_buff *skb, struct xtun_peer *peer);

int xtun_nl_init(void);
void xtun_nl_uninit(void);

#endif /* _XTUN_NETLINK_H */
