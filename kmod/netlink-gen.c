// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/xtun.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/xtun.h>

/* Common nested types */
const struct nla_policy xtun_allowedip_nl_policy[XTUN_ALLOWEDIP_A_FLAGS + 1] = {
	[XTUN_ALLOWEDIP_A_FAMILY] = { .type = NLA_U16, },
	[XTUN_ALLOWEDIP_A_ADDR] = { .type = NLA_BINARY, },
	[XTUN_ALLOWEDIP_A_CIDR] = NLA_POLICY_MAX(NLA_U8, 128),
	[XTUN_ALLOWEDIP_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x1),
};

const struct nla_policy xtun_peer_batch_input_nl_policy[XTUN_PEER_A_ALLOWEDIPS + 1] = {
	[XTUN_PEER_A_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_PEER_A_PRESHARED_KEY] = NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_PEER_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x7),
	[XTUN_PEER_A_ENDPOINT] = { .type = NLA_BINARY, },
	[XTUN_PEER_A_PERSISTENT_KEEPALIVE] = { .type = NLA_U16, },
	[XTUN_PEER_A_ALLOWEDIPS] = { .type = NLA_INDEXED_ARRAY, },
};

const struct nla_policy xtun_peer_del_input_nl_policy[XTUN_PEER_A_PUBLIC_KEY + 1] = {
	[XTUN_PEER_A_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
};

const struct nla_policy xtun_peer_new_input_nl_policy[XTUN_PEER_A_ALLOWEDIPS + 1] = {
	[XTUN_PEER_A_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_PEER_A_PRESHARED_KEY] = NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_PEER_A_ENDPOINT] = { .type = NLA_BINARY, },
	[XTUN_PEER_A_PERSISTENT_KEEPALIVE] = { .type = NLA_U16, },
	[XTUN_PEER_A_ALLOWEDIPS] = { .type = NLA_INDEXED_ARRAY, },
};

const struct nla_policy xtun_peer_set_input_nl_policy[XTUN_PEER_A_ALLOWEDIPS + 1] = {
	[XTUN_PEER_A_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_PEER_A_PRESHARED_KEY] = NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_PEER_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x7),
	[XTUN_PEER_A_ENDPOINT] = { .type = NLA_BINARY, },
	[XTUN_PEER_A_PERSISTENT_KEEPALIVE] = { .type = NLA_U16, },
	[XTUN_PEER_A_ALLOWEDIPS] = { .type = NLA_INDEXED_ARRAY, },
};

/* XTUN_CMD_GET_DEVICE - do */
const struct nla_policy xtun_get_device_nl_policy[XTUN_DEVICE_A_IFNAME + 1] = {
	[XTUN_DEVICE_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[XTUN_DEVICE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* XTUN_CMD_SET_DEVICE - do */
const struct nla_policy xtun_set_device_nl_policy[XTUN_DEVICE_A_PEERS + 1] = {
	[XTUN_DEVICE_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[XTUN_DEVICE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[XTUN_DEVICE_A_PRIVATE_KEY] = NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_DEVICE_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x1),
	[XTUN_DEVICE_A_LISTEN_PORT] = { .type = NLA_U16, },
	[XTUN_DEVICE_A_FWMARK] = { .type = NLA_U32, },
	[XTUN_DEVICE_A_PEERS] = { .type = NLA_INDEXED_ARRAY, },
};

/* XTUN_CMD_NEW_PEER - do */
const struct nla_policy xtun_new_peer_nl_policy[XTUN_DEVICE_A_PEER + 1] = {
	[XTUN_DEVICE_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[XTUN_DEVICE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[XTUN_DEVICE_A_PEER] = NLA_POLICY_NESTED(xtun_peer_new_input_nl_policy),
};

/* XTUN_CMD_SET_PEER - do */
const struct nla_policy xtun_set_peer_nl_policy[XTUN_DEVICE_A_PEER + 1] = {
	[XTUN_DEVICE_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[XTUN_DEVICE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[XTUN_DEVICE_A_PEER] = NLA_POLICY_NESTED(xtun_peer_set_input_nl_policy),
};

/* XTUN_CMD_DEL_PEER - do */
const struct nla_policy xtun_del_peer_nl_policy[XTUN_DEVICE_A_PEER + 1] = {
	[XTUN_DEVICE_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[XTUN_DEVICE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[XTUN_DEVICE_A_PEER] = NLA_POLICY_NESTED(xtun_peer_del_input_nl_policy),
};

/* Ops table for xtun */
const struct genl_ops xtun_nl_ops[5] = {
	{
		.cmd		= XTUN_CMD_GET_DEVICE,
		.doit		= xtun_nl_get_device_doit,
		.dumpit		= xtun_nl_get_device_dumpit,
		.policy		= xtun_get_device_nl_policy,
		.maxattr	= XTUN_DEVICE_A_IFNAME,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= XTUN_CMD_SET_DEVICE,
		.doit		= xtun_nl_set_device_doit,
		.policy		= xtun_set_device_nl_policy,
		.maxattr	= XTUN_DEVICE_A_PEERS,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= XTUN_CMD_NEW_PEER,
		.doit		= xtun_nl_new_peer_doit,
		.policy		= xtun_new_peer_nl_policy,
		.maxattr	= XTUN_DEVICE_A_PEER,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= XTUN_CMD_SET_PEER,
		.doit		= xtun_nl_set_peer_doit,
		.policy		= xtun_set_peer_nl_policy,
		.maxattr	= XTUN_DEVICE_A_PEER,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= XTUN_CMD_DEL_PEER,
		.doit		= xtun_nl_del_peer_doit,
		.policy		= xtun_del_peer_nl_policy,
		.maxattr	= XTUN_DEVICE_A_PEER,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group xtun_nl_mcgrps[] = {
	[XTUN_NLGRP_CONFIG] = { "config", },
	[XTUN_NLGRP_PEERS] = { "peers", },
};
