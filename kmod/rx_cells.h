/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUN_RX_CELLS_H
#define _XTUN_RX_CELLS_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>

struct xtun_device;
struct xtun_peer;

int xtun_rx_cells_init(struct xtun_device *xtun);
void xtun_rx_cells_destroy(struct xtun_device *xtun);
int xtun_rx_fan_out_cpu(struct xtun_peer *peer);
void xtun_rx_load_authenticated(struct xtun_peer *peer);
void xtun_rx_load_forged(struct xtun_peer *peer);
/*
 * Queue a ciphertext of @peer to @cpu's cell; false if the cell or the
 * peer's share of it is full (the caller drops it).
 */
bool xtun_rx_cells_fan_out(struct xtun_device *xtun, struct xtun_peer *peer,
			   struct sk_buff *skb, int cpu);
/*
 * Hand a decrypted packet to the stack: to GRO on @napi when called from a
 * cell's poll, else through this CPU's cell.  Consumes @skb; false if it
 * was dropped.
 */
bool xtun_rx_cells_deliver(struct xtun_device *xtun, struct sk_buff *skb,
			   struct napi_struct *napi);

#endif /* _XTUN_RX_CELLS_H */
