/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/xtun.yaml */
/* by scripts/xtunctl-names-gen.py */

#include <stddef.h>

#include <linux/xtun.h>

#include "netlink-gen.h"
#include "xtunctl.h"

static const char *const device_names[XTUN_DEVICE_A_MAX + 1] = {
	[XTUN_DEVICE_A_IFINDEX] = "ifindex",
	[XTUN_DEVICE_A_IFNAME] = "ifname",
	[XTUN_DEVICE_A_PRIVATE_KEY] = "private-key",
	[XTUN_DEVICE_A_PUBLIC_KEY] = "public-key",
	[XTUN_DEVICE_A_FLAGS] = "flags",
	[XTUN_DEVICE_A_LISTEN_PORT] = "listen-port",
	[XTUN_DEVICE_A_FWMARK] = "fwmark",
	[XTUN_DEVICE_A_GENERATION] = "generation",
	[XTUN_DEVICE_A_PEERS] = "peers",
	[XTUN_DEVICE_A_PEER] = "peer",
	[XTUN_DEVICE_A_NTF_MISSED] = "ntf-missed",
	[XTUN_DEVICE_A_NTF_PEER_MISSED] = "ntf-peer-missed",
};

static const struct nl_nest device_nests[] = {
	{ XTUN_DEVICE_A_PEERS, NL_SET_PEER, true },
	{ XTUN_DEVICE_A_PEER, NL_SET_PEER, false },
};

static const char *const peer_names[XTUN_PEER_A_MAX + 1] = {
	[XTUN_PEER_A_PUBLIC_KEY] = "public-key",
	[XTUN_PEER_A_PRESHARED_KEY] = "preshared-key",
	[XTUN_PEER_A_HAS_PRESHARED_KEY] = "has-preshared-key",
	[XTUN_PEER_A_FLAGS] = "flags",
	[XTUN_PEER_A_ENDPOINT] = "endpoint",
	[XTUN_PEER_A_PERSISTENT_KEEPALIVE] = "persistent-keepalive",
	[XTUN_PEER_A_LAST_HANDSHAKE] = "last-handshake",
	[XTUN_PEER_A_RX_BYTES] = "rx-bytes",
	[XTUN_PEER_A_TX_BYTES] = "tx-bytes",
	[XTUN_PEER_A_RX_PACKETS] = "rx-packets",
	[XTUN_PEER_A_TX_PACKETS] = "tx-packets",
	[XTUN_PEER_A_DROP_REPLAY] = "drop-replay",
	[XTUN_PEER_A_DROP_AUTH] = "drop-auth",
	[XTUN_PEER_A_DROP_SOURCE] = "drop-source",
	[XTUN_PEER_A_DROP_NO_SESSION] = "drop-no-session",
	[XTUN_PEER_A_ALLOWEDIPS] = "allowedips",
	[XTUN_PEER_A_LINK_RX_BYTES] = "link-rx-bytes",
	[XTUN_PEER_A_LINK_TX_BYTES] = "link-tx-bytes",
	[XTUN_PEER_A_LINK_RX_PACKETS] = "link-rx-packets",
	[XTUN_PEER_A_LINK_TX_PACKETS] = "link-tx-packets",
};

static const struct nl_nest peer_nests[] = {
	{ XTUN_PEER_A_ALLOWEDIPS, NL_SET_ALLOWEDIP, true },
};

static const char *const allowedip_names[XTUN_ALLOWEDIP_A_MAX + 1] = {
	[XTUN_ALLOWEDIP_A_FAMILY] = "family",
	[XTUN_ALLOWEDIP_A_ADDR] = "addr",
	[XTUN_ALLOWEDIP_A_CIDR] = "cidr",
	[XTUN_ALLOWEDIP_A_FLAGS] = "flags",
};

const struct nl_set_info nl_sets[NL_N_SETS] = {
	[NL_SET_DEVICE] = {
		device_names, XTUN_DEVICE_A_MAX,
		device_nests, ARRAY_LEN(device_nests),
	},
	[NL_SET_PEER] = {
		peer_names, XTUN_PEER_A_MAX,
		peer_nests, ARRAY_LEN(peer_nests),
	},
	[NL_SET_ALLOWEDIP] = {
		allowedip_names, XTUN_ALLOWEDIP_A_MAX,
		NULL, 0,
	},
};
