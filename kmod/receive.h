/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUN_RECEIVE_H
#define _XTUN_RECEIVE_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

struct xtun_device;
struct xtun_keypair;
struct xtun_peer;

/*
 * A data message between its lookup and its decryption, which may happen
 * on another CPU (rx_cells.c).  @keypair and @peer hold references while
 * the skb is queued; @keypair is NULL on a decrypted packet.
 */
struct xtun_rx_cb {
	struct xtun_keypair *keypair;
	struct xtun_peer *peer;
	u64 counter;
	u8 outer_ds;
	bool in_place;
};

#define XTUN_RX_CB(skb) ((struct xtun_rx_cb *)(skb)->cb)

int xtun_receive(struct sock *sk, struct sk_buff *skb);
void xtun_receive_handshake_work(struct work_struct *work);
void xtun_receive_queued(struct xtun_device *xtun, struct sk_buff *skb,
			 struct napi_struct *napi);
void xtun_receive_queued_drop(struct sk_buff *skb);

#endif /* _XTUN_RECEIVE_H */
