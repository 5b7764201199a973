// SPDX-License-Identifier: GPL-2.0
/*
 * UDP sockets: one for IPv4 and one for IPv6, bound to the same port in
 * the device's network namespace while the device is up.  Received
 * datagrams go to xtun_receive() through the socket's encap_rcv hook; sent
 * ones use a per-peer cached route.
 */

#include <linux/delay.h>
#include <linux/inetdevice.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "device.h"
#include "peer.h"
#include "receive.h"
#include "socket.h"

/*
 * Where a send goes.  A peer's endpoint is read in place, under its
 * endpoint_lock, which is held until the route is cached: a roam must not
 * find the cache reset but then refilled with the old endpoint's route.
 */
struct xtun_send_target {
	const struct xtun_endpoint *endpoint;
	bool stale_src;		/* our remembered source is gone */
};

/*
 * What every send does first, whatever the family: the skb leaves as the
 * device's, carrying our whole message (the tunnel code counts from the
 * inner network header).  Returns the family's socket, or NULL when the
 * device is down; either way the caller ends with xtun_socket_send_end().
 */
static struct sock *xtun_socket_send_begin(struct xtun_device *xtun,
					   struct sk_buff *skb,
					   struct sock __rcu **sockp)
	__acquires(RCU_BH)
{
	skb_mark_not_on_list(skb);
	skb->dev = xtun->dev;
	skb->mark = READ_ONCE(xtun->fwmark);
	skb->ignore_df = 1;
	skb_set_inner_network_header(skb, 0);
	rcu_read_lock_bh();
	return rcu_dereference_bh(*sockp);
}

/* @skb is consumed: sent when @ret is 0, freed otherwise. */
static int xtun_socket_send_end(struct sk_buff *skb, int ret)
	__releases(RCU_BH)
{
	if (unlikely(ret))
		kfree_skb(skb);
	rcu_read_unlock_bh();
	return ret;
}

/*
 * The source address we remembered for the peer is gone: route from any,
 * and have the caller forget it once the endpoint lock is dropped.  The
 * cached route was chosen for that source.
 */
static void xtun_socket_forget_src(struct xtun_send_target *target,
				   struct dst_cache *cache)
{
	target->stale_src = true;
	if (cache)
		dst_cache_reset(cache);
}

/*
 * 0 when @dst (or an ERR_PTR) is a route we can send on; otherwise a
 * negative errno, with @dst released.  A route back into the tunnel would
 * loop every packet through us.
 */
static int xtun_socket_route_ok(struct xtun_device *xtun,
				const struct xtun_send_target *target,
				struct dst_entry *dst)
{
	const struct xtun_endpoint *endpoint = target->endpoint;

	if (IS_ERR(dst)) {
		net_dbg_ratelimited("%s: no route to %pISpfsc: %ld\n",
				    xtun->dev->name, &endpoint->addr,
				    PTR_ERR(dst));
		return PTR_ERR(dst);
	}
	if (unlikely(dst->dev == xtun->dev)) {
		dst_release(dst);
		net_dbg_ratelimited("%s: route to %pISpfsc loops into the tunnel\n",
				    xtun->dev->name, &endpoint->addr);
		return -ELOOP;
	}
	return 0;
}

/*
 * Whether the route @rt from our remembered source is wrong for it: IPv4
 * refused that source (-EINVAL, it went after our check), or the route
 * leaves by another interface than the one the peer reached us on, as
 * when a better route appears there.  The source belongs to the old
 * interface; sending it out of the new one keeps the peer answering the
 * old path, or makes its reverse-path filter drop us.  WireGuard's
 * src_if4 does the same.
 */
static bool xtun_socket_src4_wrong(const struct xtun_send_target *target,
				   const struct rtable *rt)
{
	const struct xtun_endpoint *endpoint = target->endpoint;

	if (!endpoint->src4.s_addr || target->stale_src)
		return false;
	if (IS_ERR(rt))
		return PTR_ERR(rt) == -EINVAL;
	return endpoint->src_if4 && rt->dst.dev->ifindex != endpoint->src_if4;
}

static int xtun_socket_send4(struct xtun_device *xtun, struct sk_buff *skb,
			     struct xtun_send_target *target, u8 ds,
			     struct dst_cache *cache)
{
	const struct xtun_endpoint *endpoint = target->endpoint;
	struct flowi4 fl = {
		.saddr = endpoint->src4.s_addr,
		.daddr = endpoint->addr4.sin_addr.s_addr,
		.fl4_dport = endpoint->addr4.sin_port,
		.flowi4_mark = READ_ONCE(xtun->fwmark),
		.flowi4_proto = IPPROTO_UDP,
	};
	struct rtable *rt = NULL;
	struct sock *sock;
	int ret;

	sock = xtun_socket_send_begin(xtun, skb, &xtun->sock4);
	if (unlikely(!sock))
		return xtun_socket_send_end(skb, -ENONET);
	fl.fl4_sport = inet_sk(sock)->inet_sport;

	if (cache)
		rt = dst_cache_get_ip4(cache, &fl.saddr);
	if (!rt) {
		/* The address the peer reached us at may have gone. */
		if (fl.saddr && !inet_confirm_addr(sock_net(sock), NULL, 0,
						   fl.saddr, RT_SCOPE_HOST)) {
			fl.saddr = 0;
			xtun_socket_forget_src(target, cache);
		}
		rt = ip_route_output_flow(sock_net(sock), &fl, sock);
		/*
		 * Retry once from any source.  IPv6 has no such retry: its
		 * lookup takes a given source as it is and never fails for
		 * it, and it remembers no interface.
		 */
		if (unlikely(xtun_socket_src4_wrong(target, rt))) {
			if (!IS_ERR(rt))
				ip_rt_put(rt);
			fl.saddr = 0;
			xtun_socket_forget_src(target, cache);
			rt = ip_route_output_flow(sock_net(sock), &fl, sock);
		}
		ret = xtun_socket_route_ok(xtun, target,
					   IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst);
		if (ret)
			return xtun_socket_send_end(skb, ret);
		if (cache)
			dst_cache_set_ip4(cache, &rt->dst, fl.saddr);
	}

	udp_tunnel_xmit_skb(rt, sock, skb, fl.saddr, fl.daddr, ds,
			    ip4_dst_hoplimit(&rt->dst), 0, fl.fl4_sport,
			    fl.fl4_dport, false, false);
	return xtun_socket_send_end(skb, 0);
}

static int xtun_socket_send6(struct xtun_device *xtun, struct sk_buff *skb,
			     struct xtun_send_target *target, u8 ds,
			     struct dst_cache *cache)
{
	const struct xtun_endpoint *endpoint = target->endpoint;
	struct flowi6 fl = {
		.saddr = endpoint->src6,
		.daddr = endpoint->addr6.sin6_addr,
		.fl6_dport = endpoint->addr6.sin6_port,
		.flowi6_mark = READ_ONCE(xtun->fwmark),
		.flowi6_oif = endpoint->addr6.sin6_scope_id,
		.flowi6_proto = IPPROTO_UDP,
	};
	struct dst_entry *dst = NULL;
	struct sock *sock;
	int ret;

	sock = xtun_socket_send_begin(xtun, skb, &xtun->sock6);
	if (unlikely(!sock))
		return xtun_socket_send_end(skb, -ENONET);
	fl.fl6_sport = inet_sk(sock)->inet_sport;

	if (cache)
		dst = dst_cache_get_ip6(cache, &fl.saddr);
	if (!dst) {
		/* The address the peer reached us at may have gone. */
		if (!ipv6_addr_any(&fl.saddr) &&
		    !ipv6_chk_addr(sock_net(sock), &fl.saddr, NULL, 0)) {
			fl.saddr = in6addr_any;
			xtun_socket_forget_src(target, cache);
		}
		dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sock), sock,
						      &fl, NULL);
		ret = xtun_socket_route_ok(xtun, target, dst);
		if (ret)
			return xtun_socket_send_end(skb, ret);
		if (cache)
			dst_cache_set_ip6(cache, dst, &fl.saddr);
	}

	xtun_udp_tunnel6_xmit_skb(dst, sock, skb, skb->dev, &fl.saddr,
				  &fl.daddr, ds, ip6_dst_hoplimit(dst), 0,
				  fl.fl6_sport, fl.fl6_dport, false);
	return xtun_socket_send_end(skb, 0);
}

#ifdef XTUN_DEBUG
/*
 * The debug build can hold the next send to a peer this long between
 * reading its endpoint and caching its route, so that a selftest can roam
 * the peer meanwhile (races.sh).  The sender spins, as it holds the
 * peer's endpoint lock with bottom halves off.  The value reads 0 once a
 * sender took it; xtun_socket_send_held() is there for a kprobe to time
 * the hold.
 */
static unsigned int send_hold_ms;
module_param(send_hold_ms, uint, 0644);
MODULE_PARM_DESC(send_hold_ms,
		 "debug build: hold the next send to a peer this long before its route");

static noinline void xtun_socket_send_held(unsigned int ms)
{
	mdelay(ms);
}

static void xtun_socket_send_hold(struct dst_cache *cache)
{
	unsigned int ms;

	if (!cache || likely(!READ_ONCE(send_hold_ms)))
		return;
	ms = xchg(&send_hold_ms, 0);
	if (ms)
		xtun_socket_send_held(ms);
}
#else
static void xtun_socket_send_hold(struct dst_cache *cache) { }
#endif

/* @cache is the peer's; a reply to an skb has none and caches no route. */
static int xtun_socket_send_skb(struct xtun_device *xtun, struct sk_buff *skb,
				struct xtun_send_target *target, u8 ds,
				struct dst_cache *cache)
{
	xtun_socket_send_hold(cache);
	switch (target->endpoint->addr.sa_family) {
	case AF_INET:
		return xtun_socket_send4(xtun, skb, target, ds, cache);
	case AF_INET6:
		return xtun_socket_send6(xtun, skb, target, ds, cache);
	default:
		kfree_skb(skb);
		return -EDESTADDRREQ;	/* no endpoint known yet */
	}
}

/*
 * Whether @peer's cached route and remembered source are of the device's
 * current sockets and mark.  Called under the peer's endpoint_lock, which
 * the sender then holds until its route is cached: a route looked up
 * with what was read after this (the acquire orders it) is either fresh,
 * or stored under a generation that the next sender finds stale.
 */
static u32 xtun_socket_route_generation(struct xtun_device *xtun)
{
	/* Pairs with xtun_socket_routes_changed(): mark and sockets after. */
	return smp_load_acquire(&xtun->route_generation);
}

static bool xtun_socket_peer_routes_fresh(struct xtun_peer *peer)
{
	return peer->endpoint_cache_generation ==
	       xtun_socket_route_generation(peer->device);
}

/*
 * Routing picks our source again, and the route with it, at the next
 * send; the cached route is dropped lazily, by each CPU at its next use.
 * Under @peer's endpoint_lock, for writing.
 */
static void xtun_socket_forget_peer_route(struct xtun_peer *peer)
{
	memset(&peer->endpoint.src6, 0, sizeof(peer->endpoint.src6));
	dst_cache_reset(&peer->endpoint_cache);
}

/*
 * Make @peer's cached route and remembered source fresh: the sockets or
 * the mark changed since they were made (route_generation).  The write
 * lock waits for senders that may still cache a route found with the old
 * sockets or mark; the reset (lazy: each CPU's entry is dropped at its
 * next use) comes after theirs.
 */
static void xtun_socket_refresh_peer_routes(struct xtun_peer *peer)
{
	write_lock_bh(&peer->endpoint_lock);
	peer->endpoint_cache_generation =
		xtun_socket_route_generation(peer->device);
	xtun_socket_forget_peer_route(peer);
	write_unlock_bh(&peer->endpoint_lock);
}

/* Consumes @skb, a datagram or a train of them (send_gso.c). */
int xtun_socket_send_skb_to_peer(struct xtun_peer *peer, struct sk_buff *skb,
				 u8 ds)
{
	struct xtun_send_target target = { .endpoint = &peer->endpoint };
	unsigned int n = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	unsigned int len = skb->len;
	int ret;

	read_lock_bh(&peer->endpoint_lock);
	if (unlikely(!xtun_socket_peer_routes_fresh(peer))) {
		read_unlock_bh(&peer->endpoint_lock);
		xtun_socket_refresh_peer_routes(peer);
		read_lock_bh(&peer->endpoint_lock);
	}
	ret = xtun_socket_send_skb(peer->device, skb, &target, ds,
				   &peer->endpoint_cache);
	read_unlock_bh(&peer->endpoint_lock);
	if (likely(!ret))
		xtun_peer_link_tx(peer, n, len);
	if (target.stale_src)
		xtun_socket_clear_peer_endpoint_src(peer);
	return ret;
}

static struct sk_buff *xtun_socket_skb_of_buffer(void *buffer, size_t len)
{
	struct sk_buff *skb = alloc_skb(len + XTUN_SKB_HEADROOM, GFP_ATOMIC);

	if (unlikely(!skb))
		return NULL;
	skb_reserve(skb, XTUN_SKB_HEADROOM);
	skb_put_data(skb, buffer, len);
	return skb;
}

int xtun_socket_send_buffer_to_peer(struct xtun_peer *peer, void *buffer,
				    size_t len, u8 ds)
{
	struct sk_buff *skb = xtun_socket_skb_of_buffer(buffer, len);

	if (unlikely(!skb))
		return -ENOMEM;
	return xtun_socket_send_skb_to_peer(peer, skb, ds);
}

/* Answer the sender of @in_skb (a cookie reply), without any peer. */
int xtun_socket_send_buffer_as_reply_to_skb(struct xtun_device *xtun,
					    struct sk_buff *in_skb,
					    void *buffer, size_t len)
{
	struct xtun_send_target target = { };
	struct xtun_endpoint endpoint;
	struct sk_buff *skb;
	int ret;

	ret = xtun_socket_endpoint_from_skb(&endpoint, in_skb);
	if (unlikely(ret < 0))
		return ret;
	target.endpoint = &endpoint;
	skb = xtun_socket_skb_of_buffer(buffer, len);
	if (unlikely(!skb))
		return -ENOMEM;
	return xtun_socket_send_skb(xtun, skb, &target, 0, NULL);
}

/* The peer's address and our address it reached, from a received skb. */
int xtun_socket_endpoint_from_skb(struct xtun_endpoint *endpoint,
				  const struct sk_buff *skb)
{
	memset(endpoint, 0, sizeof(*endpoint));
	if (skb->protocol == htons(ETH_P_IP)) {
		endpoint->addr4.sin_family = AF_INET;
		endpoint->addr4.sin_port = udp_hdr(skb)->source;
		endpoint->addr4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		endpoint->src4.s_addr = ip_hdr(skb)->daddr;
		endpoint->src_if4 = skb->skb_iif;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		endpoint->addr6.sin6_family = AF_INET6;
		endpoint->addr6.sin6_port = udp_hdr(skb)->source;
		endpoint->addr6.sin6_addr = ipv6_hdr(skb)->saddr;
		endpoint->addr6.sin6_scope_id =
			ipv6_iface_scope_id(&ipv6_hdr(skb)->saddr,
					    skb->skb_iif);
		endpoint->src6 = ipv6_hdr(skb)->daddr;
	} else {
		return -EINVAL;
	}
	return 0;
}

static bool xtun_endpoint_eq(const struct xtun_endpoint *a,
			     const struct xtun_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_port == b->addr4.sin_port &&
		       a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr &&
		       a->src4.s_addr == b->src4.s_addr &&
		       a->src_if4 == b->src_if4;
	if (a->addr.sa_family == AF_INET6)
		return a->addr6.sin6_port == b->addr6.sin6_port &&
		       ipv6_addr_equal(&a->addr6.sin6_addr,
				       &b->addr6.sin6_addr) &&
		       a->addr6.sin6_scope_id == b->addr6.sin6_scope_id &&
		       ipv6_addr_equal(&a->src6, &b->src6);
	return true;
}

/* The address and port packets go to, not the source we send them from. */
static bool xtun_endpoint_same_remote(const struct xtun_endpoint *a,
				      const struct xtun_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_port == b->addr4.sin_port &&
		       a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr;
	if (a->addr.sa_family == AF_INET6)
		return a->addr6.sin6_port == b->addr6.sin6_port &&
		       ipv6_addr_equal(&a->addr6.sin6_addr,
				       &b->addr6.sin6_addr);
	return true;
}

/*
 * Returns true when this moved a known endpoint to another address or
 * port: the peer roamed.  Of packets from a new place arriving together,
 * only the first to take the lock reports it.
 */
bool xtun_socket_set_peer_endpoint(struct xtun_peer *peer,
				   const struct xtun_endpoint *endpoint)
{
	bool roamed;

	/* Nearly every packet comes from where the last one did. */
	read_lock_bh(&peer->endpoint_lock);
	if (xtun_endpoint_eq(endpoint, &peer->endpoint)) {
		read_unlock_bh(&peer->endpoint_lock);
		return false;
	}
	read_unlock_bh(&peer->endpoint_lock);

	write_lock_bh(&peer->endpoint_lock);
	roamed = peer->endpoint.addr.sa_family &&
		 !xtun_endpoint_same_remote(endpoint, &peer->endpoint);
	peer->endpoint = *endpoint;
	dst_cache_reset(&peer->endpoint_cache);
	write_unlock_bh(&peer->endpoint_lock);
	return roamed;
}

/* Roaming: the endpoint follows the latest authenticated packet. */
bool xtun_socket_set_peer_endpoint_from_skb(struct xtun_peer *peer,
					    const struct sk_buff *skb)
{
	struct xtun_endpoint endpoint;

	return !xtun_socket_endpoint_from_skb(&endpoint, skb) &&
	       xtun_socket_set_peer_endpoint(peer, &endpoint);
}

/* Forget @peer's remembered source and cached route. */
void xtun_socket_clear_peer_endpoint_src(struct xtun_peer *peer)
{
	write_lock_bh(&peer->endpoint_lock);
	xtun_socket_forget_peer_route(peer);
	write_unlock_bh(&peer->endpoint_lock);
}

/*
 * The same, but the cached routes are released now, on every CPU: they
 * hold devices of a namespace that is going away (xtun_net_pre_exit()),
 * and nothing may send again to drop them lazily.  O(CPUs): never for
 * every peer under RTNL.
 */
void xtun_socket_drop_peer_routes(struct xtun_peer *peer)
{
	xtun_device_count_route_drop();
	write_lock_bh(&peer->endpoint_lock);
	memset(&peer->endpoint.src6, 0, sizeof(peer->endpoint.src6));
	dst_cache_reset_now(&peer->endpoint_cache);
	write_unlock_bh(&peer->endpoint_lock);
}

/*
 * Every peer's cached route and remembered source are stale: the sockets
 * or the mark changed, which the caller did before this.  Senders see it
 * and refresh their peer (xtun_socket_refresh_peer_routes()), so this is
 * O(1) whatever the number of peers and CPUs.
 */
void xtun_socket_routes_changed(struct xtun_device *xtun)
{
	lockdep_assert_held(&xtun->update_lock);

	/* A sender that sees the new generation sees what changed before. */
	smp_store_release(&xtun->route_generation, xtun->route_generation + 1);
}

static void xtun_socket_set_encap(struct net *net, struct socket *sock,
				  struct xtun_device *xtun)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = xtun,
		.encap_type = 1,
		.encap_rcv = xtun_receive,
	};

	setup_udp_tunnel_sock(net, sock, &cfg);
}

static int xtun_socket_create(struct net *net, int family, u16 port,
			      struct socket **sockp)
{
	struct udp_port_cfg cfg = {
		.family = family,
		.local_udp_port = htons(port),
		.use_udp_checksums = true,
		.use_udp6_tx_checksums = true,
		.use_udp6_rx_checksums = true,
		.ipv6_v6only = true,
	};

	if (family == AF_INET)
		cfg.local_ip.s_addr = htonl(INADDR_ANY);
	else
		cfg.local_ip6 = in6addr_any;
	return udp_sock_create(net, &cfg, sockp);
}

static void xtun_socket_close(struct sock *sk)
{
	struct socket *sock;

	if (!sk)
		return;
	sock = sk->sk_socket;
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
}

/*
 * Release a socket that was never put in xtun->sock4 or sock6, without a
 * grace period.  Bound and given our encap, it may have received: a
 * receiver may still be in xtun_receive() with it.  But the socket's
 * memory waits for receivers by itself (UDP sockets are SOCK_RCU_FREE),
 * and all a receiver took from it is the device, which is alive (we hold
 * update_lock) and outlives such a receiver: whatever closes the device
 * waits for a grace period after this (the release of its published
 * sockets, or unregister_netdevice_many()'s synchronize_net() before
 * ndo_uninit).  No sender ever found it.  udp_tunnel_sock_release()
 * would wait for a grace period, under RTNL at ndo_open, for each socket
 * given up.
 */
static void xtun_socket_discard(struct socket *sock)
{
	rcu_assign_sk_user_data(sock->sk, NULL);
	xtun_socket_close(sock->sk);
}

/* Open @xtun's sockets in @net; see xtun_socket_init(). */
static int xtun_socket_init_in(struct xtun_device *xtun, struct net *net,
			       u16 port)
{
	struct socket *new4 = NULL, *new6 = NULL;
	unsigned int retries = 0;
	int ret;

retry:
	ret = xtun_socket_create(net, AF_INET, port, &new4);
	if (ret < 0) {
		netdev_err(xtun->dev, "cannot open UDP port %u for IPv4: %d\n",
			   port, ret);
		return ret;
	}
	xtun_socket_set_encap(net, new4, xtun);

	ret = xtun_socket_create(net, AF_INET6, ntohs(inet_sk(new4->sk)->inet_sport),
				 &new6);
	if (ret < 0) {
		/* The random port may be taken for IPv6 only: try another. */
		if (ret == -EADDRINUSE && !port && retries++ < 100) {
			xtun_socket_discard(new4);
			new4 = NULL;
			goto retry;
		}
		/* A namespace without IPv6 still gets an IPv4 tunnel. */
		if (ret != -EAFNOSUPPORT && ret != -EPFNOSUPPORT) {
			netdev_err(xtun->dev, "cannot open UDP port %u for IPv6: %d\n",
				   port, ret);
			xtun_socket_discard(new4);
			return ret;
		}
		new6 = NULL;
	} else {
		xtun_socket_set_encap(net, new6, xtun);
	}

	xtun->incoming_port = ntohs(inet_sk(new4->sk)->inet_sport);
	xtun_socket_reinit(xtun, new4->sk, new6 ? new6->sk : NULL);
	return 0;
}

/*
 * Open the sockets on @port (0: any free port, the same for both
 * families) and put them in place of the old ones.  Called with
 * update_lock held.  -ENONET when the namespace the device was created
 * from is gone.
 */
int xtun_socket_init(struct xtun_device *xtun, u16 port)
{
	struct net *net;
	int ret;

	lockdep_assert_held(&xtun->update_lock);

	/* Where the device was created, wherever it lives now. */
	net = xtun_device_get_creating_net(xtun);
	if (!net)
		return -ENONET;
	ret = xtun_socket_init_in(xtun, net, port);
	put_net(net);
	return ret;
}

/*
 * Release sockets taken out of use: senders may hold what they found in
 * xtun->sock4 and sock6, and receivers may be in xtun_receive() with the
 * device as the socket's user data.  One grace period covers both
 * sockets and both sides; udp_tunnel_sock_release() would wait once per
 * socket.  With no old socket (ndo_open, and ndo_uninit after ndo_stop)
 * there is nobody to wait for.
 */
static void xtun_socket_release_old(struct sock *old4, struct sock *old6)
{
	if (!old4 && !old6)
		return;
	if (old4)
		rcu_assign_sk_user_data(old4, NULL);
	if (old6)
		rcu_assign_sk_user_data(old6, NULL);
	xtun_device_synchronize_net();
	xtun_socket_close(old4);
	xtun_socket_close(old6);
}

/* Swap in new sockets (NULL: close them); the old ones are released. */
void xtun_socket_reinit(struct xtun_device *xtun, struct sock *new4,
			struct sock *new6)
{
	struct sock *old4, *old6;

	lockdep_assert_held(&xtun->update_lock);

	old4 = rcu_dereference_protected(xtun->sock4,
					 lockdep_is_held(&xtun->update_lock));
	old6 = rcu_dereference_protected(xtun->sock6,
					 lockdep_is_held(&xtun->update_lock));
	rcu_assign_pointer(xtun->sock4, new4);
	rcu_assign_pointer(xtun->sock6, new6);
	if (!new4)
		xtun->incoming_port = 0;
	xtun_socket_routes_changed(xtun);
	xtun_socket_release_old(old4, old6);
}
