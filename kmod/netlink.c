// SPDX-License-Identifier: GPL-2.0
/*
 * The "xtun" generic netlink family: how userspace reads and configures xtun
 * devices.  The ABI and its rules are documented in uapi/linux/xtun.h; the
 * policies and the ops table are generated from the family's spec,
 * Documentation/netlink/specs/xtun.yaml, into netlink-gen.c.
 *
 * This file holds the family itself, the lookup of the device a request
 * names, and the per-namespace sequence that dumps check their consistency
 * against.  Reading a device is in netlink_dump.c, changing one in
 * netlink_set.c, notifications in notify.c.
 */

#include <crypto/algapi.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "device.h"
#include "netlink.h"
#include "netlink_internal.h"
#include "netlink-gen.h"
#include "notify.h"

/*
 * Per network namespace, config_seq moves with every change of an xtun
 * device of the namespace and whenever one appears in it or leaves it, so
 * that a dump spanning several devices detects a change of any of them
 * (NLM_F_DUMP_INTR), and only of those its requester can see.  Never 0:
 * netlink checks consistency only from a nonzero sequence on.
 */
struct xtun_nl_net {
	atomic_t config_seq;
};

static unsigned int xtun_nl_net_id __read_mostly;

atomic_t *xtun_nl_config_seq(struct net *net)
{
	struct xtun_nl_net *xn = net_generic(net, xtun_nl_net_id);

	return &xn->config_seq;
}

void xtun_nl_config_changed(struct net *net)
{
	atomic_t *seq = xtun_nl_config_seq(net);

	if (unlikely(!atomic_inc_return(seq)))
		atomic_set(seq, 1);
}

static int __net_init xtun_nl_net_init(struct net *net)
{
	atomic_set(xtun_nl_config_seq(net), 1);
	return 0;
}

static struct pernet_operations xtun_nl_net_ops = {
	.init	= xtun_nl_net_init,
	.id	= &xtun_nl_net_id,
	.size	= sizeof(struct xtun_nl_net),
};

/*
 * Creation, deletion and moves between namespaces (unregister in the old,
 * register in the new one), and renames, which dumps report too.
 */
static int xtun_nl_netdev_event(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (!xtun_is_xtun_dev(dev))
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_UNREGISTER:
	case NETDEV_CHANGENAME:
		xtun_nl_config_changed(dev_net(dev));
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block xtun_nl_netdev_notifier = {
	.notifier_call = xtun_nl_netdev_event,
};

static const u8 xtun_zero_key[XTUN_KEY_SIZE];

bool xtun_nl_key_is_zero(const u8 key[XTUN_KEY_SIZE])
{
	return !crypto_memneq(key, xtun_zero_key, XTUN_KEY_SIZE);
}

/*
 * Find the xtun device that a request names, in the requester's namespace.
 * Returns it with a reference held, or an ERR_PTR with extack set.
 */
struct net_device *xtun_nl_get_device(struct net *net,
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

/* The multicast groups and their rules are notify.c's. */
struct genl_family xtun_nl_family __ro_after_init = {
	.name		= XTUN_GENL_NAME,
	.version	= XTUN_GENL_VERSION,
	.maxattr	= XTUN_DEVICE_A_MAX,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= xtun_nl_ops,
	.n_ops		= ARRAY_SIZE(xtun_nl_ops),
	.mcgrps		= xtun_notify_groups,
	.n_mcgrps	= ARRAY_SIZE(xtun_notify_groups),
};

int __init xtun_nl_init(void)
{
	int ret;

	ret = register_pernet_subsys(&xtun_nl_net_ops);
	if (ret)
		return ret;
	ret = xtun_notify_init();
	if (ret)
		goto err_unregister_pernet;
	ret = register_netdevice_notifier(&xtun_nl_netdev_notifier);
	if (ret)
		goto err_uninit_notify;
	ret = genl_register_family(&xtun_nl_family);
	if (ret)
		goto err_unregister_notifier;
	xtun_notify_start();
	return 0;

err_unregister_notifier:
	unregister_netdevice_notifier(&xtun_nl_netdev_notifier);
err_uninit_notify:
	xtun_notify_uninit();
err_unregister_pernet:
	unregister_pernet_subsys(&xtun_nl_net_ops);
	return ret;
}

void xtun_nl_uninit(void)
{
	xtun_notify_stop();
	genl_unregister_family(&xtun_nl_family);
	unregister_netdevice_notifier(&xtun_nl_netdev_notifier);
	xtun_notify_uninit();
	unregister_pernet_subsys(&xtun_nl_net_ops);
}
