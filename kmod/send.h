/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sending: handshake messages, keepalives, and the data packets staged
 * for a peer (send.c).
 */
#ifndef _XTUN_SEND_H
#define _XTUN_SEND_H

#include <linux/skbuff.h>
#include <linux/types.h>

struct work_struct;
struct xtun_device;
struct xtun_peer;

void xtun_send_handshake_initiation(struct xtun_peer *peer, bool is_retry);
void xtun_send_handshake_work(struct work_struct *work);
void xtun_send_handshake_response(struct xtun_peer *peer);
void xtun_send_handshake_cookie(struct xtun_device *xtun,
				struct sk_buff *initiating_skb,
				__le32 sender_index);
void xtun_send_keepalive(struct xtun_peer *peer);
void xtun_send_staged_packets(struct xtun_peer *peer);
void xtun_send_purge_staged_packets(struct xtun_peer *peer);

#endif /* _XTUN_SEND_H */
