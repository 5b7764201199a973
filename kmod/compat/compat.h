/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included into every xtun source file.  The driver is written against
 * the newest kernel API we support; this file bridges to older kernels.
 * Decisions come from the XTUN_HAVE_* macros that kmod/Kbuild sets by probing
 * the target kernel's headers, because distributions backport features and a
 * version number alone does not tell what a kernel has.
 */
#ifndef _XTUN_COMPAT_H
#define _XTUN_COMPAT_H

#include <linux/netdevice.h>
#include <net/genetlink.h>

/* 6.11 turned the NETIF_F_LLTX feature bit into the dev->lltx flag. */
static inline void xtun_dev_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/*
 * Since 6.7 (and in 6.12's ip tunnels) the core allocates per-CPU stats
 * for a device that declares their type, and iptunnel_xmit() counts only
 * on such a device.  Before, drivers allocated dev->tstats themselves.
 */
#ifdef XTUN_CORE_TSTATS
static inline void xtun_dev_setup_tstats(struct net_device *dev)
{
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
}

static inline int xtun_dev_alloc_tstats(struct net_device *dev)
{
	return 0;
}

static inline void xtun_dev_free_tstats(struct net_device *dev)
{
}
#else
static inline void xtun_dev_setup_tstats(struct net_device *dev)
{
}

static inline int xtun_dev_alloc_tstats(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static inline void xtun_dev_free_tstats(struct net_device *dev)
{
	free_percpu(dev->tstats);
	dev->tstats = NULL;
}
#endif

/* 6.2 embedded a struct genl_info in the dump state. */
static inline struct nlattr **xtun_nl_dump_attrs(struct netlink_callback *cb)
{
#ifdef XTUN_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* 6.1's udp_tunnel6_xmit_skb returns an (always zero) int, non-const. */
#ifdef XTUN_UDP6_XMIT_RETURNS_INT
#define xtun_udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, \
				  ttl, label, sport, dport, nocheck)	    \
	((void)udp_tunnel6_xmit_skb(dst, sk, skb, dev,			    \
				    (struct in6_addr *)(saddr),		    \
				    (struct in6_addr *)(daddr), prio, ttl,   \
				    label, sport, dport, nocheck))
#else
#define xtun_udp_tunnel6_xmit_skb udp_tunnel6_xmit_skb
#endif

/* 6.9 moved the sysctl net.core.netdev_max_backlog into net_hotdata. */
#ifdef XTUN_HAVE_HOTDATA_MAX_BACKLOG
#include <net/hotdata.h>

static inline unsigned int xtun_max_backlog(void)
{
	return READ_ONCE(net_hotdata.max_backlog);
}
#else
static inline unsigned int xtun_max_backlog(void)
{
	return READ_ONCE(netdev_max_backlog);
}
#endif

/*
 * Not a kernel difference but the generator's: 6.12's ynl-gen-c.py writes
 * the policy of an indexed-array attribute as { .type = NLA_INDEXED_ARRAY }
 * (netlink-gen.c), a type no kernel has.  The kernel's type for it is a
 * nested array; without a nested policy its elements are not checked by
 * the core, and netlink.c parses each one with its set's generated policy
 * before the request changes anything.
 */
#define NLA_INDEXED_ARRAY	NLA_NESTED_ARRAY

/* 6.4 moved skb_gso_segment() out of netdevice.h. */
#ifdef XTUN_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

#endif /* _XTUN_COMPAT_H */
