// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl showconf IFNAME: the running configuration of a device as a
 * config file in WireGuard's format, which setconf reads back; keys the
 * kernel never gives out are comments.  Its lines are the field table's
 * (fields.c), as for every show format.
 */

#include <stdio.h>

#include "parse.h"
#include "show_print.h"
#include "state.h"
#include "xtunctl.h"

int cmd_showconf(int argc, char **argv)
{
	struct dev_state_list list;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "Usage: %s showconf IFNAME\n", prog);
		return XTUNCTL_EUSAGE;
	}
	ret = parse_ifname(argv[1]) ?: dev_state_read(&list, argv[1]);
	if (ret)
		return ret;
	if (list.n_devices == 1)
		show_print(&list, SHOW_CONF, NULL, false);
	dev_state_free(&list);
	return XTUNCTL_OK;
}
