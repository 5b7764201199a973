/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUN_RECEIVE_H
#define _XTUN_RECEIVE_H

#include <linux/skbuff.h>
#include <linux/workqueue.h>

struct xtun_device;

int xtun_receive(struct sock *sk, struct sk_buff *skb);
void xtun_receive_handshake_work(struct work_struct *work);
int xtun_rx_cells_init(struct xtun_device *xtun);
void xtun_rx_cells_destroy(struct xtun_device *xtun);

#endif /* _XTUN_RECEIVE_H */
