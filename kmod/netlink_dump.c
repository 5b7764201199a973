// SPDX-License-Identifier: GPL-2.0
/*
 * Reading xtun devices: GET_DEVICE's reply and dump, and the attributes
 * that notifications share with them.  A dump holds a device's config_lock
 * and update_lock for one message at a time and keeps its place in a
 * cursor, so that a device with many peers, or a peer with many allowed
 * IPs, spans messages.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "device.h"
#include "netlink.h"
#include "netlink_internal.h"
#include "netlink-gen.h"
#include "peer.h"

/* A do request's reply; bigger devices need a dump. */
#define XTUN_NL_DO_REPLY_SIZE	32768

static bool xtun_nl_has_selector(struct nlattr **attrs)
{
	return attrs[XTUN_DEVICE_A_IFINDEX] || attrs[XTUN_DEVICE_A_IFNAME];
}

/*
 * Where a device's dump continues: the first peer whose internal_id is at
 * least @peer_id, and in the peer with exactly that id, when @aip_seq is
 * not 0, the prefix that struct xtun_aip_pos @aip_seq, @aip_addr,
 * @aip_family and @aip_cidr name.  A device's peer list is in the order
 * the peers were created, which is ascending internal_id (peer.c takes the
 * ids from one counter and appends under update_lock), so a removed peer
 * is just skipped; a peer's prefixes resume alike (allowedips.h).
 *
 * A message that fills up stops at a peer or within one.  At a peer, it
 * keeps the hash of the peer's public key in @key_hash: the next message
 * finds that peer in one bucket of the pubkey table rather than by walking
 * the list from its start, which would make a dump quadratic in the
 * peers.  Within a peer, the prefix leads to the peer in O(B).  Only when
 * that peer or prefix was removed meanwhile does it walk the list.
 *
 * The two share their bytes: the dump's state must fit in cb->ctx.
 */
struct xtun_nl_cursor {
	u64 peer_id;
	u64 aip_seq;
	union {
		u64 key_hash;		/* @aip_seq 0 */
		u8 aip_addr[16];	/* @aip_seq not 0 */
	};
	u16 aip_family;
	u8 aip_cidr;
	bool device_done;	/* the device's own attributes went out */
};

static void xtun_nl_cursor_aip(const struct xtun_nl_cursor *cursor,
			       struct xtun_aip_pos *pos)
{
	memset(pos, 0, sizeof(*pos));
	pos->seq = cursor->aip_seq;
	if (!pos->seq)
		return;
	memcpy(pos->addr, cursor->aip_addr, sizeof(pos->addr));
	pos->family = cursor->aip_family;
	pos->cidr = cursor->aip_cidr;
}

static void xtun_nl_cursor_set_aip(struct xtun_nl_cursor *cursor,
				   const struct xtun_aip_pos *pos)
{
	cursor->aip_seq = pos->seq;
	memcpy(cursor->aip_addr, pos->addr, sizeof(cursor->aip_addr));
	cursor->aip_family = pos->family;
	cursor->aip_cidr = pos->cidr;
}

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

/* The peer's endpoint, if it has one: in replies and notifications. */
int xtun_nl_put_endpoint(struct sk_buff *skb, struct xtun_peer *peer)
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
	has_psk = !xtun_nl_key_is_zero(peer->handshake.preshared_key);
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
			    &stats->drop_no_session) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_LINK_RX_BYTES,
			    &stats->link_rx_bytes) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_LINK_TX_BYTES,
			    &stats->link_tx_bytes) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_LINK_RX_PACKETS,
			    &stats->link_rx_packets) ||
	    xtun_nl_put_u64(skb, XTUN_PEER_A_LINK_TX_PACKETS,
			    &stats->link_tx_packets))
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
 * One peer, continuing at the cursor's prefix.  Returns 0 when the peer is
 * complete, -EMSGSIZE when the message is full (cursor updated; nothing
 * of the peer is in the message if no prefix of it fit).
 */
static int xtun_nl_put_peer(struct sk_buff *skb, struct xtun_peer *peer,
			    struct xtun_nl_cursor *cursor)
{
	struct xtun_device *xtun = peer->device;
	struct xtun_nl_aip_ctx ctx = { .skb = skb };
	struct nlattr *peer_nest, *aips;
	struct xtun_aip_pos pos;
	int ret;

	peer_nest = nla_nest_start(skb, 0);
	if (!peer_nest)
		return -EMSGSIZE;
	if (nla_put(skb, XTUN_PEER_A_PUBLIC_KEY, XTUN_KEY_SIZE,
		    peer->handshake.remote_static))
		goto err_cancel_peer;
	if (!cursor->aip_seq && xtun_nl_put_peer_state(skb, peer))
		goto err_cancel_peer;

	aips = nla_nest_start(skb, XTUN_PEER_A_ALLOWEDIPS);
	if (!aips)
		goto err_cancel_peer;
	xtun_nl_cursor_aip(cursor, &pos);
	ret = xtun_allowedips_walk_peer(&xtun->allowedips, peer, &pos,
					xtun_nl_put_aip_counted, &ctx);
	if (ret && !ctx.written)
		goto err_cancel_peer;	/* nothing new: try the next message */
	nla_nest_end(skb, aips);
	nla_nest_end(skb, peer_nest);

	if (ret) {
		xtun_nl_cursor_set_aip(cursor, &pos);
		return -EMSGSIZE;
	}
	cursor->aip_seq = 0;
	return 0;

err_cancel_peer:
	nla_nest_cancel(skb, peer_nest);
	return -EMSGSIZE;
}

/* The device's settings: in get-device replies and device notifications. */
int xtun_nl_put_device_settings(struct sk_buff *skb, struct xtun_device *xtun)
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
	    nla_put_u32(skb, XTUN_DEVICE_A_FWMARK, xtun->fwmark))
		return -EMSGSIZE;
	return 0;
}

static int xtun_nl_put_device_state(struct sk_buff *skb,
				    struct xtun_device *xtun)
{
	if (xtun_nl_put_device_settings(skb, xtun) ||
	    nla_put_u32(skb, XTUN_DEVICE_A_GENERATION, xtun->generation))
		return -EMSGSIZE;
	return 0;
}

/* The peer @cursor continues at, or the list's head when there is none. */
static struct xtun_peer *xtun_nl_resume_peer(struct xtun_device *xtun,
					     struct xtun_nl_cursor *cursor)
{
	struct xtun_aip_pos pos;
	struct xtun_peer *peer;

	if (cursor->aip_seq) {
		xtun_nl_cursor_aip(cursor, &pos);
		peer = xtun_allowedips_peer_at(&xtun->allowedips, &pos);
		if (peer && peer->internal_id == cursor->peer_id)
			return peer;
	} else if (cursor->key_hash) {
		peer = xtun_peer_lookup_by_id(xtun, cursor->key_hash,
					      cursor->peer_id);
		if (peer)
			return peer;
	}
	/* The first dump message, or the peer we stopped at was removed. */
	list_for_each_entry(peer, &xtun->peer_list, peer_list)
		if (peer->internal_id >= cursor->peer_id)
			break;
	return peer;
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
	int ret = 0;
	void *hdr;

	lockdep_assert_held(&xtun->update_lock);

	hdr = genlmsg_put(skb, portid, seq, &xtun_nl_family, flags,
			  XTUN_CMD_GET_DEVICE);
	if (!hdr)
		return -EMSGSIZE;
	if (cb) {
		cb->seq = atomic_read(xtun_nl_config_seq(sock_net(cb->skb->sk)));
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
	peer = xtun_nl_resume_peer(xtun, cursor);
	list_for_each_entry_from(peer, &xtun->peer_list, peer_list) {
		if (peer->internal_id != cursor->peer_id)
			cursor->aip_seq = 0;	/* that peer is gone */
		cursor->peer_id = peer->internal_id;
		ret = xtun_nl_put_peer(skb, peer, cursor);
		if (ret) {
			if (!cursor->aip_seq)
				cursor->key_hash = xtun_pubkey_hash(xtun,
								    peer->handshake.remote_static);
			break;
		}
		cursor->peer_id = peer->internal_id + 1;
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

int xtun_nl_get_device_doit(struct sk_buff *skb, struct genl_info *info)
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

	xtun_device_lock_config(xtun);
	ret = xtun_nl_fill_device(msg, xtun, &cursor, NULL, info->snd_portid,
				  info->snd_seq, 0);
	xtun_device_unlock_config(xtun);
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
 * Dump state, in cb->ctx.  The dump continues at the first xtun device
 * whose ifindex is at least @ifindex; @cursor is the place within the
 * device with exactly that ifindex, and is void for any other.  The
 * selector is checked on the first call rather than in ->start because
 * only ->dumpit has an extack on every kernel we support (6.1 gives
 * ->start none); @ifindex is 0 until then, and 1, the least ifindex,
 * after.
 */
struct xtun_nl_dump_ctx {
	struct xtun_nl_cursor cursor;
	u32 ifindex;
	u32 only_ifindex;	/* the selected device, 0: all */
};

static int xtun_nl_dump_select(struct netlink_callback *cb,
			       struct xtun_nl_dump_ctx *ctx)
{
	struct nlattr **attrs = xtun_nl_dump_attrs(cb);
	struct net_device *dev;

	if (!xtun_nl_has_selector(attrs))
		return 0;

	dev = xtun_nl_get_device(sock_net(cb->skb->sk), attrs, cb->extack);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	ctx->only_ifindex = dev->ifindex;
	dev_put(dev);
	return 0;
}

/* The xtun device of @net with the least ifindex >= @ifindex, held, or NULL. */
static struct net_device *xtun_nl_dump_next_device(struct net *net,
						   unsigned long ifindex)
{
	struct net_device *dev, *found = NULL;

	rcu_read_lock();
#ifdef for_each_netdev_dump
	for_each_netdev_dump(net, dev, ifindex) {
		if (xtun_is_xtun_dev(dev)) {
			found = dev;
			break;
		}
	}
#else
	/* Before 6.6 there is no index in ifindex order: look at all. */
	for_each_netdev_rcu(net, dev) {
		if (!xtun_is_xtun_dev(dev) ||
		    (unsigned long)dev->ifindex < ifindex)
			continue;
		if (!found || dev->ifindex < found->ifindex)
			found = dev;
	}
#endif
	if (found)
		dev_hold(found);
	rcu_read_unlock();
	return found;
}

static struct net_device *xtun_nl_dump_device(struct net *net,
					      struct xtun_nl_dump_ctx *ctx)
{
	struct net_device *dev;

	if (!ctx->only_ifindex)
		return xtun_nl_dump_next_device(net, ctx->ifindex);
	if (ctx->ifindex > ctx->only_ifindex)
		return NULL;
	dev = dev_get_by_index(net, ctx->only_ifindex);
	if (dev && !xtun_is_xtun_dev(dev)) {
		dev_put(dev);
		dev = NULL;
	}
	return dev;
}

int xtun_nl_get_device_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct xtun_nl_dump_ctx *ctx = (struct xtun_nl_dump_ctx *)cb->ctx;
	struct xtun_device *xtun;
	struct net_device *dev;
	int ret;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));

	if (!ctx->ifindex) {
		ret = xtun_nl_dump_select(cb, ctx);
		if (ret)
			return ret;
		ctx->ifindex = 1;
	}

	while ((dev = xtun_nl_dump_device(sock_net(skb->sk), ctx))) {
		if ((u32)dev->ifindex != ctx->ifindex) {
			/* A new device, or the one we were in is gone. */
			memset(&ctx->cursor, 0, sizeof(ctx->cursor));
			ctx->ifindex = dev->ifindex;
		}
		xtun = netdev_priv(dev);
		xtun_device_lock_config(xtun);
		ret = xtun_nl_fill_device(skb, xtun, &ctx->cursor, cb,
					  NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI);
		xtun_device_unlock_config(xtun);
		dev_put(dev);
		if (ret)	/* full: the next call continues here */
			return skb->len ?: ret;

		ctx->ifindex++;
		memset(&ctx->cursor, 0, sizeof(ctx->cursor));
	}
	return skb->len;
}
