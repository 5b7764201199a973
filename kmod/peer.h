/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A peer: the other end of a tunnel, identified by its public key.
 *
 * Lifetime: the device's peer list and pubkey table hold the initial
 * reference, taken away by xtun_peer_remove() or xtun_peer_remove_all()
 * under update_lock.  The data path finds peers under RCU (allowed IPs,
 * receiver indices) and takes a reference with xtun_peer_get_maybe_zero()
 * for as long as it works on one.  Removal takes a peer out of the peer
 * list, the pubkey table and the allowed IPs, waits for one grace period
 * (one for all peers in xtun_peer_remove_all(), one for all that a
 * netlink request removed, once it let go of update_lock), then stops its
 * timers and work, clears its sessions and drops the reference; the last
 * reference frees the peer after another grace period.
 */
#ifndef _XTUN_PEER_H
#define _XTUN_PEER_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>

#include "allowedips.h"
#include "cookie.h"
#include "noise.h"
#include "notify.h"

struct xtun_device;

/**
 * struct xtun_endpoint - where a peer is, and the source we answer from
 * @addr: the peer's address and port (AF_INET, AF_INET6 or AF_UNSPEC)
 * @addr4: @addr for AF_INET
 * @addr6: @addr for AF_INET6
 * @src4: our IPv4 address the peer last reached us at: we answer from it
 * @src_if4: interface of @src4, for link-local routing decisions
 * @src6: our IPv6 address the peer last reached us at, likewise
 */
struct xtun_endpoint {
	union {
		struct sockaddr addr;
		struct sockaddr_in addr4;
		struct sockaddr_in6 addr6;
	};
	union {
		struct {
			struct in_addr src4;
			int src_if4;
		};
		struct in6_addr src6;
	};
};

/*
 * Per-peer counters; atomics so that every CPU may update them.  The
 * link_ ones count UDP datagrams and their payload, every message type,
 * as WireGuard's transfer counters do; the others count inner packets.
 */
struct xtun_peer_stats {
	atomic64_t rx_bytes;
	atomic64_t tx_bytes;
	atomic64_t rx_packets;
	atomic64_t tx_packets;
	atomic64_t link_rx_bytes;
	atomic64_t link_tx_bytes;
	atomic64_t link_rx_packets;
	atomic64_t link_tx_packets;
	atomic64_t drop_replay;
	atomic64_t drop_auth;
	atomic64_t drop_source;
	atomic64_t drop_no_session;
};

/**
 * struct xtun_rx_load - how a peer's received packets are spread (rx_cells.c)
 * @queued: its data messages queued to another CPU's cell, not processed
 * @stamp: the jiffy @count is of
 * @count: its data messages authenticated in that jiffy
 */
struct xtun_rx_load {
	atomic_t queued;
	unsigned long stamp;
	unsigned int count;
};

/**
 * struct xtun_peer - a configured peer
 * @device: the device it belongs to
 * @peer_list: entry in device->peer_list (update_lock)
 * @pubkey_hash: entry in device->peer_hashtable (update_lock, RCU readers)
 * @allowedips: its prefixes in device->allowedips (update_lock)
 * @handshake: the handshake in progress with it, if any
 * @keypairs: its sessions
 * @latest_cookie: the last cookie it sent us, for the mac2 of our
 *	handshake messages while it is under load
 * @endpoint: where we send to, and from which of our addresses
 * @endpoint_lock: guards @endpoint, @endpoint_cache_generation and resets
 *	of @endpoint_cache
 * @endpoint_cache: the route to @endpoint, per CPU
 * @endpoint_cache_generation: the device's route_generation that
 *	@endpoint_cache and our source in @endpoint were last made fresh for
 * @staged_packet_queue: packets waiting for a session
 * @transmit_handshake_work: sends an initiation in process context
 * @clear_peer_work: wipes the handshake and sessions when
 *	@timer_zero_key_material fires (the locks sleep)
 * @timer_retransmit_handshake: an initiation went unanswered: send again
 * @timer_send_keepalive: we received data and sent none: send a keepalive
 * @timer_new_handshake: we sent data and received none: hand-shake again
 * @timer_zero_key_material: no new session for a long time: wipe them all
 * @timer_persistent_keepalive: the keepalive the configuration asks for
 * @timer_handshake_attempts: initiations sent for the current handshake
 * @persistent_keepalive_interval: seconds, 0 for none; written under
 *	update_lock, read by the timers with READ_ONCE
 * @timer_need_another_keepalive: data arrived while a keepalive was due
 * @sent_lastminute_handshake: we initiated a rekey as the receiving
 *	session neared its end, once per session
 * @last_sent_handshake: boottime ns of our last initiation (rate limit)
 * @walltime_last_handshake: realtime of the last completed handshake
 * @walltime_lock: guards @walltime_last_handshake
 * @stats: its traffic and drop counters
 * @internal_id: unique, from one counter that only grows; a device's
 *	@peer_list is in ascending order of it, which netlink dumps resume by
 * @rx_load: whether its data messages are decrypted inline or elsewhere
 * @handshake_unanswered_since: jiffies (| 1) of the first initiation that
 *	is still unanswered, 0 when none
 * @unreachable_announced: bit 0: PEER_UNREACHABLE_NTF was sent for that
 *	series
 * @notify_bucket: the rate limit of its notifications in group "peers"
 * @refcount: see the head of this file
 * @rcu: the last reference frees the peer after a grace period
 * @is_dead: set once removal began; nothing new is started for it
 */
struct xtun_peer {
	struct xtun_device *device;
	struct list_head peer_list;
	struct hlist_node pubkey_hash;
	struct xtun_aip_peer allowedips;
	struct xtun_handshake handshake;
	struct xtun_keypairs keypairs;
	struct xtun_cookie latest_cookie;
	struct xtun_endpoint endpoint;
	rwlock_t endpoint_lock;
	struct dst_cache endpoint_cache;
	u32 endpoint_cache_generation;
	struct sk_buff_head staged_packet_queue;
	struct work_struct transmit_handshake_work;
	struct work_struct clear_peer_work;
	struct timer_list timer_retransmit_handshake;
	struct timer_list timer_send_keepalive;
	struct timer_list timer_new_handshake;
	struct timer_list timer_zero_key_material;
	struct timer_list timer_persistent_keepalive;
	unsigned int timer_handshake_attempts;
	unsigned long handshake_unanswered_since;
	unsigned long unreachable_announced;
	u16 persistent_keepalive_interval;
	bool timer_need_another_keepalive;
	bool sent_lastminute_handshake;
	atomic64_t last_sent_handshake;
	struct timespec64 walltime_last_handshake;
	spinlock_t walltime_lock;	/* guards walltime_last_handshake */
	struct xtun_peer_stats stats;
	struct xtun_rx_load rx_load;
	struct xtun_notify_bucket notify_bucket;
	struct kref refcount;
	struct rcu_head rcu;
	u64 internal_id;
	bool is_dead;
};

/* @n datagrams of @len bytes of UDP payload in all went to the peer. */
static inline void xtun_peer_link_tx(struct xtun_peer *peer, unsigned int n,
				     unsigned int len)
{
	atomic64_add(n, &peer->stats.link_tx_packets);
	atomic64_add(len, &peer->stats.link_tx_bytes);
}

/* A datagram of @len bytes of UDP payload was accepted from the peer. */
static inline void xtun_peer_link_rx(struct xtun_peer *peer, unsigned int len)
{
	atomic64_inc(&peer->stats.link_rx_packets);
	atomic64_add(len, &peer->stats.link_rx_bytes);
}

struct xtun_peer *xtun_peer_create(struct xtun_device *xtun,
				   const u8 public_key[XTUN_KEY_SIZE],
				   const u8 preshared_key[XTUN_KEY_SIZE]);
struct xtun_peer *__must_check xtun_peer_get_maybe_zero(struct xtun_peer *peer);
struct xtun_peer *xtun_peer_get(struct xtun_peer *peer);
void xtun_peer_put(struct xtun_peer *peer);
void xtun_peer_remove(struct xtun_peer *peer);
void xtun_peer_remove_begin(struct xtun_peer *peer, struct list_head *dead);
void xtun_peer_remove_finish(struct list_head *dead);
void xtun_peer_remove_all(struct xtun_device *xtun);
struct xtun_peer *xtun_peer_lookup(struct xtun_device *xtun,
				   const u8 public_key[XTUN_KEY_SIZE]);
u64 xtun_pubkey_hash(struct xtun_device *xtun,
		     const u8 public_key[XTUN_KEY_SIZE]);
struct xtun_peer *xtun_peer_lookup_by_id(struct xtun_device *xtun,
					 u64 key_hash, u64 id);

#endif /* _XTUN_PEER_H */
