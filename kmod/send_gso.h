/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUN_SEND_GSO_H
#define _XTUN_SEND_GSO_H

#include <linux/skbuff.h>

struct xtun_keypair;

/* What a train carries: messages, and of those the ones with data. */
struct xtun_train_tally {
	unsigned int messages;
	unsigned int data_packets;
	u64 data_bytes;
};

unsigned int xtun_padding_len(const struct sk_buff *skb);
unsigned int xtun_train_len(const struct sk_buff_head *packets);
struct sk_buff *xtun_train_build(struct sk_buff_head *packets, unsigned int n,
				 const struct xtun_keypair *keypair,
				 struct xtun_train_tally *tally);

#endif /* _XTUN_SEND_GSO_H */
