// SPDX-License-Identifier: GPL-2.0
/*
 * The xtun net_device: a layer-3, point-to-point interface with no link-layer
 * header and no ARP, created with "ip link add NAME type xtun".  Its transmit
 * routine finds the peer that owns the destination and stages the packet on
 * it for encryption.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/suspend.h>
#include <net/dst_metadata.h>
#include <net/icmp.h>
#include <net/ip_tunnels.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "notify.h"
#include "peer.h"
#include "receive.h"
#include "rx_cells.h"
#include "send.h"
#include "socket.h"
#include "timers.h"

/* Every registered xtun device, in any namespace; under RTNL. */
static LIST_HEAD(xtun_device_list);

/*
 * Before suspend or hibernation, forget every session and handshake, so
 * that no key outlives the sleep in memory or in the hibernation image;
 * the peers hand-shake anew after resume.  A system that suspends as its
 * normal way of idling (autosleep) would lose its sessions all the time,
 * so it keeps them.
 */
static int xtun_pm_notification(struct notifier_block *nb,
				unsigned long action, void *data)
{
	struct xtun_device *xtun;
	struct xtun_peer *peer;

	if (IS_ENABLED(CONFIG_PM_AUTOSLEEP) ||
	    IS_ENABLED(CONFIG_PM_USERSPACE_AUTOSLEEP))
		return NOTIFY_DONE;
	if (action != PM_HIBERNATION_PREPARE && action != PM_SUSPEND_PREPARE)
		return NOTIFY_DONE;

	rtnl_lock();
	list_for_each_entry(xtun, &xtun_device_list, device_list) {
		xtun_device_lock(xtun);
		list_for_each_entry(peer, &xtun->peer_list, peer_list) {
			timer_delete(&peer->timer_zero_key_material);
			xtun_noise_handshake_clear(&peer->handshake);
			if (xtun_noise_keypairs_clear(&peer->keypairs))
				xtun_notify_peers_peer(peer,
						       XTUN_CMD_SESSION_EXPIRE_NTF);
		}
		mutex_unlock(&xtun->update_lock);
	}
	rtnl_unlock();
	/* Cleared keypairs are wiped by RCU callbacks: let them run now. */
	rcu_barrier();
	return NOTIFY_DONE;
}

static struct notifier_block xtun_pm_notifier = {
	.notifier_call = xtun_pm_notification,
};

/*
 * The VM was restored from a snapshot or cloned: another copy of it may
 * send with the same keys and counters, which reuses nonces.  Stop
 * sending with every current session; the next packet hand-shakes with
 * fresh ephemeral keys, as the RNG has been reseeded before this runs.
 */
static int xtun_vm_notification(struct notifier_block *nb,
				unsigned long action, void *data)
{
	struct xtun_device *xtun;
	struct xtun_peer *peer;

	rtnl_lock();
	list_for_each_entry(xtun, &xtun_device_list, device_list) {
		xtun_device_lock(xtun);
		list_for_each_entry(peer, &xtun->peer_list, peer_list)
			if (xtun_noise_expire_current_peer_keypairs(peer))
				xtun_notify_peers_peer(peer,
						       XTUN_CMD_SESSION_EXPIRE_NTF);
		mutex_unlock(&xtun->update_lock);
	}
	rtnl_unlock();
	return NOTIFY_DONE;
}

static struct notifier_block xtun_vm_notifier = {
	.notifier_call = xtun_vm_notification,
};

#ifdef XTUN_DEBUG
/*
 * The debug build runs the notifiers on demand, for the selftests (a
 * guest can neither be forked nor suspended in the middle of a test):
 * write "suspend" or "vmfork" to /sys/module/xtun/parameters/run_notifier.
 */
static int xtun_run_notifier_set(const char *val,
				 const struct kernel_param *kp)
{
	if (sysfs_streq(val, "suspend"))
		xtun_pm_notification(&xtun_pm_notifier, PM_SUSPEND_PREPARE,
				     NULL);
	else if (sysfs_streq(val, "vmfork"))
		xtun_vm_notification(&xtun_vm_notifier, 0, NULL);
	else
		return -EINVAL;
	return 0;
}

static const struct kernel_param_ops xtun_run_notifier_ops = {
	.set = xtun_run_notifier_set,
};
module_param_cb(run_notifier, &xtun_run_notifier_ops, NULL, 0200);
MODULE_PARM_DESC(run_notifier, "debug build: run the \"suspend\" or \"vmfork\" notifier");

/*
 * The debug build counts the grace periods the module waits for while
 * RTNL is held (by anyone: the selftests that read it run nothing else),
 * so that a selftest can check what a device costs the host's other
 * links.  Read /sys/module/xtun/parameters/rtnl_grace_periods.
 */
static atomic_t xtun_rtnl_grace_periods = ATOMIC_INIT(0);

static int xtun_rtnl_grace_periods_get(char *buffer,
				       const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%d\n",
			  atomic_read(&xtun_rtnl_grace_periods));
}

static const struct kernel_param_ops xtun_rtnl_grace_periods_ops = {
	.get = xtun_rtnl_grace_periods_get,
};
module_param_cb(rtnl_grace_periods, &xtun_rtnl_grace_periods_ops, NULL,
		0444);
MODULE_PARM_DESC(rtnl_grace_periods,
		 "debug build: grace periods waited for under RTNL");

static void xtun_count_grace_period(void)
{
	if (rtnl_is_locked())
		atomic_inc(&xtun_rtnl_grace_periods);
}

/*
 * It also counts the peers whose cached routes were released on every
 * CPU (the exit of the namespace a device was created in), in
 * route_drops, and of those the ones released by a thread that held
 * RTNL, in rtnl_route_drops: O(peers x CPUs) work that must not stall
 * the host's other links.  Lockdep knows who holds RTNL; without it,
 * anyone holding it counts.
 */
static atomic_t xtun_route_drops = ATOMIC_INIT(0);
static atomic_t xtun_rtnl_route_drops = ATOMIC_INIT(0);

static int xtun_counter_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%d\n", atomic_read(kp->arg));
}

static const struct kernel_param_ops xtun_counter_ops = {
	.get = xtun_counter_get,
};
module_param_cb(route_drops, &xtun_counter_ops, &xtun_route_drops, 0444);
MODULE_PARM_DESC(route_drops,
		 "debug build: peers whose cached routes were released on every CPU");
module_param_cb(rtnl_route_drops, &xtun_counter_ops, &xtun_rtnl_route_drops,
		0444);
MODULE_PARM_DESC(rtnl_route_drops,
		 "debug build: of route_drops, those done while holding RTNL");

void xtun_device_count_route_drop(void)
{
	bool rtnl = IS_ENABLED(CONFIG_PROVE_LOCKING) ? lockdep_rtnl_is_held() :
						       rtnl_is_locked();

	atomic_inc(&xtun_route_drops);
	if (rtnl)
		atomic_inc(&xtun_rtnl_route_drops);
}
#else
static void xtun_count_grace_period(void) { }
void xtun_device_count_route_drop(void) { }
#endif

/* Every grace period the module waits for goes through here. */
void xtun_device_synchronize_net(void)
{
	xtun_count_grace_period();
	synchronize_net();
}

/*
 * Bind the sockets for ndo_open.  A device told to pick its port keeps the
 * one it got the first time: its peers know us by it.  Only when another
 * socket took that port while we were down does it pick again.
 */
static int xtun_open_sockets(struct xtun_device *xtun)
{
	u16 port = xtun->listen_port ?: xtun->chosen_port;
	int ret;

	lockdep_assert_held(&xtun->update_lock);

	ret = xtun_socket_init(xtun, port);
	if (ret == -EADDRINUSE && !xtun->listen_port && port) {
		netdev_info(xtun->dev,
			    "UDP port %u was taken while the device was down; picking another\n",
			    port);
		ret = xtun_socket_init(xtun, 0);
	}
	if (!ret && !xtun->listen_port)
		xtun->chosen_port = xtun->incoming_port;
	return ret;
}

static int xtun_open(struct net_device *dev)
{
	struct xtun_device *xtun = netdev_priv(dev);
	struct xtun_peer *peer;
	int ret;

	xtun_device_lock(xtun);
	ret = xtun_open_sockets(xtun);
	if (ret)
		goto out;
	list_for_each_entry(peer, &xtun->peer_list, peer_list) {
		xtun_send_staged_packets(peer);
		if (peer->persistent_keepalive_interval)
			xtun_send_keepalive(peer);
	}
out:
	mutex_unlock(&xtun->update_lock);
	return ret;
}

/*
 * Our keys with @peer: the sessions (freed, and so wiped, after a grace
 * period) and the handshake state.  Without sockets nothing makes new
 * sessions; a timer may start a handshake, which the next reset or the
 * peer's removal wipes.  Takes no lock that waits for anything but
 * itself, so that a stop may do it for many peers under RTNL.
 */
static void xtun_peer_wipe_sessions(struct xtun_peer *peer)
{
	xtun_noise_keypairs_clear(&peer->keypairs);
	xtun_noise_handshake_clear(&peer->handshake);
}

/*
 * Forget every session of @peer; it hand-shakes anew when used.  Its
 * cached route and our source address it last reached us at are stale
 * too (the device may come up in another namespace, as a namespace move
 * closes it first, or with other addresses), but closing the sockets
 * made them so for every peer at once (route_generation): the next send
 * refreshes them, without a walk over each peer's per-CPU cache here.
 */
static void xtun_peer_reset(struct xtun_peer *peer)
{
	xtun_timers_stop(peer);
	flush_work(&peer->transmit_handshake_work);
	xtun_peer_wipe_sessions(peer);
	xtun_send_purge_staged_packets(peer);
	xtun_reset_last_sent_handshake(&peer->last_sent_handshake);
}

static int xtun_stop(struct net_device *dev)
{
	struct xtun_device *xtun = netdev_priv(dev);
	struct xtun_peer *peer;

	xtun_device_lock(xtun);
	/*
	 * Close the sockets first, so that no handshake message is queued any
	 * more, then stop the worker that consumes the queued ones, and only
	 * then reset the peers: a response the worker sent after the reset
	 * would install a fresh session on a device that is down.  The worker
	 * never takes update_lock, so it can be waited for here.
	 */
	xtun_socket_reinit(xtun, NULL, NULL);
	cancel_work_sync(&xtun->handshake_work);
	skb_queue_purge(&xtun->handshake_queue);
	/*
	 * A device being deleted loses its peers in xtun_dev_destruct(),
	 * after RTNL is released: resetting them one by one here, waiting for
	 * their timers and work, would hold RTNL for as long as there are
	 * peers.  Their keys, however, go now, as at any stop: the
	 * destructor may run much later, when the last reference goes.
	 */
	list_for_each_entry(peer, &xtun->peer_list, peer_list) {
		if (dev->dismantle)
			xtun_peer_wipe_sessions(peer);
		else
			xtun_peer_reset(peer);
	}
	mutex_unlock(&xtun->update_lock);
	return 0;
}

static int xtun_dev_init(struct net_device *dev)
{
	struct xtun_device *xtun = netdev_priv(dev);
	int ret;

	ret = xtun_dev_alloc_tstats(dev);
	if (ret)
		return ret;

	xtun->index_table = xtun_index_table_alloc();
	if (!xtun->index_table) {
		ret = -ENOMEM;
		goto err_free_tstats;
	}

	ret = xtun_rx_cells_init(xtun);
	if (ret)
		goto err_free_index_table;
	ASSERT_RTNL();
	list_add(&xtun->device_list, &xtun_device_list);
	return 0;

err_free_index_table:
	kvfree(xtun->index_table);
	xtun->index_table = NULL;
err_free_tstats:
	xtun_dev_free_tstats(dev);
	return ret;
}

/*
 * Unregistration, under RTNL: the device is down.  Cut it off from
 * everything that could still change it or feed it: netlink (dead), the
 * network (the sockets) and queued handshakes.  Its peers, however many,
 * go in xtun_dev_destruct(), without RTNL.
 */
static void xtun_dev_uninit(struct net_device *dev)
{
	struct xtun_device *xtun = netdev_priv(dev);

	ASSERT_RTNL();
	list_del(&xtun->device_list);
	xtun_device_lock(xtun);
	/*
	 * A netlink request may hold a reference and wait for the lock:
	 * whatever it added after this point would never be freed.
	 */
	xtun->dead = true;
	xtun_socket_reinit(xtun, NULL, NULL);
	mutex_unlock(&xtun->update_lock);

	cancel_work_sync(&xtun->handshake_work);
	skb_queue_purge(&xtun->handshake_queue);
}

/* Tell the sender its packet went nowhere, the way a router would. */
static void xtun_xmit_unreachable(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else if (skb->protocol == htons(ETH_P_IPV6))
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
}

static bool xtun_xmit_protocol_ok(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return pskb_network_may_pull(skb, sizeof(struct iphdr)) &&
		       ip_hdr(skb)->version == 4;
	if (skb->protocol == htons(ETH_P_IPV6))
		return pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) &&
		       ipv6_hdr(skb)->version == 6;
	return false;
}

static bool xtun_peer_has_endpoint(struct xtun_peer *peer)
{
	sa_family_t family;

	read_lock_bh(&peer->endpoint_lock);
	family = peer->endpoint.addr.sa_family;
	read_unlock_bh(&peer->endpoint_lock);
	return family == AF_INET || family == AF_INET6;
}

/*
 * Segment GSO packets; the result is a list of skbs, or NULL.  The
 * segments keep referring to the packet's pages and leave their checksums
 * partial: the send path copies each payload once, completing the
 * checksum as it goes (send_gso.c), or does both on the one-by-one path.
 */
static struct sk_buff *xtun_xmit_segments(struct sk_buff *skb)
{
	struct sk_buff *segs;

	if (!skb_is_gso(skb)) {
		skb_mark_not_on_list(skb);
		return skb;
	}
	segs = skb_gso_segment(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	if (IS_ERR_OR_NULL(segs))
		return NULL;
	consume_skb(skb);
	return segs;
}

/* Add @packets to the peer's queue, dropping the oldest beyond its bound. */
static void xtun_stage_packets(struct xtun_peer *peer,
			       struct sk_buff_head *packets)
{
	struct sk_buff_head *staged = &peer->staged_packet_queue;
	unsigned int dropped = 0;

	spin_lock_bh(&staged->lock);
	skb_queue_splice_tail(packets, staged);
	while (skb_queue_len(staged) > XTUN_MAX_STAGED_PACKETS) {
		kfree_skb(__skb_dequeue(staged));
		dropped++;
	}
	spin_unlock_bh(&staged->lock);

	if (unlikely(dropped)) {
		atomic64_add(dropped, &peer->stats.drop_no_session);
		DEV_STATS_ADD(peer->device->dev, tx_dropped, dropped);
	}
}

static netdev_tx_t xtun_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xtun_device *xtun = netdev_priv(dev);
	struct sk_buff *segs, *next;
	struct sk_buff_head packets;
	struct xtun_peer *peer;
	unsigned int mtu;

	if (unlikely(!xtun_xmit_protocol_ok(skb))) {
		DEV_STATS_INC(dev, tx_errors);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}

	peer = xtun_allowedips_lookup_dst(&xtun->allowedips, skb);
	if (unlikely(!peer || !xtun_peer_has_endpoint(peer))) {
		/* No peer can take this packet: drop it, count it, say so. */
		DEV_STATS_INC(dev, tx_dropped);
		xtun_xmit_unreachable(skb);
		goto err_put_peer;
	}

	mtu = skb_valid_dst(skb) ? dst_mtu(skb_dst(skb)) : dev->mtu;
	segs = xtun_xmit_segments(skb);
	if (unlikely(!segs)) {
		DEV_STATS_INC(dev, tx_errors);
		goto err_put_peer;
	}

	__skb_queue_head_init(&packets);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		skb = skb_share_check(skb, GFP_ATOMIC);
		if (unlikely(!skb))
			continue;
		XTUN_SKB_CB(skb)->mtu = mtu;
		XTUN_SKB_CB(skb)->ds = ip_tunnel_ecn_encap(0, ip_hdr(skb), skb);
		/* The route was only needed for ICMP errors. */
		skb_dst_drop(skb);
		__skb_queue_tail(&packets, skb);
	}

	xtun_stage_packets(peer, &packets);
	xtun_send_staged_packets(peer);
	xtun_peer_put(peer);
	return NETDEV_TX_OK;

err_put_peer:
	xtun_peer_put(peer);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops xtun_netdev_ops = {
	.ndo_init		= xtun_dev_init,
	.ndo_uninit		= xtun_dev_uninit,
	.ndo_open		= xtun_open,
	.ndo_stop		= xtun_stop,
	.ndo_start_xmit		= xtun_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

/* Runs after unregistration, once the last reference to the device is gone. */
/*
 * The device's last reference is gone: netdev_run_todo() calls this after
 * unregistration, with RTNL released, so that removing every peer (one
 * grace period, then each peer's timers and sessions) does not stall the
 * host's other links, however many peers there are.  Nothing reaches the
 * peers any more: no socket, no netlink request (the device is dead and
 * unreferenced).  Their timers may have run since the uninit, but without
 * sockets they sent nothing.  Also the error path of a registration that
 * failed after ndo_init, where there are no peers.
 */
static void xtun_dev_destruct(struct net_device *dev)
{
	struct xtun_device *xtun = netdev_priv(dev);

	mutex_lock(&xtun->update_lock);
	xtun_peer_remove_all(xtun);
	xtun_allowedips_free(&xtun->allowedips);
	mutex_unlock(&xtun->update_lock);
	xtun_rx_cells_destroy(xtun);

	memzero_explicit(&xtun->static_identity.static_private, XTUN_KEY_SIZE);
	memzero_explicit(&xtun->cookie_checker.secret, XTUN_HASH_SIZE);
	kvfree(xtun->index_table);
	mutex_destroy(&xtun->update_lock);
	mutex_destroy(&xtun->config_lock);
	xtun_dev_free_tstats(dev);
}

static void xtun_setup(struct net_device *dev)
{
	const netdev_features_t features = NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
					   NETIF_F_SG | NETIF_F_GSO |
					   NETIF_F_GSO_SOFTWARE |
					   NETIF_F_HIGHDMA;
	struct xtun_device *xtun = netdev_priv(dev);

	dev->netdev_ops = &xtun_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = XTUN_SKB_HEADROOM;
	dev->needed_tailroom = XTUN_PADDING_MAX + XTUN_AUTHTAG_LEN;
	dev->mtu = XTUN_DEFAULT_MTU;
	dev->min_mtu = XTUN_MIN_MTU;
	dev->max_mtu = XTUN_MAX_MTU;
	dev->features |= features;
	dev->hw_features |= features;
	dev->hw_enc_features |= features;
	dev->needs_free_netdev = true;
	dev->priv_destructor = xtun_dev_destruct;
	xtun_dev_set_lltx(dev);
	xtun_dev_setup_tstats(dev);
	netif_keep_dst(dev);

	xtun->dev = dev;
	mutex_init(&xtun->config_lock);
	mutex_init(&xtun->update_lock);
	INIT_LIST_HEAD(&xtun->dead_peers);
	INIT_LIST_HEAD(&xtun->peer_list);
	hash_init(xtun->peer_hashtable);
	get_random_bytes(&xtun->peer_hash_key, sizeof(xtun->peer_hash_key));
	init_rwsem(&xtun->static_identity.lock);
	xtun_cookie_checker_init(&xtun->cookie_checker, xtun);
	xtun_allowedips_init(&xtun->allowedips, &xtun->update_lock);
	skb_queue_head_init(&xtun->handshake_queue);
	INIT_WORK(&xtun->handshake_work, xtun_receive_handshake_work);
}

static int xtun_validate(struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS] || tb[IFLA_BROADCAST]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "xtun devices have no link-layer address");
		return -EINVAL;
	}
	return 0;
}

/*
 * @src_net is the namespace of the request, whatever namespace the device
 * is created in ("ip link add ... netns B" from A): the sockets live in A.
 */
static int xtun_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	struct xtun_device *xtun = netdev_priv(dev);

	rcu_assign_pointer(xtun->creating_net, src_net);
	return register_netdevice(dev);
}

static size_t xtun_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u16)) +	/* IFLA_XTUN_LISTEN_PORT */
	       nla_total_size(sizeof(u32)) +	/* IFLA_XTUN_FWMARK */
	       nla_total_size(sizeof(u32));	/* IFLA_XTUN_PEERS */
}

/*
 * What "ip -d link show" is given.  Under RTNL but not update_lock, so a
 * snapshot: each value as it was at some point during the call.
 */
static int xtun_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct xtun_device *xtun = netdev_priv(dev);
	u16 port = READ_ONCE(xtun->incoming_port) ?:
		   READ_ONCE(xtun->listen_port) ?: READ_ONCE(xtun->chosen_port);

	if (nla_put_u16(skb, IFLA_XTUN_LISTEN_PORT, port) ||
	    nla_put_u32(skb, IFLA_XTUN_FWMARK, READ_ONCE(xtun->fwmark)) ||
	    nla_put_u32(skb, IFLA_XTUN_PEERS, READ_ONCE(xtun->num_peers)))
		return -EMSGSIZE;
	return 0;
}

struct rtnl_link_ops xtun_link_ops __read_mostly = {
	.kind		= XTUN_LINK_KIND,
	.priv_size	= sizeof(struct xtun_device),
	.setup		= xtun_setup,
	.validate	= xtun_validate,
	.newlink	= xtun_newlink,
	.get_size	= xtun_get_size,
	.fill_info	= xtun_fill_info,
};

/*
 * The namespace the sockets go in, with a reference the caller puts, or
 * NULL once it began to exit.
 */
struct net *xtun_device_get_creating_net(struct xtun_device *xtun)
{
	struct net *net;

	rcu_read_lock();
	net = rcu_dereference(xtun->creating_net);
	net = net ? maybe_get_net(net) : NULL;
	rcu_read_unlock();
	return net;
}

/*
 * update_lock for the RTNL side: ndo_open, ndo_stop, ndo_uninit and the
 * notifiers.  Saying so first makes a request that holds the lock give it
 * up at its next xtun_device_relax(), so RTNL waits for one peer's worth
 * of a request, never for the whole of it.
 */
void xtun_device_lock(struct xtun_device *xtun)
{
	ASSERT_RTNL();
	atomic_inc(&xtun->update_waiters);
	mutex_lock(&xtun->update_lock);
	if (atomic_dec_and_test(&xtun->update_waiters))
		wake_up_var(&xtun->update_waiters);
}

/* Both locks of a netlink request or a dump message, in their order. */
void xtun_device_lock_config(struct xtun_device *xtun)
{
	mutex_lock(&xtun->config_lock);
	mutex_lock(&xtun->update_lock);
}

/*
 * The end of a request: the peers it removed are finished once
 * update_lock is released, so that the RTNL side does not wait for their
 * grace period and timers.  config_lock is still held: the next request
 * finds them finished, as it would have before.
 */
void xtun_device_unlock_config(struct xtun_device *xtun)
{
	LIST_HEAD(dead);

	list_splice_init(&xtun->dead_peers, &dead);
	mutex_unlock(&xtun->update_lock);
	xtun_peer_remove_finish(&dead);
	mutex_unlock(&xtun->config_lock);
}

/*
 * Between two peers of a request's loop: if the RTNL side waits for
 * update_lock, let it have it and take it back after.  What the RTNL side
 * changes meanwhile (sockets, sessions, @dead) the loops do not depend on;
 * the peer list they walk stays, as only requests, which config_lock
 * keeps out, add or remove peers.
 */
void xtun_device_relax(struct xtun_device *xtun)
{
	lockdep_assert_held(&xtun->config_lock);
	lockdep_assert_held(&xtun->update_lock);

	if (likely(!atomic_read(&xtun->update_waiters))) {
		cond_resched();
		return;
	}
	mutex_unlock(&xtun->update_lock);
	wait_var_event(&xtun->update_waiters,
		       !atomic_read(&xtun->update_waiters));
	mutex_lock(&xtun->update_lock);
}

/*
 * Release every peer's cached routes of a device whose creating namespace
 * exits (xtun_net_pre_exit()), on every CPU: O(peers x CPUs), so without
 * RTNL.  config_lock keeps the peer list whole, so update_lock can be
 * handed to the RTNL side between peers (xtun_device_relax()): an
 * ndo_stop or a namespace move of the device waits for one peer, never
 * for the walk.  No route can be cached again: the sockets are gone and
 * no new ones can be opened.
 */
static void xtun_device_drop_routes(struct xtun_device *xtun)
{
	struct xtun_peer *peer;

	xtun_device_lock_config(xtun);
	list_for_each_entry(peer, &xtun->peer_list, peer_list) {
		xtun_socket_drop_peer_routes(peer);
		xtun_device_relax(xtun);
	}
	xtun_device_unlock_config(xtun);
}

/*
 * A namespace exits: devices created from it, wherever they live now,
 * lose their sockets and cannot open new ones; they stay, and send
 * nothing.  Holding a reference to the namespace instead would keep it
 * (and everything in it) alive for as long as the device lives in a
 * container.  Its own devices go on afterwards, as every device does.
 *
 * Under RTNL only what is O(1) per device: the sockets close, which
 * makes every peer's cached route stale (route_generation).  Stale is
 * not enough, though: the routes hold that namespace's devices, and an
 * IPv6 route its per-namespace dst_ops, and a device without sockets
 * never sends again to drop them lazily.  So each peer's routes are
 * released on every CPU, but after RTNL is released, still here and not
 * in a work item: pre_exit runs in the namespace's cleanup, without
 * RTNL, before the grace period that precedes the exit methods, which
 * unregister the namespace's devices (their unregistration then waits
 * for no route of ours; the kernel would move a route's device to
 * blackhole_netdev anyway, dst_dev_put(), but not free the route) and
 * free its IPv6 routing state.  Doing it here orders it before all
 * that without anything to flush.  A reference keeps the device, and
 * so its peers (freed by its destructor), across the walk; should the
 * device be deleted meanwhile, its unregistration waits for one walk.
 */
static void __net_exit xtun_net_pre_exit(struct net *net)
{
	struct xtun_device *xtun, *next;
	LIST_HEAD(exiting);

	rtnl_lock();
	list_for_each_entry(xtun, &xtun_device_list, device_list) {
		if (rcu_access_pointer(xtun->creating_net) != net)
			continue;
		xtun_device_lock(xtun);
		RCU_INIT_POINTER(xtun->creating_net, NULL);
		xtun_socket_reinit(xtun, NULL, NULL);
		mutex_unlock(&xtun->update_lock);
		netif_carrier_off(xtun->dev);
		dev_hold(xtun->dev);
		list_add_tail(&xtun->exit_list, &exiting);
	}
	rtnl_unlock();

	list_for_each_entry_safe(xtun, next, &exiting, exit_list) {
		list_del(&xtun->exit_list);
		xtun_device_drop_routes(xtun);
		dev_put(xtun->dev);
	}
}

static struct pernet_operations xtun_net_ops = {
	.pre_exit = xtun_net_pre_exit,
};

int __init xtun_device_init(void)
{
	int ret;

	ret = register_pm_notifier(&xtun_pm_notifier);
	if (ret)
		return ret;

	/* A stub that does nothing on kernels without CONFIG_VMGENID. */
	ret = register_random_vmfork_notifier(&xtun_vm_notifier);
	if (ret)
		goto err_unregister_pm;

	ret = register_pernet_device(&xtun_net_ops);
	if (ret)
		goto err_unregister_vm;

	ret = rtnl_link_register(&xtun_link_ops);
	if (ret)
		goto err_unregister_pernet;
	return 0;

err_unregister_pernet:
	unregister_pernet_device(&xtun_net_ops);
err_unregister_vm:
	unregister_random_vmfork_notifier(&xtun_vm_notifier);
err_unregister_pm:
	unregister_pm_notifier(&xtun_pm_notifier);
	return ret;
}

/* Deletes every xtun device in every namespace. */
void xtun_device_uninit(void)
{
	rtnl_link_unregister(&xtun_link_ops);
	unregister_pernet_device(&xtun_net_ops);
	unregister_random_vmfork_notifier(&xtun_vm_notifier);
	unregister_pm_notifier(&xtun_pm_notifier);
}
