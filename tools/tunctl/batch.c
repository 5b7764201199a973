// SPDX-License-Identifier: GPL-2.0
/*
 * Many peers in few requests: SET_DEVICE with an XTUN_DEVICE_A_PEERS array,
 * for setconf, addconf, syncconf and up (see peers_batch_send() in
 * batch.h).
 *
 * A request is built in the session's buffer of GENL_SESSION_BUFSIZE (32 KiB)
 * bytes, which the kernel takes in one piece, and holds as many peers as
 * fit: a few hundred with a handful of prefixes each.  A peer with more
 * allowed IPs than the rest of a request holds is continued in the next
 * request, which names it by its public key alone and adds the rest of its
 * prefixes.  XTUN_PEER_F_REPLACE_ALLOWEDIPS goes with its first part only,
 * so a continuation appends to what the first part set; an update-only
 * peer stays update-only, so that a continuation never adds a peer that
 * the first part skipped.  The kernel
 * refuses a public key given twice in one request, so a peer that a file
 * lists twice starts a new request.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/xtun.h>

#include "base64.h"
#include "batch.h"
#include "xtunctl.h"

#define BUFLEN GENL_SESSION_BUFSIZE

/* Where the peers of one request are in it, to name one the kernel refused. */
struct placed_peer {
	uint32_t start, end;	/* offsets of the peer's nest in the request */
	size_t idx;		/* in the caller's array */
};

/* At least 40 bytes a peer: more than fit in a request. */
#define MAX_PLACED (BUFLEN / 40)

struct batch {
	struct genl_session *g;
	const char *ifname;
	const struct peer_change *peers;
	size_t n_peers;
	size_t next;		/* first peer not completely sent */
	size_t next_aip;	/* its first allowed IP not sent */
	struct placed_peer placed[MAX_PLACED];
	size_t n_placed;
};

static uint32_t peer_flags(const struct peer_change *c)
{
	uint32_t flags = 0;

	if (c->replace_allowedips)
		flags |= XTUN_PEER_F_REPLACE_ALLOWEDIPS;
	if (c->update_only)
		flags |= XTUN_PEER_F_UPDATE_ONLY;
	return flags;
}

/* The settings that go with the first part of a peer only. */
static bool put_settings(struct nlmsghdr *nlh, const struct peer_change *c)
{
	if (c->remove)
		return mnl_attr_put_u32_check(nlh, BUFLEN, XTUN_PEER_A_FLAGS,
					      XTUN_PEER_F_REMOVE);
	return peer_put_settings(nlh, c, peer_flags(c));
}

/*
 * Put the next part of peer b->next as element @index; false if not even
 * its first allowed IP still fits (the request then goes without it).
 */
static bool put_peer(struct batch *b, struct nlmsghdr *nlh, uint16_t index)
{
	const struct peer_change *c = &b->peers[b->next];
	struct nlattr *nest;
	size_t next_aip;

	nest = mnl_attr_nest_start_check(nlh, BUFLEN, index);
	if (!nest)
		return false;
	if (!mnl_attr_put_check(nlh, BUFLEN, XTUN_PEER_A_PUBLIC_KEY,
				XTUN_KEY_LEN, c->public_key))
		goto cancel;
	if (!b->next_aip) {
		if (!put_settings(nlh, c))
			goto cancel;
	} else if (c->update_only &&
		   !mnl_attr_put_u32_check(nlh, BUFLEN, XTUN_PEER_A_FLAGS,
					   XTUN_PEER_F_UPDATE_ONLY)) {
		goto cancel;
	}
	next_aip = b->next_aip;
	if (!c->remove && next_aip < c->n_allowedips) {
		next_aip = peer_put_allowedips(nlh, c, next_aip);
		if (next_aip == b->next_aip)
			goto cancel;
	}
	mnl_attr_nest_end(nlh, nest);

	b->placed[b->n_placed].start = (char *)nest - (char *)nlh;
	b->placed[b->n_placed].end = nlh->nlmsg_len;
	b->placed[b->n_placed].idx = b->next;
	b->n_placed++;
	if (c->remove || next_aip == c->n_allowedips) {
		b->next++;
		b->next_aip = 0;
	} else {
		b->next_aip = next_aip;
	}
	return true;

cancel:
	mnl_attr_nest_cancel(nlh, nest);
	return false;
}

/* Whether peer b->next is in the request already. */
static bool placed_already(const struct batch *b)
{
	const uint8_t *key = b->peers[b->next].public_key;
	size_t i;

	for (i = 0; i < b->n_placed; i++)
		if (!memcmp(b->peers[b->placed[i].idx].public_key, key,
			    XTUN_KEY_LEN))
			return true;
	return false;
}

/*
 * Build the next request: @dev's settings if given, then peers from
 * b->next on.  Returns it, or NULL if a peer fits in no request at all.
 */
static struct nlmsghdr *build_request(struct batch *b,
				      const struct dev_change *dev,
				      struct nlattr **peers_attr)
{
	struct nlmsghdr *nlh;
	struct nlattr *array;
	uint16_t index = 1;

	nlh = genl_msg(b->g, XTUN_CMD_SET_DEVICE, 0);
	mnl_attr_put_strz(nlh, XTUN_DEVICE_A_IFNAME, b->ifname);
	if (dev)
		dev_change_put(nlh, dev);
	b->n_placed = 0;
	*peers_attr = NULL;
	if (b->next == b->n_peers)
		return nlh;

	array = mnl_attr_nest_start_check(nlh, BUFLEN, XTUN_DEVICE_A_PEERS);
	if (!array)
		return NULL;
	while (b->next < b->n_peers && b->n_placed < MAX_PLACED &&
	       !placed_already(b) && put_peer(b, nlh, index))
		index++;
	mnl_attr_nest_end(nlh, array);
	if (!b->n_placed) {
		fprintf(stderr, "%s: a peer does not fit in a request\n", prog);
		return NULL;
	}
	*peers_attr = array;
	return nlh;
}

/* Name the peer whose attribute the kernel blamed, if it was one. */
static void report_peer(const struct batch *b, const struct genl_error *err)
{
	char b64[KEY_B64_LEN + 1];
	size_t i;

	for (i = 0; err->has_offset && i < b->n_placed; i++) {
		if (err->offset < b->placed[i].start ||
		    err->offset >= b->placed[i].end)
			continue;
		key_to_base64(b64, b->peers[b->placed[i].idx].public_key);
		fprintf(stderr, "%s: the kernel refused peer %s\n", prog, b64);
		return;
	}
}

/* The old way, for a kernel without XTUN_DEVICE_A_PEERS in SET_DEVICE. */
static int send_one_by_one(struct genl_session *g, const char *ifname,
			   const struct dev_change *dev,
			   const struct peer_change *peers, size_t n_peers)
{
	size_t i;
	int ret;

	ret = dev ? dev_change_send(g, ifname, dev) : XTUNCTL_OK;
	for (i = 0; !ret && i < n_peers; i++) {
		if (peers[i].remove)
			ret = peer_del_send(g, ifname, peers[i].public_key);
		else
			ret = peer_change_send(g, ifname, &peers[i]);
	}
	return ret;
}

int peers_batch_send(struct genl_session *g, const char *ifname,
		     const struct dev_change *dev,
		     const struct peer_change *peers, size_t n_peers)
{
	static struct batch b;
	struct genl_error err;
	struct nlattr *peers_attr;
	struct nlmsghdr *nlh;
	bool first = true;

	memset(&b, 0, sizeof(b));
	b.g = g;
	b.ifname = ifname;
	b.peers = peers;
	b.n_peers = n_peers;
	if (!dev && !n_peers)
		return XTUNCTL_OK;

	do {
		nlh = build_request(&b, first ? dev : NULL, &peers_attr);
		if (!nlh)
			return XTUNCTL_EUSAGE;
		if (genl_try(g, nlh, &err) == 0) {
			first = false;
			continue;
		}
		/* A kernel before batches refuses the array, unapplied. */
		if (first && peers_attr && err.error == -EINVAL &&
		    err.has_offset &&
		    err.offset == (uint32_t)((char *)peers_attr - (char *)nlh))
			return send_one_by_one(g, ifname, dev, peers, n_peers);
		genl_report(&err, nlh);
		report_peer(&b, &err);
		return XTUNCTL_EKERNEL;
	} while (b.next < n_peers);
	return XTUNCTL_OK;
}
