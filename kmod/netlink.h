/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUN_NETLINK_H
#define _XTUN_NETLINK_H

#include <net/genetlink.h>
#include <uapi/linux/xtun.h>

struct xtun_device;
struct xtun_peer;

extern struct genl_family xtun_genl_family;

int xtun_nl_put_device_settings(struct sk_buff *skb, struct xtun_device *xtun);
int xtun_nl_put_endpoint(struct sk_buff *skb, struct xtun_peer *peer);

int xtun_genl_init(void);
void xtun_genl_uninit(void);

#endif /* _XTUN_NETLINK_H */
