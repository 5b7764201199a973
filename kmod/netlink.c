// SPDX-License-Identifier: GPL-2.0
/*
 * The "xtun" generic netlink family: how userspace reads and configures xtun
 * devices.  The ABI and its rules are documented in uapi/linux/xtun.h.
 *
 * Every request is parsed and checked completely before anything changes,
 * so a rejected request leaves the device as it was.
 */

#include <crypto/algapi.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "device.h"
#include "netlink.h"
#include "peer.h"
#include "send.h"
#include "socket.h"

static const struct nla_policy xtun_allowedip_policy[XTUN_ALLOWEDIP_A_MAX + 1] = {
	[XTUN_ALLOWEDIP_A_FAMILY]	= { .type = NLA_U16 },
	[XTUN_ALLOWEDIP_A_ADDR]		= NLA_POLICY_MIN_LEN(sizeof(struct in_addr)),
	[XTUN_ALLOWEDIP_A_CIDR]		= NLA_POLICY_MAX(NLA_U8, 128),
	[XTUN_ALLOWEDIP_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, XTUN_ALLOWEDIP_F_ALL),
};

static const struct nla_policy xtun_peer_policy[XTUN_PEER_A_MAX + 1] = {
	[XTUN_PEER_A_PUBLIC_KEY]	= NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_PEER_A_PRESHARED_KEY]	= NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_PEER_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32, XTUN_PEER_F_ALL),
	[XTUN_PEER_A_ENDPOINT]		= NLA_POLICY_MIN_LEN(sizeof(struct sockaddr_in)),
	[XTUN_PEER_A_PERSISTENT_KEEPALIVE] = { .type = NLA_U16 },
	[XTUN_PEER_A_ALLOWEDIPS]	= NLA_POLICY_NESTED_ARRAY(xtun_allowedip_policy),
};

/* NEW_PEER: a peer has no allowed IPs to replace yet, so no flags. */
static const struct nla_policy xtun_new_peer_policy[XTUN_PEER_A_MAX + 1] = {
	[XTUN_PEER_A_PUBLIC_KEY]	= NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_PEER_A_PRESHARED_KEY]	= NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_PEER_A_ENDPOINT]		= NLA_POLICY_MIN_LEN(sizeof(struct sockaddr_in)),
	[XTUN_PEER_A_PERSISTENT_KEEPALIVE] = { .type = NLA_U16 },
	[XTUN_PEER_A_ALLOWEDIPS]	= NLA_POLICY_NESTED_ARRAY(xtun_allowedip_policy),
};

static const struct nla_policy xtun_peer_del_policy[XTUN_PEER_A_MAX + 1] = {
	[XTUN_PEER_A_PUBLIC_KEY]	= NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
};

static const struct nla_policy xtun_get_device_policy[XTUN_DEVICE_A_MAX + 1] = {
	[XTUN_DEVICE_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[XTUN_DEVICE_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

static const struct nla_policy xtun_set_device_policy[XTUN_DEVICE_A_MAX + 1] = {
	[XTUN_DEVICE_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[XTUN_DEVICE_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[XTUN_DEVICE_A_PRIVATE_KEY] = NLA_POLICY_EXACT_LEN(XTUN_KEY_LEN),
	[XTUN_DEVICE_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, XTUN_DEVICE_F_ALL),
	[XTUN_DEVICE_A_LISTEN_PORT] = { .type = NLA_U16 },
	[XTUN_DEVICE_A_FWMARK]	= { .type = NLA_U32 },
};

static const struct nla_policy xtun_new_peer_cmd_policy[XTUN_DEVICE_A_MAX + 1] = {
	[XTUN_DEVICE_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[XTUN_DEVICE_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[XTUN_DEVICE_A_PEER]	= NLA_POLICY_NESTED(xtun_new_peer_policy),
};

static const struct nla_policy xtun_peer_cmd_policy[XTUN_DEVICE_A_MAX + 1] = {
	[XTUN_DEVICE_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[XTUN_DEVICE_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[XTUN_DEVICE_A_PEER]	= NLA_POLICY_NESTED(xtun_peer_policy),
};

static const struct nla_policy xtun_del_peer_cmd_policy[XTUN_DEVICE_A_MAX + 1] = {
	[XTUN_DEVICE_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[XTUN_DEVICE_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[XTUN_DEVICE_A_PEER]	= NLA_POLICY_NESTED(xtun_peer_del_policy),
};

/* Like NL_SET_ERR_MSG_MOD, the module's name first, and the bad attribute. */
#define XTUN_SET_ERR_MSG_ATTR(extack, attr, msg) \
	NL_SET_ERR_MSG_ATTR(extack, attr, KBUILD_MODNAME ": " msg)

/* A do request's reply; bigger devices need a dump. */
#define XTUN_NL_DO_REPLY_SIZE	32768

static struct genl_family xtun_genl_family;

/*
 * Moves with every change of any xtun device, so that a dump spanning
 * several devices detects a change of any of them (NLM_F_DUMP_INTR).
 * Never 0: netlink checks consistency only from a nonzero sequence on.
 */
static atomic_t xtun_nl_config_seq = ATOMIC_INIT(1);

void xtun_nl_config_changed(void)
{
	if (unlikely(!atomic_inc_return(&xtun_nl_config_seq)))
		atomic_set(&xtun_nl_config_seq, 1);
}

static const u8 xtun_zero_key[XTUN_KEY_SIZE];

static bool xtun_key_is_zero(const u8 key[XTUN_KEY_SIZE])
{
	return !crypto_memneq(key, xtun_zero_key, XTUN_KEY_SIZE);
}

static bool xtun_nl_has_selector(struct nlattr **attrs)
{
	return attrs[XTUN_DEVICE_A_IFINDEX] || attrs[XTUN_DEVICE_A_IFNAME];
}

/*
 * Find the xtun device that a request names, in the requester's namespace.
 * Returns it with a reference held, or an ERR_PTR with extack set.
 */
static struct net_device *xtun_nl_get_device(struct net *net,
					     struct nlattr **attrs,
					     struct netlink_ext_ack *extack)
{
	struct nlattr *ifindex = attrs[XTUN_DEVICE_A_IFINDEX];
	struct nlattr *ifname = attrs[XTUN_DEVICE_A_IFNAME];
	struct nlattr *bad = ifindex ?: ifname;
	struct net_device *dev;

	if (!bad) {
		NL_SET_ERR_MSG_MOD(extack, "missing device: give ifindex or ifname");
		return ERR_PTR(-EINVAL);
	}

	if (ifindex)
		dev = dev_get_by_index(net, nla_get_u32(ifindex));
	else
		dev = dev_get_by_name(net, nla_data(ifname));
	if (!dev) {
		NL_SET_ERR_MSG_MOD(extack, "no such device");
		NL_SET_BAD_ATTR(extack, bad);
		return ERR_PTR(-ENODEV);
	}

	if (ifindex && ifname && strcmp(dev->name, nla_data(ifname))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "ifindex and ifname name different devices");
		NL_SET_BAD_ATTR(extack, ifname);
		dev_put(dev);
		return ERR_PTR(-EINVAL);
	}

	if (!xtun_is_xtun_dev(dev)) {
		NL_SET_ERR_MSG_MOD(extack, "device is not an xtun device");
		NL_SET_BAD_ATTR(extack, bad);
		dev_put(dev);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return dev;
}

/* Where a device's dump continues: which peer, which of its prefixes. */
struct xtun_nl_cursor {
	unsigned long peer_idx;
	unsigned long aip_idx;
	bool device_done;	/* the device's own attributes went out */
};

static int xtun_nl_put_aip(void *ctx, u16 family, const u8 *addr, u8 cidr)
{
	struct sk_buff *skb = ctx;
	struct nlattr *nest;

	nest = nla_nest_start(skb, 0);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, XTUN_ALLOWEDIP_A_FAMILY, family) ||
	    nla_put(skb, XTUN_ALLOWEDIP_A_ADDR,
		    family == AF_INET ? sizeof(struct in_addr) :
					sizeof(struct in6_addr), addr) ||
	    nla_put_u8(skb, XTUN_ALLOWEDIP_A_CIDR, cidr)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int xtun_nl_put_endpoint(struct sk_buff *skb, struct xtun_peer *peer)
{
	struct xtun_endpoint endpoint;
	int ret = 0;

	read_lock_bh(&peer->endpoint_lock);
	endpoint = peer->endpoint;
	read_unlock_bh(&peer->endpoint_lock);

	if (endpoint.addr.sa_family == AF_INET)
		ret = nla_put(skb, XTUN_PEER_A_ENDPOINT, sizeof(endpoint.addr4),
			      &endpoint.addr4);
	else if (endpoint.addr.sa_family == AF_INET6)
		ret = nla_put(skb, XTUN_PEER_A_ENDPOINT, sizeof(endpoint.addr6),
			      &endpoint.addr6);
	return ret;
}

static int xtun_nl_put_u64(struct sk_buff *skb, int type, atomic64_t *value)
{
	return nla_put_u64_64bit(skb, type, atomic64_read(value),
				 XTUN_PEER_A_PAD);
}

/* Everything about a peer except its allowed IPs. */
static int xtun_nl_put_peer_state(struct sk_buff *skb, struct xtun_peer *peer)
{
	struct xtun_peer_stats *stats = &peer->stats;
	struct timespec64 last_handshake;
	bool has_psk;

	down_read(&peer->handshake.lock);
	has_psk = !xtun_key_is_zero(peer->handshake.preshared_key);
	up_read(&peer->handshake.lock);

	spin_lock_bh(&peer->walltime_lock);
	last_handshake = peer->walltime_last_handshake;
	spin_unlock_bh(&peer->walltime_lock);

	if ((has_psk && nla_put_flag(skb, XTUN_PEER_A_HAS_PRESHARED_KEY)) ||
	    xtun_nl_put_endpoint(skb, peer) ||
	    nla_put_u16(skb, XTUN_PEER_A_PERSISTENT_KEEPALIVE,
			peer->persistent_keepalive_interval) ||
	    nla_put_u64_64bit(skb, XTUN_PEER_A_LAST_HANDSHAKE,
			      timespec64_to_ns(&last_handshake),
			      XTUN_PEER_A_PAD) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_RX_BYTES, &stats->rx_bytes) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_TX_BYTES, &stats->tx_bytes) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_RX_PACKETS, &stats->rx_packets) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_TX_PACKETS, &stats->tx_packets) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_DROP_REPLAY, &stats->drop_replay) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_DROP_AUTH, &stats->drop_auth) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_DROP_SOURCE, &stats->drop_source) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_DROP_NO_SESSION,
			    &stats->drop_no_session))
		return -EMSGSIZE;
	return 0;
}

/* Counts prefixes written, so a full message knows where to go on. */
struct xtun_nl_aip_ctx {
	struct sk_buff *skb;
	unsigned long written;
};

static int xtun_nl_put_aip_counted(void *ctx, u16 family, const u8 *addr,
				   u8 cidr)
{
	struct xtun_nl_aip_ctx *c = ctx;
	int ret;

	ret = xtun_nl_put_aip(c->skb, family, addr, cidr);
	if (!ret)
		c->written++;
	return ret;
}

/*
 * One peer, continuing at cursor->aip_idx.  Returns 0 when the peer is
 * complete, -EMSGSIZE when the message is full (cursor updated; nothing
 * of the peer is in the message if it could not make progress).
 */
static int xtun_nl_put_peer(struct sk_buff *skb, struct xtun_peer *peer,
			    struct xtun_nl_cursor *cursor)
{
	struct xtun_device *xtun = peer->device;
	struct xtun_nl_aip_ctx ctx = { .skb = skb };
	struct nlattr *peer_nest, *aips;
	int ret;

	peer_nest = nla_nest_start(skb, 0);
	if (!peer_nest)
		return -EMSGSIZE;
	if (nla_put(skb, XTUN_PEER_A_PUBLIC_KEY, XTUN_KEY_SIZE,
		    peer->handshake.remote_static))
		goto err_cancel_peer;
	if (!cursor->aip_idx && xtun_nl_put_peer_state(skb, peer))
		goto err_cancel_peer;

	aips = nla_nest_start(skb, XTUN_PEER_A_ALLOWEDIPS);
	if (!aips)
		goto err_cancel_peer;
	ret = xtun_allowedips_walk_peer(&xtun->allowedips, peer,
					cursor->aip_idx,
					xtun_nl_put_aip_counted, &ctx);
	if (ret && !ctx.written && cursor->aip_idx)
		goto err_cancel_peer;	/* nothing new: try the next message */
	nla_nest_end(skb, aips);
	nla_nest_end(skb, peer_nest);

	if (ret) {
		cursor->aip_idx += ctx.written;
		return -EMSGSIZE;
	}
	cursor->aip_idx = 0;
	return 0;

err_cancel_peer:
	nla_nest_cancel(skb, peer_nest);
	return -EMSGSIZE;
}

static int xtun_nl_put_device_state(struct sk_buff *skb,
				    struct xtun_device *xtun)
{
	struct xtun_static_identity *identity = &xtun->static_identity;
	int ret = 0;

	down_read(&identity->lock);
	if (identity->has_identity)
		ret = nla_put(skb, XTUN_DEVICE_A_PUBLIC_KEY, XTUN_KEY_SIZE,
			      identity->static_public);
	up_read(&identity->lock);

	if (ret ||
	    nla_put_u16(skb, XTUN_DEVICE_A_LISTEN_PORT,
			xtun->incoming_port ?: xtun->listen_port ?:
			xtun->chosen_port) ||
	    nla_put_u32(skb, XTUN_DEVICE_A_FWMARK, xtun->fwmark) ||
	    nla_put_u32(skb, XTUN_DEVICE_A_GENERATION, xtun->generation))
		return -EMSGSIZE;
	return 0;
}

/*
 * Fill one message about @xtun from @cursor on.  Returns 0 when the device
 * is complete, -EMSGSIZE when the message is full and the cursor says
 * where the next one continues.
 */
static int xtun_nl_fill_device(struct sk_buff *skb, struct xtun_device *xtun,
			       struct xtun_nl_cursor *cursor,
			       struct netlink_callback *cb, u32 portid,
			       u32 seq, int flags)
{
	struct xtun_peer *peer;
	struct nlattr *peers;
	unsigned long idx = 0;
	int ret = 0;
	void *hdr;

	lockdep_assert_held(&xtun->update_lock);

	hdr = genlmsg_put(skb, portid, seq, &xtun_genl_family, flags,
			  XTUN_CMD_GET_DEVICE);
	if (!hdr)
		return -EMSGSIZE;
	if (cb) {
		cb->seq = atomic_read(&xtun_nl_config_seq);
		genl_dump_check_consistent(cb, hdr);
	}

	if (nla_put_u32(skb, XTUN_DEVICE_A_IFINDEX, xtun->dev->ifindex) ||
	    nla_put_string(skb, XTUN_DEVICE_A_IFNAME, xtun->dev->name))
		goto err_cancel_msg;
	if (!cursor->device_done) {
		if (xtun_nl_put_device_state(skb, xtun))
			goto err_cancel_msg;
		cursor->device_done = true;
	}

	peers = nla_nest_start(skb, XTUN_DEVICE_A_PEERS);
	if (!peers)
		goto err_partial;
	list_for_each_entry(peer, &xtun->peer_list, peer_list) {
		if (idx++ < cursor->peer_idx)
			continue;
		ret = xtun_nl_put_peer(skb, peer, cursor);
		if (ret)
			break;
		cursor->peer_idx++;
	}
	nla_nest_end(skb, peers);
	genlmsg_end(skb, hdr);
	return ret;

err_partial:
	genlmsg_end(skb, hdr);
	return -EMSGSIZE;
err_cancel_msg:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int xtun_nl_get_device_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct xtun_nl_cursor cursor = { };
	struct xtun_device *xtun;
	struct net_device *dev;
	struct sk_buff *msg;
	int ret;

	dev = xtun_nl_get_device(genl_info_net(info), info->attrs,
				 info->extack);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	xtun = netdev_priv(dev);

	msg = genlmsg_new(XTUN_NL_DO_REPLY_SIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto err_put_dev;
	}

	mutex_lock(&xtun->update_lock);
	ret = xtun_nl_fill_device(msg, xtun, &cursor, NULL, info->snd_portid,
				  info->snd_seq, 0);
	mutex_unlock(&xtun->update_lock);
	if (ret) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "device does not fit in one message; use a dump");
		goto err_free_msg;
	}

	dev_put(dev);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
err_put_dev:
	dev_put(dev);
	return ret;
}

/*
 * Dump state in cb->args, named below.  The selector is checked on the
 * first call rather than in ->start because only ->dumpit has an extack on
 * every kernel we support (6.1 gives ->start none).
 */
enum {
	XTUN_DUMP_CHECKED,	/* the request was checked */
	XTUN_DUMP_IFINDEX,	/* the selected device, 0: every xtun device */
	XTUN_DUMP_DEVICES_DONE,	/* xtun devices completed by earlier messages */
	XTUN_DUMP_PEER_IDX,	/* cursor within the current device */
	XTUN_DUMP_AIP_IDX,
	XTUN_DUMP_DEVICE_DONE,
};

static int xtun_nl_dump_select(struct netlink_callback *cb)
{
	struct nlattr **attrs = xtun_genl_dump_attrs(cb);
	struct net_device *dev;

	if (!xtun_nl_has_selector(attrs))
		return 0;

	dev = xtun_nl_get_device(sock_net(cb->skb->sk), attrs, cb->extack);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	cb->args[XTUN_DUMP_IFINDEX] = dev->ifindex;
	dev_put(dev);
	return 0;
}

/* The @n-th xtun device the dump covers, with a reference, or NULL. */
static struct net_device *xtun_nl_dump_nth_device(struct net *net,
						  long ifindex, long n)
{
	struct net_device *dev, *found = NULL;

	rcu_read_lock();
	for_each_netdev_rcu(net, dev) {
		if (!xtun_is_xtun_dev(dev) || (ifindex && dev->ifindex != ifindex))
			continue;
		if (n-- == 0) {
			found = dev;
			dev_hold(found);
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static int xtun_nl_get_device_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct xtun_nl_cursor cursor;
	struct xtun_device *xtun;
	struct net_device *dev;
	int ret;

	if (!cb->args[XTUN_DUMP_CHECKED]) {
		ret = xtun_nl_dump_select(cb);
		if (ret)
			return ret;
		cb->args[XTUN_DUMP_CHECKED] = 1;
	}

	for (;;) {
		dev = xtun_nl_dump_nth_device(sock_net(skb->sk),
					      cb->args[XTUN_DUMP_IFINDEX],
					      cb->args[XTUN_DUMP_DEVICES_DONE]);
		if (!dev)
			break;
		xtun = netdev_priv(dev);

		cursor.peer_idx = cb->args[XTUN_DUMP_PEER_IDX];
		cursor.aip_idx = cb->args[XTUN_DUMP_AIP_IDX];
		cursor.device_done = cb->args[XTUN_DUMP_DEVICE_DONE];
		mutex_lock(&xtun->update_lock);
		ret = xtun_nl_fill_device(skb, xtun, &cursor, cb,
					  NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI);
		mutex_unlock(&xtun->update_lock);
		dev_put(dev);

		cb->args[XTUN_DUMP_PEER_IDX] = cursor.peer_idx;
		cb->args[XTUN_DUMP_AIP_IDX] = cursor.aip_idx;
		cb->args[XTUN_DUMP_DEVICE_DONE] = cursor.device_done;
		if (ret)	/* full: the next call continues here */
			return skb->len ?: ret;

		cb->args[XTUN_DUMP_DEVICES_DONE]++;
		cb->args[XTUN_DUMP_PEER_IDX] = 0;
		cb->args[XTUN_DUMP_AIP_IDX] = 0;
		cb->args[XTUN_DUMP_DEVICE_DONE] = 0;
	}
	return skb->len;
}

/*
 * A request's device, with its update_lock held, to be changed; unlock
 * with xtun_nl_unlock_device().  Refused once the device is being
 * unregistered: ndo_uninit has freed its peers for the last time.
 */
static struct xtun_device *xtun_nl_lock_device(struct genl_info *info)
{
	struct xtun_device *xtun;
	struct net_device *dev;

	dev = xtun_nl_get_device(genl_info_net(info), info->attrs,
				 info->extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	xtun = netdev_priv(dev);

	mutex_lock(&xtun->update_lock);
	if (unlikely(xtun->dead)) {
		mutex_unlock(&xtun->update_lock);
		dev_put(dev);
		NL_SET_ERR_MSG_MOD(info->extack, "device is being deleted");
		return ERR_PTR(-ENODEV);
	}
	return xtun;
}

static void xtun_nl_unlock_device(struct xtun_device *xtun, bool changed)
{
	if (changed) {
		xtun->generation++;
		xtun_nl_config_changed();
	}
	mutex_unlock(&xtun->update_lock);
	dev_put(xtun->dev);
}

static void xtun_nl_set_fwmark(struct xtun_device *xtun, u32 fwmark)
{
	struct xtun_peer *peer;

	if (xtun->fwmark == fwmark)
		return;
	xtun->fwmark = fwmark;
	/* Cached routes were looked up with the old mark. */
	list_for_each_entry(peer, &xtun->peer_list, peer_list)
		dst_cache_reset(&peer->endpoint_cache);
}

static int xtun_nl_set_listen_port(struct xtun_device *xtun, u16 port,
				   struct nlattr *attr,
				   struct netlink_ext_ack *extack)
{
	/*
	 * Not netif_running(): that is true already while ndo_open waits for
	 * update_lock, and sockets opened here would then stay bound, the
	 * open failing on its own port.  A down device only records the
	 * port; ndo_open binds it.
	 */
	bool up = rcu_access_pointer(xtun->sock4);
	int ret;

	lockdep_assert_held(&xtun->update_lock);

	if (xtun->listen_port == port)
		return 0;
	/*
	 * The port the device listens on (one picked for 0, say) is its own:
	 * opening it a second time would find it in use.
	 */
	if (up && (!port || port != xtun->incoming_port)) {
		ret = xtun_socket_init(xtun, port);
		if (ret == -EADDRINUSE) {
			XTUN_SET_ERR_MSG_ATTR(extack, attr, "listen port is in use");
			return ret;
		}
		if (ret) {
			XTUN_SET_ERR_MSG_ATTR(extack, attr,
					      "cannot open the listen port");
			return ret;
		}
	}
	xtun->listen_port = port;
	/* A port picked now is kept across down and up, like the first. */
	xtun->chosen_port = up && !port ? xtun->incoming_port : 0;
	return 0;
}

/* A new identity: every session and precomputation becomes stale. */
static void xtun_nl_set_private_key(struct xtun_device *xtun,
				    const u8 private_key[XTUN_KEY_SIZE])
{
	struct xtun_static_identity *identity = &xtun->static_identity;
	u8 public_key[XTUN_KEY_SIZE];
	struct xtun_peer *peer;
	bool has_public;

	has_public = !xtun_key_is_zero(private_key) &&
		     curve25519_generate_public(public_key, private_key);
	if (has_public && identity->has_identity &&
	    !memcmp(public_key, identity->static_public, XTUN_KEY_SIZE))
		return;	/* the same key again: keep the sessions */

	/* A device cannot be its own peer. */
	if (has_public) {
		peer = xtun_peer_lookup(xtun, public_key);
		if (peer)
			xtun_peer_remove(peer);
	}

	down_write(&identity->lock);
	if (has_public) {
		xtun_noise_set_static_identity_private_key(identity,
							   private_key);
	} else {
		memzero_explicit(identity->static_private, XTUN_KEY_SIZE);
		memzero_explicit(identity->static_public, XTUN_KEY_SIZE);
		identity->has_identity = false;
	}
	xtun_cookie_checker_precompute_device_keys(&xtun->cookie_checker);
	up_write(&identity->lock);

	list_for_each_entry(peer, &xtun->peer_list, peer_list) {
		xtun_noise_precompute_static_static(peer);
		xtun_noise_expire_current_peer_keypairs(peer);
	}
	memzero_explicit(public_key, XTUN_KEY_SIZE);
}

static int xtun_nl_set_device_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct xtun_device *xtun;
	u32 flags = 0;
	int ret = 0;

	if (attrs[XTUN_DEVICE_A_FLAGS])
		flags = nla_get_u32(attrs[XTUN_DEVICE_A_FLAGS]);

	xtun = xtun_nl_lock_device(info);
	if (IS_ERR(xtun))
		return PTR_ERR(xtun);

	/* The only step that can fail goes first. */
	if (attrs[XTUN_DEVICE_A_LISTEN_PORT]) {
		ret = xtun_nl_set_listen_port(xtun,
					      nla_get_u16(attrs[XTUN_DEVICE_A_LISTEN_PORT]),
					      attrs[XTUN_DEVICE_A_LISTEN_PORT],
					      info->extack);
		if (ret)
			goto out;
	}
	if (flags & XTUN_DEVICE_F_REPLACE_PEERS)
		xtun_peer_remove_all(xtun);
	if (attrs[XTUN_DEVICE_A_FWMARK])
		xtun_nl_set_fwmark(xtun, nla_get_u32(attrs[XTUN_DEVICE_A_FWMARK]));
	if (attrs[XTUN_DEVICE_A_PRIVATE_KEY])
		xtun_nl_set_private_key(xtun,
					nla_data(attrs[XTUN_DEVICE_A_PRIVATE_KEY]));
out:
	xtun_nl_unlock_device(xtun, !ret);
	return ret;
}

/* A peer request, parsed and checked, not yet applied. */
struct xtun_nl_peer_req {
	const u8 *public_key;
	const u8 *preshared_key;
	struct xtun_endpoint endpoint;
	bool has_endpoint;
	bool has_keepalive;
	u16 keepalive;
	u32 flags;
	struct xtun_aip_change *aips;
	unsigned int n_aips;
};

static int xtun_nl_parse_endpoint(struct xtun_nl_peer_req *req,
				  struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	const struct sockaddr *sa = nla_data(attr);
	struct xtun_endpoint *endpoint = &req->endpoint;
	int len = nla_len(attr);

	/* The policy guarantees a sockaddr_in's length, so sa_family is there. */
	memset(endpoint, 0, sizeof(*endpoint));
	if (sa->sa_family == AF_INET && len == sizeof(endpoint->addr4))
		memcpy(&endpoint->addr4, sa, sizeof(endpoint->addr4));
	else if (sa->sa_family == AF_INET6 && len == sizeof(endpoint->addr6))
		memcpy(&endpoint->addr6, sa, sizeof(endpoint->addr6));

	if (endpoint->addr.sa_family == AF_INET) {
		__be32 addr = endpoint->addr4.sin_addr.s_addr;

		if (ipv4_is_zeronet(addr) || ipv4_is_multicast(addr) ||
		    ipv4_is_lbcast(addr)) {
			XTUN_SET_ERR_MSG_ATTR(extack, attr,
					      "endpoint address must be a unicast address");
			return -EINVAL;
		}
		if (!endpoint->addr4.sin_port)
			goto err_port;
	} else if (endpoint->addr.sa_family == AF_INET6) {
		const struct in6_addr *addr = &endpoint->addr6.sin6_addr;

		if (ipv6_addr_any(addr) || ipv6_addr_is_multicast(addr)) {
			XTUN_SET_ERR_MSG_ATTR(extack, attr,
					      "endpoint address must be a unicast address");
			return -EINVAL;
		}
		if (!endpoint->addr6.sin6_port)
			goto err_port;
	} else {
		XTUN_SET_ERR_MSG_ATTR(extack, attr,
				      "endpoint must be a sockaddr_in or sockaddr_in6");
		return -EINVAL;
	}
	req->has_endpoint = true;
	return 0;

err_port:
	XTUN_SET_ERR_MSG_ATTR(extack, attr, "endpoint port must not be 0");
	return -EINVAL;
}

static int xtun_nl_parse_aip(struct xtun_aip_change *change,
			     struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[XTUN_ALLOWEDIP_A_MAX + 1];
	unsigned int addr_len, max_cidr;
	int ret;

	ret = nla_parse_nested(tb, XTUN_ALLOWEDIP_A_MAX, attr,
			       xtun_allowedip_policy, extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(extack, attr, tb, XTUN_ALLOWEDIP_A_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, attr, tb, XTUN_ALLOWEDIP_A_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, attr, tb, XTUN_ALLOWEDIP_A_CIDR)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "allowed IP needs family, address and prefix length");
		return -EINVAL;
	}

	change->family = nla_get_u16(tb[XTUN_ALLOWEDIP_A_FAMILY]);
	if (change->family == AF_INET) {
		addr_len = sizeof(struct in_addr);
		max_cidr = 32;
	} else if (change->family == AF_INET6) {
		addr_len = sizeof(struct in6_addr);
		max_cidr = 128;
	} else {
		XTUN_SET_ERR_MSG_ATTR(extack, tb[XTUN_ALLOWEDIP_A_FAMILY],
				      "allowed IP family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	if (nla_len(tb[XTUN_ALLOWEDIP_A_ADDR]) != addr_len) {
		XTUN_SET_ERR_MSG_ATTR(extack, tb[XTUN_ALLOWEDIP_A_ADDR],
				      "allowed IP address length does not match its family");
		return -EINVAL;
	}
	change->cidr = nla_get_u8(tb[XTUN_ALLOWEDIP_A_CIDR]);
	if (change->cidr > max_cidr) {
		XTUN_SET_ERR_MSG_ATTR(extack, tb[XTUN_ALLOWEDIP_A_CIDR],
				      "prefix length is too long for the family");
		return -EINVAL;
	}
	memset(change->addr, 0, sizeof(change->addr));
	nla_memcpy(change->addr, tb[XTUN_ALLOWEDIP_A_ADDR], addr_len);
	change->remove = tb[XTUN_ALLOWEDIP_A_FLAGS] &&
			 (nla_get_u32(tb[XTUN_ALLOWEDIP_A_FLAGS]) &
			  XTUN_ALLOWEDIP_F_REMOVE);
	return 0;
}

static int xtun_nl_parse_aips(struct xtun_nl_peer_req *req,
			      struct nlattr *list,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *attr;
	unsigned int n = 0;
	int rem, ret;

	nla_for_each_nested(attr, list, rem)
		n++;
	if (!n)
		return 0;

	req->aips = kvcalloc(n, sizeof(*req->aips), GFP_KERNEL);
	if (!req->aips)
		return -ENOMEM;
	nla_for_each_nested(attr, list, rem) {
		ret = xtun_nl_parse_aip(&req->aips[req->n_aips], attr, extack);
		if (ret)
			return ret;
		req->n_aips++;
	}
	return 0;
}

static int xtun_nl_parse_peer(struct xtun_nl_peer_req *req,
			      struct genl_info *info,
			      const struct nla_policy *policy)
{
	struct nlattr *tb[XTUN_PEER_A_MAX + 1];
	struct nlattr *nest;
	int ret;

	memset(req, 0, sizeof(*req));
	if (GENL_REQ_ATTR_CHECK(info, XTUN_DEVICE_A_PEER)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing peer");
		return -EINVAL;
	}
	nest = info->attrs[XTUN_DEVICE_A_PEER];
	ret = nla_parse_nested(tb, XTUN_PEER_A_MAX, nest, policy, info->extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, XTUN_PEER_A_PUBLIC_KEY)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing peer public key");
		return -EINVAL;
	}
	req->public_key = nla_data(tb[XTUN_PEER_A_PUBLIC_KEY]);
	if (tb[XTUN_PEER_A_PRESHARED_KEY])
		req->preshared_key = nla_data(tb[XTUN_PEER_A_PRESHARED_KEY]);
	if (tb[XTUN_PEER_A_FLAGS])
		req->flags = nla_get_u32(tb[XTUN_PEER_A_FLAGS]);
	if (tb[XTUN_PEER_A_PERSISTENT_KEEPALIVE]) {
		req->has_keepalive = true;
		req->keepalive = nla_get_u16(tb[XTUN_PEER_A_PERSISTENT_KEEPALIVE]);
	}
	if (tb[XTUN_PEER_A_ENDPOINT]) {
		ret = xtun_nl_parse_endpoint(req, tb[XTUN_PEER_A_ENDPOINT],
					     info->extack);
		if (ret)
			return ret;
	}
	if (tb[XTUN_PEER_A_ALLOWEDIPS])
		return xtun_nl_parse_aips(req, tb[XTUN_PEER_A_ALLOWEDIPS],
					  info->extack);
	return 0;
}

static void xtun_nl_peer_req_free(struct xtun_nl_peer_req *req)
{
	kvfree(req->aips);
}

/* Everything but the allowed IPs; none of it can fail. */
static void xtun_nl_apply_peer(struct xtun_peer *peer,
			       struct xtun_nl_peer_req *req)
{
	bool start_keepalive;

	if (req->preshared_key)
		xtun_noise_set_preshared_key(&peer->handshake,
					     req->preshared_key);
	if (req->has_endpoint)
		xtun_socket_set_peer_endpoint(peer, &req->endpoint);
	if (req->has_keepalive) {
		start_keepalive = !peer->persistent_keepalive_interval &&
				  req->keepalive;
		WRITE_ONCE(peer->persistent_keepalive_interval, req->keepalive);
		if (start_keepalive && netif_running(peer->device->dev))
			xtun_send_keepalive(peer);
	}
}

/*
 * The frame every peer command shares: parse and check the whole request,
 * lock the device, let @apply change it (true when it did), unlock.
 */
static int xtun_nl_peer_doit(struct genl_info *info,
			     const struct nla_policy *policy,
			     int (*apply)(struct xtun_device *xtun,
					  struct xtun_nl_peer_req *req,
					  struct netlink_ext_ack *extack))
{
	struct xtun_nl_peer_req req;
	struct xtun_device *xtun;
	int ret;

	ret = xtun_nl_parse_peer(&req, info, policy);
	if (ret)
		goto out_free_req;
	xtun = xtun_nl_lock_device(info);
	if (IS_ERR(xtun)) {
		ret = PTR_ERR(xtun);
		goto out_free_req;
	}
	ret = apply(xtun, &req, info->extack);
	xtun_nl_unlock_device(xtun, !ret);
out_free_req:
	xtun_nl_peer_req_free(&req);
	return ret;
}

static void xtun_nl_set_aips_err(struct netlink_ext_ack *extack, int err)
{
	if (err == -ENOSPC)
		NL_SET_ERR_MSG_MOD(extack,
				   "too many allowed IPs on the device");
	else
		NL_SET_ERR_MSG_MOD(extack, "cannot store the allowed IPs");
}

/* The request's peer, or NULL with extack set. */
static struct xtun_peer *xtun_nl_existing_peer(struct xtun_device *xtun,
					       struct xtun_nl_peer_req *req,
					       struct netlink_ext_ack *extack)
{
	struct xtun_peer *peer = xtun_peer_lookup(xtun, req->public_key);

	if (!peer)
		NL_SET_ERR_MSG_MOD(extack, "no such peer");
	return peer;
}

static int xtun_nl_new_peer(struct xtun_device *xtun,
			    struct xtun_nl_peer_req *req,
			    struct netlink_ext_ack *extack)
{
	struct xtun_peer *peer;
	int ret;

	if (xtun_peer_lookup(xtun, req->public_key)) {
		NL_SET_ERR_MSG_MOD(extack, "peer already exists");
		return -EEXIST;
	}
	if (xtun->static_identity.has_identity &&
	    !memcmp(req->public_key, xtun->static_identity.static_public,
		    XTUN_KEY_SIZE)) {
		NL_SET_ERR_MSG_MOD(extack, "peer public key is the device's own");
		return -EINVAL;
	}

	peer = xtun_peer_create(xtun, req->public_key, req->preshared_key);
	if (IS_ERR(peer)) {
		if (PTR_ERR(peer) == -ENOSPC)
			NL_SET_ERR_MSG_MOD(extack, "too many peers");
		else
			NL_SET_ERR_MSG_MOD(extack, "cannot allocate the peer");
		return PTR_ERR(peer);
	}
	ret = xtun_allowedips_update(&xtun->allowedips, peer, false, req->aips,
				     req->n_aips);
	if (ret) {
		xtun_nl_set_aips_err(extack, ret);
		xtun_peer_remove(peer);
		return ret;
	}
	xtun_nl_apply_peer(peer, req);
	return 0;
}

static int xtun_nl_set_peer(struct xtun_device *xtun,
			    struct xtun_nl_peer_req *req,
			    struct netlink_ext_ack *extack)
{
	bool replace = req->flags & XTUN_PEER_F_REPLACE_ALLOWEDIPS;
	struct xtun_peer *peer;
	int ret;

	peer = xtun_nl_existing_peer(xtun, req, extack);
	if (!peer)
		return -ENOENT;
	if (replace || req->n_aips) {
		ret = xtun_allowedips_update(&xtun->allowedips, peer, replace,
					     req->aips, req->n_aips);
		if (ret) {
			xtun_nl_set_aips_err(extack, ret);
			return ret;
		}
	}
	xtun_nl_apply_peer(peer, req);
	return 0;
}

static int xtun_nl_del_peer(struct xtun_device *xtun,
			    struct xtun_nl_peer_req *req,
			    struct netlink_ext_ack *extack)
{
	struct xtun_peer *peer = xtun_nl_existing_peer(xtun, req, extack);

	if (!peer)
		return -ENOENT;
	xtun_peer_remove(peer);
	return 0;
}

static int xtun_nl_new_peer_doit(struct sk_buff *skb, struct genl_info *info)
{
	return xtun_nl_peer_doit(info, xtun_new_peer_policy, xtun_nl_new_peer);
}

static int xtun_nl_set_peer_doit(struct sk_buff *skb, struct genl_info *info)
{
	return xtun_nl_peer_doit(info, xtun_peer_policy, xtun_nl_set_peer);
}

static int xtun_nl_del_peer_doit(struct sk_buff *skb, struct genl_info *info)
{
	return xtun_nl_peer_doit(info, xtun_peer_del_policy, xtun_nl_del_peer);
}

static const struct genl_ops xtun_genl_ops[] = {
	{
		.cmd	= XTUN_CMD_GET_DEVICE,
		.doit	= xtun_nl_get_device_doit,
		.dumpit	= xtun_nl_get_device_dumpit,
		.policy	= xtun_get_device_policy,
		.maxattr = ARRAY_SIZE(xtun_get_device_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= XTUN_CMD_SET_DEVICE,
		.doit	= xtun_nl_set_device_doit,
		.policy	= xtun_set_device_policy,
		.maxattr = ARRAY_SIZE(xtun_set_device_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= XTUN_CMD_NEW_PEER,
		.doit	= xtun_nl_new_peer_doit,
		.policy	= xtun_new_peer_cmd_policy,
		.maxattr = ARRAY_SIZE(xtun_new_peer_cmd_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= XTUN_CMD_SET_PEER,
		.doit	= xtun_nl_set_peer_doit,
		.policy	= xtun_peer_cmd_policy,
		.maxattr = ARRAY_SIZE(xtun_peer_cmd_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= XTUN_CMD_DEL_PEER,
		.doit	= xtun_nl_del_peer_doit,
		.policy	= xtun_del_peer_cmd_policy,
		.maxattr = ARRAY_SIZE(xtun_del_peer_cmd_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family xtun_genl_family __ro_after_init = {
	.name		= XTUN_GENL_NAME,
	.version	= XTUN_GENL_VERSION,
	.maxattr	= XTUN_DEVICE_A_MAX,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= xtun_genl_ops,
	.n_ops		= ARRAY_SIZE(xtun_genl_ops),
};

int __init xtun_genl_init(void)
{
	return genl_register_family(&xtun_genl_family);
}

void xtun_genl_uninit(void)
{
	genl_unregister_family(&xtun_genl_family);
}
