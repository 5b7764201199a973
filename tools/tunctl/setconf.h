/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SETCONF_H
#define _XTUNCTL_SETCONF_H

#include "config_file.h"
#include "genl.h"
#include "state.h"

/*
 * setconf: make the file's settings the device's whole configuration
 * (setconf.c).  Call setconf_check_own_key() first.  Returns an xtunctl
 * exit status, having printed why on failure.
 */
int setconf_apply(struct genl_session *g, const char *ifname,
		  const struct config *config);

/*
 * Refuse (exit status 1, with a message) a config in which a peer has the
 * device's own public key: the kernel would refuse that peer only after
 * the ones before it were applied.  @dev: the device's state when the
 * config keeps its private key (addconf), else NULL.
 */
int setconf_check_own_key(const struct config *config,
			  const struct dev_state *dev);

#endif /* _XTUNCTL_SETCONF_H */
