/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_BATCH_H
#define _XTUNCTL_BATCH_H

#include <stddef.h>

#include "dev_change.h"
#include "genl.h"
#include "peer_change.h"

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

#endif /* _XTUNCTL_BATCH_H */
