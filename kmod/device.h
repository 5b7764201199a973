/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUN_DEVICE_H
#define _XTUN_DEVICE_H

#include <linux/hashtable.h>
#include <linux/ipv6.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/siphash.h>
#include <linux/udp.h>
#include <linux/workqueue.h>

#include "allowedips.h"
#include "cookie.h"
#include "index.h"
#include "noise.h"

#define XTUN_LINK_KIND		"xtun"

struct xtun_rx_cells;

/* What encapsulation adds to an inner packet, WireGuard's data message format. */
#define XTUN_DATA_HEADER_LEN	16	/* type, receiver index, 64-bit counter */
#define XTUN_AUTHTAG_LEN	16	/* Poly1305 tag */
#define XTUN_PADDING_MAX	15	/* plaintext is padded to 16 bytes */
#define XTUN_OUTER_HEADER_MAX	(sizeof(struct ipv6hdr) + sizeof(struct udphdr))
#define XTUN_OVERHEAD_MAX	(XTUN_OUTER_HEADER_MAX + XTUN_DATA_HEADER_LEN + \
				 XTUN_AUTHTAG_LEN)

/* Room in front of a packet for our header and every outer header. */
#define XTUN_SKB_HEADROOM	ALIGN(LL_MAX_HEADER + XTUN_OUTER_HEADER_MAX + \
				      XTUN_DATA_HEADER_LEN, 16)

/* The default MTU keeps a 1500-byte path unfragmented for either outer family. */
#define XTUN_DEFAULT_MTU	(ETH_DATA_LEN - XTUN_OVERHEAD_MAX)
#define XTUN_MIN_MTU		68	/* RFC 791: every IPv4 host takes 68 */
#define XTUN_MAX_MTU		(IP_MAX_MTU - XTUN_OVERHEAD_MAX)

/*
 * Lock order: a lock on a line may be taken while holding one on a line
 * above it, never the other way round.
 *
 *   RTNL  or  xtun_device.config_lock	(ndo_open, ndo_stop, ndo_uninit and
 *					 the notifiers; or a netlink request,
 *					 or a creating namespace's exit
 *					 releasing the peers' routes)
 *   xtun_device.update_lock		(what the two sides share; mutex)
 *   xtun_static_identity.lock		(our private key; rwsem)
 *   xtun_handshake.lock		(a peer's handshake; rwsem)
 *   xtun_keypairs.keypair_update_lock	(a peer's session slots; BH)
 *   xtun_index_table.lock		(receiver indices; BH)
 *
 * RTNL and config_lock are never held together: no netlink request takes
 * RTNL, and nothing under RTNL takes config_lock (xtun_net_pre_exit()
 * releases RTNL before it walks the peers under config_lock).  So what RTNL can wait
 * for is update_lock alone, and a request holds that only in bounded
 * stretches: its loops over the peers (a new private key's X25519 for
 * each, REPLACE_PEERS, a batch) call xtun_device_relax() between peers,
 * which hands update_lock to an RTNL-side waiter (xtun_device_lock()) and
 * takes it back after.  config_lock keeps the request's own view whole
 * meanwhile: the RTNL side neither adds nor removes peers.  Removed peers
 * are finished (a grace period, their timers) with update_lock released.
 *
 * Handshake work takes the identity and handshake locks and what is below
 * them; the data path only the last two.  Every other lock is a leaf,
 * taken with nothing of ours inside it: a peer's endpoint_lock (held
 * across a route lookup), its cookie's and the cookie checker's locks,
 * walltime_lock, the staged and handshake queues' locks, a replay
 * window's lock and the rx cells' queue locks.  The rate limiter's table
 * lock nests its buckets' locks and no other.
 */

/**
 * struct xtun_device - private part of an xtun net_device
 * @dev: the net_device this is embedded in
 * @config_lock: serialises the netlink requests on the device: changes
 *	and each message of a dump.  Held across a whole request, with
 *	@update_lock inside it; never under RTNL
 * @update_lock: guards @peer_list, @peer_hashtable, @num_peers,
 *	@listen_port, @fwmark, @generation, @dead and the writers of
 *	@allowedips and of the sockets.  Writers hold @config_lock too,
 *	except on the RTNL side, which takes this one alone and only
 *	changes the sockets, @dead and the peers' sessions.  The data path
 *	never takes it; it uses RCU.
 * @update_waiters: RTNL-side callers waiting for @update_lock, to which a
 *	request's loops give it up (see the lock order above)
 * @dead_peers: peers a request took out of the device, finished when it
 *	lets go of @update_lock; under @config_lock
 * @peer_list: every peer, in ascending order of internal_id
 * @peer_hashtable: every peer, by public key
 * @peer_hash_key: random key of @peer_hashtable's hash: public keys are
 *	anyone's choice, and unkeyed they could all be made to collide
 * @num_peers: how many peers @peer_list holds (bounded)
 * @static_identity: our key pair
 * @cookie_checker: the keys of the cookies we hand out under load
 * @index_table: our receiver indices: handshakes and sessions by index
 * @allowedips: which peer each inner address belongs to
 * @sock4: the IPv4 UDP socket, present exactly while the device is up
 *	(from ndo_open to ndo_stop, under @update_lock), so it, and not
 *	netif_running(), tells configuration whether there is a port to move
 * @sock6: the IPv6 one, likewise, unless the namespace has no IPv6
 * @creating_net: the namespace the device was created from, where its
 *	sockets live wherever the device moves (a container's only network
 *	can be the tunnel, carried by the host's); no reference is held, so
 *	that namespace can exit meanwhile: xtun_net_pre_exit() then clears
 *	this (NULL: no sockets can be opened any more) and closes the sockets.
 *	Written under RTNL and @update_lock, read under RCU.
 * @listen_port: the port configured; 0 lets the kernel pick one
 * @incoming_port: the port the sockets are bound to, 0 while down
 * @chosen_port: with @listen_port 0, the port the kernel picked the first
 *	time the device went up, bound again on every later up so that peers
 *	keep reaching us; 0 when none was picked yet
 * @fwmark: the mark of our outer packets, for policy routing; written
 *	under @update_lock with WRITE_ONCE(), read by senders with READ_ONCE()
 * @generation: counts configuration changes, so that a dump split over
 *	several messages can tell it saw one state
 * @route_generation: counts changes that make every peer's cached route
 *	and remembered source stale: new sockets (up, down, a namespace
 *	move, a new port) and a new @fwmark.  Bumped under @update_lock
 *	with smp_store_release(), after what changed; a sender compares it
 *	with its peer's and refreshes the peer's cache when they differ
 *	(socket.c), so that none of these changes walks the peers' per-CPU
 *	caches
 * @handshake_queue: received handshake messages, processed by
 *	@handshake_work in process context because they cost Curve25519
 * @handshake_work: processes @handshake_queue
 * @last_under_load: jiffies when the queue was last long; for a second
 *	after that, handshakes must carry a cookie (mac2)
 * @rx_cells: per-CPU queues and NAPI instances that hand received packets
 *	to the stack through GRO; each queue has its own lock (receive.c)
 * @device_list: entry in the list of every xtun device, under RTNL, for
 *	the suspend and VM-fork notifiers
 * @exit_list: entry in xtun_net_pre_exit()'s list of the devices whose
 *	peers' cached routes it releases after RTNL, with a reference held
 * @dead: set by ndo_uninit, which closed the sockets for the last time:
 *	configuration must not open new ones
 */
struct xtun_device {
	struct net_device *dev;
	struct mutex config_lock;	/* see above */
	struct mutex update_lock;	/* see above */
	atomic_t update_waiters;
	struct list_head dead_peers;
	struct list_head peer_list;
	DECLARE_HASHTABLE(peer_hashtable, 11);
	siphash_key_t peer_hash_key;
	unsigned int num_peers;
	struct xtun_static_identity static_identity;
	struct xtun_cookie_checker cookie_checker;
	struct xtun_index_table *index_table;
	struct xtun_allowedips allowedips;
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;
	struct net __rcu *creating_net;
	u16 listen_port;
	u16 incoming_port;
	u16 chosen_port;
	u32 fwmark;
	u32 generation;
	u32 route_generation;
	struct sk_buff_head handshake_queue;
	struct work_struct handshake_work;
	unsigned long last_under_load;
	struct xtun_rx_cells *rx_cells;
	struct list_head device_list;
	struct list_head exit_list;
	bool dead;
};

/* What the data path keeps in skb->cb while a packet is ours. */
struct xtun_skb_cb {
	u64 nonce;
	u32 mtu;	/* of the inner route: padding never exceeds it */
	u8 ds;		/* outer DS field: the inner packet's ECN bits */
};

#define XTUN_SKB_CB(skb) ((struct xtun_skb_cb *)(skb)->cb)

extern struct rtnl_link_ops xtun_link_ops;

static inline bool xtun_is_xtun_dev(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &xtun_link_ops;
}

struct net *xtun_device_get_creating_net(struct xtun_device *xtun);
void xtun_device_lock(struct xtun_device *xtun);
void xtun_device_lock_config(struct xtun_device *xtun);
void xtun_device_unlock_config(struct xtun_device *xtun);
void xtun_device_relax(struct xtun_device *xtun);
void xtun_device_synchronize_net(void);
void xtun_device_count_route_drop(void);

int xtun_device_init(void);
void xtun_device_uninit(void);

#endif /* _XTUN_DEVICE_H */
