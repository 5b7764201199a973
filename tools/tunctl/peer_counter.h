/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_PEER_COUNTER_H
#define _XTUNCTL_PEER_COUNTER_H

#include <stdbool.h>

/*
 * The counters the kernel keeps for each peer, in one table that the reply
 * parser (state.c) and every show format read: a counter the kernel adds
 * is one more line here and in enum peer_counter, and each format shows it
 * in its group.
 */
enum peer_counter {
	PEER_RX_BYTES,
	PEER_TX_BYTES,
	PEER_RX_PACKETS,
	PEER_TX_PACKETS,
	PEER_DROP_REPLAY,
	PEER_DROP_AUTH,
	PEER_DROP_SOURCE,
	PEER_DROP_NO_SESSION,
	PEER_N_COUNTERS,
};

/* Each group is one line for people; JSON and dumps keep a group together. */
enum counter_group {
	COUNTERS_TRANSFER,
	COUNTERS_PACKETS,
	COUNTERS_DROPS,
	N_COUNTER_GROUPS,
};

struct peer_counter_info {
	unsigned int attr;		/* XTUN_PEER_A_* */
	enum counter_group group;
	const char *json;		/* JSON member */
	const char *human;		/* its word in the group's line */
};

struct counter_group_info {
	const char *label;		/* "transfer", as show labels the line */
	bool value_first;		/* "5 received", not "replay 5" */
	bool bytes;			/* shown as sizes: "1.50 KiB" */
};

extern const struct peer_counter_info peer_counters[PEER_N_COUNTERS];
extern const struct counter_group_info counter_groups[N_COUNTER_GROUPS];

#endif /* _XTUNCTL_PEER_COUNTER_H */
