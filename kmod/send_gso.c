// SPDX-License-Identifier: GPL-2.0
/*
 * Sending data messages in trains: the segments of one GSO packet, which
 * the stack handed us whole, leave as one UDP GSO skb (SKB_GSO_UDP_L4)
 * that carries each of them as its own data message, as a socket's
 * UDP_SEGMENT send does.  The outer IP and UDP layers, netfilter, the
 * route and the underlying device then see one packet instead of dozens;
 * the train is cut into ordinary datagrams, one per message, by the NIC or
 * by software GSO (validate_xmit_skb()), or by the receiving host's UDP
 * code before its encap_rcv (udp_rcv_segment()) when it crosses a veth.
 * On the wire nothing changes: a WireGuard peer receives the same
 * datagrams.
 *
 * The messages are written straight into the train's pages: the
 * plaintext is copied there once (the copy skb_cow_data() would make
 * anyway), its checksum completed in the same pass, and encrypted in
 * place, so no per-segment skb is reallocated.
 * Every message but the last has the same length (UDP GSO's rule); a
 * page holds whole messages only, so that each is one linear buffer.
 */

#include <crypto/chacha20poly1305.h>
#include <linux/gfp.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/sock.h>

#include "device.h"
#include "messages.h"
#include "noise.h"
#include "send_gso.h"

/* Pages of 32 KiB hold 22 messages of a 1420-byte MTU; order 0 is the
 * fallback when memory is fragmented.
 */
#define XTUN_TRAIN_PAGE_ORDER	3

/* The UDP length and an IPv4 total length are 16 bits. */
#define XTUN_TRAIN_MAX_BYTES	(U16_MAX - XTUN_OUTER_HEADER_MAX)

/* As many segments as a UDP_SEGMENT send may have. */
#define XTUN_TRAIN_MAX_MESSAGES	UDP_MAX_SEGMENTS

/* Pad to 16 bytes, but never beyond the MTU (that would fragment). */
unsigned int xtun_padding_len(const struct sk_buff *skb)
{
	unsigned int last_unit = skb->len;
	unsigned int mtu = XTUN_SKB_CB(skb)->mtu;
	unsigned int padded;

	if (unlikely(!mtu))
		return ALIGN(last_unit, XTUN_MESSAGE_PADDING) - last_unit;
	if (unlikely(last_unit > mtu))
		last_unit %= mtu;
	padded = min(mtu, ALIGN(last_unit, XTUN_MESSAGE_PADDING));
	return padded - last_unit;
}

/* The length of the data message that carries @skb. */
static unsigned int xtun_message_len_of(const struct sk_buff *skb)
{
	return sizeof(struct xtun_msg_data) +
	       xtun_encrypted_len(skb->len + xtun_padding_len(skb));
}

/*
 * How many packets from the head of @packets may share one train: the
 * same outer DS field, the same owner (socket and destructor, so that the
 * train can carry the owner's charge, xtun_train_take_charge()), the same
 * message length but for the last, which may be shorter, within the
 * train's limits.  A train of one is no train.
 */
unsigned int xtun_train_len(const struct sk_buff_head *packets)
{
	const struct sk_buff *first = skb_peek(packets), *skb;
	unsigned int msg_len, len, n = 0, bytes = 0;

	if (!first)
		return 0;
	msg_len = xtun_message_len_of(first);
	if (msg_len > PAGE_SIZE)
		return 1;

	skb_queue_walk(packets, skb) {
		len = xtun_message_len_of(skb);
		if (len > msg_len || XTUN_SKB_CB(skb)->ds != XTUN_SKB_CB(first)->ds ||
		    skb->sk != first->sk || skb->destructor != first->destructor ||
		    bytes + len > XTUN_TRAIN_MAX_BYTES ||
		    n == XTUN_TRAIN_MAX_MESSAGES)
			break;
		n++;
		bytes += len;
		if (len < msg_len)
			break;	/* a shorter one ends the train */
	}
	return n;
}

/* A new page for the train, as its next fragment; false if none. */
static bool xtun_train_add_page(struct sk_buff *train)
{
	struct skb_shared_info *shinfo = skb_shinfo(train);
	unsigned int order = XTUN_TRAIN_PAGE_ORDER;
	struct page *page;

	if (shinfo->nr_frags == MAX_SKB_FRAGS)
		return false;
	page = alloc_pages(GFP_ATOMIC | __GFP_COMP | __GFP_NOWARN |
			   __GFP_NORETRY, order);
	if (!page) {
		order = 0;
		page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		if (!page)
			return false;
	}
	skb_fill_page_desc(train, shinfo->nr_frags, page, 0, 0);
	train->truesize += PAGE_SIZE << order;
	return true;
}

/*
 * Room for a message of @len bytes at the end of the train's last page, or
 * on a new page; NULL when the train can take no more.  The room counts
 * once xtun_train_commit() says so.
 */
static u8 *xtun_train_room(struct sk_buff *train, unsigned int len)
{
	struct skb_shared_info *shinfo = skb_shinfo(train);
	skb_frag_t *frag;

	frag = shinfo->nr_frags ? &shinfo->frags[shinfo->nr_frags - 1] : NULL;
	if (!frag || skb_frag_off(frag) + skb_frag_size(frag) + len >
		     page_size(skb_frag_page(frag))) {
		if (!xtun_train_add_page(train))
			return NULL;
		frag = &shinfo->frags[shinfo->nr_frags - 1];
	}
	return (u8 *)page_address(skb_frag_page(frag)) + skb_frag_off(frag) +
	       skb_frag_size(frag);
}

static void xtun_train_commit(struct sk_buff *train, unsigned int len)
{
	struct skb_shared_info *shinfo = skb_shinfo(train);

	skb_frag_size_add(&shinfo->frags[shinfo->nr_frags - 1], len);
	train->len += len;
	train->data_len += len;
}

/*
 * Copy the plaintext of @skb to @to, completing a partial checksum on the
 * way, as skb_checksum_help() would, but in the same pass as the copy.
 */
static bool xtun_train_copy(u8 *to, const struct sk_buff *skb)
{
	unsigned int start, field;
	__wsum csum;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return !skb_copy_bits(skb, 0, to, skb->len);

	start = skb_checksum_start_offset(skb);
	field = start + skb->csum_offset;
	if (unlikely(start > skb->len || field + sizeof(__sum16) > skb->len))
		return false;
	if (skb_copy_bits(skb, 0, to, start))
		return false;
	csum = skb_copy_and_csum_bits(skb, start, to + start, skb->len - start);
	*(__sum16 *)(to + field) = csum_fold(csum) ?: CSUM_MANGLED_0;
	return true;
}

/* Write @skb into the train as a data message of @keypair's session. */
static bool xtun_train_add(struct sk_buff *train, const struct sk_buff *skb,
			   const struct xtun_keypair *keypair)
{
	unsigned int padding = xtun_padding_len(skb);
	unsigned int plain_len = skb->len + padding;
	unsigned int len = sizeof(struct xtun_msg_data) +
			   xtun_encrypted_len(plain_len);
	struct xtun_msg_data *header;
	u8 *msg;

	msg = xtun_train_room(train, len);
	if (!msg)
		return false;
	header = (struct xtun_msg_data *)msg;
	header->header.type = cpu_to_le32(XTUN_MSG_DATA);
	header->key_idx = keypair->remote_index;
	header->counter = cpu_to_le64(XTUN_SKB_CB(skb)->nonce);
	msg += sizeof(*header);
	if (!xtun_train_copy(msg, skb))
		return false;
	memset(msg + skb->len, 0, padding);
	chacha20poly1305_encrypt(msg, msg, plain_len, NULL, 0,
				 XTUN_SKB_CB(skb)->nonce, keypair->sending.key);
	xtun_train_commit(train, len);
	return true;
}

/*
 * Whether @skb's owner charged the socket's write allocation with its
 * truesize, which its destructor gives back: sock_wfree(), or any of
 * TCP's (tcp_wfree(), which also tells TCP small queues that the packet
 * left, and __sock_wfree() for pure ACKs).
 */
static bool xtun_train_charge_movable(const struct sk_buff *skb)
{
	const struct sock *sk = skb->sk;

	if (!sk || !skb->destructor || !sk_fullsock(sk))
		return false;
	return skb->destructor == sock_wfree ||
	       (sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP);
}

/*
 * The train takes over its packets' owner: their socket, their
 * destructor and their charge, adjusted from the sum of their truesizes
 * to the train's own, as tcp_gso_segment() does for its segments.  So
 * TCP's destructor runs when the train leaves, not when its segments
 * were copied into it, and TCP small queues keep their completion
 * signal.  The packets are then freed without an owner.
 */
static void xtun_train_take_charge(struct sk_buff *train,
				   struct sk_buff_head *copied)
{
	struct sk_buff *first = skb_peek(copied), *skb;
	void (*destructor)(struct sk_buff *skb) = first->destructor;
	struct sock *sk = first->sk;
	unsigned int charged = 0;

	skb_queue_walk(copied, skb) {
		charged += skb->truesize;
		skb->destructor = NULL;
		skb->sk = NULL;
	}
	/* What is left charged stays above zero: the train's truesize. */
	if (train->truesize > charged)
		refcount_add(train->truesize - charged, &sk->sk_wmem_alloc);
	else if (train->truesize < charged)
		WARN_ON_ONCE(refcount_sub_and_test(charged - train->truesize,
						   &sk->sk_wmem_alloc));
	train->sk = sk;
	train->destructor = destructor;
}

/*
 * The train belongs to its packets' socket (xtun_train_len() keeps one
 * owner per train), for the sender's flow control, once its size is final;
 * it takes the priority too.  An owner whose charge cannot be moved
 * (another destructor) is charged anew, as skb_set_owner_w() does, while
 * its packets give theirs back when they are freed.
 */
static void xtun_train_inherit(struct sk_buff *train,
			       struct sk_buff_head *copied)
{
	struct sk_buff *first = skb_peek(copied);
	struct sock *sk = first->sk;

	train->priority = first->priority;
	if (xtun_train_charge_movable(first))
		xtun_train_take_charge(train, copied);
	else if (sk && sk_fullsock(sk))
		skb_set_owner_w(train, sk);
}

/*
 * A train of several messages leaves its UDP checksum to whoever cuts it,
 * as a socket's GSO send does: udp_tunnel_xmit_skb() puts the
 * pseudo-header sum in the header it pushes in front of the data.  A
 * train of one is an ordinary datagram, summed there in full.
 */
static void xtun_train_set_gso(struct sk_buff *train, unsigned int msg_len,
			       unsigned int segs)
{
	if (segs < 2)
		return;
	skb_shinfo(train)->gso_size = msg_len;
	skb_shinfo(train)->gso_type = SKB_GSO_UDP_L4;
	skb_shinfo(train)->gso_segs = segs;
	train->ip_summed = CHECKSUM_PARTIAL;
	train->csum_start = skb_headroom(train) - sizeof(struct udphdr);
	train->csum_offset = offsetof(struct udphdr, check);
}

/*
 * Encrypt the first @n packets of @packets (whose nonces are assigned)
 * into one train and unlink them; returns the train, or NULL if not one
 * could be added.  It may hold fewer than @n when memory
 * ran short: @tally says how many, and how much data they carried.
 */
struct sk_buff *xtun_train_build(struct sk_buff_head *packets, unsigned int n,
				 const struct xtun_keypair *keypair,
				 struct xtun_train_tally *tally)
{
	unsigned int msg_len = xtun_message_len_of(skb_peek(packets));
	struct sk_buff_head copied;
	struct sk_buff *train, *skb;

	train = alloc_skb(XTUN_SKB_HEADROOM, GFP_ATOMIC);
	if (unlikely(!train))
		return NULL;
	skb_reserve(train, XTUN_SKB_HEADROOM);

	__skb_queue_head_init(&copied);
	while (skb_queue_len(&copied) < n) {
		skb = skb_peek(packets);
		if (unlikely(!xtun_train_add(train, skb, keypair)))
			break;
		__skb_unlink(skb, packets);
		__skb_queue_tail(&copied, skb);
	}
	tally->messages = skb_queue_len(&copied);
	if (unlikely(!tally->messages)) {
		kfree_skb(train);
		return NULL;
	}
	xtun_train_set_gso(train, msg_len, tally->messages);
	/* While the packets still hold their socket. */
	xtun_train_inherit(train, &copied);
	while ((skb = __skb_dequeue(&copied)) != NULL) {
		if (skb->len) {
			tally->data_packets++;
			tally->data_bytes += skb->len;
		}
		consume_skb(skb);
	}
	return train;
}
