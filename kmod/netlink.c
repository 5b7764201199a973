// SPDX-License-Identifier: GPL-2.0
/*
 * The "xtun" generic netlink family: how userspace reads and configures xtun
 * devices.  The ABI and its rules are documented in uapi/linux/xtun.h.
 */

#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "device.h"
#include "netlink.h"

static const struct nla_policy xtun_get_device_policy[XTUN_DEVICE_A_MAX + 1] = {
	[XTUN_DEVICE_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[XTUN_DEVICE_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

static struct genl_family xtun_genl_family;

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

static int xtun_nl_fill_device(struct sk_buff *skb, struct net_device *dev,
			       u32 portid, u32 seq, int flags)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &xtun_genl_family, flags,
			  XTUN_CMD_GET_DEVICE);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_u32(skb, XTUN_DEVICE_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, XTUN_DEVICE_A_IFNAME, dev->name))
		goto err_cancel_msg;

	genlmsg_end(skb, hdr);
	return 0;

err_cancel_msg:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int xtun_nl_get_device_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;
	struct sk_buff *msg;
	int ret;

	dev = xtun_nl_get_device(genl_info_net(info), info->attrs,
				 info->extack);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto err_put_dev;
	}

	ret = xtun_nl_fill_device(msg, dev, info->snd_portid, info->snd_seq, 0);
	if (ret)
		goto err_free_msg;

	dev_put(dev);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
err_put_dev:
	dev_put(dev);
	return ret;
}

/*
 * Dump state in cb->args: [0] nonzero once the request was checked, [1] the
 * ifindex a selector asked for (0: every xtun device), [2] how many xtun
 * devices earlier messages already covered.
 *
 * The selector is checked on the first call rather than in ->start because
 * only ->dumpit has an extack on every kernel we support (6.1 gives ->start
 * none).
 */
static int xtun_nl_dump_select(struct netlink_callback *cb)
{
	struct nlattr **attrs = xtun_genl_dump_attrs(cb);
	struct net_device *dev;

	if (!xtun_nl_has_selector(attrs))
		return 0;

	dev = xtun_nl_get_device(sock_net(cb->skb->sk), attrs, cb->extack);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	cb->args[1] = dev->ifindex;
	dev_put(dev);
	return 0;
}

static int xtun_nl_get_device_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct net_device *dev;
	long idx = 0, skip;
	int ret;

	if (!cb->args[0]) {
		ret = xtun_nl_dump_select(cb);
		if (ret)
			return ret;
		cb->args[0] = 1;
	}
	skip = cb->args[2];

	ret = 0;
	rcu_read_lock();
	for_each_netdev_rcu(net, dev) {
		if (!xtun_is_xtun_dev(dev) ||
		    (cb->args[1] && dev->ifindex != cb->args[1]))
			continue;
		if (idx++ < skip)
			continue;
		ret = xtun_nl_fill_device(skb, dev, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (ret) {
			idx--;
			break;
		}
	}
	rcu_read_unlock();
	cb->args[2] = idx;

	/* A full message goes out now; the next call continues from idx. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
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
