// SPDX-License-Identifier: GPL-2.0
/*
 * Changing xtun devices: SET_DEVICE (the device's settings and a batch of
 * peers), NEW_PEER, SET_PEER and DEL_PEER.
 *
 * Every request is parsed and checked completely before anything changes,
 * so a rejected request leaves the device as it was.  The one exception is
 * running out of memory in the middle of a SET_DEVICE with many peers:
 * those are applied in order, and the peers before the failing one stay.
 */

#include <crypto/algapi.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/netdevice.h>
#include <linux/sort.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "device.h"
#include "netlink.h"
#include "netlink_internal.h"
#include "netlink-gen.h"
#include "notify.h"
#include "peer.h"
#include "send.h"
#include "socket.h"

/* Like NL_SET_ERR_MSG_MOD, the module's name first, and the bad attribute. */
#define XTUN_SET_ERR_MSG_ATTR(extack, attr, msg) \
	NL_SET_ERR_MSG_ATTR(extack, attr, KBUILD_MODNAME ": " msg)

/*
 * A request's device, with its config_lock and update_lock held, to be
 * changed; unlock with xtun_nl_unlock_device().  Refused once the device
 * is being unregistered: ndo_uninit has closed its sockets for the last
 * time.
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

	xtun_device_lock_config(xtun);
	if (unlikely(xtun->dead)) {
		xtun_device_unlock_config(xtun);
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
		xtun_nl_config_changed(dev_net(xtun->dev));
	}
	xtun_device_unlock_config(xtun);
	dev_put(xtun->dev);
}

static void xtun_nl_set_fwmark(struct xtun_device *xtun, u32 fwmark)
{
	lockdep_assert_held(&xtun->update_lock);

	if (xtun->fwmark == fwmark)
		return;
	/* Senders and fill_info read it without update_lock. */
	WRITE_ONCE(xtun->fwmark, fwmark);
	/*
	 * Cached routes were looked up with the old mark.  A sender reads the
	 * route generation, then the mark, and caches its route, all under
	 * its peer's endpoint_lock; the generation moves after the mark.  So
	 * a sender that read the old mark cached its route under the old
	 * generation, and the next sender, which sees the new one, waits for
	 * it on that lock and drops the route (socket.c).  No peer is walked
	 * here.
	 */
	xtun_socket_routes_changed(xtun);
}

/*
 * The port and the mark are settings of the sockets, which live in the
 * namespace the device was created from: changing them takes
 * CAP_NET_ADMIN there, not only where the device lives now, or a
 * container's root given the device could bind ports in the host's
 * namespace and choose its routing.
 */
static int xtun_nl_check_outer_perm(struct sk_buff *skb,
				    struct xtun_device *xtun,
				    struct netlink_ext_ack *extack)
{
	struct net *net;
	int ret = 0;

	rcu_read_lock();
	net = rcu_dereference(xtun->creating_net);
	if (!net) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the namespace the device was created in is gone");
		ret = -ENONET;
	} else if (!netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "listen port and fwmark need CAP_NET_ADMIN in the namespace the device was created in");
		ret = -EPERM;
	}
	rcu_read_unlock();
	return ret;
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

/*
 * A new identity: every session and precomputation becomes stale.  Returns
 * false when the key is the one the device has.
 */
static bool xtun_nl_set_private_key(struct xtun_device *xtun,
				    const u8 private_key[XTUN_KEY_SIZE])
{
	struct xtun_static_identity *identity = &xtun->static_identity;
	u8 public_key[XTUN_KEY_SIZE];
	struct xtun_peer *peer;
	bool has_public;

	has_public = !xtun_nl_key_is_zero(private_key) &&
		     curve25519_generate_public(public_key, private_key);
	if (has_public && identity->has_identity &&
	    !memcmp(public_key, identity->static_public, XTUN_KEY_SIZE))
		return false;	/* the same key again: keep the sessions */

	/* A device cannot be its own peer. */
	if (has_public) {
		peer = xtun_peer_lookup(xtun, public_key);
		if (peer) {
			xtun_notify_config_peer(peer, XTUN_CMD_PEER_DEL_NTF);
			xtun_peer_remove(peer);
		}
	}

	down_write(&identity->lock);
	xtun_noise_set_static_identity_private_key(identity,
						   has_public ? private_key : NULL);
	xtun_cookie_checker_precompute_device_keys(&xtun->cookie_checker);
	up_write(&identity->lock);

	/*
	 * Each peer's static-static value is stale by the generation, and its
	 * next handshake computes it; its sessions expire here, with RTNL let
	 * in between peers.
	 */
	list_for_each_entry(peer, &xtun->peer_list, peer_list) {
		if (xtun_noise_rekey_peer(peer))
			xtun_notify_peers_peer(peer, XTUN_CMD_SESSION_EXPIRE_NTF);
		xtun_device_relax(xtun);
	}
	memzero_explicit(public_key, XTUN_KEY_SIZE);
	return true;
}

/* A peer request, parsed and checked, not yet applied. */
struct xtun_nl_peer_req {
	struct nlattr *nest;	/* where it came from, for extack */
	const u8 *public_key;
	const u8 *preshared_key;
	struct xtun_endpoint endpoint;
	bool has_endpoint;
	bool has_keepalive;
	u16 keepalive;
	u32 flags;
	struct xtun_aip_change *aips;
	unsigned int n_aips;
	unsigned int n_add;	/* of @aips, those that add a prefix */
	bool skip;		/* the device's own key: not applied */
};

static int xtun_nl_parse_endpoint(struct xtun_nl_peer_req *req,
				  struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	const struct sockaddr *sa = nla_data(attr);
	struct xtun_endpoint *endpoint = &req->endpoint;
	int len = nla_len(attr);

	/*
	 * The policy takes any length (see the spec): only a length that is
	 * one of the two sockaddrs' is read, so sa_family is there.
	 */
	memset(endpoint, 0, sizeof(*endpoint));
	if (len == sizeof(endpoint->addr4) && sa->sa_family == AF_INET)
		memcpy(&endpoint->addr4, sa, sizeof(endpoint->addr4));
	else if (len == sizeof(endpoint->addr6) && sa->sa_family == AF_INET6)
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
	struct nlattr *tb[ARRAY_SIZE(xtun_allowedip_nl_policy)];
	unsigned int addr_len, max_cidr;
	int ret;

	ret = nla_parse_nested(tb, ARRAY_SIZE(xtun_allowedip_nl_policy) - 1,
			       attr, xtun_allowedip_nl_policy, extack);
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

/* How many attributes the nest @list holds: the size of an array for them. */
static unsigned int xtun_nl_count_nested(const struct nlattr *list)
{
	const struct nlattr *attr;
	unsigned int n = 0;
	int rem;

	nla_for_each_nested(attr, list, rem)
		n++;
	return n;
}

/*
 * A zeroed array with an entry of @size bytes for each attribute of the
 * nest @list; NULL for an empty nest, ERR_PTR(-ENOMEM) when it cannot be
 * had.
 */
static void *xtun_nl_alloc_nested(const struct nlattr *list, size_t size,
				  struct netlink_ext_ack *extack)
{
	unsigned int n = xtun_nl_count_nested(list);
	void *array;

	if (!n)
		return NULL;
	array = kvcalloc(n, size, GFP_KERNEL);
	if (!array) {
		NL_SET_ERR_MSG_MOD(extack, "cannot allocate the request");
		return ERR_PTR(-ENOMEM);
	}
	return array;
}

static int xtun_nl_parse_aips(struct xtun_nl_peer_req *req,
			      struct nlattr *list,
			      struct netlink_ext_ack *extack)
{
	struct xtun_aip_change *aips;
	struct nlattr *attr;
	int rem, ret;

	aips = xtun_nl_alloc_nested(list, sizeof(*aips), extack);
	if (IS_ERR_OR_NULL(aips))
		return PTR_ERR_OR_ZERO(aips);
	req->aips = aips;
	nla_for_each_nested(attr, list, rem) {
		ret = xtun_nl_parse_aip(&req->aips[req->n_aips], attr, extack);
		if (ret)
			return ret;
		req->n_add += !req->aips[req->n_aips].remove;
		req->n_aips++;
	}
	return 0;
}

/*
 * How a command's peer nest is parsed: the generated policy of its set in
 * the spec, and the peer flags it takes (the spec's sets share one flags
 * attribute, so SET_PEER's narrower choice is checked here).
 */
struct xtun_nl_peer_rules {
	const struct nla_policy *policy;
	unsigned int maxtype;
	u32 flags;
};

static const struct xtun_nl_peer_rules xtun_nl_new_peer_rules = {
	.policy = xtun_peer_new_input_nl_policy,
	.maxtype = ARRAY_SIZE(xtun_peer_new_input_nl_policy) - 1,
};

static const struct xtun_nl_peer_rules xtun_nl_set_peer_rules = {
	.policy = xtun_peer_set_input_nl_policy,
	.maxtype = ARRAY_SIZE(xtun_peer_set_input_nl_policy) - 1,
	.flags = XTUN_PEER_F_SET_PEER,
};

static const struct xtun_nl_peer_rules xtun_nl_del_peer_rules = {
	.policy = xtun_peer_del_input_nl_policy,
	.maxtype = ARRAY_SIZE(xtun_peer_del_input_nl_policy) - 1,
};

static const struct xtun_nl_peer_rules xtun_nl_batch_peer_rules = {
	.policy = xtun_peer_batch_input_nl_policy,
	.maxtype = ARRAY_SIZE(xtun_peer_batch_input_nl_policy) - 1,
	.flags = XTUN_PEER_F_ALL,
};

static int xtun_nl_parse_peer_nest(struct xtun_nl_peer_req *req,
				   struct nlattr *nest,
				   const struct xtun_nl_peer_rules *rules,
				   struct netlink_ext_ack *extack)
{
	/* Zeroed: a policy shorter than the peer set leaves the rest alone. */
	struct nlattr *tb[XTUN_PEER_A_MAX + 1] = {};
	int ret;

	memset(req, 0, sizeof(*req));
	req->nest = nest;
	ret = nla_parse_nested(tb, rules->maxtype, nest, rules->policy, extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, XTUN_PEER_A_PUBLIC_KEY)) {
		NL_SET_ERR_MSG_MOD(extack, "missing peer public key");
		return -EINVAL;
	}
	req->public_key = nla_data(tb[XTUN_PEER_A_PUBLIC_KEY]);
	if (tb[XTUN_PEER_A_PRESHARED_KEY])
		req->preshared_key = nla_data(tb[XTUN_PEER_A_PRESHARED_KEY]);
	if (tb[XTUN_PEER_A_FLAGS])
		req->flags = nla_get_u32(tb[XTUN_PEER_A_FLAGS]);
	if (req->flags & ~rules->flags) {
		XTUN_SET_ERR_MSG_ATTR(extack, tb[XTUN_PEER_A_FLAGS],
				      "set-peer takes only the replace-allowedips flag");
		return -EINVAL;
	}
	if ((req->flags & XTUN_PEER_F_REMOVE) &&
	    (req->flags != XTUN_PEER_F_REMOVE || tb[XTUN_PEER_A_PRESHARED_KEY] ||
	     tb[XTUN_PEER_A_ENDPOINT] || tb[XTUN_PEER_A_PERSISTENT_KEEPALIVE] ||
	     tb[XTUN_PEER_A_ALLOWEDIPS])) {
		XTUN_SET_ERR_MSG_ATTR(extack, nest,
				      "a peer to remove takes only its public key");
		return -EINVAL;
	}
	if (tb[XTUN_PEER_A_PERSISTENT_KEEPALIVE]) {
		req->has_keepalive = true;
		req->keepalive = nla_get_u16(tb[XTUN_PEER_A_PERSISTENT_KEEPALIVE]);
	}
	if (tb[XTUN_PEER_A_ENDPOINT]) {
		ret = xtun_nl_parse_endpoint(req, tb[XTUN_PEER_A_ENDPOINT],
					     extack);
		if (ret)
			return ret;
	}
	if (tb[XTUN_PEER_A_ALLOWEDIPS])
		return xtun_nl_parse_aips(req, tb[XTUN_PEER_A_ALLOWEDIPS],
					  extack);
	return 0;
}

/* The XTUN_DEVICE_A_PEER of a NEW_PEER, SET_PEER or DEL_PEER request. */
static int xtun_nl_parse_peer(struct xtun_nl_peer_req *req,
			      struct genl_info *info,
			      const struct xtun_nl_peer_rules *rules)
{
	memset(req, 0, sizeof(*req));
	if (GENL_REQ_ATTR_CHECK(info, XTUN_DEVICE_A_PEER)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing peer");
		return -EINVAL;
	}
	return xtun_nl_parse_peer_nest(req, info->attrs[XTUN_DEVICE_A_PEER],
				       rules, info->extack);
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
			     const struct xtun_nl_peer_rules *rules,
			     int (*apply)(struct xtun_device *xtun,
					  struct xtun_nl_peer_req *req,
					  struct netlink_ext_ack *extack))
{
	struct xtun_nl_peer_req req;
	struct xtun_device *xtun;
	int ret;

	ret = xtun_nl_parse_peer(&req, info, rules);
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
	if (xtun_noise_public_key_is_low_order(req->public_key)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "peer public key is of low order: no handshake could succeed");
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
	xtun_notify_config_peer(peer, XTUN_CMD_PEER_NEW_NTF);
	return 0;
}

static int xtun_nl_change_peer(struct xtun_device *xtun,
			       struct xtun_peer *peer,
			       struct xtun_nl_peer_req *req,
			       struct netlink_ext_ack *extack)
{
	bool replace = req->flags & XTUN_PEER_F_REPLACE_ALLOWEDIPS;
	int ret;

	if (replace || req->n_aips) {
		ret = xtun_allowedips_update(&xtun->allowedips, peer, replace,
					     req->aips, req->n_aips);
		if (ret) {
			xtun_nl_set_aips_err(extack, ret);
			return ret;
		}
	}
	xtun_nl_apply_peer(peer, req);
	xtun_notify_config_peer(peer, XTUN_CMD_PEER_CHANGE_NTF);
	return 0;
}

static int xtun_nl_set_peer(struct xtun_device *xtun,
			    struct xtun_nl_peer_req *req,
			    struct netlink_ext_ack *extack)
{
	struct xtun_peer *peer = xtun_nl_existing_peer(xtun, req, extack);

	if (!peer)
		return -ENOENT;
	return xtun_nl_change_peer(xtun, peer, req, extack);
}

static int xtun_nl_del_peer(struct xtun_device *xtun,
			    struct xtun_nl_peer_req *req,
			    struct netlink_ext_ack *extack)
{
	struct xtun_peer *peer = xtun_nl_existing_peer(xtun, req, extack);

	if (!peer)
		return -ENOENT;
	xtun_notify_config_peer(peer, XTUN_CMD_PEER_DEL_NTF);
	xtun_peer_remove(peer);
	return 0;
}

int xtun_nl_new_peer_doit(struct sk_buff *skb, struct genl_info *info)
{
	return xtun_nl_peer_doit(info, &xtun_nl_new_peer_rules, xtun_nl_new_peer);
}

int xtun_nl_set_peer_doit(struct sk_buff *skb, struct genl_info *info)
{
	return xtun_nl_peer_doit(info, &xtun_nl_set_peer_rules, xtun_nl_set_peer);
}

int xtun_nl_del_peer_doit(struct sk_buff *skb, struct genl_info *info)
{
	return xtun_nl_peer_doit(info, &xtun_nl_del_peer_rules, xtun_nl_del_peer);
}

/* --- SET_DEVICE ----------------------------------------------------------- */

/* The peers of a SET_DEVICE request, parsed and checked, in request order. */
struct xtun_nl_batch {
	struct xtun_nl_peer_req *reqs;
	unsigned int n_reqs;
};

static void xtun_nl_batch_free(struct xtun_nl_batch *batch)
{
	unsigned int i;

	if (!batch->reqs)
		return;
	for (i = 0; i < batch->n_reqs; i++)
		xtun_nl_peer_req_free(&batch->reqs[i]);
	kvfree(batch->reqs);
}

static int xtun_nl_cmp_req_key(const void *a, const void *b)
{
	const struct xtun_nl_peer_req *const *x = a, *const *y = b;

	return memcmp((*x)->public_key, (*y)->public_key, XTUN_KEY_SIZE);
}

/*
 * Refuse a public key given twice: each peer's place in the request is
 * then the only one, and what the checks before applying it count is what
 * applying does.  Sorting costs O(n log n) for the few hundred peers that a
 * request holds.
 */
static int xtun_nl_batch_check_unique(struct xtun_nl_batch *batch,
				      struct netlink_ext_ack *extack)
{
	struct xtun_nl_peer_req **sorted, *dup;
	unsigned int i;
	int ret = 0;

	if (batch->n_reqs < 2)
		return 0;
	sorted = kvmalloc_array(batch->n_reqs, sizeof(*sorted), GFP_KERNEL);
	if (!sorted) {
		NL_SET_ERR_MSG_MOD(extack, "cannot allocate the peers");
		return -ENOMEM;
	}
	for (i = 0; i < batch->n_reqs; i++)
		sorted[i] = &batch->reqs[i];
	sort(sorted, batch->n_reqs, sizeof(*sorted), xtun_nl_cmp_req_key, NULL);
	for (i = 1; i < batch->n_reqs; i++) {
		if (xtun_nl_cmp_req_key(&sorted[i - 1], &sorted[i]))
			continue;
		/* Name the later of the two. */
		dup = max(sorted[i - 1], sorted[i]);
		XTUN_SET_ERR_MSG_ATTR(extack, dup->nest,
				      "peer is given twice in the request");
		ret = -EINVAL;
		break;
	}
	kvfree(sorted);
	return ret;
}

static int xtun_nl_parse_batch(struct xtun_nl_batch *batch,
			       struct nlattr *list,
			       struct netlink_ext_ack *extack)
{
	struct xtun_nl_peer_req *reqs;
	struct nlattr *attr;
	int rem, ret;

	reqs = xtun_nl_alloc_nested(list, sizeof(*reqs), extack);
	if (IS_ERR_OR_NULL(reqs))
		return PTR_ERR_OR_ZERO(reqs);
	batch->reqs = reqs;
	nla_for_each_nested(attr, list, rem) {
		/* Counted first, so that a failed parse is freed too. */
		batch->n_reqs++;
		ret = xtun_nl_parse_peer_nest(&batch->reqs[batch->n_reqs - 1],
					      attr, &xtun_nl_batch_peer_rules,
					      extack);
		if (ret)
			return ret;
	}
	return xtun_nl_batch_check_unique(batch, extack);
}

/*
 * What applying the peers after the device's own settings will meet, as
 * far as it can be known beforehand: the device's public key as it will be
 * (@private_key, or the current one), whose peer is marked to be skipped,
 * and the number of peers as each one is added or removed.  Refuses with
 * nothing changed what applying would refuse partway.
 */
static int xtun_nl_check_batch(struct xtun_device *xtun,
			       struct xtun_nl_batch *batch,
			       const u8 *private_key, bool replace_peers,
			       struct netlink_ext_ack *extack)
{
	struct xtun_static_identity *identity = &xtun->static_identity;
	struct xtun_nl_peer_req *req;
	u8 own[XTUN_KEY_SIZE];
	unsigned int num_peers;
	bool has_own, exists;
	unsigned int i;
	int ret = 0;

	lockdep_assert_held(&xtun->update_lock);

	if (private_key) {
		has_own = !xtun_nl_key_is_zero(private_key) &&
			  curve25519_generate_public(own, private_key);
	} else {
		has_own = identity->has_identity;
		if (has_own)
			memcpy(own, identity->static_public, XTUN_KEY_SIZE);
	}

	num_peers = replace_peers ? 0 : xtun->num_peers;
	/* A new private key takes the peer with its public key away. */
	if (private_key && has_own && !replace_peers &&
	    xtun_peer_lookup(xtun, own))
		num_peers--;

	for (i = 0; i < batch->n_reqs; i++) {
		req = &batch->reqs[i];
		/*
		 * A device is not its own peer.  Skipped, as WireGuard skips
		 * it, so that one list of peers serves every node of a mesh.
		 */
		if (has_own && !memcmp(req->public_key, own, XTUN_KEY_SIZE)) {
			req->skip = true;
			continue;
		}
		exists = !replace_peers && xtun_peer_lookup(xtun, req->public_key);
		if (req->flags & XTUN_PEER_F_REMOVE) {
			num_peers -= exists;
			continue;
		}
		if (exists || (req->flags & XTUN_PEER_F_UPDATE_ONLY))
			continue;
		if (xtun_noise_public_key_is_low_order(req->public_key)) {
			XTUN_SET_ERR_MSG_ATTR(extack, req->nest,
					      "peer public key is of low order: no handshake could succeed");
			ret = -EINVAL;
			break;
		}
		if (++num_peers > XTUN_MAX_PEERS_PER_DEVICE) {
			XTUN_SET_ERR_MSG_ATTR(extack, req->nest, "too many peers");
			ret = -ENOSPC;
			break;
		}
	}
	memzero_explicit(own, XTUN_KEY_SIZE);
	return ret;
}

/*
 * Room in the device's table for every peer's prefixes, counted as
 * xtun_allowedips_update() will count them when the peer is applied: its
 * additions against the prefixes the table holds by then.  Those are at
 * most what it holds now (none after REPLACE_PEERS) and the additions of
 * the peers before; removals are not subtracted, as that function does
 * not subtract them either.
 */
static int xtun_nl_check_batch_room(struct xtun_device *xtun,
				    struct xtun_nl_batch *batch,
				    bool replace_peers,
				    struct netlink_ext_ack *extack)
{
	struct xtun_nl_peer_req *req;
	unsigned int prefixes, i;

	lockdep_assert_held(&xtun->update_lock);

	prefixes = replace_peers ? 0 : xtun->allowedips.prefixes;
	for (i = 0; i < batch->n_reqs; i++) {
		req = &batch->reqs[i];
		if (!req->n_add || req->skip)
			continue;
		/* Skipped when applied: an update of a peer that is not there. */
		if ((req->flags & XTUN_PEER_F_UPDATE_ONLY) &&
		    (replace_peers || !xtun_peer_lookup(xtun, req->public_key)))
			continue;
		if (!xtun_allowedips_room(prefixes, req->n_add)) {
			XTUN_SET_ERR_MSG_ATTR(extack, req->nest,
					      "too many allowed IPs on the device");
			return -ENOSPC;
		}
		prefixes += req->n_add;
	}
	return 0;
}

/*
 * Apply the peers in order.  Checked beforehand, so only an allocation can
 * fail here; then the peers before the failing one stay applied, the
 * failing one is as it was (a new one is taken away again), the rest is
 * not applied, and extack points into the failing peer.
 */
static int xtun_nl_apply_batch(struct xtun_device *xtun,
			       struct xtun_nl_batch *batch,
			       struct netlink_ext_ack *extack)
{
	struct xtun_nl_peer_req *req;
	struct xtun_peer *peer;
	unsigned int i;
	int ret = 0;

	lockdep_assert_held(&xtun->update_lock);

	for (i = 0; i < batch->n_reqs; i++) {
		req = &batch->reqs[i];
		if (req->skip)
			continue;
		peer = xtun_peer_lookup(xtun, req->public_key);
		if (req->flags & XTUN_PEER_F_REMOVE) {
			/* Finished with the request: one grace period for all. */
			if (peer) {
				xtun_notify_config_peer(peer,
							XTUN_CMD_PEER_DEL_NTF);
				xtun_peer_remove(peer);
			}
			xtun_device_relax(xtun);
			continue;
		}
		if (peer)
			ret = xtun_nl_change_peer(xtun, peer, req, extack);
		else if (req->flags & XTUN_PEER_F_UPDATE_ONLY)
			ret = 0;
		else
			ret = xtun_nl_new_peer(xtun, req, extack);
		if (ret) {
			NL_SET_BAD_ATTR(extack, req->nest);
			break;
		}
		xtun_device_relax(xtun);
	}
	return ret;
}

/*
 * REPLACE_PEERS: every peer goes, each announced, one at a time with RTNL
 * let in between; the request finishes them together.
 */
static void xtun_nl_remove_all_peers(struct xtun_device *xtun)
{
	struct xtun_peer *peer, *tmp;

	list_for_each_entry_safe(peer, tmp, &xtun->peer_list, peer_list) {
		xtun_notify_config_peer(peer, XTUN_CMD_PEER_DEL_NTF);
		xtun_peer_remove(peer);
		xtun_device_relax(xtun);
	}
}

/*
 * The device's own settings first, in the order WireGuard applies them,
 * then the peers.  Everything that can be checked is checked before the
 * first change; opening a new listen port is the first change because it
 * is the one the system may refuse.
 */
int xtun_nl_set_device_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct xtun_nl_batch batch = { };
	bool changed = false, settings_changed;
	const u8 *private_key = NULL;
	struct xtun_device *xtun;
	u32 flags = 0, fwmark;
	u16 listen_port;
	int ret;

	if (attrs[XTUN_DEVICE_A_FLAGS])
		flags = nla_get_u32(attrs[XTUN_DEVICE_A_FLAGS]);
	if (attrs[XTUN_DEVICE_A_PRIVATE_KEY])
		private_key = nla_data(attrs[XTUN_DEVICE_A_PRIVATE_KEY]);
	if (attrs[XTUN_DEVICE_A_PEERS]) {
		ret = xtun_nl_parse_batch(&batch, attrs[XTUN_DEVICE_A_PEERS],
					  info->extack);
		if (ret)
			goto out_free_batch;
	}

	xtun = xtun_nl_lock_device(info);
	if (IS_ERR(xtun)) {
		ret = PTR_ERR(xtun);
		goto out_free_batch;
	}

	if (attrs[XTUN_DEVICE_A_LISTEN_PORT] || attrs[XTUN_DEVICE_A_FWMARK]) {
		ret = xtun_nl_check_outer_perm(skb, xtun, info->extack);
		if (ret)
			goto out_unlock;
	}
	ret = xtun_nl_check_batch(xtun, &batch, private_key,
				  flags & XTUN_DEVICE_F_REPLACE_PEERS,
				  info->extack);
	if (!ret)
		ret = xtun_nl_check_batch_room(xtun, &batch,
					       flags & XTUN_DEVICE_F_REPLACE_PEERS,
					       info->extack);
	if (ret)
		goto out_unlock;
	listen_port = xtun->listen_port;
	fwmark = xtun->fwmark;
	if (attrs[XTUN_DEVICE_A_LISTEN_PORT]) {
		ret = xtun_nl_set_listen_port(xtun,
					      nla_get_u16(attrs[XTUN_DEVICE_A_LISTEN_PORT]),
					      attrs[XTUN_DEVICE_A_LISTEN_PORT],
					      info->extack);
		if (ret)
			goto out_unlock;
	}
	changed = true;
	if (flags & XTUN_DEVICE_F_REPLACE_PEERS)
		xtun_nl_remove_all_peers(xtun);
	if (attrs[XTUN_DEVICE_A_FWMARK])
		xtun_nl_set_fwmark(xtun, nla_get_u32(attrs[XTUN_DEVICE_A_FWMARK]));
	settings_changed = listen_port != xtun->listen_port ||
			   fwmark != xtun->fwmark;
	if (private_key && xtun_nl_set_private_key(xtun, private_key))
		settings_changed = true;
	if (settings_changed)
		xtun_notify_device(xtun);
	ret = xtun_nl_apply_batch(xtun, &batch, info->extack);
out_unlock:
	xtun_nl_unlock_device(xtun, changed);
out_free_batch:
	xtun_nl_batch_free(&batch);
	return ret;
}
