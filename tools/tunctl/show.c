// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl show [IFNAME]: list xtun devices, or show one.
 */

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/xtun.h>

#include "genl.h"
#include "xtunctl.h"

struct device_info {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
};

static int device_attr_cb(const struct nlattr *attr, void *data)
{
	struct device_info *dev = data;

	switch (mnl_attr_get_type(attr)) {
	case XTUN_DEVICE_A_IFINDEX:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			dev->ifindex = mnl_attr_get_u32(attr);
		break;
	case XTUN_DEVICE_A_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(dev->ifname, sizeof(dev->ifname), "%s",
				 mnl_attr_get_str(attr));
		break;
	}
	return MNL_CB_OK;
}

static void print_device(const struct device_info *dev)
{
	printf("interface: %s\n", dev->ifname);
	printf("  ifindex: %u\n", dev->ifindex);
}

static int device_cb(const struct nlmsghdr *nlh, void *data)
{
	struct device_info dev = { 0 };
	int *count = data;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), device_attr_cb, &dev);
	if (!dev.ifindex || !dev.ifname[0]) {
		fprintf(stderr, "Error: the kernel sent a device without ifindex or name\n");
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	if ((*count)++)
		printf("\n");
	print_device(&dev);
	return MNL_CB_OK;
}

int cmd_show(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct xtun_genl g;
	int count = 0;
	int ret;

	if (argc > 2) {
		fprintf(stderr, "Usage: %s show [IFNAME]\n", prog);
		return XTUNCTL_EUSAGE;
	}
	if (argc == 2 && strlen(argv[1]) >= IF_NAMESIZE) {
		fprintf(stderr, "%s: interface name '%s' is longer than %d characters\n",
			prog, argv[1], IF_NAMESIZE - 1);
		return XTUNCTL_EUSAGE;
	}

	ret = xtun_genl_open(&g);
	if (ret)
		return ret;

	if (argc == 2) {
		nlh = xtun_genl_msg(&g, XTUN_CMD_GET_DEVICE, 0);
		mnl_attr_put_strz(nlh, XTUN_DEVICE_A_IFNAME, argv[1]);
	} else {
		nlh = xtun_genl_msg(&g, XTUN_CMD_GET_DEVICE, NLM_F_DUMP);
	}
	ret = xtun_genl_talk(&g, nlh, device_cb, &count);
	xtun_genl_close(&g);
	return ret;
}
