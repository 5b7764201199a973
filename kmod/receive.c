// SPDX-License-Identifier: GPL-2.0
/*
 * Receiving: every datagram that reaches the device's UDP port comes here
 * through the socket's encap_rcv hook.  Sizes and types are checked first;
 * handshake messages are queued for a worker (they cost Curve25519), data
 * messages are authenticated, decrypted, checked against the replay window
 * and the sender's allowed IPs, and handed to the stack through GRO.
 */

#include <linux/delay.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/udp.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/sock.h>

#include "device.h"
#include "notify.h"
#include "peer.h"
#include "ratelimiter.h"
#include "receive.h"
#include "replay.h"
#include "rx_cells.h"
#include "send.h"
#include "socket.h"
#include "timers.h"

/* Bytes a message of @type must have, 0 for unknown; data is a minimum. */
static unsigned int xtun_message_len(u32 type)
{
	switch (type) {
	case XTUN_MSG_HANDSHAKE_INITIATION:
		return sizeof(struct xtun_msg_initiation);
	case XTUN_MSG_HANDSHAKE_RESPONSE:
		return sizeof(struct xtun_msg_response);
	case XTUN_MSG_HANDSHAKE_COOKIE:
		return sizeof(struct xtun_msg_cookie);
	case XTUN_MSG_DATA:
		return XTUN_DATA_MIN_LEN;
	default:
		return 0;
	}
}

/*
 * Leave skb->data at the start of the UDP payload, trimmed to the UDP
 * length, with the message's fixed part in the linear area.  Returns the
 * message type, or XTUN_MSG_INVALID for anything malformed.
 */
static u32 xtun_prepare_skb(struct sk_buff *skb)
{
	unsigned int udp_len, min_len, fixed_len;
	struct udphdr *udp;
	int offset;
	u32 type;

	if (skb->protocol != htons(ETH_P_IP) &&
	    skb->protocol != htons(ETH_P_IPV6))
		return XTUN_MSG_INVALID;

	offset = skb_transport_offset(skb);
	if (unlikely(offset < 0 ||
		     !pskb_may_pull(skb, offset + sizeof(struct udphdr))))
		return XTUN_MSG_INVALID;

	udp = udp_hdr(skb);
	udp_len = ntohs(udp->len);
	if (unlikely(udp_len < sizeof(*udp) + sizeof(struct xtun_msg_header) ||
		     udp_len > skb->len - offset))
		return XTUN_MSG_INVALID;
	if (unlikely(pskb_trim(skb, offset + udp_len)))
		return XTUN_MSG_INVALID;
	__skb_pull(skb, offset + sizeof(*udp));

	if (unlikely(!pskb_may_pull(skb, sizeof(struct xtun_msg_header))))
		return XTUN_MSG_INVALID;
	type = le32_to_cpu(((struct xtun_msg_header *)skb->data)->type);

	min_len = xtun_message_len(type);
	if (unlikely(!min_len || skb->len < min_len))
		return XTUN_MSG_INVALID;
	/* Handshake messages have one exact size. */
	if (type != XTUN_MSG_DATA && skb->len != min_len)
		return XTUN_MSG_INVALID;

	fixed_len = type == XTUN_MSG_DATA ? sizeof(struct xtun_msg_data) :
		    min_len;
	if (unlikely(!pskb_may_pull(skb, fixed_len)))
		return XTUN_MSG_INVALID;
	return type;
}

static bool xtun_under_load(struct xtun_device *xtun)
{
	unsigned long last;

	if (skb_queue_len(&xtun->handshake_queue) >=
	    XTUN_MAX_QUEUED_HANDSHAKES / 8) {
		WRITE_ONCE(xtun->last_under_load, jiffies);
		return true;
	}
	last = READ_ONCE(xtun->last_under_load);
	return last && time_is_after_jiffies(last + HZ);
}

/* An authenticated packet of @peer: follow it if the peer roamed. */
static void xtun_receive_endpoint(struct xtun_peer *peer,
				  const struct sk_buff *skb)
{
	if (unlikely(xtun_socket_set_peer_endpoint_from_skb(peer, skb)))
		xtun_notify_peers_peer(peer, XTUN_CMD_ENDPOINT_CHANGE_NTF);
}

/* Returns the peer (with a reference) a handshake message completed. */
static struct xtun_peer *xtun_receive_handshake_message(struct xtun_device *xtun,
							struct sk_buff *skb,
							u32 type,
							bool needs_cookie)
{
	struct xtun_msg_initiation *initiation;
	struct xtun_msg_response *response;
	struct xtun_peer *peer;

	if (type == XTUN_MSG_HANDSHAKE_INITIATION) {
		initiation = (struct xtun_msg_initiation *)skb->data;
		if (needs_cookie) {
			xtun_send_handshake_cookie(xtun, skb,
						   initiation->sender_index);
			return NULL;
		}
		peer = xtun_noise_handshake_consume_initiation(initiation, xtun);
		if (!peer)
			return NULL;
		xtun_receive_endpoint(peer, skb);
		xtun_send_handshake_response(peer);
		return peer;
	}

	response = (struct xtun_msg_response *)skb->data;
	if (needs_cookie) {
		xtun_send_handshake_cookie(xtun, skb, response->sender_index);
		return NULL;
	}
	peer = xtun_noise_handshake_consume_response(response, xtun);
	if (!peer)
		return NULL;
	xtun_receive_endpoint(peer, skb);
	if (xtun_noise_handshake_begin_session(&peer->handshake,
					       &peer->keypairs)) {
		xtun_timers_session_derived(peer);
		xtun_timers_handshake_complete(peer);
		xtun_notify_peers_peer(peer, XTUN_CMD_HANDSHAKE_NTF);
		/* Confirms the session to the responder at once. */
		xtun_send_keepalive(peer);
	}
	return peer;
}

static void xtun_receive_handshake(struct xtun_device *xtun,
				   struct sk_buff *skb)
{
	u32 type = le32_to_cpu(((struct xtun_msg_header *)skb->data)->type);
	enum xtun_cookie_mac_state mac_state;
	struct xtun_peer *peer;
	bool under_load;

	if (type == XTUN_MSG_HANDSHAKE_COOKIE) {
		xtun_cookie_message_consume((struct xtun_msg_cookie *)skb->data,
					    xtun);
		return;
	}

	under_load = xtun_under_load(xtun);
	down_read(&xtun->static_identity.lock);
	mac_state = xtun_cookie_validate_packet(&xtun->cookie_checker, skb,
						under_load);
	up_read(&xtun->static_identity.lock);

	if (mac_state == XTUN_INVALID_MAC) {
		DEV_STATS_INC(xtun->dev, rx_errors);
		net_dbg_ratelimited("%s: handshake message with an invalid mac1\n",
				    xtun->dev->name);
		return;
	}
	/* Under load, a valid cookie still buys only so much work. */
	if (under_load && mac_state == XTUN_VALID_MAC_WITH_COOKIE &&
	    !xtun_ratelimiter_allow(skb, dev_net(xtun->dev))) {
		DEV_STATS_INC(xtun->dev, rx_dropped);
		return;
	}

	peer = xtun_receive_handshake_message(xtun, skb, type,
					      under_load &&
					      mac_state != XTUN_VALID_MAC_WITH_COOKIE);
	if (!peer)
		return;

	/* As WireGuard: a cookie reply names no peer and is not counted. */
	xtun_peer_link_rx(peer, skb->len);
	xtun_timers_any_authenticated_packet_received(peer);
	xtun_timers_any_authenticated_packet_traversal(peer);
	xtun_peer_put(peer);
}

#ifdef XTUN_DEBUG
/*
 * The debug build can hold every handshake message this long before it is
 * consumed, so that a selftest can stop a device while one is in the
 * worker's hands (races.sh).
 */
static unsigned int handshake_delay_ms;
module_param(handshake_delay_ms, uint, 0644);
MODULE_PARM_DESC(handshake_delay_ms,
		 "debug build: hold each handshake message this long");

static void xtun_receive_handshake_delay(void)
{
	unsigned int ms = READ_ONCE(handshake_delay_ms);

	if (ms)
		msleep(ms);
}
#else
static void xtun_receive_handshake_delay(void) { }
#endif

void xtun_receive_handshake_work(struct work_struct *work)
{
	struct xtun_device *xtun = container_of(work, struct xtun_device,
						handshake_work);
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&xtun->handshake_queue)) != NULL) {
		xtun_receive_handshake_delay();
		xtun_receive_handshake(xtun, skb);
		dev_kfree_skb(skb);
		cond_resched();
	}
}

static void xtun_queue_handshake(struct xtun_device *xtun, struct sk_buff *skb)
{
	struct sk_buff_head *queue = &xtun->handshake_queue;

	spin_lock_bh(&queue->lock);
	if (unlikely(skb_queue_len(queue) >= XTUN_MAX_QUEUED_HANDSHAKES)) {
		spin_unlock_bh(&queue->lock);
		DEV_STATS_INC(xtun->dev, rx_dropped);
		kfree_skb(skb);
		return;
	}
	__skb_queue_tail(queue, skb);
	spin_unlock_bh(&queue->lock);
	queue_work(system_unbound_wq, &xtun->handshake_work);
}

/*
 * Whether a data message may be decrypted where it lies, without the copy
 * skb_cow_data() makes: only when it is in the linear area of an skb that
 * is not a clone.  ESP (esp_input()) also decrypts page fragments in
 * place, but a message in pages is most often one of the datagrams UDP
 * cut from a train (a veth's GSO skb), and those point into the train's
 * pages without being clones.  A clone of the train taken before it got
 * here (a packet tap at the sending end, a bridge flooding it to other
 * ports, tc mirred) still holds those pages and would read the plaintext;
 * nothing here can see it.  So pages are copied, as before.
 */
static bool xtun_may_decrypt_in_place(const struct sk_buff *skb)
{
	return !skb_cloned(skb) && !skb_is_nonlinear(skb);
}

/* Make the message's bytes the skb's own (a linear copy if need be). */
static int xtun_receive_unshare(struct sk_buff *skb)
{
	struct sk_buff *trailer;

	return skb_cow_data(skb, 0, &trailer);
}

static bool xtun_decrypt_packet(struct sk_buff *skb,
				struct xtun_keypair *keypair, u64 counter,
				bool in_place)
{
	struct scatterlist sg[MAX_SKB_FRAGS + 8];
	const unsigned int offset = sizeof(struct xtun_msg_data);
	unsigned int len;
	int num_frags;

	if (in_place)
		num_frags = skb_shinfo(skb)->nr_frags + 1;
	else
		num_frags = xtun_receive_unshare(skb);
	if (unlikely(num_frags < 0 || num_frags > ARRAY_SIZE(sg)))
		return false;

	len = skb->len - offset;
	sg_init_table(sg, num_frags);
	if (skb_to_sgvec(skb, sg, offset, len) <= 0)
		return false;
	if (!chacha20poly1305_decrypt_sg_inplace(sg, len, NULL, 0, counter,
						 keypair->receiving.key))
		return false;

	/* Leave only the padded plaintext, maybe still in pages. */
	if (pskb_trim(skb, skb->len - XTUN_AEAD_TAG_SIZE))
		return false;
	__skb_pull(skb, offset);
	return true;
}

/* The initiator rekeys before the session runs out while it receives. */
static void xtun_keep_key_fresh_on_receive(struct xtun_peer *peer,
					   struct xtun_keypair *keypair)
{
	bool send;

	if (peer->sent_lastminute_handshake)
		return;

	rcu_read_lock_bh();
	send = keypair == rcu_dereference_bh(peer->keypairs.current_keypair) &&
	       keypair->i_am_initiator &&
	       xtun_birthdate_has_expired(keypair->sending.birthdate,
					  XTUN_REJECT_AFTER_TIME -
					  XTUN_KEEPALIVE_TIMEOUT -
					  XTUN_REKEY_TIMEOUT);
	rcu_read_unlock_bh();

	if (send) {
		peer->sent_lastminute_handshake = true;
		xtun_send_handshake_initiation(peer, false);
	}
}

/* The IP version nibble at the start of the (pulled) inner packet. */
static u8 xtun_inner_version(const struct sk_buff *skb)
{
	return skb->data[0] >> 4;
}

/*
 * Check the decrypted inner packet: a whole IPv4 or IPv6 packet, padding
 * trimmed.  Returns false for anything else.
 */
static bool xtun_inner_packet_valid(struct sk_buff *skb)
{
	unsigned int len;

	if (skb->len >= sizeof(struct iphdr) &&
	    pskb_may_pull(skb, sizeof(struct iphdr)) &&
	    xtun_inner_version(skb) == 4) {
		len = ntohs(((struct iphdr *)skb->data)->tot_len);
		skb->protocol = htons(ETH_P_IP);
	} else if (skb->len >= sizeof(struct ipv6hdr) &&
		   pskb_may_pull(skb, sizeof(struct ipv6hdr)) &&
		   xtun_inner_version(skb) == 6) {
		len = ntohs(((struct ipv6hdr *)skb->data)->payload_len) +
		      sizeof(struct ipv6hdr);
		skb->protocol = htons(ETH_P_IPV6);
	} else {
		return false;
	}
	if (unlikely(len > skb->len || len < sizeof(struct iphdr)))
		return false;
	if (unlikely(pskb_trim(skb, len)))
		return false;
	skb_reset_network_header(skb);
	return true;
}

/*
 * Deliver an authenticated, decrypted packet to the stack.  Returns
 * whether the peer may send it, for the link counters.
 */
static bool xtun_deliver(struct xtun_device *xtun, struct xtun_peer *peer,
			 struct sk_buff *skb, u8 outer_ds,
			 struct napi_struct *napi)
{
	struct net_device *dev = xtun->dev;
	struct xtun_peer *routed_peer;
	unsigned int len;

	if (unlikely(!xtun_inner_packet_valid(skb))) {
		DEV_STATS_INC(dev, rx_errors);
		DEV_STATS_INC(dev, rx_length_errors);
		goto drop;
	}

	/* Cryptokey routing: the sender must own the inner source. */
	routed_peer = xtun_allowedips_lookup_src(&xtun->allowedips, skb);
	xtun_peer_put(routed_peer);
	if (unlikely(routed_peer != peer)) {
		atomic64_inc(&peer->stats.drop_source);
		DEV_STATS_INC(dev, rx_errors);
		DEV_STATS_INC(dev, rx_frame_errors);
		net_dbg_ratelimited("%s: peer %llu sent a packet from an address it is not allowed\n",
				    dev->name, peer->internal_id);
		goto drop;
	}

	if (INET_ECN_is_ce(outer_ds)) {
		if (skb->protocol == htons(ETH_P_IP))
			IP_ECN_set_ce(ip_hdr(skb));
		else
			IP6_ECN_set_ce(skb, ipv6_hdr(skb));
	}

	skb_scrub_packet(skb, true);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	/* Authenticated encryption covered every byte. */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = ~0;
	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);

	len = skb->len;
	atomic64_inc(&peer->stats.rx_packets);
	atomic64_add(len, &peer->stats.rx_bytes);
	if (likely(xtun_rx_cells_deliver(xtun, skb, napi)))
		dev_sw_netstats_rx_add(dev, len);
	else
		DEV_STATS_INC(dev, rx_dropped);
	return true;

drop:
	kfree_skb(skb);
	return false;
}

static u8 xtun_outer_ds(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return ipv4_get_dsfield(ip_hdr(skb));
	return ipv6_get_dsfield(ipv6_hdr(skb));
}

/* Find the session the data message names, with references held. */
static struct xtun_keypair *xtun_data_keypair(struct xtun_device *xtun,
					      __le32 index,
					      struct xtun_peer **peer)
{
	struct xtun_index_entry *entry;
	struct xtun_keypair *keypair = NULL;

	rcu_read_lock_bh();
	entry = xtun_index_lookup(xtun->index_table, XTUN_INDEX_KEYPAIR, index,
				  peer);
	if (entry) {
		keypair = xtun_noise_keypair_get(container_of(entry,
							      struct xtun_keypair,
							      entry));
		if (!keypair)
			xtun_peer_put(*peer);
	}
	rcu_read_unlock_bh();
	return keypair;
}

static bool xtun_keypair_receiving_usable(struct xtun_keypair *keypair)
{
	if (unlikely(!READ_ONCE(keypair->receiving.is_valid)))
		return false;
	if (unlikely(xtun_birthdate_has_expired(keypair->receiving.birthdate,
						XTUN_REJECT_AFTER_TIME) ||
		     READ_ONCE(keypair->replay.greatest) >=
		     XTUN_REJECT_AFTER_MESSAGES)) {
		WRITE_ONCE(keypair->receiving.is_valid, false);
		return false;
	}
	return true;
}

/*
 * Authenticate, decrypt and deliver a data message whose session was found
 * (XTUN_RX_CB()), inline or from a cell's poll (@napi).  Consumes @skb;
 * the caller keeps its references.
 */
static void xtun_receive_data_finish(struct xtun_device *xtun,
				     struct sk_buff *skb,
				     struct napi_struct *napi)
{
	struct xtun_rx_cb *cb = XTUN_RX_CB(skb);
	struct xtun_keypair *keypair = cb->keypair;
	struct xtun_peer *peer = cb->peer;
	unsigned int msg_len = skb->len;	/* the whole UDP payload */
	u64 counter = cb->counter;
	bool in_place = cb->in_place;
	u8 outer_ds = cb->outer_ds;

	if (unlikely(!xtun_keypair_receiving_usable(keypair))) {
		atomic64_inc(&peer->stats.drop_no_session);
		DEV_STATS_INC(xtun->dev, rx_dropped);
		goto drop;
	}
	if (unlikely(!xtun_decrypt_packet(skb, keypair, counter, in_place))) {
		xtun_rx_load_forged(peer);
		atomic64_inc(&peer->stats.drop_auth);
		DEV_STATS_INC(xtun->dev, rx_errors);
		goto drop;
	}
	if (unlikely(!xtun_replay_counter_validate(&keypair->replay, counter))) {
		atomic64_inc(&peer->stats.drop_replay);
		DEV_STATS_INC(xtun->dev, rx_dropped);
		goto drop;
	}

	/* Authentic and fresh: the peer is where this came from. */
	xtun_rx_load_authenticated(peer);
	xtun_receive_endpoint(peer, skb);
	if (unlikely(xtun_noise_received_with_keypair(&peer->keypairs,
						      keypair))) {
		xtun_timers_handshake_complete(peer);
		xtun_notify_peers_peer(peer, XTUN_CMD_HANDSHAKE_NTF);
		xtun_send_staged_packets(peer);
	}
	xtun_keep_key_fresh_on_receive(peer, keypair);
	xtun_timers_any_authenticated_packet_received(peer);
	xtun_timers_any_authenticated_packet_traversal(peer);

	if (skb->len == 0) {
		/* A keepalive: nothing to deliver. */
		xtun_peer_link_rx(peer, msg_len);
		consume_skb(skb);
		return;
	}
	xtun_timers_data_received(peer);
	if (xtun_deliver(xtun, peer, skb, outer_ds, napi))
		xtun_peer_link_rx(peer, msg_len);
	return;

drop:
	kfree_skb(skb);
}

static void xtun_rx_cb_put(struct xtun_rx_cb *cb)
{
	xtun_noise_keypair_put(cb->keypair, false);
	xtun_peer_put(cb->peer);
}

/*
 * A cell's poll, on the CPU the message was handed to.  The peer may have
 * died, or the device gone down, while the message waited: removal waits
 * for a grace period after setting is_dead, and so for this BH-disabled
 * section, before it clears the peer's sessions and timers.
 */
void xtun_receive_queued(struct xtun_device *xtun, struct sk_buff *skb,
			 struct napi_struct *napi)
{
	struct xtun_rx_cb cb = *XTUN_RX_CB(skb);

	rcu_read_lock_bh();
	if (unlikely(READ_ONCE(cb.peer->is_dead) ||
		     !netif_running(xtun->dev))) {
		DEV_STATS_INC(xtun->dev, rx_dropped);
		kfree_skb(skb);
	} else {
		xtun_receive_data_finish(xtun, skb, napi);
	}
	rcu_read_unlock_bh();
	/* Delivered: the peer's next packet may be decrypted inline. */
	atomic_dec(&cb.peer->rx_load.queued);
	xtun_rx_cb_put(&cb);
}

/* A queued message that will never be processed (the cells go away). */
void xtun_receive_queued_drop(struct sk_buff *skb)
{
	struct xtun_rx_cb cb = *XTUN_RX_CB(skb);

	kfree_skb(skb);
	atomic_dec(&cb.peer->rx_load.queued);
	xtun_rx_cb_put(&cb);
}

/* Queue a message to another CPU's cell; its references go with it. */
static void xtun_receive_fan_out(struct xtun_device *xtun, struct sk_buff *skb,
				 int cpu)
{
	struct xtun_peer *peer = XTUN_RX_CB(skb)->peer;

	atomic_inc(&peer->rx_load.queued);
	if (likely(xtun_rx_cells_fan_out(xtun, peer, skb, cpu)))
		return;
	DEV_STATS_INC(xtun->dev, rx_dropped);
	xtun_receive_queued_drop(skb);
}

static void xtun_receive_data(struct xtun_device *xtun, struct sk_buff *skb)
{
	struct xtun_msg_data *header = (struct xtun_msg_data *)skb->data;
	struct xtun_rx_cb *cb = XTUN_RX_CB(skb);
	struct xtun_rx_cb refs;
	int cpu;

	cb->keypair = xtun_data_keypair(xtun, header->key_idx, &cb->peer);
	if (unlikely(!cb->keypair)) {
		DEV_STATS_INC(xtun->dev, rx_errors);
		kfree_skb(skb);
		return;
	}
	cb->counter = le64_to_cpu(header->counter);
	cb->outer_ds = xtun_outer_ds(skb);
	cb->in_place = xtun_may_decrypt_in_place(skb);

	cpu = xtun_rx_fan_out_cpu(cb->peer);
	if (cpu >= 0) {
		xtun_receive_fan_out(xtun, skb, cpu);
		return;
	}
	refs = *cb;
	xtun_receive_data_finish(xtun, skb, NULL);
	xtun_rx_cb_put(&refs);
}

/* The UDP socket's encap_rcv: always consumes the skb. */
int xtun_receive(struct sock *sk, struct sk_buff *skb)
{
	struct xtun_device *xtun = rcu_dereference_sk_user_data(sk);
	u32 type;

	if (unlikely(!xtun)) {
		kfree_skb(skb);
		return 0;
	}

	type = xtun_prepare_skb(skb);
	switch (type) {
	case XTUN_MSG_HANDSHAKE_INITIATION:
	case XTUN_MSG_HANDSHAKE_RESPONSE:
	case XTUN_MSG_HANDSHAKE_COOKIE:
		/*
		 * Our answer would need ephemeral keys, cookie secrets and
		 * indices that nobody can predict: not before the RNG is
		 * seeded.  The peer retries.
		 */
		if (unlikely(!rng_is_initialized())) {
			DEV_STATS_INC(xtun->dev, rx_dropped);
			kfree_skb(skb);
			break;
		}
		xtun_queue_handshake(xtun, skb);
		break;
	case XTUN_MSG_DATA:
		xtun_receive_data(xtun, skb);
		break;
	default:
		DEV_STATS_INC(xtun->dev, rx_errors);
		kfree_skb(skb);
		break;
	}
	return 0;
}
