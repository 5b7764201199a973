/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUN_CHANGE_H
#define _XTUN_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "genl.h"
#include "key.h"
#include "parse.h"

/*
 * Changes to a device and to its peers, as "dev set", "peer add|set" and
 * the config file commands (setconf, addconf, syncconf) ask for them.  What
 * a has_* flag leaves unset is left as the device has it.
 */

struct dev_change {
	bool has_private_key, has_listen_port, has_fwmark;
	bool replace_peers;		/* XTUN_DEVICE_F_REPLACE_PEERS */
	uint8_t private_key[XTUN_KEY_LEN];
	uint16_t listen_port;
	uint32_t fwmark;
};

struct peer_change {
	uint8_t cmd;			/* XTUN_CMD_NEW_PEER or _SET_PEER */
	uint8_t public_key[XTUN_KEY_LEN];
	bool has_preshared_key, has_endpoint, has_keepalive;
	uint8_t preshared_key[XTUN_KEY_LEN];
	union xtun_sockaddr endpoint;
	uint16_t keepalive;
	bool replace_allowedips;	/* XTUN_PEER_F_REPLACE_ALLOWEDIPS */
	struct xtun_prefix *allowedips;
	size_t n_allowedips;
};

/* One SET_DEVICE request.  Returns an xtunctl exit status. */
int dev_change_send(struct xtun_genl *g, const char *ifname,
		    const struct dev_change *c);

/*
 * One NEW_PEER or SET_PEER request, followed by as many SET_PEER requests
 * as the allowed IPs need.  Returns an xtunctl exit status.
 */
int peer_change_send(struct xtun_genl *g, const char *ifname,
		     const struct peer_change *c);

int peer_del_send(struct xtun_genl *g, const char *ifname,
		  const uint8_t public_key[XTUN_KEY_LEN]);

#endif /* _XTUN_CHANGE_H */
