// SPDX-License-Identifier: GPL-2.0
/*
 * Sending: handshake messages, keepalives, and encrypting the packets that
 * xtun_xmit() staged on a peer.
 *
 * Data packets are encrypted in the context that sends them, without any
 * lock held: the counter (nonce) comes from an atomic, the key from the
 * RCU-protected current session.  The device's tx counters are kept by
 * the UDP tunnel code (outer packets); the peer's count inner data.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>

#include "device.h"
#include "peer.h"
#include "send.h"
#include "send_gso.h"
#include "socket.h"
#include "timers.h"

/* DSCP AF41, as WireGuard marks its handshakes. */
#define XTUN_HANDSHAKE_DSCP	0x88

static void xtun_send_initiation_now(struct xtun_peer *peer)
{
	struct xtun_msg_initiation packet;

	if (!xtun_birthdate_has_expired(atomic64_read(&peer->last_sent_handshake),
					XTUN_REKEY_TIMEOUT) ||
	    unlikely(READ_ONCE(peer->is_dead)))
		return;

	/*
	 * Stamp the attempt, not the success: an initiation that fails may
	 * have cost two Curve25519 operations already, and would fail again
	 * for every packet sent meanwhile.  A new private key resets the
	 * stamp (xtun_noise_expire_current_peer_keypairs()).
	 */
	atomic64_set(&peer->last_sent_handshake,
		     ktime_get_coarse_boottime_ns());
	if (xtun_noise_handshake_create_initiation(&packet, &peer->handshake)) {
		xtun_cookie_add_mac_to_packet(&packet, sizeof(packet), peer);
		xtun_timers_any_authenticated_packet_traversal(peer);
		xtun_timers_any_authenticated_packet_sent(peer);
		xtun_socket_send_buffer_to_peer(peer, &packet, sizeof(packet),
						XTUN_HANDSHAKE_DSCP);
		xtun_timers_handshake_initiated(peer);
	}
	memzero_explicit(&packet, sizeof(packet));
}

void xtun_send_handshake_work(struct work_struct *work)
{
	struct xtun_peer *peer = container_of(work, struct xtun_peer,
					      transmit_handshake_work);

	xtun_send_initiation_now(peer);
	xtun_peer_put(peer);
}

/*
 * Ask for a handshake.  Creating one costs Curve25519, so it happens in a
 * worker; at most one per REKEY_TIMEOUT goes out.  None before the RNG is
 * seeded, as the ephemeral key would be predictable; the next packet
 * asks again.
 */
void xtun_send_handshake_initiation(struct xtun_peer *peer, bool is_retry)
{
	if (unlikely(!rng_is_initialized()))
		return;
	if (!is_retry)
		peer->timer_handshake_attempts = 0;

	rcu_read_lock_bh();
	if (!xtun_birthdate_has_expired(atomic64_read(&peer->last_sent_handshake),
					XTUN_REKEY_TIMEOUT) ||
	    unlikely(READ_ONCE(peer->is_dead)))
		goto out;

	xtun_peer_get(peer);
	if (!queue_work(system_unbound_wq, &peer->transmit_handshake_work))
		xtun_peer_put(peer);
out:
	rcu_read_unlock_bh();
}

/* Process context: answer an initiation we just consumed. */
void xtun_send_handshake_response(struct xtun_peer *peer)
{
	struct xtun_msg_response packet;

	atomic64_set(&peer->last_sent_handshake,
		     ktime_get_coarse_boottime_ns());

	if (xtun_noise_handshake_create_response(&packet, &peer->handshake)) {
		xtun_cookie_add_mac_to_packet(&packet, sizeof(packet), peer);
		if (xtun_noise_handshake_begin_session(&peer->handshake,
						       &peer->keypairs)) {
			xtun_timers_session_derived(peer);
			xtun_timers_any_authenticated_packet_traversal(peer);
			xtun_timers_any_authenticated_packet_sent(peer);
			xtun_socket_send_buffer_to_peer(peer, &packet,
							sizeof(packet),
							XTUN_HANDSHAKE_DSCP);
		}
	}
	memzero_explicit(&packet, sizeof(packet));
}

void xtun_send_handshake_cookie(struct xtun_device *xtun,
				struct sk_buff *initiating_skb,
				__le32 sender_index)
{
	struct xtun_msg_cookie packet;

	xtun_cookie_message_create(&packet, initiating_skb, sender_index,
				   &xtun->cookie_checker);
	xtun_socket_send_buffer_as_reply_to_skb(xtun, initiating_skb, &packet,
						sizeof(packet));
}

void xtun_send_purge_staged_packets(struct xtun_peer *peer)
{
	struct sk_buff_head *queue = &peer->staged_packet_queue;
	unsigned int n;

	spin_lock_bh(&queue->lock);
	n = skb_queue_len(queue);
	__skb_queue_purge(queue);
	spin_unlock_bh(&queue->lock);

	atomic64_add(n, &peer->stats.drop_no_session);
	DEV_STATS_ADD(peer->device->dev, tx_dropped, n);
}

/* An empty data message: proves the session to the peer. */
void xtun_send_keepalive(struct xtun_peer *peer)
{
	struct sk_buff *skb;

	if (skb_queue_empty_lockless(&peer->staged_packet_queue)) {
		skb = alloc_skb(XTUN_SKB_HEADROOM + XTUN_MESSAGE_PADDING +
				XTUN_AEAD_TAG_SIZE, GFP_ATOMIC);
		if (unlikely(!skb))
			return;
		skb_reserve(skb, XTUN_SKB_HEADROOM);
		skb->dev = peer->device->dev;
		XTUN_SKB_CB(skb)->mtu = skb->dev->mtu;
		XTUN_SKB_CB(skb)->ds = 0;
		skb_queue_tail(&peer->staged_packet_queue, skb);
	}
	xtun_send_staged_packets(peer);
}

/* Turn a plaintext packet into a data message, in place. */
static bool xtun_encrypt_packet(struct sk_buff *skb,
				struct xtun_keypair *keypair)
{
	struct scatterlist sg[MAX_SKB_FRAGS + 8];
	unsigned int padding_len, plaintext_len, trailer_len;
	struct xtun_msg_data *header;
	struct sk_buff *trailer;
	int num_frags;

	/* The checksum must be final before the payload is encrypted. */
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return false;
	skb->ip_summed = CHECKSUM_NONE;

	padding_len = xtun_padding_len(skb);
	trailer_len = padding_len + XTUN_AEAD_TAG_SIZE;
	plaintext_len = skb->len + padding_len;

	if (unlikely(skb_cow_head(skb, XTUN_SKB_HEADROOM) < 0))
		return false;
	num_frags = skb_cow_data(skb, trailer_len, &trailer);
	if (unlikely(num_frags < 0 || num_frags > ARRAY_SIZE(sg)))
		return false;

	/* Zero padding; the tag's room is overwritten by the encryption. */
	memset(pskb_put(skb, trailer, trailer_len), 0, trailer_len);

	header = skb_push(skb, sizeof(*header));
	header->header.type = cpu_to_le32(XTUN_MSG_DATA);
	header->key_idx = keypair->remote_index;
	header->counter = cpu_to_le64(XTUN_SKB_CB(skb)->nonce);

	sg_init_table(sg, num_frags);
	if (skb_to_sgvec(skb, sg, sizeof(*header),
			 xtun_encrypted_len(plaintext_len)) <= 0)
		return false;
	return chacha20poly1305_encrypt_sg_inplace(sg, plaintext_len, NULL, 0,
						   XTUN_SKB_CB(skb)->nonce,
						   keypair->sending.key);
}

/* The initiator renews a session that is old or used up, in advance. */
static void xtun_keep_key_fresh(struct xtun_peer *peer)
{
	struct xtun_keypair *keypair;
	bool send = false;

	rcu_read_lock_bh();
	keypair = rcu_dereference_bh(peer->keypairs.current_keypair);
	send = keypair && READ_ONCE(keypair->sending.is_valid) &&
	       (atomic64_read(&keypair->sending_counter) >
			XTUN_REKEY_AFTER_MESSAGES ||
		(keypair->i_am_initiator &&
		 xtun_birthdate_has_expired(keypair->sending.birthdate,
					    XTUN_REKEY_AFTER_TIME)));
	rcu_read_unlock_bh();

	if (unlikely(send))
		xtun_send_handshake_initiation(peer, false);
}

/* What one call of xtun_send_encrypted() sent. */
struct xtun_send_tally {
	bool sent;
	u64 data_packets;
	u64 data_bytes;
};

/* Send the first @n packets as one train; false if it could not be built. */
static bool xtun_send_train(struct xtun_peer *peer,
			    struct sk_buff_head *packets, unsigned int n,
			    struct xtun_keypair *keypair,
			    struct xtun_send_tally *tally)
{
	struct net_device *dev = peer->device->dev;
	struct xtun_train_tally train_tally = { };
	struct sk_buff *train;
	u8 ds = XTUN_SKB_CB(skb_peek(packets))->ds;

	train = xtun_train_build(packets, n, keypair, &train_tally);
	if (unlikely(!train))
		return false;
	if (xtun_socket_send_skb_to_peer(peer, train, ds)) {
		DEV_STATS_ADD(dev, tx_errors, train_tally.messages);
		return true;
	}
	tally->sent = true;
	tally->data_packets += train_tally.data_packets;
	tally->data_bytes += train_tally.data_bytes;
	return true;
}

static void xtun_send_one(struct xtun_peer *peer, struct sk_buff *skb,
			  struct xtun_keypair *keypair,
			  struct xtun_send_tally *tally)
{
	struct net_device *dev = peer->device->dev;
	unsigned int len = skb->len;

	if (unlikely(!xtun_encrypt_packet(skb, keypair))) {
		DEV_STATS_INC(dev, tx_errors);
		kfree_skb(skb);
		return;
	}
	if (xtun_socket_send_skb_to_peer(peer, skb, XTUN_SKB_CB(skb)->ds)) {
		DEV_STATS_INC(dev, tx_errors);
		return;
	}
	tally->sent = true;
	if (!len)
		return;		/* a keepalive carries no data */
	tally->data_packets++;
	tally->data_bytes += len;
}

/*
 * Encrypt and send @packets, which have their nonces; consumes them.
 * Runs of equal-sized packets (the segments of one GSO packet) leave as
 * trains (send_gso.c), the others one by one.
 */
static void xtun_send_encrypted(struct xtun_peer *peer,
				struct sk_buff_head *packets,
				struct xtun_keypair *keypair)
{
	struct xtun_send_tally tally = { };
	struct sk_buff *skb;
	unsigned int n;

	while ((skb = skb_peek(packets)) != NULL) {
		n = xtun_train_len(packets);
		if (n > 1 && xtun_send_train(peer, packets, n, keypair, &tally))
			continue;
		__skb_unlink(skb, packets);
		xtun_send_one(peer, skb, keypair, &tally);
	}

	if (tally.sent) {
		xtun_timers_any_authenticated_packet_traversal(peer);
		xtun_timers_any_authenticated_packet_sent(peer);
	}
	if (tally.data_packets) {
		atomic64_add(tally.data_packets, &peer->stats.tx_packets);
		atomic64_add(tally.data_bytes, &peer->stats.tx_bytes);
		xtun_timers_data_sent(peer);
	}
	xtun_keep_key_fresh(peer);
}

/*
 * Send what is staged, if a usable session exists; otherwise put it back
 * and ask for a handshake.
 */
void xtun_send_staged_packets(struct xtun_peer *peer)
{
	struct xtun_keypair *keypair;
	struct sk_buff_head packets;
	struct sk_buff *skb;
	u64 nonce;

	__skb_queue_head_init(&packets);
	spin_lock_bh(&peer->staged_packet_queue.lock);
	skb_queue_splice_init(&peer->staged_packet_queue, &packets);
	spin_unlock_bh(&peer->staged_packet_queue.lock);
	if (skb_queue_empty(&packets))
		return;

	rcu_read_lock_bh();
	keypair = xtun_noise_keypair_get(rcu_dereference_bh(peer->keypairs.current_keypair));
	rcu_read_unlock_bh();
	if (unlikely(!keypair))
		goto out_nokey;
	if (unlikely(!READ_ONCE(keypair->sending.is_valid)))
		goto out_nokey;
	if (unlikely(xtun_birthdate_has_expired(keypair->sending.birthdate,
						XTUN_REJECT_AFTER_TIME)))
		goto out_invalid;

	skb_queue_walk(&packets, skb) {
		nonce = atomic64_inc_return(&keypair->sending_counter) - 1;
		if (unlikely(nonce >= XTUN_REJECT_AFTER_MESSAGES))
			goto out_invalid;
		XTUN_SKB_CB(skb)->nonce = nonce;
	}

	xtun_send_encrypted(peer, &packets, keypair);
	xtun_noise_keypair_put(keypair, false);
	return;

out_invalid:
	WRITE_ONCE(keypair->sending.is_valid, false);
out_nokey:
	xtun_noise_keypair_put(keypair, false);

	/*
	 * They wait for a handshake now, for as long as the retries last
	 * (90 s).  Meanwhile they must not charge their sockets' send
	 * buffers, nor keep the sockets, nor what a socket pins (its
	 * namespace), alive.  Packets sent at once keep their owner, for
	 * the sender's flow control (TCP small queues).
	 */
	skb_queue_walk(&packets, skb)
		skb_orphan(skb);

	/* Back in front of anything staged meanwhile, then hand-shake. */
	spin_lock_bh(&peer->staged_packet_queue.lock);
	skb_queue_splice(&packets, &peer->staged_packet_queue);
	spin_unlock_bh(&peer->staged_packet_queue.lock);
	xtun_send_handshake_initiation(peer, false);
}
