// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's extended acks: its message, the attribute it blamed and the
 * attribute it found missing, printed the way iproute2 prints them.
 */

#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/xtun.h>

#include "extack.h"

static int parse_tlv(const struct nlattr *attr, void *data)
{
	struct genl_error *err = data;
	bool is_u32 = mnl_attr_validate(attr, MNL_TYPE_U32) == 0;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(err->msg, sizeof(err->msg), "%s",
				 mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		err->has_offset = is_u32;
		err->offset = is_u32 ? mnl_attr_get_u32(attr) : 0;
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		err->has_miss_type = is_u32;
		err->miss_type = is_u32 ? mnl_attr_get_u32(attr) : 0;
		break;
	case NLMSGERR_ATTR_MISS_NEST:
		err->has_miss_nest = is_u32;
		err->miss_nest = is_u32 ? mnl_attr_get_u32(attr) : 0;
		break;
	}
	return MNL_CB_OK;
}

void extack_parse(const struct nlmsghdr *nlh, unsigned int offset,
		  struct genl_error *err)
{
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    offset < mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, offset, parse_tlv, err);
}

/*
 * The attribute names of Documentation/netlink/specs/xtun.yaml, for messages.
 * Which set a nest holds follows from the attribute that holds it.
 */
enum attr_set { SET_DEVICE, SET_PEER, SET_ALLOWEDIP, SET_UNKNOWN };

static const char *const device_names[XTUN_DEVICE_A_MAX + 1] = {
	[XTUN_DEVICE_A_IFINDEX] = "ifindex",
	[XTUN_DEVICE_A_IFNAME] = "ifname",
	[XTUN_DEVICE_A_PRIVATE_KEY] = "private-key",
	[XTUN_DEVICE_A_PUBLIC_KEY] = "public-key",
	[XTUN_DEVICE_A_FLAGS] = "flags",
	[XTUN_DEVICE_A_LISTEN_PORT] = "listen-port",
	[XTUN_DEVICE_A_FWMARK] = "fwmark",
	[XTUN_DEVICE_A_GENERATION] = "generation",
	[XTUN_DEVICE_A_PEERS] = "peers",
	[XTUN_DEVICE_A_PEER] = "peer",
	[XTUN_DEVICE_A_NTF_MISSED] = "ntf-missed",
};

static const char *const peer_names[XTUN_PEER_A_MAX + 1] = {
	[XTUN_PEER_A_PUBLIC_KEY] = "public-key",
	[XTUN_PEER_A_PRESHARED_KEY] = "preshared-key",
	[XTUN_PEER_A_HAS_PRESHARED_KEY] = "has-preshared-key",
	[XTUN_PEER_A_FLAGS] = "flags",
	[XTUN_PEER_A_ENDPOINT] = "endpoint",
	[XTUN_PEER_A_PERSISTENT_KEEPALIVE] = "persistent-keepalive",
	[XTUN_PEER_A_ALLOWEDIPS] = "allowedips",
};

static const char *const allowedip_names[XTUN_ALLOWEDIP_A_MAX + 1] = {
	[XTUN_ALLOWEDIP_A_FAMILY] = "family",
	[XTUN_ALLOWEDIP_A_ADDR] = "addr",
	[XTUN_ALLOWEDIP_A_CIDR] = "cidr",
	[XTUN_ALLOWEDIP_A_FLAGS] = "flags",
};

static const struct {
	const char *const *names;
	unsigned int max;
} attr_sets[] = {
	[SET_DEVICE] = { device_names, XTUN_DEVICE_A_MAX },
	[SET_PEER] = { peer_names, XTUN_PEER_A_MAX },
	[SET_ALLOWEDIP] = { allowedip_names, XTUN_ALLOWEDIP_A_MAX },
};

/* The set of the attributes inside @type of @set; an array's elements too. */
static enum attr_set inner_set(enum attr_set set, unsigned int type,
			       bool *is_array)
{
	*is_array = !(set == SET_DEVICE && type == XTUN_DEVICE_A_PEER);
	if (set == SET_DEVICE &&
	    (type == XTUN_DEVICE_A_PEER || type == XTUN_DEVICE_A_PEERS))
		return SET_PEER;
	if (set == SET_PEER && type == XTUN_PEER_A_ALLOWEDIPS)
		return SET_ALLOWEDIP;
	return SET_UNKNOWN;
}

/* The attribute between @attr and @end whose bytes hold @target, or NULL. */
static const struct nlattr *attr_holding(const struct nlattr *attr,
					 const char *end, const char *target)
{
	for (; mnl_attr_ok(attr, end - (const char *)attr);
	     attr = mnl_attr_next(attr))
		if (target >= (const char *)attr &&
		    target < (const char *)attr + attr->nla_len)
			return attr;
	return NULL;
}

/*
 * The set of the attributes in the nest that starts @offset bytes into
 * @request (NLMSGERR_ATTR_MISS_NEST): walk down from the top level, into
 * the attribute that holds that byte at each level.
 */
static enum attr_set nest_set(const struct nlmsghdr *request, uint32_t offset)
{
	const char *target = (const char *)request + offset;
	const char *end = (const char *)request + request->nlmsg_len;
	const struct nlattr *attr = mnl_nlmsg_get_payload_offset(request, GENL_HDRLEN);
	enum attr_set set = SET_DEVICE, inner = SET_DEVICE;
	bool in_array = false, is_array = false;

	while (offset < request->nlmsg_len &&
	       (attr = attr_holding(attr, end, target))) {
		/* An array's elements are nests of the array's set. */
		if (!in_array)
			inner = inner_set(set, mnl_attr_get_type(attr), &is_array);
		if ((const char *)attr == target)
			return in_array || !is_array ? inner : SET_UNKNOWN;
		if (inner == SET_UNKNOWN)
			break;
		in_array = !in_array && is_array;
		set = inner;
		end = (const char *)attr + attr->nla_len;
		attr = mnl_attr_get_payload(attr);
	}
	return SET_UNKNOWN;
}

static const char *missing_name(const struct genl_error *err,
				const struct nlmsghdr *request)
{
	enum attr_set set = SET_DEVICE;

	if (err->has_miss_nest)
		set = request ? nest_set(request, err->miss_nest) : SET_UNKNOWN;
	if (set == SET_UNKNOWN || err->miss_type > attr_sets[set].max)
		return NULL;
	return attr_sets[set].names[err->miss_type];
}

void extack_report(const struct genl_error *err, const struct nlmsghdr *request,
		   const char *what)
{
	const char *missing;

	if (err->msg[0]) {
		fprintf(stderr, "Error: %s\n", err->msg);
		return;
	}
	if (err->has_miss_type) {
		missing = missing_name(err, request);
		if (missing)
			fprintf(stderr, "Error: missing attribute: %s\n", missing);
		else
			fprintf(stderr, "Error: missing attribute: %u\n",
				err->miss_type);
		return;
	}
	fprintf(stderr, "Error: %s: %s\n", what, strerror(-err->error));
}
