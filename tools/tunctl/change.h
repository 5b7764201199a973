/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_CHANGE_H
#define _XTUNCTL_CHANGE_H

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
	bool remove;			/* batches: XTUN_PEER_F_REMOVE */
	bool update_only;		/* batches: XTUN_PEER_F_UPDATE_ONLY */
	uint8_t public_key[XTUN_KEY_LEN];
	bool has_preshared_key, has_endpoint, has_keepalive;
	uint8_t preshared_key[XTUN_KEY_LEN];
	union inet_sockaddr endpoint;
	uint16_t keepalive;
	bool replace_allowedips;	/* XTUN_PEER_F_REPLACE_ALLOWEDIPS */
	struct ip_prefix *allowedips;
	size_t n_allowedips;
};

/* The attributes of @c, at the start of a SET_DEVICE request. */
void dev_change_put(struct nlmsghdr *nlh, const struct dev_change *c);

/* One SET_DEVICE request.  Returns an xtunctl exit status. */
int dev_change_send(struct genl_session *g, const char *ifname,
		    const struct dev_change *c);

/*
 * One NEW_PEER or SET_PEER request, followed by as many SET_PEER requests
 * as the allowed IPs need.  Returns an xtunctl exit status.
 */
int peer_change_send(struct genl_session *g, const char *ifname,
		     const struct peer_change *c);

int peer_del_send(struct genl_session *g, const char *ifname,
		  const uint8_t public_key[XTUN_KEY_LEN]);

/*
 * Put the allowed IPs of @c from index @next on into @nlh (built in a
 * buffer of GENL_SESSION_BUFSIZE) as an XTUN_PEER_A_ALLOWEDIPS array, as many
 * as fit; returns the index of the first one left out.
 */
size_t peer_put_allowedips(struct nlmsghdr *nlh, const struct peer_change *c,
			   size_t next);

/*
 * Apply @dev (NULL: no device settings) and @peers with as few SET_DEVICE
 * requests as hold them (batch.c): each carries as many peers in
 * XTUN_DEVICE_A_PEERS as fit, and a peer whose allowed IPs do not fit goes
 * on in the next request with its public key and the rest of them.  The
 * first request carries @dev.  A peer is added, or changed if the device
 * has it (c->cmd is then ignored), or with c->update_only only changed,
 * or with c->remove removed.  The kernel applies each request whole or
 * not at all (but for running out of memory); when one fails, the
 * requests before it stay applied.
 *
 * A kernel that does not know XTUN_DEVICE_A_PEERS in SET_DEVICE refuses
 * the first request unapplied; then everything is sent again the old way,
 * one SET_DEVICE and per peer NEW_PEER (c->cmd), SET_PEER or DEL_PEER.
 * Returns an xtunctl exit status, having printed why on failure.
 */
int peers_batch_send(struct genl_session *g, const char *ifname,
		     const struct dev_change *dev,
		     const struct peer_change *peers, size_t n_peers);

#endif /* _XTUNCTL_CHANGE_H */
