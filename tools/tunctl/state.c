// SPDX-License-Identifier: GPL-2.0
/*
 * Reading xtun devices: a GET_DEVICE dump, merged back into one object per
 * device and per peer.
 *
 * The kernel splits a device with many peers, and a peer with many allowed
 * IPs, across dump messages (uapi/linux/xtun.h, "Large devices in dumps").
 * Every message names its device by ifindex and ifname; a peer continued in
 * the next message repeats its public key there, followed by more allowed
 * IPs.  A dump the kernel marks NLM_F_DUMP_INTR saw a configuration change
 * half-way and is read again.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/xtun.h>

#include "array.h"
#include "fields.h"
#include "genl.h"
#include "state.h"
#include "xtunctl.h"

/* A device that keeps changing faster than it can be read is an error. */
#define DUMP_TRIES	5

/* Report a reply that breaks the ABI; the callback then fails with EPROTO. */
static int malformed(const char *what)
{
	fprintf(stderr, "Error: the kernel sent a malformed %s\n", what);
	errno = EPROTO;
	return MNL_CB_ERROR;
}

struct attr_table {
	const struct nlattr **tb;
	unsigned int max;
};

static int table_cb(const struct nlattr *attr, void *data)
{
	struct attr_table *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	/* The ABI only grows: attributes newer than xtunctl are skipped. */
	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * The attributes of @nest by type, as mnl_attr_parse_nested() with
 * table_cb() would find them, with the iteration inline: a dump of
 * 100,000 peers is millions of attributes, and a call and a callback for
 * each were a fifth of its time.
 */
static void parse_nest(const struct nlattr *nest, const struct nlattr **tb,
		       unsigned int max)
{
	const struct nlattr *attr = mnl_attr_get_payload(nest);
	int len = nest->nla_len - NLA_HDRLEN;
	unsigned int type;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (len >= (int)sizeof(*attr) && attr->nla_len >= sizeof(*attr) &&
	       attr->nla_len <= len) {
		/* The ABI only grows: attributes newer than xtunctl are skipped. */
		type = attr->nla_type & NLA_TYPE_MASK;
		if (type <= max)
			tb[type] = attr;
		len -= NLA_ALIGN(attr->nla_len);
		attr = (const void *)((const char *)attr + NLA_ALIGN(attr->nla_len));
	}
}

static size_t payload_len(const struct nlattr *attr)
{
	return attr->nla_len - NLA_HDRLEN;
}

/* As mnl_attr_validate(), with the fixed sizes checked inline. */
static bool valid(const struct nlattr *attr, enum mnl_attr_data_type type)
{
	switch (type) {
	case MNL_TYPE_U8:
		return payload_len(attr) == sizeof(uint8_t);
	case MNL_TYPE_U16:
		return payload_len(attr) == sizeof(uint16_t);
	case MNL_TYPE_U32:
		return payload_len(attr) == sizeof(uint32_t);
	case MNL_TYPE_U64:
		return payload_len(attr) == sizeof(uint64_t);
	default:
		return mnl_attr_validate(attr, type) == 0;
	}
}

static bool valid_len(const struct nlattr *attr, size_t len)
{
	return payload_len(attr) == len;
}

static int parse_allowedip(const struct nlattr *nest, struct ip_prefix *p)
{
	const struct nlattr *tb[XTUN_ALLOWEDIP_A_MAX + 1];
	size_t addr_len;

	parse_nest(nest, tb, XTUN_ALLOWEDIP_A_MAX);
	if (!tb[XTUN_ALLOWEDIP_A_FAMILY] || !tb[XTUN_ALLOWEDIP_A_ADDR] ||
	    !tb[XTUN_ALLOWEDIP_A_CIDR] ||
	    !valid(tb[XTUN_ALLOWEDIP_A_FAMILY], MNL_TYPE_U16) ||
	    !valid(tb[XTUN_ALLOWEDIP_A_CIDR], MNL_TYPE_U8))
		return malformed("allowed IP");

	memset(p, 0, sizeof(*p));
	p->family = mnl_attr_get_u16(tb[XTUN_ALLOWEDIP_A_FAMILY]);
	p->cidr = mnl_attr_get_u8(tb[XTUN_ALLOWEDIP_A_CIDR]);
	addr_len = p->family == AF_INET ? 4 : 16;
	if ((p->family != AF_INET && p->family != AF_INET6) ||
	    !valid_len(tb[XTUN_ALLOWEDIP_A_ADDR], addr_len) ||
	    p->cidr > addr_len * 8)
		return malformed("allowed IP");
	memcpy(p->addr, mnl_attr_get_payload(tb[XTUN_ALLOWEDIP_A_ADDR]), addr_len);
	return MNL_CB_OK;
}

/* Append the allowed IPs of one message to those @peer already has. */
static int merge_allowedips(struct peer_state *peer, const struct nlattr *array)
{
	const struct nlattr *elem;
	int ret;

	mnl_attr_for_each_nested(elem, array) {
		if (!array_grow(peer->allowedips, peer->n_allowedips))
			return MNL_CB_ERROR;
		ret = parse_allowedip(elem, &peer->allowedips[peer->n_allowedips]);
		if (ret < 0)
			return ret;
		peer->n_allowedips++;
	}
	return MNL_CB_OK;
}

static int merge_endpoint(struct peer_state *peer, const struct nlattr *attr)
{
	size_t len = mnl_attr_get_payload_len(attr);
	union inet_sockaddr ep = { 0 };

	if (len > sizeof(ep))
		return malformed("peer endpoint");
	memcpy(&ep, mnl_attr_get_payload(attr), len);
	if (!(ep.sa.sa_family == AF_INET && len == sizeof(ep.sin)) &&
	    !(ep.sa.sa_family == AF_INET6 && len == sizeof(ep.sin6)))
		return malformed("peer endpoint");
	peer->endpoint = ep;
	return MNL_CB_OK;
}

/* Set *@v from @attr if the message has it. */
static int merge_u64(uint64_t *v, const struct nlattr *attr)
{
	if (!attr)
		return MNL_CB_OK;
	if (!valid(attr, MNL_TYPE_U64))
		return malformed("peer counter");
	*v = mnl_attr_get_u64(attr);
	return MNL_CB_OK;
}

/* The latest handshake, and every counter of the field table (fields.c). */
static int merge_counters(struct peer_state *peer, const struct nlattr **tb)
{
	unsigned int attr;
	size_t i;
	int ret;

	ret = merge_u64(&peer->last_handshake_ns, tb[XTUN_PEER_A_LAST_HANDSHAKE]);
	for (i = 0; ret == MNL_CB_OK && i < n_peer_fields; i++) {
		attr = peer_fields[i].attr;
		if (attr && attr <= XTUN_PEER_A_MAX)
			ret = merge_u64(&peer->counters[attr], tb[attr]);
	}
	return ret;
}

/* Attributes present in this message overwrite, allowed IPs add up. */
static int merge_peer(struct peer_state *peer, const struct nlattr **tb)
{
	const struct nlattr *attr;
	int ret;

	if (tb[XTUN_PEER_A_HAS_PRESHARED_KEY])
		peer->has_preshared_key = true;
	attr = tb[XTUN_PEER_A_PERSISTENT_KEEPALIVE];
	if (attr) {
		if (!valid(attr, MNL_TYPE_U16))
			return malformed("persistent keepalive");
		peer->persistent_keepalive = mnl_attr_get_u16(attr);
	}
	if (tb[XTUN_PEER_A_ENDPOINT]) {
		ret = merge_endpoint(peer, tb[XTUN_PEER_A_ENDPOINT]);
		if (ret < 0)
			return ret;
	}
	ret = merge_counters(peer, tb);
	if (ret < 0)
		return ret;
	attr = tb[XTUN_PEER_A_ALLOWEDIPS];
	if (attr) {
		if (!valid(attr, MNL_TYPE_NESTED))
			return malformed("allowed IPs");
		return merge_allowedips(peer, attr);
	}
	return MNL_CB_OK;
}

/*
 * The peer that @tb is about.  A peer continued from the previous message
 * is the device's last one, so comparing with that one alone is enough, and
 * keeps reading N peers O(N).
 */
static struct peer_state *peer_for(struct dev_state *dev,
				  const struct nlattr **tb)
{
	const uint8_t *key = mnl_attr_get_payload(tb[XTUN_PEER_A_PUBLIC_KEY]);
	struct peer_state *peer;

	if (dev->n_peers &&
	    !memcmp(dev->peers[dev->n_peers - 1].public_key, key, XTUN_KEY_LEN))
		return &dev->peers[dev->n_peers - 1];
	if (!array_grow(dev->peers, dev->n_peers))
		return NULL;
	peer = &dev->peers[dev->n_peers++];
	memset(peer, 0, sizeof(*peer));
	memcpy(peer->public_key, key, XTUN_KEY_LEN);
	return peer;
}

/* One peer nest: an element of XTUN_DEVICE_A_PEERS, or XTUN_DEVICE_A_PEER. */
static int merge_peer_nest(struct dev_state *dev, const struct nlattr *nest)
{
	const struct nlattr *tb[XTUN_PEER_A_MAX + 1];
	struct peer_state *peer;

	parse_nest(nest, tb, XTUN_PEER_A_MAX);
	if (!tb[XTUN_PEER_A_PUBLIC_KEY] ||
	    !valid_len(tb[XTUN_PEER_A_PUBLIC_KEY], XTUN_KEY_LEN))
		return malformed("peer without public key");
	peer = peer_for(dev, tb);
	if (!peer)
		return MNL_CB_ERROR;
	return merge_peer(peer, tb);
}

static int merge_peers(struct dev_state *dev, const struct nlattr *array)
{
	const struct nlattr *elem;
	int ret;

	mnl_attr_for_each_nested(elem, array) {
		ret = merge_peer_nest(dev, elem);
		if (ret < 0)
			return ret;
	}
	return MNL_CB_OK;
}

static int merge_device(struct dev_state *dev, const struct nlattr **tb)
{
	const struct nlattr *attr;

	attr = tb[XTUN_DEVICE_A_PUBLIC_KEY];
	if (attr) {
		if (!valid_len(attr, XTUN_KEY_LEN))
			return malformed("device public key");
		memcpy(dev->public_key, mnl_attr_get_payload(attr), XTUN_KEY_LEN);
		dev->has_public_key = true;
	}
	attr = tb[XTUN_DEVICE_A_LISTEN_PORT];
	if (attr) {
		if (!valid(attr, MNL_TYPE_U16))
			return malformed("listen port");
		dev->listen_port = mnl_attr_get_u16(attr);
	}
	attr = tb[XTUN_DEVICE_A_FWMARK];
	if (attr) {
		if (!valid(attr, MNL_TYPE_U32))
			return malformed("fwmark");
		dev->fwmark = mnl_attr_get_u32(attr);
	}
	attr = tb[XTUN_DEVICE_A_NTF_MISSED];
	if (attr) {
		if (!valid(attr, MNL_TYPE_U32))
			return malformed("missed-notification count");
		dev->ntf_missed = mnl_attr_get_u32(attr);
	}
	/* The peer a notification is about. */
	attr = tb[XTUN_DEVICE_A_PEER];
	if (attr) {
		if (!valid(attr, MNL_TYPE_NESTED))
			return malformed("peer");
		return merge_peer_nest(dev, attr);
	}
	attr = tb[XTUN_DEVICE_A_PEERS];
	if (attr) {
		if (!valid(attr, MNL_TYPE_NESTED))
			return malformed("peer list");
		return merge_peers(dev, attr);
	}
	return MNL_CB_OK;
}

/* The device with @ifindex, added at the end if this is its first message. */
static struct dev_state *device_for(struct dev_state_list *list,
				      uint32_t ifindex, const char *ifname)
{
	struct dev_state *dev;
	size_t i;

	for (i = list->n_devices; i-- > 0;)
		if (list->devices[i].ifindex == ifindex)
			return &list->devices[i];
	if (!array_grow(list->devices, list->n_devices))
		return NULL;
	dev = &list->devices[list->n_devices++];
	memset(dev, 0, sizeof(*dev));
	dev->ifindex = ifindex;
	snprintf(dev->ifname, sizeof(dev->ifname), "%s", ifname);
	return dev;
}

int dev_state_merge_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[XTUN_DEVICE_A_MAX + 1] = { 0 };
	struct attr_table t = { .tb = tb, .max = XTUN_DEVICE_A_MAX };
	struct dev_state_list *list = data;
	struct dev_state *dev;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), table_cb, &t);
	if (!tb[XTUN_DEVICE_A_IFINDEX] || !tb[XTUN_DEVICE_A_IFNAME] ||
	    !valid(tb[XTUN_DEVICE_A_IFINDEX], MNL_TYPE_U32) ||
	    !valid(tb[XTUN_DEVICE_A_IFNAME], MNL_TYPE_NUL_STRING) ||
	    !mnl_attr_get_u32(tb[XTUN_DEVICE_A_IFINDEX]) ||
	    mnl_attr_get_payload_len(tb[XTUN_DEVICE_A_IFNAME]) > IF_NAMESIZE)
		return malformed("device without ifindex or name");

	dev = device_for(list, mnl_attr_get_u32(tb[XTUN_DEVICE_A_IFINDEX]),
			 mnl_attr_get_str(tb[XTUN_DEVICE_A_IFNAME]));
	if (!dev)
		return MNL_CB_ERROR;
	return merge_device(dev, tb);
}

void dev_state_free(struct dev_state_list *list)
{
	size_t i, j;

	for (i = 0; i < list->n_devices; i++) {
		for (j = 0; j < list->devices[i].n_peers; j++)
			free(list->devices[i].peers[j].allowedips);
		free(list->devices[i].peers);
		key_index_free(&list->devices[i].by_key);
	}
	free(list->devices);
	memset(list, 0, sizeof(*list));
}

static int dump_once(struct genl_session *g, struct dev_state_list *list,
		     const char *ifname)
{
	struct nlmsghdr *nlh;

	nlh = genl_msg(g, XTUN_CMD_GET_DEVICE, NLM_F_DUMP);
	if (ifname)
		mnl_attr_put_strz(nlh, XTUN_DEVICE_A_IFNAME, ifname);
	return genl_dump(g, nlh, dev_state_merge_msg, list);
}

/* What dev_state_read() reads. */
struct read_job {
	struct dev_state_list *list;
	const char *ifname;
};

static int dump_until_consistent(struct genl_session *g, void *ctx)
{
	const struct read_job *job = ctx;
	int tries, ret;

	for (tries = 0; tries < DUMP_TRIES; tries++) {
		ret = dump_once(g, job->list, job->ifname);
		if (ret != GENL_DUMP_INTERRUPTED)
			return ret;
		/* Half of an old configuration and half of a new one. */
		dev_state_free(job->list);
	}
	fprintf(stderr, "Error: the devices kept changing while being read; try again\n");
	return XTUNCTL_EKERNEL;
}

/* Index each device's peers by key; returns an xtunctl exit status. */
static int dev_state_index_peers(struct dev_state_list *list)
{
	struct dev_state *dev;
	size_t i;

	for (i = 0; i < list->n_devices; i++) {
		dev = &list->devices[i];
		if (!key_index_of(&dev->by_key, dev->peers, dev->n_peers,
				  public_key)) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return XTUNCTL_EUSAGE;
		}
	}
	return XTUNCTL_OK;
}

int dev_state_read(struct dev_state_list *list, const char *ifname)
{
	struct read_job job = { .list = list, .ifname = ifname };
	int ret;

	memset(list, 0, sizeof(*list));
	ret = genl_run(dump_until_consistent, &job);
	if (ret)
		dev_state_free(list);
	return ret;
}

int dev_state_read_one(struct dev_state_list *list, const char *ifname)
{
	int ret;

	ret = dev_state_read(list, ifname) ?: dev_state_index_peers(list);
	if (!ret && list->n_devices != 1) {
		fprintf(stderr, "%s: %s: no such xtun device\n", prog, ifname);
		ret = XTUNCTL_EKERNEL;
	}
	if (ret)
		dev_state_free(list);
	return ret;
}

const struct peer_state *dev_state_find_peer(const struct dev_state *dev,
					     const uint8_t key[XTUN_KEY_LEN])
{
	size_t i;

	if (!dev)
		return NULL;
	if (dev->by_key.n == dev->n_peers)
		return key_index_find(&dev->by_key, key);
	/* Not indexed (dev_state_read_one()): one lookup is O(N) anyway. */
	for (i = 0; i < dev->n_peers; i++)
		if (!memcmp(dev->peers[i].public_key, key, XTUN_KEY_LEN))
			return &dev->peers[i];
	return NULL;
}
