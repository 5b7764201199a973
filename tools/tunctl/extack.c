// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's extended acks: its message, the attribute it blamed and the
 * attribute it found missing, printed the way iproute2 prints them.  The
 * attributes' names and nesting come from the spec, through netlink-gen.c.
 */

#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/xtun.h>

#include "extack.h"
#include "netlink-gen.h"

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
 * The set of the attributes inside @type of @set, and whether @type is an
 * array of such nests, as the spec says (netlink-gen.c).
 */
static enum nl_set inner_set(enum nl_set set, unsigned int type,
			     bool *is_array)
{
	const struct nl_set_info *info = &nl_sets[set];
	unsigned int i;

	*is_array = false;
	for (i = 0; i < info->n_nests; i++) {
		if (info->nests[i].type == type) {
			*is_array = info->nests[i].array;
			return info->nests[i].set;
		}
	}
	return NL_SET_UNKNOWN;
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
static enum nl_set nest_set(const struct nlmsghdr *request, uint32_t offset)
{
	const char *target = (const char *)request + offset;
	const char *end = (const char *)request + request->nlmsg_len;
	const struct nlattr *attr = mnl_nlmsg_get_payload_offset(request, GENL_HDRLEN);
	enum nl_set set = NL_SET_DEVICE, inner = NL_SET_DEVICE;
	bool in_array = false, is_array = false;

	while (offset < request->nlmsg_len &&
	       (attr = attr_holding(attr, end, target))) {
		/* An array's elements are nests of the array's set. */
		if (!in_array)
			inner = inner_set(set, mnl_attr_get_type(attr), &is_array);
		if ((const char *)attr == target)
			return in_array || !is_array ? inner : NL_SET_UNKNOWN;
		if (inner == NL_SET_UNKNOWN)
			break;
		in_array = !in_array && is_array;
		set = inner;
		end = (const char *)attr + attr->nla_len;
		attr = mnl_attr_get_payload(attr);
	}
	return NL_SET_UNKNOWN;
}

static const char *missing_name(const struct genl_error *err,
				const struct nlmsghdr *request)
{
	enum nl_set set = NL_SET_DEVICE;

	if (err->has_miss_nest)
		set = request ? nest_set(request, err->miss_nest) : NL_SET_UNKNOWN;
	if (set == NL_SET_UNKNOWN || err->miss_type > nl_sets[set].max)
		return NULL;
	return nl_sets[set].names[err->miss_type];
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
