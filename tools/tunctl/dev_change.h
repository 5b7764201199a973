/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_DEV_CHANGE_H
#define _XTUNCTL_DEV_CHANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "base64.h"
#include "genl.h"

/*
 * A change to a device's own settings, as "dev set" and the config file
 * commands ask for it, and the SET_DEVICE request that makes it
 * (dev_change.c).  What a has_* flag leaves unset is left as it is.
 */
struct dev_change {
	bool has_private_key, has_listen_port, has_fwmark;
	bool replace_peers;		/* XTUN_DEVICE_F_REPLACE_PEERS */
	uint8_t private_key[XTUN_KEY_LEN];
	uint16_t listen_port;
	uint32_t fwmark;
};

/* The attributes of @c, at the start of a SET_DEVICE request. */
void dev_change_put(struct nlmsghdr *nlh, const struct dev_change *c);

/* One SET_DEVICE request.  Returns an xtunctl exit status. */
int dev_change_send(struct genl_session *g, const char *ifname,
		    const struct dev_change *c);

#endif /* _XTUNCTL_DEV_CHANGE_H */
