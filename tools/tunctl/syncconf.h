/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SYNCCONF_H
#define _XTUNCTL_SYNCCONF_H

#include "config_file.h"
#include "genl.h"
#include "state.h"

/*
 * Make device @dev (as read just before) what @config says, as setconf
 * would, with requests for what differs only (syncconf.c).  Returns an
 * xtunctl exit status, having printed why on failure.
 */
int syncconf_apply(struct genl_session *g, const char *ifname,
		   const struct config *config, const struct dev_state *dev);

#endif /* _XTUNCTL_SYNCCONF_H */
