/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-source rate limit for handshake messages while a device is under
 * load: even senders with a valid cookie may cost us only so much
 * Curve25519 per second.
 */
#ifndef _XTUN_RATELIMITER_H
#define _XTUN_RATELIMITER_H

#include <linux/skbuff.h>

int xtun_ratelimiter_init(void);
void xtun_ratelimiter_uninit(void);
bool xtun_ratelimiter_allow(struct sk_buff *skb, struct net *net);

#endif /* _XTUN_RATELIMITER_H */
