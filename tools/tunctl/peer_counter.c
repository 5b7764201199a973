// SPDX-License-Identifier: GPL-2.0
/*
 * The table of a peer's counters (see peer_counter.h).  Within a group the
 * order is that of every output: JSON members, dump columns, show's words.
 */

#include <linux/xtun.h>

#include "peer_counter.h"

const struct peer_counter_info peer_counters[PEER_N_COUNTERS] = {
	[PEER_RX_BYTES] = { XTUN_PEER_A_RX_BYTES, COUNTERS_TRANSFER,
			    "rx_bytes", "received" },
	[PEER_TX_BYTES] = { XTUN_PEER_A_TX_BYTES, COUNTERS_TRANSFER,
			    "tx_bytes", "sent" },
	[PEER_RX_PACKETS] = { XTUN_PEER_A_RX_PACKETS, COUNTERS_PACKETS,
			      "rx_packets", "received" },
	[PEER_TX_PACKETS] = { XTUN_PEER_A_TX_PACKETS, COUNTERS_PACKETS,
			      "tx_packets", "sent" },
	[PEER_DROP_REPLAY] = { XTUN_PEER_A_DROP_REPLAY, COUNTERS_DROPS,
			       "drop_replay", "replay" },
	[PEER_DROP_AUTH] = { XTUN_PEER_A_DROP_AUTH, COUNTERS_DROPS,
			     "drop_auth", "authentication" },
	[PEER_DROP_SOURCE] = { XTUN_PEER_A_DROP_SOURCE, COUNTERS_DROPS,
			       "drop_source", "source" },
	[PEER_DROP_NO_SESSION] = { XTUN_PEER_A_DROP_NO_SESSION, COUNTERS_DROPS,
				   "drop_no_session", "no session" },
};

const struct counter_group_info counter_groups[N_COUNTER_GROUPS] = {
	[COUNTERS_TRANSFER] = { "transfer", true, true },
	[COUNTERS_PACKETS] = { "packets", true, false },
	[COUNTERS_DROPS] = { "drops", false, false },
};
