/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-source rate limit for handshake messages while a device is under
 * load: even senders with a valid cookie may cost us only so much
 * Curve25519 per second.
 */
#ifndef _XTUN_RATELIMITER_H
#define _XTUN_RATELIMITER_H

#include <linux/skbuff.h>

/* What one source may send: so many a second, and so many at once. */
#define XTUN_RATELIMITER_PACKETS_PER_SECOND	20
#define XTUN_RATELIMITER_PACKETS_BURSTABLE	5

int xtun_ratelimiter_init(void);
void xtun_ratelimiter_start(void);
void xtun_ratelimiter_uninit(void);
bool xtun_ratelimiter_allow(struct sk_buff *skb, struct net *net);

#ifdef XTUN_DEBUG
bool xtun_ratelimiter_allow_at(struct sk_buff *skb, struct net *net, u64 now);
void xtun_ratelimiter_forget_all(void);
void xtun_ratelimiter_set_bounds(unsigned int max_buckets,
				 unsigned int net_max_buckets);
#endif

#endif /* _XTUN_RATELIMITER_H */
