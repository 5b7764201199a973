// SPDX-License-Identifier: GPL-2.0
/*
 * SET_DEVICE requests for a device's own settings (see dev_change.h).
 */

#include <linux/xtun.h>

#include "dev_change.h"

void dev_change_put(struct nlmsghdr *nlh, const struct dev_change *c)
{
	if (c->replace_peers)
		mnl_attr_put_u32(nlh, XTUN_DEVICE_A_FLAGS,
				 XTUN_DEVICE_F_REPLACE_PEERS);
	if (c->has_private_key)
		mnl_attr_put(nlh, XTUN_DEVICE_A_PRIVATE_KEY, XTUN_KEY_LEN,
			     c->private_key);
	if (c->has_listen_port)
		mnl_attr_put_u16(nlh, XTUN_DEVICE_A_LISTEN_PORT, c->listen_port);
	if (c->has_fwmark)
		mnl_attr_put_u32(nlh, XTUN_DEVICE_A_FWMARK, c->fwmark);
}

int dev_change_send(struct genl_session *g, const char *ifname,
		    const struct dev_change *c)
{
	struct nlmsghdr *nlh;

	nlh = genl_msg(g, XTUN_CMD_SET_DEVICE, 0);
	mnl_attr_put_strz(nlh, XTUN_DEVICE_A_IFNAME, ifname);
	dev_change_put(nlh, c);
	return genl_talk(g, nlh, NULL, NULL);
}
