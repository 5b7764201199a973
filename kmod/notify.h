/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUN_NOTIFY_H
#define _XTUN_NOTIFY_H

#include <net/genetlink.h>
#include <uapi/linux/xtun.h>

struct xtun_device;
struct xtun_peer;

/*
 * A token bucket of notifications: one per group and network namespace,
 * and one per peer for the group "peers".
 */
struct xtun_notify_bucket {
	spinlock_t lock;	/* guards the rest */
	unsigned long stamp;	/* jiffies of the last refill */
	u32 tokens;
	u32 missed;		/* held back since the last one sent */
};

void xtun_notify_bucket_init(struct xtun_notify_bucket *bucket);

/* The family's multicast groups, by XTUN_NLGRP_* of netlink-gen.h. */
extern const struct genl_multicast_group xtun_notify_groups[2];

void xtun_notify_device(struct xtun_device *xtun);
void xtun_notify_config_peer(struct xtun_peer *peer, u8 cmd);
void xtun_notify_peers_peer(struct xtun_peer *peer, u8 cmd);

int xtun_notify_init(void);
void xtun_notify_start(void);
void xtun_notify_stop(void);
void xtun_notify_uninit(void);

#endif /* _XTUN_NOTIFY_H */
