// SPDX-License-Identifier: GPL-2.0
/*
 * NEW_PEER, SET_PEER and DEL_PEER requests, and the attributes of a peer
 * change that batches (batch.c) put in theirs (see peer_change.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/xtun.h>

#include "peer_change.h"
#include "xtunctl.h"

#define BUFLEN GENL_SESSION_BUFSIZE

bool peer_put_settings(struct nlmsghdr *nlh, const struct peer_change *c,
		       uint32_t flags)
{
	if (flags && !mnl_attr_put_u32_check(nlh, BUFLEN, XTUN_PEER_A_FLAGS, flags))
		return false;
	if (c->has_preshared_key &&
	    !mnl_attr_put_check(nlh, BUFLEN, XTUN_PEER_A_PRESHARED_KEY,
				XTUN_KEY_LEN, c->preshared_key))
		return false;
	if (c->has_endpoint &&
	    !mnl_attr_put_check(nlh, BUFLEN, XTUN_PEER_A_ENDPOINT,
				c->endpoint.sa.sa_family == AF_INET ?
				sizeof(c->endpoint.sin) : sizeof(c->endpoint.sin6),
				&c->endpoint))
		return false;
	if (c->has_keepalive &&
	    !mnl_attr_put_u16_check(nlh, BUFLEN, XTUN_PEER_A_PERSISTENT_KEEPALIVE,
				    c->keepalive))
		return false;
	return true;
}

static bool put_allowedip(struct nlmsghdr *nlh, uint16_t index,
			  const struct ip_prefix *p)
{
	const size_t size = BUFLEN;
	struct nlattr *nest;

	nest = mnl_attr_nest_start_check(nlh, size, index);
	if (!nest)
		return false;
	if (!mnl_attr_put_u16_check(nlh, size, XTUN_ALLOWEDIP_A_FAMILY, p->family) ||
	    !mnl_attr_put_check(nlh, size, XTUN_ALLOWEDIP_A_ADDR,
				p->family == AF_INET ? 4 : 16, p->addr) ||
	    !mnl_attr_put_u8_check(nlh, size, XTUN_ALLOWEDIP_A_CIDR, p->cidr) ||
	    (p->flags && !mnl_attr_put_u32_check(nlh, size,
						 XTUN_ALLOWEDIP_A_FLAGS, p->flags))) {
		mnl_attr_nest_cancel(nlh, nest);
		return false;
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

size_t peer_put_allowedips(struct nlmsghdr *nlh, const struct peer_change *c,
			   size_t next)
{
	struct nlattr *array;
	uint16_t index = 1;

	if (next == c->n_allowedips)
		return next;
	array = mnl_attr_nest_start_check(nlh, BUFLEN,
					  XTUN_PEER_A_ALLOWEDIPS);
	if (!array)
		return next;
	while (next < c->n_allowedips &&
	       put_allowedip(nlh, index++, &c->allowedips[next]))
		next++;
	mnl_attr_nest_end(nlh, array);
	return next;
}

/*
 * More allowed IPs than one request holds (some hundreds) go in further
 * SET_PEER requests that add the rest, as wg(8) does.  If one of those
 * fails, the earlier ones stay applied.
 */
int peer_change_send(struct genl_session *g, const char *ifname,
		     const struct peer_change *c)
{
	struct nlmsghdr *nlh;
	struct nlattr *peer;
	size_t next = 0, done;
	bool first = true;
	int ret;

	do {
		nlh = genl_msg(g, first ? c->cmd : XTUN_CMD_SET_PEER, 0);
		mnl_attr_put_strz(nlh, XTUN_DEVICE_A_IFNAME, ifname);
		peer = mnl_attr_nest_start(nlh, XTUN_DEVICE_A_PEER);
		mnl_attr_put(nlh, XTUN_PEER_A_PUBLIC_KEY, XTUN_KEY_LEN,
			     c->public_key);
		if (first)
			peer_put_settings(nlh, c, c->replace_allowedips ?
					  XTUN_PEER_F_REPLACE_ALLOWEDIPS : 0);
		done = next;
		next = peer_put_allowedips(nlh, c, next);
		mnl_attr_nest_end(nlh, peer);
		if (next == done && next < c->n_allowedips) {
			fprintf(stderr, "%s: allowed IPs do not fit in a request\n", prog);
			return XTUNCTL_EUSAGE;
		}
		ret = genl_talk(g, nlh, NULL, NULL);
		first = false;
	} while (!ret && next < c->n_allowedips);
	return ret;
}

int peer_del_send(struct genl_session *g, const char *ifname,
		  const uint8_t public_key[XTUN_KEY_LEN])
{
	struct nlmsghdr *nlh;
	struct nlattr *peer;

	nlh = genl_msg(g, XTUN_CMD_DEL_PEER, 0);
	mnl_attr_put_strz(nlh, XTUN_DEVICE_A_IFNAME, ifname);
	peer = mnl_attr_nest_start(nlh, XTUN_DEVICE_A_PEER);
	mnl_attr_put(nlh, XTUN_PEER_A_PUBLIC_KEY, XTUN_KEY_LEN, public_key);
	mnl_attr_nest_end(nlh, peer);
	return genl_talk(g, nlh, NULL, NULL);
}

/* Frees @peers, which hold preshared keys; their allowed IPs are borrowed. */
void peer_changes_free(struct peer_change *peers, size_t n)
{
	explicit_bzero(peers, n * sizeof(*peers));
	free(peers);
}
