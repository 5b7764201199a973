/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_PEER_CHANGE_H
#define _XTUNCTL_PEER_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base64.h"
#include "genl.h"
#include "parse.h"

/*
 * A change to a peer, as "peer add|set" and the config file commands
 * (setconf, addconf, syncconf) ask for it, and the NEW_PEER, SET_PEER and
 * DEL_PEER requests that make it (peer_change.c).  What a has_* flag
 * leaves unset is left as the device has it.
 */

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
 * Put the settings of @c but its public key and allowed IPs into @nlh
 * (built as above), with XTUN_PEER_A_FLAGS @flags unless 0; false if they
 * do not fit.
 */
bool peer_put_settings(struct nlmsghdr *nlh, const struct peer_change *c,
		       uint32_t flags);

/* Frees @peers, which hold preshared keys; their allowed IPs are borrowed. */
void peer_changes_free(struct peer_change *peers, size_t n);

#endif /* _XTUNCTL_PEER_CHANGE_H */
