// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications of the "xtun" family: what configuration changed (group
 * "config") and what the peers' traffic did (group "peers"), multicast to
 * the listeners of the device's own network namespace.  The messages and
 * their rules are documented in uapi/linux/xtun.h and the family's spec.
 *
 * A notification is built only when the group has a listener in the
 * namespace.  Each group of each namespace has a token bucket, refilled at
 * notify_rate tokens a second and holding as many: peers that hand-shake
 * in a loop, or a setconf of 100,000 peers, cost a listener at most that
 * many messages a second, and the next message sent says how many were
 * held back, so that the listener knows to dump.
 */

#include <linux/moduleparam.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "device.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "notify.h"
#include "peer.h"

static unsigned int notify_rate __read_mostly = 1000;
module_param(notify_rate, uint, 0644);
MODULE_PARM_DESC(notify_rate,
		 "notifications a second per group and network namespace (0: none)");

/*
 * GENL_MCAST_CAP_NET_ADMIN: joining takes CAP_NET_ADMIN in the user
 * namespace owning the network namespace, like GENL_UNS_ADMIN_PERM for
 * the commands; the messages go to that network namespace only.
 */
const struct genl_multicast_group xtun_notify_groups[2] = {
	[XTUN_NLGRP_CONFIG] = { .name = XTUN_MCGRP_CONFIG,
				.flags = GENL_MCAST_CAP_NET_ADMIN, },
	[XTUN_NLGRP_PEERS] = { .name = XTUN_MCGRP_PEERS,
			       .flags = GENL_MCAST_CAP_NET_ADMIN, },
};

struct xtun_notify_bucket {
	spinlock_t lock;	/* guards the rest */
	unsigned long stamp;	/* jiffies of the last refill */
	u32 tokens;
	u32 missed;		/* held back since the last one sent */
};

struct xtun_notify_net {
	struct xtun_notify_bucket buckets[ARRAY_SIZE(xtun_notify_groups)];
};

static unsigned int xtun_notify_net_id __read_mostly;

/*
 * Set while the family is registered: peer notifications come from the
 * data path and timers, which may still run while the module unloads.
 */
static bool xtun_notify_live;

/*
 * Whether a notification of @group may go out now; if so, *@missed is how
 * many were held back before it.
 */
static bool xtun_notify_take(struct net *net, unsigned int group, u32 *missed)
{
	struct xtun_notify_net *xn = net_generic(net, xtun_notify_net_id);
	struct xtun_notify_bucket *bucket = &xn->buckets[group];
	u32 rate = READ_ONCE(notify_rate);
	unsigned long now = jiffies;
	unsigned long elapsed;
	bool ok = false;
	u64 add;

	if (!rate)
		return false;

	spin_lock_bh(&bucket->lock);
	elapsed = now - bucket->stamp;
	add = elapsed >= HZ ? rate : div_u64((u64)rate * elapsed, HZ);
	if (add) {
		bucket->tokens = min_t(u64, rate, bucket->tokens + add);
		bucket->stamp = now;
	}
	if (bucket->tokens) {
		bucket->tokens--;
		*missed = bucket->missed;
		bucket->missed = 0;
		ok = true;
	} else if (bucket->missed < U32_MAX) {
		bucket->missed++;
	}
	spin_unlock_bh(&bucket->lock);
	return ok;
}

/* A message that could not be sent counts as held back. */
static void xtun_notify_lost(struct net *net, unsigned int group, u32 missed)
{
	struct xtun_notify_net *xn = net_generic(net, xtun_notify_net_id);
	struct xtun_notify_bucket *bucket = &xn->buckets[group];

	spin_lock_bh(&bucket->lock);
	bucket->missed = min_t(u64, U32_MAX, (u64)bucket->missed + missed + 1);
	spin_unlock_bh(&bucket->lock);
}

/* ifindex, ifname and the missed count, and a peer with its endpoint. */
static size_t xtun_notify_size(void)
{
	return nla_total_size(sizeof(u32)) +		/* ifindex */
	       nla_total_size(IFNAMSIZ) +		/* ifname */
	       nla_total_size(sizeof(u32)) +		/* ntf-missed */
	       nla_total_size(XTUN_KEY_SIZE) +		/* device public key */
	       nla_total_size(sizeof(u16)) +		/* listen port */
	       nla_total_size(sizeof(u32)) +		/* fwmark */
	       nla_total_size(0) +			/* peer nest */
	       nla_total_size(XTUN_KEY_SIZE) +		/* peer public key */
	       nla_total_size(sizeof(struct sockaddr_in6)); /* endpoint */
}

typedef int (*xtun_notify_fill_t)(struct sk_buff *skb, void *arg);

/*
 * Build one notification of @cmd about @xtun, its body put by @fill, and
 * send it to @group's listeners in the device's namespace.
 */
static void xtun_notify(struct xtun_device *xtun, unsigned int group, u8 cmd,
			xtun_notify_fill_t fill, void *arg, gfp_t gfp)
{
	struct net_device *dev = xtun->dev;
	struct net *net = dev_net(dev);
	struct sk_buff *skb;
	u32 missed = 0;
	void *hdr;

	/* A device being deleted announces nothing more; rtnetlink says it. */
	if (READ_ONCE(xtun->dead) ||
	    !genl_has_listeners(&xtun_nl_family, net, group) ||
	    !xtun_notify_take(net, group, &missed))
		return;

	skb = genlmsg_new(xtun_notify_size(), gfp);
	if (!skb)
		goto err_lost;
	hdr = genlmsg_put(skb, 0, 0, &xtun_nl_family, 0, cmd);
	if (!hdr)
		goto err_free_skb;
	if (nla_put_u32(skb, XTUN_DEVICE_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, XTUN_DEVICE_A_IFNAME, dev->name) ||
	    (missed && nla_put_u32(skb, XTUN_DEVICE_A_NTF_MISSED, missed)) ||
	    fill(skb, arg))
		goto err_free_skb;
	genlmsg_end(skb, hdr);
	/* ESRCH: the last listener left meanwhile. */
	genlmsg_multicast_netns(&xtun_nl_family, net, skb, 0, group, gfp);
	return;

err_free_skb:
	nlmsg_free(skb);
err_lost:
	xtun_notify_lost(net, group, missed);
}

static int xtun_notify_fill_device(struct sk_buff *skb, void *arg)
{
	return xtun_nl_put_device_settings(skb, arg);
}

static int xtun_notify_fill_peer(struct sk_buff *skb, void *arg)
{
	struct xtun_peer *peer = arg;
	struct nlattr *nest;

	nest = nla_nest_start(skb, XTUN_DEVICE_A_PEER);
	if (!nest ||
	    nla_put(skb, XTUN_PEER_A_PUBLIC_KEY, XTUN_KEY_SIZE,
		    peer->handshake.remote_static) ||
	    xtun_nl_put_endpoint(skb, peer))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * XTUN_CMD_DEVICE_CHANGE_NTF.  From configuration requests, which hold
 * update_lock and run while the family is registered.
 */
void xtun_notify_device(struct xtun_device *xtun)
{
	lockdep_assert_held(&xtun->update_lock);

	xtun_notify(xtun, XTUN_NLGRP_CONFIG, XTUN_CMD_DEVICE_CHANGE_NTF,
		    xtun_notify_fill_device, xtun, GFP_KERNEL);
}

/* PEER_NEW_NTF, PEER_CHANGE_NTF or PEER_DEL_NTF, as xtun_notify_device(). */
void xtun_notify_config_peer(struct xtun_peer *peer, u8 cmd)
{
	lockdep_assert_held(&peer->device->update_lock);

	xtun_notify(peer->device, XTUN_NLGRP_CONFIG, cmd,
		    xtun_notify_fill_peer, peer, GFP_KERNEL);
}

/*
 * HANDSHAKE_NTF, ENDPOINT_CHANGE_NTF or SESSION_EXPIRE_NTF: from the data
 * path, timers and work items, in any context, holding a reference to the
 * peer; the RCU read section covers the module's unloading (stop).
 */
void xtun_notify_peers_peer(struct xtun_peer *peer, u8 cmd)
{
	rcu_read_lock();
	if (READ_ONCE(xtun_notify_live))
		xtun_notify(peer->device, XTUN_NLGRP_PEERS, cmd,
			    xtun_notify_fill_peer, peer, GFP_ATOMIC);
	rcu_read_unlock();
}

static int __net_init xtun_notify_net_init(struct net *net)
{
	struct xtun_notify_net *xn = net_generic(net, xtun_notify_net_id);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xn->buckets); i++) {
		spin_lock_init(&xn->buckets[i].lock);
		xn->buckets[i].stamp = jiffies - HZ;	/* full at once */
	}
	return 0;
}

static struct pernet_operations xtun_notify_net_ops = {
	.init	= xtun_notify_net_init,
	.id	= &xtun_notify_net_id,
	.size	= sizeof(struct xtun_notify_net),
};

int __init xtun_notify_init(void)
{
	return register_pernet_subsys(&xtun_notify_net_ops);
}

/* The family is registered: peer notifications may use it. */
void __init xtun_notify_start(void)
{
	WRITE_ONCE(xtun_notify_live, true);
}

/* Before the family goes: no peer notification uses it after this. */
void xtun_notify_stop(void)
{
	WRITE_ONCE(xtun_notify_live, false);
	synchronize_rcu();
}

void xtun_notify_uninit(void)
{
	unregister_pernet_subsys(&xtun_notify_net_ops);
}
