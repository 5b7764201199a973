// SPDX-License-Identifier: GPL-2.0
/*
 * The xtun net_device: a layer-3, point-to-point interface with no link-layer
 * header and no ARP, created with "ip link add NAME type xtun".
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/icmp.h>
#include <net/rtnetlink.h>

#include "device.h"

static int xtun_dev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
	return 0;
}

/* Tell the sender its packet went nowhere, the way a router would. */
static void xtun_xmit_unreachable(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else if (skb->protocol == htons(ETH_P_IPV6))
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
}

static netdev_tx_t xtun_xmit(struct sk_buff *skb, struct net_device *dev)
{
	/* No peer can take this packet yet: drop it, count it, say so. */
	DEV_STATS_INC(dev, tx_dropped);
	xtun_xmit_unreachable(skb);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops xtun_netdev_ops = {
	.ndo_init		= xtun_dev_init,
	.ndo_start_xmit		= xtun_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

/* Runs after unregistration, once the last reference to the device is gone. */
static void xtun_dev_destruct(struct net_device *dev)
{
	struct xtun_device *xtun = netdev_priv(dev);

	mutex_destroy(&xtun->update_lock);
	free_percpu(dev->tstats);
}

static void xtun_setup(struct net_device *dev)
{
	struct xtun_device *xtun = netdev_priv(dev);

	dev->netdev_ops = &xtun_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = LL_MAX_HEADER + XTUN_OUTER_HEADER_MAX +
			       XTUN_DATA_HEADER_LEN;
	dev->needed_tailroom = XTUN_PADDING_MAX + XTUN_AUTHTAG_LEN;
	dev->mtu = XTUN_DEFAULT_MTU;
	dev->min_mtu = XTUN_MIN_MTU;
	dev->max_mtu = XTUN_MAX_MTU;
	dev->needs_free_netdev = true;
	dev->priv_destructor = xtun_dev_destruct;
	xtun_dev_set_lltx(dev);
	netif_keep_dst(dev);

	xtun->dev = dev;
	mutex_init(&xtun->update_lock);
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

struct rtnl_link_ops xtun_link_ops __read_mostly = {
	.kind		= XTUN_LINK_KIND,
	.priv_size	= sizeof(struct xtun_device),
	.setup		= xtun_setup,
	.validate	= xtun_validate,
};

int __init xtun_device_init(void)
{
	return rtnl_link_register(&xtun_link_ops);
}

/* Deletes every xtun device in every namespace. */
void xtun_device_uninit(void)
{
	rtnl_link_unregister(&xtun_link_ops);
}
