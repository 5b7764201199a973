/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUN_RECEIVE_H
#define _XTUN_RECEIVE_H

#include <linux/skbuff.h>
#include <linux/workqueue.h>

struct xtun_device;

int xtun_receive(struct sock *sk, struct sk_buff *skb);
void xtun_receive_handshake_work(struct work_struct *work);

#endif /* _XTUN_RECEIVE_H */
