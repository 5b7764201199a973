/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_STATE_H
#define _XTUNCTL_STATE_H

#include <libmnl/libmnl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "base64.h"
#include "key_index.h"

/*
 * The state of xtun devices as GET_DEVICE reports it, merged from however
 * many dump messages the kernel split it into (state.c).  Every show format
 * and showconf print from this, so there is one parser of the kernel's
 * replies.
 */

struct peer_state {
	uint8_t public_key[XTUN_KEY_LEN];
	bool has_preshared_key;
	union inet_sockaddr endpoint;	/* sa_family 0: unknown */
	uint16_t persistent_keepalive;
	uint64_t last_handshake_ns;
	/* The counters of fields.c, by attribute (XTUN_PEER_A_RX_BYTES...). */
	uint64_t counters[XTUN_PEER_A_MAX + 1];
	struct ip_prefix *allowedips;
	size_t n_allowedips;
};

struct dev_state {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	bool has_public_key;		/* a private key is set */
	uint8_t public_key[XTUN_KEY_LEN];
	uint16_t listen_port;
	uint32_t fwmark;
	uint32_t ntf_missed;		/* notifications only */
	struct peer_state *peers;
	size_t n_peers;
	struct key_index by_key;	/* of peers: dev_state_read_one() */
};

struct dev_state_list {
	struct dev_state *devices;
	size_t n_devices;
};

/*
 * Read device @ifname, or every xtun device when it is NULL, into @list.
 * Returns an xtunctl exit status, having printed why on failure.
 */
int dev_state_read(struct dev_state_list *list, const char *ifname);

void dev_state_free(struct dev_state_list *list);

/*
 * Read device @ifname, which must be an xtun device, with its peers
 * indexed by key for dev_state_find_peer() to find them in O(log N): for
 * the commands that look many peers up, not for those that only print
 * them.  @list is empty on failure.
 */
int dev_state_read_one(struct dev_state_list *list, const char *ifname);

/*
 * Merge one GET_DEVICE reply or one notification into the list passed as
 * @data (a struct dev_state_list): an mnl_cb_t.  A notification's
 * XTUN_DEVICE_A_PEER becomes the device's one peer.
 */
int dev_state_merge_msg(const struct nlmsghdr *nlh, void *data);

/* The peer of @dev (NULL: none) with public key @key, or NULL. */
const struct peer_state *dev_state_find_peer(const struct dev_state *dev,
					     const uint8_t key[XTUN_KEY_LEN]);

#endif /* _XTUNCTL_STATE_H */
