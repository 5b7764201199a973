/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUN_DEVICE_H
#define _XTUN_DEVICE_H

#include <linux/mutex.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/udp.h>

#define XTUN_LINK_KIND		"xtun"

/* What encapsulation adds to an inner packet, WireGuard's data message format. */
#define XTUN_DATA_HEADER_LEN	16	/* type, receiver index, 64-bit counter */
#define XTUN_AUTHTAG_LEN	16	/* Poly1305 tag */
#define XTUN_PADDING_MAX	15	/* plaintext is padded to 16 bytes */
#define XTUN_OUTER_HEADER_MAX	(sizeof(struct ipv6hdr) + sizeof(struct udphdr))
#define XTUN_OVERHEAD_MAX	(XTUN_OUTER_HEADER_MAX + XTUN_DATA_HEADER_LEN + \
				 XTUN_AUTHTAG_LEN)

/* The default MTU keeps a 1500-byte path unfragmented for either outer family. */
#define XTUN_DEFAULT_MTU	(ETH_DATA_LEN - XTUN_OVERHEAD_MAX)
#define XTUN_MIN_MTU		68	/* RFC 791: every IPv4 host takes 68 */
#define XTUN_MAX_MTU		(IP_MAX_MTU - XTUN_OVERHEAD_MAX)

/**
 * struct xtun_device - private part of an xtun net_device
 * @dev: the net_device this is embedded in
 * @update_lock: serialises configuration changes (netlink writers).  Readers
 *	on the data path never take it; they use RCU.
 */
struct xtun_device {
	struct net_device *dev;
	struct mutex update_lock;	/* config writers, never the data path */
};

extern struct rtnl_link_ops xtun_link_ops;

static inline bool xtun_is_xtun_dev(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &xtun_link_ops;
}

int xtun_device_init(void);
void xtun_device_uninit(void);

#endif /* _XTUN_DEVICE_H */
