/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/xtun.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_XTUN_GEN_H
#define _LINUX_XTUN_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/xtun.h>

/* Common nested types */
extern const struct nla_policy xtun_allowedip_nl_policy[XTUN_ALLOWEDIP_A_FLAGS + 1];
extern const struct nla_policy xtun_peer_batch_input_nl_policy[XTUN_PEER_A_ALLOWEDIPS + 1];
extern const struct nla_policy xtun_peer_del_input_nl_policy[XTUN_PEER_A_PUBLIC_KEY + 1];
extern const struct nla_policy xtun_peer_new_input_nl_policy[XTUN_PEER_A_ALLOWEDIPS + 1];
extern const struct nla_policy xtun_peer_set_input_nl_policy[XTUN_PEER_A_ALLOWEDIPS + 1];

extern const struct nla_policy xtun_get_device_nl_policy[XTUN_DEVICE_A_IFNAME + 1];

extern const struct nla_policy xtun_set_device_nl_policy[XTUN_DEVICE_A_PEERS + 1];

extern const struct nla_policy xtun_new_peer_nl_policy[XTUN_DEVICE_A_PEER + 1];

extern const struct nla_policy xtun_set_peer_nl_policy[XTUN_DEVICE_A_PEER + 1];

extern const struct nla_policy xtun_del_peer_nl_policy[XTUN_DEVICE_A_PEER + 1];

/* Ops table for xtun */
extern const struct genl_ops xtun_nl_ops[5];

int xtun_nl_get_device_doit(struct sk_buff *skb, struct genl_info *info);
int xtun_nl_get_device_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int xtun_nl_set_device_doit(struct sk_buff *skb, struct genl_info *info);
int xtun_nl_new_peer_doit(struct sk_buff *skb, struct genl_info *info);
int xtun_nl_set_peer_doit(struct sk_buff *skb, struct genl_info *info);
int xtun_nl_del_peer_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	XTUN_NLGRP_CONFIG,
	XTUN_NLGRP_PEERS,
};

#endif /* _LINUX_XTUN_GEN_H */
